"""Projects on SQLite and PostgreSQL for the transaction tests.

``test_atomic_deploy`` and ``test_change_transactions`` run the same flows on
both engines that can put a change's script and its registry rows in one
transaction. A :class:`Case` is one project directory with its own target
(SQLite: ``flipr.db`` and ``sqitch.db`` in the directory; PostgreSQL: a
scratch database, registry schema inside, dropped afterwards) and knows how to

- run SQLitch in-process in its directory (:meth:`Case.sqlitch`);
- take an exact :meth:`Case.snapshot` (SQLite: the bytes of every database
  and journal file, or their absence; PostgreSQL: ``pg_dump``'s text, which
  holds every schema, registry included, row by row, clocks unmasked);
- dump registry and target with clocks masked, to compare two projects
  (:meth:`Case.registry_dump`, :meth:`Case.target_dump`);
- list the registry's changes and events and the target's own tables.

The PostgreSQL cases skip with a ServerUnavailableWarning when
SQLITCH_TEST_PG_URI is unset or does not answer.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path

import pytest
from tests.support import pg_dump, sqlite_dump
from tests.support.cli import run_captured
from tests.support.servers import PG_VAR, pg_connect, pg_databases, require_server
from tests.support.servers import uri_with_database as with_database

from sqlitch.engines.dialect import REGISTRY_TABLES

PLANNER = "Marge N. O'Vera <marge@example.com>"
#: a, b (requires a, tagged @v1), c, d: a failure at c is in the middle.
PLAN = f"""%syntax-version=1.0.0
%project=flipr

a 2026-01-01T00:00:00Z {PLANNER} # add a
b [a] 2026-01-01T00:00:01Z {PLANNER} # add b
@v1 2026-01-01T00:00:02Z {PLANNER} # tag v1
c 2026-01-01T00:00:03Z {PLANNER} # add c
d 2026-01-01T00:00:04Z {PLANNER} # add d
"""
NAMES = ("a", "b", "c", "d")
FAIL = "SELECT nosuch FROM nowhere;\n"

Outcome = tuple[int, str, str]


def default_scripts(names: tuple[str, ...] = NAMES) -> dict[str, str]:
    """deploy/revert/verify scripts that create, drop and read table ``<name>``."""
    scripts: dict[str, str] = {}
    for name in names:
        scripts[f"deploy/{name}.sql"] = f"CREATE TABLE {name} (x INTEGER);\n"
        scripts[f"revert/{name}.sql"] = f"DROP TABLE {name};\n"
        scripts[f"verify/{name}.sql"] = f"SELECT x FROM {name} WHERE 1 = 0;\n"  # noqa: S608
    return scripts


def template_script(engine: str, kind: str, change: str, body: str) -> str:
    """A script as ``sqitch add`` writes it from Sqitch's templates, with ``body``."""
    verb = {"deploy": "Deploy", "revert": "Revert", "verify": "Verify"}[kind]
    if kind == "verify":
        return f"-- {verb} flipr:{change} on {engine}\n\nBEGIN;\n\n{body}\nROLLBACK;\n"
    prep = "to" if kind == "deploy" else "from"
    return f"-- {verb} flipr:{change} {prep} {engine}\n\nBEGIN;\n\n{body}\nCOMMIT;\n"


