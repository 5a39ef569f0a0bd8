"""A normalised, readable text dump of a MySQL/MariaDB database, for golden fixtures.

The MySQL counterpart of ``sqlite_dump``: what a database holds, described
from ``information_schema`` so two implementations that create the same
objects and rows produce the same text, whatever order or layout their SQL had.

Public API (used by the golden harness, the interop suite and the script
corpus tests):

- :func:`dump_database` ``(conn, database, names=None) -> str``: the dump;
- :func:`replace_names` ``(text, names) -> str``: database names to placeholders;
- :func:`is_clock_timestamp`, :func:`mask_clock_timestamps`: what counts as a
  value read from the server's running clock, and masking it in any text;
- :data:`MARKER`: the first line of every dump.

``conn`` is a DB-API connection to the server (PyMySQL or mysqlclient, rows as
tuples, ``%s`` parameters), preferably in autocommit mode so the dump sees the
latest committed state. Nothing is changed: no ``USE``, no session variables,
only ``SELECT`` on ``information_schema`` and on the tables.

Format::

    <mysql database>
    charset utf8mb4, collation utf8mb4_general_ci

    table changes
      engine InnoDB, charset utf8mb3, collation utf8mb3_general_ci
      comment "Tracks the changes currently deployed to the database."
      column change_id varchar(40) NOT NULL comment "Change primary key."
      column script_hash varchar(40) NULL default NULL comment "Deploy script SHA-1 hash."
      primary key (change_id)
      unique key project (project, script_hash)
      foreign key changes_ibfk_1 (project) references projects (project) on update CASCADE ...

    view widget_names
      check option NONE, updatable YES, security DEFINER
      definition
        select `{MYSQL_DB}`.`widgets`.`name` AS `name` from `{MYSQL_DB}`.`widgets`

    function checkit(IN doit int(11), IN message varchar(256)) returns int(11)
      deterministic YES, data access CONTAINS SQL, security DEFINER
      body
        BEGIN
        ...

    trigger ck_insert_dependency
      BEFORE INSERT on dependencies, order 1
      statement
        BEGIN
        ...

    rows changes
      1 row(s)
      row 1
        change_id = "8ea042ccf0ab35cfb26b5b3842a600a29d19e531"
        committed_at = <clock ####-##-## ##:##:##.######>
        planned_at = "2026-01-01 00:00:03.000000"

Objects are sorted by name within their kind (tables, views, procedures and
functions, triggers, events); a table's columns in their order, its keys
primary first then by name. Values are the server's own text for them
(``CAST(... AS CHAR)``): numbers bare, other values as JSON strings, binary
values as ``x'…'``, ``NULL``. Rows of tables with a ``committed_at`` column
(the registry history) are in ``committed_at`` order (ties by rendered
values), other tables' rows sorted by their rendered values.

The server's clock is real (never faked), so any date-time within two days of
the real current time is a value from a running clock and is masked as
``<clock ####-##-## ##:##:##.######>`` (digits become ``#``; the shape stays
compared); timestamps elsewhere, such as ``planned_at`` values from plan files,
are kept. Object metadata that only records when or by whom something was
created (``CREATED``, ``DEFINER``, ``SQL_MODE``…) is left out.

The bodies of the Sqitch registry's own routines (the ``checkit()`` function
and the ``ck_*_dependency`` triggers) read :data:`REGISTRY_BODY`: Sqitch
1.5 rewrote them (the triggers no longer call ``checkit()``), SQLitch writes
the later form, and what they check is the same; their names, signatures and
tables are still compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.server_dump import query as _query
from tests.support.server_dump import quoted as _quoted
from tests.support.server_dump import rows_block
from tests.support.server_dump import text as _text

MARKER = "<mysql database>"

# Routines of the Sqitch registry whose text differs between Sqitch releases.
REGISTRY_ROUTINES = frozenset({"checkit", "ck_insert_dependency", "ck_update_dependency"})
REGISTRY_BODY = "<as the Sqitch release writes it>"

# Values from the server clock: it is never faked, so it reads the real time.
CLOCK_WINDOW = timedelta(days=2)

_TIMESTAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{2}:\d{2}:\d{2})(?P<frac>\.\d+)?"
    r"(?P<zone>Z| ?[+-]\d{2}:?\d{2})?"
)
# Anywhere in text: not inside a longer run of digits.
_TIMESTAMP_IN_TEXT = re.compile(r"(?<![\d.])" + _TIMESTAMP.pattern + r"(?![\d])")

_NUMERIC_TYPES = frozenset(
    {
        "tinyint",
        "smallint",
        "mediumint",
        "int",
        "integer",
        "bigint",
        "decimal",
        "numeric",
        "float",
        "double",
        "real",
        "year",
    }
)
_BINARY_TYPES = frozenset(
    {
        "binary",
        "varbinary",
        "tinyblob",
        "blob",
        "mediumblob",
        "longblob",
        "geometry",
        "point",
        "linestring",
        "polygon",
        "multipoint",
        "multilinestring",
        "multipolygon",
        "geometrycollection",
    }
)


# --------------------------------------------------------------------------
# Clock values


def _parse_timestamp(match: re.Match[str]) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(f"{match['date']}T{match['time']}{match['frac'] or ''}")
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC)  # zones are not normalised: near enough


def is_clock_timestamp(value: str, now: datetime | None = None) -> bool:
    """Whether ``value`` is a date-time within two days of the real current time."""
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        return False
    stamp = _parse_timestamp(match)
    if stamp is None:
        return False
    return abs(stamp - (now or datetime.now(UTC))) < CLOCK_WINDOW


def clock_placeholder(value: str) -> str:
    """``<clock ####-##-## ##:##:##.######>``: every digit of ``value`` masked."""
    return "<clock " + re.sub(r"\d", "#", value) + ">"


