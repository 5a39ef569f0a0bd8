"""`sqlitch check`: find deployed changes whose scripts have changed since."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from sqlitch.app import App
from sqlitch.cli.command import command, json_option
from sqlitch.cli.connect_options import (
    connection_parts,
    database_options,
    database_overrides,
    with_connection_parts,
)
from sqlitch.cli.target_options import variables_option

if TYPE_CHECKING:
    pass

HELP = """\
Compare the script hash recorded for each deployed change with the hash of
its deploy script in the plan, and report the first change that differs.
The exit status is the number of failed checks.
"""

USAGE = ["check [options] [<database>]"]


@command("check", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("-t", "--target", metavar="<target>", help="Target to check.")
@click.option("--from-change", "--from", "from_change", metavar="<change>", help="First change.")
@click.option("--to-change", "--to", "to_change", metavar="<change>", help="Last change.")
@variables_option
@click.option("-f", "--plan-file", "plan_file", metavar="<file>", help="Plan file to check.")
@click.option("--top-dir", "top_dir", metavar="<dir>", hidden=True)
@database_options
@json_option()
def check_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.cli.context_options import context_overrides
    from sqlitch.services.check import run_check

    overrides = context_overrides(app, "check", opts)
    overrides.update(database_overrides(opts))
    parts = connection_parts(opts)
    parsed = parse_args(
        "check", app.config, args, env=app.env, target=opts["target"], overrides=overrides
    )
    targets = with_connection_parts(parsed.targets, parts)
    return run_check(app, targets, parsed.changes, opts["from_change"], opts["to_change"])


command = check_command
