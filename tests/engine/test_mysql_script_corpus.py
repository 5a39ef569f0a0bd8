"""The driver path against the real ``mysql`` client, on a MySQL/MariaDB server.

Each script in ``tests/support/mysql_corpus`` is run twice, into two scratch
databases: once by the ``mysql`` client exactly as Sqitch runs it, once by
SQLitch's driver runner (:class:`MysqlDriverRunner`, as ``--runner driver``
builds it: :func:`split_script` plus PyMySQL in a session like the client's). The
two databases must dump alike (tables, columns, keys, views, routines with
their bodies, triggers, events, rows, and the session settings each stored
object recorded), the client must print what :func:`format_rows` prints, and
the client must send the server exactly the statements ``split_script``
returns (seen through a small logging proxy). Failing scripts must fail at
the line the client names.

Run with ``SQLITCH_TEST_MYSQL_URI=db:mysql://root@127.0.0.1:3306/test``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.support.mysql_dump import dump_database
from tests.support.servers import (
    MYSQL_VAR,
    ServerUnavailableWarning,
    connection_params,
    mysql_connect,
    mysql_databases,
    require_server,
    uri_with_database,
)

from sqlitch.app import App, CoreOptions
from sqlitch.config import Config
from sqlitch.engines import load_engine
from sqlitch.engines.mysql import MysqlEngine
from sqlitch.engines.mysql_script import format_rows, split_script
from sqlitch.errors import SqlitchError
from sqlitch.plan import Plan
from sqlitch.target import resolve_target

pytestmark = pytest.mark.mysql

CORPUS = sorted((Path(__file__).parents[1] / "support" / "mysql_corpus").glob("*.sql"))
PLACEHOLDER = "{DB}"


# -- the two runners ----------------------------------------------------------------------
@pytest.fixture
def uri() -> str:
    return require_server(MYSQL_VAR)


@pytest.fixture
def client() -> str:
    """The mysql client program, or a skip with a visible warning."""
    program = shutil.which("mysql") or shutil.which("mariadb")
    if program is None:
        reason = "the mysql client is not installed"
        warnings.warn(f"skipping client test: {reason}", ServerUnavailableWarning, stacklevel=2)
        pytest.skip(reason)
    return program


@dataclass
class Outcome:
    stdout: str
    error: tuple[int, int] | None  # (line, errno) of the failing statement


_CLIENT_ERROR = re.compile(r"^ERROR (\d+) \(\w+\) at line (\d+) in file: ", re.MULTILINE)


def run_client(
    client: str, uri: str, database: str, script: Path, *extra: str, port: int | None = None
) -> Outcome:
    """Run ``script`` with the client, with the options Sqitch uses."""
    params = connection_params(uri)
    argv = [client, "--user", str(params["user"] or "root"), "--database", database]
    argv += ["--host", str(params["host"]), "--port", str(port or params["port"] or 3306)]
    argv += ["--skip-pager", "--silent", "--skip-column-names", "--skip-line-numbers"]
    version = subprocess.run([client, "--version"], capture_output=True, text=True).stdout
    if "mariadb" in version.lower():
        argv.append("--abort-source-on-error")  # as Sqitch adds for MariaDB clients
    argv += [*extra, "--execute", f"source {script}"]
    env = dict(os.environ, LC_ALL="C.UTF-8")  # a UTF-8 locale: the client talks utf8mb3
    if params["password"]:
        env["MYSQL_PWD"] = str(params["password"])
    done = subprocess.run(argv, capture_output=True, env=env, check=False)
    stderr = done.stderr.decode("utf-8", "replace")
    match = _CLIENT_ERROR.search(stderr)
    assert (done.returncode == 0) == (match is None), stderr
    error = (int(match[2]), int(match[1])) if match else None
    return Outcome(done.stdout.decode("utf-8", "surrogateescape"), error)


def driver_connection(uri: str, database: str) -> Any:
    """The connection the driver runner opens (Python values: ``conv`` left alone)."""
    return driver_engine(uri, database).connect(database)


def driver_engine(uri: str, database: str) -> MysqlEngine:
    """The MySQL engine --runner driver uses for a target database on the server."""
    config = Config.load()
    target = resolve_target(config, {}, name=uri_with_database(uri, database))
    engine = load_engine(target, Plan.new("corpus"), App(config, CoreOptions()))
    assert isinstance(engine, MysqlEngine)
    return engine


_DRIVER_ERROR = re.compile(r"\AERROR (\d+) \(\w+\) at line (\d+) in file: ")


def run_driver(uri: str, database: str, script: Path) -> Outcome:
    """Run ``script`` with SQLitch's driver runner; its output and (line, error) if it failed."""
    runner = driver_engine(uri, database).driver_runner()
    printed = io.StringIO()
    error = None
    try:
        with contextlib.redirect_stdout(printed):
            runner.run(script)
    except SqlitchError as exc:
        match = _DRIVER_ERROR.match(exc.message)
        assert match, exc.message
        error = (int(match[2]), int(match[1]))
    finally:
        runner.close()
    return Outcome(printed.getvalue(), error)


