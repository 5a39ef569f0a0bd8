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

_SESSION_RESET = "RESET SESSION AUTHORIZATION; RESET ALL; DISCARD SEQUENCES"
# Words without which a script cannot change its session's settings, role or
# sequence state (currval): a script without any needs no reset.
_MAY_CHANGE_SESSION = re.compile(
    r"\b(?:SET|RESET|SET_CONFIG|NEXTVAL|SETVAL|INSERT|COPY|MERGE|SELECT|DO|CALL|EXECUTE"
    r"|ROLE|AUTHORIZATION)\b|\\",
    re.IGNORECASE,
)

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


# Transaction statements a script may use; inside the engine's transaction
# they become savepoints.
_TRANSACTION_WORD = re.compile(
    _LEADING_NOISE + r"(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT)\b(.*)",
    re.IGNORECASE | re.DOTALL,
)
# Statements PostgreSQL refuses inside a transaction block.
_OUTSIDE_TRANSACTION = re.compile(
    _LEADING_NOISE + r"(?:(?:CREATE|DROP)\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY"
    r"|REINDEX\b[^;]*\bCONCURRENTLY"
    r"|VACUUM\b|(?:CREATE|DROP)\s+(?:DATABASE|TABLESPACE)\b"
    r"|ALTER\s+SYSTEM\b|ALTER\s+DATABASE\b[^;]*\bSET\s+TABLESPACE\b"
    r"|CLUSTER\s*;?\s*\Z|(?:CREATE|ALTER|DROP)\s+SUBSCRIPTION\b"
    r"|PREPARE\s+TRANSACTION\b|(?:COMMIT|ROLLBACK)\s+PREPARED\b"
    r"|DISCARD\s+ALL\b|(?:COMMIT|ROLLBACK|END|ABORT)\b[^;]*\bAND\s+CHAIN\b"
    r"|SAVEPOINT\b|RELEASE\b|ROLLBACK\s+(?:WORK\s+|TRANSACTION\s+)?TO\b"
    r"|SET\s+TRANSACTION\b)",
    re.IGNORECASE | re.DOTALL,
)
_ON_ERROR_STOP_OFF = re.compile(r"^\s*\\(?:set\s+ON_ERROR_STOP\b|unset\s+ON_ERROR_STOP\b)", re.M)


def transaction_role(sql: str) -> str | None:
    """ "begin", "commit" or "rollback" for a script's transaction statement."""
    match = _TRANSACTION_WORD.match(sql)
    if match is None:
        return None
    word = match.group(1).split()[0].upper()
    if word in ("BEGIN", "START"):
        return "begin"
    return "commit" if word in ("COMMIT", "END") else "rollback"


class DriverScriptError(SqlitchError):
    """A script failed: a statement on the server, or one of psql's own checks."""


