"""`sqlitch status`: the latest deployed change of a project and what is left to deploy.

Also home of :func:`open_engine`, shared by ``log`` and ``check``: the engine of
a target with its plan (or an empty stand-in plan when the file is missing,
since status and log can work from the registry alone).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from datetime import datetime

    from sqlitch.app import App
    from sqlitch.engines.base import Engine
    from sqlitch.engines.registry import State
    from sqlitch.plan import Plan
    from sqlitch.target import Target


@dataclass
class StatusOptions:
    project: str | None = None
    show_changes: bool | None = None
    show_tags: bool | None = None
    date_format: str | None = None


def load_target_plan(target: Target) -> Plan | None:
    """The target's plan, or None when the file does not exist (parse errors raise)."""
    from sqlitch.plan import load_plan

    path = Path(target.plan_file)
    if not os.path.isfile(path):  # as Perl's -f: a name too long is no file
        return None
    return load_plan(path, file=str(target.plan_file))


def open_engine(app: App, target: Target, plan: Plan | None = None) -> Engine:
    """The engine for ``target``; without a plan, an empty one stands in."""
    from sqlitch.engines import load_engine
    from sqlitch.plan import Plan

    if plan is None:
        plan = Plan.new("", file=str(target.plan_file))
    engine = load_engine(target, plan, app)
    from sqlitch.services.observers import diagnose

    diagnose(app, engine, scripts=False)  # -v and up
    return engine


def first_target(app: App, targets: Sequence[Target]) -> Target:
    """The first target; Sqitch warns that the others are ignored."""
    target = targets[0]
    if len(targets) > 1:
        app.warn(f"Too many targets specified; connecting to {target.name}")
    return target


def status_settings(app: App, opts: StatusOptions) -> StatusOptions:
    """Options completed from status.* settings; an unknown date format fails first."""
    from sqlitch.services.listing import checked_date_format

    date_format = checked_date_format(app, opts.date_format, "status")
    show = {}
    for key in ("show_changes", "show_tags"):
        given = getattr(opts, key)
        if given is None:
            given = bool(app.config.get(f"status.{key}", as_="bool") or False)
        show[key] = given
    return StatusOptions(
        project=opts.project,
        show_changes=show["show_changes"],
        show_tags=show["show_tags"],
        date_format=date_format,
    )


def run_status(app: App, opts: StatusOptions, targets: Sequence[Target]) -> int:
    """Report the state of the first target; exit 1 when nothing is deployed."""
    target = first_target(app, targets)
    plan_error: SqlitchError | None = None
    try:
        plan = load_target_plan(target)
    except SqlitchError as exc:
        plan, plan_error = None, exc
    with open_engine(app, target, plan) as engine:
        app.comment(f"On database {engine.destination}")
        if plan_error is not None and not opts.project:
            # Sqitch parses the plan after printing the header; with --project
            # it never needs to, and reports the status as unknown.
            raise plan_error
        project = opts.project or _project(engine, plan)
        _warn_interrupted(app, engine)
        state = engine.registry.current_state(project)
        if state is None:  # also when there is no registry at all, as in Sqitch
            raise SqlitchError("No changes deployed", ident="status", exitval=1)
        if app.json:
            _write_json(engine, project, state, plan, str(target.plan_file))
            return 0
        fmt = opts.date_format or "iso"
        _emit_state(app, state, fmt)
        if opts.show_changes:
            rows = engine.registry.current_changes(project)
            _emit_rows(
                app,
                "Change:" if len(rows) == 1 else "Changes:",
                [(r.change, r.committed_at, r.committer_name, r.committer_email) for r in rows],
                fmt,
            )
        if opts.show_tags:
            tags = engine.registry.current_tags(project)
            app.comment("")
            if not tags:
                app.comment("Tags: None.")
            else:
                _emit_rows(
                    app,
                    "Tag:" if len(tags) == 1 else "Tags:",
                    [(t.tag, t.committed_at, t.committer_name, t.committer_email) for t in tags],
                    fmt,
                    blank=False,
                )
        if plan is not None and plan.project == project:
            _emit_status(app, plan, state.change_id, str(target.plan_file))
        else:
            app.comment("")
            app.emit(f'Status unknown. Use --plan-file to assess "{project}" status')
    return 0


