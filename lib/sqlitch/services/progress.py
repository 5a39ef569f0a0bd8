"""Live progress of a deploy, revert or verify, drawn on a terminal's stderr.

Imported only when progress is drawn (:func:`sqlitch.services.observers.live_progress`
decides). One line on stderr, rewritten in place with ANSI sequences
(carriage return, erase line, cursor up): how many changes are done out of
how many, the change at work, the time elapsed and an estimate of the time
left. Nothing of it reaches stdout.

The command's own lines keep coming while it is shown, on stdout and stderr,
which share the terminal. So while a run lasts, ``sys.stdout`` and
``sys.stderr`` are guarded: a write first erases the progress line and puts
the cursor back where the output left it, then writes the same text as
without progress. A change's line (``  + users .. ``) waits for its ``ok``
while the change runs: progress is then drawn on the line below it and
erased before the ``ok``. A background thread redraws it (elapsed time) while
a long change runs; a lock keeps it from drawing in the middle of a write.

Short runs do not flicker: progress appears once the run has lasted
:data:`DELAY` seconds, or at once for :data:`MIN_CHANGES` changes or more,
and is redrawn at most every :data:`INTERVAL` seconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from sqlitch.engines.base import ChangeObserver

__all__ = ["DELAY", "INTERVAL", "MIN_CHANGES", "LiveProgress", "clock_text", "progress_text"]

DELAY = 1.0
MIN_CHANGES = 100
INTERVAL = 0.1
#: How often the background thread redraws while a change runs.
TICK = 0.5

ERASE_LINE = "\r\x1b[2K"
ERASE_TO_END = "\x1b[K"
UP = "\x1b[1A"
SIGNS = {"deploy": "+", "revert": "-", "verify": "*"}
VERBS = {"deploy": "Deploying", "revert": "Reverting", "verify": "Verifying"}
BAR = 20


def clock_text(seconds: float) -> str:
    """``m:ss``, or ``h:mm:ss`` from an hour up."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_text(
    action: str,
    done: int,
    total: int,
    elapsed: float,
    current: str | None = None,
    *,
    failed: int = 0,
) -> str:
    """The progress line: ``Deploying 12/300 [=>   ]   4% 0:03 ~1:09 left  + users``."""
    total = max(total, done)
    ratio = done / total if total else 1.0
    filled = int(ratio * BAR)
    bar = "=" * filled + (">" if filled < BAR else "") + " " * (BAR - filled - 1)
    text = f"{VERBS.get(action, action)} {done}/{total} [{bar}] {int(ratio * 100):3d}%"
    text += f" {clock_text(elapsed)}"
    if 0 < done < total:
        text += f" ~{clock_text(elapsed / done * (total - done))} left"
    if failed:
        text += f" ({failed} failed)"
    if current:
        text += f"  {current}"
    return text


