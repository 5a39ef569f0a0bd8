"""`sqlitch config`: read and change settings in the project, user or system file."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import UsageFailure, command, json_option
from sqlitch.services import config_command as service

USAGE = ["[options] config [config options]"]

HELP = """\
With one argument, print the setting named by that key (section.name or
section.subsection.name); with two, store the value under the key. The
options choose a different action, which file to change (the project file
by default), and how values are interpreted.
"""

# (flag name, option names, help) for each action, in the order Sqitch checks them.
_ACTIONS: list[tuple[service.Action, tuple[str, ...], str]] = [
    ("get", ("--get",), "Print a key's value: <key> [<value-regex>]."),
    ("get-all", ("--get-all",), "Print every value of a key: <key> [<value-regex>]."),
    (
        "get-regexp",
        ("--get-regexp", "--get-regex"),
        "Print keys matching a pattern: <key-regex> [<value-regex>].",
    ),
    ("unset", ("--unset",), "Delete a key: <key> [<value-regex>]."),
    ("list", ("--list", "-l"), "Print every setting."),
    ("edit", ("--edit", "-e"), "Open the file in an editor."),
    ("add", ("--add",), "Add another value to a key: <key> <value>."),
    (
        "replace-all",
        ("--replace-all",),
        "Replace all (matching) values: <key> <value> [<value-regex>].",
    ),
    ("unset-all", ("--unset-all",), "Delete every (matching) value: <key> [<value-regex>]."),
    ("rename-section", ("--rename-section",), "Rename a section: <old> <new>."),
    ("remove-section", ("--remove-section",), "Delete a section: <name>."),
]
_SCOPES: list[tuple[str, tuple[str, ...], str]] = [
    ("local", ("--local",), "Use the project file (the default)."),
    ("user", ("--user", "--global"), "Use the file in your home directory."),
    ("system", ("--system",), "Use the system-wide file."),
]
_TYPES: list[tuple[service.TypeName, tuple[str, ...], str]] = [
    ("bool", ("--bool",), 'Treat values as booleans ("true" or "false").'),
    ("int", ("--int",), "Treat values as integers (k, m and g suffixes allowed)."),
    ("num", ("--num",), "Treat values as numbers."),
    ("bool-or-int", ("--bool-or-int",), "Treat values as booleans or integers."),
]


def _dest(name: str) -> str:
    return name.replace("-", "_")


def _options(func: Any) -> Any:
    """Attach one flag per action, scope and type (declared in Sqitch's order)."""
    flags = [*_SCOPES, *_TYPES, *_ACTIONS]
    for name, names, help_text in reversed(flags):
        func = click.option(*names, _dest(name), is_flag=True, help=help_text)(func)
    return func


@command("config", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option(
    "--file",
    "--config-file",
    "-f",
    "file",
    metavar="<file>",
    help="Use this file instead of a scope's.",
)
@_options
@json_option("With --list: the settings as JSON (docs/json-output.md).")
def config_command(app: App, args: tuple[str, ...], file: str | None, **flags: bool) -> int:
    file = file or None  # Sqitch ignores an empty --file
    scopes = [name for name, _n, _h in _SCOPES if flags[_dest(name)]]
    if file is not None:
        scopes.append("file")
    try:
        request = service.build_request(
            actions=[name for name, _n, _h in _ACTIONS if flags[_dest(name)]],
            scopes=scopes,
            types=[name for name, _n, _h in _TYPES if flags[_dest(name)]],
            file=file,
            args=args,
            json=flags["json_"],
        )
        return service.run_config(app, app.config, request, app.env)
    except service.ConfigUsageError as exc:
        raise UsageFailure(exc.message, config_command.usage_text()) from None


command = config_command
