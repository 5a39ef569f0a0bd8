"""The SQL differences between registry databases, gathered in one small object.

The registry code (:mod:`sqlitch.engines.registry`) is written once over
DB-API: its statements use ``?`` placeholders, ``{table}`` fields for
registry tables and ``{now}`` for "the current time". A :class:`Dialect`
turns that text into what one database accepts (``%s`` placeholders,
schema-qualified table names, the database's clock), brackets registry
transactions the way the database needs (MySQL locks the registry tables),
converts values both ways and classifies driver errors. A new engine
subclasses :class:`Dialect` and overrides only what differs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

REGISTRY_TABLES = ("releases", "projects", "changes", "tags", "dependencies", "events")


class Dialect:
    """SQL fragments, transaction brackets and value conversions for one database."""

    #: DB-API placeholder the driver expects in place of ``?``.
    placeholder: ClassVar[str] = "?"
    #: Operator for regular-expression matches (search_events).
    regex_op: ClassVar[str] = "REGEXP"
    #: Statements that open a registry transaction, in order.
    begin_statements: tuple[str, ...] = ("BEGIN",)
    #: Statements that commit it (and release what begin took).
    commit_statements: ClassVar[tuple[str, ...]] = ("COMMIT",)
    #: Statements that roll it back (and release what begin took).
    rollback_statements: ClassVar[tuple[str, ...]] = ("ROLLBACK",)
    #: Statements run once on every new registry connection.
    session_statements: tuple[str, ...] = ()
    #: Whether the registry connection takes several statements in one call
    #: (each transaction bracket then costs one round trip to the server).
    batch_statements: bool = False
    #: Query returning the registry release as a number.
    version_query: ClassVar[str] = "SELECT MAX(version) FROM {releases}"
    #: LIMIT for "no limit" when only an OFFSET is wanted.
    limit_all: ClassVar[str] = "-1"
    #: SQL for "now" in committed_at columns, or None to bind SQLitch's own
    #: clock (see :meth:`committed_value`).
    now_sql: str | None = None
    #: Whether events' tags/requires/conflicts columns are arrays (PostgreSQL)
    #: rather than joined strings.
    lists_as_arrays: ClassVar[bool] = False

    def __init__(self, registry: str = "") -> None:
        self.registry = registry

    # -- statement text ----------------------------------------------------
    #: Prefix of registry table names (``"schema".``) where the connection
    #: does not find them by itself (see :meth:`qualified`).
    qualifier: str = ""

    def table(self, name: str) -> str:
        """How a statement names registry table ``name``."""
        return self.qualifier + name

    def qualified(self, qualifier: str) -> Dialect:
        """This dialect for a connection that reaches the registry tables as
        ``<qualifier><table>`` and needs no session set-up of its own."""
        import copy

        other = copy.copy(self)
        other.qualifier = qualifier
        other.session_statements = ()
        return other

    def sql(self, text: str) -> str:
        """Fill in ``{table}``/``{now}`` fields and switch placeholders for the driver."""
        fields = {name: self.table(name) for name in REGISTRY_TABLES}
        text = text.format(now=self.now_sql or "?", **fields)
        if self.placeholder != "?":
            text = text.replace("%", "%%").replace("?", self.placeholder)
        return text

    def listagg(self, expr: str) -> str:
        """An aggregate joining ``expr`` values with single spaces."""
        raise NotImplementedError

    def concat(self, *parts: str) -> str:
        """String concatenation of SQL expressions."""
        return " || ".join(parts)

    # -- values --------------------------------------------------------------
    def event_list(self, values: tuple[str, ...], separator: str) -> object:
        """An events list column's value: joined by ``separator``, or an array."""
        return list(values) if self.lists_as_arrays else separator.join(values)

    def committed_value(self, moment: datetime) -> object:
        """The value bound to a committed_at/installed_at/created_at column
        (engines whose :attr:`now_sql` is None)."""
        raise NotImplementedError

    def planned_value(self, moment: datetime) -> object:
        """The value stored in a planned_at column (whole seconds, UTC)."""
        raise NotImplementedError

    def parse_timestamp(self, value: object) -> datetime:
        """A stored timestamp as an aware UTC datetime."""
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        text = str(value).replace("T", " ")
        try:
            return datetime.fromisoformat(text).replace(tzinfo=UTC)
        except ValueError:
            return _early_timestamp(text)

    def split_tags(self, value: object) -> list[str]:
        """An aggregated tag list (as :meth:`listagg` builds it) as a list."""
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        return str(value).split()

    # -- driver errors ---------------------------------------------------------
    def is_missing_table(self, exc: BaseException) -> bool:
        """Whether ``exc`` says the registry (or one of its tables) does not exist."""
        return False

    def is_missing_column(self, exc: BaseException) -> bool:
        """Whether ``exc`` says a registry column does not exist (old registries)."""
        return False

    def is_unique_violation(self, exc: BaseException) -> bool:
        """Whether ``exc`` says a row broke a unique constraint."""
        return False

    def error_text(self, exc: BaseException) -> str:
        """A driver error as Sqitch prints it (its DBI errstr)."""
        return str(exc)


def registry_datetime(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC, the year in four digits as Sqitch writes
    it (``%Y`` leaves years before 1000 unpadded)."""
    from sqlitch.plan.model import format_timestamp

    return format_timestamp(moment)[:-1].replace("T", " ")


def _early_timestamp(text: str) -> datetime:
    """A stored time before year 1000: year 0000, which Sqitch accepts in plans
    (see :class:`sqlitch.plan.model.PlanDateTime`), or a year an earlier SQLitch
    wrote unpadded. Anything else fails as :meth:`datetime.fromisoformat` does."""
    from sqlitch.plan.model import PlanDateTime

    year, dash, rest = text.partition("-")
    if not (dash and year.isascii() and year.isdigit() and len(year) <= 4):
        return datetime.fromisoformat(text)
    if int(year) > 0:
        return datetime.fromisoformat(f"{int(year):04d}-{rest}").replace(tzinfo=UTC)
    # Year 0 is kept 400 years later, where the calendar repeats exactly.
    shifted = datetime.fromisoformat(f"0400-{rest}")
    return PlanDateTime(
        shifted.year,
        shifted.month,
        shifted.day,
        shifted.hour,
        shifted.minute,
        shifted.second,
        shifted.microsecond,
        tzinfo=UTC,
    )
