"""`sqlitch revert [options] [<database>]`: undo deployed changes."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, command
from sqlitch.cli.commands.deploy import build_connect, connect_options

HELP = """\
Undo deployed changes by running their revert scripts, newest first, and
remove them from the registry: all of them, or those deployed after the
change given with --to-change. Asks for confirmation first unless -y is
given (or revert.no_prompt is set). --modified reverts back to just before
the first deployed change whose deploy script no longer matches the plan.
"""

USAGE = ["revert [options] [<database>]"]


@command("revert", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@connect_options
@click.option(
    "--to-change",
    "--to",
    "--change",
    "to_change",
    metavar="<change>",
    help="Revert the changes deployed after this one.",
)
@click.option("-m", "--modified", is_flag=True, help="Revert from the first modified change.")
@click.option("--log-only", "log_only", is_flag=True, help="Record reverts without running them.")
@click.option(
    "--lock-timeout",
    "lock_timeout",
    type=int,
    metavar="<timeout>",
    help="Seconds to wait for the target lock.",
)
@click.option("-y", "no_prompt", is_flag=True, default=None, help="Do not ask for confirmation.")
def revert_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.services.revert import revert

    cmd: SqitchCommand = revert_command
    conn = build_connect(cmd.usage_text(), opts)
    parsed = parse_args("revert", app.config, args, env=app.env, target=conn.target)
    revert(app, parsed, conn, **opts)
    return 0


command = revert_command
