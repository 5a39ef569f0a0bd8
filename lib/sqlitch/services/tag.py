"""`sqlitch tag`: tag a change in one or more plans, or list the tags."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlitch.services.add import CommandContext, plan_for, request_note, set_note, tag_note_prompt

if TYPE_CHECKING:
    from sqlitch.plan import Plan, Tag
    from sqlitch.target import Target


def add_tag(
    ctx: CommandContext,
    name: str,
    change: str | None,
    notes: Sequence[str],
    targets: Sequence[Target],
) -> None:
    """Tag ``change`` (default: the last change) in each distinct plan file."""
    note = "\n\n".join(notes)
    plans: dict[str, Plan] = {}
    edits: list[tuple[Target, Plan, Tag]] = []
    for target in targets:
        if str(target.plan_file) in plans:
            continue
        plan = plan_for(target, plans)
        tag = plan.add_tag(
            name,
            change=change,
            note=note,
            planner_name=ctx.user_name,
            planner_email=ctx.user_email,
        )
        edits.append((target, plan, tag))
    if not edits:
        return
    final_note = request_note(ctx, edits[0][2].note, tag_note_prompt("tag"))
    from sqlitch.files import transaction

    with transaction():  # several plans: all tagged or none
        for target, plan, tag in edits:
            set_note(tag, final_note)
            plan.write(Path(str(target.plan_file)))
            ctx.info(
                f'Tagged "{tag.change.format_name}" with {tag.format_name} in {target.plan_file}'
            )


def list_tags(ctx: CommandContext, targets: Sequence[Target]) -> None:
    """Print each tag of the targets' plans once."""
    seen: set[str] = set()
    plans: dict[str, Plan] = {}
    for target in targets:
        for tag in plan_for(target, plans).tags:
            if tag.format_name not in seen:
                seen.add(tag.format_name)
                ctx.info(tag.format_name)
