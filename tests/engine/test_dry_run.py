"""``--dry-run`` and ``--sql``: see what deploy and revert would do, change nothing.

On every engine available (SQLite always; PostgreSQL and MySQL when
SQLITCH_TEST_PG_URI / SQLITCH_TEST_MYSQL_URI name a server, else skipped
with a ServerUnavailableWarning):

- the equivalence that matters: the file ``deploy --sql`` (``revert --sql``)
  writes, run by the engine's own client, leaves the target schema and the
  registry rows exactly as ``sqlitch deploy`` (``revert``) leaves a twin
  target (clock columns masked by the dumps), step by step through a first
  deploy that creates the registry, a later one, a partial and a full revert;
- dry runs and SQL files change nothing (dumps of target and registry are
  the same text before and after; no registry, file or lock is left);
- a dry run fails as the real command fails (message and exit value), and
  says what it would do;
- ``rebase --dry-run`` and ``checkout --dry-run`` plan both halves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.support import mysql_dump, pg_dump, sqlite_dump
from tests.support.cli import run_captured
from tests.support.servers import (
    MYSQL_VAR,
    PG_VAR,
    connection_params,
    mysql_connect,
    mysql_databases,
    pg_connect,
    pg_conninfo,
    pg_databases,
    require_server,
    uri_with_database,
)

from sqlitch.engines.mysql import MysqlEngine
from sqlitch.engines.pg import psql_value
from sqlitch.engines.preview import qmark_literals, sql_literal

PLANNER = "Marge N. O'Vera <marge@example.com>"
# A rework, tags, a requirement, a conflict, a note with a quote and an accent.
PLAN = f"""%syntax-version=1.0.0
%project=flipr