class Case:
    """One project on one engine: its directory, target and registry."""

    engine = ""
    client = ""

    def __init__(self, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.project = project
        self.capsys = capsys
        project.mkdir(parents=True, exist_ok=True)

    # -- the project ---------------------------------------------------------
    @property
    def uri(self) -> str:
        raise NotImplementedError

    registry = "sqitch"

    def write(
        self,
        scripts: Mapping[str, str] | None = None,
        *,
        runner: str = "driver",
        plan: str = PLAN,
        extra_conf: str = "",
    ) -> None:
        """sqitch.conf (engine, target, registry, runner), the plan and scripts."""
        (self.project / "sqitch.conf").write_text(
            f'[core]\n\tengine = {self.engine}\n[engine "{self.engine}"]\n'
            f"\ttarget = {self.uri}\n\tregistry = {self.registry}\n\trunner = {runner}\n"
            f"[user]\n\tname = Tester\n\temail = t@example.com\n{extra_conf}"
        )
        (self.project / "sqitch.plan").write_text(plan)
        self.put(default_scripts() if scripts is None else scripts)

    def put(self, scripts: Mapping[str, str]) -> None:
        """Write (or overwrite) scripts, e.g. ``{"deploy/c.sql": FAIL}``."""
        for name, text in scripts.items():
            path = self.project / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    # -- running SQLitch -------------------------------------------------------
    def sqlitch(self, *args: str, stdin: str = "") -> Outcome:
        """Run ``sqlitch args`` in-process in the project: (exit, stdout, stderr)."""
        self.capsys.readouterr()
        saved_cwd = os.getcwd()
        os.chdir(self.project)
        try:
            return run_captured(self.capsys, *args, stdin=stdin)
        finally:
            os.chdir(saved_cwd)

    def ok(self, *args: str) -> str:
        """Run and require exit 0; the standard output."""
        code, out, err = self.sqlitch(*args)
        assert code == 0, f"sqlitch {' '.join(args)} exited {code}\n{out}\n{err}"
        return out

    # -- what the databases hold -------------------------------------------------
    def snapshot(self) -> object:
        """Everything, exactly (no masking): equal before and after means untouched."""
        raise NotImplementedError

    def registry_dump(self) -> str:
        """The registry's tables and rows, clocks masked (comparable across projects)."""
        raise NotImplementedError

    def target_dump(self) -> str:
        """The target's own objects and rows (registry left out)."""
        raise NotImplementedError

    def registry_rows(self, sql: str) -> list[tuple[object, ...]]:
        """Rows of a query on the registry tables (none when there is no registry)."""
        raise NotImplementedError

    def tables(self) -> set[str]:
        """The target's own tables (registry tables left out)."""
        raise NotImplementedError

    def changes(self) -> list[str]:
        return [str(r[0]) for r in self.registry_rows("SELECT change FROM {changes} ORDER BY 1")]

    def events(self) -> list[tuple[str, str]]:
        rows = self.registry_rows("SELECT event, change FROM {events} ORDER BY committed_at")
        return [(str(e), str(c)) for e, c in rows]

    def agrees(self) -> bool:
        """Every recorded change has its table in the target, and vice versa."""
        return set(self.changes()) == self.tables()


class SqliteCase(Case):
    engine, client = "sqlite", "sqlite3"
    target_file = "flipr.db"

    @property
    def uri(self) -> str:
        return f"db:sqlite:{self.target_file}"

    @property
    def registry_path(self) -> Path:
        return self.project / "sqitch.db"

    @property
    def target_path(self) -> Path:
        return self.project / self.target_file

    def _files(self) -> list[Path]:
        found = []
        for db in dict.fromkeys([self.target_path, self.registry_path]):
            found += [db, Path(f"{db}-journal"), Path(f"{db}-wal")]
        return found

    def snapshot(self) -> object:
        files = {p.name: (p.read_bytes() if p.exists() else None) for p in self._files()}
        dumps = {p.name: sqlite_dump.dump_database(p) for p in self._files()[::3] if p.exists()}
        return dumps, files

    def _query(self, path: Path, sql: str) -> list[tuple[object, ...]]:
        if not path.exists():
            return []
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def _has_registry(self) -> bool:
        found = self._query(
            self.registry_path, "SELECT 1 FROM sqlite_master WHERE name = 'changes'"
        )
        return bool(found)

    def registry_rows(self, sql: str) -> list[tuple[object, ...]]:
        if not self._has_registry():
            return []
        return self._query(self.registry_path, sql.format(**{t: t for t in REGISTRY_TABLES}))

    def _own_table_names(self) -> list[str]:
        rows = self._query(
            self.target_path,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        names = [str(r[0]) for r in rows]
        if self.target_path.resolve() == self.registry_path.resolve():
            names = [n for n in names if n not in REGISTRY_TABLES]
        return names

    def tables(self) -> set[str]:
        return set(self._own_table_names())

    def registry_dump(self) -> str:
        if not self.registry_path.exists():
            return sqlite_dump.MARKER
        return sqlite_dump.dump_database(self.registry_path)

    def target_dump(self) -> str:
        if not self.target_path.exists():
            return sqlite_dump.MARKER
        text = sqlite_dump.dump_database(self.target_path)
        if self.target_path.resolve() == self.registry_path.resolve():
            raise AssertionError("target_dump of a target that is the registry file")
        return text


class PgCase(Case):
    engine, client = "pg", "psql"

    def __init__(
        self, project: Path, capsys: pytest.CaptureFixture[str], server: str, database: str
    ) -> None:
        super().__init__(project, capsys)
        self.server = server
        self.database = database

    @property
    def uri(self) -> str:
        return with_database(self.server, self.database)

    def connect(self) -> object:
        return pg_connect(self.server, self.database)

    def _dump(self) -> str:
        with pg_connect(self.server, self.database) as conn:
            return pg_dump.dump_database(conn, {self.database: "{TARGET}"})

    def snapshot(self) -> object:
        """The dump, and the registry's raw clock values the dump masks."""
        clocks = self.registry_rows(
            "SELECT 'release', installed_at::text FROM {releases}"
            " UNION ALL SELECT 'project', created_at::text FROM {projects}"
            " UNION ALL SELECT 'change', committed_at::text FROM {changes}"
            " UNION ALL SELECT 'tag', committed_at::text FROM {tags}"
            " UNION ALL SELECT 'event', committed_at::text FROM {events} ORDER BY 1, 2"
        )
        return self._dump(), clocks

    def _schema_exists(self, conn: object) -> bool:
        found = conn.execute(  # type: ignore[attr-defined]
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables"
            " WHERE schemaname = %s AND tablename = 'changes')",
            (self.registry,),
        ).fetchone()
        return bool(found[0])

    def registry_rows(self, sql: str) -> list[tuple[object, ...]]:
        schema = '"' + self.registry.replace('"', '""') + '"'
        with pg_connect(self.server, self.database) as conn:
            if not self._schema_exists(conn):
                return []
            text = sql.format(**{t: f"{schema}.{t}" for t in REGISTRY_TABLES})
            return [tuple(r) for r in conn.execute(text).fetchall()]

    def tables(self) -> set[str]:
        with pg_connect(self.server, self.database) as conn:
            rows = conn.execute(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        return {str(r[0]) for r in rows}

    def _schema_dump(self, keep: Callable[[str], bool]) -> str:
        """The dump's blocks of the schemas ``keep`` accepts."""
        text = self._dump()
        blocks = text.split("\n\n")
        kept = [blocks[0]]
        for block in blocks[1:]:
            head = block.split("\n", 1)[0]
            schema = _pg_block_schema(head)
            if schema is None or keep(schema):
                kept.append(block)
        return "\n\n".join(kept)

    def registry_dump(self) -> str:
        return self._schema_dump(lambda schema: schema == self.registry)

    def target_dump(self) -> str:
        return self._schema_dump(lambda schema: schema != self.registry)


def _pg_block_schema(head: str) -> str | None:
    """The schema a pg_dump block heading names ("table sqitch.changes",
    "schema sqitch", "rows sqitch.events", "trigger x on public.t"), if any."""
    words = head.split()
    if not words:
        return None
    if words[0] == "schema" and len(words) > 1:
        return words[1]
    for word in reversed(words[1:]):
        if "." in word:
            return word.split(".", 1)[0].strip('"')
    return None


ENGINES = ["sqlite", "pg"]


@pytest.fixture(autouse=True)
def private_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A temporary directory per test (import this fixture into a module):
    SQLitch keeps its interrupted-change trace there while a change runs
    apart from its record, named after the registry URI as written, so two
    runs of a "flipr" project at db:sqlite:flipr.db on this machine would
    otherwise see each other's (a bug, see xt/faults/test_kill.py)."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again


class Cases:
    """Makes cases of one engine, each with its own directory (and database)."""

    def __init__(
        self,
        engine: str,
        root: Path,
        capsys: pytest.CaptureFixture[str],
        stack: ExitStack,
    ) -> None:
        self.engine = engine
        self.root = root
        self.capsys = capsys
        self.stack = stack
        self.server = require_server(PG_VAR) if engine == "pg" else ""
        self.count = 0

    def __call__(self, name: str | None = None) -> Case:
        self.count += 1
        project = self.root / (name or f"project{self.count}")
        if self.engine == "sqlite":
            return SqliteCase(project, self.capsys)
        (database,) = self.stack.enter_context(pg_databases(self.server, 1, prefix="sqlitch_tx"))
        return PgCase(project, self.capsys, self.server, database)


def make_cases(engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Cases]:
    """For a fixture: ``yield from make_cases(...)``; databases dropped afterwards."""
    with ExitStack() as stack:
        yield Cases(engine, tmp_path / "cases", capsys, stack)
