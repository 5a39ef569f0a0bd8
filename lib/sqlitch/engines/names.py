"""Engine names: which engines Sqitch knows, which SQLitch supports, URI aliases.

Kept free of imports so target resolution and argument parsing stay cheap.
"""

from __future__ import annotations

from sqlitch.engines import ENGINE_CLASSES
from sqlitch.errors import SqlitchError

# The engine names Sqitch 1.3.1 accepts for --engine, `engine add` and as
# positional engine arguments (App::Sqitch::Command::ENGINES), in its order.
SQITCH_ENGINES: tuple[str, ...] = (
    "pg",
    "sqlite",
    "mysql",
    "oracle",
    "firebird",
    "vertica",
    "exasol",
    "snowflake",
)

# Engine keys Sqitch has an engine class for (a superset of SQITCH_ENGINES).
SQITCH_ENGINE_CLASSES: frozenset[str] = frozenset({*SQITCH_ENGINES, "cockroach"})

# The engines SQLitch implements.
SUPPORTED_ENGINES: tuple[str, ...] = tuple(sorted(ENGINE_CLASSES))

# Human names, as Sqitch's engine classes report them.
DISPLAY_NAMES: dict[str, str] = {
    "pg": "PostgreSQL",
    "sqlite": "SQLite",
    "mysql": "MySQL",
    "oracle": "Oracle",
    "firebird": "Firebird",
    "vertica": "Vertica",
    "exasol": "Exasol",
    "snowflake": "Snowflake",
    "cockroach": "CockroachDB",
}

# Command-line client each supported engine runs by default.
DEFAULT_CLIENTS: dict[str, str] = {"pg": "psql", "sqlite": "sqlite3", "mysql": "mysql"}

DEFAULT_REGISTRY = "sqitch"

# URI schemes whose URI::db class maps to another canonical engine. Any other
# scheme is its own canonical engine (lower-cased).
URI_ENGINE_ALIASES: dict[str, str] = {
    "postgres": "pg",
    "postgresql": "pg",
    "pgsql": "pg",
    "pgxc": "pg",
    "postgresxc": "pg",
    "redshift": "pg",
    "yugabyte": "pg",
    "yugabytedb": "pg",
    "sqlite3": "sqlite",
    "maria": "mysql",
    "mariadb": "mysql",
    "cockroachdb": "cockroach",
    "couch": "couchdb",
    "max": "maxdb",
    "monet": "monetdb",
    "mongo": "mongodb",
    "sqlserver": "mssql",
}


def canonical_engine(scheme: str) -> str:
    """The engine key a URI scheme stands for (``postgres`` -> ``pg``)."""
    lowered = scheme.lower()
    return URI_ENGINE_ALIASES.get(lowered, lowered)


def is_sqitch_engine(name: str) -> bool:
    """Whether Sqitch accepts ``name`` as an engine name (exact, no aliases)."""
    return name in SQITCH_ENGINES


def unsupported_engine_error(engine: str) -> SqlitchError:
    """SQLitch's own error for an engine Sqitch has but SQLitch does not."""
    name = DISPLAY_NAMES.get(engine, engine)
    supported = ", ".join(SUPPORTED_ENGINES)
    return SqlitchError(
        f'The {name} engine ("{engine}") is not supported by SQLitch; '
        f"supported engines: {supported}",
        ident="engine",
        exitval=2,
    )


def check_supported(engine: str) -> None:
    """Fail at once for an engine Sqitch knows but SQLitch does not implement."""
    if engine in SQITCH_ENGINE_CLASSES and engine not in SUPPORTED_ENGINES:
        raise unsupported_engine_error(engine)


def require_engine_class(engine: str | None) -> str:
    """The engine key, or Sqitch's error when no engine class can be loaded for it."""
    if not engine:
        raise SqlitchError("No engine specified; specify via target or core.engine", ident="engine")
    check_supported(engine)
    if engine not in SUPPORTED_ENGINES:
        raise SqlitchError(f"Unable to load App::Sqitch::Engine::{engine}", ident="engine")
    return engine
