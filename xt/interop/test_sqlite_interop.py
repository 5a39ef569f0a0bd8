"""Sqitch and SQLitch take turns on one SQLite project, in both directions.

Each tool must accept the registry the other wrote, and a mixed run must
leave exactly the registry (and target database) a Sqitch-only run leaves:
same projects, change and tag IDs, script hashes, dependencies and event
sequence; only clock values are masked (tests/support/sqlite_dump).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.support.sqlite_dump import dump_database

from xt.conftest import Tools
from xt.interop import turns

TARGET = "db:sqlite:flipr.db"

CONF = "[core]\n\tengine = sqlite\n"
SCRIPTS = {
    "deploy/users.sql": "CREATE TABLE users (name TEXT PRIMARY KEY);\n",
    "revert/users.sql": "DROP TABLE users;\n",
    "verify/users.sql": "SELECT name FROM users WHERE 0;\n",
    "deploy/flips.sql": "CREATE TABLE flips (id INTEGER PRIMARY KEY, body TEXT);\n",
    "revert/flips.sql": "DROP TABLE flips;\n",
    "verify/flips.sql": "SELECT id, body FROM flips WHERE 0;\n",
    "deploy/likes.sql": "CREATE TABLE likes (flip INTEGER, name TEXT);\n",
    "revert/likes.sql": "DROP TABLE likes;\n",
    "verify/likes.sql": "SELECT flip, name FROM likes WHERE 0;\n",
}

MakeTools = Callable[[str], Tools]
RUNNERS = ["driver", "client"]


class Project:
    """The SQLite project in one tools layout (target and registry files in it)."""

    uri = TARGET

    def __init__(self, tools: Tools) -> None:
        self.tools = tools
        turns.write_project(tools, CONF, SCRIPTS)

    def snapshot(self) -> dict[str, str]:
        project = self.tools.project
        return {name: dump_database(project / name) for name in ("sqitch.db", "flipr.db")}


@pytest.fixture
def make_project(make_tools: MakeTools) -> Callable[[str], Project]:
    return lambda name: Project(make_tools(name))


@pytest.mark.parametrize("runner", RUNNERS)
def test_sqlitch_continues_a_sqitch_deployment(
    make_project: Callable[[str], Project], runner: str
) -> None:
    turns.sqlitch_continues_sqitch(make_project, runner)


@pytest.mark.parametrize("runner", RUNNERS)
def test_sqitch_continues_a_sqlitch_deployment(
    make_project: Callable[[str], Project], runner: str
) -> None:
    turns.sqitch_continues_sqlitch(make_project, runner)


def test_sqlitch_only_run_matches_sqitch_only_run(make_project: Callable[[str], Project]) -> None:
    """The baseline of both mixed tests: SQLitch alone leaves Sqitch's rows."""
    project = make_project("sqlitch-only")
    project.tools.run_sqlitch("deploy", "--to", "flips", TARGET)
    project.tools.run_sqlitch("deploy", TARGET)
    project.tools.run_sqlitch("revert", "-y", "--to", "users", TARGET)
    assert project.snapshot() == turns.sqitch_only(make_project)


def test_sqlitch_upgrades_a_registry_sqitch_then_uses(make_tools: MakeTools) -> None:
    """A pre-1.0 registry upgraded by SQLitch is one Sqitch deploys into."""
    import sqlite3

    fixture = (
        Path(__file__).resolve().parents[3]
        / "shared"
        / "sqitch-fixtures"
        / "upgradable_registries"
        / "sqlite.sql"
    )
    if not fixture.exists():
        pytest.skip(f"{fixture} not found")
    tools = Project(make_tools("upgraded")).tools
    conn = sqlite3.connect(tools.project / "sqitch.db", isolation_level=None)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.execute("DROP TABLE releases")
    conn.close()
    done = tools.run_sqlitch("upgrade", TARGET)
    assert done.stdout.endswith("  * From 0 to 1.0\n  * From 1.0 to 1.1\n")
    tools.run_sqitch("deploy", TARGET)
    done = tools.run_sqitch("upgrade", TARGET)
    assert done.stdout == "Registry db:sqlite:sqitch.db is up-to-date at version 1.1\n"
