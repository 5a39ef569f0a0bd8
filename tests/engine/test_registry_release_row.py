"""The registry's release row commits with the script that creates (or
upgrades) the registry, where DDL is transactional.

Sqitch writes the row after the script has committed; a process killed in
between leaves tables without a version, which the next deploy cannot
upgrade. Here the process "dies" (an exception no handler catches) right
after the registry script: the registry must already hold its release.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
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

from sqlitch.cli.main import run
from sqlitch.engines.base import Engine, _before_last_commit

PLAN = """%syntax-version=1.0.0
%project=rel

a 2026-01-01T00:00:00Z Ann <ann@example.com> # a
"""


class Died(BaseException):
    """The process ending where it stands (no handler catches it)."""


@pytest.fixture
def project(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SQITCH_FULLNAME", "Ann")
    monkeypatch.setenv("SQITCH_EMAIL", "ann@example.com")
    (isolated_env / "sqitch.plan").write_text(PLAN)
    for kind in ("deploy", "revert"):
        (isolated_env / kind).mkdir()
    (isolated_env / "deploy" / "a.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    (isolated_env / "revert" / "a.sql").write_text("DROP TABLE a;\n")
    return isolated_env


def _die_after_registry_script(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Patch the engine; the function that takes the patch off again."""
    original = Engine._run_registry_sql

    def then_die(self: Engine, path: Path) -> None:
        original(self, path)
        raise Died

    monkeypatch.setattr(Engine, "_run_registry_sql", then_die)
    return lambda: monkeypatch.setattr(Engine, "_run_registry_sql", original)


def _conf(root: Path, engine: str, target: str) -> None:
    (root / "sqitch.conf").write_text(
        f'[core]\n\tengine = {engine}\n[engine "{engine}"]\n\ttarget = {target}\n'
    )


@pytest.mark.parametrize("runner", ["driver", "client"])
def test_sqlite_release_row_commits_with_the_registry_tables(
    project: Path, monkeypatch: pytest.MonkeyPatch, runner: str
) -> None:
    _conf(project, "sqlite", "db:sqlite:t.db")
    recover = _die_after_registry_script(monkeypatch)
    with pytest.raises(Died):
        run(["deploy", "--runner", runner])
    with sqlite3.connect(project / "sqitch.db") as conn:
        rows = conn.execute("SELECT version, installer_name FROM releases").fetchall()
        assert rows == [(1.1, "Ann")]
        assert conn.execute("SELECT COUNT(*) FROM changes").fetchone() == (0,)
    recover()
    assert run(["deploy", "--runner", runner]) == 0


@pytest.fixture
def pg_database() -> Iterator[tuple[str, str]]:
    server = require_server(PG_VAR)
    with pg_databases(server, prefix="sqlitch_rel") as names:
        yield server, names[0]


@pytest.mark.parametrize("runner", ["driver", "client"])
def test_pg_release_row_commits_with_the_registry_tables(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    pg_database: tuple[str, str],
    runner: str,
) -> None:
    server, database = pg_database
    _conf(project, "pg", uri_with_database(server, database))
    recover = _die_after_registry_script(monkeypatch)
    with pytest.raises(Died):
        run(["deploy", "--runner", runner])
    with pg_connect(server, database) as conn:
        rows = conn.execute("SELECT version, installer_name FROM sqitch.releases").fetchall()
        assert rows == [(1.1, "Ann")]
    recover()
    assert run(["deploy", "--runner", runner]) == 0


def test_mysql_release_row_follows_the_script(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DDL commits implicitly: nothing to fold the row into, written after (as Sqitch).
    server = require_server(MYSQL_VAR)
    with mysql_databases(server, 2, prefix="sqlitch_rel") as (target, registry):
        _conf(project, "mysql", uri_with_database(server, target))
        assert run(["deploy", "--registry", registry]) == 0
        conn = mysql_connect(server, registry)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT version FROM releases")
                assert [float(v) for (v,) in cur.fetchall()] == [1.1]
        finally:
            conn.close()


@pytest.mark.parametrize(
    ("sql", "expected", "folded"),
    [
        (
            "BEGIN;\nCREATE TABLE t (x);\nCOMMIT;\n",
            "BEGIN;\nCREATE TABLE t (x);\nX;\nCOMMIT;\n",
            True,
        ),
        ("BEGIN;\ncommit ;\n-- c\nCOMMIT;\n\n", "BEGIN;\ncommit ;\n-- c\nX;\nCOMMIT;\n\n", True),
        ("CREATE TABLE t (x);\n", "CREATE TABLE t (x);\n", False),
        ("BEGIN;\nCOMMIT;\nCREATE TABLE t (x);\n", "BEGIN;\nCOMMIT;\nCREATE TABLE t (x);\n", False),
    ],
)
def test_before_last_commit(sql: str, expected: str, folded: bool) -> None:
    assert _before_last_commit(sql, "X;\n") == (expected, folded)
