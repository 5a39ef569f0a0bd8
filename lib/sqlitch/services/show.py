"""`show`: print a change's or tag's info text, or one of a change's scripts."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.plan import Change, Plan
    from sqlitch.target import Target

__all__ = ["SCRIPT_TYPES", "run_show", "script_path"]

SCRIPT_TYPES = ("deploy", "revert", "verify")
_TAG_ID = re.compile(r"[0-9a-f]{40}")


def _error(message: str) -> SqlitchError:
    return SqlitchError(message, ident="show")


def script_path(target: Target, change: Change, kind: str) -> PurePosixPath:
    """Where a change's deploy/revert/verify script lives (reworked: name@tag)."""
    reworked = change.is_reworked
    directory = target.script_dir(kind, reworked=reworked)
    deploy_dir = target.script_dir("deploy", reworked=reworked)
    segments = change.path_segments(target.extension, Path(deploy_dir))
    return directory.joinpath(*segments)


def _show_tag(app: App, plan: Plan, key: str, exists_only: bool) -> bool:
    is_id = bool(_TAG_ID.match(key))
    lookup = key if is_id or key.startswith("@") else "@" + key
    change = plan.get(lookup)
    tag = None
    if change is not None:
        wanted = key if is_id else key.removeprefix("@")
        tag = next((t for t in change.tags if (t.id if is_id else t.name) == wanted), None)
    if tag is None:
        if exists_only:
            return _json_exists(app, "tag", key, False)
        raise _error(f'Unknown tag "{key}"')
    if app.json:
        from sqlitch.services.json_output import tag_object

        details = {} if exists_only else {**tag_object(tag), "info": tag.info}
        _write_json("tag", key, details)
        return True
    if not exists_only:
        app.emit(tag.info)
    return True


def _write_json(kind: str, key: str, details: dict[str, object], exists: bool = True) -> None:
    from sqlitch.services.json_output import write_document

    write_document("show", {"type": kind, "key": key, "exists": exists, **details})


def _json_exists(app: App, kind: str, key: str, exists: bool) -> bool:
    """--exists: nothing printed (with --json, whether the object exists)."""
    if app.json:
        _write_json(kind, key, {}, exists)
    return exists


def _emit_bytes(data: bytes) -> None:
    """Print a script as it is on disk (Sqitch assumes nothing about its encoding)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8", "surrogateescape") + "\n")
    else:
        buffer.write(data + b"\n")
        buffer.flush()
    sys.stdout.flush()


def run_show(app: App, target: Target, kind: str, key: str, *, exists_only: bool = False) -> bool:
    """Show one object; returns False when --exists found nothing (exit 2 as Sqitch)."""
    from sqlitch.plan import load_plan

    plan = load_plan(Path(target.plan_file), file=str(target.plan_file))
    if kind == "tag":
        return _show_tag(app, plan, key, exists_only)
    if kind not in ("change", *SCRIPT_TYPES):
        raise _error(f'Unknown object type "{kind}')
    change = plan.get(key)
    if change is None:
        if exists_only:
            return _json_exists(app, kind, key, False)
        raise _error(f'Unknown change "{key}"')
    if kind == "change":
        if exists_only:
            return _json_exists(app, kind, key, True)
        if app.json:
            from sqlitch.services.json_output import plan_change_object

            parent = change.parent.id if change.parent is not None else None
            details = {**plan_change_object(change, plan.project), "parent_id": parent}
            _write_json(kind, key, {**details, "info": change.info})
            return True
        app.emit(change.info)
        return True

    path = script_path(target, change, kind)
    local = Path(path)
    if not os.path.exists(local):  # as Perl's -e: a name too long does not exist
        if exists_only:
            return _json_exists(app, kind, key, False)
        raise _error(f'File "{path}" does not exist')
    if os.path.isdir(local):
        raise _error(f'"{path}" is not a file')
    if exists_only:
        return _json_exists(app, kind, key, True)
    try:
        data = local.read_bytes()
    except OSError as exc:
        raise SqlitchError(f"Cannot open {path}: {exc.strerror}", ident="io") from None
    if app.json:
        script = data.decode("utf-8", "surrogateescape")
        details = {"change_id": change.id, "change": change.name, "path": str(path)}
        _write_json(kind, key, {**details, "script": script})
        return True
    _emit_bytes(data)
    return True