def mask_clock_timestamps(text: str, now: datetime | None = None) -> str:
    """Mask every date-time in ``text`` that is within two days of the real time.

    Recognises ``YYYY-MM-DD HH:MM:SS`` with an optional ``T`` separator,
    fraction and zone (``Z``, ``+0000``, `` +00:00``), i.e. Sqitch's default
    (``iso``) and ``raw`` date formats and the server's own text.
    """
    real = now or datetime.now(UTC)

    def replace(match: re.Match[str]) -> str:
        stamp = _parse_timestamp(match)
        if stamp is None or abs(stamp - real) >= CLOCK_WINDOW:
            return match[0]
        return clock_placeholder(match[0])

    return _TIMESTAMP_IN_TEXT.sub(replace, text)


# --------------------------------------------------------------------------
# Names


def replace_names(text: str, names: Mapping[str, str]) -> str:
    """Replace real database names (keys) by placeholders (values), longest first."""
    for real in sorted(names, key=len, reverse=True):
        text = text.replace(real, names[real])
    return text


def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _block(text: object, indent: str) -> list[str]:
    """Multi-line text (a routine body, say) indented, line endings as "\\n"."""
    body = _text(text).replace("\r\n", "\n")
    return [(indent + line).rstrip() for line in body.split("\n")]


# --------------------------------------------------------------------------
# Queries


def _charset_of(conn: Any, collation: str | None) -> str | None:
    if not collation:
        return None
    rows = _query(
        conn,
        "SELECT CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME = %s",
        [collation],
    )
    return _text(rows[0][0]) if rows else None


def _schema_header(conn: Any, database: str) -> list[str]:
    rows = _query(
        conn,
        "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME"
        " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s",
        [database],
    )
    if not rows:
        return []
    charset, collation = rows[0]
    return [f"charset {_text(charset)}, collation {_text(collation)}"]


def _columns(conn: Any, database: str, table: str) -> list[tuple[Any, ...]]:
    return _query(
        conn,
        "SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,"
        " COLLATION_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS"
        " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION",
        [database, table],
    )


def _table_lines(conn: Any, database: str, table: str, info: tuple[Any, ...]) -> list[str]:
    _, _, engine, collation, comment = info
    lines = [f"table {table}"]
    charset = _charset_of(conn, collation)
    lines.append(
        f"  engine {_text(engine)}, charset {charset}, collation {_text(collation)}"
        if collation
        else f"  engine {_text(engine)}"
    )
    if comment:
        lines.append(f"  comment {_quoted(comment)}")
    for name, ctype, _dtype, nullable, default, extra, col_collation, col_comment in _columns(
        conn, database, table
    ):
        line = (
            f"  column {_text(name)} {_text(ctype)} {'NULL' if nullable == 'YES' else 'NOT NULL'}"
        )
        if default is not None:
            line += f" default {_text(default)}"
        if extra:
            line += f" {_text(extra)}"
        if col_collation and col_collation != collation:
            line += f" collate {_text(col_collation)}"
        if col_comment:
            line += f" comment {_quoted(col_comment)}"
        lines.append(line)
    lines.extend(_index_lines(conn, database, table))
    lines.extend(_foreign_key_lines(conn, database, table))
    lines.extend(_check_lines(conn, database, table))
    return lines


