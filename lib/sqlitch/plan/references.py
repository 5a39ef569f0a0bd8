"""Resolving change references (``name``, ``@tag``, ``name@tag``, IDs, ``HEAD``,
``ROOT``, ``^``/``~N`` offsets) to positions in a plan's change list."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlitch.errors import SqlitchError
from sqlitch.plan._perl import PUNCT
from sqlitch.plan.model import Change, Tag

__all__ = ["PERL_INF", "AmbiguousChangeError", "ChangeIndex", "split_offset"]

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
    offset = _perl_count(count) if count is not None else (2 if match.group(2) else 1)
    if match.group(1) == "^":
        offset = -offset
    return key[: match.start()], offset


# Stands for Perl's Inf: more than a double holds (``float()`` of it overflows).
PERL_INF = 10**400


def _perl_count(digits: str) -> int:
    """A run of digits as Perl holds it: exact within 64 bits, else the
    double's value (:data:`PERL_INF` past its range), never Python's digit limit."""
    digits = digits.lstrip("0") or "0"
    if len(digits) <= 20 and int(digits) < 2**64:
        return int(digits)
    number = float(digits)
    return PERL_INF if number == float("inf") else int(number)


_SHA1_RE = re.compile(r"[0-9a-f]{40}\Z")


class ChangeIndex:
    """The ordered changes of a plan with lookups by name, tag and ID.

    The lookups are built when first needed (IDs only for a lookup by ID:
    each hashes its parent's, so they cost a pass over the whole plan).
    """

    def __init__(self, changes: Iterable[Change] = ()) -> None:
        self.changes: list[Change] = list(changes)
        # name -> the positions of the changes of that name (reworks: several)
        self._names: dict[str, list[int]] | None = None
        # "@tag" -> position of the tagged change
        self._tags: dict[str, int] | None = None
        # change or tag ID -> position
        self._ids: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.changes)

    @property
    def tags(self) -> list[Tag]:
        return [tag for change in self.changes if change.tags for tag in change.tags]

    def append(self, change: Change) -> None:
        self.changes.append(change)
        pos = len(self.changes) - 1
        if self._names is not None:
            self._names.setdefault(change.name, []).append(pos)
        if self._ids is not None:
            self._ids[change.id] = pos
        for tag in change.tags:
            self._index_tag(pos, tag)

    def index_tag(self, tag: Tag) -> None:
        """Register a tag newly added to one of the changes."""
        self._index_tag(self.changes.index(tag.change), tag)

    def _index_tag(self, pos: int, tag: Tag) -> None:
        if self._tags is not None:
            self._tags[tag.format_name] = pos
        if self._ids is not None:
            self._ids[tag.id] = pos

    def _name_index(self) -> dict[str, list[int]]:
        names = self._names
        if names is None:
            names = {}
            for pos, change in enumerate(self.changes):
                found = names.get(change.name)
                if found is None:
                    names[change.name] = [pos]
                else:
                    found.append(pos)
            self._names = names
        return names

    def _tag_index(self) -> dict[str, int]:
        tags = self._tags
        if tags is None:
            tags = {}
            for pos, change in enumerate(self.changes):
                if change.tags:
                    for tag in change.tags:
                        tags["@" + tag.name] = pos
            self._tags = tags
        return tags

    def _id_index(self) -> dict[str, int]:
        ids = self._ids
        if ids is None:
            changes = self.changes
            if changes:
                changes[-1].id  # noqa: B018 - hashes the whole chain in one pass
            ids = {change.id: pos for pos, change in enumerate(changes)}
            for pos, change in enumerate(changes):
                if change.tags:
                    for tag in change.tags:
                        ids[tag.id] = pos
            self._ids = ids
        return ids

    def _positions(self, key: str) -> list[int] | None:
        """The positions ``key`` names: a change name, ``@tag``, a change or tag
        ID, or ``HEAD``/``ROOT`` (with or without ``@``)."""
        changes = self.changes
        if key in ("HEAD", "@HEAD"):
            return [len(changes) - 1] if changes else None
        if key in ("ROOT", "@ROOT"):
            return [0] if changes else None
        if key.startswith("@"):
            found = self._tag_index().get(key)
            return None if found is None else [found]
        if len(key) == 40 and _SHA1_RE.match(key):
            # No name looks like an ID (the parser rejects them).
            found = self._id_index().get(key)
            return None if found is None else [found]
        return self._name_index().get(key)

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
            found = self._positions("@" + tag)
            return found[0] if found else None
        positions = self._positions(change)
        if not positions:
            return None
        if sep:
            tag_positions = self._positions("@" + tag)
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
        positions = self._positions(name)
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
