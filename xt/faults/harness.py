"""What the fault tests share: chain projects, killing a run, reading state.

A *chain* project has ``count`` changes ``t001`` .. ``tNNN``; change ``tNNN``
creates table ``tNNN`` and nothing else, so the registry and the target agree
exactly when the set of recorded changes equals the set of the target's own
tables. Every project lives in its own :class:`tests.support.golden.Layout`
(project, HOME, system config and TMPDIR under a temporary directory), so a
killed run's leftovers (the interrupted-change trace, kept in the temporary
directory) stay there.

SQLite state is read over ordinary read-write connections that never create
a file (``mode=rw``): opening a database whose writer was killed mid-commit
replays its hot journal first, as the next deploy would, where the dumps'
``immutable`` mode would read the half-written file as it lies.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.golden import Layout, standard_env
from tests.support.servers import pg_connect

SQLITCH = Path(sys.executable).parent / "sqlitch"
#: The chain the kill and concurrency tests deploy, and its SQLite target.
CHANGES = 200
TARGET = "db:sqlite:flipr.db"


class FaultReport(UserWarning):
    """What a fault run observed and does not assert (shown in the summary)."""


REGISTRY_TABLES = frozenset({"releases", "projects", "changes", "tags", "dependencies", "events"})
PLANNER = "Ann Example <ann@example.com>"


def chain_plan(count: int, project: str = "faults") -> str:
    lines = ["%syntax-version=1.0.0", f"%project={project}", ""]
    for i in range(1, count + 1):
        lines.append(f"t{i:03d} 2026-01-01T00:00:00Z {PLANNER} # table t{i:03d}")
    return "\n".join(lines) + "\n"


def write_chain(project: Path, count: int, engine: str = "sqlite", conf: str = "") -> None:
    """sqitch.conf, the plan and the scripts of a ``count``-change chain."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "sqitch.conf").write_text(f"[core]\n\tengine = {engine}\n{conf}")
    (project / "sqitch.plan").write_text(chain_plan(count))
    for kind in ("deploy", "revert", "verify"):
        (project / kind).mkdir(exist_ok=True)
    for i in range(1, count + 1):
        name = f"t{i:03d}"
        (project / "deploy" / f"{name}.sql").write_text(f"CREATE TABLE {name} (x INTEGER);\n")
        (project / "revert" / f"{name}.sql").write_text(f"DROP TABLE {name};\n")
        (project / "verify" / f"{name}.sql").write_text(
            f"SELECT x FROM {name} WHERE 1 = 0;\n"  # noqa: S608
        )


