"""Sqitch continues what ``sqlitch deploy --atomic`` (and ``revert --atomic``) did.

An atomic deploy writes the rows a normal deploy writes, in one
transaction. On the interop suite's projects (xt/interop: SQLite, and
PostgreSQL with a psql variable and a script with its own ``BEGIN``/
``COMMIT``, which becomes a savepoint), after ``sqlitch deploy --atomic
--runner driver``: real ``sqitch status`` prints what ``sqlitch status``
prints, ``sqitch verify`` passes, and the databases equal a Sqitch-only
deploy's (dumps with clocks and database names masked); then ``sqitch
revert -y`` and ``sqitch deploy`` leave them equal to Sqitch doing the same
after its own deploy. Likewise ``sqlitch revert --atomic`` after a Sqitch
deploy, and a failed atomic deploy leaves Sqitch a database it continues.

Needs ``sqitch``; PostgreSQL needs SQLITCH_TEST_PG_URI (each skips with a
warning otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from tests.support.servers import PG_VAR, pg_databases, require_server

from xt.conftest import Tools
from xt.interop import test_pg_interop, test_sqlite_interop, turns


class Project(Protocol):
    tools: Tools
    uri: str

    def snapshot(self) -> object: ...


MakeProject = Callable[[str], Project]


@pytest.fixture(autouse=True)
def private_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tools' runs get a temporary directory of their own: SQLitch keeps
    its interrupted-change trace there, named after the registry URI as
    written, so another run of a "flipr" project at db:sqlite:flipr.db on
    this machine (the interop suite's, at the same moment) would otherwise
    make `sqlitch status` here warn of it (a bug, see test_kill.py)."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    namespace = Tools._run.__globals__  # xt/conftest's, where Tools builds its env
    original = namespace["standard_env"]

    def with_tmpdir(*args: Any, **kwargs: Any) -> dict[str, str]:
        return {**original(*args, **kwargs), "TMPDIR": str(folder)}

    monkeypatch.setitem(namespace, "standard_env", with_tmpdir)


@pytest.fixture(params=["sqlite", "pg"])
def make_project(
    request: pytest.FixtureRequest, make_tools: Callable[[str], Tools]
) -> Iterator[MakeProject]:
    if request.param == "sqlite":
        yield lambda name: test_sqlite_interop.Project(make_tools(name))
        return
    server = require_server(PG_VAR)
    with pg_databases(server, 2, prefix="sqlitch_xt_atomic") as names:
        free = list(names)
        yield lambda name: test_pg_interop.Project(make_tools(name), server, free.pop())


def same_status(project: Project) -> None:
    tools = project.tools
    turns.same_output(
        tools.run_sqitch("status", project.uri), tools.run_sqlitch("status", project.uri)
    )


def test_sqitch_continues_atomic_deploys_and_reverts(make_project: MakeProject) -> None:
    ours, theirs = make_project("atomic"), make_project("sqitch")
    done = ours.tools.run_sqlitch("deploy", "--atomic", "--runner", "driver", ours.uri)
    reference = theirs.tools.run_sqitch("deploy", theirs.uri)
    assert done.stdout == reference.stdout.replace(theirs.uri, ours.uri)
    same_status(ours)
    assert ours.tools.run_sqitch("verify", ours.uri).returncode == 0
    assert ours.snapshot() == theirs.snapshot()

    for project in (ours, theirs):
        project.tools.run_sqitch("revert", "-y", "--to", "@v1", project.uri)
    assert ours.snapshot() == theirs.snapshot()
    for project in (ours, theirs):
        project.tools.run_sqitch("deploy", project.uri)
    assert ours.snapshot() == theirs.snapshot()

    # An atomic revert, which Sqitch continues too.
    ours.tools.run_sqlitch(
        "revert", "--atomic", "--runner", "driver", "-y", "--to", "users", ours.uri
    )
    theirs.tools.run_sqitch("revert", "-y", "--to", "users", theirs.uri)
    assert ours.snapshot() == theirs.snapshot()
    same_status(ours)
    for project in (ours, theirs):
        project.tools.run_sqitch("deploy", project.uri)
        project.tools.run_sqitch("revert", "-y", project.uri)
    assert ours.snapshot() == theirs.snapshot()


def test_sqitch_continues_after_a_failed_atomic_deploy(make_project: MakeProject) -> None:
    ours, theirs = make_project("atomic"), make_project("sqitch")
    for project in (ours, theirs):
        project.tools.run_sqitch("deploy", "--to", "users", project.uri)
    likes = ours.tools.project / "deploy" / "likes.sql"
    good = likes.read_text()
    likes.write_text(good + "SELECT nosuch FROM nowhere;\n")  # noqa: S608
    before = ours.snapshot()
    failed = ours.tools.run_sqlitch("deploy", "--atomic", "--runner", "driver", ours.uri, ok=False)
    assert failed.returncode == 2
    assert failed.stderr.endswith(
        "likes failed; nothing was deployed: the atomic deploy was rolled back\nDeploy failed\n"
    )
    assert ours.snapshot() == before == theirs.snapshot()
    likes.write_text(good)
    for project in (ours, theirs):
        project.tools.run_sqitch("deploy", project.uri)
    assert ours.snapshot() == theirs.snapshot()
