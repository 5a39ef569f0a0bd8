"""`sqlitch plan`: list the changes in a target's plan."""

from __future__ import annotations

from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import command, json_option
from sqlitch.cli.listing_options import listing_options, listing_values

HELP = """\
List the changes of a project's plan, oldest first, one block per change.
--format picks a layout (full, long, medium, short, oneline, raw) or takes
"format:" followed by a template of %-codes; the search options select
changes by event, name or planner, and --max-count/--skip page through them.
Besides Sqitch's codes, %j prints the change as a JSON object and %{note}j
one attribute as a JSON value (quoted and escaped), so that a template such
as 'format:{"note":%{note}j}' stays valid JSON whatever the note says;
--json prints the whole listing as one JSON document (docs/json-output.md).
"""

USAGE = ["plan [options] [<database>]"]


@command("plan", usage=USAGE, help=HELP)
@click.argument("args", nargs=-1)
@click.option("-t", "--target", metavar="<target>", help="Target whose plan to list.")
@click.option("--event", metavar="<event>", help="Only deploy or only revert changes.")
@click.option(
    "--change-pattern", "--change", "change_pattern", metavar="<regex>", help="Match change names."
)
@click.option(
    "--planner-pattern", "--planner", "planner_pattern", metavar="<regex>", help="Match planners."
)
@listing_options(
    "change",
    count_verb="List",
    reverse_help="Newest change first.",
    headers_help="Print the project and file header.",
)
@json_option("Print the listing as one JSON document (docs/json-output.md).")
def plan_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.services.plan import PlanOptions, prepare_plan, run_plan

    options = PlanOptions(
        target=opts["target"],
        event=opts["event"],
        change_pattern=opts["change_pattern"],
        planner_pattern=opts["planner_pattern"],
        **listing_values(plan_command, opts),
    )
    # Sqitch checks the formats while building the command, before the arguments.
    listing = prepare_plan(app, options)
    parsed = parse_args("plan", app.config, args, env=app.env, target=options.target)
    run_plan(app, listing, parsed.targets)
    return 0


command = plan_command
