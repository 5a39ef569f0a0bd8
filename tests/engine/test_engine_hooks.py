"""The hook contract between the engine base class and a database engine.

A fake engine records every hook the base class calls, in order, the way
Sqitch's t/engine.t pins App::Sqitch::Engine. A new engine supplies exactly
these hooks (see the "hooks" section of sqlitch/engines/base.py); the base
class does the rest. Its registry is an in-memory SQLite database, so the
registry SQL runs for real and only the hooks are observed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sqlitch.app import App, CoreOptions
from sqlitch.config import Config
from sqlitch.engines.base import Engine, EngineOptions
from sqlitch.engines.registry import RegistryError
from sqlitch.engines.sqlite import SqliteDialect
from sqlitch.errors import SqlitchError
from sqlitch.plan import load_plan
from sqlitch.target import resolve_target

PLAN = """%syntax-version=1.0.0
%project=hooks

a 2026-01-01T00:00:00Z Hook Tester <hooks@example.com> # add a
b [a] 2026-01-01T00:00:01Z Hook Tester <hooks@example.com> # add b
@v1 2026-01-01T00:00:02Z Hook Tester <hooks@example.com> # tag v1
"""


class FakeRunner:
    name = "driver"

    def __init__(self, calls: list[str], failing: set[str]) -> None:
        self.calls = calls
        self.failing = failing

    def run(self, path: Path, *, quiet: bool = False) -> None:
        self.calls.append(f"run {path}{' quietly' if quiet else ''}")
        if str(path) in self.failing:
            raise SqlitchError(f"{path} failed", ident="fake")

    def close(self) -> None:
        self.calls.append("runner.close")


class FakeEngine(Engine):
    """Supplies every hook, records each call."""

    key = "sqlite"  # borrows SQLite's package-data registry SQL
    display_name = "Fake"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dialect = SqliteDialect()
        self.calls: list[str] = []
        self.failing: set[str] = set()
        self.lock_free = True
        self.db = sqlite3.connect(":memory:", isolation_level=None)

    def _call(self, name: str) -> None:
        self.calls.append(name)

    def connect_registry(self) -> Any:
        self._call("connect_registry")
        return _Unclosable(self.db)

    def registry_destination(self) -> str:
        self._call("registry_destination")
        return "fake-registry"

    def registry_initialized(self) -> bool:
        self._call("registry_initialized")
        return bool(
            self.registry.value("SELECT COUNT(*) FROM sqlite_master WHERE name = 'changes'")
        )

    @property
    def target_database(self) -> str:
        return "fake-target"

    def driver_runner(self) -> FakeRunner:
        self._call("driver_runner")
        return FakeRunner(self.calls, self.failing)

    def prepare_registry(self) -> None:
        self._call("prepare_registry")

    def run_registry_script(self, path: Path) -> None:
        self._call(f"run_registry_script {path.name}")
        self.db.executescript(path.read_text(encoding="utf-8"))

    def try_lock(self) -> bool:
        self._call("try_lock")
        return self.lock_free

    def release_lock(self) -> None:
        self._call("release_lock")

    def prepare_to_log(self, table: str, project: str) -> None:
        self._call(f"prepare_to_log {table}")


class _Unclosable:
    """The in-memory database outlives the engine's registry connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def cursor(self) -> Any:
        return self.conn.cursor()

    def close(self) -> None:
        return None


