"""MySQL differences found by running Sqitch 1.3.1 and SQLitch side by side.

Each expected text below is what Sqitch 1.3.1 printed for the same project
on MariaDB 10.11 (with the driver runner, less the client's echo of the
failing statement and its ``"mysql" unexpectedly returned exit value 1``
line, as docs/PARITY.md describes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest
from tests.support.servers import (
    MYSQL_VAR,
    mysql_connect,
    mysql_databases,
    require_server,
    scratch_name,
    uri_with_database,
)

from sqlitch.cli.main import run
from sqlitch.engines.mysql import client_error_text, error_text

PLAN = """%syntax-version=1.0.0
%project=hunt

a 2026-01-01T00:00:00Z Marge N. O'Vera <marge@example.com> # Add a
b 2026-01-01T00:00:00Z Marge N. O'Vera <marge@example.com> # Add b
"""


# -- messages (no server) ------------------------------------------------------------
def test_an_unknown_host_is_worded_as_the_client_library_words_it() -> None:
    # Sqitch: `deploy db:mysql://root@nosuchhost.invalid/x` -> this line, exit 2.
    exc = pymysql.err.OperationalError(
        2003,
        "Can't connect to MySQL server on 'nosuchhost.invalid'"
        " ([Errno -2] Name or service not known)",
    )
    assert error_text(exc) == "Unknown server host 'nosuchhost.invalid' (-2)"
    refused = pymysql.err.OperationalError(
        2003, "Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)"
    )
    assert error_text(refused) == "Can't connect to server on '127.0.0.1' (111)"


def test_server_errors_at_connection_read_as_the_client_prints_them() -> None:
    exc = pymysql.err.OperationalError(1049, "Unknown database 'nosuch'", sqlstate="42000")
    assert client_error_text(exc) == "ERROR 1049 (42000): Unknown database 'nosuch'"
    refused = pymysql.err.OperationalError(
        2003, "Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)"
    )
    assert client_error_text(refused) == "Can't connect to server on '127.0.0.1' (111)"


# -- against the server ----------------------------------------------------------------
@pytest.fixture
def server() -> str:
    return require_server(MYSQL_VAR)


@pytest.fixture
def project(server: str, isolated_env: Path) -> Iterator[tuple[str, str]]:
    """Changes a and b (b's verify script fails); yields (target URI, registry)."""
    with mysql_databases(server, 1, prefix="sqlitch_hunt") as (database,):
        registry = scratch_name("sqlitch_hunt_r")
        (isolated_env / "sqitch.plan").write_text(PLAN)
        scripts = {
            "deploy": ("CREATE TABLE a (id INT);\n", "CREATE TABLE b (id INT);\n"),
            "revert": ("DROP TABLE a;\n", "DROP TABLE b;\n"),
            "verify": ("SELECT id FROM a WHERE 0;\n", "SELECT nope FROM b;\n"),
        }
        for kind, (a, b) in scripts.items():
            (isolated_env / kind).mkdir()
            (isolated_env / kind / "a.sql").write_text(a)
            (isolated_env / kind / "b.sql").write_text(b)
        try:
            yield uri_with_database(server, database), registry
        finally:
            mysql_connect(server).cursor().execute(f"DROP DATABASE IF EXISTS `{registry}`")


def write_config(uri: str, registry: str, runner: str = "driver") -> None:
    Path("sqitch.conf").write_text(
        f'[core]\n\tengine = mysql\n[engine "mysql"]\n\ttarget = {uri}\n'
        f"\tregistry = {registry}\n\trunner = {runner}\n"
        "[user]\n\tname = Marge N. O'Vera\n\temail = marge@example.com\n"
    )


VERIFY_ERROR = (
    "ERROR 1054 (42S22) at line 1 in file: 'verify/b.sql': Unknown column 'nope' in 'SELECT'\n"
)


def test_a_failing_verify_script_shows_the_error_with_the_driver(
    project: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(*project)
    assert run(["deploy", "--verify"]) == 2
    out, err = capsys.readouterr()
    assert out.endswith("  + a .. ok\n  + b .. not ok\n  - a .. ok\n")
    assert err == (
        VERIFY_ERROR
        + 'Verify script "verify/b.sql" failed.\nReverting all changes\nDeploy failed\n'
    )
    assert run(["deploy", "--no-verify"]) == 0
    capsys.readouterr()
    assert run(["verify"]) == 2
    out, err = capsys.readouterr()
    assert '  * b .. # Verify script "verify/b.sql" failed.\nnot ok\n' in out
    assert err == VERIFY_ERROR + "Verify failed\n"


def test_a_uri_without_a_database_warns_with_the_driver_too(
    server: str, project: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    uri = uri_with_database(server, "")
    write_config(uri, project[1])
    assert run(["deploy"]) == 2
    out, err = capsys.readouterr()
    assert out == f"Deploying changes to {uri}\n  + a .. not ok\n"
    assert err == (
        f'warning: Database name missing in URI "{uri}"\n'
        "ERROR 1046 (3D000) at line 1 in file: 'deploy/a.sql': No database selected\n"
        "Deploy failed\n"
    )


def test_an_unknown_target_database_is_the_clients_error_with_the_driver(
    server: str, project: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(uri_with_database(server, "sqlitch_hunt_nosuchdb"), project[1])
    assert run(["deploy"]) == 2
    assert (
        capsys.readouterr().err == "ERROR 1049 (42000): Unknown database 'sqlitch_hunt_nosuchdb'\n"
    )
