"""The driver runner against the real ``psql``, on a PostgreSQL server.

Each script in ``tests/support/pg_corpus`` (and each case in ``CASES``) is
run twice, into two scratch databases: once by ``psql`` exactly as Sqitch
runs it (``--quiet --no-psqlrc --no-align --tuples-only --set
ON_ERROR_STOP=1 --set registry=... --file``, Sqitch's ``--set`` variables
first), once by SQLitch's :class:`PgDriverRunner`. They must agree on:

- stdout, byte for byte;
- stderr: psql's notices, warnings and errors equal the driver's notices and
  warnings followed by the message of the error it raised (if any);
- success or failure (psql exits 3 exactly when the driver raises);
- the databases: ``pg_dump --no-owner`` of both (schema and rows), plus the
  settings stored for the database;
- the queries on the wire: a logging proxy records the simple queries psql
  sends, and the driver must send the same ones (its own session check
  aside).

The only normalisation: the scratch databases' names are replaced by
``{DB}``, and pg_dump's random ``\\restrict`` keys are dropped.

Run with ``SQLITCH_TEST_PG_URI=db:pg://postgres@127.0.0.1:5432/postgres``.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from tests.engine.test_pg_script import (
    FAILING_COMMANDS,
    ROUTINES,
    SPLITS,
    interpolation_script,
)
from tests.engine.test_pg_script import (
    VARIABLES as UNIT_VARIABLES,
)
from tests.support.pg_wire import QueryLog
from tests.support.servers import (
    PG_VAR,
    ServerUnavailableWarning,
    connection_params,
    pg_conninfo,
    pg_databases,
    require_server,
)

from sqlitch.engines.pg_driver import SESSION_CHECK, SESSION_STATE, PgDriverRunner
from sqlitch.engines.pg_script import split_script
from sqlitch.errors import SqlitchError

pytestmark = pytest.mark.pg

CORPUS_DIR = Path(__file__).parents[1] / "support" / "pg_corpus"
CORPUS = sorted(CORPUS_DIR.glob("*.sql"))
# Sqitch's --set variables for every run (the registry comes last, as Sqitch sets it).
VARIABLES = {
    "schema_name": "app data",
    "owner": "O'Brien",
    "tricky": "a\\b 'c' ;",
    "path": "C:\\dir",
    "limit": "2",
    "with_extras": "off",
}
REGISTRY = "sqitch"


# -- the two runners --------------------------------------------------------------------
@pytest.fixture
def uri() -> str:
    return require_server(PG_VAR)


def _program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        reason = f"{name} is not installed"
        warnings.warn(f"skipping client test: {reason}", ServerUnavailableWarning, stacklevel=3)
        pytest.skip(reason)
    return program


@pytest.fixture
def psql() -> str:
    return _program("psql")


@pytest.fixture
def pg_dump() -> str:
    return _program("pg_dump")


@dataclass
class Outcome:
    stdout: str
    stderr: str
    failed: bool


def _env(uri: str) -> dict[str, str]:
    env = dict(os.environ, LC_ALL="C.UTF-8", PGCLIENTENCODING="UTF8")
    env.pop("PGOPTIONS", None)
    password = connection_params(uri)["password"]
    if password:
        env["PGPASSWORD"] = str(password)
    return env


def run_psql(
    psql: str,
    uri: str,
    database: str,
    script: str,
    cwd: Path,
    *,
    port: int | None = None,
    variables: dict[str, str] = VARIABLES,
) -> Outcome:
    """Run ``script`` (a name relative to ``cwd``) with psql as Sqitch runs it."""
    extra: dict[str, object] = {}
    if port is not None:  # through the proxy, which must see plain text
        extra = {"host": "127.0.0.1", "port": port, "sslmode": "disable", "gssencmode": "disable"}
    argv = [psql, "--dbname", pg_conninfo(uri, database, **extra)]
    for name in sorted(variables):
        argv += ["--set", f"{name}={variables[name]}"]
    argv += ["--quiet", "--no-psqlrc", "--no-align", "--tuples-only"]
    argv += ["--set", "ON_ERROR_STOP=1", "--set", f"registry={REGISTRY}", "--file", script]
    done = subprocess.run(argv, capture_output=True, cwd=cwd, env=_env(uri), check=False)
    # 3: a script error under ON_ERROR_STOP; 2: the connection was lost.
    assert done.returncode in (0, 2, 3), done.stderr
    return Outcome(
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
        done.returncode != 0,
    )


def driver_connect(uri: str, database: str, *, port: int | None = None) -> Any:
    """What the engine's connect() gives the runner: autocommit, UTF-8, nothing else."""
    extra: dict[str, object] = {}
    if port is not None:
        extra = {"host": "127.0.0.1", "port": port, "sslmode": "disable", "gssencmode": "disable"}
    password = connection_params(uri)["password"]
    return psycopg.connect(
        pg_conninfo(uri, database, **extra),
        password=str(password) if password else None,
        autocommit=True,
        client_encoding="UTF8",
    )


