"""Dry runs and SQL files: what a deploy or revert would do, shown or
written out without changing anything.

A dry run (``deploy --dry-run``, ``revert --dry-run``, and the halves of
``rebase``/``checkout --dry-run``) reads the registry over a connection that
cannot write and whose opening creates nothing
(:meth:`~sqlitch.engines.base.Engine.connect_registry_read_only`), takes no
lock, and goes through the real command's planning
(:meth:`~sqlitch.engines.base.Engine._plan_deploy`,
:meth:`~sqlitch.engines.base.Engine._plan_revert`): the same checks, errors
and exit values, with a :class:`DeployPreview` noting the registry writes
instead of making them. It then prints the plan of action. In ``rebase`` and
``checkout`` the deploy half sees the registry as the revert half would
leave it (:class:`Simulation`).

``--sql`` turns the same plan into one script for the engine's own client
(``sqlite3``, ``psql``, ``mysql``) to run on the target: each change's script
inlined in order, as written (the client resolves its variables as it does
for Sqitch), then the registry rows SQLitch would record for it in a
registry transaction of their own, as Sqitch does with the client runner.
Those registry statements are not written twice: the real
:class:`~sqlitch.engines.registry.Registry` methods run against a recording
connection (reads go to the registry, writes are kept) in the engine's
:meth:`~sqlitch.engines.base.Engine.script_registry_dialect`, and the engine
writes their values in as literals (:meth:`~sqlitch.engines.base.Engine.script_literal`).
Each engine's ``script_*`` hooks supply the rest: the file's preamble (client
settings, variables, SQLite's ``ATTACH`` of the registry file), the
registry's creation, what separates one change script from the next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlitch.engines.registry import Registry
from sqlitch.errors import hurl

if TYPE_CHECKING:
    from sqlitch.engines.base import Engine
    from sqlitch.engines.dialect import Dialect
    from sqlitch.engines.registry import DeployedChange
    from sqlitch.plan.model import Change, Tag

__all__ = [
    "DeployPreview",
    "Simulation",
    "deploy_sql",
    "dry_run_deploy",
    "dry_run_revert",
    "qmark_literals",
    "revert_sql",
    "sql_literal",
]


@dataclass
class Simulation:
    """The registry as a dry run pretends it is."""

    #: The registry does not exist yet (the deploy would create it).
    no_registry: bool = False
    #: Changes an earlier revert of the same dry run would remove.
    reverted: set[str] = field(default_factory=set)


@dataclass
class DeployPreview:
    """The registry writes a deploy would make besides recording its changes."""

    create_registry: bool = False
    #: The release the registry is at and the upgrade scripts it would run.
    upgrade_from: float = 0.0
    upgrades: list[tuple[float, Path]] = field(default_factory=list)
    #: Placeholder script hashes (left by the 1.0 upgrade) would be replaced.
    update_hashes: bool = False
    #: The latest deployed change, when it has tags in the plan, and those
    #: of its tags the registry lacks (recorded by the sync with the plan).
    tagged: Change | None = None
    new_tags: list[Tag] = field(default_factory=list)
    register_project: bool = False


# -- dry runs ------------------------------------------------------------------
def dry_run_deploy(
    engine: Engine, to: str | None, mode: str, *, scripts: bool = True
) -> list[Change] | None:
    """Print what ``deploy`` would do; the changes it would deploy (None:
    nothing to deploy). ``scripts``: check that their deploy scripts exist
    (not when they come from another branch, as in checkout)."""
    engine._refuse_atomic("deploy")
    pending = engine._plan_deploy(to, mode, DeployPreview())
    if pending is None:
        return None
    for change in pending:
        engine.out.info(f"  + {change.format_name_with_tags()}")
    if scripts:
        for change in pending:
            engine._existing_script(change, "deploy")
    return pending


def dry_run_revert(engine: Engine, to: str | None) -> list[DeployedChange] | None:
    """Print what ``revert`` would do (asking nothing); the changes it would
    revert, newest first (None: nothing to revert). A later dry-run deploy
    on the same engine sees them gone."""
    engine._refuse_atomic("revert")
    engine.check_registry()
    changes = engine._plan_revert(to, dry=True)
    if changes is None:
        return None
    if engine.options.atomic:
        engine._atomic_preview("revert", changes)
    for change in changes:
        engine.out.info(f"  - {change.format_name_with_tags()}")
    for change in changes:
        engine._existing_script(change, "revert")
    engine._simulation().reverted.update(change.id for change in changes)
    return changes


# -- SQL files -------------------------------------------------------------------
def deploy_sql(engine: Engine, to: str | None, mode: str, file: str) -> str:
    """The SQL script that performs ``deploy`` when the engine's client runs
    it on the target (``file`` names it in its instructions)."""
    _refuse_sql_atomic(engine, "deploy")
    preview = DeployPreview()
    pending = engine._plan_deploy(to, mode, preview) or []
    if preview.upgrades:
        from sqlitch.engines.base import _num

        raise hurl(
            f"Cannot write the deploy SQL: the registry is at version"
            f" {engine.stored_version(preview.upgrade_from)} and needs upgrading to"
            f' {_num(engine.registry_release)} first; run "sqlitch upgrade"',
            ident="deploy",
        )
    for change in pending:
        engine.out.info(f"  + {change.format_name_with_tags()}")
    paths = {change.id: engine._existing_script(change, "deploy") for change in pending}
    script = SqlScript(engine)
    script.header("deploy", [c.format_name_with_tags() for c in pending], file)
    plan = engine.plan
    if preview.update_hashes:
        script.registry_writes(
            lambda reg: reg.update_script_hashes(
                (c.id, engine._script_hash(c)) for c in plan.changes
            )
        )
    tagged = preview.tagged
    if tagged is not None and preview.new_tags:
        script.registry_writes(lambda reg: reg.log_new_tags(tagged))
    if preview.create_registry:
        script.section("Registry tables")
        script.add(engine.script_registry_creation())
        script.registry_writes(lambda reg: reg.register_release(engine.registry_release))
    if preview.register_project:
        script.registry_writes(lambda reg: reg.insert_project(plan.project, plan.uri))
    with_verify = engine.options.with_verify
    for change in pending:
        run = [] if engine.options.log_only else [paths[change.id]]
        verify = engine.script_file(change, "verify")
        if run and with_verify and verify.exists():
            run.append(verify)
        script.change("+", change.format_name_with_tags(), run)
        script.registry_writes(_deploy_rows(engine, change))
    return script.text()


def _deploy_rows(engine: Engine, change: Change) -> Callable[[Registry], None]:
    def work(reg: Registry) -> None:
        reg.begin()
        reg.log_deploy_change(change, engine._script_hash(change), engine._deps.get(change.id, []))
        reg.commit()

    return work


def revert_sql(engine: Engine, to: str | None, file: str) -> str:
    """The SQL script that performs ``revert`` when the engine's client runs
    it on the target."""
    _refuse_sql_atomic(engine, "revert")
    engine.check_registry()
    changes = engine._plan_revert(to, dry=True) or []
    for change in changes:
        engine.out.info(f"  - {change.format_name_with_tags()}")
    paths = {change.id: engine._existing_script(change, "revert") for change in changes}
    script = SqlScript(engine)
    script.header("revert", [c.format_name_with_tags() for c in changes], file)
    for change in changes:
        run = [] if engine.options.log_only else [paths[change.id]]
        script.change("-", change.format_name_with_tags(), run)
        script.registry_writes(_revert_rows(change))
    return script.text()


def _revert_rows(change: DeployedChange) -> Callable[[Registry], None]:
    def work(reg: Registry) -> None:
        reg.begin()
        reg.log_revert_change(change)
        reg.commit()

    return work


def _refuse_sql_atomic(engine: Engine, action: str) -> None:
    engine._refuse_atomic(action)  # a database that cannot says so first
    if engine.options.atomic:
        raise hurl(
            f"Cannot write the {action} SQL atomically: the file runs each change's script"
            f" as written, then records it (use --no-atomic)",
            ident=action,
        )


class SqlScript:
    """A ``--sql`` file being written for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.script_registry_dialect()
        self.recorder = _Recorder(engine, self.dialect)
        recorder = self.recorder
        self.registry = Registry(
            connect=lambda: recorder,
            dialect=self.dialect,
            project=engine.plan.project,
            user_name=engine.out.user_name,
            user_email=engine.out.user_email,
            ident=engine.key,
        )
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text if text.endswith("\n") else text + "\n")

    def section(self, title: str) -> None:
        self.add(f"\n-- {title}")

    def header(self, action: str, names: Sequence[str], file: str) -> None:
        engine = self.engine
        count = len(names)
        noun = "change" if count == 1 else "changes"
        what = f"{action.capitalize()} {count} {noun}"
        where = "to" if action == "deploy" else "from"
        self.add(
            f"-- {what} of project {engine.plan.project} {where} {engine.destination}"
            f" (sqlitch {action} --sql).\n"
            "-- Run it with the database's client:\n"
            f"--   {engine.script_run_hint(file)}\n"
            f"-- Each change's {action} script runs as written, then its registry rows are\n"
            "-- committed, as with Sqitch's client runner. The first error stops the run:\n"
            "-- the changes before it stay done and recorded, nothing is undone.\n"
            + "".join(f"--   {'+' if action == 'deploy' else '-'} {name}\n" for name in names)
        )
        self.add(engine.script_preamble())

    def change(self, sign: str, name: str, scripts: Sequence[Path]) -> None:
        self.section(f"{sign} {name}")
        for path in scripts:
            self.add(f"-- {path}")
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            self.add(self.engine.script_change(text))

    def registry_writes(self, work: Callable[[Registry], None]) -> None:
        """Registry statements ``work`` makes, with their values written in."""
        self.recorder.kept.clear()
        work(self.registry)
        literal = self.engine.script_literal
        self.add(
            self.engine.script_registry_block(
                [literal(sql, params) for sql, params in self.recorder.kept]
            )
        )

    def text(self) -> str:
        return "".join(self.parts)


