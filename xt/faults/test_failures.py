"""Failing deploy and verify scripts, every deploy mode, every runner, against Sqitch.

Each case runs the same project three times, each in its own layout and
database: real Sqitch, SQLitch with the client runner and SQLitch with the
driver runner. The plan is ``a b @v1 c d @v2 e`` and ``d`` fails, either its
deploy script (written as Sqitch's template writes it: ``BEGIN`` ..
``COMMIT``) or, with ``--verify``, its verify script. For every mode
(all, tag, change) all three must exit alike, leave the registry and the
target agreeing (each recorded change has its table and no table lacks its
record), and leave the same registry rows and target objects (dumps, clocks
and database names masked) as Sqitch.

A deploy script without a transaction of its own that fails after its
first statement is where Sqitch (and the client runner) leave the two out of
step: the table stays, unrecorded. The driver runner rolls it back; that
case asserts the driver's agreement and Sqitch's disagreement.

Every mode on SQLite; mode all on PostgreSQL with SQLITCH_TEST_PG_URI
(skipped with a warning otherwise). Needs ``sqitch`` (skipped with a warning without it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.support import pg_dump
from tests.support.servers import PG_VAR, pg_connect, pg_databases, require_server
from tests.support.servers import uri_with_database as with_database
from tests.support.sqlite_dump import dump_database

from xt.faults.harness import SQLITCH, Place, State, pg_state, sqlite_state

PLAN = """\
%syntax-version=1.0.0
%project=faults

a 2026-01-01T00:00:00Z Ann Example <ann@example.com> # a
b [a] 2026-01-01T00:00:01Z Ann Example <ann@example.com> # b
@v1 2026-01-01T00:00:02Z Ann Example <ann@example.com> # v1
c 2026-01-01T00:00:03Z Ann Example <ann@example.com> # c
d [c] 2026-01-01T00:00:04Z Ann Example <ann@example.com> # d
@v2 2026-01-01T00:00:05Z Ann Example <ann@example.com> # v2
e 2026-01-01T00:00:06Z Ann Example <ann@example.com> # e
"""
NAMES = "abcde"
FAIL = "SELECT nosuch FROM nowhere;\n"
TOOLS = ("sqitch", "client", "driver")
#: What each mode leaves deployed when d fails.
LEFT = {"all": "", "tag": "ab", "change": "abc"}


def template(engine: str, kind: str, name: str, body: str) -> str:
    verb, prep = {"deploy": ("Deploy", "to"), "revert": ("Revert", "from")}[kind]
    return f"-- {verb} faults:{name} {prep} {engine}\n\nBEGIN;\n\n{body}\nCOMMIT;\n"


def scripts(engine: str, failing: str) -> dict[str, str]:
    found = {}
    for name in NAMES:
        found[f"deploy/{name}.sql"] = template(
            engine, "deploy", name, f"CREATE TABLE {name} (x INTEGER);\n"
        )
        found[f"revert/{name}.sql"] = template(engine, "revert", name, f"DROP TABLE {name};\n")
        found[f"verify/{name}.sql"] = f"SELECT x FROM {name} WHERE 1 = 0;\n"  # noqa: S608
    if failing == "deploy":
        found["deploy/d.sql"] = template(
            engine, "deploy", "d", "CREATE TABLE d (x INTEGER);\n" + FAIL
        )
    elif failing == "verify":
        found["verify/d.sql"] = "SELECT nosuch FROM d;\n"
    elif failing == "half":  # no transaction of its own
        found["deploy/d.sql"] = "CREATE TABLE d (x INTEGER);\n" + FAIL
    return found


@dataclass
class Run:
    """One tool's project: where, its target URI, and how to read it."""

    place: Place
    uri: str
    read_state: Callable[[], State]
    dump: Callable[[], str]


