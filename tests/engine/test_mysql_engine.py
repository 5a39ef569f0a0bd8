"""The MySQL engine's own hooks: connection settings, the client's command line,
version checks, error texts; and, against the test server, what only a real
server shows (passwords through MYSQL_PWD, checkit() without privilege, bad
connections). The deploy workflow itself is in test_engine_contract.py.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymysql
import pytest
from tests.support.servers import (
    MYSQL_VAR,
    connection_params,
    mysql_connect,
    mysql_databases,
    require_server,
    scratch_name,
    uri_with_database,
)

from sqlitch.app import App, CoreOptions
from sqlitch.cli.main import run
from sqlitch.config import Config
from sqlitch.engines import load_engine
from sqlitch.engines.base import EngineOptions
from sqlitch.engines.mysql import (
    MysqlDialect,
    MysqlEngine,
    error_text,
    read_option_files,
    server_version,
)
from sqlitch.engines.registry import RegistryError
from sqlitch.errors import SqlitchError
from sqlitch.plan import Plan
from sqlitch.target import resolve_target

PLAN = """%syntax-version=1.0.0
%project=my

a 2026-01-01T00:00:00Z Marge N. O'Vera <marge@example.com> # add a
"""


def engine_for(uri: str, env: dict[str, str] | None = None, **options: Any) -> MysqlEngine:
    Path("sqitch.conf").write_text("[core]\n\tengine = mysql\n")
    config = Config.load()
    target = resolve_target(config, env or {}, name=uri)
    plan = Plan.new("my", file="sqitch.plan")
    engine = load_engine(target, plan, App(config, CoreOptions()), EngineOptions(**options))
    assert isinstance(engine, MysqlEngine)
    return engine


# -- connection settings -------------------------------------------------------------
def test_connection_parameters_come_from_the_uri() -> None:
    engine = engine_for("db:mysql://fred:s%40cret@db.example:3307/flipr?mysql_connect_timeout=5")
    params = engine.connect_params("sqitch")
    assert params["host"] == "db.example" and params["port"] == 3307
    assert (params["user"], params["password"]) == ("fred", "s@cret")
    assert params["database"] == "sqitch" and params["connect_timeout"] == 5
    assert params["autocommit"] is True
    assert engine.registry_destination() == (
        "db:mysql://fred:@db.example:3307/sqitch?mysql_connect_timeout=5"
    )


def test_environment_fills_what_the_uri_lacks() -> None:
    env = {
        "SQITCH_USERNAME": "envuser",
        "SQITCH_PASSWORD": "envpw",
        "MYSQL_HOST": "envhost",
        "MYSQL_TCP_PORT": "3310",
    }
    engine = engine_for("db:mysql:flipr", env)
    params = engine.connect_params(None)
    assert (params["user"], params["password"]) == ("envuser", "envpw")
    assert (params["host"], params["port"]) == ("envhost", 3310)
    # The URI's own host and port win over MYSQL_HOST/MYSQL_TCP_PORT.
    params = engine_for("db:mysql://h:1/flipr", env).connect_params(None)
    assert (params["host"], params["port"]) == ("h", 1)


def test_password_from_mysql_pwd_and_option_files(
    monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    home = Path(os.environ["HOME"])
    (home / ".my.cnf").write_text(
        "[client]\nuser = cnfuser\npassword = 'cnf pw'\n[mysqld]\nuser = mysql\n"
    )
    assert read_option_files()["user"] == "cnfuser"
    engine = engine_for("db:mysql://127.0.0.1/flipr")
    assert (engine.username, engine.password) == ("cnfuser", "cnf pw")
    monkeypatch.setenv("MYSQL_PWD", "from-env")
    assert engine_for("db:mysql://127.0.0.1/flipr").password == "from-env"


def test_query_parameters_reach_driver_and_client() -> None:
    uri = (
        "db:mysql://root@127.0.0.1/flipr?mysql_ssl=1&mysql_ssl_ca_file=/ca.pem"
        "&mysql_compression=1&mysql_init_command=SET+@x%3D1&mysql_socket=/s.sock&other=1"
    )
    engine = engine_for(uri)
    params = engine.connect_params("flipr")
    assert params["ssl"] == {"ca": "/ca.pem"}
    assert params["compress"] is True and params["init_command"] == "SET @x=1"
    argv = engine.client_command(Path("deploy/a.sql"), "flipr")
    for flag in ("--ssl", "--compress"):
        assert flag in argv
    assert argv[argv.index("--ssl-ca") + 1] == "/ca.pem"
    assert argv[argv.index("--init-command") + 1] == "SET @x=1"
    assert argv[argv.index("--socket") + 1] == "/s.sock"


def test_client_command_is_sqitchs_without_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sqlitch.engines.mysql._aborts_on_error", lambda client: True)
    engine = engine_for(
        "db:mysql://fred:secret@db.example:3307/flipr", variables={"who": "it's", 'q"k': "v"}
    )
    argv = engine.client_command(Path("deploy/a.sql"), "flipr")
    assert argv == [
        "mysql",
        "--user",
        "fred",
        "--database",
        "flipr",
        "--host",
        "db.example",
        "--port",
        "3307",
        "--skip-pager",
        "--silent",
        "--skip-column-names",
        "--skip-line-numbers",
        "--abort-source-on-error",
        "--execute",
        "SET @\"q\"\"k\" = 'v', @\"who\" = 'it''s';\nsource deploy/a.sql",
    ]
    assert not any("secret" in arg for arg in argv)
    assert engine.client_env() == {"MYSQL_PWD": "secret"}


def test_a_uri_without_database_warns_once_and_omits_it(capsys: pytest.CaptureFixture[str]) -> None:
    engine = engine_for("db:mysql://root@127.0.0.1")
    for _ in range(2):
        argv = engine.client_command(Path("deploy/a.sql"), engine.target_database)
        assert "--database" not in argv
    assert (
        capsys.readouterr().err
        == 'warning: Database name missing in URI "db:mysql://root@127.0.0.1"\n'
    )
    assert engine.lock_name == "sqitch working on "


# -- small pieces ----------------------------------------------------------------------
def test_server_versions() -> None:
    assert server_version("10.11.19-MariaDB-0+deb12u1") == (True, 101119)
    assert server_version("8.0.36") == (False, 80036)
    assert server_version("5.1") == (False, 50100)


def test_error_texts_read_like_the_c_client() -> None:
    refused = pymysql.err.OperationalError(
        2003, "Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)"
    )
    assert error_text(refused) == "Can't connect to server on '127.0.0.1' (111)"
    missing = pymysql.err.ProgrammingError(1146, "Table 'x.y' doesn't exist")
    assert error_text(missing) == "Table 'x.y' doesn't exist"
    assert error_text(ValueError("plain")) == "plain"
    dialect = MysqlDialect()
    assert dialect.is_missing_table(missing)
    assert dialect.is_missing_table(pymysql.err.OperationalError(1049, "Unknown database 'x'"))
    assert dialect.is_missing_column(pymysql.err.OperationalError(1054, "Unknown column"))
    assert not dialect.is_missing_table(refused)


def test_old_servers_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    class Old:
        def get_server_info(self) -> str:
            return "5.0.96-log"

    engine = engine_for("db:mysql://127.0.0.1/flipr")
    with pytest.raises(SqlitchError, match=r"^Sqitch requires MySQL 5\.1\.0 or higher; this is"):
        engine.check_version(Old())


# -- against the server --------------------------------------------------------------
@pytest.fixture
def server() -> str:
    return require_server(MYSQL_VAR)


@pytest.fixture
def project(server: str, isolated_env: Path) -> Iterator[tuple[str, str]]:
    """A project on a fresh target database; yields (target URI, registry name)."""
    with mysql_databases(server, 1) as (database,):
        registry = scratch_name("sqlitch_r")
        (isolated_env / "sqitch.plan").write_text(PLAN)
        for kind, sql in (("deploy", "CREATE TABLE a (x INT);\n"), ("revert", "DROP TABLE a;\n")):
            (isolated_env / kind).mkdir()
            (isolated_env / kind / "a.sql").write_text(sql)
        try:
            yield uri_with_database(server, database), registry
        finally:
            mysql_connect(server).cursor().execute(f"DROP DATABASE IF EXISTS `{registry}`")


def write_config(uri: str, registry: str, runner: str) -> None:
    Path("sqitch.conf").write_text(
        f'[core]\n\tengine = mysql\n[engine "mysql"]\n\ttarget = {uri}\n'
        f"\tregistry = {registry}\n\trunner = {runner}\n"
    )


@pytest.fixture
def password_user(server: str, project: tuple[str, str]) -> Iterator[str]:
    """A user with a password and rights on the project's databases; yields its URI."""
    uri, registry = project
    name, password = scratch_name("sq_u")[:32], "pw;with'quote"
    database = uri.rsplit("/", 1)[1]
    conn = mysql_connect(server)
    with conn.cursor() as cur:
        cur.execute("CREATE USER %s@'%%' IDENTIFIED BY %s", (name, password))
        cur.execute("CREATE USER %s@'localhost' IDENTIFIED BY %s", (name, password))
        for db in (database, registry):
            for host in ("%", "localhost"):
                cur.execute(f"GRANT ALL ON `{db}`.* TO %s@%s", (name, host))
    params = connection_params(server)
    from urllib.parse import quote

    try:
        yield (
            f"db:mysql://{name}:{quote(password, safe='')}@{params['host']}:"
            f"{params['port'] or 3306}/{database}"
        )
    finally:
        with conn.cursor() as cur:
            for host in ("%", "localhost"):
                cur.execute("DROP USER IF EXISTS %s@%s", (name, host))
        conn.close()