def make_runner(
    uri: str, database: str, *, port: int | None = None, variables: dict[str, str] = VARIABLES
) -> PgDriverRunner:
    return PgDriverRunner(
        lambda: driver_connect(uri, database, port=port), {**variables, "registry": REGISTRY}
    )


def run_driver(
    runner: PgDriverRunner, script: str, cwd: Path, monkeypatch: pytest.MonkeyPatch, **kw: bool
) -> Outcome:
    """Run ``script`` with the runner, from ``cwd``; what it printed and whether it failed."""
    out, err = io.StringIO(), io.StringIO()
    failed = False
    with monkeypatch.context() as patch:
        patch.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                runner.run(Path(script), **kw)
            except SqlitchError as exc:
                assert exc.ident == "pg"
                err.write(exc.message + "\n")
                failed = True
    return Outcome(out.getvalue(), err.getvalue(), failed)


def _normalised(text: str, *names: str) -> str:
    for name in names:
        text = text.replace(name, "{DB}")
    return text


def snapshot(pg_dump: str, uri: str, database: str) -> str:
    """The database as pg_dump prints it, plus its stored settings."""
    done = subprocess.run(
        [pg_dump, "--no-owner", "--dbname", pg_conninfo(uri, database)],
        capture_output=True,
        env=_env(uri),
        check=True,
    )
    lines = [
        line
        for line in done.stdout.decode("utf-8").splitlines()
        if not line.startswith(("\\restrict", "\\unrestrict"))
    ]
    with driver_connect(uri, database) as conn:
        settings = conn.execute(
            "SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d"
            " ON s.setdatabase = d.oid WHERE d.datname = current_database()"
        ).fetchall()
    return _normalised("\n".join(lines) + f"\n{settings}\n", database)


def compare(
    psql: str,
    pg_dump: str,
    uri: str,
    script: str,
    cwd: Path,
    monkeypatch: pytest.MonkeyPatch,
    variables: dict[str, str] = VARIABLES,
) -> tuple[Outcome, Outcome]:
    """Run ``script`` both ways into two scratch databases and check they agree."""
    with pg_databases(uri, 2, prefix="sqlitch_pgcorpus") as (by_psql, by_driver):
        client = run_psql(psql, uri, by_psql, script, cwd, variables=variables)
        runner = make_runner(uri, by_driver, variables=variables)
        try:
            driver = run_driver(runner, script, cwd, monkeypatch)
        finally:
            runner.close()
        client.stdout = _normalised(client.stdout, by_psql)
        client.stderr = _normalised(client.stderr, by_psql)
        driver.stdout = _normalised(driver.stdout, by_driver)
        driver.stderr = _normalised(driver.stderr, by_driver)
        assert driver.stdout == client.stdout
        assert driver.stderr == client.stderr
        assert driver.failed == client.failed
        assert snapshot(pg_dump, uri, by_driver) == snapshot(pg_dump, uri, by_psql)
    return client, driver