@dataclass
class Place:
    """One isolated layout: where a tool runs and with which environment."""

    layout: Layout
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path) -> Place:
        return cls(Layout.create(root))

    @property
    def project(self) -> Path:
        return self.layout.project

    @property
    def env(self) -> dict[str, str]:
        # Unbuffered: the kill loop counts "ok" lines as they are printed.
        # A temporary directory of its own: SQLitch keeps its trace of an
        # interrupted change there, and a kill in one test must not show in
        # another's `status`.
        tmp = self.layout.root / "tmp"
        tmp.mkdir(exist_ok=True)
        return {
            **standard_env(self.layout),
            "PYTHONUNBUFFERED": "1",
            "TMPDIR": str(tmp),
            **self.extra_env,
        }

    def run(self, argv: Sequence[str], *, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(argv),
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def sqlitch(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return self.run([str(SQLITCH), *args], timeout=timeout)

    def start(self, argv: Sequence[str]) -> subprocess.Popen[bytes]:
        """Start ``argv`` in its own process group (killed as a whole: a
        client the run started dies with it), stdout and stderr merged."""
        return subprocess.Popen(
            list(argv),
            cwd=self.project,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@dataclass
class Killed:
    """How one run ended: killed by us, or finished first (with its exit code)."""

    killed: bool
    returncode: int
    output: str
    oks: int


def run_and_kill(
    place: Place, argv: Sequence[str], *, after_oks: int, delay: float, timeout: float = 120
) -> Killed:
    """Run ``argv`` and SIGKILL its process group ``delay`` seconds after it
    printed its ``after_oks``-th "ok" line (``after_oks`` < 0: ``delay``
    seconds after it started), unless it has finished by then."""
    proc = place.start(argv)
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    seen = bytearray()
    killed = False
    timer: threading.Timer | None = None

    def kill() -> None:
        nonlocal killed
        # poll() reaps a finished child: only a live, unreaped one is killed,
        # so the group id cannot belong to anyone else.
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True

    lock = threading.Lock()  # the timer thread and this one

    def locked_kill() -> None:
        with lock:
            kill()

    if after_oks < 0:
        timer = threading.Timer(delay, locked_kill)
        timer.start()
    deadline = time.monotonic() + timeout
    fired = after_oks < 0
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
        if not fired and seen.count(b" ok\n") >= after_oks:
            fired = True
            time.sleep(delay)
            locked_kill()
        if time.monotonic() > deadline:  # pragma: no cover - a hung run
            locked_kill()
            break
    if timer is not None:
        timer.cancel()
        timer.join()
    returncode = proc.wait()
    text = seen.decode("utf-8", "replace")
    return Killed(killed, returncode, text, text.count(" ok\n"))


# -- SQLite state ------------------------------------------------------------------------
def _sqlite_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    if not path.exists() or path.stat().st_size == 0:
        return []
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def sqlite_integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of a database file ("ok"; "absent" if none)."""
    if not path.exists():
        return "absent"
    rows = _sqlite_rows(path, "PRAGMA integrity_check")
    return "\n".join(str(r[0]) for r in rows) or "ok"


@dataclass(frozen=True)
class State:
    """What the registry records and what the target holds."""

    recorded: frozenset[str]
    tables: frozenset[str]
    registry_tables: frozenset[str]
    releases: int

    @property
    def agrees(self) -> bool:
        return self.recorded == self.tables

    @property
    def difference(self) -> str:
        return (
            f"recorded, no table: {sorted(self.recorded - self.tables)};"
            f" table, not recorded: {sorted(self.tables - self.recorded)}"
        )

    @property
    def unversioned_registry(self) -> bool:
        """Registry tables without a release row: a run killed between
        creating the registry and registering its release left it."""
        return "releases" in self.registry_tables and self.releases == 0


def sqlite_state(project: Path, target: str = "flipr.db", registry: str = "sqitch.db") -> State:
    registry_path, target_path = project / registry, project / target
    names = {
        str(r[0])
        for r in _sqlite_rows(registry_path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    recorded = (
        {str(r[0]) for r in _sqlite_rows(registry_path, "SELECT change FROM changes")}
        if "changes" in names
        else set()
    )
    releases = (
        int(_sqlite_rows(registry_path, "SELECT COUNT(*) FROM releases")[0][0])  # type: ignore[call-overload]
        if "releases" in names
        else 0
    )
    tables = {
        str(r[0])
        for r in _sqlite_rows(
            target_path,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
    }
    if registry_path.resolve() == target_path.resolve():
        tables -= REGISTRY_TABLES
    return State(frozenset(recorded), frozenset(tables), frozenset(names), releases)


#: Runs SQLitch with a kill point: ``python -c KILLER ARM KILL WHEN -- args``
#: SIGKILLs the process at the first call of ``KILL`` ("before" it runs or
#: "after" it returned) once ``ARM`` has been called N times (``module:
#: Class.method:N``; ARM may be KILL itself). A deterministic kill -9 at a
#: named moment, for the windows a random kill rarely hits.
KILLER = """
import importlib, os, signal, sys

arm_spec, kill_spec, when = sys.argv[1:4]
args = sys.argv[sys.argv.index("--") + 1:]


def resolve(spec):
    module, _, rest = spec.partition(":")
    owner_name, _, method = rest.partition(".")
    return getattr(importlib.import_module(module), owner_name), method


arm_owner, arm_rest = resolve(arm_spec)
arm_method, _, arm_count = arm_rest.partition(":")
kill_owner, kill_method = resolve(kill_spec)
state = {"armed": 0}
need = int(arm_count)


def die():
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def wrap_arm(original):
    def arm(*a, **k):
        state["armed"] += 1
        if (arm_owner, arm_method) == (kill_owner, kill_method) and state["armed"] >= need:
            if when == "before":
                die()
            result = original(*a, **k)
            die()
        return original(*a, **k)
    return arm


def wrap_kill(original):
    def killer(*a, **k):
        if state["armed"] >= need:
            if when == "before":
                die()
            result = original(*a, **k)
            die()
        return original(*a, **k)
    return killer


setattr(arm_owner, arm_method, wrap_arm(getattr(arm_owner, arm_method)))
if (arm_owner, arm_method) != (kill_owner, kill_method):
    setattr(kill_owner, kill_method, wrap_kill(getattr(kill_owner, kill_method)))
from sqlitch.cli.main import main
sys.argv = ["sqlitch", *args]
sys.exit(main())
"""


def killer_argv(arm: str, kill: str, when: str, *args: str) -> list[str]:
    """The argv of a SQLitch run that kills itself at a kill point (see KILLER)."""
    return [sys.executable, "-c", KILLER, arm, kill, when, "--", *args]


def remove_sqlite_files(project: Path) -> None:
    for path in project.glob("*.db*"):
        path.unlink()


# -- PostgreSQL state -----------------------------------------------------------------------
def pg_state(server: str, database: str, registry: str = "sqitch") -> State:
    """The state once every other session on ``database`` has gone (a killed
    client's backend ends its transaction when it notices)."""
    with pg_connect(server, database) as conn:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            others = conn.execute(
                "SELECT COUNT(*) FROM pg_catalog.pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_catalog.pg_backend_pid()"
            ).fetchone()[0]
            if not others:
                break
            time.sleep(0.05)
        names = {
            str(r[0])
            for r in conn.execute(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = %s", (registry,)
            ).fetchall()
        }
        recorded: set[str] = set()
        releases = 0
        if "changes" in names:
            recorded = {
                str(r[0])
                for r in conn.execute(f'SELECT change FROM "{registry}".changes').fetchall()  # noqa: S608
            }
        if "releases" in names:
            releases = int(
                conn.execute(f'SELECT COUNT(*) FROM "{registry}".releases').fetchone()[0]  # noqa: S608
            )
        tables = {
            str(r[0])
            for r in conn.execute(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        }
    return State(frozenset(recorded), frozenset(tables), frozenset(names), releases)


def pg_reset(server: str, database: str, registry: str = "sqitch") -> None:
    """Empty a database again: the registry schema and public's tables."""
    with pg_connect(server, database) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{registry}" CASCADE')
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
