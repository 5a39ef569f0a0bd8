"""`sqlitch verify [options] [<database>]`: check deployed changes with their verify scripts."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, command, json_option
from sqlitch.cli.connect_options import build_connect, connect_options, parse_connect_args

HELP = """\
Run the verify script of every deployed change (or of those between
--from-change and --to-change) and report each as ok or not ok, noting
changes deployed out of plan order, missing from the plan, or planned but
not deployed. Ends with a summary and a failing exit status on any error.
"""

USAGE = ["verify [options] [<database>]"]


@command("verify", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@connect_options
@click.option(
    "--from-change", "--from", "from_change", metavar="<change>", help="First change to verify."
)
@click.option("--to-change", "--to", "to_change", metavar="<change>", help="Last change to verify.")
@json_option("Print JSON lines: one per change, then a summary (docs/json-output.md).")
def verify_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.services.verify import verify

    cmd: SqitchCommand = verify_command
    opts.pop("json_")  # read while parsing: app.json
    conn = build_connect(cmd.usage_text(), opts)
    parsed = parse_connect_args(app, "verify", args, conn)
    verify(app, parsed, conn, **opts)
    return 0


command = verify_command
