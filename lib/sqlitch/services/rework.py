"""`sqlitch rework`: add a new version of a change, keeping the old scripts.

The current scripts of the change are copied to ``name@tag`` files (the tag
being the last one before the new version), the new revert script starts as
a copy of the old deploy script (reverting the new version means going back
to the old one), and the plan gets the change again, requiring
``name@tag``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError
from sqlitch.services.add import (
    SCRIPT_KINDS,
    CommandContext,
    change_note_prompt,
    check_path_name,
    make_parent_dirs,
    new_script_segments,
    open_in_editor,
    plan_for,
    request_note,
    save_plan,
    script_path,
)

if TYPE_CHECKING:
    from sqlitch.plan import Change, Plan
    from sqlitch.target import Target


@dataclass
class ReworkRequest:
    name: str
    requires: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    open_editor: bool = False


@dataclass
class _Copy:
    """Copy ``src`` to ``dest`` if ``orig`` (default: ``src``) exists by then."""

    src: str
    dest: str
    orig: str


@dataclass
class _PlanEdit:
    plan: Plan
    change: Change
    copies: list[_Copy] = field(default_factory=list)


def _previous_instance(plan: Plan, name: str) -> Change:
    last = plan.last_tagged_change
    found = plan.get(name + last.tags[-1].format_name) if last is not None else None
    if found is None:  # pragma: no cover - rework() guarantees a tag after the change
        raise SqlitchError(f'Cannot find change "{name}" in plan', ident="rework")
    return found


def rework_change(ctx: CommandContext, request: ReworkRequest, targets: Sequence[Target]) -> None:
    """Rework the change in every target's plan and copy its scripts.

    All or nothing: if a copy or a plan cannot be written, the files and
    directories already created are removed, the files overwritten get their
    old contents back and the plans written are restored.
    """
    from sqlitch.files import transaction

    check_path_name(request.name, "rework")
    plans: dict[str, Plan] = {}
    edits: dict[str, _PlanEdit] = {}
    files: list[str] = []
    seen: set[str] = set()
    first_change: Change | None = None
    note = "\n\n".join(request.notes)
    for target in targets:
        plan = plan_for(target, plans)
        edit = edits.get(str(target.plan_file))
        if edit is None:
            change = plan.rework(
                request.name,
                requires=request.requires,
                conflicts=request.conflicts,
                note=note,
                planner_name=ctx.user_name,
                planner_email=ctx.user_email,
            )
            edit = edits[str(target.plan_file)] = _PlanEdit(plan, change)
            first_change = first_change or change
        prev = _previous_instance(plan, request.name)
        new_segments = new_script_segments(request.name, target.extension)
        old_segments = prev.path_segments(target.extension, Path(str(target.reworked_deploy_dir)))
        current = {k: str(script_path(target, k, new_segments)) for k in SCRIPT_KINDS}
        old = {k: str(script_path(target, k, old_segments, reworked=True)) for k in SCRIPT_KINDS}
        for kind in SCRIPT_KINDS:
            if current[kind] in seen:
                continue
            seen.add(current[kind])
            if os.path.exists(current[kind]):
                files.append(current[kind])
            edit.copies.append(_Copy(current[kind], old[kind], current[kind]))
        if old["revert"] not in seen:
            seen.add(old["revert"])
            edit.copies.append(_Copy(current["deploy"], current["revert"], old["revert"]))

    if first_change is None:
        return
    final_note = request_note(
        ctx, first_change.note, change_note_prompt("rework", first_change, files)
    )
    _check_copies([c for e in edits.values() for c in e.copies])

    with transaction():
        for target in targets:
            edit = edits.pop(str(target.plan_file), None)
            if edit is None:
                continue
            for copy in edit.copies:
                _copy(ctx, copy)
            # Sqitch ends this message with a full stop for rework only.
            ctx.info(save_plan(target, edit.plan, edit.change, final_note) + ".")

    ctx.info(
        "Modify this file as appropriate:"
        if len(files) == 1
        else "Modify these files as appropriate:"
    )
    for file in files:
        ctx.info(f"  * {file}")
    if request.open_editor:
        open_in_editor(ctx, files)


def _copy_error(copy: _Copy, reason: str) -> SqlitchError:
    return SqlitchError(f"Cannot copy {copy.src} to {copy.dest}: {reason}", ident="rework")


def _check_copies(copies: Sequence[_Copy]) -> None:
    """Fail before copying anything if a copy could not be made.

    A missing directory is no obstacle: it is created (Sqitch 1.4.0, #686).
    """
    existing: set[str] = set()
    for copy in copies:
        if not (copy.orig in existing or os.path.exists(copy.orig)):
            continue
        parent = PurePosixPath(copy.dest).parent
        while not os.path.exists(parent) and parent != parent.parent:
            parent = parent.parent
        if not os.path.isdir(parent):
            # What creating the directories would say (as Perl's make_path).
            raise SqlitchError(
                f"Error creating {parent}: {os.strerror(errno.EEXIST)}", ident="rework"
            )
        existing.add(copy.dest)


def _copy(ctx: CommandContext, copy: _Copy) -> None:
    if not os.path.exists(copy.orig):
        ctx.debug(f"Skipped {copy.dest}: {copy.orig} does not exist")
        return
    from sqlitch.files import write_file

    make_parent_dirs(ctx, "rework", PurePosixPath(copy.dest))
    try:
        with open(copy.src, "rb") as handle:
            data = handle.read()
        write_file(copy.dest, data)
    except OSError as exc:
        raise _copy_error(copy, exc.strerror or str(exc)) from None
    ctx.debug(f"Copied {copy.src} to {copy.dest}")