class _Recorder:
    """A DB-API connection that keeps writes instead of running them; reads
    go to the engine's (read-only) registry connection."""

    def __init__(self, engine: Engine, dialect: Dialect) -> None:
        self.engine = engine
        self.file_qualifier = dialect.qualifier
        self.kept: list[tuple[str, tuple[object, ...]]] = []

    def cursor(self) -> _RecordingCursor:
        return _RecordingCursor(self)

    def close(self) -> None:
        return None

    def read(self, sql: str, params: tuple[object, ...]) -> Any:
        """A cursor that ran the read ``sql`` on the real registry connection,
        its tables named as that connection names them."""
        if self.file_qualifier:
            sql = sql.replace(self.file_qualifier, self.engine.dialect.qualifier)
        cursor = self.engine.registry.connection.cursor()
        cursor.execute(sql, params)
        return cursor


class _RecordingCursor:
    def __init__(self, recorder: _Recorder) -> None:
        self.recorder = recorder
        self._read: Any = None

    def execute(self, sql: str, params: Sequence[object] = (), /) -> None:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            self._read = self.recorder.read(sql, tuple(params))
        else:
            self._read = None
            self.recorder.kept.append((sql, tuple(params)))

    @property
    def description(self) -> Any:
        return None if self._read is None else self._read.description

    def fetchall(self) -> list[Any]:
        return [] if self._read is None else list(self._read.fetchall())

    def fetchone(self) -> Any:
        return None if self._read is None else self._read.fetchone()

    def close(self) -> None:
        if self._read is not None:
            self._read.close()
            self._read = None


# -- literals ------------------------------------------------------------------
def sql_literal(value: object) -> str:
    """``value`` as a standard SQL literal (strings quoted, quotes doubled)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, bytes | bytearray):
        return "X'" + bytes(value).hex() + "'"
    if isinstance(value, datetime):
        value = value.isoformat(sep=" ")
    return "'" + str(value).replace("'", "''") + "'"


def qmark_literals(sql: str, params: Sequence[object]) -> str:
    """``sql`` with each ``?`` placeholder (outside quotes) replaced by its value."""
    values = iter(params)
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
            out.append(char)
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append(sql_literal(next(values)))
        else:
            out.append(char)
    return "".join(out)
