"""`upgrade`: bring a target's registry up to the release SQLitch writes.

Like Sqitch's upgrade command, it needs no plan: the engine gets an empty
stand-in plan, since upgrading touches only the registry tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlitch.errors import hurl

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.engines.base import Engine
    from sqlitch.target import Target

__all__ = ["upgrade"]


def _engine_for(app: App, target: Target, runner: str | None) -> Engine:
    from sqlitch.engines import load_engine
    from sqlitch.engines.base import EngineOptions
    from sqlitch.plan import Plan

    plan = Plan.new("", file=str(target.plan_file))
    return load_engine(target, plan, app, EngineOptions(runner=runner))


def upgrade(
    app: App,
    targets: Sequence[Target],
    *,
    runner: str | None = None,
) -> None:
    """Upgrade the registry of the first target (warning when given more)."""
    from sqlitch.engines.base import _num

    if not targets:
        raise hurl("No engine specified; specify via target or core.engine", ident="engine")
    target = targets[0]
    if len(targets) > 1:
        app.warn(f"Too many targets specified; using {target.name}")
    with _engine_for(app, target, runner) as engine, engine.translated():
        release = engine.registry_release
        destination = engine.registry_destination()
        if engine.registry.version() != release:
            app.info(f"Upgrading registry {destination} to version {_num(release)}")
            engine.upgrade_registry()
        else:
            app.info(f"Registry {destination} is up-to-date at version {_num(release)}")
