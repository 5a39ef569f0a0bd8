"""`sqlitch show <type> <name>`: print a change, a tag or a change script."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, UsageFailure, command, json_option
from sqlitch.cli.context_options import context_overrides

HELP = """\
Print what the plan knows about one object. <type> is "change" or "tag" (the
text their IDs are computed from), or "deploy", "revert" or "verify" to print
that script of a change as it is on disk. With --exists nothing is printed and
the exit status says whether the object was found.
"""

USAGE = ["show [options] <type> <object>"]


@command(
    "show",
    usage=USAGE,
    help=HELP,
    usage_note='"<type>" can be one of: change, tag, deploy, revert, verify',
)
@click.argument("args", nargs=-1)
@click.option("-t", "--target", metavar="<target>", help="Target whose plan to read.")
@click.option("-e", "--exists/--no-exists", "exists", default=False, help="Only test existence.")
@click.option("-f", "--plan-file", "plan_file", metavar="<file>", help="Plan file to read.")
@click.option("--top-dir", "top_dir", metavar="<dir>", hidden=True)
@json_option()
def show_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.show import run_show
    from sqlitch.target import default_target, resolve_target

    # Target keeps its overrides as plain str keys.
    overrides = cast("dict[str, str]", context_overrides(app, "show", opts))
    if len(args) < 2 or not args[0] or not args[1]:
        cmd: SqitchCommand = show_command
        raise UsageFailure("", cmd.usage_text())
    if opts["target"]:
        target = resolve_target(app.config, app.env, name=opts["target"], overrides=overrides)
    else:
        target = dataclasses.replace(default_target(app.config, app.env), overrides=overrides)
    found = run_show(app, target, args[0], args[1], exists_only=opts["exists"])
    return 0 if found else 2


command = show_command
