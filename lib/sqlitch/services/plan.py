"""`plan`: list a target's planned changes through the item formatter.

Mirrors App::Sqitch::Command::plan: named formats are %-code templates,
``format:`` gives one directly, and the filters are those of the plan's
change search (any matching filter selects a change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
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
    from sqlitch.plan import Change, Plan
    from sqlitch.target import Target

__all__ = [
    "PLAN_FORMATS",
    "PlanListing",
    "PlanOptions",
    "change_item",
    "load_target_plan",
    "prepare_plan",
    "resolve_format",
    "run_plan",
]

PLAN_FORMATS: dict[str, str] = {
    "raw": (
        "%{:event}C%e %H%{reset}C%T\n"
        "name      %n\n"
        "project   %o\n"
        "%{requires}a%{conflicts}aplanner   %{name}p <%{email}p>\n"
        "planned   %{date:raw}p\n"
        "\n"
        "%{    }B\n"
    ),
    "full": (
        "%{:event}C%L %h%{reset}C%T\n"
        "%{name}_ %n\n"
        "%{project}_ %o\n"
        "%R%X%{planner}_ %p\n"
        "%{planned}_ %{date}p\n"
        "\n"
        "%{    }B\n"
    ),
    "long": (
        "%{:event}C%L %h%{reset}C%T\n%{name}_ %n\n%{project}_ %o\n%{planner}_ %p\n\n%{    }B\n"
    ),
    "medium": (
        "%{:event}C%L %h%{reset}C\n%{name}_ %n\n%{planner}_ %p\n%{date}_ %{date}p\n\n%{    }B\n"
    ),
    "short": ("%{:event}C%L %h%{reset}C\n%{name}_ %n\n%{planner}_ %p\n\n%{    }s\n"),
    "oneline": "%{:event}C%h %l%{reset}C %n%{cyan}C%t%{reset}C",
}


@dataclass
class PlanOptions(ListingOptions):
    """The `plan` command's options, after config defaults are applied."""

    target: str | None = None
    event: str | None = None
    change_pattern: str | None = None
    planner_pattern: str | None = None


def resolve_format(name: str) -> str:
    """The template for a format name, or the text after ``format:``."""
    if name.startswith("format:"):
        return name[len("format:") :]
    template = PLAN_FORMATS.get(name)
    if template is None:
        # Sqitch dies here before its error handler is set up: exit 255.
        raise SqlitchError(f'Unknown plan format "{name}"', ident="plan", exitval=255)
    return template


def change_item(change: Change, project: str, deploy_file: str | None = None) -> dict[str, object]:
    """The mapping the item formatter reads for one planned change."""
    return {
        "deploy_file": deploy_file,
        "event": "deploy" if change.is_deploy else "revert",
        "project": project,
        "change_id": change.id,
        "change": change.name,
        "note": change.note,
        "tags": [tag.format_name for tag in change.tags],
        "requires": [dep.as_string(project) for dep in change.requires],
        "conflicts": [dep.as_string(project) for dep in change.conflicts],
        "planned_at": change.timestamp,
        "planner_name": change.planner_name,
        "planner_email": change.planner_email,
    }


def load_target_plan(target: Target) -> Plan:
    """The target's plan, read from its plan file."""
    from sqlitch.plan import load_plan

    return load_plan(Path(target.plan_file), file=str(target.plan_file))


def plan_template(app: App, opts: PlanOptions) -> str:
    name = opts.format or app.config.get("plan.format")
    if name:
        return resolve_format(str(name))
    # An empty --format (without plan.format) is an empty template, as in Sqitch.
    return "" if opts.format == "" else PLAN_FORMATS["medium"]


PlanListing = Listing[PlanOptions]


def prepare_plan(app: App, opts: PlanOptions) -> PlanListing:
    """Check formats and colour in Sqitch's order (before any target is resolved)."""
    apply_oneline(opts)
    date_format = checked_date_format(app, opts.date_format, "plan")
    template = plan_template(app, opts)
    return PlanListing(opts, template, item_formatter(app, opts, "plan", date_format))


def run_plan(app: App, listing: PlanListing, targets: Sequence[Target]) -> None:
    """Print the plan of the first target (warning when more were named)."""
    from sqlitch.services.listing import open_pager
    from sqlitch.services.show import script_path

    opts = listing.opts
    target = targets[0]
    if len(targets) > 1:
        app.warn(f"Too many targets specified; using {target.name}")
    plan = load_target_plan(target)
    if not plan.count:
        raise SqlitchError(f"No changes in {plan.file}", ident="plan", exitval=1)
    changes = plan.search_changes(
        operation=opts.event,
        name=opts.change_pattern,
        planner=opts.planner_pattern,
        limit=opts.max_count or 0,
        offset=opts.skip or 0,
        direction="DESC" if opts.reverse else "ASC",
    )
    if app.json:
        _write_json(target, plan, changes)
        return
    with open_pager(app) as pager:
        if opts.headers:
            pager.page("# ", f"Project: {plan.project}")
            pager.page("# ", f"File:    {plan.file}")
            pager.page("")
        for change in changes:
            # For %F (Sqitch 1.4.0): the deploy script's path.
            deploy_file = str(script_path(target, change, "deploy"))
            item = change_item(change, plan.project, deploy_file)
            pager.page(listing.formatter.format(listing.template, item))


def _write_json(target: Target, plan: Plan, changes: Sequence[Change]) -> None:
    """plan --json: the project and the selected changes (as ``%j`` shows each)."""
    from sqlitch.formatting.items import item_object
    from sqlitch.services.json_output import write_document
    from sqlitch.services.show import script_path

    items = [
        item_object(change_item(change, plan.project, str(script_path(target, change, "deploy"))))
        for change in changes
    ]
    write_document(
        "plan",
        {"project": plan.project, "uri": plan.uri, "file": plan.file, "changes": items},
    )
