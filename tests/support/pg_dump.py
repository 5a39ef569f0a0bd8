"""A normalised, readable text dump of a PostgreSQL database, for golden fixtures.

The PostgreSQL counterpart of ``mysql_dump``: what a database holds, read
from the system catalogs, so two implementations that create the same
objects and rows produce the same text, whatever order or layout their SQL had.

Public API:

- :func:`dump_database` ``(conn, names=None) -> str``: the dump of the
  database ``conn`` is connected to;
- :func:`render_timestamp`, :func:`is_clock_value`: how date-times are shown
  and which of them come from the server's running clock;
- :data:`MARKER`: the first line of every dump.

``conn`` is a DB-API connection (psycopg 3, rows as tuples, ``%s``
parameters) in autocommit mode. The dump runs in one read-only transaction
(``BEGIN ... READ ONLY`` / ``ROLLBACK``) with ``search_path`` set to
``pg_catalog`` and ``TimeZone`` to UTC for that transaction only (``SET
LOCAL``): every name in a definition the server prints is then
schema-qualified, and nothing in the database changes.

Format::

    <pg database>
    encoding UTF8, collate C, ctype C

    schema public
      comment "standard public schema"

    schema sqitch
      comment "Sqitch database deployment metadata v1.1."

    table sqitch.changes
      comment "Tracks the changes currently deployed to the database."
      column change_id text NOT NULL comment "Change primary key."
      column committed_at timestamp with time zone NOT NULL default clock_timestamp() comment ...
      primary key changes_pkey (change_id)
      unique changes_project_script_hash_key (project, script_hash)
      foreign key changes_project_fkey (project) references sqitch.projects (project)
        on update CASCADE on delete NO ACTION      (one line in the dump)
      check dependencies_check (type = 'require'::text AND ...)
      index widgets_name_idx USING btree (name)

    view public.widget_names
      definition
        SELECT widgets.name
           FROM public.widgets;

    sequence public.widgets_id_seq
      integer, start 1, increment 1, min 1, max 2147483647, cache 1, no cycle
      owned by public.widgets.id
      last value 1, called true

    function public.widget_count() returns bigint
      language plpgsql, volatile, parallel unsafe
      body
        BEGIN
        ...

    trigger widgets_upper on public.widgets
      CREATE TRIGGER widgets_upper BEFORE INSERT ON public.widgets FOR EACH ROW ...

    rows sqitch.events
      1 row(s)
      row 1
        event = "deploy"
        requires = ["a"]
        committed_at = <clock ####-##-## ##:##:##.######+##>
        planned_at = "2026-01-01 00:00:03.000000+00"

Every schema but the system ones (``pg_catalog``, ``information_schema``,
``pg_toast``, temporary schemas) is dumped, in name order, each followed by
its objects: types (enums, domains, composite types), tables (columns in
order; constraints primary key, unique, foreign keys, checks, exclusions,
each kind by name; other indexes by name), views and materialized views,
sequences, functions and procedures, triggers, and then the rows of its
tables. Objects that belong to an extension are left out (the extension is
listed instead). Owners, privileges and anything else that only says who
made an object are left out; so are statistics and storage details.

Names are shown bare when they are simple lower-case identifiers and
double-quoted as in SQL otherwise (``schema "Flipr's Registry"``); names inside
definitions the server prints (defaults, checks, views, triggers) are the
server's own text, schema-qualified.

Values: numbers and booleans bare, arrays as JSON lists (``["a", "b"]``,
``[]``; a non-default lower bound is prefixed as PostgreSQL writes it,
``[0:1]=``), ``bytea`` as ``x'…'``, ``NULL``, everything else as a JSON
string of the server's text. Date-times have one fixed shape whatever
their value: ``timestamptz`` as ``YYYY-MM-DD HH:MM:SS.ffffff+00`` (UTC),
``timestamp`` the same without the zone (PostgreSQL's own text drops
trailing zeros from fractions, which would make masked values change shape).

Rows of tables with a ``committed_at`` column (the registry history) are in
``committed_at`` order (ties by rendered values); other tables' rows are
sorted by their rendered values.

The server's clock is real (never faked): any date-time within two days of
the real current time is a value from a running clock (``committed_at``,
``installed_at``, ``created_at``...) and is masked with each digit replaced
by ``#``: ``<clock ####-##-## ##:##:##.######+##>``. Other date-times, such as
``planned_at`` values from plan files, are kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlitch.engines.pg_script import quote_identifier
from tests.support.mysql_dump import CLOCK_WINDOW, clock_placeholder, replace_names
from tests.support.server_dump import query as _query
from tests.support.server_dump import quoted as _quoted
from tests.support.server_dump import rows_block
from tests.support.server_dump import text as _text

MARKER = "<pg database>"

# Schemas that belong to the server, never to a project.
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

_TIMESTAMPTZ_FORMAT = "YYYY-MM-DD HH24:MI:SS.US"
_FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_FK_MATCH = {"f": "FULL", "p": "PARTIAL", "s": "SIMPLE"}
_VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_PARALLEL = {"s": "parallel safe", "r": "parallel restricted", "u": "parallel unsafe"}
_PROKIND = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window function"}
_RELKIND_TABLES = ("r", "p", "f")
_TABLE_KIND = {"r": "table", "p": "partitioned table", "f": "foreign table"}

_STAMP = re.compile(
    r"(?P<date>\d{4,}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}:\d{2})(?P<frac>\.\d+)?(?P<zone>[+-]\d{2})?"
)
_ARRAY_DIMS = re.compile(r"\[(-?\d+):-?\d+\]")


# --------------------------------------------------------------------------
# Values


def is_clock_value(value: str, now: datetime | None = None) -> bool:
    """Whether ``value`` (as :func:`render_timestamp` writes it, or
    ``YYYY-MM-DD HH:MM:SS``) is within two days of the real current time."""
    match = _STAMP.fullmatch(value)
    if match is None:
        return False
    try:
        stamp = datetime.fromisoformat(f"{match['date']}T{match['time']}{match['frac'] or ''}")
    except ValueError:
        return False
    return abs(stamp.replace(tzinfo=UTC) - (now or datetime.now(UTC))) < CLOCK_WINDOW


def render_timestamp(text: str, now: datetime | None = None) -> str:
    """A date-time selected in the fixed shape, masked if from the running clock."""
    if is_clock_value(text, now):
        return clock_placeholder(text)
    return json.dumps(text, ensure_ascii=False)


def _block(text: object, indent: str) -> list[str]:
    """Multi-line text (a function body, say) indented, line endings as "\\n"."""
    body = _text(text).replace("\r\n", "\n").strip("\n")
    return [(indent + line).rstrip() for line in body.split("\n")]


# How each kind of column is selected (as text) and shown.
_BARE, _STRING, _STAMPED, _ARRAY, _BYTES = "bare", "string", "stamped", "array", "bytes"


def _value_kind(base_type: str, category: str) -> str:
    if base_type == "bytea":
        return _BYTES
    if base_type in ("timestamptz", "timestamp"):
        return _STAMPED
    if category == "A":
        return _ARRAY
    if category in ("N", "B") and base_type != "money":
        return _BARE
    return _STRING


def _select_expression(column: str, base_type: str, kind: str) -> str:
    col = quote_identifier(column)
    if kind == _BYTES:
        return f"encode({col}, 'hex')"
    if kind == _STAMPED:
        zoned = f"{col} AT TIME ZONE 'UTC'" if base_type == "timestamptz" else col
        suffix = " || '+00'" if base_type == "timestamptz" else ""
        return (
            f"CASE WHEN isfinite({col}) THEN to_char({zoned}, '{_TIMESTAMPTZ_FORMAT}'){suffix}"
            f" ELSE {col}::text END"
        )
    if kind == _ARRAY:
        # NULL stays NULL; an empty array has no dimensions.
        return f"coalesce(array_dims({col}), '') || ' ' || to_json({col})::text"
    return f"{col}::text"


def render_value(text: str | None, kind: str, now: datetime | None = None) -> str:
    """One value as selected by :func:`_select_expression`, as a single line."""
    if text is None:
        return "NULL"
    if kind == _BYTES:
        return "x'" + text.lower() + "'"
    if kind == _BARE:
        return text
    if kind == _ARRAY:
        dims, _, data = text.partition(" ")
        listed = json.dumps(json.loads(data), ensure_ascii=False)
        if any(lower != "1" for lower in _ARRAY_DIMS.findall(dims)):
            return f"{dims}={listed}"
        return listed
    return render_timestamp(text, now)


_SIMPLE_NAME = re.compile(r"[a-z_][a-z0-9_$]*")


def _name(name: object) -> str:
    """An identifier as shown: bare when simple, else double-quoted (as in SQL)."""
    text = _text(name)
    return text if _SIMPLE_NAME.fullmatch(text) else quote_identifier(text)


# --------------------------------------------------------------------------
# Queries


def _execute(conn: Any, sql: str) -> None:
    cur = conn.cursor()
    try:
        cur.execute(sql)
    finally:
        cur.close()


def _database_header(conn: Any) -> list[str]:
    ((encoding, collate, ctype),) = _query(
        conn,
        "SELECT pg_encoding_to_char(encoding), datcollate, datctype"
        " FROM pg_database WHERE datname = current_database()",
    )
    return [f"encoding {_text(encoding)}, collate {_text(collate)}, ctype {_text(ctype)}"]


def _extension_lines(conn: Any) -> list[str]:
    rows = _query(
        conn,
        "SELECT e.extname, n.nspname FROM pg_extension e"
        " JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE n.nspname <> 'pg_catalog' ORDER BY e.extname",
    )
    return [f"extension {_name(name)} in schema {_name(schema)}" for name, schema in rows]


def _schemas(conn: Any) -> list[tuple[int, str, str | None]]:
    return _query(
        conn,
        "SELECT n.oid, n.nspname, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n"
        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
        " AND n.nspname NOT LIKE 'pg\\_temp\\_%%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%%'"
        " ORDER BY n.nspname",
    )


# Objects that belong to an extension are left out (the extension is listed).
def _type_lines(conn: Any, schema_oid: int, schema: str) -> list[str]:
    rows = _query(
        conn,
        "SELECT t.oid, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod),"
        " t.typnotnull, t.typdefault, t.typrelid, obj_description(t.oid, 'pg_type')"
        " FROM pg_type t LEFT JOIN pg_class c ON c.oid = t.typrelid"
        " WHERE t.typnamespace = %s AND t.typtype IN ('e', 'd', 'c', 'r', 'm')"
        " AND (t.typrelid = 0 OR c.relkind = 'c')"
        " AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = t.oid"
        " AND dep.classid = 'pg_type'::regclass AND dep.deptype = 'e')"
        " ORDER BY t.typname",
        [schema_oid],
    )
    lines: list[str] = []
    for oid, name, kind, base, notnull, default, relid, comment in rows:
        lines.extend(["", f"type {_name(schema)}.{_name(name)}"])
        if kind == "e":
            labels = _query(
                conn,
                "SELECT enumlabel FROM pg_enum WHERE enumtypid = %s ORDER BY enumsortorder",
                [oid],
            )
            lines.append("  enum (" + ", ".join(_quoted(label) for (label,) in labels) + ")")
        elif kind == "d":
            head = f"  domain over {_text(base)} {'NOT NULL' if notnull else 'NULL'}"
            if default is not None:
                head += f" default {_text(default)}"
            lines.append(head)
            for cname, definition in _query(
                conn,
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE contypid = %s ORDER BY conname",
                [oid],
            ):
                lines.append(f"  constraint {_name(cname)} {_text(definition)}")
        elif kind == "c":
            for attname, attype in _query(
                conn,
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                " WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                [relid],
            ):
                lines.append(f"  attribute {_name(attname)} {_text(attype)}")
        else:
            lines.append("  range" if kind == "r" else "  multirange")
        if comment is not None:
            lines.append(f"  comment {_quoted(comment)}")
    return lines


def _columns(conn: Any, table_oid: int) -> list[tuple[Any, ...]]:
    return _query(
        conn,
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
        " pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,"
        " CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,"
        " col_description(a.attrelid, a.attnum), b.typname, b.typcategory"
        " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
        " JOIN pg_type b ON b.oid = CASE WHEN t.typbasetype <> 0 THEN t.typbasetype ELSE t.oid END"
        " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
        " WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        [table_oid],
    )


def _column_line(row: tuple[Any, ...]) -> str:
    name, ctype, notnull, default, identity, generated, collation, comment, _, _ = row
    line = f"  column {_name(name)} {_text(ctype)} {'NOT NULL' if notnull else 'NULL'}"
    if generated:
        line += f" generated always as ({_text(default)}) stored"
    elif default is not None:
        line += f" default {_text(default)}"
    if identity:
        line += " identity " + ("always" if identity == "a" else "by default")
    if collation is not None:
        line += f" collate {_text(collation)}"
    if comment is not None:
        line += f" comment {_quoted(comment)}"
    return line


def _constraint_lines(conn: Any, table_oid: int) -> list[str]:
    rows = _query(
        conn,
        "SELECT c.conname, c.contype, pg_get_constraintdef(c.oid),"
        " ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(num, pos)"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.pos),"
        " ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(num, pos)"
        " JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.pos),"
        " rn.nspname, r.relname, c.confupdtype, c.confdeltype, c.confmatchtype,"
        " c.condeferrable, c.condeferred, obj_description(c.oid, 'pg_constraint')"
        " FROM pg_constraint c LEFT JOIN pg_class r ON r.oid = c.confrelid"
        " LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace"
        " WHERE c.conrelid = %s AND c.contype IN ('p', 'u', 'f', 'c', 'x')"
        " ORDER BY position(c.contype IN 'pufcx'), c.conname",
        [table_oid],
    )
    lines = []
    for (
        name,
        kind,
        definition,
        keys,
        ref_keys,
        ref_schema,
        ref_table,
        on_update,
        on_delete,
        match,
        deferrable,
        deferred,
        comment,
    ) in rows:
        cols = "(" + ", ".join(_name(k) for k in keys or []) + ")"
        text = _text(definition)
        if kind == "p":
            line = f"  primary key {_name(name)} {cols}"
        elif kind == "u":
            line = f"  unique {_name(name)} {cols}"
            if "NULLS NOT DISTINCT" in text:
                line += " nulls not distinct"
        elif kind == "f":
            refs = "(" + ", ".join(_name(k) for k in ref_keys or []) + ")"
            line = (
                f"  foreign key {_name(name)} {cols} references"
                f" {_name(ref_schema)}.{_name(ref_table)} {refs}"
                f" on update {_FK_ACTIONS.get(on_update, on_update)}"
                f" on delete {_FK_ACTIONS.get(on_delete, on_delete)}"
            )
            if match != "s":
                line += f" match {_FK_MATCH.get(match, match)}"
        elif kind == "c":
            line = f"  check {_name(name)} {text.removeprefix('CHECK ')}"
        else:
            line = f"  exclude {_name(name)} {text.removeprefix('EXCLUDE ')}"
        if kind in ("p", "u", "f", "x") and deferrable:
            line += " deferrable initially " + ("deferred" if deferred else "immediate")
        if comment is not None:
            line += f" comment {_quoted(comment)}"
        lines.append(line)
    return lines


def _index_lines(conn: Any, table_oid: int) -> list[str]:
    rows = _query(
        conn,
        "SELECT i.relname, x.indisunique, pg_get_indexdef(x.indexrelid),"
        " obj_description(i.oid, 'pg_class')"
        " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
        " WHERE x.indrelid = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
        " WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid"
        " AND c.contype IN ('p', 'u', 'x')) ORDER BY i.relname",
        [table_oid],
    )
    lines = []
    for name, unique, definition, comment in rows:
        text = _text(definition)
        at = text.find(" USING ")
        line = f"  {'unique index' if unique else 'index'} {_name(name)} {text[at + 1 :]}"
        if comment is not None:
            line += f" comment {_quoted(comment)}"
        lines.append(line)
    return lines


def _relations(conn: Any, schema_oid: int, kinds: Sequence[str]) -> list[tuple[Any, ...]]:
    return _query(
        conn,
        "SELECT c.oid, c.relname, c.relkind, c.relpersistence, obj_description(c.oid, 'pg_class')"
        " FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = ANY(%s)"
        " AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = c.oid"
        " AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'e')"
        " ORDER BY c.relname",
        [schema_oid, list(kinds)],
    )


def _table_lines(conn: Any, schema: str, info: tuple[Any, ...]) -> list[str]:
    oid, name, kind, persistence, comment = info
    lines = ["", f"{_TABLE_KIND[kind]} {_name(schema)}.{_name(name)}"]
    if persistence == "u":
        lines.append("  unlogged")
    if comment is not None:
        lines.append(f"  comment {_quoted(comment)}")
    lines.extend(_column_line(row) for row in _columns(conn, oid))
    lines.extend(_constraint_lines(conn, oid))
    lines.extend(_index_lines(conn, oid))
    return lines


def _view_lines(conn: Any, schema: str, info: tuple[Any, ...]) -> list[str]:
    oid, name, kind, _, comment = info
    label = "materialized view" if kind == "m" else "view"
    lines = ["", f"{label} {_name(schema)}.{_name(name)}"]
    if comment is not None:
        lines.append(f"  comment {_quoted(comment)}")
    for row in _columns(conn, oid):
        if row[7] is not None:  # column comments
            lines.append(f"  column {_name(row[0])} comment {_quoted(row[7])}")
    ((definition,),) = _query(conn, "SELECT pg_get_viewdef(%s::oid, true)", [oid])
    lines.append("  definition")
    lines.extend(_block(definition, "    "))
    return lines


def _sequence_lines(conn: Any, schema: str, info: tuple[Any, ...]) -> list[str]:
    oid, name, _, _, comment = info
    ((seqtype, start, increment, minimum, maximum, cache, cycle),) = _query(
        conn,
        "SELECT format_type(seqtypid, NULL), seqstart, seqincrement, seqmin, seqmax,"
        " seqcache, seqcycle FROM pg_sequence WHERE seqrelid = %s",
        [oid],
    )
    lines = ["", f"sequence {_name(schema)}.{_name(name)}"]
    lines.append(
        f"  {_text(seqtype)}, start {start}, increment {increment}, min {minimum},"
        f" max {maximum}, cache {cache}, {'cycle' if cycle else 'no cycle'}"
    )
    owners = _query(
        conn,
        "SELECT n.nspname, c.relname, a.attname, d.deptype FROM pg_depend d"
        " JOIN pg_class c ON c.oid = d.refobjid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
        " WHERE d.classid = 'pg_class'::regclass AND d.objid = %s"
        " AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')",
        [oid],
    )
    for owner_schema, table, column, deptype in owners:
        how = "identity of" if deptype == "i" else "owned by"
        lines.append(f"  {how} {_name(owner_schema)}.{_name(table)}.{_name(column)}")
    if comment is not None:
        lines.append(f"  comment {_quoted(comment)}")
    qualified = f"{quote_identifier(schema)}.{quote_identifier(_text(name))}"
    ((last, called),) = _query(conn, f"SELECT last_value, is_called FROM {qualified}")  # noqa: S608
    lines.append(f"  last value {last}, called {'true' if called else 'false'}")
    return lines


def _routine_lines(conn: Any, schema_oid: int, schema: str, sql_body: bool) -> list[str]:
    rows = _query(
        conn,
        "SELECT p.proname, p.prokind, pg_get_function_arguments(p.oid),"
        " pg_get_function_result(p.oid), l.lanname, p.provolatile, p.proparallel,"
        " p.prosecdef, p.proisstrict, p.proleakproof, p.proconfig,"
        " obj_description(p.oid, 'pg_proc'), p.oid, p.prosrc"
        " FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
        " WHERE p.pronamespace = %s"
        " AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = p.oid"
        " AND dep.classid = 'pg_proc'::regclass AND dep.deptype = 'e')"
        " ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)",
        [schema_oid],
    )
    lines: list[str] = []
    for (
        name,
        kind,
        arguments,
        result,
        language,
        volatility,
        parallel,
        definer,
        strict,
        leakproof,
        config,
        comment,
        oid,
        source,
    ) in rows:
        head = f"{_PROKIND.get(kind, kind)} {_name(schema)}.{_name(name)}({_text(arguments)})"
        if kind != "p" and result is not None:
            head += f" returns {_text(result)}"
        lines.extend(["", head])
        attributes = [f"language {_text(language)}"]
        if kind != "p":
            attributes += [_VOLATILITY.get(volatility, volatility), _PARALLEL.get(parallel, "")]
            if strict:
                attributes.append("strict")
            if leakproof:
                attributes.append("leakproof")
        if definer:
            attributes.append("security definer")
        lines.append("  " + ", ".join(a for a in attributes if a))
        for setting in config or []:
            lines.append(f"  set {_text(setting)}")
        if comment is not None:
            lines.append(f"  comment {_quoted(comment)}")
        if kind == "a":
            continue
        if sql_body:  # a SQL-standard body (BEGIN ATOMIC, PostgreSQL 14+) has no prosrc
            ((standard,),) = _query(conn, "SELECT pg_get_function_sqlbody(%s::oid)", [oid])
            source = standard if standard is not None else source
        lines.append("  body")
        lines.extend(_block(source if source is not None else "", "    "))
    return lines


def _trigger_lines(conn: Any, schema_oid: int, schema: str) -> list[str]:
    rows = _query(
        conn,
        "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid, true), t.tgenabled,"
        " obj_description(t.oid, 'pg_trigger')"
        " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE c.relnamespace = %s AND NOT t.tgisinternal ORDER BY t.tgname, c.relname",
        [schema_oid],
    )
    lines: list[str] = []
    for name, table, definition, enabled, comment in rows:
        lines.extend(["", f"trigger {_name(name)} on {_name(schema)}.{_name(table)}"])
        lines.append(f"  {_text(definition)}")
        if enabled != "O":
            state = {"D": "disabled", "R": "enabled replica", "A": "enabled always"}
            lines.append(f"  {state.get(_text(enabled), _text(enabled))}")
        if comment is not None:
            lines.append(f"  comment {_quoted(comment)}")
    return lines


def _row_lines(conn: Any, schema: str, info: tuple[Any, ...]) -> list[str]:
    oid, name = info[0], _text(info[1])
    columns = []
    for row in _columns(conn, oid):
        base = _text(row[8])
        columns.append((_text(row[0]), base, _value_kind(base, _text(row[9]))))
    qualified = f"{quote_identifier(schema)}.{quote_identifier(name)}"
    select = ", ".join(_select_expression(col, base, kind) for col, base, kind in columns)
    raw = _query(conn, f"SELECT {select or 'NULL'} FROM {qualified}")  # noqa: S608
    if not columns:
        raw = [() for _ in raw]
    rendered = [
        [render_value(v, kind) for v, (_, _, kind) in zip(row, columns, strict=True)] for row in raw
    ]
    names = [c[0] for c in columns]
    title = f"{_name(schema)}.{_name(name)}"
    return rows_block(title, names, raw, rendered, [_name(c) for c in names], _text)


# --------------------------------------------------------------------------
# The dump


def _schema_lines(
    conn: Any, oid: int, schema: str, comment: str | None, sql_body: bool
) -> list[str]:
    lines = ["", f"schema {_name(schema)}"]
    if comment is not None:
        lines.append(f"  comment {_quoted(comment)}")
    lines.extend(_type_lines(conn, oid, schema))
    tables = _relations(conn, oid, _RELKIND_TABLES)
    for info in tables:
        lines.extend(_table_lines(conn, schema, info))
    for info in _relations(conn, oid, ("v", "m")):
        lines.extend(_view_lines(conn, schema, info))
    for info in _relations(conn, oid, ("S",)):
        lines.extend(_sequence_lines(conn, schema, info))
    lines.extend(_routine_lines(conn, oid, schema, sql_body))
    lines.extend(_trigger_lines(conn, oid, schema))
    for info in tables:
        if info[2] != "f":  # a foreign table's rows live elsewhere
            lines.extend(_row_lines(conn, schema, info))
    return lines


def dump_database(conn: Any, names: Mapping[str, str] | None = None) -> str:
    """Normalised text of the database ``conn`` is connected to.

    ``names`` maps real database and schema names to placeholders (e.g.
    ``{"sqlitch_golden_t_…": "{PG_DB}"}``); they are replaced everywhere in
    the text, longest first.
    """
    _execute(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        _execute(conn, "SET LOCAL search_path = pg_catalog")
        _execute(conn, "SET LOCAL TimeZone = 'UTC'")
        ((version,),) = _query(conn, "SELECT current_setting('server_version_num')::int")
        sql_body = int(version) >= 140000
        lines = [MARKER, *_database_header(conn)]
        extensions = _extension_lines(conn)
        if extensions:
            lines.extend(["", *extensions])
        for oid, schema, comment in _schemas(conn):
            lines.extend(_schema_lines(conn, oid, _text(schema), comment, sql_body))
    finally:
        _execute(conn, "ROLLBACK")
    text = "\n".join(lines) + "\n"
    return replace_names(text, names) if names else text
