"""The SQLite engine: hooks for :class:`sqlitch.engines.base.Engine`.

Like Sqitch, the registry lives in its own database file beside the target:
``db:sqlite:sub/flipr.db`` keeps it in ``sub/sqitch.db`` (the registry name
replaces the file's base name and keeps its extension; an absolute registry
path is used as is). Scripts run through ``sqlite3`` invoked exactly as
Sqitch invokes it (``-noheader -bail -batch -csv <db> ".read '<file>'"``) or,
with the driver runner, through the stdlib ``sqlite3`` module.

Locking (an SQLitch addition; Sqitch's SQLite engine has none): an exclusive
``flock`` on the registry file, held for the whole command, so two deploys
never interleave. ``flock`` locks are independent of the POSIX record locks
SQLite itself takes, so this never interferes with database access.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from sqlitch.engines.base import Engine
from sqlitch.engines.dialect import Dialect, registry_datetime
from sqlitch.engines.runners import ScriptRunner, read_script
from sqlitch.errors import SqlitchError, hurl


class SqliteDialect(Dialect):
    """SQLite registry SQL: millisecond text timestamps, group_concat lists."""

    begin_statements: tuple[str, ...] = ("BEGIN IMMEDIATE",)
    session_statements: tuple[str, ...] = ("PRAGMA foreign_keys = ON",)
    version_query: ClassVar[str] = "SELECT CAST(ROUND(MAX(version), 1) AS TEXT) FROM {releases}"

    def listagg(self, expr: str) -> str:
        return f"group_concat({expr}, ' ')"

    def committed_value(self, moment: datetime) -> object:
        # strftime('%Y-%m-%d %H:%M:%f'), as Sqitch's SQLite engine records "now".
        return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"

    def planned_value(self, moment: datetime) -> object:
        return registry_datetime(moment)

    def is_missing_table(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.Error) and str(exc).startswith("no such table:")

    def is_missing_column(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.Error) and str(exc).startswith("no such column:")

    def is_unique_violation(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE constraint failed" in str(exc)

    def error_text(self, exc: BaseException) -> str:
        return str(exc)


#: How long a statement waits for another connection's lock (DBD::SQLite's
#: default, which Sqitch uses): a reader on the registry delays a deploy's
#: commit rather than failing it.
BUSY_TIMEOUT = 30.0
#: The name the registry database is attached under on the target connection.
REGISTRY_SCHEMA = "sqlitch_registry"


# What a script can leave on a session that the next script, in a new sqlite3
# session, would not see: temporary objects, foreign keys switched on.
_SESSION_STATE = (
    "SELECT (SELECT count(*) FROM temp.sqlite_master),"
    " (SELECT foreign_keys FROM pragma_foreign_keys)"
)


def _same_file(one: str, other: str) -> bool:
    """Whether two database paths name one file (existing or not yet)."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return os.path.abspath(one) == os.path.abspath(other)


def _no_nul(path: str) -> str:
    """``path``, refused if it holds a NUL character (from a config value):
    no file can be named so (Sqitch's driver cut the name there)."""
    if "\0" in path:
        shown = path.replace("\0", "\\0")
        raise hurl(f'Invalid SQLite database file name "{shown}": NUL character', ident="sqlite")
    return path


def _swap_base(segment: str, registry: str) -> str:
    """Replace a file name's base with the registry name, keeping its extension."""
    if "." in registry or "." not in segment:
        return registry
    _base, ext = segment.split(".", 1)
    return f"{registry}.{ext}"


def _regexp(pattern: str, value: object) -> bool:
    import re

    return value is not None and re.search(pattern, str(value)) is not None