def _index_lines(conn: Any, database: str, table: str) -> list[str]:
    rows = _query(
        conn,
        "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE"
        " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s"
        " ORDER BY INDEX_NAME, SEQ_IN_INDEX",
        [database, table],
    )
    indexes: dict[str, dict[str, Any]] = {}
    for name, non_unique, column, sub_part, index_type in rows:
        entry = indexes.setdefault(
            _text(name), {"unique": not int(non_unique), "type": _text(index_type), "cols": []}
        )
        col = _text(column) if column is not None else "<expression>"
        entry["cols"].append(f"{col}({sub_part})" if sub_part is not None else col)
    lines = []
    for name in sorted(indexes, key=lambda n: (n != "PRIMARY", n)):
        entry = indexes[name]
        cols = "(" + ", ".join(entry["cols"]) + ")"
        if name == "PRIMARY":
            head = "primary key"
        else:
            kind = "unique key" if entry["unique"] else "key"
            if entry["type"] not in ("BTREE", ""):
                kind = f"{entry['type'].lower()} {kind}"
            head = f"{kind} {name}"
        using = f" using {entry['type']}" if name == "PRIMARY" and entry["type"] != "BTREE" else ""
        lines.append(f"  {head} {cols}{using}")
    return lines


def _foreign_key_lines(conn: Any, database: str, table: str) -> list[str]:
    constraints = _query(
        conn,
        "SELECT CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE"
        " FROM information_schema.REFERENTIAL_CONSTRAINTS"
        " WHERE CONSTRAINT_SCHEMA = %s AND TABLE_NAME = %s ORDER BY CONSTRAINT_NAME",
        [database, table],
    )
    lines = []
    for name, on_update, on_delete in constraints:
        columns = _query(
            conn,
            "SELECT COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME,"
            " REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
            " WHERE CONSTRAINT_SCHEMA = %s AND TABLE_NAME = %s AND CONSTRAINT_NAME = %s"
            " AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY ORDINAL_POSITION",
            [database, table, name],
        )
        if not columns:
            continue
        own = ", ".join(_text(c[0]) for c in columns)
        ref_schema, ref_table = _text(columns[0][1]), _text(columns[0][2])
        target = ref_table if ref_schema == database else f"{ref_schema}.{ref_table}"
        refs = ", ".join(_text(c[3]) for c in columns)
        lines.append(
            f"  foreign key {_text(name)} ({own}) references {target} ({refs})"
            f" on update {_text(on_update)} on delete {_text(on_delete)}"
        )
    return lines


def _check_lines(conn: Any, database: str, table: str) -> list[str]:
    try:
        rows = _query(
            conn,
            "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
            " WHERE CONSTRAINT_SCHEMA = %s AND TABLE_NAME = %s ORDER BY CONSTRAINT_NAME",
            [database, table],
        )
    except Exception:  # servers without CHECK_CONSTRAINTS (MySQL < 8.0.16)
        return []
    return [f"  check {_text(name)} {_text(clause)}" for name, clause in rows]


def _view_lines(conn: Any, database: str) -> list[str]:
    rows = _query(
        conn,
        "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, IS_UPDATABLE, SECURITY_TYPE"
        " FROM information_schema.VIEWS WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
        [database],
    )
    lines = []
    for name, definition, check_option, updatable, security in rows:
        lines.extend(["", f"view {_text(name)}"])
        lines.append(
            f"  check option {_text(check_option)}, updatable {_text(updatable)},"
            f" security {_text(security)}"
        )
        lines.append("  definition")
        lines.extend(_block(definition, "    "))
    return lines


def _routine_lines(conn: Any, database: str) -> list[str]:
    rows = _query(
        conn,
        "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION,"
        " IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, ROUTINE_COMMENT"
        " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s"
        " ORDER BY ROUTINE_TYPE, ROUTINE_NAME",
        [database],
    )
    lines = []
    for name, kind, returns, body, deterministic, access, security, comment in rows:
        params = _query(
            conn,
            "SELECT PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER"
            " FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = %s"
            " AND SPECIFIC_NAME = %s AND ROUTINE_TYPE = %s AND ORDINAL_POSITION > 0"
            " ORDER BY ORDINAL_POSITION",
            [database, name, kind],
        )
        signature = ", ".join(
            f"{_text(mode)} {_text(pname)} {_text(ptype)}" if mode else f"{pname} {ptype}"
            for mode, pname, ptype in params
        )
        head = f"{_text(kind).lower()} {_text(name)}({signature})"
        if returns is not None and _text(kind) == "FUNCTION":
            head += f" returns {_text(returns)}"
        lines.extend(["", head])
        lines.append(
            f"  deterministic {_text(deterministic)}, data access {_text(access)},"
            f" security {_text(security)}"
        )
        if comment:
            lines.append(f"  comment {_quoted(comment)}")
        lines.append("  body")
        if _text(name) in REGISTRY_ROUTINES:
            lines.append(f"    {REGISTRY_BODY}")
            continue
        lines.extend(_block(body if body is not None else "", "    "))
    return lines


