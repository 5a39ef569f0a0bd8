"""Runs PostgreSQL scripts in-process over psycopg 3, as ``psql`` would.

Sqitch runs each script with ``psql --quiet --no-psqlrc --no-align
--tuples-only --set ON_ERROR_STOP=1 --set registry=<schema> --file <script>``
(plus ``--set k=v`` for each variable).  :class:`PgDriverRunner` reproduces
that without psql:

- :class:`~sqlitch.engines.pg_script.ScriptReader` reads the script as psql
  does (statements, variables, meta-commands, included files) and each
  statement is sent as psql sends it: as one simple-protocol query, in
  autocommit mode, never prepared, so a script's own ``BEGIN``/``COMMIT``
  works and ``CREATE INDEX CONCURRENTLY``, ``VACUUM`` and the like run
  outside any transaction.  The script is not wrapped in a transaction.
- Result rows are printed as ``--no-align --tuples-only`` prints them: the
  server's text for each value (raw, from text-format results), ``|``
  between fields, nothing for NULL, a newline after each row, nothing for
  rows without columns.  ``quiet`` (verify) discards all of stdout.
- Notices and warnings go to stderr as ``psql:<file>:<line>: NOTICE:  ...``
  (libpq's own formatting of the message, as psql prints it).
- A failing statement stops the script (``ON_ERROR_STOP``) with psql's
  message: ``psql:<file>:<line>: ERROR:  ...`` with libpq's ``LINE n:``
  excerpt and its DETAIL, HINT and CONTEXT lines; whatever transaction the
  script had open is rolled back, as psql's exit rolls it back.  With
  ``ON_ERROR_STOP`` off the message is printed and the script goes on.  A
  lost connection always stops it, with psql's messages for that.
- ``COPY ... FROM STDIN`` reads its data from the script; ``COPY ... TO
  STDOUT`` prints it.  With ``\\set QUIET off`` command tags are printed
  as psql prints them; ``\\set SHOW_ALL_RESULTS off`` is honoured too.
- psql's variables are set up as psql sets them (its defaults, Sqitch's
  ``--set`` values, ``QUIET`` and ``ON_ERROR_STOP`` on, then ``DBNAME``,
  ``USER``, ``HOST``, ``PORT``, ``ENCODING``, ``SERVER_VERSION_NAME`` and
  ``SERVER_VERSION_NUM`` from the connection) afresh for every script, and
  ``ERROR``, ``SQLSTATE``, ``ROW_COUNT``, ``LAST_ERROR_MESSAGE`` and
  ``LAST_ERROR_SQLSTATE`` follow each statement.

Before running anything the script is read once without a server, so that a
meta-command the driver cannot run is refused before any of the script has
run (where the path through ``\\if`` branches does not depend on results).

psql gets a fresh session for every script; the driver keeps its connection
between scripts for speed and opens a new one after a script that failed,
left a transaction open, changed its session (settings, role, temporary
objects, prepared statements, cursors, LISTEN, advisory locks: checked with
one query after each script) or changed the defaults of future sessions
(``ALTER DATABASE|ROLE ... SET``, ``LOAD``).  Sequence state (``currval``)
is discarded between scripts.

Not reproduced: psql's ``application_name`` (the engine's connection sets
its own), rows printed by earlier statements of a ``\\;`` batch whose later
statement fails (psycopg reports the error only), asynchronous
notifications, and psql's quirk of stopping at an empty query (``;``) that
directly follows ``COPY ... FROM STDIN`` data.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlitch.engines.pg_script import (
    DEFAULT_VARIABLES,
    Failure,
    Output,
    ScriptError,
    ScriptReader,
    Statement,
    set_variable,
    valid_variable_name,
)
from sqlitch.engines.runners import read_script
from sqlitch.errors import SqlitchError, hurl

__all__ = ["SESSION_CHECK", "SESSION_STATE", "DriverScriptError", "PgDriverRunner"]

# Everything about a session a script could change and a later script could see.
# Sent after each successful script (DISCARD SEQUENCES forgets currval()).
SESSION_STATE = (
    "SELECT current_user, session_user, pg_catalog.pg_my_temp_schema(),"
    " (SELECT pg_catalog.string_agg(name || '=' || setting, ' ' ORDER BY name)"
    " FROM pg_catalog.pg_settings WHERE source = 'session'),"
    " (SELECT pg_catalog.count(*) FROM pg_catalog.pg_prepared_statements),"
    " (SELECT pg_catalog.count(*) FROM pg_catalog.pg_cursors),"
    " (SELECT pg_catalog.count(*) FROM pg_catalog.pg_listening_channels()),"
    " (SELECT pg_catalog.count(*) FROM pg_catalog.pg_locks"
    " WHERE pid = pg_catalog.pg_backend_pid() AND locktype = 'advisory')"
)
SESSION_CHECK = "DISCARD SEQUENCES; " + SESSION_STATE
"""What the runner sends after each script to see whether its session changed
(and, on a new connection, ``SESSION_STATE`` alone to know how it started)."""

_LEADING_NOISE = r"\A(?:\s+|/\*.*?\*/|--[^\n]*(?:\n|\Z))*"
# Statements that change what the next session gets: they need a new session.
_CHANGES_NEW_SESSIONS = re.compile(
    _LEADING_NOISE + r"(?:ALTER\s+(?:DATABASE|ROLE|USER)\b.*\b(?:SET|RESET)\b|LOAD\b)",
    re.IGNORECASE | re.DOTALL,
)
_COPY = re.compile(_LEADING_NOISE + r"COPY\b", re.IGNORECASE | re.DOTALL)
# COPY between the server and the client (not a server-side file or program).
_CLIENT_STREAM = re.compile(r"\b(?:FROM\s+STDIN|TO\s+STDOUT)\b", re.IGNORECASE)
_COPY_IN = re.compile(r"\bFROM\s+STDIN\b", re.IGNORECASE)
_STATUS_AFTER_ROWS = ("INSERT", "UPDATE", "DELETE", "MERGE")


class DriverScriptError(SqlitchError):
    """A script failed: a statement on the server, or one of psql's own checks."""


