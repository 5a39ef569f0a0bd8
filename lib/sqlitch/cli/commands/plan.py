"""`sqlitch plan`: list the changes in a target's plan."""

from __future__ import annotations

import re
from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, UsageFailure, command

HELP = """\
List the changes of a project's plan, oldest first, one block per change.
--format picks a layout (full, long, medium, short, oneline, raw) or takes
"format:" followed by a template of %-codes; the search options select
changes by event, name or planner, and --max-count/--skip page through them.
"""

USAGE = ["plan [options] [<database>]"]

_INTEGER = re.compile(r"[-+]?[0-9]+")


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
@click.option("-f", "--format", "format_", metavar="<format>", help="Layout or format:<template>.")
@click.option("--date-format", "--date", "date_format", metavar="<format>", help="Date layout.")
@click.option("-n", "max_count_short", metavar="<count>", hidden=True)
@click.option("--max-count", "max_count", metavar="<count>", help="List at most this many.")
@click.option("--skip", metavar="<count>", help="Skip this many changes first.")
@click.option("--reverse/--no-reverse", default=False, help="Newest change first.")
@click.option("--color", metavar="<when>", help="always, never or auto.")
@click.option("--no-color", "no_color", is_flag=True, help="Never colour the output.")
@click.option("--abbrev", metavar="<length>", help="Shorten change IDs to this length.")
@click.option("--oneline", is_flag=True, help="One line per change.")
@click.option("--headers/--no-headers", default=True, help="Print the project and file header.")
def plan_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.services.plan import PlanOptions, prepare_plan, run_plan

    max_count = _integer(opts.pop("max_count_short"), "n")
    long_count = _integer(opts.pop("max_count"), "max-count")
    options = PlanOptions(
        target=opts["target"],
        event=opts["event"],
        change_pattern=opts["change_pattern"],
        planner_pattern=opts["planner_pattern"],
        format=opts["format_"],
        date_format=opts["date_format"],
        max_count=long_count if long_count is not None else max_count,
        skip=_integer(opts["skip"], "skip"),
        reverse=opts["reverse"],
        color=opts["color"],
        no_color=opts["no_color"],
        abbrev=_integer(opts["abbrev"], "abbrev"),
        oneline=opts["oneline"],
        headers=opts["headers"],
    )
    # Sqitch checks the formats while building the command, before the arguments.
    listing = prepare_plan(app, options)
    parsed = parse_args("plan", app.config, args, env=app.env, target=options.target)
    run_plan(app, listing, parsed.targets)
    return 0


def _integer(value: str | None, name: str) -> int | None:
    """Getopt::Long's ``=i``: an optionally signed decimal integer."""
    if value is None:
        return None
    if not _INTEGER.fullmatch(value):
        cmd: SqitchCommand = plan_command
        raise UsageFailure(
            f'Value "{value}" invalid for option {name} (number expected)', cmd.usage_text()
        )
    return int(value)


command = plan_command
