"""Sqitch and SQLitch taking turns on one server project: the shared flows.

An engine's interop module supplies ``make_project(name)``, returning a
project with ``tools`` (:class:`xt.conftest.Tools`), ``uri`` and
``snapshot()`` (its databases as text, names and clocks masked); these
functions run the same turns on every engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from xt.conftest import Tools

#: The plan every engine's interop project deploys (its scripts are the engine's).
PLAN = """\
%syntax-version=1.0.0
%project=flipr
%uri=https://example.com/flipr

users 2025-12-01T10:00:00Z Ann Example <ann@example.com> # Users table
flips [users] 2025-12-01T10:05:00Z Ann Example <ann@example.com> # Flips
@v1 2025-12-01T10:06:00Z Ann Example <ann@example.com> # First release
likes [users flips] 2025-12-01T10:10:00Z Ann Example <ann@example.com> # Likes
"""


class TurnProject(Protocol):
    tools: Tools
    uri: str

    def snapshot(self) -> object: ...


MakeProject = Callable[[str], TurnProject]


def write_project(tools: Tools, conf: str, scripts: Mapping[str, str]) -> None:
    """sqitch.conf, the shared plan and the engine's scripts in the tools' project."""
    for name, text in {"sqitch.conf": conf, "sqitch.plan": PLAN, **scripts}.items():
        path = tools.project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def same_output(ours: Any, theirs: Any) -> None:
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode,
        theirs.stdout,
        theirs.stderr,
    )


def sqitch_only(make_project: MakeProject) -> object:
    """deploy --to flips, deploy, revert --to users: all by Sqitch."""
    project = make_project("sqitch-only")
    project.tools.run_sqitch("deploy", "--to", "flips", project.uri)
    project.tools.run_sqitch("deploy", project.uri)
    project.tools.run_sqitch("revert", "-y", "--to", "users", project.uri)
    return project.snapshot()


def sqlitch_continues_sqitch(make_project: MakeProject, runner: str) -> None:
    """Sqitch deploys part of the plan; SQLitch reads, finishes, verifies, reverts."""
    project = make_project("mixed")
    tools, uri = project.tools, project.uri
    tools.run_sqitch("deploy", "--to", "flips", uri)
    status = tools.run_sqlitch("status", uri)
    same_output(status, tools.run_sqitch("status", uri))
    assert "likes" in status.stdout  # the undeployed change is listed

    tools.run_sqlitch("deploy", "--runner", runner, uri)
    ours = tools.run_sqlitch("verify", "--runner", runner, uri)
    theirs = tools.run_sqitch("verify", uri)
    assert ours.stdout == theirs.stdout
    assert ours.returncode == theirs.returncode == 0

    tools.run_sqlitch("revert", "--runner", runner, "-y", "--to", "users", uri)
    assert project.snapshot() == sqitch_only(make_project)


def sqitch_continues_sqlitch(make_project: MakeProject, runner: str) -> None:
    """SQLitch deploys part of the plan; Sqitch reads, verifies, finishes, reverts."""
    project = make_project("mixed")
    tools, uri = project.tools, project.uri
    tools.run_sqlitch("deploy", "--runner", runner, "--to", "flips", uri)
    same_output(tools.run_sqitch("status", uri), tools.run_sqlitch("status", uri))
    assert tools.run_sqitch("verify", uri).returncode == 0

    tools.run_sqitch("deploy", uri)
    tools.run_sqitch("revert", "-y", "--to", "users", uri)
    assert project.snapshot() == sqitch_only(make_project)


def mixed_history(make_project: MakeProject) -> TurnProject:
    """A project both tools wrote: Sqitch deploys to flips, SQLitch deploys the
    rest, Sqitch reverts to @v1."""
    project = make_project("log")
    tools, uri = project.tools, project.uri
    tools.run_sqitch("deploy", "--to", "flips", uri)
    tools.run_sqlitch("deploy", uri)
    tools.run_sqitch("revert", "-y", "--to", "@v1", uri)
    return project