class Engine:
    """Makes a project per tool on one engine."""

    def __init__(self, name: str, root: Path, stack: ExitStack) -> None:
        self.name = name
        self.root = root
        self.stack = stack
        self.server = require_server(PG_VAR) if name == "pg" else ""

    def project(self, label: str, files: dict[str, str]) -> Run:
        place = Place.create(self.root / label)
        conf = f"[core]\n\tengine = {self.name}\n"
        for name, text in {"sqitch.conf": conf, "sqitch.plan": PLAN, **files}.items():
            path = place.project / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        if self.name == "sqlite":
            project = place.project

            def sqlite_dump() -> str:
                return "\n".join(
                    dump_database(project / f) if (project / f).exists() else f"{f}: absent"
                    for f in ("sqitch.db", "faults.db")
                )

            def state() -> State:
                return sqlite_state(project, "faults.db")

            return Run(place, "db:sqlite:faults.db", state, sqlite_dump)
        (database,) = self.stack.enter_context(pg_databases(self.server, 1, prefix="sqlitch_xt_f"))
        server = self.server

        def pg_text() -> str:
            with pg_connect(server, database) as conn:
                return pg_dump.dump_database(conn, {database: "{TARGET}"})

        return Run(
            place,
            with_database(server, database),
            lambda: pg_state(server, database),
            pg_text,
        )


@pytest.fixture
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqitch_path: str) -> Iterator[Engine]:
    with ExitStack() as stack:
        yield Engine(request.param, tmp_path, stack)


def deploy(tool: str, run: Run, sqitch_path: str, *args: str) -> tuple[int, str, str]:
    if tool == "sqitch":
        argv = [sqitch_path, "deploy", *args, run.uri]
    else:
        argv = [str(SQLITCH), "deploy", "--runner", tool, *args, run.uri]
    done = run.place.run(argv)
    return done.returncode, done.stdout, done.stderr


#: Every mode on SQLite; PostgreSQL in mode all only (the longest path), to keep xt quick.
ENGINE_MODES = [("sqlite", "all"), ("sqlite", "tag"), ("sqlite", "change"), ("pg", "all")]


@pytest.mark.parametrize(("engine", "mode"), ENGINE_MODES, indirect=["engine"])
@pytest.mark.parametrize("failing", ["deploy", "verify"])
def test_a_failing_change_leaves_what_sqitch_leaves(
    engine: Engine, mode: str, failing: str, sqitch_path: str
) -> None:
    runs = {tool: engine.project(tool, scripts(engine.name, failing)) for tool in TOOLS}
    args = ["--mode", mode, *(["--verify"] if failing == "verify" else [])]
    with ThreadPoolExecutor(max_workers=len(TOOLS)) as pool:
        futures = {t: pool.submit(deploy, t, runs[t], sqitch_path, *args) for t in TOOLS}
        outcomes = {t: f.result() for t, f in futures.items()}
    for tool, (code, out, err) in outcomes.items():
        assert code == 2, (tool, out, err)
        assert "  + d @v2 .. not ok\n" in out, (tool, out)
        state = runs[tool].read_state()
        assert state.agrees, (tool, state.difference)
        assert state.recorded == frozenset(LEFT[mode]), tool
    # Sqitch says "Deploy failed" for all and tag, the script's error for change.
    theirs = outcomes["sqitch"][1]
    for tool in ("client", "driver"):
        assert outcomes[tool][1] == theirs.replace(runs["sqitch"].uri, runs[tool].uri), tool
    reference = runs["sqitch"].dump()
    assert runs["client"].dump() == reference
    assert runs["driver"].dump() == reference


@pytest.mark.parametrize(("engine", "mode"), ENGINE_MODES, indirect=["engine"])
def test_a_script_failing_half_way_with_no_transaction(
    engine: Engine, mode: str, sqitch_path: str
) -> None:
    files = scripts(engine.name, "half")
    runs = {tool: engine.project(tool, files) for tool in ("sqitch", "driver")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {t: pool.submit(deploy, t, runs[t], sqitch_path, "--mode", mode) for t in runs}
        outcomes = {t: f.result() for t, f in futures.items()}
    assert outcomes["sqitch"][0] == outcomes["driver"][0] == 2
    ours, theirs = runs["driver"].read_state(), runs["sqitch"].read_state()
    assert ours.agrees, ours.difference
    assert ours.recorded == theirs.recorded == frozenset(LEFT[mode])
    # Sqitch: the statement before the failing one stays, unrecorded.
    assert theirs.tables - theirs.recorded == {"d"}
