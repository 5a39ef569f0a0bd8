"""`verify`: run the verify scripts of deployed changes and summarise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlitch.services.deploy import (
    ConnectOptions,
    ParsedTargets,
    open_engine,
)

if TYPE_CHECKING:
    from sqlitch.app import App


def verify(
    app: App,
    args: ParsedTargets,
    conn: ConnectOptions,
    *,
    from_change: str | None,
    to_change: str | None,
) -> None:
    from sqlitch.engines.base import EngineOptions
    from sqlitch.services.json_events import attach_events, events_run

    options = EngineOptions()
    events = attach_events(app, "verify", options)  # --json
    connected = open_engine(
        app, "verify", args, conn, options, variable_sections=("deploy", "verify")
    )
    changes = connected.changes
    start = from_change if from_change is not None else (changes.pop(0) if changes else None)
    end = to_change if to_change is not None else (changes.pop(0) if changes else None)
    if changes:
        app.warn(f'Too many changes specified; verifying from "{start}" to "{end}"')
    from sqlitch.services.observers import live_progress

    with connected.engine as engine, events_run(events, engine), live_progress(app, engine):
        engine.verify(start, end)
