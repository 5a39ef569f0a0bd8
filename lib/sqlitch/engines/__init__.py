"""Database engines: the deploy workflow (base), the registry, dialects, runners.

:data:`ENGINE_CLASSES` is the one table of engines SQLitch implements: the
engine key and where its class lives, imported only when a target of that
engine is used (a database driver costs start-up time).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlitch.engines.base import Engine, EngineOptions, Reporter
    from sqlitch.plan import Plan
    from sqlitch.target import Target

#: Engine key -> "module:Class". None: the engine's plan side (init, add,
#: templates, targets) works, its database side does not exist yet.
ENGINE_CLASSES: dict[str, str | None] = {
    "mysql": "sqlitch.engines.mysql:MysqlEngine",
    "pg": "sqlitch.engines.pg:PgEngine",
    "sqlite": "sqlitch.engines.sqlite:SqliteEngine",
}


def engine_class(key: str) -> type[Engine]:
    """The engine class for a supported engine key (imports its module)."""
    from sqlitch.engines.names import DISPLAY_NAMES
    from sqlitch.errors import hurl

    spec = ENGINE_CLASSES.get(key)
    if spec is None:
        able = [DISPLAY_NAMES[k] for k, v in sorted(ENGINE_CLASSES.items()) if v is not None]
        raise hurl(
            f'The {DISPLAY_NAMES.get(key, key)} engine ("{key}") cannot connect to '
            f"databases in this release of SQLitch; only {' and '.join(able)} can",
            ident="engine",
        )
    module, _, name = spec.partition(":")
    found: type[Engine] = getattr(import_module(module), name)
    return found


def load_engine(
    target: Target,
    plan: Plan,
    reporter: Reporter,
    options: EngineOptions | None = None,
) -> Engine:
    """The engine for a target's URI (Sqitch's errors for unknown engines)."""
    from sqlitch.engines.names import require_engine_class

    return engine_class(require_engine_class(target.engine_key))(target, plan, reporter, options)
