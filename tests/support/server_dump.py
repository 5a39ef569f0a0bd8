"""What the server dumps (mysql_dump, pg_dump) share: reading rows, showing
values, and the ``rows`` block."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any


def text(value: object) -> str:
    """A value as text; bytes decoded as UTF-8 (undecodable bytes escaped)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="backslashreplace")
    return str(value)


def quoted(value: object) -> str:
    """A value as a JSON string: unambiguous, one line."""
    return json.dumps(text(value), ensure_ascii=False)


def query(conn: Any, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    """All rows of ``sql`` over a DB-API connection, as tuples."""
    cur = conn.cursor()
    try:
        cur.execute(sql, tuple(params))
        return [tuple(row) for row in cur.fetchall()]
    finally:
        cur.close()


def rows_block(
    title: str,
    names: Sequence[str],
    raw: Sequence[Sequence[Any]],
    rendered: Sequence[Sequence[str]],
    shown: Sequence[str] | None = None,
    text: Callable[[object], str] = str,
) -> list[str]:
    """``rows <title>`` and every row, column by column, in a stable order.

    Registry history (tables with ``committed_at``) is chronological, ties
    broken by the rendered values; other tables sort by the rendered values.
    ``shown`` are the column names as the dump prints them (default ``names``);
    ``text`` turns a raw ``committed_at`` value into sortable text.
    """
    if "committed_at" in names:
        at = list(names).index("committed_at")
        order = sorted(
            range(len(raw)),
            key=lambda i: (text(raw[i][at] or ""), list(rendered[i])),
        )
    else:
        order = sorted(range(len(raw)), key=lambda i: list(rendered[i]))
    lines = ["", f"rows {title}", f"  {len(raw)} row(s)"]
    for number, index in enumerate(order, 1):
        lines.append(f"  row {number}")
        lines.extend(
            f"    {name} = {value}"
            for name, value in zip(shown or names, rendered[index], strict=True)
        )
    return lines
