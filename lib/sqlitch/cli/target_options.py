"""Options shared by the commands that configure targets: init, engine, target.

Sqitch gives these commands one option set (Role::TargetConfigCommand);
keeping it here lets each command module stay a thin declaration. Also the
Getopt::Long-style parsing of ``key=value`` hash options (-s, --dir, --use).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from sqlitch.app import App
from sqlitch.cli.command import RAW_ARGS, HashOption, SqitchCommand, UsageFailure

if TYPE_CHECKING:
    from sqlitch.services.config_actions import ActionService
    from sqlitch.services.init import TargetProperties


#: ``-s/--set key=value``: a variable for the change scripts (repeatable).
variables_option = click.option(
    "-s",
    "--set",
    "variables",
    multiple=True,
    metavar="<key=value>",
    help="A client variable.",
    cls=HashOption,
)


def split_pairs(option: str, values: tuple[str, ...], usage: str) -> list[tuple[str, str]]:
    """``key=value`` option values (Getopt::Long's hash options)."""
    pairs = []
    for value in values:
        key, eq, rest = value.partition("=")
        if not eq:
            raise UsageFailure(f'Option {option}, key "{key}", requires a value', usage)
        pairs.append((key, rest))
    return pairs


def usage_failure(usage: str) -> UsageFailure:
    """Bare usage (no message line): Sqitch prints only the usage text here."""
    return UsageFailure("", usage)


def target_options(*extra: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The options every target-configuring command takes (plus ``extra``)."""

    def decorate(func: Any) -> Any:
        options = [
            *extra,
            click.option(
                "-f", "--plan-file", "plan_file", metavar="<file>", help="Plan file path."
            ),
            click.option("--registry", metavar="<registry>", help="Registry schema or database."),
            click.option("--client", metavar="<path>", help="Database client program."),
            click.option("--extension", metavar="<ext>", help="Script file name extension."),
            click.option(
                "--top-dir", "top_dir", metavar="<dir>", help="Plan and scripts directory."
            ),
            click.option(
                "-d",
                "--dir",
                "dirs",
                multiple=True,
                metavar="<name>=<path>",
                help="A named script directory.",
                cls=HashOption,
            ),
            variables_option,
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def run_action(
    app: App,
    cmd: SqitchCommand,
    service_class: Callable[[App, TargetProperties], ActionService],
    args: tuple[str, ...],
    opts: dict[str, Any],
) -> int:
    """Run the action the first argument names (default "list"), as engine and target do."""
    from sqlitch.services.config_actions import MissingArgument
    from sqlitch.services.init import build_properties

    usage = cmd.usage_text()
    opts.pop("json_", None)  # read while parsing: app.json
    dirs = split_pairs("dir", opts.pop("dirs"), usage)
    variables = split_pairs("set", opts.pop("variables"), usage)
    props = build_properties(cmd.name or "", dirs=dirs, variables=variables, **opts)
    service = service_class(app, props)
    name = (args[0] if args and args[0] else "list").replace("-", "_")
    action = service.action(name)
    if action is None:
        raise UsageFailure(f'Unknown action "{name}"', usage)
    if app.json and name != "list":
        raise UsageFailure(f'--json lists only: use "{cmd.name} list --json"', usage)
    try:
        action(args[1:])
    except MissingArgument:
        raise usage_failure(usage) from None
    return 0


def _typed_name(raw: Sequence[str], short: str, value: str) -> str | None:
    """``short`` (e.g. ``s``) if that flag introduced ``value``, else None."""
    for i, arg in enumerate(raw):
        if arg == "--":
            break
        if arg == f"-{short}" and i + 1 < len(raw) and raw[i + 1] == value:
            return short
        if arg == f"-{short}{value}":
            return short
    return None


def hash_option_pairs(
    values: Sequence[str], long: str, short: str | None, usage: str
) -> list[tuple[str, str]]:
    """``key=value`` values of a Getopt hash option, erroring as Getopt::Long does."""
    raw: list[str] = click.get_current_context().meta.get(RAW_ARGS, [])
    for value in values:
        if "=" not in value:
            name = (short and _typed_name(raw, short, value)) or long
            split_pairs(name, (value,), usage)
    return split_pairs(long, tuple(values), usage)
