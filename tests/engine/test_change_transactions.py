"""One transaction per change with the driver runner (no ``--atomic``).

On SQLite and PostgreSQL the driver runner commits a change's script, its
verify and its registry rows together. What these tests pin:

- the registry rows are the client runner's (Sqitch's way), row for row
  with clocks masked, through deploys, tags, verifies and reverts;
- a verify that fails after ``--verify`` leaves nothing of the change (the
  rollback undid it, no revert script runs) and the registry records the
  events Sqitch records, in every deploy mode;
- a script that fails half-way leaves nothing of itself (where the client,
  like Sqitch, keeps what ran before the failing statement);
- a statement that cannot run in a transaction makes its change run
  Sqitch's way, said by a ``debug:`` line at -vv, and the change deploys;
- SQLite: a reader holding the registry for a while delays a deploy rather
  than failing it (30 s busy timeout), with either runner;
- SQLite: a target that is the registry file itself works with either runner.

PostgreSQL skips with a ServerUnavailableWarning without SQLITCH_TEST_PG_URI.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.engine.txn_cases import (
    ENGINES,
    FAIL,
    NAMES,
    Case,
    Cases,
    SqliteCase,
    default_scripts,
    make_cases,
    private_tmpdir,
)

RUNNERS = ["driver", "client"]
__all__ = ["private_tmpdir"]  # an autouse fixture: see txn_cases


@pytest.fixture(params=ENGINES)
def cases(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[Cases]:
    yield from make_cases(request.param, tmp_path, capsys)


def pair(cases: Cases, scripts: dict[str, str] | None = None) -> tuple[Case, Case]:
    """The same project twice: with the driver runner and with the client."""
    driver, client = cases("driver"), cases("client")
    if shutil.which(client.client) is None:
        pytest.skip(f"{client.client} is not installed: nothing to compare with")
    driver.write(scripts, runner="driver")
    client.write(scripts, runner="client")
    return driver, client


def same_run(driver: Case, client: Case, *args: str) -> tuple[int, str, str]:
    """Run both; exit codes and standard output must agree. The driver's outcome."""
    ours = driver.sqlitch(*args)
    theirs = client.sqlitch(*args)
    assert ours[0] == theirs[0], (args, ours, theirs)
    assert ours[1] == theirs[1].replace(client.uri, driver.uri), args
    return ours


def test_registry_rows_are_the_client_runners(cases: Cases) -> None:
    driver, client = pair(cases)
    same_run(driver, client, "deploy", "--to", "a")
    same_run(driver, client, "deploy", "--verify")
    same_run(driver, client, "revert", "-y", "--to", "@v1")
    same_run(driver, client, "deploy", "--to", "c", "--verify")
    same_run(driver, client, "verify")
    same_run(driver, client, "deploy")
    same_run(driver, client, "revert", "-y", "--to", "a")
    assert driver.registry_dump() == client.registry_dump()
    assert driver.target_dump() == client.target_dump()
    assert driver.agrees()
    same_run(driver, client, "revert", "-y")
    assert driver.registry_dump() == client.registry_dump()
    assert driver.target_dump() == client.target_dump()


@pytest.mark.parametrize("mode", ["all", "tag", "change"])
def test_a_failed_verify_leaves_no_trace_and_logs_sqitchs_events(cases: Cases, mode: str) -> None:
    driver, client = pair(cases, default_scripts() | {"verify/c.sql": "SELECT nosuch FROM c;\n"})
    code, out, err = same_run(driver, client, "deploy", "--verify", "--mode", mode)
    assert code == 2
    assert "  + c ...... not ok\n" in out
    assert 'Verify script "verify/c.sql" failed.' in err
    # revert/c.sql drops c: run after the rollback, it would fail.
    assert "no such table: c" not in err and 'table "c" does not exist' not in err
    expected = {"all": [], "tag": ["a", "b"], "change": ["a", "b"]}[mode]
    assert driver.changes() == expected
    assert driver.tables() == set(expected)
    assert driver.agrees()
    events = [("deploy", "a"), ("deploy", "b"), ("fail", "c")]
    if mode == "all":
        events += [("revert", "b"), ("revert", "a")]
    assert driver.events() == events
    assert driver.registry_dump() == client.registry_dump()
    assert driver.target_dump() == client.target_dump()


