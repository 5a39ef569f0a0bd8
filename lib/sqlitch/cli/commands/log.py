"""`sqlitch log`: the deploy, revert and fail events recorded in a registry."""

from __future__ import annotations

import re
from typing import Any

import click

from sqlitch.app import App
from sqlitch.cli.command import SqitchCommand, UsageFailure, command

HELP = """\
List the events recorded in a target's registry, newest first. --format picks
a layout (full, long, medium, short, oneline, raw) or takes "format:" and a
template of %-codes; the pattern options select events by change, project
or committer, and --max-count/--skip page through them.
"""

USAGE = ["log [options] [<database>]"]

_INTEGER = re.compile(r"[-+]?[0-9]+")


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
@click.option("-f", "--format", "format_", metavar="<format>", help="Layout or format:<template>.")
@click.option("--date-format", "--date", "date_format", metavar="<format>", help="Date layout.")
@click.option("-n", "max_count_short", metavar="<count>", hidden=True)
@click.option("--max-count", "max_count", metavar="<count>", help="Show at most this many.")
@click.option("--skip", metavar="<count>", help="Skip this many events first.")
@click.option("--reverse/--no-reverse", default=False, help="Oldest event first.")
@click.option("--color", metavar="<when>", help="always, never or auto.")
@click.option("--no-color", "no_color", is_flag=True, help="Never colour the output.")
@click.option("--abbrev", metavar="<length>", help="Shorten change IDs to this length.")
@click.option("--oneline", is_flag=True, help="One line per event.")
@click.option("--headers/--no-headers", default=True, help="Print the database header.")
def log_command(app: App, args: tuple[str, ...], **opts: Any) -> int:
    from sqlitch.cli.args import parse_args
    from sqlitch.services.log import LogOptions, prepare_log, run_log

    short = _integer(opts.pop("max_count_short"), "n")
    long = _integer(opts.pop("max_count"), "max-count")
    options = LogOptions(
        event=list(opts["event"]),
        change_pattern=opts["change_pattern"],
        project_pattern=opts["project_pattern"],
        committer_pattern=opts["committer_pattern"],
        format=opts["format_"],
        date_format=opts["date_format"],
        max_count=long if long is not None else short,
        skip=_integer(opts["skip"], "skip"),
        reverse=opts["reverse"],
        color=opts["color"],
        no_color=opts["no_color"],
        abbrev=_integer(opts["abbrev"], "abbrev"),
        oneline=opts["oneline"],
        headers=opts["headers"],
    )
    listing = prepare_log(app, options)
    parsed = parse_args(
        "log", app.config, args, env=app.env, target=opts["target"], no_changes=True
    )
    return run_log(app, listing, parsed.targets)


def _integer(value: str | None, name: str) -> int | None:
    """Getopt::Long's ``=i``: an optionally signed decimal integer."""
    if value is None:
        return None
    if not _INTEGER.fullmatch(value):
        cmd: SqitchCommand = log_command
        raise UsageFailure(
            f'Value "{value}" invalid for option {name} (number expected)', cmd.usage_text()
        )
    return int(value)


command = log_command
