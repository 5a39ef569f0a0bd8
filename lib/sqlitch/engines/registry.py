"""The Sqitch registry (release 1.1), read and written over DB-API.

One :class:`Registry` serves every engine: statements are written once with
``?`` placeholders and ``{table}`` fields and handed to the engine's
:class:`~sqlitch.engines.dialect.Dialect`. Rows are the ones Sqitch 1.3.1
writes, value for value (timestamps, space- and comma-joined lists), so a
database deployed by either tool can be continued by the other.

Read API (used by deploy/revert/verify and by status/log/check)::

    reg.version() -> float                      # 0.0 when there is no registry
    reg.initialized() -> bool
    reg.current_state(project=None) -> State | None
    reg.current_changes(project=None) -> list[ChangeRow]   # newest first
    reg.current_tags(project=None) -> list[TagRow]         # newest first
    reg.search_events(event=, change=, project=, committer=, planner=,
                      limit=, offset=, direction="DESC") -> list[Event]
    reg.deployed_changes() -> list[DeployedChange]         # oldest first
    reg.deployed_changes_since(change_id) -> list[DeployedChange]
    reg.load_change(change_id) -> DeployedChange | None
    reg.change_offset_from_id(change_id, offset) -> DeployedChange | None
    reg.change_id_offset_from_id(change_id, offset) -> str | None
    reg.change_id_for(change_id=, change=, tag=, project=, first=False) -> str | None
    reg.latest_change_id(offset=0, project=None) / earliest_change_id(...)
    reg.are_deployed_changes(ids) -> list[str]
    reg.is_deployed_change(id) / is_deployed_tag(id) -> bool
    reg.changes_requiring_changes(ids) -> dict[str, list[Requiring]]
    reg.name_for_change_id(change_id) -> str | None
    reg.registered_projects() -> list[str]

Write API: ``register_release``, ``register_project``, ``log_deploy_change``,
``log_fail_change``, ``log_revert_change``, ``log_new_tags``,
``update_script_hashes``; ``begin``/``commit``/``rollback`` for transactions.

The connection is opened on first use, through the engine's ``connect``
callable, and every driver error on the way (connecting included) leaves the
registry as a :class:`RegistryError`: Sqitch's message and exit code for every
command, with ``missing_table``/``missing_column`` set when the registry (or a
column an old registry lacks) does not exist, which the reads turn into
"nothing there".

The project defaults to the one the registry was opened for (the plan's).
``change_id_for`` raises :class:`AmbiguousChange` when a bare change name
matches several deployed changes; the engine turns that into Sqitch's report.
"""

# Statements interpolate only table names and fixed SQL keywords; values are bound.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlitch.engines.dialect import Dialect
from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from sqlitch.plan.model import Change, Tag

__all__ = [
    "AmbiguousChange",
    "ChangeRow",
    "DependencyRecord",
    "DeployedChange",
    "Event",
    "EventSubject",
    "Registry",
    "RegistryError",
    "Requiring",
    "State",
    "TagRow",
]


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[object] = ..., /) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...
    @property
    def description(self) -> Any: ...
    def close(self) -> Any: ...


class Connection(Protocol):
    """The part of a DB-API connection the registry uses."""

    def cursor(self) -> Any: ...
    def close(self) -> Any: ...


class RegistryError(SqlitchError):
    """A driver error from the registry, as Sqitch reports it (exit value 2)."""

    def __init__(
        self,
        message: str,
        *,
        ident: str,
        missing_table: bool = False,
        missing_column: bool = False,
        unique_violation: bool = False,
    ) -> None:
        super().__init__(message, ident=ident)
        self.missing_table = missing_table
        self.missing_column = missing_column
        self.unique_violation = unique_violation

    @classmethod
    def from_driver(cls, exc: BaseException, dialect: Dialect, ident: str) -> RegistryError:
        return cls(
            dialect.error_text(exc),
            ident=ident,
            missing_table=dialect.is_missing_table(exc),
            missing_column=dialect.is_missing_column(exc),
            unique_violation=dialect.is_unique_violation(exc),
        )


class AmbiguousChange(Exception):
    """A change name matches several deployed changes (IDs oldest first)."""

    def __init__(self, change: str, ids: list[str]) -> None:
        super().__init__(change)
        self.change = change
        self.ids = ids