@pytest.mark.parametrize("runner", ["client", "driver"])
def test_a_password_works_and_never_reaches_a_command_line(
    runner: str,
    project: tuple[str, str],
    password_user: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if runner == "client" and not _has_client():
        pytest.skip("no mysql client")
    write_config(password_user, project[1], runner)
    seen: list[list[str]] = []
    real_run = subprocess.run

    def spy(argv: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append([str(a) for a in argv])
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    assert run(["deploy"]) == 0, capsys.readouterr()
    out, err = capsys.readouterr()
    assert "  + a .. ok" in out
    assert "pw;with" not in out + err + repr(seen)
    if runner == "client":
        assert any("--execute" in argv for argv in seen)


def refuse_checkit(monkeypatch: pytest.MonkeyPatch, code: int, message: str) -> None:
    """Make creating checkit() fail with server error ``code``."""
    from sqlitch.engines import registry as registry_module

    original = registry_module.Registry.execute

    def execute(self: Any, text: str, params: Any = ()) -> Any:
        if text.startswith("CREATE FUNCTION checkit"):
            cause = pymysql.err.OperationalError(code, message)
            raise RegistryError(message, ident="mysql") from cause
        return original(self, text, params)

    monkeypatch.setattr(registry_module.Registry, "execute", execute)


def test_checkit_is_skipped_without_the_privilege(
    project: tuple[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(project[0], project[1], "driver")
    refuse_checkit(monkeypatch, 1419, "You do not have the SUPER privilege")
    assert run(["deploy"]) == 0
    out, err = capsys.readouterr()
    assert err == "warning: Insufficient permissions to create the checkit() function; skipping.\n"
    assert "  + a .. ok" in out


def test_checkit_exists_after_a_normal_deploy(server: str, project: tuple[str, str]) -> None:
    write_config(project[0], project[1], "driver")
    assert run(["deploy"]) == 0
    conn = mysql_connect(server, project[1])
    with conn.cursor() as cur:
        cur.execute("SELECT checkit(1, 'no')")
        assert cur.fetchone() == (1,)
        with pytest.raises(pymysql.err.MySQLError, match="boom"):
            cur.execute("SELECT checkit(0, 'boom')")
    conn.close()


def test_unreachable_server_and_bad_login_are_one_line_errors(
    project: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_config("db:mysql://root@127.0.0.1:1/x", project[1], "driver")
    assert run(["status"]) == 2
    out, err = capsys.readouterr()
    assert out == "# On database db:mysql://root@127.0.0.1:1/x\n"
    assert err == "Can't connect to server on '127.0.0.1' (111)\n"
    uri = project[0].replace("//root@", "//nosuchuser@")
    write_config(uri, project[1], "driver")
    assert run(["deploy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Access denied for user 'nosuchuser'@") and err.count("\n") == 1


def test_status_and_log_without_a_registry(
    project: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(project[0], project[1], "driver")
    assert run(["status"]) == 1
    assert capsys.readouterr().out.endswith("No changes deployed\n")
    assert run(["log"]) == 1
    registry = project[0].rsplit("/", 1)[0] + "/" + project[1]
    assert capsys.readouterr().out == f"Database {registry} has not been initialized for Sqitch\n"


def _has_client() -> bool:
    import shutil

    return shutil.which("mysql") is not None


# -- the client's version and old servers ------------------------------------------------
@pytest.mark.parametrize(
    ("version", "aborts"),
    [
        ("mysql  Ver 15.1 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)", True),
        ("mariadb from 11.4.2-MariaDB, client 15.2 for Linux (x86_64)", True),
        # Sqitch reads the number after "Ver": the client's own, 14.14 here.
        ("mysql  Ver 14.14 Distrib 5.5.65-MariaDB, for Linux", True),
        ("mysql  Ver 5.5.65-MariaDB, for Linux", False),
        ("mysql  Ver 5.5.66-MariaDB, for Linux", True),
        ("mysql  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)", False),
        ("", False),
    ],
)
def test_only_mariadb_clients_get_abort_source_on_error(
    tmp_path: Path, version: str, aborts: bool
) -> None:
    from sqlitch.engines.mysql import _aborts_on_error

    client = tmp_path / "client"
    client.write_text(f"#!/bin/sh\necho '{version}'\n")
    client.chmod(0o755)
    assert _aborts_on_error(str(client)) is aborts
    assert _aborts_on_error(str(tmp_path / "missing")) is False


def test_an_old_server_gets_whole_seconds(
    project: tuple[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """MySQL before 5.6.4 has no fractional seconds: Sqitch strips DATETIME(6)
    from the registry and waits for the next second before each record."""
    monkeypatch.setattr("sqlitch.engines.mysql.server_version", lambda info: (False, 50505))
    write_config(project[0], project[1], "driver")
    assert run(["deploy"]) == 0, capsys.readouterr()
    conn = mysql_connect(require_server(MYSQL_VAR), project[1])
    with conn.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT DATETIME_PRECISION FROM information_schema.columns"
            " WHERE table_schema = %s AND data_type = 'datetime'",
            (project[1],),
        )
        assert cur.fetchall() == ((0,),)
        cur.execute("SELECT COUNT(*) FROM events")
        assert cur.fetchone() == (1,)
    conn.close()
    assert run(["revert", "-y"]) == 0


def test_a_failed_checkit_for_another_reason_stops_the_deploy(
    project: tuple[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(project[0], project[1], "driver")
    refuse_checkit(monkeypatch, 1044, "Access denied to database")
    assert run(["deploy"]) == 2
    assert capsys.readouterr().err == "Access denied to database\n"


def test_an_unknown_target_database_fails_where_sqitch_fails(
    server: str, project: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(uri_with_database(server, "sqlitch_no_such_db"), project[1], "driver")
    assert run(["deploy"]) == 2
    # The client's wording: Sqitch creates the registry database with the client.
    assert capsys.readouterr().err == "ERROR 1049 (42000): Unknown database 'sqlitch_no_such_db'\n"


def test_the_lock_waits_on_the_server(
    server: str, project: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(project[0], project[1], "driver")
    assert run(["deploy"]) == 0
    config = Config.load()
    engine = load_engine(resolve_target(config), Plan.new("my"), App(config, CoreOptions()))
    assert isinstance(engine, MysqlEngine)
    holder = mysql_connect(server)
    with holder.cursor() as cur:
        cur.execute("SELECT GET_LOCK(%s, 0)", (engine.lock_name,))
    try:
        assert engine.try_lock() is False
        assert engine.wait_lock(0.2) is False
    finally:
        holder.close()
    assert engine.wait_lock(1) is True
    engine.close()