class SqliteDriverRunner:
    """Runs scripts in-process with the stdlib driver, in the target connection."""

    name = "driver"
    trace: Callable[[str, str], None] | None = None  # -vvv: the SQL sent

    def __init__(self, database: str) -> None:
        self.database = database
        self._conn: sqlite3.Connection | None = None
        self._savepoints = 0
        self._check_pending = False  # a script ran: look at the session before reuse
        #: Whether connecting created the database file.
        self.created_file = False

    def _connection(self) -> sqlite3.Connection:
        self._settle()
        if self._conn is None:
            self.created_file = not os.path.exists(self.database)
            try:
                self._conn = sqlite3.connect(
                    self.database, isolation_level=None, timeout=BUSY_TIMEOUT
                )
            except sqlite3.Error as exc:
                raise hurl(str(exc), ident="sqlite") from None
        return self._conn

    def _settle(self) -> None:
        """After a script, between transactions: the sqlite3 client gives each
        script a new session, so a connection a script left with temporary
        objects or foreign keys on is not handed to the next script."""
        conn = self._conn
        if not self._check_pending or conn is None or conn.in_transaction:
            return
        self._check_pending = False
        try:
            temps, foreign_keys = conn.execute(_SESSION_STATE).fetchone()
        except sqlite3.Error:
            temps, foreign_keys = 1, 1
        if temps or foreign_keys:
            self.close()

    def share_with_registry(self, registry_file: str) -> tuple[sqlite3.Connection, str]:
        """The target connection with the registry reachable from it, and the
        prefix that names the registry's tables there (the registry file is
        attached, unless it is the target file itself)."""
        conn = self._connection()
        if _same_file(registry_file, self.database):
            return conn, '"main".'
        attached = {row[1] for row in conn.execute("PRAGMA database_list")}
        if REGISTRY_SCHEMA not in attached:
            try:
                conn.execute(f'ATTACH DATABASE ? AS "{REGISTRY_SCHEMA}"', (registry_file,))
            except sqlite3.Error as exc:
                raise hurl(str(exc), ident="sqlite") from None
        return conn, f'"{REGISTRY_SCHEMA}".'

    def blocker(self, path: Path) -> str | None:
        from sqlitch.engines.sqlite_script import statements, transaction_blocker

        text = read_script(path, "sqlite", f'cannot open "{path}"')
        for statement in statements(text):
            why = transaction_blocker(statement.sql)
            if why is not None:
                return f"{path} line {statement.line}: {why}"
        return None

    def run_in_transaction(self, path: Path, *, quiet: bool = False) -> None:
        """Statement by statement inside the caller's transaction; the
        script's BEGIN/COMMIT/ROLLBACK become savepoints, and what it leaves
        uncommitted is rolled back, as the client's exit would."""
        from sqlitch.engines.sqlite_script import statements, transaction_role

        text = read_script(path, "sqlite", f'cannot open "{path}"')
        check_driver_script(path, text)
        conn = self._connection()
        self._check_pending = True
        open_savepoints: list[str] = []
        try:
            for statement in statements(text):
                if self.trace is not None:
                    self.trace("sql", statement.sql)
                role = transaction_role(statement.sql)
                if role is None:
                    conn.execute(statement.sql).fetchall()
                elif role == "begin":
                    if open_savepoints:
                        raise sqlite3.OperationalError(
                            "cannot start a transaction within a transaction"
                        )
                    name = f"sqlitch_script_{self._savepoints}"
                    self._savepoints += 1
                    conn.execute(f'SAVEPOINT "{name}"')
                    open_savepoints.append(name)
                elif not open_savepoints:
                    verb = "commit" if role == "commit" else "rollback"
                    raise sqlite3.OperationalError(f"cannot {verb} - no transaction is active")
                else:
                    name = open_savepoints.pop()
                    if role == "rollback":
                        conn.execute(f'ROLLBACK TO "{name}"')
                    conn.execute(f'RELEASE "{name}"')
            while open_savepoints:  # left open: gone, as when the client exits
                name = open_savepoints.pop()
                conn.execute(f'ROLLBACK TO "{name}"')
                conn.execute(f'RELEASE "{name}"')
        except sqlite3.Error as exc:
            raise hurl(f"{path}: {exc}", ident="sqlite") from None

    def run(self, path: Path, *, quiet: bool = False) -> None:
        text = read_script(path, "sqlite", f'cannot open "{path}"')
        check_driver_script(path, text)
        conn = self._connection()
        self._check_pending = True
        if self.trace is not None:
            self.trace("sql", text)
        try:
            conn.executescript(text)
        except sqlite3.Error as exc:
            raise hurl(f"{path}: {exc}", ident="sqlite") from None
        finally:
            # A transaction the script left open (it failed inside it, or it
            # never committed) ends as the client's exit ends it: rolled back.
            # Left open, the next script's executescript would commit it.
            if conn.in_transaction:
                conn.rollback()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def check_driver_script(path: Path, text: str) -> None:
    """Refuse sqlite3 client dot-commands, which only the client understands."""
    pending = ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        at_statement_start = not pending.strip() or sqlite3.complete_statement(pending)
        if stripped.startswith(".") and at_statement_start:
            command = stripped.split()[0]
            raise hurl(
                f"{path} line {number}: the driver runner cannot run the sqlite3 client command"
                f' "{command}"; use the client runner (--runner client)',
                ident="sqlite",
            )
        if stripped and not stripped.startswith("--"):
            if at_statement_start:
                pending = ""
            pending += line + "\n"