a 2026-01-01T00:00:00Z {PLANNER} # add a
b [a] 2026-01-01T00:00:01Z {PLANNER} # add 'b' — café
@v1 2026-01-01T00:00:02Z {PLANNER} # tag v1
c [b !d] 2026-01-01T00:00:03Z {PLANNER} # add c
a [a@v1] 2026-01-01T00:00:04Z {PLANNER} # rework a
@v2 2026-01-01T00:00:05Z {PLANNER} # tag v2
d 2026-01-01T00:00:06Z {PLANNER} # add d
"""
CONF = """[core]
\tengine = {engine}
[engine "{engine}"]
\ttarget = {uri}
{extra}[deploy "variables"]
\tfoo = bar
[user]
\tname = Tester
\temail = tester@example.com
"""
# Script variables: the client resolves them in the file as it does for Sqitch.
VARIABLES = ["--set", "foo=bar"]


def scripts(engine: str) -> dict[str, str]:
    begin = "START TRANSACTION" if engine == "mysql" else "BEGIN"
    value = {"pg": ":'foo'", "mysql": "@foo", "sqlite": "'bar'"}[engine]
    text = "VARCHAR(20)" if engine == "mysql" else "TEXT"
    found = {
        "deploy/a@v1.sql": "CREATE TABLE a (x INTEGER);\n",
        "revert/a@v1.sql": "DROP TABLE a;\n",
        "verify/a@v1.sql": "SELECT x FROM a WHERE 1 = 0;\n",
        "deploy/a.sql": "ALTER TABLE a ADD COLUMN y INTEGER;\n",
        "revert/a.sql": "ALTER TABLE a DROP COLUMN y;\n",
        "verify/a.sql": "SELECT y FROM a WHERE 1 = 0;\n",
        "deploy/b.sql": f"-- Deploy flipr:b\n\n{begin};\nCREATE TABLE b (x INTEGER);\nCOMMIT;\n",
        "revert/b.sql": f"{begin};\nDROP TABLE b;\nCOMMIT;\n",
        "verify/b.sql": "SELECT x FROM b WHERE 1 = 0;\n",
        "deploy/c.sql": f"CREATE TABLE c (v {text});\nINSERT INTO c VALUES ({value});\n",
        "revert/c.sql": "DROP TABLE c;\n",
        "verify/c.sql": "SELECT v FROM c WHERE 1 = 0;\n",
        "deploy/d.sql": "CREATE TABLE d (x INTEGER)",  # no final newline, no semicolon
        "revert/d.sql": "DROP TABLE d;\n",
        "verify/d.sql": "SELECT x FROM d WHERE 1 = 0;\n",
    }
    if engine == "mysql":
        # A script that changes the client's delimiter (and leaves it changed).
        found["deploy/d.sql"] = "DELIMITER //\nCREATE TABLE d (x INTEGER)//\n"
    if engine == "pg":
        # Session state a script leaves does not reach the next script.
        found["deploy/a.sql"] = "SET search_path = nowhere;\nALTER TABLE public.a ADD y INTEGER;\n"
        found["deploy/d.sql"] = "CREATE TABLE d (x INTEGER)"
    return found


@dataclass
class Side:
    """One target and its registry."""

    uri: str
    options: list[str]
    dump: Callable[[], str]
    client: Callable[[Path], None]


def _client(argv: list[str], path: Path, env: dict[str, str] | None = None) -> None:
    with open(path, "rb") as stdin:
        done = subprocess.run(
            argv, stdin=stdin, capture_output=True, check=False, env={**os.environ, **(env or {})}
        )
    assert done.returncode == 0, done.stderr.decode() + done.stdout.decode()


def sqlite_side(project: Path, name: str) -> Side:
    folder = project / name
    folder.mkdir()

    def dump() -> str:
        found = [folder / file for file in ("flipr.db", "sqitch.db")]
        return "".join(
            f"{path.name}\n" + (sqlite_dump.dump_database(path) if path.exists() else "absent\n")
            for path in found
        )

    return Side(
        f"db:sqlite:{name}/flipr.db",
        [],
        dump,
        lambda path: _client(["sqlite3", f"{name}/flipr.db"], path),
    )


def pg_side(server: str, database: str) -> Side:
    password = connection_params(server)["password"]

    def dump() -> str:
        with pg_connect(server, database) as conn:
            return pg_dump.dump_database(conn, {database: "{DB}"})

    def client(path: Path) -> None:
        argv = ["psql", "--no-psqlrc", "--dbname", pg_conninfo(server, database)]
        argv += ["--file", str(path)]
        _client(argv, path, {"PGPASSWORD": str(password or "")})

    return Side(uri_with_database(server, database), [], dump, client)


def mysql_side(server: str, database: str, registry: str) -> Side:
    params = connection_params(server)
    names = {database: "{DB}", registry: "{REGISTRY}"}

    def dump() -> str:
        conn = mysql_connect(server)
        try:
            return mysql_dump.dump_database(conn, database, names) + mysql_dump.dump_database(
                conn, registry, names
            )
        finally:
            conn.close()

    def client(path: Path) -> None:
        argv = ["mysql", "--user", str(params["user"]), "--host", str(params["host"])]
        argv += ["--port", str(params["port"] or 3306), "--database", database]
        _client(argv, path, {"MYSQL_PWD": str(params["password"] or "")})

    return Side(uri_with_database(server, database), ["--registry", registry], dump, client)


CLIENTS = {"sqlite": "sqlite3", "pg": "psql", "mysql": "mysql"}


class Project:
    """A project directory with a target of one engine (``two``), and with
    ``pair`` its twin (``one``)."""

    def __init__(
        self,
        engine: str,
        project: Path,
        stack: ExitStack,
        capsys: pytest.CaptureFixture[str],
        *,
        pair: bool = False,
    ) -> None:
        self.engine, self.project, self.capsys = engine, project, capsys
        count = 2 if pair else 1
        sides: list[Side]
        if engine == "sqlite":
            sides = [sqlite_side(project, name) for name in ("two", "one")[:count]]
        elif engine == "pg":
            server = require_server(PG_VAR)
            names = stack.enter_context(pg_databases(server, count))
            sides = [pg_side(server, name) for name in names]
        else:
            server = require_server(MYSQL_VAR)
            names = stack.enter_context(mysql_databases(server, 2 * count))
            # The registry databases are created by the first deploy, as by Sqitch.
            conn = mysql_connect(server)
            for name in names[count:]:
                conn.cursor().execute(f"DROP DATABASE `{name}`")
            conn.close()
            sides = [mysql_side(server, names[i], names[count + i]) for i in range(count)]
        self.two = sides[0]
        self._one = sides[1] if pair else None
        registry = f"\tregistry = {self.two.options[1]}\n" if engine == "mysql" else ""
        (project / "sqitch.conf").write_text(
            CONF.format(engine=engine, uri=self.two.uri, extra=registry)
        )
        (project / "sqitch.plan").write_text(PLAN, encoding="utf-8")
        for name, text in scripts(engine).items():
            path = project / name
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")

    @property
    def one(self) -> Side:
        assert self._one is not None, "a project with a pair of targets"
        return self._one

    def sqlitch(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        return run_captured(self.capsys, *args, stdin=stdin)

    def on(self, side: Side, command: str, *args: str) -> tuple[int, str, str]:
        return self.sqlitch(command, side.uri, *side.options, *args)


ENGINES = ["sqlite", "pg", "mysql"]


@pytest.fixture(params=ENGINES)
def project(
    request: pytest.FixtureRequest, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[Project]:
    with ExitStack() as stack:
        yield Project(request.param, isolated_env, stack, capsys)


@pytest.fixture
def sqlite_project(isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Project]:
    with ExitStack() as stack:
        yield Project("sqlite", isolated_env, stack, capsys, pair=True)


@pytest.fixture(params=ENGINES)
def pair(
    request: pytest.FixtureRequest, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[Project]:
    with ExitStack() as stack:
        yield Project(request.param, isolated_env, stack, capsys, pair=True)


def need_client(project: Project) -> None:
    if shutil.which(CLIENTS[project.engine]) is None:
        pytest.skip(f"{CLIENTS[project.engine]} is not installed")


# -- the file does what the command does -----------------------------------------------
STEPS = [
    ("deploy", ["--to", "b"]),  # creates the registry
    ("deploy", []),  # a registry that exists; a rework
    ("revert", ["--to", "@v1"]),
    ("deploy", ["--to", "@v2"]),
    ("revert", []),
]


# The file is run by the client anyway: one runner for the command is enough
# on a server (the driver, whose rows take another path on PostgreSQL).
EQUIVALENCE = [("sqlite", "client"), ("sqlite", "driver"), ("pg", "driver"), ("mysql", "driver")]


@pytest.mark.parametrize(("engine", "runner"), EQUIVALENCE, ids="-".join)
def test_sql_file_run_by_the_client_equals_the_command(
    engine: str,
    runner: str,
    tmp_path: Path,
    isolated_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with ExitStack() as stack:
        _equivalence(Project(engine, isolated_env, stack, capsys, pair=True), runner, tmp_path)


def _equivalence(project: Project, runner: str, tmp_path: Path) -> None:
    need_client(project)
    one, two = project.one, project.two
    assert one.dump() == two.dump()
    for number, (command, args) in enumerate(STEPS):
        yes = ["-y"] if command == "revert" else []
        code, out, err = project.on(one, command, "--runner", runner, *VARIABLES, *yes, *args)
        assert code == 0, err
        before = two.dump()
        file = tmp_path / f"step{number}.sql"
        code, out, err = project.on(two, command, *VARIABLES, *args, "--sql", str(file))
        assert code == 0, err
        assert out.endswith(f"Wrote the SQL to {file}\n")
        assert two.dump() == before, "writing the SQL changed the database"
        two.client(file)
        assert two.dump() == one.dump(), f"after {command} {args}"
    # What the files recorded, SQLitch continues from.
    assert project.on(two, "deploy", *VARIABLES)[0] == 0
    assert project.on(two, "verify")[0] == 0


def test_sql_to_stdout_and_what_it_says(project: Project) -> None:
    code, out, err = project.on(project.two, "deploy", "--sql", "-", *VARIABLES)
    assert code == 0
    assert err.startswith("Dry run: nothing will be changed\nWould add registry tables to ")
    assert err.endswith("  + a\n  + b @v1\n  + c\n  + a @v2\n  + d\n")
    assert out.startswith("-- Deploy 5 changes of project flipr to ")
    assert "--   + b @v1\n" in out
    assert "\n-- deploy/a@v1.sql\nCREATE TABLE a (x INTEGER);\n" in out
    # The note is written in as a literal, its quote escaped.
    assert "'add ''b'' — café'" in out or "'add \\'b\\' — café'" in out


# -- nothing changes -------------------------------------------------------------------
DRY_RUNS = [
    ["deploy", "--dry-run"],
    ["deploy", "--dry-run", "--to", "c"],
    ["deploy", "--sql", "out.sql"],
    ["deploy", "--sql", "-"],
    ["revert", "--dry-run"],
    ["revert", "--dry-run", "--to", "a@v1"],
    ["revert", "--sql", "out.sql"],
    ["rebase", "--dry-run", "--onto", "a@v1"],
]


def _cache_files(project: Project) -> list[Path]:
    home = Path(os.environ["HOME"])
    return sorted(p for p in home.rglob("*") if p.is_file())


@pytest.mark.parametrize("state", ["empty", "partly deployed"])
def test_dry_runs_change_nothing(project: Project, state: str) -> None:
    side = project.two
    if state == "partly deployed":
        assert project.on(side, "deploy", "--to", "c")[0] == 0
    before, files, cache = side.dump(), sorted(project.project.rglob("*")), _cache_files(project)
    for argv in DRY_RUNS:
        code, _, err = project.on(side, *argv)
        # Without a registry there is nothing to revert: "No registry found".
        assert code == (0 if state != "empty" or argv[0] == "deploy" else 2), err
        assert side.dump() == before, f"{argv} changed the database"
        (project.project / "out.sql").unlink(missing_ok=True)
        assert sorted(project.project.rglob("*")) == files, f"{argv} left a file"
        assert _cache_files(project) == cache
    # No lock left behind: a real deploy goes ahead at once.
    code, _, err = project.on(side, "deploy", "--lock-timeout", "0")
    assert code == 0, err


def test_a_first_dry_run_says_what_it_would_do(project: Project) -> None:
    side = project.two
    code, out, err = project.on(side, "deploy", "--dry-run")
    assert (code, err) == (0, "")
    registry = side.uri
    if project.engine == "sqlite":
        registry = "db:sqlite:two/sqitch.db"
    elif project.engine == "mysql":
        registry = side.uri.rsplit("/", 1)[0] + "/" + side.options[1]
    assert out == (
        "Dry run: nothing will be changed\n"
        f"Would add registry tables to {registry}\n"
        f"Would deploy changes to {side.uri}\n"
        "  + a\n  + b @v1\n  + c\n  + a @v2\n  + d\n"
    )
    assert project.on(side, "deploy", "--to", "b")[0] == 0
    code, out, err = project.on(side, "deploy", "--dry-run", "--to", "@v2")
    assert out == (
        "Dry run: nothing will be changed\n"
        f"Would deploy changes through a @v2 to {side.uri}\n"
        "  + c\n  + a @v2\n"
    )
    code, out, err = project.on(side, "revert", "--dry-run")
    assert (code, err) == (0, "")
    assert out == (
        "Dry run: nothing will be changed\n"
        f"Would revert all changes from {side.uri}\n"
        "  - b @v1\n  - a\n"
    )


# -- the same checks and exit values as the real command ---------------------------------
def _same_outcome(project: Project, dry: list[str], real: list[str]) -> tuple[int, str]:
    """Run the dry run, then the real command; their exit values and
    error messages must agree."""
    side = project.two
    before = side.dump()
    dry_code, _, dry_err = project.on(side, *dry)
    assert side.dump() == before
    real_code, _, real_err = project.on(side, *real)
    assert (dry_code, dry_err) == (real_code, real_err)
    return dry_code, dry_err


def test_failing_checks_fail_alike(project: Project) -> None:
    plan = project.project / "sqitch.plan"
    code, err = _same_outcome(project, ["revert", "--dry-run"], ["revert", "-y"])
    assert code == 2 and err.startswith("No registry found in ")
    code, err = _same_outcome(
        project, ["deploy", "--dry-run", "--to", "nosuch"], ["deploy", "--to", "nosuch"]
    )
    assert (code, err) == (2, 'Unknown change: "nosuch"\n')
    code, err = _same_outcome(
        project, ["deploy", "--dry-run", "--mode", "bogus"], ["deploy", "--mode", "bogus"]
    )
    assert (code, err) == (2, 'Unknown deployment mode: "bogus"\n')
    # A requirement on another project's change that is not deployed.
    original = plan.read_text(encoding="utf-8")
    plan.write_text(original.replace("c [b !d]", "c [b !d other:x]"), encoding="utf-8")
    code, err = _same_outcome(
        project, ["deploy", "--dry-run", "--to", "c"], ["deploy", "--to", "c"]
    )
    assert (code, err) == (2, "Missing required change: other:x\n")
    plan.write_text(original, encoding="utf-8")
    assert project.on(project.two, "deploy", "--to", "b")[0] == 0
    code, err = _same_outcome(
        project, ["deploy", "--dry-run", "--to", "a@v1"], ["deploy", "--to", "a@v1"]
    )
    assert (code, err) == (2, 'Cannot deploy to an earlier change; use "revert" instead\n')
    code, err = _same_outcome(
        project, ["revert", "--dry-run", "--to", "c"], ["revert", "-y", "--to", "c"]
    )
    assert (code, err) == (2, 'Change not deployed: "c"\n')
    # d conflicts with a change deployed since: c refuses to go on top of it.
    plan.write_text(original.replace("c [b !d]", "c [b !b]"), encoding="utf-8")
    code, err = _same_outcome(project, ["deploy", "--dry-run"], ["deploy"])
    assert (code, err) == (2, "Conflicts with previously deployed change: b\n")
    plan.write_text(original, encoding="utf-8")
    assert project.on(project.two, "deploy")[0] == 0
    code, err = _same_outcome(project, ["deploy", "--dry-run"], ["deploy"])
    assert (code, err) == (0, "")
    assert project.on(project.two, "deploy", "--dry-run")[1].endswith(
        "Nothing to deploy (up-to-date)\n"
    )


def test_an_empty_plan_and_a_missing_script(project: Project) -> None:
    plan = project.project / "sqitch.plan"
    original = plan.read_text(encoding="utf-8")
    plan.write_text("%syntax-version=1.0.0\n%project=flipr\n\n")
    code, err = _same_outcome(project, ["deploy", "--dry-run"], ["deploy"])
    assert (code, err) == (2, "Nothing to deploy (empty plan)\n")
    plan.write_text(original, encoding="utf-8")
    (project.project / "deploy" / "c.sql").unlink()
    side = project.two
    code, out, err = project.on(side, "deploy", "--dry-run")
    assert code == 2
    assert err == "Deploy script deploy/c.sql does not exist\n"
    assert "  + c\n" in out
    code, out, err = project.on(side, "deploy", "--sql", "out.sql")
    assert code == 2 and err == "Deploy script deploy/c.sql does not exist\n"
    assert not (project.project / "out.sql").exists()


def test_refusals(project: Project) -> None:
    side = project.two
    code, _, err = project.on(side, "deploy", "--sql", "-", "--atomic")
    assert code == 2
    if project.engine == "mysql":  # refused for MySQL before anything else
        assert "\nCannot deploy or revert atomically on MySQL" in err
    else:
        assert "\nCannot write the deploy SQL atomically" in err
    code, _, err = project.on(side, "deploy", "--sql", "nosuchdir/out.sql")
    assert (code, err) == (2, "Cannot write nosuchdir/out.sql: No such file or directory\n")
    # No JSON document for a dry run (yet): said, not silently nothing.
    code, out, err = project.on(side, "revert", "--dry-run", "--json")
    assert code == 2 and out == ""
    assert '"message": "--json cannot be combined with --dry-run or --sql"' in err


def test_sql_for_an_old_registry_is_refused(sqlite_project: Project) -> None:
    project = sqlite_project
    side = project.two
    assert project.on(side, "deploy", "--to", "a@v1")[0] == 0
    import sqlite3

    with sqlite3.connect(project.project / "two" / "sqitch.db") as conn:
        conn.execute("UPDATE releases SET version = 1.0")
    code, out, err = project.on(side, "deploy", "--dry-run")
    assert code == 0
    assert "Would upgrade the Sqitch registry from 1.0 to 1.1\n" in out
    code, out, err = project.on(side, "deploy", "--sql", "-")
    assert code == 2
    assert "needs upgrading to 1.1 first" in err


def test_placeholder_script_hashes(sqlite_project: Project, tmp_path: Path) -> None:
    """Hashes the 1.0 upgrade left as change IDs are replaced by the next
    deploy; its SQL file does the same."""
    project = sqlite_project
    import sqlite3

    for side in (project.one, project.two):
        assert project.on(side, "deploy", "--to", "b")[0] == 0
        with sqlite3.connect(project.project / side.uri[10:].replace("flipr", "sqitch")) as conn:
            conn.execute("UPDATE changes SET script_hash = change_id")
    out = project.on(project.two, "deploy", "--dry-run")[1]
    assert "Would record the deploy scripts' hashes in the registry\n" in out
    file = tmp_path / "hashes.sql"
    assert project.on(project.two, "deploy", "--sql", str(file))[0] == 0
    assert project.on(project.one, "deploy")[0] == 0
    project.two.client(file)
    assert project.two.dump() == project.one.dump()


def test_atomic_checks_in_a_dry_run(sqlite_project: Project) -> None:
    project = sqlite_project
    runner = ["--runner", "client"] if shutil.which("sqlite3") else []
    code, err = _same_outcome(
        project, ["deploy", "--dry-run", "--atomic", *runner], ["deploy", "--atomic", *runner]
    )
    if runner:
        assert (code, err) == (
            2,
            "Cannot deploy atomically: it needs the driver runner (--runner driver)\n",
        )
    (project.project / "deploy" / "c.sql").write_text("VACUUM;\n")
    code, err = _same_outcome(
        project,
        ["deploy", "--dry-run", "--atomic", "--runner", "driver", "--to", "c"],
        ["deploy", "--atomic", "--runner", "driver", "--to", "c"],
    )
    assert code == 2 and err.startswith("Cannot deploy atomically: deploy/c.sql line 1:")
    code, err = _same_outcome(
        project,
        ["deploy", "--dry-run", "--atomic", "--runner", "driver", "--to", "b", "--log-only"],
        ["deploy", "--atomic", "--runner", "driver", "--to", "b", "--log-only"],
    )
    assert (code, err) == (2, "Cannot deploy atomically: --log-only runs no scripts\n")
    assert project.on(project.two, "deploy", "--to", "b")[0] == 0
    code, out, err = project.on(
        project.two, "revert", "--dry-run", "--atomic", "--runner", "driver"
    )
    assert (code, err) == (0, "")
    assert out.endswith("  - b @v1\n  - a\n")


def test_new_tags_and_log_only(pair: Project, tmp_path: Path) -> None:
    """The sync with the plan records a tag added to the latest deployed
    change; --log-only files hold registry rows only."""
    project = pair
    need_client(project)
    one, two = project.one, project.two
    plan = project.project / "sqitch.plan"
    # Without the conflict with d, so that the plan through the rework of a
    # (before @v2 and d are added) is the same plan.
    original = plan.read_text(encoding="utf-8").replace(" !d", "")
    plan.write_text(original.split("@v2")[0], encoding="utf-8")
    for side in (one, two):
        code, _, err = project.on(side, "deploy", *VARIABLES)
        assert code == 0, err
    plan.write_text(original, encoding="utf-8")
    code, out, _ = project.on(two, "deploy", "--dry-run", "--to", "@v2")
    assert out.endswith('Would record tags @v2 of a\nNothing to deploy (already at "@v2")\n')
    file = tmp_path / "tags.sql"
    assert project.on(two, "deploy", "--to", "@v2", "--sql", str(file))[0] == 0
    assert project.on(one, "deploy", "--to", "@v2")[0] == 0
    two.client(file)
    assert two.dump() == one.dump()
    assert project.on(one, "revert", "-y", "--to", "@v1")[0] == 0
    assert project.on(two, "revert", "--to", "@v1", "--sql", str(file))[0] == 0
    two.client(file)
    assert project.on(one, "deploy", "--log-only", "--to", "c")[0] == 0
    assert project.on(two, "deploy", "--log-only", "--to", "c", "--sql", str(file))[0] == 0
    assert "CREATE TABLE c" not in file.read_text(encoding="utf-8")
    two.client(file)
    assert two.dump() == one.dump()
    # --verify: each verify script runs after its deploy script.
    assert project.on(one, "deploy", "--verify")[0] == 0
    assert project.on(two, "deploy", "--verify", "--sql", str(file))[0] == 0
    assert "-- verify/d.sql\n" in file.read_text(encoding="utf-8")
    two.client(file)
    assert two.dump() == one.dump()


# -- rebase and checkout ---------------------------------------------------------------------
def test_rebase_dry_run_plans_both_halves(project: Project) -> None:
    side = project.two
    assert project.on(side, "deploy")[0] == 0
    before = side.dump()
    code, out, err = project.on(side, "rebase", "--dry-run", "--onto", "@v1", "--upto", "@v2")
    assert (code, err) == (0, "")
    assert out == (
        "Dry run: nothing will be changed\n"
        f"Would revert changes to b @v1 from {side.uri}\n"
        "  - d\n  - a @v2\n  - c\n"
        f"Would deploy changes through a @v2 to {side.uri}\n"
        "  + c\n  + a @v2\n"
    )
    code, out, err = project.on(side, "rebase", "--dry-run")
    assert code == 0
    assert out.endswith(
        f"Would deploy changes to {side.uri}\n  + a\n  + b @v1\n  + c\n  + a @v2\n  + d\n"
    )
    assert side.dump() == before
    # Nothing to revert: the deploy half goes on.
    assert project.on(side, "revert", "-y")[0] == 0
    before = side.dump()
    code, out, err = project.on(side, "rebase", "--dry-run", "--upto", "b")
    assert code == 0, err
    assert out.endswith(
        "Nothing to revert (nothing deployed)\n"
        f"Would deploy changes through b @v1 to {side.uri}\n  + a\n  + b @v1\n"
    )
    assert side.dump() == before


def _git(project: Project, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@x", *args],
        cwd=project.project,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_checkout_dry_run_switches_nothing(sqlite_project: Project) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = sqlite_project  # the VCS half is the same on every engine
    side = project.two
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "main")
    _git(project, "checkout", "-q", "-b", "other")
    plan = project.project / "sqitch.plan"
    other = PLAN.split("c [b")[0] + f"e [b] 2026-01-02T00:00:00Z {PLANNER} # add e\n"
    plan.write_text(other, encoding="utf-8")
    _git(project, "commit", "-q", "-am", "other")
    _git(project, "checkout", "-q", "main")
    assert project.on(side, "deploy")[0] == 0
    before = side.dump()
    code, out, err = project.sqlitch("checkout", "--dry-run", side.uri, "other")
    assert (code, err) == (0, "")
    assert out == (
        "Dry run: nothing will be changed\n"
        "Last change before the branches diverged: b @v1\n"
        f"Would revert changes to b @v1 from {side.uri}\n"
        "  - d\n  - a @v2\n  - c\n"
        "Would check out branch other\n"
        f"Would deploy changes to {side.uri}\n"
        "  + e\n"
    )
    assert _git(project, "rev-parse", "--abbrev-ref", "HEAD") == "main\n"
    assert side.dump() == before


# -- literals -----------------------------------------------------------------------------
def test_literals() -> None:
    assert sql_literal(None) == "NULL"
    assert sql_literal("it's") == "'it''s'"
    assert sql_literal(1.1) == "1.1"
    assert sql_literal(True) == "1"
    assert sql_literal(b"\x01") == "X'01'"
    sql = "INSERT INTO t VALUES (?, '?', \"?\", ?)"
    assert qmark_literals(sql, ["a", None]) == "INSERT INTO t VALUES ('a', '?', \"?\", NULL)"
    assert psql_value("it's a\\b\n") == "'it''s a\\\\b\\n'"
    engine = MysqlEngine.__new__(MysqlEngine)
    assert engine.script_change("SELECT 1") == "SELECT 1\n;\n"
    assert engine.script_change("DELIMITER //\nSELECT 1//\n") == (
        "DELIMITER //\nSELECT 1//\nDELIMITER ;\n"
    )
    assert engine.script_change("DELIMITER //\nSELECT 1") == (
        "DELIMITER //\nSELECT 1\n//\nDELIMITER ;\n"
    )
    assert engine.script_change("SELECT 1;\n") == "SELECT 1;\n"
