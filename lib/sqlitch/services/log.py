"""`sqlitch log`: the event history of a target's registry, newest first.

The SQLite registry stores an event's tags, requires and conflicts as text.
Sqitch 1.3.1 hands that text to the formatter as is and dies on the %T, %R
and %X codes (the raw, full and long formats); SQLitch splits it on blanks
as Sqitch 1.6 does (docs/PARITY.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError
from sqlitch.services.listing import (
    Listing,
    ListingOptions,
    apply_oneline,
    checked_date_format,
    item_formatter,
)

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.engines.registry import Event
    from sqlitch.target import Target

# The built-in layouts (Sqitch's own templates: format behaviour, not prose).
LOG_FORMATS: dict[str, str] = {
    "raw": (
        "%{:event}C%e %H%{reset}C%T\n"
        "name      %n\n"
        "project   %o\n"
        "%{requires}a%{conflicts}aplanner   %{name}p <%{email}p>\n"
        "planned   %{date:raw}p\n"
        "committer %{name}c <%{email}c>\n"
        "committed %{date:raw}c\n"
        "\n"
        "%{    }B\n"
    ),
    "full": (
        "%{:event}C%L %h%{reset}C%T\n"
        "%{name}_ %n\n"
        "%{project}_ %o\n"
        "%R%X%{planner}_ %p\n"
        "%{planned}_ %{date}p\n"
        "%{committer}_ %c\n"
        "%{committed}_ %{date}c\n"
        "\n"
        "%{    }B\n"
    ),
    "long": (
        "%{:event}C%L %h%{reset}C%T\n"
        "%{name}_ %n\n"
        "%{project}_ %o\n"
        "%{planner}_ %p\n"
        "%{committer}_ %c\n"
        "\n"
        "%{    }B\n"
    ),
    "medium": (
        "%{:event}C%L %h%{reset}C\n%{name}_ %n\n%{committer}_ %c\n%{date}_ %{date}c\n\n%{    }B\n"
    ),
    "short": ("%{:event}C%L %h%{reset}C\n%{name}_ %n\n%{committer}_ %c\n\n%{    }s\n"),
    "oneline": "%{:event}C%h %l%{reset}C %o:%n %s",
}


@dataclass
class LogOptions(ListingOptions):
    event: list[str] = field(default_factory=list)
    change_pattern: str | None = None
    project_pattern: str | None = None
    committer_pattern: str | None = None


LogListing = Listing[LogOptions]


def prepare_log(app: App, opts: LogOptions) -> LogListing:
    """Resolve and check the format, date format and colour (before any target)."""

    apply_oneline(opts)
    date_format = checked_date_format(app, opts.date_format, "log")
    name = opts.format or app.config.get("log.format")
    template = LOG_FORMATS["medium"]
    if name:
        name = str(name)
        if name.startswith("format:"):
            template = name[len("format:") :]
        elif name in LOG_FORMATS:
            template = LOG_FORMATS[name]
        else:
            # Checked while Sqitch builds the command: exit 255, as for plan.
            raise SqlitchError(f'Unknown log format "{name}"', ident="log", exitval=255)
    formatter = item_formatter(app, opts, "log", date_format)
    from sqlitch.services.json_output import event_object

    formatter.json_object = event_object  # %j: the joined lists as arrays
    return LogListing(opts, template, formatter)


def split_list(value: str | list[str] | None) -> list[str]:
    """Stored tags/requires/conflicts as a list: PostgreSQL's arrays as they
    are, text blank-separated (as Sqitch 1.6)."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return value.split(" ") if value else []


def event_item(event: Event) -> dict[str, object]:
    """The mapping the item formatter reads for one event."""
    return {
        "event": event.event,
        "project": event.project,
        "change_id": event.change_id,
        "change": event.change,
        "note": event.note,
        "tags": split_list(event.tags),
        "requires": split_list(event.requires),
        "conflicts": split_list(event.conflicts),
        "planned_at": event.planned_at,
        "planner_name": event.planner_name,
        "planner_email": event.planner_email,
        "committed_at": event.committed_at,
        "committer_name": event.committer_name,
        "committer_email": event.committer_email,
    }


def run_log(app: App, listing: LogListing, targets: Sequence[Target]) -> int:
    from sqlitch.services.listing import open_pager
    from sqlitch.services.status import first_target, open_engine

    opts = listing.opts
    target = first_target(app, targets)
    # The log reads the registry alone: as in Sqitch, the plan is never
    # parsed, so a broken or missing plan file does not stop it.
    with open_engine(app, target) as engine:
        if not engine.registry_initialized():
            raise SqlitchError(
                f"Database {engine.registry_destination()} has not been initialized for Sqitch",
                ident="log",
                exitval=1,
            )
        registry = engine.registry
        if not registry.search_events(limit=1):
            raise SqlitchError(f"No events logged for {engine.destination}", ident="log", exitval=1)
        events = registry.search_events(
            event=opts.event or None,
            change=opts.change_pattern,
            project=opts.project_pattern,
            committer=opts.committer_pattern,
            limit=opts.max_count,
            offset=opts.skip,
            direction="ASC" if opts.reverse else "DESC",
        )
        if app.json:
            from sqlitch.services.json_output import registry_event_object, write_document

            data = {
                "destination": engine.destination,
                "events": [registry_event_object(event) for event in events],
            }
            write_document("log", data)
            return 0
        with open_pager(app) as pager:
            if opts.headers:
                pager.page(f"On database {engine.destination}")
            for event in events:
                pager.page(listing.formatter.format(listing.template, event_item(event)))
    return 0
