"""A normalised, readable text dump of an SQLite database, for golden fixtures.

Sqitch and SQLitch write byte-different database files (page layout, clocks),
so snapshots store what matters instead: every object's schema, whitespace-
and comment-normalised, and every table's rows in a stable order, with the
values taken from a running clock replaced by a shape-preserving placeholder.

Used by the golden harness (``golden.Layout.snapshot``, hence by
``scripts/golden/regenerate``, the test suite and ``bin/sqlitch-parity``) and
by the interop suite under ``xt/``. Standard library only.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

MARKER = "<sqlite database>"
FIXED_NOW = datetime(2026, 1, 1, tzinfo=UTC)

# A recorded Sqitch step runs under faketime starting at FIXED_NOW, so its
# database clock reads a little after it; SQLitch in-process (clock patched in
# Python only) gets the real time from SQLite. Either is volatile.
_FAKED_WINDOW = timedelta(hours=1)
_REAL_WINDOW = timedelta(days=2)

_TIMESTAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{2}:\d{2}:\d{2})(?P<frac>\.\d+)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)


def is_volatile_timestamp(value: str, now: datetime | None = None) -> bool:
    """Whether ``value`` is a timestamp read from a running clock.

    A whole-second value equal to the fixed clock is stable (planned_at from a
    plan written under the fixed clock); anything else near the faked or the
    real clock is not, fractional seconds included (a database clock, or
    SQLitch's fixed clock at millisecond precision). Timestamps elsewhere (fixture plans) are kept.
    """
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        return False
    try:
        stamp = datetime.fromisoformat(f"{match['date']}T{match['time']}{match['frac'] or ''}")
    except ValueError:
        return False
    stamp = stamp.replace(tzinfo=UTC)  # zones are not normalised: near enough
    if stamp == FIXED_NOW and not match["frac"]:
        return False
    if FIXED_NOW <= stamp < FIXED_NOW + _FAKED_WINDOW:
        return True
    real = now or datetime.now(UTC)
    return abs(stamp - real) < _REAL_WINDOW


def clock_placeholder(value: str) -> str:
    """``<clock ####-##-## ##:##:##.###>``: the shape stays comparable."""
    return "<clock " + re.sub(r"\d", "#", value) + ">"


def render_value(value: object) -> str:
    """One SQL value as a single line of text."""
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "x'" + value.hex() + "'"
    if isinstance(value, str):
        if is_volatile_timestamp(value):
            return clock_placeholder(value)
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _strip_comments(sql: str) -> str:
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`[":
            close = "]" if ch == "[" else ch
            j = sql.find(close, i + 1)
            j = n - 1 if j < 0 else j
            out.append(sql[i : j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _split_top_level(body: str) -> list[str]:
    """Split a column/constraint list on commas outside parentheses and quotes."""
    parts: list[str] = []
    depth, start, quote = 0, 0, ""
    for i, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return [p.strip() for p in parts if p.strip()]


def normalise_sql(sql: str) -> list[str]:
    """Schema SQL without comments or layout; a table's items one per line."""
    flat = re.sub(r"\s+", " ", _strip_comments(sql)).strip()
    flat = re.sub(r"\s*\(\s*", "(", flat)
    flat = re.sub(r"\s+\)", ")", flat)
    flat = re.sub(r"\s*,\s*", ", ", flat)
    open_at = flat.find("(")
    if not flat.upper().startswith("CREATE TABLE") or open_at < 0 or not flat.endswith(")"):
        return [flat]
    head, body = flat[:open_at].rstrip(), flat[open_at + 1 : -1]
    items = _split_top_level(body)
    return [head + " (", *(f"    {item}," for item in items[:-1]), f"    {items[-1]}", ")"]


def _table_rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple[object, ...]]]:
    quoted = '"' + table.replace('"', '""') + '"'
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({quoted})")]
    select = f"SELECT * FROM {quoted}"  # noqa: S608 - name quoted
    if "committed_at" in columns:
        # Registry history: insertion order (SQLite gives a new row the
        # highest rowid plus one), which is chronological even when a clock
        # stood still; tables without rowids by the raw clock value.
        try:
            return columns, conn.execute(select + " ORDER BY rowid").fetchall()
        except sqlite3.OperationalError:
            at = columns.index("committed_at")
            rows = conn.execute(select).fetchall()
            rows.sort(key=lambda r: (str(r[at]), [render_value(v) for v in r]))
            return columns, rows
    rows = conn.execute(select).fetchall()
    rows.sort(key=lambda r: [render_value(v) for v in r])
    return columns, rows


def dump_connection(conn: sqlite3.Connection) -> str:
    """The dump text of an open database (see :func:`dump_database`)."""
    lines = [MARKER]
    objects = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
        " WHERE sql IS NOT NULL ORDER BY tbl_name, type != 'table', name"
    ).fetchall()
    for kind, name, _table, sql in objects:
        lines.append("")
        lines.append(f"{kind} {name}")
        lines.extend("  " + line for line in normalise_sql(sql))
        if kind != "table":
            continue
        columns, rows = _table_rows(conn, name)
        lines.append(f"  {len(rows)} row(s)")
        for index, row in enumerate(rows, 1):
            lines.append(f"  row {index}")
            pairs = zip(columns, row, strict=True)
            lines.extend(f"    {col} = {render_value(val)}" for col, val in pairs)
    return "\n".join(lines) + ("\n" if len(lines) > 1 else "")


def dump_database(path: Path) -> str:
    """Normalised text of the SQLite database at ``path``, opened read-only.

    A file SQLite cannot read (a bare header, say) is the bare marker.
    """
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return MARKER
    try:
        return dump_connection(conn)
    except sqlite3.DatabaseError:
        return MARKER
    finally:
        conn.close()
