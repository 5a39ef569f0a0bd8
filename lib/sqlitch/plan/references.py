"""Resolving change references (``name``, ``@tag``, ``name@tag``, IDs, ``HEAD``,
``ROOT``, ``^``/``~N`` offsets) to positions in a plan's change list."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlitch.errors import SqlitchError
from sqlitch.plan._perl import PUNCT
from sqlitch.plan.model import Change, Tag

__all__ = ["AmbiguousChangeError", "ChangeIndex", "split_offset"]

_OFFSET_RE = re.compile(rf"(?<![{PUNCT}])([~^])(?:(\1)|(\d+))?\Z")


class AmbiguousChangeError(SqlitchError):
    """A bare name matches several reworked changes.

    Sqitch prints ``vent_lines`` to stderr before the error message.
    """

    def __init__(self, key: str, candidates: list[str]) -> None:
        super().__init__(
            "Change lookup failed",
            ident="plan",
            exitval=2,
            vent_lines=[
                f'Change "{key}" is ambiguous. Please specify a tag-qualified change:',
                *(f"  * {name}" for name in candidates),
            ],
        )


def split_offset(key: str) -> tuple[str, int]:
    """Split a trailing ``^``, ``^^``, ``^N``, ``~``, ``~~`` or ``~N`` off a reference.

    ``^`` counts backwards (negative), ``~`` forwards.
    """
    match = _OFFSET_RE.search(key)
    if match is None:
        return key, 0
    count = match.group(3)
    offset = int(count) if count is not None else (2 if match.group(2) else 1)
    if match.group(1) == "^":
        offset = -offset
    return key[: match.start()], offset


class ChangeIndex:
    """The ordered changes of a plan with lookups by name, tag and ID."""

    def __init__(self, changes: Iterable[Change] = ()) -> None:
        self.changes: list[Change] = []
        self._lookup: dict[str, list[int]] = {}
        for change in changes:
            self.append(change)

    def __len__(self) -> int:
        return len(self.changes)

    @property
    def tags(self) -> list[Tag]:
        return [tag for change in self.changes for tag in change.tags]

    def append(self, change: Change) -> None:
        self.changes.append(change)
        pos = len(self.changes) - 1
        self._lookup.setdefault(change.name, []).append(pos)
        self._lookup[change.id] = [pos]
        for tag in change.tags:
            self._index_tag(pos, tag)
        self._lookup["HEAD"] = self._lookup["@HEAD"] = [pos]
        self._lookup["ROOT"] = self._lookup["@ROOT"] = [0]

    def index_tag(self, tag: Tag) -> None:
        """Register a tag newly added to one of the changes."""
        self._index_tag(self.changes.index(tag.change), tag)

    def _index_tag(self, pos: int, tag: Tag) -> None:
        self._lookup[tag.format_name] = [pos]
        self._lookup[tag.id] = [pos]

    def last_tagged_index(self) -> int | None:
        for pos in range(len(self.changes) - 1, -1, -1):
            if self.changes[pos].tags:
                return pos
        return None

    def _apply_offset(self, idx: int | None, offset: int) -> int | None:
        if idx is None:
            return None
        idx += offset
        return idx if 0 <= idx < len(self.changes) else None

    def index_of(self, key: str) -> int | None:
        """Position of the change ``key`` names; None when it names none.

        A bare name of a reworked change is ambiguous (error); ``name@tag``
        is the latest instance at or before the tag (unknown tag: error).
        """
        base, offset = split_offset(key)
        return self._apply_offset(self._index_of(base), offset)

    def _index_of(self, key: str) -> int | None:
        change, sep, tag = key.partition("@")
        if change == "":
            found = self._lookup.get("@" + tag)
            return found[0] if found else None
        positions = self._lookup.get(change)
        if not positions:
            return None
        if sep:
            tag_positions = self._lookup.get("@" + tag)
            if not tag_positions:
                raise SqlitchError(f'Unknown tag "@{tag}"', ident="plan")
            return next((i for i in reversed(positions) if i <= tag_positions[0]), None)
        if len(positions) < 2:
            return positions[0]
        raise AmbiguousChangeError(
            key, [self.changes[i].format_tag_qualified_name() for i in reversed(positions)]
        )

    def first_index_of(self, key: str, since: str | None = None) -> int | None:
        """Position of the first change named ``key`` (after change ``since`` if given)."""
        base, offset = split_offset(key)
        return self._apply_offset(self._first_index_of(base, since), offset)

    def _first_index_of(self, name: str, since: str | None) -> int | None:
        positions = self._lookup.get(name)
        if not positions:
            return None
        if since is None:
            return positions[0]
        since_index = self.index_of(since)
        if since_index is None:
            raise SqlitchError(f'Unknown change: "{since}"', ident="plan")
        return next((i for i in positions if i > since_index), None)

    def get(self, key: str) -> Change | None:
        idx = self.index_of(key)
        return None if idx is None else self.changes[idx]

    def find(self, key: str) -> Change | None:
        """Like Sqitch's ``find``: tag-qualified keys via index_of, others the first match."""
        idx = self.index_of(key) if "@" in key else self.first_index_of(key)
        return None if idx is None else self.changes[idx]

    def contains(self, key: str) -> bool:
        idx = self.index_of(key) if "@" in key else self.first_index_of(key)
        return idx is not None