# Session settings each stored object keeps: they must match between the runs.
_SESSION_METADATA = [
    "SELECT 'routine', ROUTINE_NAME, SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION,"
    " DATABASE_COLLATION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s",
    "SELECT 'trigger', TRIGGER_NAME, SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION,"
    " DATABASE_COLLATION FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %s",
    "SELECT 'view', TABLE_NAME, '', CHARACTER_SET_CLIENT, COLLATION_CONNECTION, ''"
    " FROM information_schema.VIEWS WHERE TABLE_SCHEMA = %s",
    "SELECT 'event', EVENT_NAME, SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION,"
    " CONCAT(DATABASE_COLLATION, ' ', TIME_ZONE) FROM information_schema.EVENTS"
    " WHERE EVENT_SCHEMA = %s",
]


def snapshot(uri: str, database: str) -> str:
    conn = mysql_connect(uri)
    try:
        text = dump_database(conn, database, {database: PLACEHOLDER})
        with conn.cursor() as cur:
            for query in _SESSION_METADATA:
                cur.execute(query, (database,))
                text += "".join(f"{row}\n" for row in sorted(cur.fetchall()))
    finally:
        conn.close()
    return text


# -- what the client sends, seen on the wire ----------------------------------------------------
class QueryLog:
    """A TCP proxy to the server that records the queries a client sends."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.queries: list[str] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(60)
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self) -> None:
        try:
            downstream, _ = self.listener.accept()
        except OSError:
            return  # no client came
        upstream = socket.create_connection(self.target)
        self.sockets += [downstream, upstream]
        for source, sink, record in ((downstream, upstream, True), (upstream, downstream, False)):
            thread = threading.Thread(target=self._pump, args=(source, sink, record), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _pump(self, source: socket.socket, sink: socket.socket, record: bool) -> None:
        pending = b""
        try:
            while data := source.recv(65536):
                if record:  # parse before forwarding: the log is complete when answered
                    pending = self._record(pending + data)
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the other side went away

    def _record(self, data: bytes) -> bytes:
        # Protocol packets: 3-byte length, sequence number, payload. A command
        # opens a sequence; COM_QUERY is 3, COM_INIT_DB (the client's USE) 2.
        while len(data) >= 4 and len(data) >= 4 + (size := int.from_bytes(data[:3], "little")):
            sequence, payload, data = data[3], data[4 : 4 + size], data[4 + size :]
            if sequence == 0 and payload[:1] == b"\x03":
                self.queries.append(payload[1:].decode("utf-8", "surrogateescape"))
            elif sequence == 0 and payload[:1] == b"\x02":
                self.queries.append("USE `" + payload[1:].decode().replace("`", "``") + "`")
        return data

    def close(self) -> None:
        for thread in self.threads:
            thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


@pytest.fixture
def query_log(uri: str) -> Iterator[QueryLog]:
    params = connection_params(uri)
    log = QueryLog(str(params["host"]), int(params["port"] or 3306))  # type: ignore[call-overload]
    yield log
    log.close()


# -- the corpus ------------------------------------------------------------------------------------
@pytest.mark.parametrize("script", CORPUS, ids=[path.stem for path in CORPUS])
def test_corpus_script_builds_the_same_database(uri: str, client: str, script: Path) -> None:
    with mysql_databases(uri, 2, prefix="sqlitch_corpus") as (by_client, by_driver):
        client_run = run_client(client, uri, by_client, script)
        driver_run = run_driver(uri, by_driver, script)
        assert client_run.error is None
        assert driver_run.error is None
        assert driver_run.stdout == client_run.stdout
        assert snapshot(uri, by_driver) == snapshot(uri, by_client)


@pytest.mark.parametrize("script", CORPUS, ids=[path.stem for path in CORPUS])
def test_client_sends_what_split_script_returns(
    uri: str, client: str, script: Path, query_log: QueryLog
) -> None:
    with mysql_databases(uri, 1, prefix="sqlitch_corpus") as (database,):
        run = run_client(client, uri, database, script, "--skip-ssl", port=query_log.port)
    assert run.error is None
    # The client asks for the current database before it changes it.
    sent = [query for query in query_log.queries if query != "SELECT DATABASE()"]
    assert sent == [s.sql for s in split_script(script.read_text(encoding="utf-8"))]


def test_crlf_and_bom(uri: str, client: str, tmp_path: Path) -> None:
    script = tmp_path / "crlf.sql"
    text = (CORPUS[1]).read_text(encoding="utf-8")
    script.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    statements = split_script(script.read_bytes().decode("utf-8"))
    assert statements == split_script(text)
    with mysql_databases(uri, 2, prefix="sqlitch_corpus") as (by_client, by_driver):
        assert run_client(client, uri, by_client, script).error is None
        assert run_driver(uri, by_driver, script).error is None
        assert snapshot(uri, by_driver) == snapshot(uri, by_client)


# -- failing scripts ---------------------------------------------------------------------------
FAILING = {
    "simple": "CREATE TABLE t (a INT);\n\nINSERT INTO nope VALUES (1);\nSELECT 1;\n",
    "after a statement on the same line": "SELECT\n1; INSERT INTO nope VALUES (1);\n",
    "after comments": "SELECT 1;\n\n-- c;\n# d\n/* e\n; */\nINSERT INTO nope VALUES (1);\n",
    "in a routine body": (
        "CREATE TABLE t (a INT);\nDELIMITER $$\nCREATE PROCEDURE p()\nBEGIN\n"
        "  SELECT 1;\n  SELEKT 2;\nEND$$\nDELIMITER ;\n"
    ),
    "in a conditional comment": "SELECT 1;\n/*!40101 SET @x := nope() */;\n",
    "second of two in one query": "DELIMITER $$\nSELECT 1;\nINSERT INTO nope VALUES (1)$$\n",
    "final statement without delimiter": "SELECT 1;\n\nSELECT\n  * FROM nope",
    "after \\g": "SELECT 1 \\g SELECT * FROM nope;\n",
    "duplicate key": (
        "CREATE TABLE t (a INT PRIMARY KEY);\nINSERT INTO t VALUES (1);\n"
        "INSERT INTO t\n  VALUES (2), (1);\n"
    ),
    "signal from a trigger": (
        "CREATE TABLE t (a INT);\nDELIMITER //\nCREATE TRIGGER t_check BEFORE INSERT ON t\n"
        "FOR EACH ROW BEGIN\n  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no; never';\nEND//\n"
        "DELIMITER ;\n\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n"
    ),
    "unknown database": "USE sqlitch_no_such_database;\n",
}


@pytest.mark.parametrize("text", list(FAILING.values()), ids=list(FAILING))
def test_failure_at_the_clients_line(uri: str, client: str, tmp_path: Path, text: str) -> None:
    script = tmp_path / "failing.sql"
    script.write_text(text, encoding="utf-8")
    with mysql_databases(uri, 2, prefix="sqlitch_corpus") as (by_client, by_driver):
        client_run = run_client(client, uri, by_client, script)
        driver_run = run_driver(uri, by_driver, script)
        assert client_run.error is not None
        assert driver_run.error == client_run.error
        assert driver_run.stdout == client_run.stdout
        assert snapshot(uri, by_driver) == snapshot(uri, by_client)


# -- the session and the printed rows -------------------------------------------------------------
SESSION = (
    "SELECT @@character_set_client, @@character_set_connection, @@character_set_results,"
    " @@collation_connection, @@sql_mode, @@time_zone, @@autocommit, @@sql_auto_is_null,"
    " @@max_statement_time, @@group_concat_max_len, @@sql_select_limit, @@tx_isolation,"
    " @@foreign_key_checks, @@unique_checks, @@sql_notes, @@sql_quote_show_create,"
    " @@lc_time_names, @@div_precision_increment, DATABASE() = %s;\n"
)
VALUES = (
    "SELECT 'a\\tb', 'c\\nd', 'e\\\\f', CONCAT('g', CHAR(0), 'h'), NULL, '', 'x\\ry', 'é',"
    " _binary 0x00ff41, CAST('abc' AS BINARY), 1.50, 0.00000001, 1e20, 0.1e0, 1.5e-7,"
    " 123456789012345678e3, CAST(1.0 AS DOUBLE), DATE'2024-01-02',"
    " TIMESTAMP'2024-01-02 03:04:05.123', TIME'-838:59:59', TIME'01:02:03.5', b'101',"
    " 18446744073709551615, -0.0e0, CAST(0.1 AS FLOAT), CAST(123456789 AS FLOAT), 'ünï ✓',"
    " JSON_OBJECT('k', 'v;w'), INET6_ATON('::1'), x'e29c93', CAST(NULL AS CHAR);\n"
    "SELECT 1, 'two' UNION SELECT NULL, 'four\\tfive' \\G\n"
    "SELECT 'no rows' FROM DUAL WHERE 0;\n"
)


def test_session_and_rows_match_the_client(uri: str, client: str, tmp_path: Path) -> None:
    script = tmp_path / "rows.sql"
    with mysql_databases(uri, 1, prefix="sqlitch_corpus") as (database,):
        script.write_text(SESSION.replace("%s", f"'{database}'") + VALUES, encoding="utf-8")
        client_run = run_client(client, uri, database, script)
        driver_run = run_driver(uri, database, script)
    assert client_run.error is None
    assert driver_run.error is None
    assert driver_run.stdout == client_run.stdout


def test_python_values_print_as_the_client_prints_them(
    uri: str, client: str, tmp_path: Path
) -> None:
    # Rows converted to Python values by PyMySQL's default decoders come out
    # alike too, for the types whose text those values keep.
    query = (
        "SELECT 'a\\tb', NULL, 42, -7, 18446744073709551615, 1.50, 0.00000001, 1e20, 0.1e0,"
        " 1.5e-7, 123456789012345678e3, CAST(0.1 AS FLOAT), DATE'2024-01-02',"
        " TIMESTAMP'2024-01-02 03:04:05', TIMESTAMP'2024-01-02 03:04:05.123456',"
        " TIME'-838:59:59', TIME'01:02:03.000005', _binary 0x00ff41, b'101'"
    )
    script = tmp_path / "values.sql"
    script.write_text(query + ";\n", encoding="utf-8")
    with mysql_databases(uri, 1, prefix="sqlitch_corpus") as (database,):
        client_run = run_client(client, uri, database, script)
        conn = driver_connection(uri, database)
        try:
            with conn.cursor() as cur:
                cur.execute(query)
                rows = cur.fetchall()
        finally:
            conn.close()
    assert format_rows(rows) == client_run.stdout
