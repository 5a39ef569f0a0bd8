"""`deploy`: resolve the target, load its plan, and run the engine's deploy.

Also home of :func:`open_engine`, the connecting step deploy, revert and
verify share (Sqitch's ConnectingCommand/ContextCommand roles): positional
arguments become targets and changes, command-line target settings
override configured ones, and the engine is built for the first target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlitch.errors import SqlitchError, hurl
from sqlitch.services.context import warn_top_dir

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.engines.base import Engine, EngineOptions
    from sqlitch.target import ConnectionParts, Target


@dataclass
class ConnectOptions:
    """Options every connecting command takes."""

    target: str | None = None
    plan_file: str | None = None
    top_dir: str | None = None
    registry: str | None = None
    client: str | None = None
    connection: ConnectionParts = field(default_factory=lambda: _no_parts())
    runner: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)


def _no_parts() -> ConnectionParts:
    from sqlitch.target import ConnectionParts

    return ConnectionParts()


class ParsedTargets(Protocol):
    """Positional arguments sorted into targets and changes (cli.args.ParsedArgs)."""

    targets: list[Target]
    changes: list[str]


@dataclass
class Connected:
    engine: Engine
    target: Target
    changes: list[str]


def collect_variables(
    app: App, target: Target, sections: Sequence[str], given: Mapping[str, str]
) -> dict[str, str]:
    """core.variables, then each command section, then the target's, then --set."""
    merged: dict[str, str] = {}
    for section in ("core", *sections):
        merged.update(app.config.get_section(f"{section}.variables"))
    merged.update(target.variables)
    merged.update(given)
    return merged


def open_engine(
    app: App,
    command: str,
    parsed: ParsedTargets,
    conn: ConnectOptions,
    options: EngineOptions,
    *,
    variable_sections: Sequence[str],
) -> Connected:
    """Pick the target, load its plan, build the engine.

    The targets in ``parsed`` already carry the command's target options
    (parse_args ``overrides``); only --db-name still changes the URI here.
    """
    from sqlitch.engines import load_engine
    from sqlitch.plan import load_plan

    warn_top_dir(app, command, conn.top_dir)
    if not parsed.targets:
        raise hurl("No engine specified; specify via target or core.engine", ident="engine")
    target = parsed.targets[0]
    if len(parsed.targets) > 1:
        app.warn(f"Too many targets specified; connecting to {target.name}")
    if conn.connection:
        from sqlitch.target import with_connection

        target = with_connection(target, conn.connection)
    options.runner = conn.runner or options.runner
    options.variables = collect_variables(app, target, variable_sections, conn.variables)
    try:
        plan = load_plan(Path(target.plan_file), file=str(target.plan_file))
    except SqlitchError:
        if command in REGISTRY_FIRST:
            require_registry(app, target, options)
        elif command == "deploy" and not options.dry_run:
            touch_registry(app, target, options)
        raise
    engine = load_engine(target, plan, app, options)
    from sqlitch.services.observers import diagnose

    diagnose(app, engine)  # -v and up
    return Connected(engine, target, list(parsed.changes))


# Sqitch reads the plan lazily, and these commands check the registry before
# they need it: a missing or broken plan is reported only when the registry
# exists ("No registry found ..." otherwise).
REGISTRY_FIRST = frozenset({"revert", "verify", "rebase", "check"})


def require_registry(app: App, target: Target, options: EngineOptions | None = None) -> None:
    """Sqitch's check_registry, on an engine with an empty stand-in plan."""
    from sqlitch.engines import load_engine
    from sqlitch.plan import Plan

    stand_in = Plan.new("", file=str(target.plan_file))
    with load_engine(target, stand_in, app, options) as engine, engine.translated():
        engine.check_registry()


def touch_registry(app: App, target: Target, options: EngineOptions) -> None:
    """Sqitch's deploy reads the registry's state before the plan: a broken
    plan is reported after connecting (SQLite: an empty registry file is
    left behind, a connection error comes first)."""
    from sqlitch.engines import load_engine
    from sqlitch.plan import Plan

    stand_in = Plan.new("", file=str(target.plan_file))
    with load_engine(target, stand_in, app, options) as engine, engine.translated():
        engine.registry_initialized()


def deploy(
    app: App,
    args: ParsedTargets,
    conn: ConnectOptions,
    *,
    to_change: str | None,
    mode: str | None,
    verify: bool | None,
    log_only: bool,
    lock_timeout: int | None,
    atomic: bool | None = None,
    dry_run: bool = False,
    sql: str | None = None,
) -> None:
    from sqlitch.engines.base import DEFAULT_LOCK_TIMEOUT, EngineOptions

    config = app.config
    options = EngineOptions(
        log_only=log_only,
        dry_run=dry_run or sql is not None,
        atomic=atomic if atomic is not None else bool(config.get("deploy.atomic", as_="bool")),
        with_verify=verify
        if verify is not None
        else bool(config.get("deploy.verify", as_="bool") or False),
        lock_timeout=lock_timeout if lock_timeout is not None else DEFAULT_LOCK_TIMEOUT,
    )
    chosen_mode = mode or str(config.get("deploy.mode") or "") or "all"
    from sqlitch.services.json_events import attach_events, events_run

    events = attach_events(app, "deploy", options)  # --json
    connected = open_engine(app, "deploy", args, conn, options, variable_sections=("deploy",))
    change = (
        to_change
        if to_change is not None
        else (connected.changes.pop(0) if connected.changes else None)
    )
    if connected.changes:
        app.warn(f'Too many changes specified; deploying to "{change}"')
    if options.dry_run:  # --dry-run, --sql
        from sqlitch.services.preview import deploy_preview

        with connected.engine as engine:
            deploy_preview(app, engine, change, chosen_mode, sql)
        return
    from sqlitch.services.observers import live_progress

    with connected.engine as engine, events_run(events, engine), live_progress(app, engine):
        engine.deploy(change, chosen_mode)
