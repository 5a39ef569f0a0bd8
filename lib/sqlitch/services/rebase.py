"""`rebase`: revert to a change, then deploy again.

Also the settings `rebase` and `checkout` share (Sqitch's
RevertDeployCommand role): where --verify, --mode, -y and the prompt
default come from, which variables each half sees, and how a non-fatal
revert outcome ("Nothing to revert", a declined prompt for all changes)
lets the deploy half go ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError, hurl
from sqlitch.services.deploy import (
    ConnectOptions,
    ParsedTargets,
    collect_variables,
    open_engine,
)

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.engines.base import Engine, EngineOptions
    from sqlitch.services.json_events import JsonEvents
    from sqlitch.target import Target

DEPLOY_MODES = ("all", "change", "tag")


@dataclass
class RevertDeployOptions:
    """Command-line options of rebase and checkout (None: not given)."""

    mode: str | None = None
    verify: bool | None = None
    no_prompt: bool | None = None
    log_only: bool = False
    lock_timeout: int | None = None
    #: --set-deploy and --set-revert (--set is ConnectOptions.variables).
    deploy_variables: Mapping[str, str] = field(default_factory=dict)
    revert_variables: Mapping[str, str] = field(default_factory=dict)


@dataclass
class RevertDeploySettings:
    """The options resolved against ``<command>.*``, deploy.* and revert.* config."""

    engine: EngineOptions
    mode: str
    deploy_variables: dict[str, str]
    revert_variables: dict[str, str]


def check_strict(app: App, command: str) -> None:
    """Refuse ``rebase`` and ``checkout`` in strict mode (Sqitch 1.4.0, #719, #735).

    ``<command>.strict`` decides, else ``revert.strict``. Sqitch checks this
    while it builds the command, before reading any argument, and dies there
    with a stack trace (exit 255); SQLitch prints the message alone, exactly
    as Sqitch words it, its literal ``\\n`` included.
    """
    config = app.config
    strict = _first(
        config.get(f"{command}.strict", as_="bool"), config.get("revert.strict", as_="bool")
    )
    if strict:
        raise SqlitchError(
            f'"{command}" cannot be used in strict mode.\\n'
            "Use explicity revert and deploy commands instead.",
            ident=command,
            exitval=255,
        )


def _first(*values: object) -> object:
    return next((v for v in values if v is not None), None)


def resolve_settings(
    app: App, command: str, opts: RevertDeployOptions, conn: ConnectOptions
) -> RevertDeploySettings:
    """Each option, else ``<command>.<key>``, else the deploy/revert default."""
    from sqlitch.engines.base import DEFAULT_LOCK_TIMEOUT, EngineOptions

    config = app.config

    def setting(key: str, fallback: str) -> object:
        return _first(config.get(f"{command}.{key}"), config.get(fallback))

    def flag(key: str, fallback: str) -> object:
        return _first(config.get(f"{command}.{key}", as_="bool"), config.get(fallback, as_="bool"))

    verify = _first(opts.verify, flag("verify", "deploy.verify"))
    mode = opts.mode or setting("mode", "deploy.mode") or "all"
    if str(mode) not in DEPLOY_MODES:
        # Sqitch rejects it when building the command, before any work.
        raise hurl(f'Unknown deployment mode: "{mode}"', ident=command)
    no_prompt = opts.no_prompt or flag("no_prompt", "revert.no_prompt")
    accept = flag("prompt_accept", "revert.prompt_accept")
    engine = EngineOptions(
        log_only=opts.log_only,
        with_verify=bool(verify),
        lock_timeout=DEFAULT_LOCK_TIMEOUT if opts.lock_timeout is None else opts.lock_timeout,
        no_prompt=bool(no_prompt),
        prompt_accept=True if accept is None else bool(accept),
    )
    return RevertDeploySettings(
        engine=engine,
        mode=str(mode),
        deploy_variables={**conn.variables, **opts.deploy_variables},
        revert_variables={**conn.variables, **opts.revert_variables},
    )


def use_deploy_variables(
    app: App, engine: Engine, target: Target, settings: RevertDeploySettings
) -> None:
    engine.options.variables = collect_variables(
        app, target, ("deploy",), settings.deploy_variables
    )


def use_revert_variables(
    app: App, engine: Engine, target: Target, settings: RevertDeploySettings
) -> None:
    engine.options.variables = collect_variables(
        app, target, ("deploy", "revert"), settings.revert_variables
    )


def revert_leniently(app: App, run: Callable[[], None]) -> None:
    """Run the revert half; a non-fatal outcome is reported and work goes on.

    A declined "Revert changes to X?" (ident revert:confirm) still stops the
    command, as do all errors whose exit value is above 1.
    """
    try:
        run()
    except SqlitchError as exc:
        if exc.exitval > 1 or exc.ident == "revert:confirm":
            raise
        app.info(exc.message)


def _label(value: str | None) -> str:
    return "" if value is None else value


def rebase(
    app: App,
    args: ParsedTargets,
    conn: ConnectOptions,
    opts: RevertDeployOptions,
    *,
    onto_change: str | None,
    upto_change: str | None,
    modified: bool,
    dry_run: bool = False,
) -> None:
    settings = resolve_settings(app, "rebase", opts, conn)
    settings.engine.dry_run = dry_run
    events = json_events(app, "rebase", settings.engine, dry_run)
    connected = open_engine(
        app, "rebase", args, conn, settings.engine, variable_sections=("deploy", "revert")
    )
    changes = connected.changes
    from sqlitch.services.json_events import events_run
    from sqlitch.services.observers import live_progress

    with connected.engine as engine, events_run(events, engine), live_progress(app, engine):
        if dry_run:
            from sqlitch.services.preview import NOTICE

            app.info(NOTICE)
        if modified:
            onto = engine.planned_deployed_common_ancestor_id()
        else:
            onto = onto_change if onto_change is not None else _shift(changes)
        upto = upto_change if upto_change is not None else _shift(changes)
        if changes:
            app.warn(
                f'Too many changes specified; rebasing onto "{_label(onto)}" up to "{_label(upto)}"'
            )
        use_revert_variables(app, engine, connected.target, settings)
        revert_leniently(app, lambda: revert_half(engine, onto))
        use_deploy_variables(app, engine, connected.target, settings)
        deploy_half(engine, upto, settings.mode)


def json_events(app: App, command: str, options: EngineOptions, dry_run: bool) -> JsonEvents | None:
    """With --json, the observer writing ``command``'s events (a dry run has
    no JSON form yet: refused)."""
    if dry_run:
        from sqlitch.services.preview import refuse_json

        refuse_json(app, command)
    from sqlitch.services.json_events import attach_events

    return attach_events(app, command, options)


def revert_half(engine: Engine, to: str | None) -> None:
    """Revert to ``to``; in a dry run, say what would be reverted."""
    if engine.options.dry_run:
        engine.dry_run_revert(to)
    else:
        engine.revert(to)


def deploy_half(engine: Engine, to: str | None, mode: str, *, scripts: bool = True) -> None:
    """Deploy up to ``to``; in a dry run, say what would be deployed after
    the revert half (``scripts``: check that their deploy scripts exist)."""
    if engine.options.dry_run:
        engine.dry_run_deploy(to, mode, scripts=scripts)
    else:
        engine.deploy(to, mode)


def _shift(items: list[str]) -> str | None:
    return items.pop(0) if items else None