@pytest.fixture
def make_engine(isolated_env: Path) -> Any:
    (isolated_env / "sqitch.plan").write_text(PLAN)
    (isolated_env / "sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    # The fake runner runs nothing, but deploy and revert check that each
    # script exists (Sqitch 1.5.0).
    for kind in ("deploy", "revert", "verify"):
        (isolated_env / kind).mkdir()
        for name in ("a", "b"):
            (isolated_env / kind / f"{name}.sql").write_text(f"-- {kind} {name}\n")
    config = Config.load()
    app = App(config, CoreOptions())
    target = resolve_target(config, name="db:sqlite:fake.db")
    plan = load_plan(Path("sqitch.plan"))

    def make(**options: Any) -> FakeEngine:
        options.setdefault("runner", "driver")
        return FakeEngine(target, plan, app, EngineOptions(**options))

    return make


def test_first_deploy_creates_the_registry_then_runs_each_script(make_engine: Any) -> None:
    engine = make_engine()
    with engine:
        engine.deploy()
    assert engine.calls == [
        "try_lock",
        "connect_registry",
        "registry_initialized",
        "registry_destination",  # "Adding registry tables to fake-registry"
        "prepare_registry",
        "run_registry_script registry.sql",
        "registry_destination",  # where a script run apart from its record is noted
        "driver_runner",
        "run deploy/a.sql",
        "prepare_to_log changes",
        "prepare_to_log events",
        "run deploy/b.sql",
        "prepare_to_log changes",
        "prepare_to_log events",
        "runner.close",
        "release_lock",
    ]


def deployed(make_engine: Any, **options: Any) -> FakeEngine:
    """A fresh fake engine on a registry where the whole plan is deployed."""
    first = make_engine()
    with first:
        first.deploy()
    engine: FakeEngine = make_engine(**options)
    engine.db = first.db
    return engine


def test_revert_checks_the_registry_before_locking(make_engine: Any) -> None:
    engine = deployed(make_engine, no_prompt=True)
    with engine:
        engine.revert()
    assert engine.calls[:4] == [
        "connect_registry",
        "try_lock",
        "registry_destination",  # where a script run apart from its record is noted
        "driver_runner",
    ]
    assert [c for c in engine.calls if c.startswith("run ")] == [
        "run revert/b.sql",
        "run revert/a.sql",
    ]


def test_verify_runs_scripts_quietly_without_the_lock(make_engine: Any) -> None:
    engine = deployed(make_engine)
    with engine:
        engine.verify()
    assert "try_lock" not in engine.calls
    assert [c for c in engine.calls if c.startswith("run ")] == [
        "run verify/a.sql quietly",
        "run verify/b.sql quietly",
    ]


def test_a_busy_lock_is_polled_until_the_timeout(make_engine: Any) -> None:
    engine = make_engine(lock_timeout=0.05)
    engine.lock_free = False
    with engine, pytest.raises(SqlitchError, match=r"Timed out waiting 0\.05 seconds"):
        engine.deploy()
    assert engine.calls.count("try_lock") > 2
    assert "release_lock" not in engine.calls


def test_a_failing_script_is_recorded_as_failed(make_engine: Any) -> None:
    engine = make_engine()
    engine.failing.add("deploy/b.sql")
    with engine, pytest.raises(SqlitchError, match="Deploy failed"):
        engine.deploy()
    runs = [c for c in engine.calls if c.startswith("run ")]
    assert runs == ["run deploy/a.sql", "run deploy/b.sql", "run revert/a.sql"]
    events = engine.registry.column("SELECT event FROM events ORDER BY committed_at")
    assert events == ["deploy", "fail", "revert"]


def test_the_client_runner_comes_from_client_command(make_engine: Any) -> None:
    engine = make_engine(runner="client")
    seen: list[tuple[Path, str]] = []

    def client_command(path: Path, database: str) -> list[str]:
        seen.append((path, database))
        return ["true"]

    engine.client_command = client_command  # type: ignore[method-assign]
    engine.runner.run(Path("deploy/a.sql"))
    assert seen == [(Path("deploy/a.sql"), "fake-target")]


def test_driver_errors_leave_the_registry_as_registry_errors(make_engine: Any) -> None:
    engine = make_engine()
    with pytest.raises(RegistryError) as caught:
        engine.registry.value("SELECT x FROM nowhere")
    assert caught.value.missing_table and caught.value.exitval == 2
    assert str(caught.value) == "no such table: nowhere"