def _columns(stream: IO[str]) -> int:
    """The terminal's width (80 when it does not say, as a new pty)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns if columns > 0 else 80


def _same_terminal(one: IO[str], other: IO[str]) -> bool:
    """Whether two streams write to the same terminal (stdout and stderr
    both on it: the command's lines and the progress share its lines)."""
    try:
        if not (one.isatty() and other.isatty()):
            return False
        first, second = os.fstat(one.fileno()), os.fstat(other.fileno())
    except (AttributeError, ValueError, OSError):
        return False
    return (first.st_dev, first.st_ino, first.st_rdev) == (
        second.st_dev,
        second.st_ino,
        second.st_rdev,
    )


class LiveProgress(ChangeObserver):
    """The progress line of one command (a rebase has two runs: revert, deploy).

    ``stdout``/``stderr`` are the streams the command writes to; :meth:`close`
    ends it (the run's end does too).
    """

    def __init__(
        self,
        stdout: IO[str],
        stderr: IO[str],
        *,
        clock: Callable[[], float] = time.monotonic,
        columns: Callable[[], int] | None = None,
        delay: float | None = None,
        min_changes: int | None = None,
        interval: float | None = None,
        tick: float | None = TICK,
        shared: bool | None = None,
    ) -> None:
        self.out, self.err = stdout, stderr
        self.clock = clock
        self.columns = columns if columns is not None else (lambda: _columns(stderr))
        self.delay = DELAY if delay is None else delay
        self.min_changes = MIN_CHANGES if min_changes is None else min_changes
        self.interval = INTERVAL if interval is None else interval
        self.tick = tick
        #: Whether stdout's text appears on the terminal progress is drawn on.
        self.shared = _same_terminal(stdout, stderr) if shared is None else shared
        self.lock = threading.RLock()
        #: "" (not shown), "line" (alone on its line), "below" (under an unfinished line).
        self.shown = ""
        #: The terminal's unfinished line: what was written after its last newline.
        self.partial = ""
        self.action = ""
        self.total = self.done = self.failed = 0
        self.current: str | None = None
        self.started = self.clock()
        self.last_drawn: float | None = None
        self._saved: tuple[Any, Any] | None = None
        self._guards: tuple[_Guard, _Guard] | None = None
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    # -- the engine's events ------------------------------------------------
    def begin(self, action: str, changes: list[Any]) -> None:
        with self.lock:
            self.action, self.total = action, len(changes)
            self.done = self.failed = 0
            self.current, self.started, self.last_drawn = None, self.clock(), None
            self._install()
            self.update()

    def change_started(self, action: str, change: Any) -> None:
        with self.lock:
            name = change.format_name_with_tags()
            sign = SIGNS.get(action, "")
            rollback = " (rolling back)" if action != self.action else ""
            self.current = f"{sign} {name}{rollback}" if sign else name
            self.update()

    def change_finished(
        self, action: str, change: Any, *, ok: bool, seconds: float, error: str | None = None
    ) -> None:
        with self.lock:
            if action == self.action:
                self.done += 1
                self.failed += 0 if ok else 1
            self.current = None
            self.update()

    def script_ran(self, path: Path, seconds: float) -> None:
        self.update()

    def end(self, action: str, *, ok: bool) -> None:
        self.close()

    def close(self) -> None:
        """Erase the line and give the streams back (idempotent)."""
        stop, thread = self._stop, self._thread
        self._stop = self._thread = None
        if stop is not None:
            stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)
        with self.lock:
            self.clear()
            self._uninstall()

    # -- drawing ------------------------------------------------------------------
    def update(self, *, force: bool = False) -> None:
        """Redraw if it is time (see the module's text)."""
        with self.lock:
            if self._guards is None:
                return
            now = self.clock()
            if self.last_drawn is None:
                if self.total < self.min_changes and now - self.started < self.delay:
                    return
            elif not force and now - self.last_drawn < self.interval:
                return
            self.draw(now)

    def draw(self, now: float) -> None:
        text = progress_text(
            self.action, self.done, self.total, now - self.started, self.current, failed=self.failed
        )
        width = self.columns() - 1  # never the last column: no wrapping
        if width < 10 or len(self.partial) >= width:
            self.clear()  # no room below a line that long: shown again after it
            return
        text = text[:width]
        if self.shown and (self.shown == "below") == bool(self.partial):
            sequence = "\r" + text + ERASE_TO_END  # in place
        else:
            sequence = self._erasing() + ("\n" if self.partial else "\r") + text
        self.shown = "below" if self.partial else "line"
        self.last_drawn = now
        self._write(sequence)

    def clear(self) -> None:
        """Erase the progress line, the cursor back where the output left it."""
        with self.lock:
            if self.shown:
                sequence = self._erasing()
                self.shown = ""
                self._write(sequence)

    def _erasing(self) -> str:
        if self.shown == "line":
            return ERASE_LINE
        if self.shown == "below":
            # Up to the unfinished line, whose text is written again over
            # itself so that the cursor ends where it was (any width).
            return ERASE_LINE + UP + "\r" + self.partial
        return ""

    def _write(self, sequence: str) -> None:
        try:
            self.out.flush()  # the text before it first
            self.err.write(sequence)
            self.err.flush()
        except (OSError, ValueError):  # a closed terminal: no more progress
            self.shown = ""

    # -- what the command writes meanwhile --------------------------------------
    def before_write(self) -> None:
        self.clear()

    def wrote(self, text: str, *, terminal: bool) -> None:
        if not terminal:
            return
        cut = max(text.rfind("\n"), text.rfind("\r"))
        self.partial = text[cut + 1 :] if cut >= 0 else self.partial + text

    def _install(self) -> None:
        if self._guards is not None:
            return
        import sys

        self._saved = (sys.stdout, sys.stderr)
        self._guards = (_Guard(self.out, self, self.shared), _Guard(self.err, self, True))
        sys.stdout, sys.stderr = self._guards
        if self.tick is not None:
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._ticking, args=(self._stop, self.tick), daemon=True
            )
            self._thread.start()

    def _uninstall(self) -> None:
        if self._guards is None or self._saved is None:
            return
        import sys

        guard_out, guard_err = self._guards
        saved_out, saved_err = self._saved
        # Only what is still ours: a stream replaced since stays replaced.
        if sys.stdout is guard_out:
            sys.stdout = saved_out
        if sys.stderr is guard_err:
            sys.stderr = saved_err
        self._guards = self._saved = None

    def _ticking(self, stop: threading.Event, tick: float) -> None:
        while not stop.wait(tick):
            self.update(force=True)


class _Guard:
    """A text stream that clears the progress line before each write."""

    def __init__(self, stream: Any, live: LiveProgress, terminal: bool) -> None:
        self._stream = stream
        self._live = live
        self._terminal = terminal

    def write(self, text: str) -> int:
        live = self._live
        with live.lock:
            if self._terminal:  # output elsewhere (a pipe) leaves the line be
                live.before_write()
            written: int = self._stream.write(text)
            live.wrote(text, terminal=self._terminal)
            return written

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    @property
    def buffer(self) -> Any:
        """The binary layer (clients' output is passed on as bytes)."""
        inner = getattr(self._stream, "buffer", None)
        if inner is None:
            raise AttributeError("buffer")
        return _BinaryGuard(inner, self._live, self._terminal)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _BinaryGuard:
    def __init__(self, stream: Any, live: LiveProgress, terminal: bool) -> None:
        self._stream = stream
        self._live = live
        self._terminal = terminal

    def write(self, data: bytes) -> int:
        live = self._live
        with live.lock:
            if self._terminal:
                live.before_write()
            written: int = self._stream.write(data)
            live.wrote(bytes(data).decode("utf-8", "replace"), terminal=self._terminal)
            return written

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