# -- the corpus ---------------------------------------------------------------------------
@pytest.mark.parametrize("script", CORPUS, ids=[path.stem for path in CORPUS])
def test_corpus_script_matches_psql(
    uri: str, psql: str, pg_dump: str, script: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = compare(psql, pg_dump, uri, script.name, CORPUS_DIR, monkeypatch)
    assert not client.failed, client.stderr


@pytest.fixture
def query_log(uri: str) -> Iterator[QueryLog]:
    params = connection_params(uri)
    log = QueryLog(str(params["host"]), int(params["port"] or 5432))  # type: ignore[call-overload]
    yield log
    log.close()


@pytest.mark.parametrize("script", CORPUS, ids=[path.stem for path in CORPUS])
def test_driver_sends_what_psql_sends(
    uri: str, psql: str, script: Path, query_log: QueryLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pg_databases(uri, 2, prefix="sqlitch_pgcorpus") as (by_psql, by_driver):
        client = run_psql(psql, uri, by_psql, script.name, CORPUS_DIR, port=query_log.port)
        sent_by_psql = query_log.take()
        runner = make_runner(uri, by_driver, port=query_log.port)
        try:
            driver = run_driver(runner, script.name, CORPUS_DIR, monkeypatch)
        finally:
            runner.close()
        sent_by_driver = [q for q in query_log.take() if q not in (SESSION_CHECK, SESSION_STATE)]
    assert not client.failed and not driver.failed
    assert sent_by_psql
    assert [_normalised(q, by_driver) for q in sent_by_driver] == [
        _normalised(q, by_psql) for q in sent_by_psql
    ]


def test_crlf_lines(
    uri: str, psql: str, pg_dump: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("01_tables_and_rows.sql", "02_functions_dollar.sql", "12_copy.sql"):
        text = (CORPUS_DIR / name).read_text(encoding="utf-8")
        (tmp_path / name).write_bytes(text.replace("\n", "\r\n").encode())
        client, _ = compare(psql, pg_dump, uri, name, tmp_path, monkeypatch)
        assert not client.failed, client.stderr


def test_verify_discards_stdout_only(uri: str, psql: str, monkeypatch: pytest.MonkeyPatch) -> None:
    script = "03_do_notice.sql"
    with pg_databases(uri, 2, prefix="sqlitch_pgcorpus") as (by_psql, by_driver):
        client = run_psql(psql, uri, by_psql, script, CORPUS_DIR)
        runner = make_runner(uri, by_driver)
        try:
            driver = run_driver(runner, script, CORPUS_DIR, monkeypatch, quiet=True)
        finally:
            runner.close()
    assert client.stdout and not driver.stdout
    assert driver.stderr == client.stderr


# -- scripts that fail, or report errors and go on --------------------------------------------
COLUMNS = ", ".join(f"column_{i}" for i in range(30))
LONG = f"SELECT {COLUMNS}, nope FROM (SELECT 1) s;\n"  # noqa: S608 - a test script
CASES = {
    "simple": "CREATE TABLE t (a int);\n\nINSERT INTO nope VALUES (1);\nSELECT 1;\n",
    "multi-line statement": "SELECT 1;\nSELECT 2,\n    3 frm\n  x;\nSELECT 3;\n",
    "second on a line": "SELECT 1; SELECT nope; SELECT 2;\n",
    "at end of file without semicolon": "SELECT 1;\nSELECT nope\n\n\n",
    "unterminated comment": "SELECT 1;\nSELECT 1 /* unterminated\n\n",
    "unterminated string": "SELECT 1;\nSELECT 'abc\n\n",
    "long line": LONG,
    "multibyte position": "SELECT 'é', 'ünï', nope;\n",
    "in a DO block": "DO $$\nBEGIN\n  PERFORM 1/0;\nEND\n$$;\n",
    "raise with detail and hint": (
        "DO $$ BEGIN\n  RAISE NOTICE 'before';\n  RAISE EXCEPTION 'boom; %', 42\n"
        "    USING DETAIL = 'the detail', HINT = 'the hint', ERRCODE = 'P0042';\nEND $$;\n"
    ),
    "unique violation": (
        "CREATE TABLE t (a int PRIMARY KEY);\nINSERT INTO t VALUES (1);\n"
        "INSERT INTO t\n  VALUES\n  (1);\n"
    ),
    "inside a transaction": (
        "CREATE TABLE kept (a int);\nBEGIN;\nCREATE TABLE t (a int);\n"
        "INSERT INTO t VALUES ('x');\nCOMMIT;\n"
    ),
    "function body error at call": (
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n"
        "  RETURN (SELECT nope FROM pg_class LIMIT 1);\nEND $$;\nSELECT f();\n"
    ),
    "byte order mark": "\ufeffSELECT 1;\n",
    "copy with bad data": "CREATE TABLE c (a int);\nCOPY c FROM stdin;\n1\nx\n\\.\nSELECT 1;\n",
    "copy into a missing table": "COPY nope FROM stdin;\n1\n\\.\n",
    "copy of no rows": "CREATE TABLE c (a int);\nCOPY c FROM stdin;\n\\.\nTABLE c;\n",
    "connection lost": "SELECT 1;\nSELECT pg_terminate_backend(pg_backend_pid());\nSELECT 2;\n",
    "connection lost, ON_ERROR_STOP off": (
        "\\set ON_ERROR_STOP off\nSELECT pg_terminate_backend(pg_backend_pid());\nSELECT 2;\n"
    ),
    "standard strings off": (
        "SET standard_conforming_strings = off;\nSELECT 'a\\';b';\nSELECT nope;\n"
    ),
    "standard strings off on the same line": (
        "SET standard_conforming_strings = off; SELECT 'a\\'; SELECT 2;\nSELECT 'b\\';c';\n"
    ),
    "quit": "SELECT 1;\n\\q extra\nSELECT 2;\n",
    "quit in a transaction": "CREATE TABLE k (a int);\nBEGIN;\nINSERT INTO k VALUES (1);\n\\q\n",
    "g and empty queries": "\\g\n;\nSELECT '%s', 100 % 7 \\g\n\\g\n",
    "invalid command": "SELECT 1;\n\\bogus \\echo dropped\nSELECT 2;\n",
    "invalid command in a branch not taken": "\\if false\n\\bogus\n\\endif\n",
    "missing include": "SELECT 1;\n\\i no_such_file.sql\nSELECT 2;\n",
    "unterminated if": "\\if true\nSELECT 1;\n",
    "endif without if": "\\endif\nSELECT 1;\n",
    "bad boolean for ON_ERROR_STOP": "\\set ON_ERROR_STOP bogus\nSELECT 1;\n",
    "restricted": "\\restrict key\nSELECT 1;\n\\echo no\n",
    "bad if value goes on": "\\if maybe\n\\echo no\n\\else\n\\echo else\n\\endif\nSELECT 1;\n",
    "recursive variable": "\\set r 'SELECT :r'\n:r;\n",
    "ON_ERROR_STOP off goes on": (
        "\\set ON_ERROR_STOP off\nSELECT nope;\nSELECT 'went on';\n\\bogus\n"
        "\\echo :ERROR :SQLSTATE :ROW_COUNT :LAST_ERROR_SQLSTATE :LAST_ERROR_MESSAGE\n"
        "BEGIN;\nSELECT 1/0;\nSELECT 2;\nROLLBACK;\nSELECT 'end';\n"
    ),
    "result variables": (
        "\\echo [:ERROR] [:ROW_COUNT]\nSELECT 1 UNION SELECT 2;\n\\echo [:ERROR] [:ROW_COUNT]\n"
        "CREATE TABLE r (a int);\nINSERT INTO r SELECT generate_series(1, 5);\n"
        "\\echo [:ROW_COUNT] [:SQLSTATE]\nCOPY r FROM stdin;\n6\n\\.\n\\echo [:ROW_COUNT]\n"
        "COPY r TO stdout;\n\\echo [:ROW_COUNT]\n"
        "\\if :ERROR \\echo error \\else \\echo fine \\endif\n"
    ),
    "quiet off prints status": (
        "\\set QUIET off\nCREATE TABLE q (a int);\nINSERT INTO q VALUES (1), (2);\n"
        "INSERT INTO q VALUES (3) RETURNING a;\nUPDATE q SET a = a WHERE a > 5 RETURNING a;\n"
        "SELECT * FROM q WHERE false;\nBEGIN;\nCOMMIT;\nCOPY q FROM stdin;\n4\n\\.\n"
        "DO $$ BEGIN RAISE NOTICE 'n'; END $$;\nSELECT 1 \\; SELECT 2;\n"
    ),
    "show all results off": "\\set SHOW_ALL_RESULTS off\nSELECT 1 \\; SELECT 2 \\; SELECT 3;\n",
    "extra arguments": (
        "\\unset a b\n\\if true extra\n\\echo in\n\\else junk\n\\endif more\n"
        "\\if false\n\\if true x\n\\else y\n\\endif z\n\\else w\n\\endif v\n"
    ),
    "unterminated quoted argument": "\\echo a 'b\nSELECT 1;\n",
    "failing commands, ON_ERROR_STOP off": FAILING_COMMANDS,
}


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
def test_case_matches_psql(
    uri: str,
    psql: str,
    pg_dump: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
) -> None:
    (tmp_path / "case.sql").write_text(text, encoding="utf-8")
    compare(psql, pg_dump, uri, "case.sql", tmp_path, monkeypatch)


def test_failure_in_an_included_file(
    uri: str, psql: str, pg_dump: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inc.sql").write_text(
        "SELECT 'included';\nDO $$ BEGIN RAISE NOTICE 'here'; END $$;\nSELECT nope;\n",
        encoding="utf-8",
    )
    (tmp_path / "main.sql").write_text(
        "SELECT 1;\n\\ir sub/../sub/inc.sql\nSELECT 2;\n", encoding="utf-8"
    )
    client, driver = compare(psql, pg_dump, uri, "main.sql", tmp_path, monkeypatch)
    assert driver.failed
    assert "psql:sub/inc.sql:3: ERROR:" in client.stderr


# -- the runner's sessions -----------------------------------------------------------------------
PROBE = (
    "SHOW search_path;\n"
    "SELECT current_setting('app.mode', true), current_setting('app.role_mode', true);\n"
    "SELECT current_setting('app.setting', true) IS NULL;\n"
    "SELECT count(*) FROM pg_prepared_statements;\n"
    "SELECT pg_my_temp_schema() = 0;\n"
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();\n"
    "SELECT count(*) FROM pg_listening_channels();\n"
    "SELECT count(*) FROM pg_class WHERE relname = 'scratch';\n"
    "\\echo [:foo]\n"
)


def test_each_script_gets_a_session_like_a_new_psql(
    uri: str, psql: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "probe.sql").write_text(PROBE, encoding="utf-8")
    (tmp_path / "setfoo.sql").write_text("\\set foo 1\n", encoding="utf-8")
    with pg_databases(uri, 2, prefix="sqlitch_pgcorpus") as (by_psql, by_driver):
        runner = make_runner(uri, by_driver)
        try:
            for script, cwd in (
                ("setfoo.sql", tmp_path),
                ("19_session_changes.sql", CORPUS_DIR),
                ("18_sqitch_style.sql", CORPUS_DIR),
                ("20_open_transaction.sql", CORPUS_DIR),
                ("21_database_settings.sql", CORPUS_DIR),
            ):
                run_psql(psql, uri, by_psql, script, cwd)
                expected = run_psql(psql, uri, by_psql, "probe.sql", tmp_path).stdout
                run_driver(runner, script, cwd, monkeypatch)
                assert run_driver(runner, "probe.sql", tmp_path, monkeypatch).stdout == expected
        finally:
            runner.close()


def test_connection_kept_between_clean_scripts(
    uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pid.sql").write_text("SELECT pg_backend_pid();\n", encoding="utf-8")
    (tmp_path / "set.sql").write_text("SET work_mem = '5MB';\n", encoding="utf-8")
    (tmp_path / "fail.sql").write_text("SELECT nope;\n", encoding="utf-8")
    (tmp_path / "seq.sql").write_text(
        "CREATE SEQUENCE IF NOT EXISTS s;\nSELECT nextval('s') > 0;\n", encoding="utf-8"
    )
    (tmp_path / "currval.sql").write_text(
        "\\set ON_ERROR_STOP off\nSELECT currval('s');\n", encoding="utf-8"
    )
    with pg_databases(uri, 1, prefix="sqlitch_pgcorpus") as (database,):
        runner = make_runner(uri, database)
        try:

            def pid() -> str:
                return run_driver(runner, "pid.sql", tmp_path, monkeypatch).stdout

            first = pid()
            assert pid() == first  # a clean script keeps the session
            run_driver(runner, "seq.sql", tmp_path, monkeypatch)
            assert pid() == first
            # currval() is forgotten between scripts, as in a new session.
            out = run_driver(runner, "currval.sql", tmp_path, monkeypatch)
            assert "currval of sequence" in out.stderr
            second = pid()
            assert second != first  # the failure above asked for a new one
            run_driver(runner, "set.sql", tmp_path, monkeypatch)
            third = pid()
            assert third != second
            assert run_driver(runner, "fail.sql", tmp_path, monkeypatch).failed
            assert pid() != third
        finally:
            runner.close()


def test_refused_before_anything_runs(
    uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "copy.sql").write_text(
        "CREATE TABLE a (x int);\n\n\\copy a from 'x.csv'\n", encoding="utf-8"
    )
    (tmp_path / "check.sql").write_text(
        "SELECT count(*) FROM pg_class WHERE relname = 'a';\n", encoding="utf-8"
    )
    with pg_databases(uri, 1, prefix="sqlitch_pgcorpus") as (database,):
        runner = make_runner(uri, database)
        try:
            out = run_driver(runner, "copy.sql", tmp_path, monkeypatch)
            assert out.failed
            assert out.stderr == (
                "copy.sql line 3: psql meta-command \\copy is not supported by the driver"
                " runner; use the client runner (--runner client)\n"
            )
            assert run_driver(runner, "check.sql", tmp_path, monkeypatch).stdout == "0\n"
        finally:
            runner.close()


def test_refused_where_only_a_result_leads(
    uri: str, psql: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The up-front reading cannot know that SELECT fails; the run refuses then.
    (tmp_path / "late.sql").write_text(
        "\\set ON_ERROR_STOP off\nCREATE TABLE b (x int);\nSELECT nope;\n"
        "\\if :ERROR\n\\gset\n\\endif\n",
        encoding="utf-8",
    )
    with pg_databases(uri, 1, prefix="sqlitch_pgcorpus") as (database,):
        runner = make_runner(uri, database)
        try:
            out = run_driver(runner, "late.sql", tmp_path, monkeypatch)
        finally:
            runner.close()
    assert out.failed
    assert out.stderr.endswith(
        "late.sql line 5: psql meta-command \\gset is not supported by the driver runner;"
        " use the client runner (--runner client)\n"
    )


def test_unreadable_scripts(uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "latin1.sql").write_bytes(b"SELECT 'caf\xe9';\n")
    (tmp_path / "includes.sql").write_text("SELECT 1;\n\\i latin1.sql\n", encoding="utf-8")
    with pg_databases(uri, 1, prefix="sqlitch_pgcorpus") as (database,):
        runner = make_runner(uri, database)
        try:
            missing = run_driver(runner, "missing.sql", tmp_path, monkeypatch)
            assert missing.stderr == "psql: error: missing.sql: No such file or directory\n"
            latin1 = run_driver(runner, "latin1.sql", tmp_path, monkeypatch)
            assert latin1.failed and "latin1.sql: not UTF-8" in latin1.stderr
            included = run_driver(runner, "includes.sql", tmp_path, monkeypatch)
            assert included.stderr.startswith("includes.sql line 2: latin1.sql: not UTF-8")
            assert not included.stdout  # refused before anything ran
        finally:
            runner.close()


def test_bad_variables_from_set(uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.sql").write_text("SELECT 1;\n", encoding="utf-8")
    with pg_databases(uri, 1, prefix="sqlitch_pgcorpus") as (database,):
        for variables, message in (
            ({"a-b": "1"}, 'psql: error: invalid variable name: "a-b"'),
            ({"QUIET": "bogus"}, 'psql: error: unrecognized value "bogus" for "QUIET"'),
            ({"AUTOCOMMIT": "off"}, "psql variable AUTOCOMMIT=off is not supported"),
        ):
            runner = make_runner(uri, database, variables=variables)
            try:
                out = run_driver(runner, "x.sql", tmp_path, monkeypatch)
            finally:
                runner.close()
            assert out.failed and out.stderr.startswith(message)
        # --quiet and ON_ERROR_STOP=1 come after the user's variables, as with psql.
        runner = make_runner(uri, database, variables={"QUIET": "off", "ON_ERROR_STOP": "0"})
        (tmp_path / "y.sql").write_text(
            "CREATE TABLE y (a int);\n\\echo :QUIET :ON_ERROR_STOP\n", encoding="utf-8"
        )
        try:
            assert run_driver(runner, "y.sql", tmp_path, monkeypatch).stdout == "on 1\n"
        finally:
            runner.close()


# -- the server-less tests' expectations, against psql -----------------------------------------
def _unit_cases() -> list[tuple[str, dict[str, str]]]:

    cases = [(text, {}) for text, _, _ in SPLITS]
    cases += [(text, {}) for text, _ in ROUTINES]
    cases.append((interpolation_script(), UNIT_VARIABLES))
    return cases


def test_unit_test_splits_are_what_psql_sends(
    uri: str, psql: str, tmp_path: Path, query_log: QueryLog
) -> None:
    # Without ON_ERROR_STOP, so that psql sends everything, failing or not.
    script = tmp_path / "case.sql"
    with pg_databases(uri, 1, prefix="sqlitch_pgcorpus") as (database,):
        conninfo = pg_conninfo(
            uri,
            database,
            host="127.0.0.1",
            port=query_log.port,
            sslmode="disable",
            gssencmode="disable",
        )
        for text, variables in _unit_cases():
            script.write_bytes(text.encode("utf-8"))
            argv = [psql, "--dbname", conninfo]
            for name in sorted(variables):
                argv += ["--set", f"{name}={variables[name]}"]
            argv += ["--quiet", "--no-psqlrc", "--no-align", "--tuples-only", "--file", "case.sql"]
            subprocess.run(argv, capture_output=True, cwd=tmp_path, env=_env(uri), check=True)
            sent = query_log.take()
            assert [s.sql for s in split_script(text, variables)] == sent, text