@pytest.mark.parametrize("mode", ["all", "tag", "change"])
def test_a_script_that_fails_half_way_leaves_nothing_of_itself(cases: Cases, mode: str) -> None:
    half = "CREATE TABLE c (x INTEGER);\nCREATE TABLE c_too (x INTEGER);\n" + FAIL
    driver, client = pair(cases, default_scripts() | {"deploy/c.sql": half})
    for case in (driver, client):
        code, out, _ = case.sqlitch("deploy", "--mode", mode)
        assert code == 2 and "  + c ...... not ok\n" in out
    expected = {"all": set(), "tag": {"a", "b"}, "change": {"a", "b"}}[mode]
    assert driver.tables() == expected
    assert driver.agrees()
    # The client keeps what ran before the failing statement, as Sqitch's
    # does (a documented difference: docs/PARITY.md, "Transactions").
    assert client.tables() == expected | {"c", "c_too"}
    assert driver.registry_dump() == client.registry_dump()


def _fallback_script(engine: str) -> tuple[str, str]:
    """(deploy/b.sql, what the debug line says about its line 2)."""
    if engine == "sqlite":
        return (
            "CREATE TABLE b (x INTEGER);\nVACUUM;\n",
            "VACUUM cannot run inside a transaction",
        )
    return (
        "CREATE TABLE b (x INTEGER);\nCREATE INDEX CONCURRENTLY b_x ON b (x);\n",
        "CREATE INDEX CONCURRENTLY cannot run inside a transaction",
    )


def _vacuum(engine: str, table: str) -> tuple[str, str]:
    """(a VACUUM statement, what the debug line says of it). On PostgreSQL a
    database-wide VACUUM would wait forever for the registry transaction's
    lock on the changes table, with Sqitch as with SQLitch: one table only."""
    if engine == "sqlite":
        return "VACUUM;\n", "VACUUM cannot run inside a transaction"
    return f"VACUUM {table};\n", f"VACUUM {table} cannot run inside a transaction"


def test_a_statement_outside_transactions_runs_the_change_sqitchs_way(cases: Cases) -> None:
    case = cases()
    script, why = _fallback_script(case.engine)
    vacuum_a, why_a = _vacuum(case.engine, "a")
    vacuum_c, why_c = _vacuum(case.engine, "c")
    case.write(
        default_scripts()
        | {
            "deploy/b.sql": script,
            "revert/b.sql": "DROP TABLE b;\n" + vacuum_a,
            "verify/c.sql": "SELECT x FROM c WHERE 1 = 0;\n" + vacuum_c,  # noqa: S608
        }
    )
    code, out, err = case.sqlitch("deploy", "-vv", "--to", "b")
    assert code == 0, out + err
    assert f"debug: deploy/b.sql line 2: {why}; running b outside a transaction\n" in out
    assert "debug: deploy/a.sql" not in out
    assert case.changes() == ["a", "b"] and case.tables() == {"a", "b"}
    if case.engine == "pg":
        assert _pg_index_exists(case, "b_x")
    # Only -vv says so; the change is "ok" as any other.
    out = case.ok("revert", "-y", "--to", "a")
    assert "debug:" not in out and "  - b @v1 .. ok\n" in out
    assert case.changes() == ["a"] and case.tables() == {"a"}
    # With --verify, a verify script that cannot run in a transaction counts too.
    code, out, _ = case.sqlitch("deploy", "-vv", "--verify")
    assert code == 0
    assert f"debug: deploy/b.sql line 2: {why}; running b outside a transaction\n" in out
    assert f"debug: verify/c.sql line 2: {why_c}; running c outside a transaction\n" in out
    assert "running d outside" not in out
    assert case.changes() == sorted(NAMES) and case.agrees()
    code, out, _ = case.sqlitch("revert", "-y", "-vv")
    assert code == 0
    assert f"debug: revert/b.sql line 2: {why_a}; running b outside a transaction\n" in out
    assert out.count("outside a transaction") == 1
    assert case.changes() == [] and case.tables() == set()
    assert [e for e, _ in case.events()] == ["deploy"] * 2 + ["revert"] + ["deploy"] * 3 + [
        "revert"
    ] * 4