@dataclass(frozen=True)
class DeployedChange:
    """A change as the registry records it (Sqitch's ``deployed_changes`` rows)."""

    id: str
    name: str
    project: str
    note: str
    timestamp: datetime  # planned_at
    planner_name: str
    planner_email: str
    tags: list[str]  # "@tag" names
    script_hash: str | None

    def format_name_with_tags(self) -> str:
        return " ".join([self.name, *self.tags])


@dataclass(frozen=True)
class State:
    """The latest deployed change of a project (``current_state``)."""

    change_id: str
    script_hash: str | None
    change: str
    project: str
    note: str
    committer_name: str
    committer_email: str
    committed_at: datetime
    planner_name: str
    planner_email: str
    planned_at: datetime
    tags: list[str]
    has_script_hash: bool = True  # False for pre-1.0 registries without the column


@dataclass(frozen=True)
class ChangeRow:
    change_id: str
    script_hash: str | None
    change: str
    committer_name: str
    committer_email: str
    committed_at: datetime
    planner_name: str
    planner_email: str
    planned_at: datetime


@dataclass(frozen=True)
class TagRow:
    tag_id: str
    tag: str
    committer_name: str
    committer_email: str
    committed_at: datetime
    planner_name: str
    planner_email: str
    planned_at: datetime


@dataclass(frozen=True)
class Event:
    """One events row. ``requires``/``conflicts``/``tags`` are as stored:
    comma-joined requires/conflicts; tags space-joined for deploy/fail events
    and comma-joined for revert events, exactly as Sqitch writes them; lists
    where the database has arrays (PostgreSQL)."""

    event: str
    project: str
    change_id: str
    change: str
    note: str
    requires: str | list[str]
    conflicts: str | list[str]
    tags: str | list[str]
    committer_name: str
    committer_email: str
    committed_at: datetime
    planner_name: str
    planner_email: str
    planned_at: datetime


@dataclass(frozen=True)
class Requiring:
    """A deployed change that requires another (``changes_requiring_changes``)."""

    change_id: str
    project: str
    change: str
    asof_tag: str | None


@dataclass(frozen=True)
class DependencyRecord:
    """A dependencies row to insert: type is "require" or "conflict"."""

    type: str
    dependency: str
    dependency_id: str | None


@dataclass(frozen=True)
class EventSubject:
    """What an events row says about a change."""

    id: str
    name: str
    project: str
    note: str
    planned_at: datetime
    planner_name: str
    planner_email: str
    tags: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    #: Sqitch joins tags with spaces, except those a revert deleted (commas).
    tag_separator: str = " "

    @classmethod
    def from_plan(cls, change: Change) -> EventSubject:
        project = change.context.project
        return cls(
            id=change.id,
            name=change.name,
            project=project,
            note=change.note,
            planned_at=change.timestamp,
            planner_name=change.planner_name,
            planner_email=change.planner_email,
            tags=tuple(t.format_name for t in change.tags),
            requires=tuple(d.as_string(project) for d in change.requires),
            conflicts=tuple(d.as_string(project) for d in change.conflicts),
        )

    @classmethod
    def from_deployed(cls, change: DeployedChange) -> EventSubject:
        return cls(
            id=change.id,
            name=change.name,
            project=change.project,
            note=change.note,
            planned_at=change.timestamp,
            planner_name=change.planner_name,
            planner_email=change.planner_email,
            tags=tuple(change.tags),
        )


def _precise_now() -> datetime:
    """Now, with sub-second precision unless the clock has been fixed (tests)."""
    from sqlitch import clock

    fixed = clock.now()
    real = datetime.now(UTC)
    return real if real.replace(microsecond=0) == fixed else fixed


_CHANGE_COLUMNS = """
    SELECT c.change_id AS id, c.change AS name, c.project, c.note,
           c.planned_at AS "timestamp", c.planner_name, c.planner_email,
           {agg} AS tags, c.script_hash
      FROM {changes} c
      LEFT JOIN {tags} t ON c.change_id = t.change_id"""
_CHANGE_GROUP = """
     GROUP BY c.change_id, c.change, c.project, c.note, c.planned_at,
           c.planner_name, c.planner_email, c.committed_at, c.script_hash"""


