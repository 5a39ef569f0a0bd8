"""The PostgreSQL engine's own hooks: connection parameters, psql's command line,
the destination name, error texts, the dialect; and, against the test server,
what only a real server shows (registry in a custom schema, upgrades from
Sqitch's old registries, the advisory lock, bad connections). The deploy
workflow itself is in test_engine_contract.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from tests.support.servers import (
    PG_VAR,
    pg_connect,
    pg_databases,
    require_server,
    scratch_name,
    uri_with_database,
)

from sqlitch.app import App, CoreOptions
from sqlitch.cli.main import run
from sqlitch.config import Config
from sqlitch.engines import load_engine
from sqlitch.engines.base import EngineOptions
from sqlitch.engines.pg import PgDialect, PgEngine, conninfo_value, error_text
from sqlitch.plan import Plan
from sqlitch.target import resolve_target

PLAN = """%syntax-version=1.0.0
%project=my

a 2026-01-01T00:00:00Z Marge N. O'Vera <marge@example.com> # add a
b [a] 2026-01-01T00:00:01Z Marge N. O'Vera <marge@example.com> # add b
@v1 2026-01-01T00:00:02Z Marge N. O'Vera <marge@example.com> # tag
"""
UPGRADABLE = (
    Path(__file__).resolve().parents[3] / "shared/sqitch-fixtures/upgradable_registries/pg.sql"
)


def engine_for(uri: str, env: dict[str, str] | None = None, **options: Any) -> PgEngine:
    Path("sqitch.conf").write_text("[core]\n\tengine = pg\n")
    config = Config.load()
    target = resolve_target(config, env or {}, name=uri)
    plan = Plan.new("my", file="sqitch.plan")
    engine = load_engine(target, plan, App(config, CoreOptions()), EngineOptions(**options))
    assert isinstance(engine, PgEngine)
    return engine


# -- where and who -----------------------------------------------------------------------
def test_psql_gets_sqitch_options_and_no_password() -> None:
    engine = engine_for(
        "db:pg://fred:secret@db.example:5433/flipr?sslmode=require&application_name=it's me",
        variables={"who": "it's", "b": "2"},
    )
    argv = engine.client_command(Path("deploy/a.sql"), "flipr")
    assert argv == [
        "psql",
        "--dbname",
        "user=fred dbname=flipr host=db.example port=5433"
        " application_name=it\\'s\\ me sslmode=require",
        "--set",
        "b=2",
        "--set",
        "who=it's",
        "--quiet",
        "--no-psqlrc",
        "--no-align",
        "--tuples-only",
        "--set",
        "ON_ERROR_STOP=1",
        "--set",
        "registry=sqitch",
        "--file",
        "deploy/a.sql",
    ]
    assert not any("secret" in arg for arg in argv)
    assert engine.client_env() == {"PGPASSWORD": "secret"}
    assert engine.script_variables == {"b": "2", "who": "it's", "registry": "sqitch"}


def test_psql_leaves_unknown_parts_to_libpq() -> None:
    engine = engine_for("db:pg:", {"SQITCH_PASSWORD": "pw"})
    assert engine.client_command(Path("x.sql"), "")[:2] == ["psql", "--quiet"]
    assert engine.client_env() == {"PGPASSWORD": "pw"}
    assert conninfo_value('a "b" \\c') == 'a\\ \\"b\\"\\ \\\\c'


def test_destination_names_the_database_libpq_will_use() -> None:
    assert engine_for("db:pg://h/flipr").destination == "db:pg://h/flipr"
    env = {"PGDATABASE": "fromenv", "PGUSER": "pguser"}
    assert engine_for("db:pg://fred:pw@h", env).destination == "db:pg://fred:@h/fromenv"
    assert engine_for("db:pg://fred@h", {"PGUSER": "pguser"}).destination == "db:pg://fred@h/fred"
    assert engine_for("db:pg://h", {"PGUSER": "pguser"}).destination == "db:pg://h/pguser"


def test_dialect_speaks_postgresql() -> None:
    dialect = PgDialect("my reg")
    assert dialect.session_statements[-1] == "SET search_path = 'my reg'"
    assert dialect.sql("SELECT * FROM {changes} WHERE x = ? AND y LIKE '%'") == (
        "SELECT * FROM changes WHERE x = %s AND y LIKE '%%'"
    )
    assert dialect.event_list(("a", "b"), ",") == ["a", "b"]
    moment = datetime(2026, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    assert dialect.parse_timestamp(moment) == datetime(2026, 1, 1, tzinfo=UTC)
    assert dialect.planned_value(moment) == datetime(2026, 1, 1, tzinfo=UTC)


class _Diag:
    severity_nonlocalized = "ERROR"
    message_primary = "boom"


class _StatementError(Exception):
    sqlstate = "42P01"
    diag = _Diag()


def test_error_text_reads_as_libpq_writes_it() -> None:
    assert error_text(_StatementError('relation "x" does not exist')) == (
        'ERROR:  relation "x" does not exist'
    )
    failed = Exception('connection failed: connection to server at "h", port 1 failed: refused')
    assert error_text(failed) == 'connection to server at "h", port 1 failed: refused'


# -- against the server --------------------------------------------------------------------
@pytest.fixture
def server() -> str:
    return require_server(PG_VAR)


@pytest.fixture
def database(server: str, isolated_env: Path) -> Iterator[str]:
    with pg_databases(server, 1) as (name,):
        yield name


def _project(server: str, database: str, registry: str = "sqitch", runner: str = "driver") -> str:
    uri = uri_with_database(server, database)
    Path("sqitch.conf").write_text(
        f'[core]\n\tengine = pg\n[engine "pg"]\n\ttarget = {uri}\n\tregistry = {registry}\n'
        f"\trunner = {runner}\n[user]\n\tname = Tester\n\temail = t@example.com\n"
    )
    Path("sqitch.plan").write_text(PLAN)
    for name in "ab":
        for kind, sql in (
            ("deploy", f"CREATE TABLE {name} (x INTEGER);\n"),
            ("revert", f"DROP TABLE {name};\n"),
            ("verify", f"SELECT x FROM {name} WHERE FALSE;\n"),  # noqa: S608
        ):
            Path(kind).mkdir(exist_ok=True)
            Path(kind, f"{name}.sql").write_text(sql)
    return uri


@pytest.mark.parametrize("runner", ["driver", "client"])
def test_registry_lives_in_the_named_schema(
    server: str, database: str, runner: str, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = _project(server, database, registry="meta data", runner=runner)
    assert run(["deploy"]) == 0
    assert capsys.readouterr().out.startswith(f"Adding registry tables to {uri}\n")
    with pg_connect(server, database) as conn:
        rows = conn.execute(
            'SELECT e.event, e.tags, e.requires FROM "meta data".events e ORDER BY committed_at'
        ).fetchall()
        comment = conn.execute("SELECT obj_description('\"meta data\"'::regnamespace)").fetchone()
    assert rows == [("deploy", [], []), ("deploy", ["@v1"], ["a"])]
    assert comment == ("Sqitch database deployment metadata v1.1.",)
    assert run(["revert", "-y"]) == 0
    with pg_connect(server, database) as conn:
        reverted = conn.execute(
            'SELECT tags, requires FROM "meta data".events WHERE event = %s ORDER BY committed_at',
            ("revert",),
        ).fetchall()
    assert reverted == [(["@v1"], ["a"]), ([], [])]


@pytest.mark.skipif(not UPGRADABLE.exists(), reason="no shared pre-1.0 registry fixture")
@pytest.mark.parametrize("runner", ["driver", "client"])
def test_upgrades_a_pre_1_0_registry(
    server: str, database: str, runner: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(server, database, runner=runner)
    # The fixture is psql input; its empty releases table goes, as before 1.0.
    sql = UPGRADABLE.read_text(encoding="utf-8")
    sql = sql.replace(':"registry"', "sqitch").replace(":tableopts", "")
    with pg_connect(server, database) as conn:
        conn.execute(sql.encode())
        conn.execute("DROP TABLE sqitch.releases")
    assert run(["upgrade"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("  * From 0 to 1.0\n  * From 1.0 to 1.1\n"), out
    with pg_connect(server, database) as conn:
        versions = conn.execute("SELECT version FROM sqitch.releases ORDER BY 1").fetchall()
        keys = conn.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'sqitch.changes'::regclass"
            " AND contype = 'u'"
        ).fetchall()
    assert versions == [(1.0,), (1.1,)]
    assert keys == [("changes_project_script_hash_key",)]
    assert run(["upgrade"]) == 0
    assert capsys.readouterr().out.endswith("is up-to-date at version 1.1\n")


def test_lock_waits_in_the_server_then_times_out(
    server: str, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(server, database)
    holder = pg_connect(server, database)
    holder.execute("SELECT pg_advisory_lock(75474063)")
    try:
        assert run(["deploy", "--lock-timeout", "1"]) == 2
        captured = capsys.readouterr()
        assert "waiting 1 seconds..." in captured.out
        assert "Timed out waiting 1 seconds" in captured.err
        threading.Timer(0.3, holder.close).start()
        assert run(["deploy", "--lock-timeout", "10"]) == 0
    finally:
        holder.close()


def test_missing_database_and_refused_connection_are_one_line(
    server: str, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = scratch_name("sqlitch_absent")
    _project(server, absent)
    assert run(["status"]) == 2
    err = capsys.readouterr().err
    assert err.strip().endswith(f'FATAL:  database "{absent}" does not exist'), err
    assert "connection failed:" not in err and "Traceback" not in err
    Path("sqitch.conf").write_text(
        '[core]\n\tengine = pg\n[engine "pg"]\n\ttarget = db:pg://postgres@127.0.0.1:1/x\n'
    )
    assert run(["deploy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith('connection to server at "127.0.0.1", port 1 failed: Connection refused')


def test_not_a_registry_is_a_clean_error(
    server: str, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(server, database)
    with pg_connect(server, database) as conn:
        conn.execute("CREATE SCHEMA sqitch; CREATE TABLE sqitch.changes (nothing INTEGER)")
    assert run(["status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ERROR:  ") and "Traceback" not in err and "internal" not in err


def test_password_reaches_the_driver_not_psql(server: str, database: str) -> None:
    # Trust authentication ignores it; what matters is that it travels as a keyword.
    uri = with_password(uri_with_database(server, database), "s3cret")
    engine = engine_for(uri)
    conn = engine.connect()
    try:
        assert conn.info.password == "s3cret"
    finally:
        conn.close()
    assert "s3cret" not in " ".join(engine.client_command(Path("x.sql"), database))


def with_password(uri: str, password: str) -> str:
    head, _, rest = uri.partition("://")
    user, _, host = rest.rpartition("@")
    return f"{head}://{user or 'postgres'}:{password}@{host}"


def test_old_servers_get_create_schema_without_if_not_exists(
    server: str, database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []
    original = PgEngine.run_registry_script

    def spy(self: PgEngine, path: Path) -> None:
        seen.append(path.read_text(encoding="utf-8"))
        original(self, path)

    monkeypatch.setattr(PgEngine, "server_version", property(lambda self: 90200))
    monkeypatch.setattr(PgEngine, "run_registry_script", spy)
    _project(server, database)
    assert run(["deploy"]) == 0, capsys.readouterr()
    assert "CREATE SCHEMA :" in seen[0] and "IF NOT EXISTS" not in seen[0]


def test_yugabyte_skips_table_lock_and_lock_wait(
    server: str, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engine_for(uri_with_database(server, database))
    real = engine.connect

    def yugabyte(**extra: Any) -> Any:
        conn = real(**extra)
        info = conn.info

        class Info:
            def __getattr__(self, name: str) -> Any:
                return getattr(info, name)

            def parameter_status(self, name: str) -> str | None:
                return "11.2-YB-2.18.0.0-b0" if name == "server_version" else None

        monkeypatch.setattr(type(conn), "info", property(lambda self: Info()))
        return conn

    monkeypatch.setattr(engine, "connect", yugabyte)
    with engine:
        assert engine.wait_lock(0.1) is True
        assert engine.yugabyte
        assert engine.dialect.begin_statements == ("BEGIN",)


def test_driver_errors_outside_the_registry_read_as_libpq_writes_them() -> None:
    import psycopg

    engine = engine_for("db:pg://127.0.0.1/x")
    failure = engine.translate_error(psycopg.OperationalError("connection failed: boom"))
    assert failure is not None and failure.message == "boom"
    assert engine.translate_error(ValueError("not ours")) is None
