"""`sqlitch engine [action]`: list, add, alter, remove and show engine settings."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import UsageFailure, command
from sqlitch.cli.target_options import split_pairs, target_options, usage_failure

HELP = """\
Without an action, or with "list", print the configured engines (with -v,
their targets too). "add" and "alter" store settings for an engine in the
project configuration, "remove" deletes them, and "show" prints every
setting an engine's default target resolves to.
"""

USAGE = [
    "engine",
    "engine [-v | --verbose]",
    "engine add <name> [engine-options]",
    "engine alter <name> [engine-options]",
    "engine remove <name>",
    "engine show <name>",
]


@command("engine", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@target_options(click.option("--target", metavar="<target>", help="Target name or URI."))
def engine_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.engine import EngineService, MissingArgument
    from sqlitch.services.init import build_properties

    usage = engine_command.usage_text()
    dirs = split_pairs("dir", opts.pop("dirs"), usage)
    variables = split_pairs("set", opts.pop("variables"), usage)
    props = build_properties("engine", dirs=dirs, variables=variables, **opts)
    service = EngineService(app, props)
    name = (args[0] if args and args[0] else "list").replace("-", "_")
    action = service.action(name)
    if action is None:
        raise UsageFailure(f'Unknown action "{name}"', usage)
    try:
        action(args[1:])
    except MissingArgument:
        raise usage_failure(usage) from None
    return 0


command = engine_command
