"""`sqlitch log`: the deploy, revert and fail events recorded in a registry."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import command, json_option
from sqlitch.cli.connect_options import (
    connection_parts,
    database_options,
    database_overrides,
    with_connection_parts,
)
from sqlitch.cli.listing_options import listing_options, listing_values

HELP = """\
List the events recorded in a target's registry, newest first. --format picks
a layout (full, long, medium, short, oneline, raw) or takes "format:" and a
template of %-codes; the pattern options select events by change, project
or committer, and --max-count/--skip page through them. Besides Sqitch's
codes, %j prints the event as a JSON object and %{note}j one attribute as a
JSON value (quoted and escaped); --json prints the whole listing as one JSON
document (docs/json-output.md).
"""

USAGE = ["log [options] [<database>]"]


@command("log", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("--event", "event", multiple=True, metavar="<event>", help="deploy, revert, fail.")
@click.option("-t", "--target", metavar="<target>", help="Target to read.")
@click.option(
    "--change-pattern", "--change", "change_pattern", metavar="<regex>", help="Match change names."
)
@click.option(
    "--project-pattern", "--project", "project_pattern", metavar="<regex>", help="Match projects."
)
@click.option(
    "--committer-pattern",
    "--committer",
    "committer_pattern",
    metavar="<regex>",
    help="Match committers.",
)
@listing_options(
    "event",
    count_verb="Show",
    reverse_help="Oldest event first.",
    headers_help="Print the database header.",
)
@database_options
@json_option("Print the listing as one JSON document (docs/json-output.md).")
def log_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.services.log import LogOptions, prepare_log, run_log

    overrides = database_overrides(opts)
    parts = connection_parts(opts)
    options = LogOptions(
        event=list(opts["event"]),
        change_pattern=opts["change_pattern"],
        project_pattern=opts["project_pattern"],
        committer_pattern=opts["committer_pattern"],
        **listing_values(log_command, opts),
    )
    listing = prepare_log(app, options)
    parsed = parse_args(
        "log", app.config, args, env=app.env, target=opts["target"], overrides=overrides
    )
    return run_log(app, listing, with_connection_parts(parsed.targets, parts))


command = log_command
