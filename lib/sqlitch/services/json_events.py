"""``--json`` on deploy, revert, verify, rebase and checkout: the engine's
progress as JSON lines.

:class:`JsonEvents` is the engine's :class:`~sqlitch.engines.base.ChangeObserver`
for JSON mode; :func:`attach_events` sets it on the engine options and
:func:`events_run` surrounds the run (docs/json-output.md, "Events").
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

from sqlitch.engines.base import ChangeObserver
from sqlitch.services.json_output import envelope, write_line

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.engines.base import Engine, EngineOptions

__all__ = ["TWO_HALVES", "JsonEvents", "attach_events", "events_run"]

#: Commands that revert, then deploy.
TWO_HALVES = ("rebase", "checkout")


def attach_events(app: App, command: str, options: EngineOptions) -> JsonEvents | None:
    """In JSON mode, the observer that writes ``command``'s events (set on
    ``options``); None otherwise."""
    if not app.json:
        return None
    from sqlitch.services.observers import attach_observer

    events = JsonEvents(command)
    attach_observer(options, events)  # beside any other observer of the run
    return events


@contextlib.contextmanager
def events_run(events: JsonEvents | None, engine: Engine) -> Iterator[None]:
    """Around an engine's deploy, revert or verify in JSON mode: what change
    scripts and clients print goes to stderr, and a run that had nothing to
    do still ends with its summary."""
    if events is None:
        yield
        return
    events.destination = engine.destination
    with contextlib.redirect_stdout(sys.stderr):
        yield
    events.summary(ok=True)  # nothing to do (a run that began has its summary)


def _change_fields(change: Any) -> dict[str, object]:
    """id, name and tags of a plan Change or a registry DeployedChange."""
    tags = change.tags
    return {
        "change_id": change.id,
        "change": change.name,
        "tags": [tag if isinstance(tag, str) else tag.format_name for tag in tags],
    }


class JsonEvents(ChangeObserver):
    """Writes deploy, revert and verify progress as JSON lines.

    ``start`` before the first change, ``change`` as each one finishes
    (rollback reverts of a failed deploy included, as ``"action":
    "revert"``), then ``summary``. The stream is stdout as it was when the
    observer was made (scripts' output is sent to stderr meanwhile).
    """

    def __init__(self, command: str, stream: IO[str] | None = None) -> None:
        self.command = command
        self.stream = stream if stream is not None else sys.stdout
        self.destination: str | None = None
        self.began = False
        self.ended = False
        self.total = 0
        self.failed = 0
        self.started_at = time.monotonic()
        #: rebase and checkout revert, then deploy: the deploy half ends the run.
        self.last_action = "deploy" if command in TWO_HALVES else command
        #: The action of the half under way: its changes are the ones counted.
        self.action = self.last_action

    def _event(self, event: str, data: Mapping[str, object]) -> None:
        write_line(self.stream, envelope(self.command, event=event, data=data))

    def begin(self, action: str, changes: list[Any]) -> None:
        self.began = True
        self.action = action
        self._event(
            "start",
            {
                "action": action,
                "destination": self.destination,
                "changes": [_change_fields(change) for change in changes],
            },
        )

    def change_finished(
        self, action: str, change: Any, *, ok: bool, seconds: float, error: str | None = None
    ) -> None:
        if action == self.action:  # not the revert of a failed deploy's rollback
            self.total += 1
            self.failed += 0 if ok else 1
        self._event(
            "change",
            {
                "action": action,
                **_change_fields(change),
                "ok": ok,
                "seconds": round(seconds, 3),
                "error": None if error is None else error.rstrip(),
            },
        )

    def end(self, action: str, *, ok: bool) -> None:
        # A failed revert half of a rebase ends the run too.
        if action == self.last_action or not ok:
            self.summary(ok=ok and not self.failed)

    def summary(self, *, ok: bool) -> None:
        """The last line: whether the run succeeded and how many changes it handled."""
        if self.ended:
            return
        self.ended = True
        self._event(
            "summary",
            {
                "action": self.command,
                "destination": self.destination,
                "ok": ok,
                "changes": self.total,
                "failed": self.failed,
                "seconds": round(time.monotonic() - self.started_at, 3),
            },
        )
