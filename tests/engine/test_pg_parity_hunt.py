"""PostgreSQL discrepancies found by running Sqitch 1.3.1 and SQLitch side by
side (the expected texts are Sqitch's, as it printed them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.servers import PG_VAR, pg_databases, require_server, uri_with_database

from sqlitch.cli.main import run

PLAN = """%syntax-version=1.0.0
%project=hunt

a 2026-01-01T00:00:00Z Tester <t@example.com> # add a
b 2026-01-01T00:00:00Z Tester <t@example.com> # add b
"""


@pytest.fixture
def uri(isolated_env: Path) -> Iterator[str]:
    server = require_server(PG_VAR)
    with pg_databases(server, 1, prefix="sqlitch_hunt") as (name,):
        yield uri_with_database(server, name)


def _project(uri: str, runner: str) -> None:
    Path("sqitch.conf").write_text(
        f'[core]\n\tengine = pg\n[engine "pg"]\n\ttarget = {uri}\n\trunner = {runner}\n'
        "[user]\n\tname = Tester\n\temail = t@example.com\n"
    )
    Path("sqitch.plan").write_text(PLAN)
    scripts = {
        "a": ("CREATE TABLE a (x INTEGER);\n", "DROP TABLE a;\n", "SELECT nosuch FROM a;\n"),
        "b": ("CREATE TABLE b (x INTEGER);\n", "DROP TABLE b;\n", "SELECT 1/0;\n"),
    }
    for name, texts in scripts.items():
        for kind, sql in zip(("deploy", "revert", "verify"), texts, strict=True):
            Path(kind).mkdir(exist_ok=True)
            Path(kind, f"{name}.sql").write_text(sql)


@pytest.mark.parametrize("runner", ["driver", "client"])
def test_failing_verify_scripts_print_psqls_error(
    uri: str, runner: str, capfd: pytest.CaptureFixture[str]
) -> None:
    # Sqitch: psql writes each verify script's error to stderr, then the
    # report says which script failed.
    _project(uri, runner)
    assert run(["deploy"]) == 0
    capfd.readouterr()
    assert run(["verify"]) == 2
    out, err = capfd.readouterr()
    assert out == (
        f"Verifying {uri}\n"
        '  * a .. # Verify script "verify/a.sql" failed.\n'
        "not ok\n"
        '  * b .. # Verify script "verify/b.sql" failed.\n'
        "not ok\n"
        "\n"
        "Verify Summary Report\n"
        "---------------------\n"
        "Changes: 2\n"
        "Errors:  2\n"
    )
    assert err == (
        'psql:verify/a.sql:1: ERROR:  column "nosuch" does not exist\n'
        "LINE 1: SELECT nosuch FROM a;\n"
        "               ^\n"
        "psql:verify/b.sql:1: ERROR:  division by zero\n"
        "Verify failed\n"
    )


@pytest.mark.parametrize("runner", ["driver", "client"])
def test_deploy_with_a_failing_verify_prints_psqls_error(
    uri: str, runner: str, capfd: pytest.CaptureFixture[str]
) -> None:
    _project(uri, runner)
    assert run(["deploy", "--verify"]) == 2
    out, err = capfd.readouterr()
    assert out == f"Adding registry tables to {uri}\nDeploying changes to {uri}\n  + a .. not ok\n"
    assert err == (
        'psql:verify/a.sql:1: ERROR:  column "nosuch" does not exist\n'
        "LINE 1: SELECT nosuch FROM a;\n"
        "               ^\n"
        'Verify script "verify/a.sql" failed.\n'
        "Deploy failed\n"
    )


def test_an_unresolvable_host_reads_as_libpq_writes_it() -> None:
    # psycopg resolves host names itself; Sqitch (DBD::Pg, libpq) printed:
    import psycopg

    from sqlitch.engines.pg import error_text

    exc = psycopg.OperationalError(
        "failed to resolve host 'nosuchhost.invalid': [Errno -2] Name or service not known"
    )
    assert error_text(exc) == (
        'could not translate host name "nosuchhost.invalid" to address: Name or service not known'
    )


def test_an_unresolvable_host_in_a_command(
    isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("sqitch.conf").write_text("[core]\n\tengine = pg\n")
    Path("sqitch.plan").write_text(PLAN)
    assert run(["status", "db:pg://postgres@nosuchhost.invalid/x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith('could not translate host name "nosuchhost.invalid" to address: '), err


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Sqitch printed the line once, no blank line after it.
        ("nosuchparam=1", 'invalid connection option "nosuchparam"\n'),
        # Without psycopg's "connection is bad: " prefix.
        ("sslmode=bogus", 'invalid sslmode value: "bogus"\n'),
    ],
)
def test_bad_connection_options_read_as_dbd_pg_writes_them(
    isolated_env: Path, capsys: pytest.CaptureFixture[str], query: str, expected: str
) -> None:
    Path("sqitch.conf").write_text("[core]\n\tengine = pg\n")
    Path("sqitch.plan").write_text(PLAN)
    assert run(["deploy", f"db:pg://postgres@127.0.0.1:1/x?{query}"]) == 2
    assert capsys.readouterr().err == expected


@pytest.mark.parametrize("command", [["revert", "-y"], ["verify"]])
def test_a_release_1_0_registry_prints_as_postgresql_writes_it(
    uri: str, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    # Sqitch prints the release as its query's ::TEXT gives it: "1", not "1.0".
    from tests.support.servers import pg_connect

    _project(uri, "driver")
    assert run(["deploy", "--to", "a"]) == 0
    database = uri.rsplit("/", 1)[1]
    with pg_connect(require_server(PG_VAR), database) as conn:
        conn.execute("UPDATE sqitch.releases SET version = 1.0")
    capsys.readouterr()
    assert run(command) == 2
    assert capsys.readouterr().err == (
        'Registry is at version 1 but latest is 1.1. Please run the "upgrade" command\n'
    )