def _trigger_lines(conn: Any, database: str) -> list[str]:
    rows = _query(
        conn,
        "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE,"
        " ACTION_ORDER, ACTION_STATEMENT FROM information_schema.TRIGGERS"
        " WHERE TRIGGER_SCHEMA = %s ORDER BY TRIGGER_NAME",
        [database],
    )
    lines = []
    for name, timing, event, table, order, statement in rows:
        lines.extend(["", f"trigger {_text(name)}"])
        lines.append(f"  {_text(timing)} {_text(event)} on {_text(table)}, order {order}")
        lines.append("  statement")
        if _text(name) in REGISTRY_ROUTINES:
            lines.append(f"    {REGISTRY_BODY}")
            continue
        lines.extend(_block(statement, "    "))
    return lines


def _event_lines(conn: Any, database: str) -> list[str]:
    rows = _query(
        conn,
        "SELECT EVENT_NAME, EVENT_TYPE, CAST(EXECUTE_AT AS CHAR), INTERVAL_VALUE,"
        " INTERVAL_FIELD, STATUS, ON_COMPLETION, EVENT_COMMENT, EVENT_DEFINITION"
        " FROM information_schema.EVENTS WHERE EVENT_SCHEMA = %s ORDER BY EVENT_NAME",
        [database],
    )
    lines = []
    for name, kind, at, every, field, status, completion, comment, definition in rows:
        lines.extend(["", f"event {_text(name)}"])
        when = f"at {_text(at)}" if kind == "ONE TIME" else f"every {_text(every)} {_text(field)}"
        lines.append(
            f"  {_text(kind)} {mask_clock_timestamps(when)}, status {_text(status)},"
            f" on completion {_text(completion)}"
        )
        if comment:
            lines.append(f"  comment {_quoted(comment)}")
        lines.append("  definition")
        lines.extend(_block(definition, "    "))
    return lines


# --------------------------------------------------------------------------
# Rows


def render_value(value: object, data_type: str) -> str:
    """One value as selected by :func:`_select_list`, as a single line."""
    if value is None:
        return "NULL"
    text = _text(value)
    if data_type in _BINARY_TYPES:
        return "x'" + text.lower() + "'"
    if data_type == "bit":
        return "b'" + text + "'"
    if data_type in _NUMERIC_TYPES:
        return text
    if is_clock_timestamp(text):
        return clock_placeholder(text)
    return json.dumps(text, ensure_ascii=False)


def _select_list(columns: Sequence[tuple[str, str]]) -> str:
    items = []
    for name, data_type in columns:
        col = _ident(name)
        if data_type in _BINARY_TYPES:
            items.append(f"HEX({col})")
        elif data_type == "bit":
            items.append(f"BIN({col})")
        else:
            items.append(f"CAST({col} AS CHAR)")
    return ", ".join(items)


def _row_lines(conn: Any, database: str, table: str) -> list[str]:
    columns = [(_text(c[0]), _text(c[2]).lower()) for c in _columns(conn, database, table)]
    select = f"SELECT {_select_list(columns)} FROM {_ident(database)}.{_ident(table)}"  # noqa: S608
    raw = _query(conn, select)
    rendered = [[render_value(v, t) for v, (_, t) in zip(row, columns, strict=True)] for row in raw]
    names = [c[0] for c in columns]
    return rows_block(table, names, raw, rendered, text=_text)


# --------------------------------------------------------------------------
# The dump


def dump_database(conn: Any, database: str, names: Mapping[str, str] | None = None) -> str:
    """Normalised text of ``database`` on the server behind ``conn``.

    ``names`` maps real database names to placeholders (e.g.
    ``{"sqlitch_golden_t_…": "{MYSQL_DB}"}``); they are replaced everywhere in
    the text, longest first. A database that does not exist is the bare marker.
    """
    lines = [MARKER, *_schema_header(conn, database)]
    tables = _query(
        conn,
        "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, TABLE_COMMENT"
        " FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
        [database],
    )
    with_rows = []
    for info in tables:
        name, kind = _text(info[0]), _text(info[1])
        if kind == "VIEW":
            continue
        lines.append("")
        if kind in ("BASE TABLE", "SYSTEM VERSIONED"):
            lines.extend(_table_lines(conn, database, name, info))
        else:  # SEQUENCE and the like: what it is, and its row(s)
            lines.append(f"{kind.lower()} {name}")
        with_rows.append(name)
    lines.extend(_view_lines(conn, database))
    lines.extend(_routine_lines(conn, database))
    lines.extend(_trigger_lines(conn, database))
    lines.extend(_event_lines(conn, database))
    for name in with_rows:
        lines.extend(_row_lines(conn, database, name))
    text = "\n".join(lines) + "\n"
    return replace_names(text, names) if names else text