def _warn_interrupted(app: App, engine: Engine) -> None:
    """Name a change a killed deploy or revert may have left half-recorded."""
    found = engine.interrupted_change()
    if found is not None:
        action, name = found
        done = "applied" if action == "deploy" else "undone"
        app.warn(
            f'The {action} of change "{name}" was interrupted: its script may have {done}'
            " its objects without the registry recording it. Check the database before"
            f" the next {action}."
        )


def _project(engine: Engine, plan: Plan | None) -> str:
    """The plan's project, else the only project in the registry."""
    if plan is not None:
        return plan.project
    if not engine.registry_initialized():
        # Sqitch has a destination-less message for this case, but it is
        # raised inside the state lookup, which replaces it with this one.
        raise SqlitchError(
            f"Database {engine.registry_destination()} has not been initialized for Sqitch",
            ident="status",
        )
    projects = engine.registry.registered_projects()
    if not projects:
        raise SqlitchError("No projects registered", ident="status")
    if len(projects) > 1:
        raise SqlitchError(
            f"Use --project to select which project to query: {', '.join(projects)}",
            ident="status",
        )
    return projects[0]


def _write_json(
    engine: Engine, project: str, state: State, plan: Plan | None, plan_file: str
) -> None:
    """status --json: the state, every deployed change and tag, and what the
    plan has not deployed yet (null when the plan is another project's)."""
    from sqlitch.services.json_output import status_data, write_document

    undeployed = None
    if plan is not None and plan.project == project:
        idx = plan.index_of(state.change_id)
        if idx is None:
            raise SqlitchError(
                "Make sure you are connected to the proper database for this project.",
                ident="status",
                vent_lines=[f"Cannot find this change in {plan_file}"],
            )
        undeployed = plan.changes[idx + 1 :]
    registry = engine.registry
    data = status_data(
        engine.destination,
        state,
        registry.current_changes(project),
        registry.current_tags(project),
        plan,
        undeployed,
    )
    write_document("status", data)


def _emit_state(app: App, state: State, fmt: str) -> None:
    from sqlitch.formatting import format_date

    app.comment(f"Project:  {state.project}")
    app.comment(f"Change:   {state.change_id}")
    app.comment(f"Name:     {state.change}")
    if state.tags:
        label = "Tag:     " if len(state.tags) == 1 else "Tags:    "
        app.comment(f"{label} {', '.join(state.tags)}")
    app.comment(f"Deployed: {format_date(state.committed_at, fmt)}")
    app.comment(f"By:       {state.committer_name} <{state.committer_email}>")


def _emit_rows(
    app: App,
    header: str,
    rows: Sequence[tuple[str, datetime, str, str]],
    fmt: str,
    *,
    blank: bool = True,
) -> None:
    """A header and one aligned line per change or tag."""
    from sqlitch.formatting import format_date

    if blank:
        app.comment("")
    app.comment(header)
    width = max((len(name) for name, *_ in rows), default=0)
    for name, when, who, email in rows:
        app.comment(f"  {name.ljust(width)} - {format_date(when, fmt)} - {who} <{email}>")


def _emit_status(app: App, plan: Plan, change_id: str, plan_file: str) -> None:
    app.comment("")
    idx = plan.index_of(change_id)
    if idx is None:
        app.vent(f"Cannot find this change in {plan_file}")
        raise SqlitchError(
            "Make sure you are connected to the proper database for this project.",
            ident="status",
        )
    if idx == plan.count - 1:
        app.emit("Nothing to deploy (up-to-date)")
        return
    pending = plan.count - (idx + 1)
    app.emit("Undeployed change:" if pending == 1 else "Undeployed changes:")
    for i in range(idx + 1, plan.count):
        change = plan.change_at(i)
        if change is not None:
            app.emit("  * ", change.format_name_with_tags())
