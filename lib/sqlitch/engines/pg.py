"""The PostgreSQL engine: hooks for :class:`sqlitch.engines.base.Engine`.

As in Sqitch, the registry is a schema (``sqitch`` unless ``--registry`` or
``engine.pg.registry`` says otherwise) in the target database itself, reached
through ``search_path`` on the registry connection; every registry
transaction locks the ``changes`` table, and the destination lock is the
advisory lock Sqitch takes (key 75474063), so Sqitch and SQLitch exclude
each other. Change scripts run through ``psql`` with Sqitch's options and
variables (the password in ``PGPASSWORD``, never on the command line), or
in-process over psycopg (:mod:`sqlitch.engines.pg_driver`), which reads
scripts as psql does.

Connections leave the defaults to libpq, as Sqitch does: the ``PG*``
environment, ``~/.pgpass`` and service files fill in what the URI leaves out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sqlitch.engines.base import Engine
from sqlitch.engines.dialect import Dialect
from sqlitch.errors import SqlitchError, hurl

if TYPE_CHECKING:
    from sqlitch.engines.runners import ScriptRunner

#: The advisory lock key Sqitch uses for "an instance is working here".
ADVISORY_LOCK_KEY = 75474063

# SQLSTATEs (PostgreSQL's errcodes.txt).
UNDEFINED_TABLE = "42P01"
INVALID_SCHEMA_NAME = "3F000"
UNDEFINED_COLUMN = "42703"
UNIQUE_VIOLATION = "23505"
LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"


class PgDialect(Dialect):
    """PostgreSQL registry SQL: %s placeholders, clock_timestamp(), arrays."""

    placeholder: ClassVar[str] = "%s"
    regex_op: ClassVar[str] = "~"
    # As Sqitch's begin_work: one deploy at a time per registry.
    begin_statements: tuple[str, ...] = (
        "BEGIN",
        "LOCK TABLE {changes} IN EXCLUSIVE MODE",
    )
    batch_statements = True
    version_query: ClassVar[str] = "SELECT MAX(version)::TEXT FROM {releases}"
    limit_all: ClassVar[str] = "ALL"
    now_sql = "clock_timestamp()"
    lists_as_arrays: ClassVar[bool] = True

    def __init__(self, registry: str = "") -> None:
        super().__init__(registry)
        # Instance-level: the registry schema is part of the session's setup.
        self.session_statements = (
            "SET client_min_messages = WARNING",
            f"SET search_path = {quote_literal(registry)}",
        )

    def listagg(self, expr: str) -> str:
        return f"array_remove(array_agg({expr} ORDER BY {expr}), NULL)"

    def planned_value(self, moment: datetime) -> object:
        return moment.astimezone(UTC)

    def parse_timestamp(self, value: object) -> datetime:
        moment = super().parse_timestamp(value)
        return moment.astimezone(UTC)

    def is_missing_table(self, exc: BaseException) -> bool:
        return sqlstate(exc) in (UNDEFINED_TABLE, INVALID_SCHEMA_NAME)

    def is_missing_column(self, exc: BaseException) -> bool:
        return sqlstate(exc) == UNDEFINED_COLUMN

    def is_unique_violation(self, exc: BaseException) -> bool:
        return sqlstate(exc) == UNIQUE_VIOLATION

    def error_text(self, exc: BaseException) -> str:
        return error_text(exc)


class _ClientCursors:
    """A psycopg connection whose cursors bind client-side (as the registry
    connection's do), for registry writes on the driver runner's connection."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def cursor(self) -> Any:
        from psycopg import ClientCursor

        return ClientCursor(self.conn)

    def close(self) -> None:  # the runner owns the connection
        return None


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a psycopg error, if it has one."""
    found = getattr(exc, "sqlstate", None)
    return found if isinstance(found, str) else None


def quote_literal(text: str) -> str:
    """``text`` as a standard SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


#: psycopg's message for a host name it could not resolve (libpq's own
#: resolution is skipped): ``failed to resolve host 'h': [Errno -2] reason``.
_UNRESOLVED = re.compile(
    r"failed to resolve host (?P<q>['\"])(?P<host>.*)(?P=q): (?:\[Errno -?\d+\] )?(?P<reason>.*)",
    re.S,
)


def error_text(exc: BaseException) -> str:
    """A psycopg error as libpq words it (DBD::Pg's errstr, which Sqitch prints)."""
    text = str(exc)
    # psycopg prefixes libpq's own message for a failed connection.
    text = text.removeprefix("connection failed: ")
    # ... and its own for a connection libpq refused to start (bad options).
    text = text.removeprefix("connection is bad: ")
    # psycopg resolves host names itself and words a failure its own way.
    unresolved = _UNRESOLVED.fullmatch(text)
    if unresolved is not None:
        host, reason = unresolved.group("host"), unresolved.group("reason")
        text = f'could not translate host name "{host}" to address: {reason}'
    diag = getattr(exc, "diag", None)
    severity = getattr(diag, "severity_nonlocalized", None) or getattr(diag, "severity", None)
    if severity and getattr(diag, "message_primary", None):
        text = f"{severity}:  {text}"
    else:
        # libpq ends a bad connection string's message with a newline, which
        # psycopg keeps and DBD::Pg's errstr does not.
        text = text.rstrip("\n")
    return text


def conninfo_value(value: str) -> str:
    """A conninfo value escaped as Sqitch writes it for psql's --dbname."""
    return re.sub(r"""([ "'\\])""", r"\\\1", value)


class PgEngine(Engine):
    """PostgreSQL: registry schema in the target database, scripts via psql."""

    key = "pg"
    display_name = "PostgreSQL"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dialect = PgDialect(self.target.registry)
        self._server_version: int | None = None
        self.yugabyte = False
        self._schema_existed = True
        self._schema_comment: str | None = None

    # -- where and who ----------------------------------------------------------
    @property
    def destination(self) -> str:
        """The target's name, or its URI (no password) with the database libpq uses."""
        name, uri = self.target.name, self.target.uri
        if ":" not in name or uri.dbname:
            return name
        env = self.target.env
        from sqlitch.config.identity import sysuser

        dbname = (
            env.get("PGDATABASE") or self.target.username or env.get("PGUSER") or sysuser(env) or ""
        )
        return str(uri.with_parts(dbname=dbname).without_password())

    def conninfo_params(self) -> list[tuple[str, str]]:
        """libpq keywords from the URI, in Sqitch's order (no password)."""
        uri = self.target.uri
        port = uri.port
        query = sorted(dict(uri.query_params).items())
        found = [
            ("user", self.target.username or ""),
            ("dbname", uri.dbname or ""),
            ("host", uri.host or ""),
            ("port", "" if port is None else str(port)),
            *query,
        ]
        return [(k, v) for k, v in found if v]

    def connect(self, **extra: Any) -> Any:
        """A psycopg connection to the target database (autocommit)."""
        import psycopg

        params: dict[str, Any] = dict(self.conninfo_params())
        password = self.target.password
        if password:
            params["password"] = password
        params["client_encoding"] = "UTF8"
        params.update(extra)
        conn = psycopg.connect(autocommit=True, **params)
        if self._server_version is None:
            self._server_version = int(conn.info.server_version)
        return conn

    # -- hooks -------------------------------------------------------------------
    def connect_registry(self) -> Any:
        from psycopg import ClientCursor

        # Client-side binding: registry writes go several to a round trip.
        conn = self.connect(cursor_factory=ClientCursor)
        if "-YB-" in (conn.info.parameter_status("server_version") or ""):
            # YugabyteDB has neither EXCLUSIVE table locks nor advisory lock
            # waits; Sqitch skips both there.
            self.yugabyte = True
            self.dialect.begin_statements = ("BEGIN",)
        return conn

    def translate_error(self, exc: Exception) -> SqlitchError | None:
        if type(exc).__module__.startswith("psycopg"):
            return SqlitchError(error_text(exc), ident="pg")
        return None

    def registry_initialized(self) -> bool:
        return bool(
            self.registry.value(
                "SELECT EXISTS(SELECT TRUE FROM pg_catalog.pg_tables"
                " WHERE schemaname = ? AND tablename = ?)",
                (self.target.registry, "changes"),
            )
        )

    @property
    def target_database(self) -> str:
        return self.target.uri.dbname or ""

    @property
    def registry_database(self) -> str | None:
        return self.target_database

    @property
    def script_variables(self) -> dict[str, str]:
        """What psql gets with --set: the variables, then registry (which wins)."""
        return {**self.options.variables, "registry": self.target.registry}

    def psql_argv(self) -> list[str]:
        """psql and Sqitch's options, before what to run."""
        argv = [self.target.client]
        conninfo = [f"{k}={conninfo_value(v)}" for k, v in self.conninfo_params()]
        if conninfo:
            argv += ["--dbname", " ".join(conninfo)]
        for name, value in sorted(self.options.variables.items()):
            argv += ["--set", f"{name}={value}"]
        argv += [
            "--quiet",
            "--no-psqlrc",
            "--no-align",
            "--tuples-only",
            "--set",
            "ON_ERROR_STOP=1",
            "--set",
            f"registry={self.target.registry}",
        ]
        return argv

    def client_command(self, path: Path, database: str) -> list[str]:
        return [*self.psql_argv(), "--file", str(path)]

    def client_env(self) -> dict[str, str]:
        password = self.target.password
        return {"PGPASSWORD": password} if password else {}

    def driver_runner(self) -> ScriptRunner:
        from sqlitch.engines.pg_driver import PgDriverRunner

        return PgDriverRunner(self.connect, self.script_variables)

    def shared_registry(self) -> tuple[Any, Dialect] | None:
        from sqlitch.engines.pg_driver import PgDriverRunner
        from sqlitch.engines.pg_script import quote_identifier

        runner = self.runner
        if not isinstance(runner, PgDriverRunner) or self.yugabyte:
            return None
        conn = runner.shared_connection()
        return _ClientCursors(conn), self.dialect.qualified(
            quote_identifier(self.target.registry) + "."
        )

    def prepare_registry(self) -> None:
        found = self.registry.rows(
            "SELECT pg_catalog.obj_description(oid, 'pg_namespace') AS comment"
            " FROM pg_catalog.pg_namespace WHERE nspname = ?",
            (self.target.registry,),
        )
        self._schema_existed = bool(found)
        self._schema_comment = found[0]["comment"] if found else None

    def undo_new_storage(self, *, registry: bool) -> None:
        """Drop the registry this run created: its schema, if that is new too,
        else its tables."""
        if not registry:
            return
        from sqlitch.engines.dialect import REGISTRY_TABLES
        from sqlitch.engines.pg_script import quote_identifier

        schema = quote_identifier(self.target.registry)
        if not self._schema_existed:
            self.registry.execute(f"DROP SCHEMA {schema} CASCADE")
        else:
            tables = ", ".join(f"{schema}.{t}" for t in REGISTRY_TABLES)
            self.registry.execute(f"DROP TABLE IF EXISTS {tables} CASCADE")
            comment = self._schema_comment
            value = "NULL" if comment is None else quote_literal(comment)
            cursor = self.registry.connection.cursor()  # the literal may hold braces
            try:
                cursor.execute(f"COMMENT ON SCHEMA {schema} IS {value}")
            finally:
                cursor.close()

    def edit_registry_sql(self, sql: str) -> str:
        """No CREATE SCHEMA IF NOT EXISTS before 9.3."""
        if self.server_version < 90300:
            return sql.replace("SCHEMA IF NOT EXISTS", "SCHEMA")
        return sql

    def registry_client_command(self, path: Path, database: str) -> list[str]:
        """psql as for a change script, with the two variables registry SQL uses."""
        return [
            *self.client_command(path, database),
            "--set",
            f"registry={self.target.registry}",
            "--set",
            "tableopts=",
        ]

    def run_registry_file(self, path: Path, release: float | None = None) -> None:
        """Registry SQL as the base runs it; then point the session at the
        schema again, as Sqitch does."""
        super().run_registry_file(path, release)
        self.registry.execute(f"SET search_path = {quote_literal(self.target.registry)}")

    def run_registry_script(self, path: Path) -> None:
        """The registry script over the registry connection: its two psql
        variables filled in, the whole text sent in one simple query."""
        # pg_script is the driver runner's reader: loaded only on this path.
        from sqlitch.engines.pg_script import quote_identifier

        sql = path.read_text(encoding="utf-8")
        sql = sql.replace(':"registry"', quote_identifier(self.target.registry))
        sql = sql.replace(":tableopts", "")
        cursor = self.registry.connection.cursor()
        try:
            cursor.execute(sql.encode("utf-8"))
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                # The script's own transaction is left aborted: end it, as
                # psql's exit would.
                cursor.execute("ROLLBACK")
                raise hurl(error_text(exc), ident="pg") from None
            raise
        finally:
            cursor.close()

    @property
    def server_version(self) -> int:
        """The server's version number (150004 for 15.4)."""
        if self._server_version is None:
            _ = self.registry.connection
        return self._server_version or 0

    # -- locking -----------------------------------------------------------------
    def try_lock(self) -> bool:
        return bool(self.registry.value(f"SELECT pg_try_advisory_lock({ADVISORY_LOCK_KEY})"))

    def wait_lock(self, timeout: float) -> bool:
        """Wait in the server: an advisory lock request obeys lock_timeout."""
        from sqlitch.engines.registry import RegistryError

        registry = self.registry
        _ = registry.connection  # learns the provider
        if self.yugabyte:
            return True
        millis = max(int(timeout * 1000), 1)
        registry.execute(f"SET lock_timeout = {millis}")
        try:
            registry.value(f"SELECT pg_advisory_lock({ADVISORY_LOCK_KEY})")
        except RegistryError as exc:
            if sqlstate(exc.__cause__ or exc) in (LOCK_NOT_AVAILABLE, QUERY_CANCELED):
                return False
            raise
        finally:
            registry.execute("RESET lock_timeout")
        return True

    def release_lock(self) -> None:
        if self._registry is not None:
            self.registry.value(f"SELECT pg_advisory_unlock({ADVISORY_LOCK_KEY})")

    # -- dry runs and --sql files -------------------------------------------------
    def connect_registry_read_only(self) -> Any:
        """A registry connection whose transactions are read-only."""
        conn = self.connect_registry()
        conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        return conn

    def registry_file_dialect(self) -> Dialect:
        # The registry scripts name the schema with psql's variable.
        return self.dialect.qualified(':"registry".')

    def script_registry_dialect(self) -> Dialect:
        from sqlitch.engines.pg_script import quote_identifier

        dialect = self.dialect.qualified(quote_identifier(self.target.registry) + ".")
        dialect.batch_statements = False
        return dialect

    def script_literal(self, sql: str, params: Sequence[object]) -> str:
        """Values quoted by psycopg, as the registry connection sends them."""
        cursor = self.registry.connection.cursor()
        try:
            return str(cursor.mogrify(sql, tuple(params)))
        finally:
            cursor.close()

    def script_preamble(self) -> str:
        """psql's variables and settings as Sqitch passes them (the --set
        variables, then ON_ERROR_STOP and registry, which win)."""
        lines = [
            f"\\set {name} {psql_value(value)}"
            for name, value in sorted(self.options.variables.items())
        ]
        lines += [
            "\\set ON_ERROR_STOP 1",
            "\\set QUIET on",
            "\\pset format unaligned",
            "\\pset tuples_only on",
            f"\\set registry {psql_value(self.target.registry)}",
        ]
        return "\n".join(lines) + "\n"

    def script_registry_creation(self) -> str:
        sql = self.edit_registry_sql(self.sql_file("registry.sql").read_text(encoding="utf-8"))
        # The registry script's session settings end with it, as its psql run does.
        return f"\\set tableopts ''\n{sql.rstrip()}\nRESET client_min_messages;\n"

    def script_change(self, text: str) -> str:
        text = super().script_change(text)
        if _unterminated(text):  # psql sends it at the end of the file
            text += ";\n"
        # Each script gets a session of its own from Sqitch: settings, role,
        # temporary objects and the like do not reach the next one.
        return text + "DISCARD ALL;\n"

    def script_run_hint(self, file: str) -> str:
        import shlex

        conninfo = " ".join(f"{k}={conninfo_value(v)}" for k, v in self.conninfo_params())
        dbname = f" --dbname {shlex.quote(conninfo)}" if conninfo else ""
        return f"{shlex.quote(self.target.client)} --no-psqlrc{dbname} --file {file}"


def _unterminated(text: str) -> bool:
    """Whether a script's last statement lacks its ``;`` (a meta-command,
    ``\\g`` or the end of COPY data ends a statement too)."""
    body = text.rstrip()
    while body.endswith("*/") and "/*" in body:  # trailing block comments
        body = body[: body.rfind("/*")].rstrip()
    for raw in reversed(body.splitlines()):
        line = raw.strip()
        if not line or line.startswith("--"):
            continue
        if line.startswith("\\") or re.search(r"\\g\w*\b[^;]*$", line):
            return False
        return not re.sub(r"\s*--[^';]*$", "", line).endswith(";")
    return False


def psql_value(value: str) -> str:
    """``value`` quoted for a psql meta-command argument."""
    escaped = value.replace("\\", "\\\\").replace("'", "''")
    for char, escape in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        escaped = escaped.replace(char, escape)
    return f"'{escaped}'"
