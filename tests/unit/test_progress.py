"""Live progress (sqlitch.services.progress) and the observers around a run."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.support.terminal import screen

from sqlitch.app import App, CoreOptions
from sqlitch.config import Config
from sqlitch.engines.base import ChangeObserver, EngineOptions
from sqlitch.services.observers import (
    ObserverGroup,
    attach_observer,
    diagnostic_level,
    progress_wanted,
)
from sqlitch.services.progress import LiveProgress, clock_text, progress_text


class Named:
    def __init__(self, name: str) -> None:
        self.name = name

    def format_name_with_tags(self) -> str:
        return self.name


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_text_counts_times_and_names_the_change() -> None:
    assert clock_text(0) == "0:00"
    assert clock_text(61.9) == "1:01"
    assert clock_text(3725) == "1:02:05"
    text = progress_text("deploy", 10, 40, 5.0, "+ users")
    assert text.startswith("Deploying 10/40 [=====>              ]  25% 0:05 ~0:15 left")
    assert text.endswith("  + users")
    assert "left" not in progress_text("revert", 0, 3, 1.0)
    assert progress_text("verify", 4, 3, 1.0).startswith(
        "Verifying 4/4 [====================] 100%"
    )
    assert "(2 failed)" in progress_text("deploy", 3, 9, 1.0, failed=2)


def make(clock: Clock, **kwargs: Any) -> tuple[LiveProgress, io.StringIO]:
    terminal = io.StringIO()  # stdout and stderr on one terminal
    live = LiveProgress(
        terminal, terminal, clock=clock, columns=lambda: 80, tick=None, shared=True, **kwargs
    )
    return live, terminal


def run_changes(live: LiveProgress, clock: Clock, names: list[str], step: float = 0.5) -> None:
    live.begin("deploy", [Named(n) for n in names])
    for name in names:
        sys.stdout.write(f"  + {name} .. ")
        live.change_started("deploy", Named(name))
        clock.now += step
        live.script_ran(Path(f"deploy/{name}.sql"), step)
        sys.stdout.write("ok\n")
        live.change_finished("deploy", Named(name), ok=True, seconds=step)
    live.end("deploy", ok=True)


def test_progress_is_drawn_and_leaves_the_output_as_it_was() -> None:
    clock = Clock()
    live, terminal = make(clock, delay=0.0)
    saved = (sys.stdout, sys.stderr)
    run_changes(live, clock, ["a", "b", "c"])
    assert (sys.stdout, sys.stderr) == saved  # given back
    raw = terminal.getvalue()
    assert "Deploying 1/3" in raw and "+ b" in raw and "\x1b[2K" in raw
    assert "\n" + "Deploying" in raw  # drawn under an unfinished change line
    assert screen(raw) == ["  + a .. ok", "  + b .. ok", "  + c .. ok"]


def test_short_runs_draw_nothing() -> None:
    clock = Clock()
    live, terminal = make(clock)
    run_changes(live, clock, ["a", "b"], step=0.1)
    assert terminal.getvalue() == "  + a .. ok\n  + b .. ok\n"


def test_a_long_run_draws_at_once_and_a_slow_one_after_the_delay() -> None:
    clock = Clock()
    live, terminal = make(clock, min_changes=3)
    live.begin("deploy", [Named("a"), Named("b"), Named("c")])
    assert terminal.getvalue().endswith("Deploying 0/3 [>                   ]   0% 0:00")
    live.close()
    assert screen(terminal.getvalue()) == []

    clock = Clock()
    live, terminal = make(clock)
    live.begin("deploy", [Named("a")])
    sys.stdout.write("  + a .. ")
    live.change_started("deploy", Named("a"))
    assert terminal.getvalue() == "  + a .. "
    clock.now += 1.5
    live.update()  # what the background thread does
    assert terminal.getvalue().startswith("  + a .. \nDeploying 0/1")
    sys.stderr.write("a warning\n")
    live.close()
    assert screen(terminal.getvalue()) == ["  + a .. a warning"]


def test_redraws_are_throttled() -> None:
    clock = Clock()
    live, terminal = make(clock, delay=0.0)
    live.begin("deploy", [Named(str(i)) for i in range(50)])
    for i in range(50):
        clock.now += 0.01
        live.change_finished("deploy", Named(str(i)), ok=True, seconds=0.01)
    live.close()
    assert 4 <= terminal.getvalue().count("Deploying") <= 7


def test_a_line_too_long_for_the_terminal_hides_the_progress() -> None:
    clock = Clock()
    live, terminal = make(clock, delay=0.0)
    live.begin("deploy", [Named("a")])
    sys.stdout.write("  + " + "x" * 100 + " .. ")
    live.update(force=True)
    live.close()
    assert screen(terminal.getvalue()) == ["  + " + "x" * 100 + " .. "]


def test_binary_writes_are_guarded_too() -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    clock = Clock()
    live = LiveProgress(out, out, clock=clock, columns=lambda: 80, tick=None, shared=True, delay=0)
    live.begin("deploy", [Named("a")])
    sys.stdout.buffer.write(b"1\n")
    live.update(force=True)
    sys.stdout.write("x")
    live.close()
    raw = out.buffer.getvalue().decode()  # type: ignore[attr-defined]
    assert screen(raw) == ["1", "x"]


def test_output_elsewhere_leaves_the_progress_be() -> None:
    err, piped = io.StringIO(), io.StringIO()
    clock = Clock()
    live = LiveProgress(piped, err, clock=clock, columns=lambda: 80, tick=None, shared=False)
    live.delay = 0.0
    run_changes(live, clock, ["a", "b"])
    assert piped.getvalue() == "  + a .. ok\n  + b .. ok\n"
    assert screen(err.getvalue()) == []
    assert "Deploying 1/2" in err.getvalue()


def test_the_background_thread_redraws_a_long_change() -> None:
    terminal = io.StringIO()
    live = LiveProgress(terminal, terminal, columns=lambda: 80, tick=0.01, shared=True, delay=0)
    live.begin("revert", [Named("a")])
    sys.stdout.write("  - a .. ")
    live.change_started("revert", Named("a"))
    import time

    deadline = time.monotonic() + 5
    while terminal.getvalue().count("Reverting") < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    live.close()
    assert terminal.getvalue().count("Reverting") >= 3
    assert screen(terminal.getvalue()) == ["  - a .. "]


def test_rollback_reverts_are_named_and_not_counted() -> None:
    clock = Clock()
    live, terminal = make(clock, delay=0.0, interval=0.0)
    live.begin("deploy", [Named("a"), Named("b")])
    live.change_finished("deploy", Named("a"), ok=True, seconds=0.1)
    live.change_finished("deploy", Named("b"), ok=False, seconds=0.1)
    live.change_started("revert", Named("a"))
    assert live.done == 2 and live.failed == 1
    assert terminal.getvalue().endswith("(1 failed)  - a (rolling back)\x1b[K")
    live.close()


# -- observers ------------------------------------------------------------------
class Recorder(ChangeObserver):
    def __init__(self) -> None:
        self.events: list[str] = []

    def begin(self, action: str, changes: list[Any]) -> None:
        self.events.append(f"begin {action} {len(changes)}")

    def change_started(self, action: str, change: Any) -> None:
        self.events.append(f"start {change.name}")

    def change_finished(
        self, action: str, change: Any, *, ok: bool, seconds: float, error: str | None = None
    ) -> None:
        self.events.append(f"finish {change.name} {ok} {error}")

    def script_ran(self, path: Path, seconds: float) -> None:
        self.events.append(f"script {path}")

    def end(self, action: str, *, ok: bool) -> None:
        self.events.append(f"end {ok}")


def test_observers_compose() -> None:
    options = EngineOptions()
    first, second, third = Recorder(), Recorder(), Recorder()
    attach_observer(options, first)
    assert options.observer is first
    attach_observer(options, second)
    group = options.observer
    assert isinstance(group, ObserverGroup) and group.observers == [first, second]
    attach_observer(options, third)
    assert group.observers == [first, second, third]
    group.begin("deploy", [Named("a")])
    group.change_started("deploy", Named("a"))
    group.script_ran(Path("deploy/a.sql"), 0.1)
    group.change_finished("deploy", Named("a"), ok=False, seconds=0.1, error="boom")
    group.end("deploy", ok=False)
    expected = [
        "begin deploy 1",
        "start a",
        "script deploy/a.sql",
        "finish a False boom",
        "end False",
    ]
    assert first.events == second.events == third.events == expected


class TtyErr(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "verbosity", "json", "tty", "wanted"),
    [
        ({"TERM": "xterm"}, None, False, True, True),
        ({"TERM": "xterm"}, None, False, False, False),
        ({"TERM": "dumb"}, None, False, True, False),
        ({}, None, False, True, False),
        ({"TERM": "xterm", "NO_COLOR": "1"}, None, False, True, False),
        ({"TERM": "xterm", "SQLITCH_PROGRESS": "0"}, None, False, True, False),
        ({"TERM": "xterm"}, 0, False, True, False),
        ({"TERM": "xterm"}, None, True, True, False),
        ({"TERM": "xterm"}, 3, False, True, True),
    ],
)
def test_progress_is_wanted_on_terminals_only(
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    verbosity: int | None,
    json: bool,
    tty: bool,
    wanted: bool,
) -> None:
    app = App(Config.load(), CoreOptions(verbosity=verbosity), env=env)
    app.json = json
    monkeypatch.setattr(sys, "stderr", TtyErr() if tty else io.StringIO())
    assert progress_wanted(app) is wanted


def test_diagnostic_level_counts_explicit_v_only(tmp_path: Path) -> None:
    assert diagnostic_level(App(Config.load(), CoreOptions())) == 0
    assert diagnostic_level(App(Config.load(), CoreOptions(verbosity=1))) == 1
    assert diagnostic_level(App(Config.load(), CoreOptions(verbosity=0))) == 0
    Path("sqitch.conf").write_text("[core]\n\tverbosity = 2\n")
    assert diagnostic_level(App(Config.load(), CoreOptions())) == 2
    Path("sqitch.conf").write_text("[core]\n\tverbosity = 1\n")
    assert diagnostic_level(App(Config.load(), CoreOptions())) == 0