class PgDriverRunner:
    """Runs scripts against one database over a psycopg 3 connection."""

    name = "driver"
    trace: Callable[[str, str], None] | None = None  # -vvv: the SQL sent

    def __init__(self, connect: Callable[[], Any], variables: Mapping[str, str]) -> None:
        self._connect = connect
        self.variables = dict(variables)
        self._conn: Any = None
        self._baseline: tuple[object, ...] | None = None
        # A script ran inside the engine's transaction: check the session
        # once that transaction has ended (before the connection's next use).
        self._check_pending = False
        self._renew = False  # the script changed what new sessions get
        self._savepoints = 0

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

    def _settled(self) -> None:
        """After a script that ran in the engine's transaction (now ended):
        a session it changed is not handed to the next script."""
        if self._check_pending:
            self._check_pending = False
            renew, self._renew = self._renew, False
            if self._conn is not None and (
                renew or not (_idle(self._conn) and self._unchanged(self._conn))
            ):
                self.close()

    def shared_connection(self) -> Any:
        """The connection scripts run on, for the engine's registry writes too."""
        self._settled()
        return self._connection()

    def blocker(self, path: Path) -> str | None:
        """A statement that cannot run inside a transaction block, or a script
        that goes on after errors (which a transaction cannot)."""
        name = str(path)
        text = read_script(path, "pg", f"psql: error: {path}: No such file or directory")
        match = _ON_ERROR_STOP_OFF.search(text)
        if match is not None:
            line = text.count("\n", 0, match.start()) + 1
            return f"{name} line {line}: a script that changes ON_ERROR_STOP"
        variables = dict(DEFAULT_VARIABLES)
        variables.update(self.variables)
        variables["ON_ERROR_STOP"] = "1"
        reader = ScriptReader(variables)
        try:
            for event in reader.events(name, text):
                if isinstance(event, Statement):
                    if _OUTSIDE_TRANSACTION.match(event.sql):
                        words = " ".join(event.sql.split()[:3]).rstrip(";")
                        return (
                            f"{name} line {event.start_line}: {words} cannot run inside a"
                            " transaction"
                        )
                    if _COPY.match(event.sql) and _COPY_IN.search(event.sql):
                        reader.copy_data()
                elif isinstance(event, Failure):
                    return None  # the script fails anyway; it will say why
        except ScriptError:
            return None
        return None

    def run_in_transaction(self, path: Path, *, quiet: bool = False) -> None:
        """Inside the engine's open transaction: the script's BEGIN/COMMIT/
        ROLLBACK become savepoints, and what it leaves open is rolled back to
        where it began, as psql's exit would."""
        name = str(path)
        text = read_script(path, "pg", f"psql: error: {path}: No such file or directory")
        conn = self._connection()
        variables = self._initial_variables(conn)
        # No rehearsal: what the driver cannot run fails the script, and the
        # engine's rollback then undoes the statements before it.
        session = _Session(conn, variables, quiet=quiet, savepoints=self)
        session.trace = self.trace
        self._check_pending = True
        try:
            session.run(name, text)
            session.close_savepoints()
            # The next script (a verify, the next change of an atomic run)
            # would get a new session from psql: give it back the settings,
            # role and sequence state of one. Other leftovers (temporary
            # objects, prepared statements) end the session after the
            # transaction, as _settled finds.
            if _MAY_CHANGE_SESSION.search(text):
                cursor = conn.cursor()
                try:
                    cursor.execute(_SESSION_RESET, prepare=False)
                finally:
                    cursor.close()
        finally:
            self._renew = self._renew or session.changed

    def next_savepoint(self) -> str:
        self._savepoints += 1
        return f"sqlitch_script_{self._savepoints}"

    # -- scripts ------------------------------------------------------------------------------
    def run(self, path: Path, *, quiet: bool = False) -> None:
        name = str(path)
        text = read_script(path, "pg", f"psql: error: {path}: No such file or directory")
        self._settled()
        conn = self._connection()
        variables = self._initial_variables(conn)
        self._rehearse(name, text, variables)
        session = _Session(conn, variables, quiet=quiet)
        session.trace = self.trace
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

    trace: Callable[[str, str], None] | None = None  # -vvv: the SQL sent

    def __init__(
        self,
        conn: Any,
        variables: Mapping[str, str],
        *,
        quiet: bool,
        savepoints: PgDriverRunner | None = None,
    ) -> None:
        self.conn = conn
        self.quiet = quiet
        # In the engine's transaction: names of the script's open "transactions".
        self.savepoints = savepoints
        self.open_savepoints: list[str] = []
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
                    if self.trace is not None:
                        self.trace("sql", event.sql)
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
    def close_savepoints(self) -> None:
        """What the script left open ends as psql's exit ends it: rolled back."""
        cursor = self.conn.cursor()
        try:
            while self.open_savepoints:
                name = self.open_savepoints.pop()
                cursor.execute(f'ROLLBACK TO SAVEPOINT "{name}"; RELEASE SAVEPOINT "{name}"')
        finally:
            cursor.close()

    def _in_transaction(self, statement: Statement) -> Statement | None:
        """A transaction statement turned into its savepoint equivalent (None:
        not one). Returns a statement to send in its place."""
        if self.savepoints is None:
            return None
        role = transaction_role(statement.sql)
        if role is None:
            return None
        if role == "begin":
            name = self.savepoints.next_savepoint()
            self.open_savepoints.append(name)
            sql = f'SAVEPOINT "{name}"'
        elif not self.open_savepoints:
            # psql would get a WARNING ("there is no transaction in progress")
            # and go on; a no-op keeps going the same way.
            self._print(
                f"{self.reader.prefix()}WARNING:  there is no transaction in progress\n",
                stderr=True,
            )
            sql = "SELECT 1 WHERE false"
        else:
            name = self.open_savepoints.pop()
            sql = f'RELEASE SAVEPOINT "{name}"'
            if role == "rollback":
                sql = f'ROLLBACK TO SAVEPOINT "{name}"; {sql}'
        return Statement(sql, statement.file, statement.line, statement.start_line)

    def _send(self, statement: Statement) -> None:
        import psycopg

        replaced = self._in_transaction(statement)
        if replaced is not None:
            cursor = self.conn.cursor()
            try:
                cursor.execute(replaced.sql, prepare=False)
                while cursor.nextset():
                    pass
                self._succeeded(None)
            except psycopg.Error as exc:
                self._failed(exc)
            finally:
                with contextlib.suppress(Exception):
                    cursor.close()
            return
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
