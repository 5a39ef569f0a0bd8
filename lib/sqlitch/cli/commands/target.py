"""`sqlitch target [action]`: list, add, alter, remove, rename and show targets."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import UsageFailure, command
from sqlitch.cli.target_options import split_pairs, target_options, usage_failure

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
def target_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.engine import MissingArgument
    from sqlitch.services.init import build_properties
    from sqlitch.services.target import TargetService

    usage = target_command.usage_text()
    dirs = split_pairs("dir", opts.pop("dirs"), usage)
    variables = split_pairs("set", opts.pop("variables"), usage)
    props = build_properties("target", dirs=dirs, variables=variables, **opts)
    service = TargetService(app, props)
    name = (args[0] if args and args[0] else "list").replace("-", "_")
    action = service.action(name)
    if action is None:
        raise UsageFailure(f'Unknown action "{name}"', usage)
    try:
        action(args[1:])
    except MissingArgument:
        raise usage_failure(usage) from None
    return 0


command = target_command
