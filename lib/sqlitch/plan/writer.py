"""Formatting plan lines as Sqitch writes them, and writing plan files atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlitch.errors import SqlitchError
from sqlitch.plan.model import Blank, PlanLine, Pragma, Tag, escape_note, format_timestamp

__all__ = ["format_line", "render_lines", "write_atomically"]


def _format_note(note: str) -> str:
    return f"# {escape_note(note)}" if note else ""


def format_line(line: PlanLine) -> str:
    """One plan line as Sqitch formats it (without the line ending)."""
    if isinstance(line, Blank):
        return line.lspace + line.rspace + _format_note(line.note)
    if isinstance(line, Pragma):
        operator = line.lopspace + line.operator + line.ropspace
        content = f"%{line.hspace}{line.name}{operator}{line.value or ''}"
        return line.lspace + content + line.rspace + _format_note(line.note)
    if isinstance(line, Tag):
        content = " ".join(
            [line.format_name, format_timestamp(line.timestamp), line.format_planner]
        )
        return line.lspace + content + line.rspace + _format_note(line.note)
    head = line.lopspace + line.operator + line.ropspace + line.name
    deps = line.format_dependencies()
    rest = " ".join(
        [*([deps] if deps else []), format_timestamp(line.timestamp), line.format_planner]
    )
    return line.lspace + head + line.pspace + rest + line.rspace + _format_note(line.note)


def render_lines(lines: Sequence[PlanLine]) -> str:
    """The text of a plan file as Sqitch writes it.

    Sqitch never copies a line it read: it writes every line from what it
    parsed, so a rewrite normalises the file (LF endings and a final newline,
    ``%syntax-version=1.0.0``, notes and the spacing between a line's fields;
    see :func:`format_line`).
    """
    return "".join(format_line(line) + "\n" for line in lines)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step (:mod:`sqlitch.files`):
    a linked plan is rewritten where the link points, keeping its permissions."""
    from sqlitch.files import write_atomically as write

    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end].encode("unicode_escape").decode("ascii")
        message = f'Cannot write {path}: "{bad}" is not valid UTF-8'
        raise SqlitchError(message, ident="plan") from None
    write(path, data, shown=str(path))
