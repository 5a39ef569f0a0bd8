"""`sqlitch check`: compare the script hashes recorded at deploy time with the plan's.

The exit status is the number of failed checks (Sqitch's behaviour); today
there is one check, script-signature divergence, so it is 0 or 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.engines.base import Engine
    from sqlitch.engines.registry import DeployedChange
    from sqlitch.plan import Plan
    from sqlitch.plan.model import Change
    from sqlitch.target import Target


def run_check(
    app: App,
    targets: Sequence[Target],
    changes: Sequence[str],
    from_change: str | None = None,
    to_change: str | None = None,
) -> int:
    from sqlitch.services.status import first_target, open_engine

    target = first_target(app, targets)
    pending = list(changes)
    start = from_change if from_change is not None else (pending.pop(0) if pending else None)
    end = to_change if to_change is not None else (pending.pop(0) if pending else None)
    if pending:
        app.warn(f'Too many changes specified; checking from "{start}" to "{end}"')

    from sqlitch.plan import load_plan

    try:
        plan = load_plan(Path(target.plan_file), file=str(target.plan_file))
    except SqlitchError:
        from sqlitch.services.deploy import require_registry

        require_registry(app, target)
        raise
    with open_engine(app, target, plan) as engine:
        return check(app, engine, plan, start, end)


def check(app: App, engine: Engine, plan: Plan, start: str | None, end: str | None) -> int:
    """Sqitch's Engine::check; returns 0 or raises with the failure count as exit status."""
    engine.check_registry()
    deployed = engine.registry.deployed_changes()
    app.info(f"Checking {engine.destination}")
    if not deployed:
        app.info(
            "No changes deployed"
            if plan.count
            else "Nothing to check (no planned or deployed changes)"
        )
        _write_json(app, engine, [], None, 0)
        return 0
    from_idx = _trim(engine, plan, start, deployed, pop=False) if start is not None else 0
    if end is not None:
        _trim(engine, plan, end, deployed, pop=True)
    failed = 0
    diverge = divergence_index(plan, from_idx, deployed, lambda c: _planned_hash(engine, c))
    if diverge != -1:
        failed += 1
        app.emit("Script signatures diverge at change " + _name_with_tags(plan, deployed[diverge]))
    _write_json(app, engine, deployed, deployed[diverge] if diverge != -1 else None, failed)
    if failed:
        message = "Failed one check" if failed == 1 else f"Failed {failed} checks"
        raise SqlitchError(message, ident="check", exitval=failed)
    app.emit("Check successful")
    return 0


def _write_json(
    app: App,
    engine: Engine,
    checked: Sequence[DeployedChange],
    diverged: DeployedChange | None,
    failed: int,
) -> None:
    """check --json: what was compared and the first change that differs."""
    if not app.json:
        return
    from sqlitch.services.json_output import write_document

    data = {
        "destination": engine.destination,
        "ok": not failed,
        "failed": failed,
        "changes": len(checked),
        "diverged": None
        if diverged is None
        else {"change_id": diverged.id, "change": diverged.name, "tags": list(diverged.tags)},
    }
    write_document("check", data)


def divergence_index(
    plan: Plan,
    from_idx: int,
    deployed: Sequence[DeployedChange],
    planned_hash: Callable[[Change], str | None],
) -> int:
    """Index of the first deployed change whose hash differs from the plan's, else -1."""
    for i, change in enumerate(deployed):
        planned = plan.change_at(i + from_idx) if i + from_idx < plan.count else None
        if planned is None or change.script_hash != planned_hash(planned):
            return i
    return -1


def _planned_hash(engine: Engine, change: Change) -> str | None:
    """SHA-1 of the change's deploy script as it is now (None when missing)."""
    from sqlitch.plan import script_hash

    return script_hash(engine.script_file(change, "deploy"))


def _name_with_tags(plan: Plan, change: DeployedChange) -> str:
    # Sqitch rebuilds the change with its deployed tags: "name @tag ...".
    return change.format_name_with_tags()


def _trim(engine: Engine, plan: Plan, key: str, changes: list[DeployedChange], *, pop: bool) -> int:
    """Index in the plan of ``key``; drop deployed changes before (or after) it."""
    cid = engine.change_id_for_key(key)
    if not cid:
        if plan.contains(key):
            raise SqlitchError(f'Change "{key}" has not been deployed', ident="check")
        raise SqlitchError(f'Cannot find "{key}" in the database or the plan', ident="check")
    idx = plan.index_of(cid)
    if idx is None:
        raise SqlitchError(f'Change "{key}" is deployed, but not planned', ident="check")
    if pop:
        while changes and changes[-1].id != cid:
            changes.pop()
    else:
        while changes and changes[0].id != cid:
            changes.pop(0)
    return int(idx)
