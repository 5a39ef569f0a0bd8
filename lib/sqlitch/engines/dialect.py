"""The SQL differences between registry databases, gathered in one small object.

The registry code (:mod:`sqlitch.engines.registry`) is written once over
DB-API: its statements use ``?`` placeholders and ``{table}`` fields for
registry tables. A :class:`Dialect` turns that text into what one database
accepts (``%s`` placeholders, schema-qualified or database-qualified table
names) and converts values both ways (timestamps, aggregated tag lists).
A new engine subclasses :class:`Dialect` and overrides only what differs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

REGISTRY_TABLES = ("releases", "projects", "changes", "tags", "dependencies", "events")


class Dialect:
    """SQL fragments and value conversions for one kind of database."""

    #: DB-API placeholder the driver expects in place of ``?``.
    placeholder: ClassVar[str] = "?"
    #: Operator for regular-expression matches (search_events).
    regex_op: ClassVar[str] = "REGEXP"
    #: Statement that opens a registry transaction.
    begin_sql: ClassVar[str] = "BEGIN"
    #: Query returning the registry release as a number.
    version_query: ClassVar[str] = "SELECT MAX(version) FROM {releases}"

    def __init__(self, registry: str = "") -> None:
        self.registry = registry

    # -- statement text ----------------------------------------------------
    def table(self, name: str) -> str:
        """How a statement names registry table ``name`` (pg: ``schema.name``)."""
        return name

    def sql(self, text: str) -> str:
        """Fill in ``{table}`` fields and switch placeholders for the driver."""
        text = text.format(**{name: self.table(name) for name in REGISTRY_TABLES})
        if self.placeholder != "?":
            text = text.replace("%", "%%").replace("?", self.placeholder)
        return text

    def listagg(self, expr: str) -> str:
        """An aggregate joining ``expr`` values with single spaces."""
        raise NotImplementedError

    # -- values --------------------------------------------------------------
    def committed_value(self, moment: datetime) -> object:
        """The value stored in a committed_at/installed_at/created_at column."""
        raise NotImplementedError

    def planned_value(self, moment: datetime) -> object:
        """The value stored in a planned_at column (whole seconds, UTC)."""
        raise NotImplementedError

    def parse_timestamp(self, value: object) -> datetime:
        """A stored timestamp as an aware UTC datetime."""
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        text = str(value).replace("T", " ")
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    def split_tags(self, value: object) -> list[str]:
        """An aggregated tag list (as :meth:`listagg` builds it) as a list."""
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        return str(value).split()

    def is_missing_table(self, exc: BaseException) -> bool:
        """Whether ``exc`` says a registry table does not exist."""
        return False

    def is_missing_column(self, exc: BaseException) -> bool:
        """Whether ``exc`` says a registry column does not exist (old registries)."""
        return False
