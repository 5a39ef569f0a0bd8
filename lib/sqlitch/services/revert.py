"""`revert`: undo deployed changes, all of them or back to a change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError
from sqlitch.services.deploy import (
    ConnectOptions,
    ParsedTargets,
    open_engine,
)

if TYPE_CHECKING:
    from sqlitch.app import App


def revert(
    app: App,
    args: ParsedTargets,
    conn: ConnectOptions,
    *,
    to_change: str | None,
    no_prompt: bool | None,
    log_only: bool,
    lock_timeout: int | None,
    modified: bool,
    atomic: bool | None = None,
    dry_run: bool = False,
    sql: str | None = None,
) -> None:
    from sqlitch.engines.base import DEFAULT_LOCK_TIMEOUT, EngineOptions

    config = app.config
    configured_no_prompt = config.get("revert.no_prompt", as_="bool")
    configured_accept = config.get("revert.prompt_accept", as_="bool")
    # Sqitch 1.4.0 (#719, #735): a change to revert to is required.
    strict = bool(config.get("revert.strict", as_="bool"))
    options = EngineOptions(
        log_only=log_only,
        dry_run=dry_run or sql is not None,
        atomic=atomic if atomic is not None else bool(config.get("revert.atomic", as_="bool")),
        lock_timeout=lock_timeout if lock_timeout is not None else DEFAULT_LOCK_TIMEOUT,
        no_prompt=bool(no_prompt) if no_prompt else bool(configured_no_prompt or False),
        prompt_accept=True if configured_accept is None else bool(configured_accept),
    )
    from sqlitch.services.json_events import attach_events, events_run

    events = attach_events(app, "revert", options)  # --json
    connected = open_engine(
        app, "revert", args, conn, options, variable_sections=("deploy", "revert")
    )
    from sqlitch.services.observers import live_progress

    with connected.engine as engine, events_run(events, engine), live_progress(app, engine):
        if modified:
            change = engine.planned_deployed_common_ancestor_id()
        elif to_change is not None:
            change = to_change
        else:
            change = connected.changes.pop(0) if connected.changes else None
        if strict and change is None:
            raise SqlitchError(
                "Must specify a target revision in strict mode", ident="revert:strict", exitval=1
            )
        if connected.changes:
            if strict:
                raise SqlitchError("Too many changes specified", ident="revert:strict")
            app.warn(f'Too many changes specified; reverting to "{change}"')
        if options.dry_run:  # --dry-run, --sql
            from sqlitch.services.preview import revert_preview

            revert_preview(app, engine, change, sql)
        else:
            engine.revert(change)
