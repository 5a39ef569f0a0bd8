"""``--json``: SQLitch's machine-readable output (docs/json-output.md).

Every line SQLitch writes in JSON mode is one JSON object in one envelope,
version :data:`~sqlitch.formatting.json_values.JSON_VERSION`:

- a document (``status``, ``plan``, ``log``, ``check``, ``show``, ``target``,
  ``engine``, ``config``): ``{"sqlitch": 1, "command": ..., "data": {...}}``;
- events (``deploy``, ``revert``, ``verify``), one line each as the work
  goes: ``{"sqlitch": 1, "command": ..., "event": "start"|"change"|"summary",
  "data": {...}}``;
- an error, on stderr: ``{"sqlitch": 1, "command": ..., "error": {"message":
  ..., "ident": ..., "exitval": N}}``, the command exiting with ``N``.

The App's ``json`` switch drops the human text that would share stdout;
the events are :mod:`sqlitch.services.json_events` (apart, so that the
documents never import the engine).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING

from sqlitch.formatting.json_values import JSON_VERSION, dumps

if TYPE_CHECKING:
    from sqlitch.engines.registry import ChangeRow, Event, State, TagRow
    from sqlitch.errors import SqlitchError
    from sqlitch.plan import Plan
    from sqlitch.plan.model import Change, Tag

__all__ = [
    "envelope",
    "error_object",
    "event_object",
    "plan_change_object",
    "registry_event_object",
    "split_joined",
    "status_data",
    "tag_object",
    "write_document",
    "write_error",
    "write_line",
    "write_usage_error",
]


def write_line(stream: IO[str], value: Mapping[str, object]) -> None:
    """One JSON object as one line of ``stream``."""
    stream.write(dumps(value) + "\n")
    stream.flush()


def envelope(command: str, **fields: object) -> dict[str, object]:
    """``{"sqlitch": 1, "command": command, **fields}``."""
    return {"sqlitch": JSON_VERSION, "command": command, **fields}


def write_document(command: str, data: Mapping[str, object]) -> None:
    """Print a command's one JSON document on stdout."""
    write_line(sys.stdout, envelope(command, data=data))


def error_object(
    command: str,
    message: str,
    *,
    ident: str,
    exitval: int,
    details: Sequence[str] = (),
) -> dict[str, object]:
    """The envelope of an error; ``details`` are the lines Sqitch prints
    before the message (e.g. the candidates of an ambiguous change)."""
    error: dict[str, object] = {"message": message.rstrip("\n"), "ident": ident, "exitval": exitval}
    if details:
        error["details"] = list(details)
    return envelope(command, error=error)


def write_error(command: str, exc: SqlitchError) -> None:
    """Report a failure as one JSON object on stderr (the exit value is the caller's)."""
    sys.stdout.flush()
    write_line(
        sys.stderr,
        error_object(
            command,
            exc.message,
            ident=exc.ident,
            exitval=exc.exitval,
            details=exc.vent_lines,
        ),
    )


def write_usage_error(command: str, message: str, usage: str) -> None:
    """A command-line mistake (exit 2) as one JSON object on stderr: the
    message, or the usage text when Sqitch prints that alone."""
    sys.stdout.flush()
    text = message or usage.rstrip("\n")
    write_line(sys.stderr, error_object(command, text, ident="usage", exitval=2))


# -- items ---------------------------------------------------------------------
def plan_change_object(change: Change, project: str) -> dict[str, object]:
    """A planned change as ``plan --json`` lists it (and status's undeployed)."""
    from sqlitch.formatting.items import item_object
    from sqlitch.services.plan import change_item

    item = item_object(change_item(change, project))
    item.pop("deploy_file", None)
    return item


def split_joined(value: str | list[str] | None, separators: str) -> list[str]:
    """A registry list column as an array: PostgreSQL's arrays as they are,
    text split on ``separators`` (Sqitch joins requires and conflicts with
    commas, tags with blanks, or commas for the tags a revert removed)."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    found: list[str] = []
    for text in values:
        part = str(text)
        for separator in separators:
            part = part.replace(separator, "\0")
        found.extend(piece for piece in part.split("\0") if piece)
    return found


def event_object(item: Mapping[str, object]) -> dict[str, object]:
    """A ``log`` item (sqlitch.services.log.event_item) as ``log --json`` and
    ``%j`` show it: its joined lists split into arrays."""
    from sqlitch.formatting.items import item_object

    found = item_object(item)
    for key, separators in (("requires", ","), ("conflicts", ","), ("tags", ", ")):
        value = found.get(key)
        found[key] = split_joined(value if isinstance(value, (str, list)) else None, separators)
    return found


def registry_event_object(event: Event) -> dict[str, object]:
    """One events row as ``log --json`` lists it."""
    from sqlitch.services.log import event_item

    return event_object(event_item(event))


def _row(row: ChangeRow | TagRow | State) -> dict[str, object]:
    return dataclasses.asdict(row)


def status_data(
    destination: str,
    state: State,
    changes: Sequence[ChangeRow],
    tags: Sequence[TagRow],
    plan: Plan | None,
    undeployed: Sequence[Change] | None,
) -> dict[str, object]:
    """``status --json``: the latest deployed change, every deployed change
    and tag, and the planned changes not deployed (None: status unknown)."""
    state_object = _row(state)
    state_object.pop("has_script_hash", None)
    return {
        "destination": destination,
        "project": state.project,
        "state": state_object,
        "changes": [_row(row) for row in changes],
        "tags": [_row(row) for row in tags],
        "plan_file": plan.file if plan is not None else None,
        "undeployed": None
        if undeployed is None or plan is None
        else [plan_change_object(change, plan.project) for change in undeployed],
    }


def tag_object(tag: Tag) -> dict[str, object]:
    """A planned tag as ``show --json tag`` prints it."""
    return {
        "tag_id": tag.id,
        "tag": tag.format_name,
        "change_id": tag.change.id,
        "change": tag.change.name,
        "project": tag.context.project,
        "note": tag.note,
        "planned_at": tag.timestamp,
        "planner_name": tag.planner_name,
        "planner_email": tag.planner_email,
    }
