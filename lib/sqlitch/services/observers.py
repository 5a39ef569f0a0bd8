"""What watches a deploy, revert or verify besides its own output.

The engine tells one :class:`~sqlitch.engines.base.ChangeObserver` about
every change and script (``EngineOptions.observer``). Several may want to
listen in one run (``--json`` events, live progress, ``-vv`` timings):
:func:`attach_observer` adds one to whatever is already set, through an
:class:`ObserverGroup`.

:func:`live_progress` surrounds a run and draws progress on a terminal
(:mod:`sqlitch.services.progress`, imported only then); :func:`diagnose`
prints ``-v``/``-vv``/``-vvv`` diagnostics (:mod:`sqlitch.services.diagnostics`,
imported only then). Both leave the output exactly as it is otherwise.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlitch.engines.base import ChangeObserver

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.engines.base import Engine, EngineOptions

__all__ = [
    "ObserverGroup",
    "attach_observer",
    "diagnose",
    "diagnostic_level",
    "live_progress",
    "progress_wanted",
]


class ObserverGroup(ChangeObserver):
    """Passes every event on to each of its observers, in order."""

    def __init__(self, *observers: ChangeObserver) -> None:
        self.observers = list(observers)

    def begin(self, action: str, changes: list[Any]) -> None:
        for observer in self.observers:
            observer.begin(action, changes)

    def change_started(self, action: str, change: Any) -> None:
        for observer in self.observers:
            observer.change_started(action, change)

    def change_finished(
        self, action: str, change: Any, *, ok: bool, seconds: float, error: str | None = None
    ) -> None:
        for observer in self.observers:
            observer.change_finished(action, change, ok=ok, seconds=seconds, error=error)

    def script_ran(self, path: Path, seconds: float) -> None:
        for observer in self.observers:
            observer.script_ran(path, seconds)

    def end(self, action: str, *, ok: bool) -> None:
        for observer in self.observers:
            observer.end(action, ok=ok)


def attach_observer(options: EngineOptions, observer: ChangeObserver) -> None:
    """Add ``observer`` to the run's observers (the first replaces the no-op one)."""
    current = options.observer
    if type(current) is ChangeObserver:
        options.observer = observer
    elif isinstance(current, ObserverGroup):
        current.observers.append(observer)
    else:
        options.observer = ObserverGroup(current, observer)


# -- live progress ----------------------------------------------------------
def progress_wanted(app: App) -> bool:
    """Whether to draw progress: stderr is a terminal that understands ANSI
    sequences, and the output is text for people (not ``--quiet``, not
    ``--json``, no ``NO_COLOR``, no ``SQLITCH_PROGRESS=0``)."""
    env = app.env
    if app.json or not app.verbosity:
        return False
    if env.get("NO_COLOR") or env.get("SQLITCH_PROGRESS", "").strip() in ("0", "no", "never"):
        return False
    if env.get("TERM", "dumb") in ("", "dumb"):
        return False
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError, OSError):  # a closed or fake stream
        return False


@contextlib.contextmanager
def live_progress(app: App, engine: Engine) -> Iterator[None]:
    """Around an engine's deploy, revert or verify: progress on stderr when
    :func:`progress_wanted` (nothing changes otherwise)."""
    if not progress_wanted(app):
        yield
        return
    from sqlitch.services.progress import LiveProgress

    live = LiveProgress(sys.stdout, sys.stderr)
    attach_observer(engine.options, live)
    try:
        yield
    finally:
        live.close()


# -- diagnostics ------------------------------------------------------------
def diagnostic_level(app: App) -> int:
    """How many of SQLitch's diagnostic tiers to print: the number of
    ``-v`` given (Sqitch's ``-v`` is its default verbosity, so only an
    explicit one asks for them), else a configured verbosity above 1."""
    given = app.options.verbosity
    if given is not None:
        return given
    level = app.verbosity
    return level if level > 1 else 0


def diagnose(app: App, engine: Engine, *, scripts: bool = True) -> None:
    """``-v`` and up: describe the connection (and, for a command that runs
    ``scripts``, the runner) and watch the run, on stderr."""
    level = diagnostic_level(app)
    if level <= 0:
        return
    from sqlitch.services.diagnostics import Diagnostics

    Diagnostics(app, engine, level, scripts=scripts).start()
