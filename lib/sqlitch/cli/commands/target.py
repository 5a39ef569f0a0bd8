"""`sqlitch target [action]`: list, add, alter, remove, rename and show targets."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import command, json_option
from sqlitch.cli.target_options import run_action, target_options

HELP = """\
Without an action, or with "list", print the configured targets (with -v,
their URIs too). "add" and "alter" store a target's URI and settings in the
project configuration, "remove" and "rename" change them, and "show" prints
every setting a target resolves to.
"""

USAGE = [
    "target",
    "target [-v | --verbose]",
    "target add <name> <uri> [target-options]",
    "target alter <name> [target-options]",
    "target remove <name>",
    "target rename <old> <new>",
    "target show <name>",
]


@command("target", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@target_options(click.option("--uri", metavar="<uri>", help="Database URI."))
@json_option("List the targets as JSON (docs/json-output.md).")
def target_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.target import TargetService

    return run_action(app, target_command, TargetService, args, opts)


command = target_command
