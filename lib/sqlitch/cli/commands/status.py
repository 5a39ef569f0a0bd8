"""`sqlitch status`: what is deployed to a target and what is not yet."""

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

if TYPE_CHECKING:
    pass

HELP = """\
Show the most recently deployed change of the project in a target database,
who deployed it and when, and the changes of the plan not yet deployed.
--show-changes and --show-tags also list every deployed change and tag.
"""

USAGE = ["status [options] [<database>]"]


@command("status", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("--project", metavar="<project>", help="Project to report on.")
@click.option("-t", "--target", metavar="<target>", help="Target to connect to.")
@click.option("--show-tags", "show_tags", is_flag=True, default=None, help="List deployed tags.")
@click.option(
    "--show-changes", "show_changes", is_flag=True, default=None, help="List deployed changes."
)
@click.option("--date-format", "--date", "date_format", metavar="<format>", help="Date layout.")
@click.option("-f", "--plan-file", "plan_file", metavar="<file>", help="Plan file to compare with.")
@click.option("--top-dir", "top_dir", metavar="<dir>", hidden=True)
@database_options
@json_option()
def status_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.cli.context_options import context_overrides
    from sqlitch.services.status import StatusOptions, run_status, status_settings

    # Sqitch warns about --top-dir while configuring, before anything else.
    overrides = context_overrides(app, "status", opts)
    overrides.update(database_overrides(opts))
    parts = connection_parts(opts)
    options = status_settings(
        app,
        StatusOptions(
            project=opts["project"],
            show_changes=opts["show_changes"] or None,
            show_tags=opts["show_tags"] or None,
            date_format=opts["date_format"],
        ),
    )
    parsed = parse_args(
        "status",
        app.config,
        args,
        env=app.env,
        target=opts["target"],
        overrides=overrides,
    )
    return run_status(app, options, with_connection_parts(parsed.targets, parts))


command = status_command
