"""The engine contract: deploy/revert/verify behave the same on every engine and runner.

Parametrized over (engine, runner). Each engine is an :class:`EngineCase`:
how to make a target for one test (with its own databases on a server), how
to read registry rows, and how to hold the destination lock from outside.
Server engines skip with a ServerUnavailableWarning when their server is not
configured (SQLITCH_TEST_MYSQL_URI, SQLITCH_TEST_PG_URI); their databases are dropped afterwards.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path

import pytest
from tests.support.cli import run_captured as sqlitch
from tests.support.servers import (
    MYSQL_VAR,
    PG_VAR,
    mysql_connect,
    mysql_databases,
    pg_connect,
    pg_databases,
    require_server,
    uri_with_database,
)

from sqlitch.engines.sqlite import _swap_base, check_driver_script
from sqlitch.errors import SqlitchError

PLANNER = "Marge N. O'Vera <marge@example.com>"
PLAN = f"""%syntax-version=1.0.0
%project=flipr

a 2026-01-01T00:00:00Z {PLANNER} # add a
b [a] 2026-01-01T00:00:01Z {PLANNER} # add b
@v1 2026-01-01T00:00:02Z {PLANNER} # tag v1
c 2026-01-01T00:00:03Z {PLANNER} # add c
"""

Rows = list[tuple[object, ...]]


class EngineCase:
    """One engine as the contract tests see it."""

    key = ""
    client = ""
    registry = "sqitch"

    def __init__(self, project: Path, stack: ExitStack) -> None:
        self.project = project

    @property
    def uri(self) -> str:
        raise NotImplementedError

    def rows(self, table: str) -> Rows:
        raise NotImplementedError

    def hold_lock(self) -> AbstractContextManager[Callable[[], None]]:
        """Hold the destination lock; the context value releases it early."""
        raise NotImplementedError


class SqliteCase(EngineCase):
    key, client = "sqlite", "sqlite3"

    @property
    def uri(self) -> str:
        return "db:sqlite:flipr.db"

    def rows(self, table: str) -> Rows:
        with sqlite3.connect(self.project / "sqitch.db") as conn:
            return list(conn.execute(f"SELECT * FROM {table} ORDER BY rowid"))  # noqa: S608

    @contextmanager
    def hold_lock(self) -> Iterator[Callable[[], None]]:
        import fcntl

        holder = open(self.project / "sqitch.db", "rb")  # noqa: SIM115
        fcntl.flock(holder, fcntl.LOCK_EX)
        try:
            yield holder.close
        finally:
            holder.close()


class MysqlCase(EngineCase):
    key, client = "mysql", "mysql"

    def __init__(self, project: Path, stack: ExitStack) -> None:
        super().__init__(project, stack)
        self.server = require_server(MYSQL_VAR)
        self.database, self.registry = stack.enter_context(mysql_databases(self.server, 2))
        # The registry database is created by the first deploy, as by Sqitch.
        mysql_connect(self.server).cursor().execute(f"DROP DATABASE `{self.registry}`")

    @property
    def uri(self) -> str:
        return uri_with_database(self.server, self.database)

    def rows(self, table: str) -> Rows:
        conn = mysql_connect(self.server, self.registry)
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT COUNT(*) FROM information_schema.columns"
                    " WHERE table_schema = %s AND table_name = %s AND column_name = 'committed_at'",
                    (self.registry, table),
                )
                (timed,) = cur.fetchone()
                order = "committed_at" if timed else "1"
                cur.execute(f"SELECT * FROM {table} ORDER BY {order}")  # noqa: S608
                return [tuple(r) for r in cur.fetchall()]
        finally:
            conn.close()

    @contextmanager
    def hold_lock(self) -> Iterator[Callable[[], None]]:
        conn = mysql_connect(self.server)
        with conn.cursor() as cur:
            cur.execute("SELECT GET_LOCK(%s, 0)", (f"sqitch working on {self.database}",))
        try:
            yield conn.close
        finally:
            if conn.open:
                conn.close()


class PgCase(EngineCase):
    key, client = "pg", "psql"
    registry = "sqitch_contract"

    def __init__(self, project: Path, stack: ExitStack) -> None:
        super().__init__(project, stack)
        self.server = require_server(PG_VAR)
        (self.database,) = stack.enter_context(pg_databases(self.server, 1))

    @property
    def uri(self) -> str:
        return uri_with_database(self.server, self.database)

    def rows(self, table: str) -> Rows:
        with pg_connect(self.server, self.database) as conn:
            timed = conn.execute(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = %s"
                " AND table_name = %s AND column_name = 'committed_at'",
                (self.registry, table),
            ).fetchone()
            order = "committed_at" if timed and timed[0] else "1"
            found = conn.execute(
                f"SELECT * FROM {self.registry}.{table} ORDER BY {order}"  # noqa: S608
            ).fetchall()
            return [tuple(r) for r in found]

    @contextmanager
    def hold_lock(self) -> Iterator[Callable[[], None]]:
        conn = pg_connect(self.server, self.database)
        conn.execute("SELECT pg_advisory_lock(75474063)")
        try:
            yield conn.close
        finally:
            conn.close()


ENGINES: dict[str, type[EngineCase]] = {
    "sqlite": SqliteCase,
    "mysql": MysqlCase,
    "pg": PgCase,
}
CASES = [
    (engine, runner)
    for engine, case in ENGINES.items()
    for runner in ["driver"] + (["client"] if shutil.which(case.client) else [])
]


@pytest.fixture(params=CASES, ids=[f"{e}-{r}" for e, r in CASES])
def case(request: pytest.FixtureRequest, isolated_env: Path) -> Iterator[EngineCase]:
    engine, runner = request.param
    with ExitStack() as stack:
        engine_case = ENGINES[engine](isolated_env, stack)
        (isolated_env / "sqitch.conf").write_text(
            f'[core]\n\tengine = {engine}\n[engine "{engine}"]\n\ttarget = {engine_case.uri}\n'
            f"\tregistry = {engine_case.registry}\n\trunner = {runner}\n"
            "[user]\n\tname = Tester\n\temail = t@example.com\n"
        )
        (isolated_env / "sqitch.plan").write_text(PLAN)
        for name in "abc":
            for kind, sql in (
                ("deploy", f"CREATE TABLE {name} (x INTEGER);\n"),
                ("revert", f"DROP TABLE {name};\n"),
                ("verify", f"SELECT x FROM {name} WHERE 1 = 0;\n"),  # noqa: S608
            ):
                (isolated_env / kind).mkdir(exist_ok=True)
                (isolated_env / kind / f"{name}.sql").write_text(sql)
        yield engine_case


def test_deploy_verify_revert_cycle(case: EngineCase, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = sqlitch(capsys, "deploy")
    assert code == 0
    assert "  + b @v1 .. ok\n" in out
    assert [r[2] for r in case.rows("changes")] == ["a", "b", "c"]
    assert [r[1] for r in case.rows("tags")] == ["@v1"]
    deps = case.rows("dependencies")
    assert [(d[1], d[2]) for d in deps] == [("require", "a")]
    assert sqlitch(capsys, "deploy")[1] == "Nothing to deploy (up-to-date)\n"
    code, out, _ = sqlitch(capsys, "verify")
    assert code == 0 and out.endswith("Verify successful\n")
    code, out, _ = sqlitch(capsys, "revert", "--to", "@v1", stdin="y\n")
    assert code == 0 and "  - c .. ok" in out
    code, out, _ = sqlitch(capsys, "revert", stdin="n\n")
    assert code == 1 and "Nothing reverted" in out
    code, out, _ = sqlitch(capsys, "revert", "-y")
    assert code == 0
    assert case.rows("changes") == []
    events = [(e[0], e[2]) for e in case.rows("events")]
    assert events == [
        ("deploy", "a"),
        ("deploy", "b"),
        ("deploy", "c"),
        ("revert", "c"),
        ("revert", "b"),
        ("revert", "a"),
    ]
    # Timestamps are strictly increasing even when the clock stands still.
    stamps = [e[8] for e in case.rows("events")]
    assert stamps == sorted(set(stamps))


@pytest.mark.parametrize("mode", ["all", "tag", "change"])
def test_failed_deploy_leaves_registry_consistent(
    case: EngineCase, mode: str, capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    (isolated_env / "deploy" / "c.sql").write_text("SELECT nosuch FROM nowhere;\n")
    code, out, err = sqlitch(capsys, "deploy", "--mode", mode)
    assert code == 2
    assert "  + c ...... not ok\n" in out
    # Mode "change" stops with the script's own error, as Sqitch does.
    assert err.rstrip().endswith("Deploy failed") == (mode != "change")
    deployed = [r[2] for r in case.rows("changes")]
    assert deployed == {"all": [], "tag": ["a", "b"], "change": ["a", "b"]}[mode]
    fails = [e for e in case.rows("events") if e[0] == "fail"]
    assert [f[2] for f in fails] == ["c"]


def test_a_deploy_script_shared_by_two_changes_is_named(
    case: EngineCase, capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    # Sqitch 1.4.0 (#630): the registry's unique key on (project, script
    # hash) is reported in words, not as the database's error.
    for name in "bc":
        (isolated_env / "deploy" / f"{name}.sql").write_text(
            "CREATE TABLE IF NOT EXISTS b (x INT);\n"
        )
    code, out, err = sqlitch(capsys, "deploy")
    assert code == 2
    assert "  + c ...... not ok\n" in out
    assert 'Cannot log change "c": The deploy script is not unique\n' in err
    assert err.rstrip().endswith("Deploy failed")
    assert case.rows("changes") == []


def test_a_failing_verify_script_says_why_before_the_report(
    case: EngineCase, capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    # The client prints the script's error itself; the driver runner writes
    # its error there too (what Sqitch's client would have said, in words).
    assert sqlitch(capsys, "deploy")[0] == 0
    (isolated_env / "verify" / "b.sql").write_text("SELECT nosuch FROM b;\n")
    code, out, err = sqlitch(capsys, "verify")
    assert code == 2
    assert '  * b @v1 .. # Verify script "verify/b.sql" failed.\n' in out
    lines = err.splitlines()
    assert lines[-1] == "Verify failed"
    assert "nosuch" in "\n".join(lines[:-1]), err


def test_log_only_runs_no_script(
    case: EngineCase, capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    (isolated_env / "deploy" / "a.sql").write_text("SELECT nosuch FROM nowhere;\n")
    assert sqlitch(capsys, "deploy", "--log-only")[0] == 0
    assert len(case.rows("changes")) == 3


@pytest.mark.skipif(sys.platform == "win32", reason="SQLite deploy locks use flock (POSIX)")
def test_lock_blocks_a_second_deploy(case: EngineCase, capsys: pytest.CaptureFixture[str]) -> None:
    sqlitch(capsys, "deploy", "--to", "a")
    with case.hold_lock() as release:
        code, out, err = sqlitch(capsys, "deploy", "--lock-timeout", "0")
        assert code == 2
        assert "waiting 0 seconds..." in out
        assert "Timed out waiting 0 seconds" in err
        timer = threading.Timer(0.3, release)
        timer.start()
        try:
            code, out, _ = sqlitch(capsys, "deploy", "--lock-timeout", "5")
        finally:
            timer.cancel()
        assert code == 0 and "  + c ...... ok" in out


def test_registry_placement() -> None:
    assert _swap_base("x.db", "sqitch") == "sqitch.db"
    assert _swap_base("x", "sqitch") == "sqitch"
    assert _swap_base("x.tar.db", "sqitch") == "sqitch.tar.db"
    assert _swap_base("x.db", "meta.sqlite") == "meta.sqlite"


def test_driver_refuses_dot_commands(tmp_path: Path) -> None:
    script = tmp_path / "x.sql"
    check_driver_script(script, "CREATE TABLE t (x);\n-- .not a command\nSELECT 1;\n")
    with pytest.raises(SqlitchError, match=r'x.sql line 2: .*"\.read"'):
        check_driver_script(script, "SELECT 1;\n.read other.sql\n")
    # A line starting with "." inside an unfinished statement is SQL.
    check_driver_script(script, "SELECT 1\n.5;\n")


def test_unknown_runner_is_an_error(isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated_env / "sqitch.conf").write_text(
        '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:f.db\n\trunner = nope\n'
    )
    (isolated_env / "sqitch.plan").write_text(PLAN)
    code, _, err = sqlitch(capsys, "deploy")
    assert code == 2
    assert 'Unknown script runner "nope"' in err
