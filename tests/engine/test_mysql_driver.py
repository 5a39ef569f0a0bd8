"""The MySQL driver runner against a fake connection: what it sends, prints and reports.

The server-backed proof (same database as the client) is in
test_mysql_script_corpus.py; these tests pin the runner's own decisions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymysql
import pytest

from sqlitch.engines.mysql_driver import MysqlDriverRunner, _changes_session
from sqlitch.errors import SqlitchError


class FakeCursor:
    def __init__(self, conn: FakeConnection) -> None:
        self.conn = conn
        self.description: Any = None
        self._rows: list[tuple[object, ...]] = []

    def execute(self, sql: str) -> None:
        self.conn.sent.append(sql)
        failure = self.conn.failures.get(sql)
        if failure is not None:
            raise failure
        self._rows = self.conn.results.get(sql, [])
        self.description = [("c",)] if sql in self.conn.results else None
        if sql.upper().startswith("BEGIN"):
            self.conn.server_status = 1

    def fetchall(self) -> list[tuple[object, ...]]:
        return self._rows

    def nextset(self) -> bool:
        return False

    def close(self) -> None:
        return None


class FakeConnection:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.failures: dict[str, Exception] = {}
        self.results: dict[str, list[tuple[object, ...]]] = {}
        self.server_status = 0
        self.closed = False

    def cursor(self) -> FakeCursor:
        return FakeCursor(self)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def conns() -> list[FakeConnection]:
    return []


@pytest.fixture
def runner(conns: list[FakeConnection]) -> MysqlDriverRunner:
    def connect() -> FakeConnection:
        conns.append(FakeConnection())
        return conns[-1]

    return MysqlDriverRunner(connect, {"who": "it's"})


def script(tmp_path: Path, text: str, name: str = "x.sql") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_variables_first_then_each_statement(
    runner: MysqlDriverRunner, conns: list[FakeConnection], tmp_path: Path
) -> None:
    runner.run(script(tmp_path, "CREATE TABLE a (x INT);\nDELIMITER //\nDO 1; DO 2//\n"))
    assert conns[0].sent == ["SET @\"who\" = 'it''s'", "CREATE TABLE a (x INT)", "DO 1; DO 2"]
    runner.run(script(tmp_path, "DO 3;\n"))
    assert len(conns) == 1  # the session is reused when nothing changed it


def test_rows_print_as_the_client_prints_them(
    runner: MysqlDriverRunner,
    conns: list[FakeConnection],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    runner._conn = FakeConnection()
    conns.append(runner._conn)
    runner._conn.results["SELECT 1"] = [("1",), (None,)]
    runner.run(script(tmp_path, "SELECT 1;\n"))
    assert capsys.readouterr().out == "1\nNULL\n"
    runner.run(script(tmp_path, "SELECT 1;\n"), quiet=True)
    assert capsys.readouterr().out == ""


def test_a_session_change_gets_a_new_connection_next_time(
    runner: MysqlDriverRunner, conns: list[FakeConnection], tmp_path: Path
) -> None:
    runner.run(script(tmp_path, "/* why */ USE other;\n"))
    assert conns[0].closed
    runner.run(script(tmp_path, "BEGIN;\nINSERT INTO t VALUES (1);\n"))
    assert len(conns) == 2 and conns[1].closed  # an open transaction is not left behind
    assert _changes_session("set @x = 1") and _changes_session("CREATE TEMPORARY TABLE t (x INT)")
    assert not _changes_session("SELECT 'USE'") and not _changes_session("CREATE TABLE t (x INT)")


def test_a_failing_statement_names_file_line_and_what_ran_before(
    runner: MysqlDriverRunner, conns: list[FakeConnection], tmp_path: Path
) -> None:
    path = script(tmp_path, "CREATE TABLE a (x INT);\n\nINSERT INTO nope VALUES (1);\n")
    error = pymysql.err.ProgrammingError(1146, "Table 'db.nope' doesn't exist")
    error.sqlstate = "42S02"  # type: ignore[attr-defined]

    def connect() -> FakeConnection:
        conn = FakeConnection()
        conn.failures["INSERT INTO nope VALUES (1)"] = error
        conns.append(conn)
        return conn

    failing = MysqlDriverRunner(connect, {})
    with pytest.raises(SqlitchError) as caught:
        failing.run(path)
    assert caught.value.message.splitlines() == [
        f"ERROR 1146 (42S02) at line 3 in file: '{path}': Table 'db.nope' doesn't exist",
        "1 statement before it ran and stay applied: MySQL commits DDL implicitly,"
        " so check what the script left behind",
    ]
    assert conns[0].closed


def test_an_error_without_server_details(
    runner: MysqlDriverRunner, conns: list[FakeConnection], tmp_path: Path
) -> None:
    def connect() -> FakeConnection:
        conn = FakeConnection()
        conn.failures["DO 1"] = pymysql.err.InterfaceError("broken pipe")
        return conn

    with pytest.raises(SqlitchError, match=r"x\.sql line 1: broken pipe"):
        MysqlDriverRunner(connect, {}).run(script(tmp_path, "DO 1;\n"))


def test_scripts_the_driver_cannot_run(runner: MysqlDriverRunner, tmp_path: Path) -> None:
    with pytest.raises(SqlitchError, match=r"y\.sql line 2: .*\"source\"; use the client runner"):
        runner.run(script(tmp_path, "DO 1;\nsource other.sql\n", "y.sql"))
    bad = tmp_path / "latin1.sql"
    bad.write_bytes(b"SELECT '\xe9';\n")
    with pytest.raises(SqlitchError, match=r"not UTF-8 .* use the client runner"):
        runner.run(bad)
    with pytest.raises(SqlitchError, match=r"Failed to open file '.*missing\.sql', error: 2"):
        runner.run(tmp_path / "missing.sql")


def test_a_connection_failure_reads_like_the_client_library(tmp_path: Path) -> None:
    def connect() -> FakeConnection:
        raise pymysql.err.OperationalError(
            2003, "Can't connect to MySQL server on 'h' ([Errno 111] Connection refused)"
        )

    with pytest.raises(SqlitchError, match=r"^Can't connect to server on 'h' \(111\)$"):
        MysqlDriverRunner(connect, {}).run(script(tmp_path, "DO 1;\n"))
