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

TARGET = "db:sqlite:flipr.db"

CONF = "[core]\n\tengine = sqlite\n"
PLAN = """\
%syntax-version=1.0.0
%project=flipr
%uri=https://example.com/flipr

users 2025-12-01T10:00:00Z Ann Example <ann@example.com> # Users table
flips [users] 2025-12-01T10:05:00Z Ann Example <ann@example.com> # Flips
@v1 2025-12-01T10:06:00Z Ann Example <ann@example.com> # First release
likes [users flips] 2025-12-01T10:10:00Z Ann Example <ann@example.com> # Likes
"""
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


def _project(tools: Tools) -> Tools:
    files = {"sqitch.conf": CONF, "sqitch.plan": PLAN, **SCRIPTS}
    for name, text in files.items():
        path = tools.project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tools


def _dumps(tools: Tools) -> dict[str, str]:
    return {name: dump_database(tools.project / name) for name in ("sqitch.db", "flipr.db")}


def _assert_same_dumps(expected: dict[str, str], actual: dict[str, str]) -> None:
    for name in expected:
        assert actual[name] == expected[name], f"{name} differs from the Sqitch-only run"


def _sqitch_only(make_tools: MakeTools) -> dict[str, str]:
    """deploy --to flips, deploy, revert --to users: all by Sqitch."""
    tools = _project(make_tools("sqitch-only"))
    tools.run_sqitch("deploy", "--to", "flips", TARGET)
    tools.run_sqitch("deploy", TARGET)
    tools.run_sqitch("revert", "-y", "--to", "users", TARGET)
    return _dumps(tools)


@pytest.mark.parametrize("runner", RUNNERS)
def test_sqlitch_continues_a_sqitch_deployment(make_tools: MakeTools, runner: str) -> None:
    tools = _project(make_tools("mixed"))
    tools.run_sqitch("deploy", "--to", "flips", TARGET)

    ours = tools.run_sqlitch("status", TARGET)
    theirs = tools.run_sqitch("status", TARGET)
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode,
        theirs.stdout,
        theirs.stderr,
    )
    assert "likes" in ours.stdout  # the undeployed change is listed

    tools.run_sqlitch("deploy", "--runner", runner, TARGET)
    ours = tools.run_sqlitch("verify", "--runner", runner, TARGET)
    theirs = tools.run_sqitch("verify", TARGET)
    assert ours.stdout == theirs.stdout
    assert ours.returncode == theirs.returncode == 0

    tools.run_sqlitch("revert", "--runner", runner, "-y", "--to", "users", TARGET)
    _assert_same_dumps(_sqitch_only(make_tools), _dumps(tools))


@pytest.mark.parametrize("runner", RUNNERS)
def test_sqitch_continues_a_sqlitch_deployment(make_tools: MakeTools, runner: str) -> None:
    tools = _project(make_tools("mixed"))
    tools.run_sqlitch("deploy", "--runner", runner, "--to", "flips", TARGET)

    theirs = tools.run_sqitch("status", TARGET)
    ours = tools.run_sqlitch("status", TARGET)
    assert (theirs.returncode, theirs.stdout, theirs.stderr) == (
        ours.returncode,
        ours.stdout,
        ours.stderr,
    )
    theirs = tools.run_sqitch("verify", TARGET)
    assert theirs.returncode == 0

    tools.run_sqitch("deploy", TARGET)
    tools.run_sqitch("revert", "-y", "--to", "users", TARGET)
    _assert_same_dumps(_sqitch_only(make_tools), _dumps(tools))


def test_sqlitch_only_run_matches_sqitch_only_run(make_tools: MakeTools) -> None:
    """The baseline of both mixed tests: SQLitch alone leaves Sqitch's rows."""
    tools = _project(make_tools("sqlitch-only"))
    tools.run_sqlitch("deploy", "--to", "flips", TARGET)
    tools.run_sqlitch("deploy", TARGET)
    tools.run_sqlitch("revert", "-y", "--to", "users", TARGET)
    _assert_same_dumps(_sqitch_only(make_tools), _dumps(tools))


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
    tools = _project(make_tools("upgraded"))
    conn = sqlite3.connect(tools.project / "sqitch.db", isolation_level=None)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.execute("DROP TABLE releases")
    conn.close()
    done = tools.run_sqlitch("upgrade", TARGET)
    assert done.stdout.endswith("  * From 0 to 1.0\n  * From 1.0 to 1.1\n")
    tools.run_sqitch("deploy", TARGET)
    done = tools.run_sqitch("upgrade", TARGET)
    assert done.stdout == "Registry db:sqlite:sqitch.db is up-to-date at version 1.1\n"
