"""-v, -vv and -vvv: SQLitch's diagnostic lines on stderr, Sqitch's output
untouched, and never a password."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from tests.support.servers import (
    MYSQL_VAR,
    PG_VAR,
    mysql_databases,
    pg_databases,
    require_server,
    uri_with_database,
)

from sqlitch.cli.main import run
from sqlitch.engines.runners import command_line
from sqlitch.services.diagnostics import DIAGNOSTIC_LINE, redact

Capture = pytest.CaptureFixture[str]
PLAN = (
    "%syntax-version=1.0.0\n%project=flipr\n\n"
    "a 2026-01-01T00:00:00Z Marge <marge@example.com> # a\n"
    "b [a] 2026-01-01T00:00:01Z Marge <marge@example.com> # b\n"
)


def write_project(uri: str, *, runner: str = "driver", registry: str | None = None) -> None:
    engine = uri.split(":")[1]
    extra = f"\tregistry = {registry}\n" if registry else ""
    Path("sqitch.conf").write_text(
        f'[core]\n\tengine = {engine}\n[engine "{engine}"]\n\ttarget = {uri}\n'
        f"\trunner = {runner}\n{extra}[user]\n\tname = Marge\n\temail = marge@example.com\n"
    )
    Path("sqitch.plan").write_text(PLAN)
    for name in "ab":
        for kind, sql in (
            ("deploy", f"CREATE TABLE {name} (x INTEGER);\n"),
            ("revert", f"DROP TABLE {name};\n"),
            ("verify", f"SELECT x FROM {name} WHERE 1 = 0;\n"),  # noqa: S608
        ):
            Path(kind).mkdir(exist_ok=True)
            Path(kind, f"{name}.sql").write_text(sql)


def fresh() -> None:
    for name in ("flipr.db", "sqitch.db"):
        Path(name).unlink(missing_ok=True)


def lines(err: str, topic: str) -> list[str]:
    prefix = f"sqlitch: {topic}: "
    return [line[len(prefix) :] for line in err.splitlines() if line.startswith(prefix)]


def test_v_describes_the_connection_and_leaves_the_output(capsys: Capture) -> None:
    write_project("db:sqlite:flipr.db")
    assert run(["deploy"]) == 0
    plain = capsys.readouterr()
    assert plain.err == ""
    fresh()
    assert run(["-v", "deploy"]) == 0
    verbose = capsys.readouterr()
    assert verbose.out == plain.out  # Sqitch's -v is its default verbosity
    assert DIAGNOSTIC_LINE.sub("", verbose.err) == ""
    assert lines(verbose.err, "config") == [str(Path("sqitch.conf").resolve())]
    assert lines(verbose.err, "target") == ["db:sqlite:flipr.db"]
    assert lines(verbose.err, "engine") == ["SQLite (sqlite)"]
    assert lines(verbose.err, "plan") == ["sqitch.plan"]
    assert lines(verbose.err, "registry") == ["sqitch in db:sqlite:sqitch.db"]
    (runner,) = lines(verbose.err, "runner")
    assert runner.startswith("driver (in-process); client sqlite3: ")
    assert lines(verbose.err, "script") == []  # -vv


def test_vv_adds_each_script_and_its_time_after_its_change(capsys: Capture) -> None:
    write_project("db:sqlite:flipr.db")
    assert run(["-vv", "deploy", "--verify"]) == 0
    captured = capsys.readouterr()
    # Sqitch's own -vv lines are where Sqitch prints them.
    assert captured.out == (
        "Adding registry tables to db:sqlite:sqitch.db\n"
        "Deploying changes to db:sqlite:flipr.db\n"
        "debug: Will deploy the following changes:\ndebug: a\ndebug: b\n"
        "  + a .. ok\n  + b .. ok\n"
    )
    scripts = lines(captured.err, "script")
    assert [s.split(" (")[0] for s in scripts] == [
        "deploy/a.sql",
        "verify/a.sql",
        "deploy/b.sql",
        "verify/b.sql",
    ]
    assert all(re.fullmatch(r"\S+ \(\d+\.\d{3} s\)", s) for s in scripts)
    assert lines(captured.err, "sql") == []  # -vvv
    assert run(["-vv", "status"]) == 0
    err = capsys.readouterr().err
    assert lines(err, "target") == ["db:sqlite:flipr.db"] and lines(err, "runner") == []


def test_vvv_shows_the_sql_the_driver_sends(capsys: Capture) -> None:
    write_project("db:sqlite:flipr.db")
    assert run(["-vvv", "deploy"]) == 0
    captured = capsys.readouterr()
    assert lines(captured.err, "sql") == [
        "CREATE TABLE a (x INTEGER);",
        "CREATE TABLE b (x INTEGER);",
    ]
    assert "  + a .. ok\n" in captured.out


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 client")
def test_vvv_shows_the_client_command_lines(capsys: Capture) -> None:
    write_project("db:sqlite:flipr.db", runner="client")
    assert run(["-vvv", "deploy"]) == 0
    captured = capsys.readouterr()
    assert lines(captured.err, "exec") == [
        f"sqlite3 -noheader -bail -batch -csv flipr.db '.read '\"'\"'deploy/{name}.sql'\"'\"''"
        for name in "ab"
    ]
    # A change's line waits for its "ok": the trace starts a line of its own.
    assert "\nsqlitch: exec: " in captured.err


def test_redact_hides_passwords() -> None:
    assert redact("db:pg://marge:s3cr3t@db.example.com/flipr") == (
        "db:pg://marge:****@db.example.com/flipr"
    )
    assert redact("host=h password=s3cr3t user=marge") == "host=h password=**** user=marge"
    assert redact("dbname='x' password='a b\\'c' port=1") == "dbname='x' password=**** port=1"
    assert (
        redact("db:mysql://root@h/x?password=pw&ssl=1") == "db:mysql://root@h/x?password=****&ssl=1"
    )
    assert redact("it is hunter22 here", "hunter22") == "it is **** here"
    assert redact("a b c", "a") == "a b c"  # too short to find by itself
    assert command_line(["psql", "--file", "a b.sql"], {"PGPASSWORD": "x"}) == (
        "PGPASSWORD=**** psql --file 'a b.sql'"
    )


def _password_uri(uri: str, password: str) -> str:
    head, _, rest = uri.partition("://")
    user, _, host = rest.rpartition("@")
    name = user.split(":")[0] or "root"
    return f"{head}://{name}:{password}@{host}"


@pytest.mark.parametrize("runner", ["client", "driver"])
def test_no_password_on_pg(runner: str, capsys: Capture) -> None:
    server = require_server(PG_VAR)
    if runner == "client" and shutil.which("psql") is None:
        pytest.skip("no psql")
    with pg_databases(server, 1) as (database,):
        # Trust authentication ignores the password: it only has to stay hidden.
        write_project(
            _password_uri(uri_with_database(server, database), "Pw-s3cr3t"), runner=runner
        )
        assert run(["-vvv", "deploy"]) == 0, capsys.readouterr()
        captured = capsys.readouterr()
    assert "Pw-s3cr3t" not in captured.out + captured.err
    (target,) = lines(captured.err, "target")
    assert target.startswith("db:pg://postgres:@")  # Sqitch's name: the URI without it
    if runner == "client":
        execs = lines(captured.err, "exec")
        assert len(execs) == 2 and all(e.startswith("PGPASSWORD=**** psql ") for e in execs)
    else:
        assert "CREATE TABLE a (x INTEGER);" in lines(captured.err, "sql")


@pytest.mark.parametrize("runner", ["client", "driver"])
def test_no_password_on_mysql(runner: str, capsys: Capture) -> None:
    server = require_server(MYSQL_VAR)
    if runner == "client" and shutil.which("mysql") is None:
        pytest.skip("no mysql client")
    with mysql_databases(server, 2) as (database, registry):
        uri = _password_uri(uri_with_database(server, database), "Pw-s3cr3t")
        write_project(uri, runner=runner, registry=registry)
        code = run(["-vvv", "deploy"])
        captured = capsys.readouterr()
    assert "Pw-s3cr3t" not in captured.out + captured.err
    # The server may refuse the made-up password; nothing may show it either way.
    if code == 0 and runner == "client":
        execs = lines(captured.err, "exec")
        assert execs and all(e.startswith("MYSQL_PWD=**** mysql ") for e in execs)
