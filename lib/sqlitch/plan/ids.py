"""Change and tag IDs: SHA-1 over the same info text Sqitch hashes.

The ID is ``sha1("<type> <byte length>\\0<info>")`` (git's object header
form) over the UTF-8 info text, so IDs match those Sqitch records.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from sqlitch.perl import perl_true

__all__ = ["change_info", "object_id", "script_hash", "tag_info"]


def object_id(kind: str, info: str) -> str:
    """Hex SHA-1 of ``info`` with a ``kind length\\0`` header."""
    content = info.encode("utf-8")
    header = f"{kind} {len(content)}\0".encode()
    return hashlib.sha1(header + content, usedforsecurity=False).hexdigest()


def change_info(
    *,
    project: str,
    uri: str | None,
    name: str,
    parent_id: str | None,
    planner: str,
    timestamp: str,
    requires: Sequence[str] = (),
    conflicts: Sequence[str] = (),
    note: str = "",
) -> str:
    """The info text of a change (``uri`` already canonical)."""
    text = f"project {project}\n"
    if uri is not None:
        text += f"uri {uri}\n"
    text += f"change {name}\n"
    if parent_id is not None:
        text += f"parent {parent_id}\n"
    text += f"planner {planner}\ndate {timestamp}"
    if requires:
        reqs = "\n  + ".join(requires)
        if perl_true(reqs):
            text += f"\nrequires\n  + {reqs}"
    if conflicts:
        confs = "\n  - ".join(conflicts)
        if perl_true(confs):
            text += f"\nconflicts\n  - {confs}"
    if note and note != "0":  # Perl-true
        text += f"\n\n{note}"
    return text


def tag_info(
    *,
    project: str,
    uri: str | None,
    name: str,
    change_id: str,
    planner: str,
    timestamp: str,
    note: str = "",
) -> str:
    """The info text of a tag (``name`` without the ``@``)."""
    lines = [f"project {project}"]
    if uri is not None:
        lines.append(f"uri {uri}")
    lines.extend([f"tag @{name}", f"change {change_id}", f"planner {planner}"])
    lines.append(f"date {timestamp}")
    if perl_true(note):
        lines.extend(["", note])
    return "\n".join(lines)


def script_hash(path: Path) -> str | None:
    """SHA-1 hex of a script file's raw bytes; None when it is not a file."""
    if not os.path.isfile(path):  # as Perl's -f: a name too long is no file
        return None
    return hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()
