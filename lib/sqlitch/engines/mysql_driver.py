"""Runs MySQL scripts in-process over PyMySQL, as the ``mysql`` client would.

The script is split into statements as the client splits it
(:mod:`sqlitch.engines.mysql_script`: DELIMITER, quotes, comments,
conditional comments); each statement is sent as the client sends it, in
autocommit mode, and result rows are printed as ``mysql --silent
--skip-column-names`` prints them. Sqitch's variables are set first, as
``SET @"k" = 'v'`` (what Sqitch prepends to ``source``).

The client gets a fresh session for every script; the driver keeps its
connection between scripts for speed and opens a new one after a script
that changed its session (USE, SET, LOCK, temporary tables, an open
transaction) or failed, so no script sees what another left behind.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlitch.engines.mysql_script import (
    ScriptError,
    Statement,
    format_rows,
    set_variables,
    split_script,
)
from sqlitch.engines.runners import read_script
from sqlitch.errors import SqlitchError, hurl

# Statements after which the session is no longer the one a new client gets.
_SESSION_CHANGING = re.compile(
    r"\A(?:USE|SET|LOCK|UNLOCK|BEGIN|START|XA|PREPARE|HANDLER|CREATE\s+TEMPORARY|"
    r"SAVEPOINT|RELEASE)\b",
    re.IGNORECASE,
)
# Leading comments and conditional-comment openers before the first keyword.
_LEADING_NOISE = re.compile(r"\A(?:\s+|/\*(?!!).*?\*/|/\*!\d*|--[^\n]*\n|#[^\n]*\n)*", re.DOTALL)


class DriverScriptError(SqlitchError):
    """A statement of a script failed on the server."""


class MysqlDriverRunner:
    """Runs scripts against one database over a PyMySQL connection."""

    name = "driver"
    trace: Callable[[str, str], None] | None = None  # -vvv: the SQL sent

    def __init__(self, connect: Callable[[], Any], variables: Mapping[str, str]) -> None:
        self._connect = connect
        self.variables = dict(variables)
        self._conn: Any = None

    def _connection(self) -> Any:
        if self._conn is None:
            try:
                self._conn = self._connect()
            except SqlitchError:
                raise
            except Exception as exc:
                from sqlitch.engines.mysql import client_error_text

                raise hurl(client_error_text(exc), ident="mysql") from None
        return self._conn

    def run(self, path: Path, *, quiet: bool = False) -> None:
        statements = self._statements(path)
        conn = self._connection()
        fresh_session_needed = False
        ran = 0
        try:
            if self.variables:
                self._execute(conn, set_variables(self.variables), quiet=True)
            for statement in statements:
                if self.trace is not None:
                    self.trace("sql", statement.sql)
                try:
                    self._execute(conn, statement.sql, quiet=quiet, vertical=statement.vertical)
                except Exception as exc:
                    fresh_session_needed = True
                    raise self._failure(path, statement, exc, ran) from None
                ran += 1
                if _changes_session(statement.sql):
                    fresh_session_needed = True
        finally:
            if fresh_session_needed or _in_transaction(conn):
                # Closing rolls back what an unfinished transaction holds, as
                # the client's exit does.
                self.close()

    def _statements(self, path: Path) -> list[Statement]:
        # The client's wording for a missing file.
        text = read_script(path, "mysql", f"Failed to open file '{path}', error: 2")
        try:
            return split_script(text)
        except ScriptError as exc:
            raise hurl(f"{path} line {exc.line}: {exc}", ident="mysql") from None

    @staticmethod
    def _execute(conn: Any, sql: str, *, quiet: bool, vertical: bool = False) -> None:
        cursor = conn.cursor()
        try:
            cursor.execute(sql)
            while True:
                if cursor.description:
                    rows = cursor.fetchall()
                    if rows and not quiet:
                        _write(format_rows(rows, vertical=vertical))
                if not cursor.nextset():
                    break
        finally:
            cursor.close()

    @staticmethod
    def _failure(path: Path, statement: Statement, exc: Exception, ran: int) -> SqlitchError:
        from sqlitch.engines.mysql import error_code, error_text

        code = error_code(exc)
        if code is None:
            return DriverScriptError(f"{path} line {statement.line}: {exc}", ident="mysql")
        state = getattr(exc, "sqlstate", None)
        where = f"at line {statement.line} in file: '{path}'"
        head = f"ERROR {code} ({state}) {where}" if state else f"ERROR {code} {where}"
        message = f"{head}: {error_text(exc)}"
        if ran:
            noun = "statement" if ran == 1 else "statements"
            message += (
                f"\n{ran} {noun} before it ran and stay applied: MySQL commits DDL"
                " implicitly, so check what the script left behind"
            )
        return DriverScriptError(message, ident="mysql")

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):  # a broken connection closes anyway
                conn.close()


def _changes_session(sql: str) -> bool:
    return _SESSION_CHANGING.match(_LEADING_NOISE.sub("", sql, count=1)) is not None


def _in_transaction(conn: Any) -> bool:
    from pymysql.constants import SERVER_STATUS

    status = getattr(conn, "server_status", 0) or 0
    return bool(status & SERVER_STATUS.SERVER_STATUS_IN_TRANS)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