@dataclass
class Registry:
    """Registry reads and writes for one project over one DB-API connection."""

    #: Opens the DB-API connection (autocommit); called on first use.
    connect: Callable[[], Connection]
    dialect: Dialect
    project: str
    user_name: str
    user_email: str
    #: Source of "now"; committed_at values are kept strictly increasing.
    clock: Callable[[], datetime] = _precise_now
    _last_ts: datetime | None = field(default=None, repr=False)
    # Rendered statements by template: deploys run the same few per change.
    _rendered: dict[str, str] = field(default_factory=dict, repr=False)
    #: The ident of errors raised from here (the engine key).
    ident: str = "engine"
    #: Called with a table name and project before a changes/events row is written.
    before_log: Callable[[str, str], None] | None = None
    _connection: Connection | None = field(default=None, repr=False)

    # -- plumbing ------------------------------------------------------------
    def _sql(self, text: str) -> str:
        rendered = self._rendered.get(text)
        if rendered is None:
            rendered = self.dialect.sql(text.replace("{agg}", self.dialect.listagg("t.tag")))
            self._rendered[text] = rendered
        return rendered

    @property
    def connection(self) -> Connection:
        """The DB-API connection, opened (and set up) on first use."""
        if self._connection is None:
            try:
                self._connection = self.connect()
                self._run_all(self.dialect.session_statements)
            except Exception as exc:
                self.close()
                if isinstance(exc, SqlitchError):
                    raise
                raise RegistryError.from_driver(exc, self.dialect, self.ident) from exc
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            conn, self._connection = self._connection, None
            conn.close()

    @contextmanager
    def borrowed(self, connection: Connection, dialect: Dialect) -> Iterator[None]:
        """Read and write through another connection for a while (the driver
        runner's, so that a script and its rows share one transaction), with
        ``dialect`` naming the registry tables as that connection sees them.
        The connection stays its owner's; the clock's state is kept."""
        saved = (self._connection, self.dialect, self._rendered)
        self._connection, self.dialect, self._rendered = connection, dialect, {}
        try:
            yield
        finally:
            self._connection, self.dialect, self._rendered = saved

    def _run(self, sql: str, params: Sequence[object] = ()) -> Any:
        """Execute rendered SQL; driver errors become RegistryErrors."""
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
        except Exception as exc:
            raise RegistryError.from_driver(exc, self.dialect, self.ident) from exc
        return cursor

    def execute(self, text: str, params: Sequence[object] = ()) -> Any:
        """Run a registry statement (``?`` placeholders, ``{table}``/``{now}`` fields)."""
        _ = self.connection  # connecting may settle the dialect (the server's clock)
        return self._run(self._sql(text), params)

    def _fetchall(self, cursor: Any) -> list[Any]:
        try:
            found: list[Any] = cursor.fetchall()
        except Exception as exc:
            raise RegistryError.from_driver(exc, self.dialect, self.ident) from exc
        finally:
            cursor.close()
        return found

    def rows(self, text: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
        cursor = self.execute(text, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in self._fetchall(cursor)]

    def column(self, text: str, params: Sequence[object] = ()) -> list[Any]:
        return [row[0] for row in self._fetchall(self.execute(text, params))]

    def value(self, text: str, params: Sequence[object] = ()) -> Any:
        values = self.column(text, params)
        return values[0] if values else None

    def _run_all(self, statements: Sequence[str], *, raw: bool = False) -> None:
        """Run parameterless statements: in one call where the dialect batches.

        ``raw`` text is sent as is (no placeholder pass: values are in it)."""
        if not (self.dialect.batch_statements and (raw or len(statements) > 1)):
            for statement in statements:
                self._run(statement)
            return
        cursor = self.connection.cursor()
        try:
            if raw:
                cursor.execute("; ".join(statements))
            else:
                cursor.execute("; ".join(statements), ())
        except Exception as exc:
            raise RegistryError.from_driver(exc, self.dialect, self.ident) from exc
        try:
            while cursor.nextset():  # the later statements' errors surface here
                pass
        except Exception as exc:
            raise RegistryError.from_driver(exc, self.dialect, self.ident) from exc

    def begin(self) -> None:
        self._run_all([self._sql(statement) for statement in self.dialect.begin_statements])

    def commit(self) -> None:
        self._run_all(self.dialect.commit_statements)

    def rollback(self) -> None:
        self._run_all(self.dialect.rollback_statements)

    def now(self) -> list[object]:
        """Parameters for one ``{now}`` field: none when the database's clock fills it."""
        return [] if self.dialect.now_sql else [self.timestamp()]

    def timestamp(self) -> object:
        """A committed_at value later than every one this registry holds (SQLitch's clock)."""
        moment = self.clock()
        if self._last_ts is None:
            self._last_ts = self._latest_recorded()
        step = timedelta(milliseconds=1)
        if self._last_ts is not None and moment < self._last_ts + step:
            moment = self._last_ts + step
        self._last_ts = moment
        return self.dialect.committed_value(moment)

    def _latest_recorded(self) -> datetime | None:
        try:
            latest = self.value("SELECT MAX(committed_at) FROM {events}")
        except RegistryError as exc:
            if exc.missing_table:
                return None
            raise
        return None if latest is None else self.dialect.parse_timestamp(latest)

    def _ts(self, value: object) -> datetime:
        return self.dialect.parse_timestamp(value)

    def _deployed(self, row: dict[str, Any]) -> DeployedChange:
        return DeployedChange(
            id=row["id"],
            name=row["name"],
            project=row["project"],
            note=row["note"],
            timestamp=self._ts(row["timestamp"]),
            planner_name=row["planner_name"],
            planner_email=row["planner_email"],
            tags=self.dialect.split_tags(row["tags"]),
            script_hash=row["script_hash"],
        )

    # -- registry itself -----------------------------------------------------
    def version(self) -> float:
        """The registry release; 0.0 when there are no registry tables.

        :attr:`version_text` keeps it as the database wrote it, which is how
        Sqitch prints it (PostgreSQL's ``1`` for release 1.0)."""
        self.version_text = None
        try:
            found = self.value(self.dialect.version_query)
        except RegistryError as exc:
            if exc.missing_table:
                return 0.0
            raise
        if found is None:
            return 0.0
        self.version_text = str(found)
        return float(found)

    #: The release :meth:`version` last read, as text (None: none).
    version_text: str | None = None

    def initialized(self) -> bool:
        """Whether the registry tables exist (engines override the probe)."""
        try:
            self.value("SELECT 1 FROM {changes} WHERE 1 = 0")
        except RegistryError as exc:
            if exc.missing_table:
                return False
            raise
        return True

    def register_release(self, version: float) -> None:
        self.begin()
        self.execute(
            "INSERT INTO {releases} (version, installed_at, installer_name, installer_email)"
            " VALUES (?, {now}, ?, ?)",
            (version, *self.now(), self.user_name, self.user_email),
        )
        self.commit()

    def registered_projects(self) -> list[str]:
        return [str(p) for p in self.column("SELECT project FROM {projects} ORDER BY project")]

    def project_uri(self, project: str) -> tuple[bool, str | None]:
        """Whether ``project`` is registered, and its URI."""
        found = self.rows("SELECT uri FROM {projects} WHERE project = ?", (project,))
        return (True, found[0]["uri"]) if found else (False, None)

    def project_for_uri(self, uri: str) -> str | None:
        found = self.value("SELECT project FROM {projects} WHERE uri = ?", (uri,))
        return None if found is None else str(found)

    def insert_project(self, project: str, uri: str | None) -> None:
        self.execute(
            "INSERT INTO {projects} (project, uri, creator_name, creator_email, created_at)"
            " VALUES (?, ?, ?, ?, {now})",
            (project, uri, self.user_name, self.user_email, *self.now()),
        )

    # -- state -----------------------------------------------------------------
    def current_state(self, project: str | None = None) -> State | None:
        """The latest deployed change, or None (also when there is no registry)."""
        try:
            return self._select_state(project, with_hash=True)
        except RegistryError as exc:
            # As Sqitch: a missing table means "no registry" only when there is
            # no changes table; a registry missing some other table is an error.
            if exc.missing_table and not self.initialized():
                return None
            if exc.missing_column:
                return self._select_state(project, with_hash=False)
            raise

    def _select_state(self, project: str | None, *, with_hash: bool) -> State | None:
        hash_col = "c.script_hash, " if with_hash else ""
        found = self.rows(
            f"""
            SELECT c.change_id, {hash_col}c.change, c.project, c.note,
                   c.committer_name, c.committer_email, c.committed_at,
                   c.planner_name, c.planner_email, c.planned_at, {{agg}} AS tags
              FROM {{changes}} c
              LEFT JOIN {{tags}} t ON c.change_id = t.change_id
             WHERE c.project = ?
             GROUP BY c.change_id, {hash_col}c.change, c.project, c.note,
                   c.committer_name, c.committer_email, c.committed_at,
                   c.planner_name, c.planner_email, c.planned_at
             ORDER BY c.committed_at DESC
             LIMIT 1""",
            (project or self.project,),
        )
        if not found:
            return None
        row = found[0]
        return State(
            change_id=row["change_id"],
            script_hash=row.get("script_hash"),
            change=row["change"],
            project=row["project"],
            note=row["note"],
            committer_name=row["committer_name"],
            committer_email=row["committer_email"],
            committed_at=self._ts(row["committed_at"]),
            planner_name=row["planner_name"],
            planner_email=row["planner_email"],
            planned_at=self._ts(row["planned_at"]),
            tags=self.dialect.split_tags(row["tags"]),
            has_script_hash=with_hash,
        )

    def current_changes(self, project: str | None = None) -> list[ChangeRow]:
        rows = self.rows(
            """
            SELECT change_id, script_hash, "change", committer_name, committer_email,
                   committed_at, planner_name, planner_email, planned_at
              FROM {changes}
             WHERE project = ?
             ORDER BY committed_at DESC""",
            (project or self.project,),
        )
        for row in rows:
            row["committed_at"] = self._ts(row["committed_at"])
            row["planned_at"] = self._ts(row["planned_at"])
        return [ChangeRow(**row) for row in rows]

    def current_tags(self, project: str | None = None) -> list[TagRow]:
        rows = self.rows(
            """
            SELECT tag_id, tag, committer_name, committer_email, committed_at,
                   planner_name, planner_email, planned_at
              FROM {tags}
             WHERE project = ?
             ORDER BY committed_at DESC""",
            (project or self.project,),
        )
        for row in rows:
            row["committed_at"] = self._ts(row["committed_at"])
            row["planned_at"] = self._ts(row["planned_at"])
        return [TagRow(**row) for row in rows]

    def search_events(
        self,
        *,
        event: Iterable[str] | None = None,
        change: str | None = None,
        project: str | None = None,
        committer: str | None = None,
        planner: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        direction: str = "DESC",
    ) -> list[Event]:
        """Events, newest first by default; name filters are regular expressions.

        Unlike the other reads this does not default to the registry's project.
        """
        wheres: list[str] = []
        params: list[object] = []
        for column, regex in (
            ("e.committer_name", committer),
            ("e.planner_name", planner),
            ("e.change", change),
            ("e.project", project),
        ):
            if regex is not None:
                wheres.append(f"{column} {self.dialect.regex_op} ?")
                params.append(regex)
        events = list(event or [])
        if events:
            wheres.append(f"e.event IN ({', '.join('?' for _ in events)})")
            params.extend(events)
        order = "ASC" if direction.upper().startswith("ASC") else "DESC"
        tail = ""
        if limit:
            tail += " LIMIT ?"
            params.append(limit)
        if offset:
            if not limit:
                tail += f" LIMIT {self.dialect.limit_all}"
            tail += " OFFSET ?"
            params.append(offset)
        where = f" WHERE {' AND '.join(wheres)}" if wheres else ""
        rows = self.rows(
            "SELECT e.event, e.project, e.change_id, e.change, e.note, e.requires,"
            " e.conflicts, e.tags, e.committer_name, e.committer_email, e.committed_at,"
            " e.planner_name, e.planner_email, e.planned_at"
            f" FROM {{events}} e{where} ORDER BY e.committed_at {order}{tail}",
            params,
        )
        for row in rows:
            row["committed_at"] = self._ts(row["committed_at"])
            row["planned_at"] = self._ts(row["planned_at"])
        return [Event(**row) for row in rows]

    # -- deployed changes ------------------------------------------------------
    def deployed_changes(self) -> list[DeployedChange]:
        rows = self.rows(
            _CHANGE_COLUMNS
            + " WHERE c.project = ?"
            + _CHANGE_GROUP
            + " ORDER BY c.committed_at ASC",
            (self.project,),
        )
        return [self._deployed(r) for r in rows]

    def deployed_changes_since(self, change_id: str) -> list[DeployedChange]:
        rows = self.rows(
            _CHANGE_COLUMNS + " WHERE c.project = ? AND c.committed_at >"
            " (SELECT committed_at FROM {changes} WHERE change_id = ?)"
            + _CHANGE_GROUP
            + " ORDER BY c.committed_at ASC",
            (self.project, change_id),
        )
        return [self._deployed(r) for r in rows]

    def load_change(self, change_id: str) -> DeployedChange | None:
        rows = self.rows(
            _CHANGE_COLUMNS + " WHERE c.change_id = ?" + _CHANGE_GROUP,
            (change_id,),
        )
        return self._deployed(rows[0]) if rows else None

    @staticmethod
    def _offset_parts(offset: int) -> tuple[str, str, str]:
        # The skip goes into the SQL as Perl prints it: beyond 64 bits a
        # double ("1e+20": "datatype mismatch"), or "Inf" ("no such column").
        from sqlitch.config.cast import format_number

        skip = offset - 1 if offset > 0 else -offset - 1
        try:
            shown = format_number(skip)
        except OverflowError:
            shown = "Inf"
        return ("ASC", ">", shown) if offset > 0 else ("DESC", "<", shown)

    def change_offset_from_id(self, change_id: str, offset: int) -> DeployedChange | None:
        if not offset:
            return self.load_change(change_id)
        order, op, skip = self._offset_parts(offset)
        rows = self.rows(
            _CHANGE_COLUMNS + f" WHERE c.project = ? AND c.committed_at {op}"
            " (SELECT committed_at FROM {changes} WHERE change_id = ?)"
            + _CHANGE_GROUP
            + f" ORDER BY c.committed_at {order} LIMIT 1 OFFSET {skip}",
            (self.project, change_id),
        )
        return self._deployed(rows[0]) if rows else None

    def change_id_offset_from_id(self, change_id: str, offset: int) -> str | None:
        if not offset:
            return change_id
        order, op, skip = self._offset_parts(offset)
        found = self.value(
            f"SELECT change_id FROM {{changes}} WHERE project = ? AND committed_at {op}"
            " (SELECT committed_at FROM {changes} WHERE change_id = ?)"
            f" ORDER BY committed_at {order} LIMIT 1 OFFSET {skip}",
            (self.project, change_id),
        )
        return None if found is None else str(found)

    def _cid(self, order: str, offset: int, project: str | None) -> str | None:
        try:
            found = self.value(
                f"SELECT change_id FROM {{changes}} WHERE project = ?"
                f" ORDER BY committed_at {order} LIMIT 1 OFFSET ?",
                (project or self.project, offset or 0),
            )
        except RegistryError as exc:
            if exc.missing_table and not self.initialized():
                return None
            raise
        return None if found is None else str(found)

    def latest_change_id(self, offset: int = 0, project: str | None = None) -> str | None:
        return self._cid("DESC", offset, project)

    def earliest_change_id(self, offset: int = 0, project: str | None = None) -> str | None:
        return self._cid("ASC", offset, project)

    def change_id_for(
        self,
        *,
        change_id: str | None = None,
        change: str | None = None,
        tag: str | None = None,
        project: str | None = None,
        first: bool = False,
    ) -> str | None:
        """Resolve a reference to a deployed change ID (Sqitch's lookup rules)."""
        if change_id:
            found = self.value("SELECT change_id FROM {changes} WHERE change_id = ?", (change_id,))
            return None if found is None else str(found)
        proj = project or self.project
        if change:
            if tag:
                if tag == "ROOT":
                    return None
                if tag == "HEAD":
                    found = self.value(
                        'SELECT change_id FROM {changes} WHERE project = ? AND "change" = ?'
                        " ORDER BY committed_at DESC LIMIT 1",
                        (proj, change),
                    )
                    return None if found is None else str(found)
                found = self.value(
                    """
                    SELECT c.change_id
                      FROM {changes} c
                      JOIN {tags} t
                        ON c.committed_at <= t.committed_at AND c.project = t.project
                     WHERE c.project = ? AND c.change = ? AND t.tag = ?
                     ORDER BY c.committed_at DESC LIMIT 1""",
                    (proj, change, "@" + tag),
                )
                return None if found is None else str(found)
            ids = [
                str(i)
                for i in self.column(
                    'SELECT change_id FROM {changes} WHERE project = ? AND "change" = ?'
                    " ORDER BY committed_at ASC",
                    (proj, change),
                )
            ]
            if first or len(ids) <= 1:
                return ids[0] if ids else None
            raise AmbiguousChange(change, ids)
        if tag:
            if tag == "HEAD":
                return self._cid("DESC", 0, proj)
            if tag == "ROOT":
                return self._cid("ASC", 0, proj)
            found = self.value(
                "SELECT change_id FROM {tags} WHERE project = ? AND tag = ?", (proj, "@" + tag)
            )
            return None if found is None else str(found)
        return None

    def are_deployed_changes(self, ids: Sequence[str]) -> list[str]:
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        return [
            str(i)
            for i in self.column(
                f"SELECT change_id FROM {{changes}} WHERE change_id IN ({marks})", ids
            )
        ]

    def is_deployed_change(self, change_id: str) -> bool:
        return bool(self.column("SELECT 1 FROM {changes} WHERE change_id = ?", (change_id,)))

    def is_deployed_tag(self, tag_id: str) -> bool:
        return bool(self.column("SELECT 1 FROM {tags} WHERE tag_id = ?", (tag_id,)))

    def changes_requiring_changes(self, change_ids: Sequence[str]) -> dict[str, list[Requiring]]:
        """The deployed changes requiring each of ``change_ids`` (few queries for many IDs)."""
        found: dict[str, list[Requiring]] = {cid: [] for cid in change_ids}
        ids = list(found)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.rows(
                f"""
                SELECT d.dependency_id AS required, c.change_id, c.project, c.change, (
                       SELECT tag
                         FROM {{changes}} c2
                         JOIN {{tags}} ON c2.change_id = {{tags}}.change_id
                        WHERE c2.project = c.project AND c2.committed_at >= c.committed_at
                        ORDER BY c2.committed_at
                        LIMIT 1
                       ) AS asof_tag
                  FROM {{dependencies}} d
                  JOIN {{changes}} c ON c.change_id = d.change_id
                 WHERE d.dependency_id IN ({marks})""",
                chunk,
            )
            for row in rows:
                found[row.pop("required")].append(Requiring(**row))
        return found

    def name_for_change_id(self, change_id: str) -> str | None:
        tag = """COALESCE((
                   SELECT tag
                     FROM {changes} c2
                     JOIN {tags} ON c2.change_id = {tags}.change_id
                    WHERE c2.committed_at >= c.committed_at AND c2.project = c.project
                    LIMIT 1
                   ), '@HEAD')"""
        found = self.value(
            f"SELECT {self.dialect.concat('c.change', tag)} FROM {{changes}} c WHERE change_id = ?",
            (change_id,),
        )
        return None if found is None else str(found)

    # -- logging -----------------------------------------------------------------
    def log_deploy_change(
        self,
        change: Change,
        script_hash: str | None,
        dependencies: Sequence[DependencyRecord],
    ) -> None:
        """Record a deployed change, its dependencies, its tags and the event."""
        project = change.context.project
        if self.before_log is not None:
            self.before_log("changes", project)
            self.before_log("events", project)
        statements: list[tuple[str, Sequence[object]]] = [
            (
                'INSERT INTO {changes} (change_id, script_hash, "change", project, note,'
                " committer_name, committer_email, planned_at, planner_name, planner_email,"
                " committed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {now})",
                (
                    change.id,
                    script_hash,
                    change.name,
                    project,
                    change.note,
                    self.user_name,
                    self.user_email,
                    self.dialect.planned_value(change.timestamp),
                    change.planner_name,
                    change.planner_email,
                    *self.now(),
                ),
            )
        ]
        if dependencies:
            values = ", ".join("(?, ?, ?, ?)" for _ in dependencies)
            params: list[object] = []
            for dep in dependencies:
                params.extend((change.id, dep.type, dep.dependency, dep.dependency_id))
            statements.append(
                (
                    "INSERT INTO {dependencies} (change_id, type, dependency, dependency_id)"
                    f" VALUES {values}",
                    params,
                )
            )
        if change.tags:
            statements.append(self._tags_statement(change, change.tags))
        statements.append(self._event_statement("deploy", EventSubject.from_plan(change)))
        try:
            self.execute_all(statements)
        except RegistryError as exc:
            if not exc.unique_violation:
                raise
            # Sqitch 1.4.0 (#630): said plainly, not as the database's error.
            # (The registry's unique key is the project and the script hash.)
            raise RegistryError(
                f'Cannot log change "{change.name}": The deploy script is not unique',
                ident="engine",
            ) from exc

    def execute_all(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        """Run registry statements in order: in one call where the dialect batches.

        Batching renders the values into the text with the driver's own
        quoting (``cursor.mogrify``), so it is for drivers that have it.
        """
        if not (self.dialect.batch_statements and len(statements) > 1):
            for text, params in statements:
                self.execute(text, params)
            return
        cursor = self.connection.cursor()
        sql = "; ".join(
            cursor.mogrify(self._sql(text), tuple(params)) for text, params in statements
        )
        self._run_all([sql], raw=True)

    def _tags_statement(self, change: Change, tags: Sequence[Tag]) -> tuple[str, list[object]]:
        """One statement for all of a change's tags, so they share one committed_at."""
        project = change.context.project
        now = self.now()
        params: list[object] = []
        for tag in tags:
            params.extend(
                (
                    tag.id,
                    tag.format_name,
                    project,
                    change.id,
                    tag.note,
                    self.user_name,
                    self.user_email,
                    self.dialect.planned_value(tag.timestamp),
                    tag.planner_name,
                    tag.planner_email,
                    *now,
                )
            )
        values = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {now})" for _ in tags)
        return (
            "INSERT INTO {tags} (tag_id, tag, project, change_id, note, committer_name,"
            " committer_email, planned_at, planner_name, planner_email, committed_at)"
            f" VALUES {values}",
            params,
        )

    def log_new_tags(self, change: Change) -> None:
        """Record the plan's tags on a deployed change that the registry lacks."""
        tags = [tag for tag in change.tags if not self.is_deployed_tag(tag.id)]
        if tags:
            self.execute(*self._tags_statement(change, tags))

    def log_fail_change(self, change: Change) -> None:
        self.log_event("fail", EventSubject.from_plan(change))

    def log_revert_change(self, change: DeployedChange) -> None:
        """Delete a change's rows (tags, dependencies, change) and record the event."""
        cid = change.id
        # One query for the tags and both kinds of dependency: on a server
        # every round trip counts.
        found = self._fetchall(
            self.execute(
                "SELECT 'tag', tag FROM {tags} WHERE change_id = ?"
                " UNION ALL SELECT type, dependency FROM {dependencies} WHERE change_id = ?",
                (cid, cid),
            )
        )
        deleted = tuple(str(name) for kind, name in found if kind == "tag")
        subject = replace(
            EventSubject.from_deployed(change),
            requires=tuple(str(d) for kind, d in found if kind == "require"),
            conflicts=tuple(str(d) for kind, d in found if kind == "conflict"),
        )
        # Sqitch records the deleted tags; where it joins them into a string,
        # an empty string falls back to the change's own tags.
        if deleted or self.dialect.lists_as_arrays:
            subject = replace(subject, tags=deleted, tag_separator=",")
        if self.before_log is not None:
            self.before_log("events", subject.project)
        self.execute_all(
            [
                ("DELETE FROM {tags} WHERE change_id = ?", (cid,)),
                ("DELETE FROM {dependencies} WHERE change_id = ?", (cid,)),
                ("DELETE FROM {changes} WHERE change_id = ?", (cid,)),
                self._event_statement("revert", subject),
            ]
        )

    def log_event(self, event: str, subject: EventSubject) -> None:
        if self.before_log is not None:
            self.before_log("events", subject.project)
        self.execute(*self._event_statement(event, subject))

    def _event_statement(self, event: str, subject: EventSubject) -> tuple[str, list[object]]:
        return (
            'INSERT INTO {events} (event, change_id, "change", project, note, tags, requires,'
            " conflicts, committer_name, committer_email, planned_at, planner_name,"
            " planner_email, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {now})",
            [
                event,
                subject.id,
                subject.name,
                subject.project,
                subject.note,
                self.dialect.event_list(subject.tags, subject.tag_separator),
                self.dialect.event_list(subject.requires, ","),
                self.dialect.event_list(subject.conflicts, ","),
                self.user_name,
                self.user_email,
                self.dialect.planned_value(subject.planned_at),
                subject.planner_name,
                subject.planner_email,
                *self.now(),
            ],
        )

    def update_script_hashes(self, hashes: Iterable[tuple[str, str | None]]) -> None:
        """Replace placeholder hashes (equal to the change ID) left by the 1.0 upgrade."""
        self.begin()
        for change_id, script_hash in hashes:
            self.execute(
                "UPDATE {changes} SET script_hash = ? WHERE change_id = ? AND script_hash = ?",
                (script_hash, change_id, change_id),
            )
        self.execute(
            "UPDATE {changes} SET script_hash = NULL WHERE project = ? AND script_hash = change_id",
            (self.project,),
        )
        self.commit()