class PgDriverRunner:
    """Runs scripts against one database over a psycopg 3 connection."""

    name = "driver"

    def __init__(self, connect: Callable[[], Any], variables: Mapping[str, str]) -> None:
        self._connect = connect
        self.variables = dict(variables)
        self._conn: Any = None
        self._baseline: tuple[object, ...] | None = None

    # -- the connection --------------------------------------------------------------------
    def _connection(self) -> Any:
        if self._conn is None:
            try:
                conn = self._connect()
            except SqlitchError:
                raise
            except Exception as exc:
                raise hurl(f"psql: error: {_one_line(exc)}", ident="pg") from None
            self._conn = conn
            try:
                self._baseline = _session_state(conn, discard=False)
            except Exception as exc:
                self.close()
                raise hurl(f"psql: error: {_one_line(exc)}", ident="pg") from None
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            self._baseline = None
            with contextlib.suppress(Exception):  # a broken connection closes anyway
                conn.close()

    # -- scripts ------------------------------------------------------------------------------
    def run(self, path: Path, *, quiet: bool = False) -> None:
        name = str(path)
        text = read_script(path, "pg", f"psql: error: {path}: No such file or directory")
        conn = self._connection()
        variables = self._initial_variables(conn)
        self._rehearse(name, text, variables)
        session = _Session(conn, variables, quiet=quiet)
        clean = False
        try:
            session.run(name, text)
            clean = not session.changed and _idle(conn) and self._unchanged(conn)
        finally:
            if not clean:
                # Closing rolls back what an unfinished transaction holds, as
                # psql's exit does, and the next script gets a new session.
                self.close()

    def _unchanged(self, conn: Any) -> bool:
        """Whether the session still looks like a new one to the next script."""
        try:
            return _session_state(conn, discard=True) == self._baseline
        except Exception:
            return False  # a broken connection: the next script gets a new one

    def _initial_variables(self, conn: Any) -> dict[str, str]:
        """psql's variables when it starts reading a file, as Sqitch runs it."""
        variables = dict(DEFAULT_VARIABLES)
        try:
            for key in sorted(self.variables):  # Sqitch's --set, in its order
                if not valid_variable_name(key):
                    raise ValueError(f'invalid variable name: "{key}"')
                set_variable(variables, key, self.variables[key])
        except ValueError as exc:
            raise hurl(f"psql: error: {exc}", ident="pg") from None
        except NotImplementedError as exc:
            raise hurl(str(exc), ident="pg") from None
        variables["QUIET"] = "on"  # --quiet
        variables["ON_ERROR_STOP"] = "1"  # Sqitch's own --set, after the user's
        info = conn.info
        variables.update(
            DBNAME=info.dbname,
            USER=info.user,
            HOST=info.host,
            PORT=str(info.port),
            ENCODING=info.parameter_status("client_encoding") or "",
            SERVER_VERSION_NAME=info.parameter_status("server_version") or "",
            SERVER_VERSION_NUM=str(info.server_version),
        )
        return variables

    @staticmethod
    def _rehearse(name: str, text: str, variables: Mapping[str, str]) -> None:
        """Read the script without a server to refuse what the driver cannot run, up front."""
        reader = ScriptReader(variables)
        try:
            for event in reader.events(name, text):
                if isinstance(event, Statement):
                    reader.variables.update(ERROR="false", SQLSTATE="00000", ROW_COUNT="0")
                    if _COPY.match(event.sql) and _COPY_IN.search(event.sql):
                        reader.copy_data()
                elif isinstance(event, Failure) and reader.flag("ON_ERROR_STOP"):
                    return
        except ScriptError as exc:
            raise hurl(exc.message, ident="pg") from None


