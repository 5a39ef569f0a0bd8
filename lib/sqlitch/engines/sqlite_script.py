"""SQLite scripts as statements, for running them inside a caller's transaction.

The driver runner normally hands a whole script to ``executescript``. To run
a change's script and its registry rows in one transaction the script must
go statement by statement, with its own transaction statements turned into
savepoints (SQLite has no nested ``BEGIN``). :func:`statements` splits a
script the way SQLite reads it: at semicolons outside quotes, identifiers
and comments, where ``sqlite3.complete_statement`` agrees (so a trigger's
``BEGIN ... END;`` body stays whole). It runs in time linear in the script.

:func:`transaction_blocker` names a statement that must not run inside an
outer transaction: ``VACUUM``, ``ATTACH``/``DETACH`` (SQLite refuses them
there) and pragmas that a transaction silently ignores or refuses
(``foreign_keys``, ``journal_mode``, ...), whose effect the script relies on.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Statement", "statements", "transaction_blocker", "transaction_role"]

_OPENERS = {"'": "'", '"': '"', "`": "`", "[": "]"}
_WORD = re.compile(r"[A-Za-z_]+")
# Pragmas that cannot change inside a transaction, or do nothing there.
_OUTSIDE_PRAGMAS = frozenset(
    {
        "foreign_keys",
        "journal_mode",
        "locking_mode",
        "synchronous",
        "page_size",
        "auto_vacuum",
        "encoding",
    }
)


@dataclass(frozen=True)
class Statement:
    """One statement of a script: its text (with the semicolon) and first line."""

    sql: str
    line: int


def _skip_quoted(text: str, i: int, closer: str) -> int:
    """The index after a quoted run starting at ``i`` (doubled closers escape)."""
    n = len(text)
    i += 1
    while i < n:
        j = text.find(closer, i)
        if j < 0:
            return n
        if closer != "]" and j + 1 < n and text[j + 1] == closer:
            i = j + 2
            continue
        return j + 1
    return n


def statements(text: str) -> Iterator[Statement]:
    """The script's statements in order (blank and comment-only text dropped)."""
    n = len(text)
    start = 0
    i = 0
    while i < n:
        ch = text[i]
        if ch in _OPENERS:
            i = _skip_quoted(text, i, _OPENERS[ch])
        elif ch == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif ch == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif ch == ";":
            i += 1
            chunk = text[start:i]
            if sqlite3.complete_statement(chunk):
                found = _statement(text, start, chunk)
                if found is not None:
                    yield found
                start = i
        else:
            i += 1
    found = _statement(text, start, text[start:])
    if found is not None:
        yield found


def _statement(text: str, start: int, chunk: str) -> Statement | None:
    offset = _first_code(chunk)
    if offset is None:
        return None
    line = text.count("\n", 0, start + offset) + 1
    return Statement(chunk, line)


def _first_code(chunk: str) -> int | None:
    """Where the first token of ``chunk`` starts (None: only blanks, comments, ';')."""
    i, n = 0, len(chunk)
    while i < n:
        ch = chunk[i]
        if ch.isspace() or ch == ";":
            i += 1
        elif chunk.startswith("--", i):
            j = chunk.find("\n", i)
            i = n if j < 0 else j + 1
        elif chunk.startswith("/*", i):
            j = chunk.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            return i
    return None


def _words(sql: str, count: int) -> list[str]:
    """The first ``count`` keywords of a statement, upper-cased."""
    found: list[str] = []
    i = _first_code(sql)
    while i is not None and len(found) < count:
        match = _WORD.match(sql, i)
        if match is None:
            break
        found.append(match.group().upper())
        rest = _first_code(sql[match.end() :])
        i = None if rest is None else match.end() + rest
    return found


def transaction_role(sql: str) -> str | None:
    """The role of a transaction statement: "begin", "commit", "rollback"; else None."""
    words = _words(sql, 2)
    if not words:
        return None
    first = words[0]
    if first == "BEGIN":
        return "begin"
    if first in ("COMMIT", "END"):
        return "commit"
    if first == "ROLLBACK" and (len(words) < 2 or words[1] == "TRANSACTION"):
        # "ROLLBACK TO [SAVEPOINT] x" is the script's own savepoint: it stays.
        rest = sql.split(None, 2)
        if len(words) < 2 or len(rest) < 3 or not rest[2].upper().startswith("TO"):
            return "rollback"
    return None


def transaction_blocker(sql: str) -> str | None:
    """Why ``sql`` cannot run inside an outer transaction, or None."""
    words = _words(sql, 2)
    if not words:
        return None
    first = words[0]
    if first in ("VACUUM", "ATTACH", "DETACH"):
        return f"{first} cannot run inside a transaction"
    if first == "PRAGMA" and len(words) > 1:
        name = words[1].lower()
        tail = sql[sql.upper().find(words[1]) + len(words[1]) :].lstrip()
        if "." in tail[:1]:  # PRAGMA schema.name
            tail = tail[1:]
            match = _WORD.match(tail)
            name = match.group().lower() if match else name
            tail = tail[match.end() :].lstrip() if match else tail
        if name in _OUTSIDE_PRAGMAS and tail[:1] in ("=", "("):
            return f"PRAGMA {name} cannot be changed inside a transaction"
    return None
