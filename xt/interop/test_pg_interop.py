"""Sqitch and SQLitch take turns on one PostgreSQL project, in both directions.

Each tool accepts the registry schema the other wrote, and a mixed run leaves
the target database (its tables and the registry schema, rows included)
exactly as a Sqitch-only run leaves it (tests/support/pg_dump, database
names and clock values masked). Scripts use what real projects use: a
plpgsql function with a tagged dollar quote, a psql variable, a script with
its own transaction. Needs SQLITCH_TEST_PG_URI and Sqitch; skips with a
warning otherwise. Every database is dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from tests.support.pg_dump import dump_database
from tests.support.servers import PG_VAR, pg_connect, pg_databases, require_server
from tests.support.servers import uri_with_database as with_database

from xt.conftest import Tools
from xt.interop import turns

CONF = """\
[core]
\tengine = pg
[engine "pg"]
\tregistry = flipr_meta
[deploy "variables"]
\towner = ann
"""
SCRIPTS = {
    "deploy/users.sql": (
        "CREATE TABLE users (name TEXT PRIMARY KEY, added_by TEXT DEFAULT :'owner');\n"
    ),
    "revert/users.sql": "DROP TABLE users;\n",
    "verify/users.sql": "SELECT name FROM users WHERE FALSE;\n",
    "deploy/flips.sql": (
        "BEGIN;\n"
        "CREATE TABLE flips (id INT PRIMARY KEY, body TEXT);\n"
        "CREATE FUNCTION flip_count() RETURNS BIGINT LANGUAGE plpgsql AS $body$\n"
        "BEGIN\n"
        "    RETURN (SELECT COUNT(*) FROM flips); -- a comment; with a semicolon\n"
        "END;\n"
        "$body$;\n"
        "COMMIT;\n"
    ),
    "revert/flips.sql": "DROP FUNCTION flip_count();\nDROP TABLE flips;\n",
    "verify/flips.sql": "SELECT flip_count();\n",
    "deploy/likes.sql": "CREATE TABLE likes (flip INT, name TEXT);\n",
    "revert/likes.sql": "DROP TABLE likes;\n",
    "verify/likes.sql": "SELECT flip, name FROM likes WHERE FALSE;\n",
}
RUNNERS = ["driver", "client"]
MakeTools = Callable[[str], Tools]


class Project:
    """A project directory with its own target database (registry inside)."""

    def __init__(self, tools: Tools, server: str, database: str) -> None:
        self.tools = tools
        self.server = server
        self.database = database
        self.uri = with_database(server, database)
        turns.write_project(tools, CONF, SCRIPTS)

    def snapshot(self) -> str:
        with pg_connect(self.server, self.database) as conn:
            return dump_database(conn, {self.database: "{TARGET}"})


@pytest.fixture
def make_project(make_tools: MakeTools) -> Iterator[Callable[[str], Project]]:
    server = require_server(PG_VAR)
    with pg_databases(server, 3, prefix="sqlitch_xt") as names:
        free = list(names)
        yield lambda name: Project(make_tools(name), server, free.pop())


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


def test_logs_and_plans_read_alike(make_project: Callable[[str], Project]) -> None:
    project = turns.mixed_history(make_project)
    tools, uri = project.tools, project.uri
    for args in (
        ["log", "--oneline"],
        ["log", "--format", "full"],
        ["status", "--show-tags", "--show-changes"],
        ["check"],
    ):
        turns.same_output(
            tools.run_sqlitch(*args, uri, ok=False), tools.run_sqitch(*args, uri, ok=False)
        )
