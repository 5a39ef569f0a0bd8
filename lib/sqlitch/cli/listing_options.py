"""Options shared by the commands that list items through a format: plan and log.

Both take the same layout, paging and colour options (Sqitch declares them
twice); only some help texts name what is listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from sqlitch.cli.command import IntegerOption, SqitchCommand, UsageFailure, checked_integer

_INTEGER = re.compile(r"[-+]?[0-9]+")


def listing_options(
    item: str, *, count_verb: str, reverse_help: str, headers_help: str
) -> Callable[[Any], Any]:
    """From -f/--format to --headers, in the order the usage lists them."""

    def decorate(func: Any) -> Any:
        options = [
            click.option(
                "-f", "--format", "format_", metavar="<format>", help="Layout or format:<template>."
            ),
            click.option(
                "--date-format", "--date", "date_format", metavar="<format>", help="Date layout."
            ),
            click.option(
                "-n", "max_count_short", metavar="<count>", hidden=True, cls=IntegerOption
            ),
            click.option(
                "--max-count",
                "max_count",
                metavar="<count>",
                help=f"{count_verb} at most this many.",
                cls=IntegerOption,
            ),
            click.option(
                "--skip",
                metavar="<count>",
                help=f"Skip this many {item}s first.",
                cls=IntegerOption,
            ),
            click.option("--reverse/--no-reverse", default=False, help=reverse_help),
            click.option("--color", metavar="<when>", help="always, never or auto."),
            click.option("--no-color", "no_color", is_flag=True, help="Never colour the output."),
            click.option(
                "--abbrev",
                metavar="<length>",
                help="Shorten change IDs to this length.",
                cls=IntegerOption,
            ),
            click.option("--oneline", is_flag=True, help=f"One line per {item}."),
            click.option("--headers/--no-headers", default=True, help=headers_help),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def listing_values(cmd: SqitchCommand, opts: dict[str, Any]) -> dict[str, Any]:
    """The shared options as keyword arguments of the services' options classes.

    Removes them from ``opts``; -n counts only when --max-count is absent.
    """
    short = integer_value(cmd, opts.pop("max_count_short"), "n", "max_count")
    long = integer_value(cmd, opts.pop("max_count"), "max-count")
    return {
        "format": opts.pop("format_"),
        "date_format": opts.pop("date_format"),
        "max_count": long if long is not None else short,
        "skip": integer_value(cmd, opts.pop("skip"), "skip"),
        "reverse": opts.pop("reverse"),
        "color": opts.pop("color"),
        "no_color": opts.pop("no_color"),
        "abbrev": integer_value(cmd, opts.pop("abbrev"), "abbrev"),
        "oneline": opts.pop("oneline"),
        "headers": opts.pop("headers"),
    }


def integer_value(
    cmd: SqitchCommand, value: str | None, name: str, attribute: str | None = None
) -> int | None:
    """Getopt::Long's ``=i``: an optionally signed decimal integer, which
    Sqitch's ``Int`` attribute ``attribute`` (the option's name with
    underscores) then takes, if it fits in 64 bits."""
    if value is None:
        return None
    if not _INTEGER.fullmatch(value):
        raise UsageFailure(
            f'Value "{value}" invalid for option {name} (number expected)', cmd.usage_text()
        )
    return checked_integer(value, attribute or name.replace("-", "_"))