class SqliteEngine(Engine):
    """SQLite: registry in a separate database file, scripts via sqlite3."""

    key = "sqlite"
    display_name = "SQLite"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dialect = SqliteDialect(self.target.registry)
        self._lock_fd: int | None = None
        registry, target = self.registry_file, self.target.uri.dbname
        # Whether the registry file held anything before this run (the lock
        # creates it empty): a failed atomic run must not delete a user's file.
        self._registry_file_existed = bool(
            registry and os.path.exists(registry) and os.path.getsize(registry)
        )
        self._objects_before: set[str] = set()
        if registry and target and _same_file(registry, target):
            # The target is the registry file: a script run on another
            # connection must be able to write it while a change's registry
            # transaction is open, so that transaction takes its lock at its
            # first statement, after the script (as Sqitch's DBD::SQLite does).
            self.dialect.begin_statements = ("BEGIN",)

    # -- names and files ---------------------------------------------------
    @property
    def database(self) -> str:
        """The target database file (Sqitch's ``uri->dbname``)."""
        dbname = self.target.uri.dbname
        if not dbname:
            raise hurl(f"Database name missing in URI {self.target.uri}", ident="sqlite")
        return _no_nul(dbname)

    @property
    def registry_file(self) -> str | None:
        registry = self.target.registry
        if registry.startswith("/"):
            return _no_nul(registry)
        dbname = self.target.uri.dbname
        if not dbname:
            return None
        # The last path segment's base becomes the registry name, as text (a
        # segment may be empty or "."; the registry may hold a "/").
        head, slash, last = dbname.rpartition("/")
        return _no_nul(head + slash + _swap_base(last, registry))

    def registry_destination(self) -> str:
        uri = self.target.uri
        registry = self.target.registry
        raw_path = uri.path
        if registry.startswith("/"):
            new_path = ("/" if uri.opaque.startswith("//") else "") + registry
        elif raw_path:
            head, _, last = raw_path.rpartition("/")
            new_path = (head + "/" if "/" in raw_path else "") + _swap_base(last, registry)
        else:
            new_path = ""
        text = uri.without_password()
        if raw_path:
            at = text.rfind(raw_path)
            return text[:at] + new_path + text[at + len(raw_path) :]
        return text + new_path

    # -- hooks ----------------------------------------------------------------
    def connect_registry(self) -> sqlite3.Connection:
        path = self.registry_file
        conn = sqlite3.connect(path or "", isolation_level=None, timeout=BUSY_TIMEOUT)
        conn.create_function("REGEXP", 2, _regexp, deterministic=True)
        return conn

    def _registry_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = self.registry.connection  # type: ignore[assignment]
        return conn

    def translate_error(self, exc: Exception) -> SqlitchError | None:
        if isinstance(exc, sqlite3.Error):
            return SqlitchError(str(exc), ident="sqlite")
        return None

    def registry_initialized(self) -> bool:
        found = self.registry.value(
            "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
            ("changes",),
        )
        return bool(found)

    @property
    def target_database(self) -> str:
        return self.database

    @property
    def registry_database(self) -> str | None:
        return self.registry_file

    def prepare_registry(self) -> None:
        # Sqitch builds its client command (which needs the database name)
        # before loading the registry, so `db:sqlite:` fails here.
        _ = self.database
        self._objects_before = set(
            self.registry.column("SELECT name FROM sqlite_master WHERE type = 'table'")
        )

    def run_upgrade(self, path: Path, release: float | None = None) -> None:
        # Sqitch runs upgrade scripts through its client command, which needs
        # the database name even though the scripts go to the registry file.
        _ = self.database
        super().run_upgrade(path, release)

    def client_command(self, path: Path, database: str) -> list[str]:
        quoted = "'" + str(path).replace("'", "''") + "'"
        return [
            self.target.client,
            "-noheader",
            "-bail",
            "-batch",
            "-csv",
            database,
            f".read {quoted}",
        ]

    def driver_runner(self) -> ScriptRunner:
        return SqliteDriverRunner(self.database)

    def registry_identity(self) -> str:
        path = self.registry_file
        return os.path.realpath(path) if path else self.registry_destination()

    def shared_registry(self) -> tuple[Any, Dialect] | None:
        runner = self.runner
        path = self.registry_file
        if not isinstance(runner, SqliteDriverRunner) or path is None:
            return None
        conn, qualifier = runner.share_with_registry(path)
        return conn, self.dialect.qualified(qualifier)

    def undo_new_storage(self, *, registry: bool) -> None:
        """Delete the registry file this run created, and the target file if
        the driver's connection created it and it is still empty."""
        runner = self._runner
        new_target = isinstance(runner, SqliteDriverRunner) and runner.created_file
        path = self.registry_file
        if registry and self._registry_file_existed:
            # The registry went into a file that held other tables: drop
            # only what the registry script created.
            conn = self._registry_connection()
            created = [
                name
                for name in self.registry.column(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
                if name not in self._objects_before
            ]
            conn.execute("PRAGMA foreign_keys = OFF")
            for name in created:
                conn.execute(f'DROP TABLE IF EXISTS "{name}"')
            registry = False
        self.close_connections()
        doomed = [path] if registry and path is not None else []
        if new_target and os.path.exists(self.database) and not os.path.getsize(self.database):
            doomed.append(self.database)
        for name in doomed:
            for file in (name, name + "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(file)

    def run_registry_script(self, path: Path) -> None:
        # An upgrade rebuilds tables: foreign-key actions must not fire meanwhile.
        conn = self._registry_connection()
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.executescript(path.read_text(encoding="utf-8"))
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    # -- locking ----------------------------------------------------------------
    def try_lock(self) -> bool:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no flock on this platform
            return True
        if self._lock_fd is None:
            path = self.registry_file
            if path is None:
                return True
            try:
                self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                raise hurl("unable to open database file", ident="sqlite") from None
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor drops the flock
            self._lock_fd = None

    # -- dry runs and --sql files -------------------------------------------------
    def connect_registry_read_only(self) -> sqlite3.Connection:
        """The registry file opened read-only; an empty in-memory database
        when there is no registry file (nothing is created)."""
        path = self.registry_file
        if path and os.path.exists(path):
            from urllib.parse import quote

            conn = sqlite3.connect(
                f"file:{quote(path)}?mode=ro", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT
            )
        else:
            conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.create_function("REGEXP", 2, _regexp, deterministic=True)
        conn.execute("PRAGMA query_only = ON")
        return conn

    def _script_qualifier(self) -> str:
        """How a --sql file names the registry's tables: through the registry
        file attached to the target, or in the target itself."""
        registry = self.registry_file
        if registry is None or _same_file(registry, self.database):
            return '"main".'
        return f'"{REGISTRY_SCHEMA}".'

    def script_registry_dialect(self) -> Dialect:
        qualifier = self._script_qualifier()
        dialect = self.dialect.qualified(qualifier)
        # The database's clock, as Sqitch records it, but always after the
        # latest event (SQLitch's registry clock never runs backwards either).
        stamp = "'%Y-%m-%d %H:%M:%f'"
        dialect.now_sql = (
            f"(SELECT max(strftime({stamp}, 'now'), coalesce(strftime({stamp},"  # noqa: S608
            f" max(committed_at), '+0.001 seconds'), '')) FROM {qualifier}events)"
        )
        return dialect

    def script_preamble(self) -> str:
        # What Sqitch's -noheader -bail -batch -csv options set.
        lines = [".bail on", ".headers off", ".mode csv"]
        qualifier = self._script_qualifier()
        if qualifier != '"main".':
            from sqlitch.engines.preview import sql_literal

            registry = self.registry_file
            if registry and not os.path.isabs(registry):
                lines.append("-- The registry file's path is relative to where sqlitch ran.")
            lines.append(f"ATTACH DATABASE {sql_literal(registry)} AS {qualifier[:-1]};")
        return "\n".join(lines) + "\n"

    def script_registry_creation(self) -> str:
        import re

        qualifier = self._script_qualifier()
        sql = self.sql_file("registry.sql").read_text(encoding="utf-8")
        return re.sub(r"(?m)^CREATE TABLE (\w+)", rf"CREATE TABLE {qualifier}\1", sql)

    def script_change(self, text: str) -> str:
        # sqlite3 runs an unterminated last statement at the end of a file;
        # followed by more, it needs its semicolon (a lone one is harmless).
        text = super().script_change(text)
        if text.strip() and not sqlite3.complete_statement(text):
            text += ";\n"
        return text

    def script_run_hint(self, file: str) -> str:
        import shlex

        return f"{shlex.quote(self.target.client)} {shlex.quote(self.database)} < {file}"
