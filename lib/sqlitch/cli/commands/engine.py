"""`sqlitch engine [action]`: list, add, alter, remove and show engine settings."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import command, json_option
from sqlitch.cli.target_options import run_action, target_options

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
@json_option("List the engines as JSON (docs/json-output.md).")
def engine_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.engine import EngineService

    return run_action(app, engine_command, EngineService, args, opts)


command = engine_command
