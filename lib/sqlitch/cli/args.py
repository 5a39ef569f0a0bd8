"""Positional arguments: changes, targets, engines and plan files, as Sqitch sorts them.

App::Sqitch::Command::parse_args looks at each argument in turn: a change in
the current target's plan, a configured target name or ``db:`` URI, an
engine name, the plan file of a known target, or else an unknown argument.
Later targets become the plan in which following changes are looked up.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlitch.engines.names import SQITCH_ENGINES
from sqlitch.errors import SqlitchError
from sqlitch.target import TargetOverrides

if TYPE_CHECKING:
    from sqlitch.config import Config
    from sqlitch.target import Target

__all__ = ["ParsedArgs", "parse_args", "plan_contains"]


@dataclass
class ParsedArgs:
    """What the positional arguments named."""

    names: list[str | None] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def plan_contains(target: Target, change: str) -> bool:
    """Whether the target's plan file exists and holds ``change`` (any reference form)."""
    path = Path(target.plan_file)
    if not os.path.exists(path):  # as Perl's -e: a name too long does not exist
        return False
    from sqlitch.plan import load_plan

    plan = load_plan(path, file=str(target.plan_file))
    return bool(plan.contains(change))


def _unknown_error(command: str, unknown: Sequence[str]) -> SqlitchError:
    if len(unknown) == 1:
        return SqlitchError(f'Unknown argument "{unknown[0]}"', ident=command)
    return SqlitchError(f"Unknown arguments: {', '.join(unknown)}", ident=command)


def parse_args(
    command: str,
    config: Config,
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    target: str | None = None,
    names: Sequence[str | None] = (),
    all_targets: bool = False,
    no_changes: bool = False,
    contains: Callable[[Target, str], bool] = plan_contains,
    overrides: TargetOverrides | None = None,
) -> ParsedArgs:
    """Sort positional arguments into names, targets and changes.

    ``names`` are values already given by options; a None among them is
    filled from the unknown arguments, in order. ``target`` is --target.
    ``overrides`` (-f/--plan-file, --top-dir, --registry...) apply to every
    target resolved here, the default one included, so that changes are
    looked up in the plan the command will actually use.
    """
    from sqlitch.target import all_targets as list_all_targets
    from sqlitch.target import is_db_uri, resolve_target

    environ: Mapping[str, str] = os.environ if env is None else env
    extra: dict[str, str] = {key: value for key, value in (overrides or {}).items() if value}

    def target_named(name: str | None) -> Target:
        return resolve_target(config, environ, name=name, overrides=extra)

    def every_target() -> list[Target]:
        found = list_all_targets(config, environ)
        if not extra:
            return found
        return [dataclasses.replace(t, overrides={**t.overrides, **extra}) for t in found]

    current: Target | None
    default_error: SqlitchError | None = None
    try:
        current = target_named(name=target)
    except SqlitchError as exc:
        if target:
            raise
        current, default_error = None, exc

    result = ParsedArgs()
    seen: set[str] = set()
    unknown: list[str] = []
    plan_targets: dict[str, Target] | None = None

    def keep(found: Target) -> None:
        if found.name not in seen:
            seen.add(found.name)
            result.targets.append(found)

    if target and current is not None:
        keep(current)

    for arg in args:
        if not no_changes and current is not None and contains(current, arg):
            result.changes.append(arg)
        elif config.get(f"target.{arg}.uri") or is_db_uri(arg):
            current = target_named(name=arg)
            keep(current)
        elif arg in SQITCH_ENGINES:
            name = config.get(f"engine.{arg}.target") or f"db:{arg}:"
            current = target_named(name=str(name))
            keep(current)
        elif os.path.exists(arg):
            if plan_targets is None:
                plan_targets = {}
                for found in reversed(every_target()):
                    plan_targets[str(found.plan_file)] = found
            found_target = plan_targets.get(arg)
            if found_target is None:
                unknown.append(arg)
            else:
                current = found_target
                keep(current)
        else:
            unknown.append(arg)

    result.names = [name or (unknown.pop(0) if unknown else None) for name in names]
    if unknown:
        raise _unknown_error(command, unknown)

    if all_targets:
        if result.targets:
            raise SqlitchError(
                "Cannot specify both --all and engine, target, or plan arugments", ident=command
            )
        result.targets = every_target()
    elif not result.targets:
        if config.get(f"{command}.all", as_="bool"):
            result.targets = every_target()
        else:
            if default_error is not None:
                raise default_error
            result.targets = [current] if current is not None else []
    if no_changes:
        result.changes = []
    return result