class _Session:
    """One script's run on a connection: psql's main loop, with the server."""

    def __init__(self, conn: Any, variables: Mapping[str, str], *, quiet: bool) -> None:
        self.conn = conn
        self.quiet = quiet
        self.encoding = conn.info.encoding
        self.changed = False  # the session now differs from a new one
        self.reader = ScriptReader(variables, standard_strings=self._standard_strings)

    def _standard_strings(self) -> bool:
        return bool(self.conn.info.parameter_status("standard_conforming_strings") != "off")

    def run(self, name: str, text: str) -> None:
        pgconn = self.conn.pgconn
        previous = pgconn.notice_handler
        pgconn.notice_handler = self._notice
        try:
            for event in self.reader.events(name, text):
                if isinstance(event, Statement):
                    self._send(event)
                elif isinstance(event, Output):
                    self._print(event.text, stderr=event.stderr)
                else:
                    self.changed = True
                    if self.reader.flag("ON_ERROR_STOP"):
                        raise DriverScriptError(event.message, ident="pg")
                    self._print(event.message + "\n", stderr=True)
        except ScriptError as exc:
            self.changed = True
            raise hurl(exc.message, ident="pg") from None
        finally:
            with contextlib.suppress(Exception):
                pgconn.notice_handler = previous

    # -- statements ------------------------------------------------------------------------------
    def _send(self, statement: Statement) -> None:
        import psycopg

        if _CHANGES_NEW_SESSIONS.match(statement.sql):
            self.changed = True
        cursor = self.conn.cursor()
        try:
            if _COPY.match(statement.sql) and _CLIENT_STREAM.search(statement.sql):
                self._copy(cursor, statement.sql)
            else:
                cursor.execute(statement.sql, prepare=False)
                self._results(cursor)
        except (psycopg.Error, UnicodeError) as exc:  # UnicodeError: not in the client encoding
            self._failed(exc)
        finally:
            with contextlib.suppress(Exception):
                cursor.close()

    def _results(self, cursor: Any) -> None:
        from psycopg.pq import ExecStatus

        results = [cursor.pgresult]
        while cursor.nextset():
            results.append(cursor.pgresult)
        shown = results if self.reader.flag("SHOW_ALL_RESULTS") else results[-1:]
        status_too = not self.reader.flag("QUIET")
        for result in shown:
            status = _text(result.command_status, self.encoding)
            if result.status == ExecStatus.TUPLES_OK:
                self._rows(result)
                if status_too and status.startswith(_STATUS_AFTER_ROWS):
                    self._print(status + "\n")
            elif result.status == ExecStatus.COMMAND_OK and status_too:
                self._print(status + "\n")
        self._succeeded(results[-1].command_tuples)

    def _rows(self, result: Any) -> None:
        columns = range(result.nfields)
        if self.quiet or not columns or not result.ntuples:
            return
        value = result.get_value
        lines = [b"|".join(value(row, c) or b"" for c in columns) for row in range(result.ntuples)]
        self._print(b"\n".join(lines) + b"\n")

    def _copy(self, cursor: Any, sql: str) -> None:
        import psycopg
        from psycopg.pq import ExecStatus

        try:
            with cursor.copy(sql) as copy:
                copy_in = cursor.pgresult.status == ExecStatus.COPY_IN
                if copy_in:
                    data = self.reader.copy_data()
                    if data:
                        copy.write(data)
                else:
                    for chunk in copy:
                        self._print(bytes(chunk))
        except psycopg.ProgrammingError as exc:
            if exc.sqlstate is not None:
                raise
            # Not a COPY from or to the client after all: it ran on the server.
            self._succeeded(None)
            return
        if copy_in and not self.reader.flag("QUIET"):
            self._print(f"COPY {max(cursor.rowcount, 0)}\n")
        # psql 15 reports no row count for COPY ... TO STDOUT.
        self._succeeded(cursor.rowcount if copy_in else None)

    def _succeeded(self, rows: int | None) -> None:
        self.reader.variables.update(
            ERROR="false", SQLSTATE="00000", ROW_COUNT=str(rows if rows and rows > 0 else 0)
        )

    def _failed(self, exc: Exception) -> None:
        """Report a failed statement as psql does; stop there under ON_ERROR_STOP."""
        self.changed = True
        diag = getattr(exc, "diag", None)
        sqlstate = getattr(exc, "sqlstate", None) or ""
        primary = getattr(diag, "message_primary", None) or _one_line(exc)
        self.reader.variables.update(
            ERROR="true",
            SQLSTATE=sqlstate,
            ROW_COUNT="0",
            LAST_ERROR_MESSAGE=primary,
            LAST_ERROR_SQLSTATE=sqlstate,
        )
        prefix = self.reader.prefix()
        result = getattr(exc, "pgresult", None)
        detail = _text(result.error_message, self.encoding) if result is not None else ""
        message = prefix + detail if detail else ""
        if self.conn.closed:
            # As psql reports a lost connection: libpq's own words, then its
            # verdict; and it stops whatever ON_ERROR_STOP says.
            lost = _text(self.conn.pgconn.error_message, self.encoding).removeprefix(detail)
            if lost:
                message += prefix + lost
            message += prefix + "error: connection to server was lost\n"
            raise DriverScriptError(message.rstrip("\n"), ident="pg") from None
        if not message:
            message = f"{prefix}error: {_one_line(exc)}\n"
        if self.reader.flag("ON_ERROR_STOP"):
            raise DriverScriptError(message.rstrip("\n"), ident="pg") from None
        self._print(message if message.endswith("\n") else message + "\n", stderr=True)

    # -- output ------------------------------------------------------------------------------------
    def _notice(self, result: Any) -> None:
        text = _text(result.error_message, self.encoding)
        if text:
            self._print(self.reader.prefix() + text, stderr=True)

    def _print(self, data: str | bytes, *, stderr: bool = False) -> None:
        if stderr:
            sys.stdout.flush()
            _write(sys.stderr, data)
        elif not self.quiet:
            _write(sys.stdout, data)


def _write(stream: Any, data: str | bytes) -> None:
    if isinstance(data, str):
        stream.write(data)
    else:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode("utf-8", "replace"))
    stream.flush()


def _text(data: bytes | None, encoding: str) -> str:
    if not data:
        return ""
    try:
        return data.decode(encoding, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _idle(conn: Any) -> bool:
    from psycopg.pq import TransactionStatus

    return bool(conn.info.transaction_status == TransactionStatus.IDLE)


def _session_state(conn: Any, *, discard: bool) -> tuple[object, ...]:
    """What a later script could see of this session (after forgetting currval())."""
    cursor = conn.cursor()
    try:
        cursor.execute(SESSION_CHECK if discard else SESSION_STATE, prepare=False)
        if discard:
            cursor.nextset()
        row = cursor.fetchone()
    finally:
        cursor.close()
    return tuple(row)