def _pg_index_exists(case: Case, name: str) -> bool:
    rows = case.registry_rows(  # any query: the registry exists by now
        f"SELECT 1 FROM pg_catalog.pg_indexes WHERE indexname = '{name}'"  # noqa: S608
    )
    return bool(rows)


# -- SQLite only --------------------------------------------------------------------------
@pytest.fixture
def sqlite_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Cases]:
    yield from make_cases("sqlite", tmp_path, capsys)


SQLITE_RUNNERS = ["driver"] + (["client"] if shutil.which("sqlite3") else [])
HOLD = 3.0


@pytest.mark.parametrize("runner", SQLITE_RUNNERS)
def test_a_reader_holding_the_registry_delays_a_deploy(sqlite_cases: Cases, runner: str) -> None:
    case = sqlite_cases()
    assert isinstance(case, SqliteCase)
    case.write(runner=runner)
    case.ok("deploy", "--to", "a")
    holding = threading.Event()
    released: list[float] = []
    failure: list[BaseException] = []

    def reader() -> None:
        try:
            conn = sqlite3.connect(case.registry_path, isolation_level=None)
            try:
                conn.execute("BEGIN")
                conn.execute("SELECT count(*) FROM changes").fetchall()
                holding.set()
                time.sleep(HOLD)
                released.append(time.monotonic())
                conn.execute("COMMIT")
            finally:
                conn.close()
        except BaseException as exc:  # pragma: no cover - reported below
            failure.append(exc)
            holding.set()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        code, out, err = case.sqlitch("deploy")
        finished = time.monotonic()
    finally:
        thread.join()
    assert not failure
    assert code == 0, out + err
    assert out.endswith("  + d ...... ok\n")
    # It waited for the reader instead of failing at "database is locked".
    assert finished >= released[0] > started
    assert case.changes() == sorted(NAMES)
    assert case.agrees()


@pytest.mark.parametrize("runner", SQLITE_RUNNERS)
def test_a_target_that_is_the_registry_file(sqlite_cases: Cases, runner: str) -> None:
    case = sqlite_cases()
    assert isinstance(case, SqliteCase)
    case.target_file = "sqitch.db"
    case.write(runner=runner)
    out = case.ok("deploy", "--verify")
    assert out.startswith(
        "Adding registry tables to db:sqlite:sqitch.db\nDeploying changes to db:sqlite:sqitch.db\n"
    )
    assert sorted(p.name for p in case.project.glob("*.db*")) == ["sqitch.db"]
    assert case.changes() == sorted(NAMES) and case.tables() == set(NAMES)
    code, out, _ = case.sqlitch("status")
    assert code == 0 and out.endswith("Nothing to deploy (up-to-date)\n")
    assert case.ok("verify").endswith("Verify successful\n")
    case.ok("revert", "-y", "--to", "@v1")
    assert case.changes() == ["a", "b"] and case.tables() == {"a", "b"}
    # A failure rolls back on the one file as well.
    case.put({"deploy/d.sql": "CREATE TABLE d (x INTEGER);\n" + FAIL})
    code, _, _ = case.sqlitch("deploy", "--mode", "change")
    assert code == 2
    assert case.changes() == ["a", "b", "c"]
    assert case.tables() == ({"a", "b", "c"} | ({"d"} if runner == "client" else set()))
    case.put({"deploy/d.sql": "CREATE TABLE IF NOT EXISTS d (x INTEGER);\n"})
    case.ok("deploy")
    case.ok("revert", "-y")
    assert case.changes() == [] and case.tables() == set()
    assert [e for e, _ in case.events()].count("fail") == 1


def test_sqlite_each_script_starts_a_fresh_session(sqlite_cases: Cases) -> None:
    case = sqlite_cases()
    temp = "CREATE TEMP TABLE scratch (x INTEGER);\n"
    case.write(
        default_scripts()
        | {f"deploy/{n}.sql": temp + f"CREATE TABLE {n} (x INTEGER);\n" for n in NAMES}
    )
    code, out, err = case.sqlitch("deploy")
    assert code == 0, out + err
