"""`sqlitch revert [options] [<database>]`: undo deployed changes."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, command, json_option
from sqlitch.cli.connect_options import (
    atomic_option,
    build_connect,
    connect_options,
    lock_timeout_option,
    log_only_option,
    no_prompt_option,
    parse_connect_args,
    preview_options,
)

HELP = """\
Undo deployed changes by running their revert scripts, newest first, and
remove them from the registry: all of them, or those deployed after the
change given with --to-change. Asks for confirmation first unless -y is
given (or revert.no_prompt is set). --modified reverts back to just before
the first deployed change whose deploy script no longer matches the plan.
--atomic (or revert.atomic) reverts everything in one transaction (SQLite and
PostgreSQL, driver runner): any failure leaves every change deployed.
--dry-run makes the same checks and lists what would be reverted, without
asking and changing nothing. --sql <file> (- for stdout) writes the revert as
one SQL script for the database's client instead.
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
@log_only_option("Record reverts without running them.")
@lock_timeout_option
@atomic_option
@no_prompt_option
@preview_options("revert")
@json_option("Print JSON lines: one per change, then a summary (docs/json-output.md).")
def revert_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.revert import revert

    cmd: SqitchCommand = revert_command
    opts.pop("json_")  # read while parsing: app.json
    conn = build_connect(cmd.usage_text(), opts)
    parsed = parse_connect_args(app, "revert", args, conn)
    revert(app, parsed, conn, **opts)
    return 0


command = revert_command
