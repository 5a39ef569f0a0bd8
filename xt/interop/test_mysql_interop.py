"""Sqitch and SQLitch take turns on one MySQL/MariaDB project, in both directions.

As for SQLite (test_sqlite_interop.py): each tool accepts the registry the
other wrote, and a mixed run leaves exactly the registry and target
databases a Sqitch-only run leaves (tests/support/mysql_dump, database
names and clock values masked). Needs SQLITCH_TEST_MYSQL_URI and Sqitch;
skips with a warning otherwise. Every database is dropped afterwards.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.support.mysql_dump import dump_database
from tests.support.servers import (
    MYSQL_VAR,
    connection_params,
    mysql_connect,
    mysql_databases,
    require_server,
    uri_with_database,
)

from xt.conftest import Tools
from xt.interop import turns

SCRIPTS = {
    "deploy/users.sql": "CREATE TABLE users (name VARCHAR(64) PRIMARY KEY);\n",
    "revert/users.sql": "DROP TABLE users;\n",
    "verify/users.sql": "SELECT name FROM users WHERE 0;\n",
    "deploy/flips.sql": (
        "CREATE TABLE flips (id INT PRIMARY KEY, body TEXT);\n"
        "DELIMITER //\n"
        "CREATE PROCEDURE flip_count(OUT n INT)\nBEGIN\n"
        "    SELECT COUNT(*) INTO n FROM flips; -- a comment; with a semicolon\nEND//\n"
        "DELIMITER ;\n"
    ),
    "revert/flips.sql": "DROP PROCEDURE flip_count;\nDROP TABLE flips;\n",
    "verify/flips.sql": "SELECT id, body FROM flips WHERE 0;\n",
    "deploy/likes.sql": "CREATE TABLE likes (flip INT, name VARCHAR(64));\n",
    "revert/likes.sql": "DROP TABLE likes;\n",
    "verify/likes.sql": "SELECT flip, name FROM likes WHERE 0;\n",
}

MakeTools = Callable[[str], Tools]
RUNNERS = ["driver", "client"]


class Project:
    """A project directory with its own target and registry databases."""

    def __init__(self, tools: Tools, server: str, target: str, registry: str) -> None:
        self.tools = tools
        self.server = server
        self.names = {target: "{TARGET}", registry: "{REGISTRY}"}
        self.uri = uri_with_database(server, target)
        conf = f'[core]\n\tengine = mysql\n[engine "mysql"]\n\tregistry = {registry}\n'
        turns.write_project(tools, conf, SCRIPTS)

    def snapshot(self) -> dict[str, str]:
        conn = mysql_connect(self.server)
        try:
            return {
                placeholder: dump_database(conn, real, self.names)
                for real, placeholder in self.names.items()
            }
        finally:
            conn.close()


@pytest.fixture
def make_project(make_tools: MakeTools) -> Iterator[Callable[[str], Project]]:
    server = require_server(MYSQL_VAR)
    with mysql_databases(server, 6, prefix="sqlitch_xt") as names:
        free = list(names)

        def make(name: str) -> Project:
            target, registry = free.pop(), free.pop()
            # Each tool creates the registry database itself, as on a first deploy.
            mysql_connect(server).cursor().execute(f"DROP DATABASE `{registry}`")
            return Project(make_tools(name), server, target, registry)

        yield make


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


def test_logs_read_alike(make_project: Callable[[str], Project]) -> None:
    project = turns.mixed_history(make_project)
    tools, uri = project.tools, project.uri
    for args in (["log", "--oneline"], ["log", "--format", "full"], ["status", "--show-tags"]):
        ours, theirs = (
            tools.run_sqlitch(*args, uri, ok=False),
            tools.run_sqitch(*args, uri, ok=False),
        )
        if args[-1] == "full":
            # Sqitch 1.3.1 crashes on full (lists stored as text); 1.6 prints them.
            assert ours.returncode == 0
            continue
        turns.same_output(ours, theirs)


def test_sqitch_deploys_into_a_registry_sqlitch_upgraded(
    make_project: Callable[[str], Project],
) -> None:
    fixture = (
        Path(__file__).resolve().parents[3]
        / "shared"
        / "sqitch-fixtures"
        / "upgradable_registries"
        / "mysql.sql"
    )
    if not fixture.exists():
        pytest.skip(f"{fixture} not found")
    project = make_project("upgraded")
    registry = next(real for real, name in project.names.items() if name == "{REGISTRY}")
    conn = mysql_connect(project.server)
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{registry}`")
    conn.close()
    params = connection_params(project.server)
    login = ["mysql", "-h", str(params["host"]), "-P", str(params["port"] or 3306)]
    subprocess.run(
        [*login, "-u", str(params["user"]), registry],
        input=fixture.read_bytes() + b"\nDROP TABLE releases;\n",
        check=True,
    )
    done = project.tools.run_sqlitch("upgrade", project.uri)
    assert done.stdout.endswith("  * From 0 to 1.0\n  * From 1.0 to 1.1\n")
    project.tools.run_sqitch("deploy", project.uri)
    done = project.tools.run_sqitch("upgrade", project.uri)
    assert done.stdout.endswith("is up-to-date at version 1.1\n")
