"""The typed objects a plan file is made of.

Every line of a plan is one of :class:`Pragma`, :class:`Blank` (empty or
comment), :class:`Change` or :class:`Tag`. Each keeps what Sqitch keeps of
the line it was read from (its spacing, its note), so the plan is written
back exactly as Sqitch rewrites it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlitch.perl import perl_true
from sqlitch.plan._perl import NAME, NAME_RE, SPACE_SET, trim_space
from sqlitch.plan.ids import change_info, object_id, tag_info

if TYPE_CHECKING:
    from datetime import _IsoCalendarDate

__all__ = [
    "Blank",
    "Change",
    "Dependency",
    "PlanContext",
    "PlanDateTime",
    "PlanLine",
    "Pragma",
    "Tag",
    "escape_note",
    "format_timestamp",
    "normalize_note",
    "plan_datetime",
]

_UNESCAPES = {"\\n": "\n", "\\r": "\r", "\\\\": "\\"}
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\\": "\\\\"}


def normalize_note(note: str) -> str:
    """Trim a note and decode its ``\\n``, ``\\r`` and ``\\\\`` escapes."""
    if not note or (note[0] not in SPACE_SET and note[-1] not in SPACE_SET and "\\" not in note):
        return note  # nothing to trim or decode (the common case)
    if not perl_true(note):
        return note
    trimmed = trim_space(note)
    if "\\" not in trimmed:  # nothing to decode (the common case)
        return trimmed
    return re.sub(r"\\[\\nr]", lambda m: _UNESCAPES[m.group(0)], trimmed)


def escape_note(note: str) -> str:
    """Encode newlines and backslashes so a note fits on one plan line."""
    return re.sub(r"[\r\n\\]", lambda m: _ESCAPES[m.group(0)], note)


def format_timestamp(moment: datetime) -> str:
    """Sqitch's raw date form, ``YYYY-MM-DDTHH:MM:SSZ`` in UTC (four-digit year)."""
    if moment.tzinfo is not None and moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # Formatted by hand: cheaper than strftime, whose %Y glibc leaves unpadded
    # (DateTime pads the year to four digits: 0999, 0000).
    return (
        f"{_year_text(moment.year)}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def _year_text(year: int) -> str:
    """A year as DateTime writes it: at least four digits, after any sign."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


# The Gregorian calendar repeats every 400 years, weekdays included.
_CYCLE_YEARS = 400
_CYCLE_SECONDS = 146097 * 86400


class PlanDateTime(datetime):
    """A planned time before year 1, which :class:`datetime` cannot hold.

    Sqitch accepts year 0000 in a plan (DateTime's proleptic calendar, where
    0000 is a leap year). The moment is kept 400 years later, where every
    date falls on the same weekday, and reported with its true year by
    :attr:`year`, :meth:`strftime`, :meth:`isoformat` and :meth:`timestamp`.
    Values derived from it (``astimezone``, ``replace``, arithmetic) keep the
    class and so the shift.
    """

    @property
    def year(self) -> int:
        return super().year - _CYCLE_YEARS

    def strftime(self, fmt: str) -> str:
        year = _year_text(self.year)
        parts = fmt.replace("%F", "%Y-%m-%d").split("%%")
        return "%".join(
            super(PlanDateTime, self).strftime(part.replace("%Y", year)) for part in parts
        )

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        text = super().isoformat(sep, timespec)
        return _year_text(self.year) + text[text.index("-", 1) :]

    def __str__(self) -> str:
        return self.isoformat(" ")

    def __repr__(self) -> str:
        return f"PlanDateTime({self.isoformat()!r})"

    def timestamp(self) -> float:
        return super().timestamp() - _CYCLE_SECONDS

    def isocalendar(self) -> _IsoCalendarDate:
        found = super().isocalendar()
        year, week, weekday = found
        return type(found)(year - _CYCLE_YEARS, week, weekday)  # type: ignore[call-arg,arg-type]


def plan_datetime(text: str) -> datetime:
    """The moment of a valid raw timestamp (``YYYY-MM-DDTHH:MM:SSZ``, ASCII digits)."""
    year = int(text[0:4])
    if year < 1:
        return PlanDateTime(
            year + _CYCLE_YEARS,
            int(text[5:7]),
            int(text[8:10]),
            int(text[11:13]),
            int(text[14:16]),
            int(text[17:19]),
            tzinfo=UTC,
        )
    return datetime.fromisoformat(text)


@dataclass
class PlanContext:
    """What every change and tag needs to know about its plan: for IDs, errors."""

    project: str
    uri: str | None = None  # canonical form, as hashed into IDs
    file: str = "sqitch.plan"


# Compiled on first use (costly, and only plans with dependencies need it).
_DEPEND_PATTERN = rf"""\A(?P<conflicts>!?)
    (?:(?P<project>{NAME}):)?
    (?:(?P<id>[0-9a-f]{{40}})
      |(?P<change>{NAME})(?:@(?P<tag>{NAME}))?
      |(?:@(?P<tag2>{NAME}))?
    )\Z"""
_ID_RE = re.compile(r"[0-9a-f]{40}\Z")


@cache
def _depend_re() -> re.Pattern[str]:
    return re.compile(_DEPEND_PATTERN, re.VERBOSE)


@dataclass(frozen=True)
class Dependency:
    """One entry of a change's ``[...]`` list: a requirement or a conflict."""

    conflicts: bool = False
    project: str | None = None  # only when written as ``project:...``
    change: str | None = None
    tag: str | None = None
    id: str | None = None

    @classmethod
    def parse(cls, spec: str) -> Dependency | None:
        """Parse ``[!][project:](change[@tag] | @tag | sha1)``; None when malformed."""
        return _parse_dependency(spec)

    @property
    def is_empty(self) -> bool:
        """True when the spec names nothing (e.g. ``!`` or ``proj:``)."""
        return not self.change and not self.tag and not self.id

    @property
    def key_name(self) -> str:
        """The reference without project: ``change``, ``change@tag``, ``@tag`` or the ID."""
        if self.change is not None:
            return self.change if self.tag is None else f"{self.change}@{self.tag}"
        if self.tag is not None:
            return "@" + self.tag
        return self.id if self.id is not None else ""

    def as_string(self, plan_project: str) -> str:
        """The reference, qualified with its project only when that is another project."""
        if self.project is None or self.project == plan_project:
            return self.key_name
        return f"{self.project}:{self.key_name}"

    def as_plan_string(self, plan_project: str) -> str:
        """As written inside a change's brackets (``!`` for a conflict)."""
        return ("!" if self.conflicts else "") + self.as_string(plan_project)


# Dependencies are values: one parse serves each spec required again.
@lru_cache(maxsize=4096)
def _parse_dependency(spec: str) -> Dependency | None:
    if spec[:1] != "!" and ":" not in spec and "@" not in spec and not _ID_RE.match(spec):
        # A plain change name, the common case: what the pattern makes of it.
        return Dependency(change=spec) if NAME_RE.match(spec) else None
    match = _depend_re().match(spec)
    if match is None:
        return None
    return Dependency(
        conflicts=bool(match.group("conflicts")),
        project=match.group("project"),
        change=match.group("change"),
        tag=match.group("tag") if match.group("tag") is not None else match.group("tag2"),
        id=match.group("id"),
    )


@dataclass(eq=False)
class Pragma:
    """A ``%name=value`` header line."""

    name: str
    value: str | None = None
    operator: str = ""
    lspace: str = ""
    hspace: str = ""
    lopspace: str = ""
    ropspace: str = ""
    rspace: str = ""
    note: str = ""


@dataclass(eq=False)
class Blank:
    """An empty line or a ``#`` comment line."""

    lspace: str = ""
    note: str = ""
    rspace: str = ""


class _Planned:
    """What changes and tags share: a name, a planner, a planned time and a note.

    The planned time is kept as Sqitch's raw text (what IDs hash and plan
    files hold) and turned into a :class:`datetime` only when asked for.
    """

    __slots__ = (
        "__weakref__",
        "_dt",
        "_id",
        "_ts",
        "context",
        "lspace",
        "name",
        "note",
        "planner_email",
        "planner_name",
        "rspace",
    )

    name: str
    planner_name: str
    planner_email: str
    context: PlanContext
    note: str
    lspace: str
    rspace: str
    _ts: str
    _dt: datetime | None
    _id: str | None

    def _set_timestamp(self, timestamp: datetime | str) -> None:
        if isinstance(timestamp, str):
            self._ts, self._dt = timestamp, None
        else:
            self._ts, self._dt = format_timestamp(timestamp), timestamp

    @property
    def timestamp(self) -> datetime:
        """When it was planned (aware, UTC)."""
        if self._dt is None:
            self._dt = plan_datetime(self._ts)
        return self._dt

    @timestamp.setter
    def timestamp(self, value: datetime) -> None:
        self._set_timestamp(value)
        self._id = None

    @property
    def raw_timestamp(self) -> str:
        """The planned time as the plan file and the ID hash hold it."""
        return self._ts

    @property
    def format_planner(self) -> str:
        return f"{self.planner_name} <{self.planner_email}>"


class Tag(_Planned):
    """A ``@name`` line: a tag applied to the change before it."""

    __slots__ = ("change",)

    def __init__(
        self,
        name: str,
        change: Change,
        timestamp: datetime | str,
        planner_name: str,
        planner_email: str,
        context: PlanContext,
        note: str = "",
        lspace: str = "",
        rspace: str = "",
        _id: str | None = None,
    ) -> None:
        self.name = name
        self.change = change
        self._set_timestamp(timestamp)
        self.planner_name = planner_name
        self.planner_email = planner_email
        self.context = context
        self.note = note
        self.lspace = lspace
        self.rspace = rspace
        self._id = _id

    def __repr__(self) -> str:
        return f"Tag(name={self.name!r}, timestamp={self._ts!r}, note={self.note!r})"

    @property
    def format_name(self) -> str:
        return "@" + self.name

    @property
    def info(self) -> str:
        """The text hashed into the tag ID (also what ``sqitch show tag`` prints)."""
        return tag_info(
            project=self.context.project,
            uri=self.context.uri,
            name=self.name,
            change_id=self.change.id,
            planner=self.format_planner,
            timestamp=self._ts,
            note=self.note,
        )

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = object_id("tag", self.info)
        return self._id


class Change(_Planned):
    """A change line: deploy (``+`` or no operator) or revert (``-``)."""

    __slots__ = (
        "conflicts",
        "lopspace",
        "operator",
        "parent",
        "pspace",
        "requires",
        "rework_tags",
        "ropspace",
        "since_tag",
        "tags",
    )

    requires: Sequence[Dependency]
    conflicts: Sequence[Dependency]
    #: The tags applied to this change, in plan order.
    tags: Sequence[Tag]
    #: Tags that mark where later versions of this change were reworked;
    #: the first one names the script files (``deploy/name@tag.sql``).
    rework_tags: Sequence[Tag]

    def __init__(
        self,
        name: str,
        timestamp: datetime | str,
        planner_name: str,
        planner_email: str,
        context: PlanContext,
        requires: Sequence[Dependency] = (),
        conflicts: Sequence[Dependency] = (),
        note: str = "",
        operator: str = "",
        parent: Change | None = None,
        since_tag: Tag | None = None,
        tags: Sequence[Tag] = (),
        rework_tags: Sequence[Tag] = (),
        lspace: str = "",
        lopspace: str = "",
        ropspace: str = "",
        pspace: str = " ",
        rspace: str = "",
        _id: str | None = None,
    ) -> None:
        # Empty sequences are the shared empty tuple: a plan of many changes
        # then holds one object per change for the garbage collector to walk.
        self.name = name
        if type(timestamp) is str:  # the parser's case, made cheap
            self._ts, self._dt = timestamp, None
        else:
            self._set_timestamp(timestamp)
        self.planner_name = planner_name
        self.planner_email = planner_email
        self.context = context
        self.requires = requires or ()
        self.conflicts = conflicts or ()
        self.note = note
        self.operator = operator
        self.parent = parent
        self.since_tag = since_tag
        self.tags = tags or ()
        self.rework_tags = rework_tags or ()
        self.lspace = lspace
        self.lopspace = lopspace
        self.ropspace = ropspace
        self.pspace = pspace
        self.rspace = rspace
        self._id = _id

    def add_tag(self, tag: Tag) -> None:
        """Apply ``tag`` to this change (after its other tags)."""
        self.tags = (*self.tags, tag)

    def add_rework_tags(self, tags: Iterable[Tag]) -> None:
        """Record tags behind which this change was reworked."""
        self.rework_tags = (*self.rework_tags, *tags)

    def __repr__(self) -> str:
        return (
            f"Change(name={self.name!r}, timestamp={self._ts!r}, operator={self.operator!r}, "
            f"requires={self.requires!r}, conflicts={self.conflicts!r}, note={self.note!r})"
        )

    @property
    def format_name(self) -> str:
        return self.name

    @property
    def is_reworked(self) -> bool:
        return bool(self.rework_tags)

    @property
    def is_deploy(self) -> bool:
        return self.operator != "-"

    @property
    def is_revert(self) -> bool:
        return self.operator == "-"

    @property
    def action(self) -> str:
        return "deploy" if self.is_deploy else "revert"

    @property
    def dependencies(self) -> list[Dependency]:
        return [*self.requires, *self.conflicts]

    def _info(self, parent_id: str | None) -> str:
        project = self.context.project
        return change_info(
            project=project,
            uri=self.context.uri,
            name=self.name,
            parent_id=parent_id,
            planner=f"{self.planner_name} <{self.planner_email}>",
            timestamp=self._ts,
            requires=[dep.as_string(project) for dep in self.requires] if self.requires else (),
            conflicts=[dep.as_string(project) for dep in self.conflicts] if self.conflicts else (),
            note=self.note,
        )

    @property
    def info(self) -> str:
        """The text hashed into the change ID (also what ``sqitch show change`` prints)."""
        return self._info(self.parent.id if self.parent is not None else None)

    @property
    def id(self) -> str:
        found = self._id
        if found is None:
            # Each ID hashes its parent's: compute any missing ones oldest
            # first, without recursing once per change of a long plan.
            pending: list[Change] = []
            change: Change | None = self
            while change is not None and change._id is None:
                pending.append(change)
                change = change.parent
            found = _hash_changes(pending[::-1], change._id if change is not None else None)
        return found

    def format_dependencies(self) -> str:
        """``[a b !c]``, or "" without dependencies."""
        if not self.requires and not self.conflicts:
            return ""
        project = self.context.project
        deps = " ".join(dep.as_plan_string(project) for dep in self.dependencies)
        return f"[{deps}]" if deps else ""

    def format_name_with_tags(self) -> str:
        if not self.tags:
            return self.name
        return " ".join([self.name, *(tag.format_name for tag in self.tags)])

    def format_tag_qualified_name(self) -> str:
        """``name@tag`` using its first tag, else first rework tag, else ``@HEAD``."""
        tag = self.tags[0] if self.tags else (self.rework_tags[0] if self.rework_tags else None)
        return self.name + (tag.format_name if tag is not None else "@HEAD")

    def format_op_name_dependencies(self) -> str:
        deps = self.format_dependencies()
        named = self.name + (self.pspace + deps if deps else "")
        return self.lopspace + self.operator + self.ropspace + named

    def script_suffixes(self) -> list[str]:
        """Candidate ``@tag`` suffixes for a reworked change's scripts, in Sqitch's order."""
        return [tag.format_name for tag in self.rework_tags]

    def path_segments(self, extension: str = "sql", deploy_dir: Path | None = None) -> list[str]:
        """Relative path parts of this change's script file under a script directory.

        A reworked change uses ``name@tag.ext`` for the first rework tag whose
        file exists in ``deploy_dir`` (its reworked deploy directory), else
        for the first rework tag.
        """
        parts = self.name.split("/")
        ext = "." + extension
        if not self.rework_tags:
            parts[-1] += ext
            return parts
        base = parts.pop()
        candidates = [base + suffix + ext for suffix in self.script_suffixes()]
        chosen = candidates[0]
        if deploy_dir is not None:
            for candidate in candidates:
                if os.path.exists(deploy_dir.joinpath(*parts, candidate)):
                    chosen = candidate
                    break
        return [*parts, chosen]


def _hash_changes(changes: list[Change], parent_id: str | None) -> str:
    """Set the IDs of ``changes`` (each the child of the one before, the first
    a child of ``parent_id``); return the last one's.

    This is :func:`~sqlitch.plan.ids.change_info` and
    :func:`~sqlitch.plan.ids.object_id` inlined: it runs once per change of
    the plan.
    """
    sha1 = hashlib.sha1
    context: PlanContext | None = None
    head = project = ""
    found = ""
    for change in changes:
        if change.context is not context:
            context = change.context
            project = context.project
            head = f"project {project}\n"
            if context.uri is not None:
                head += f"uri {context.uri}\n"
        planner = f"{change.planner_name} <{change.planner_email}>"
        if parent_id is None:
            info = f"{head}change {change.name}\nplanner {planner}\ndate {change._ts}"
        else:
            info = (
                f"{head}change {change.name}\nparent {parent_id}\n"
                f"planner {planner}\ndate {change._ts}"
            )
        if change.requires:
            names = "\n  + ".join([dep.as_string(project) for dep in change.requires])
            if names and names != "0":  # Perl-true
                info = f"{info}\nrequires\n  + {names}"
        if change.conflicts:
            names = "\n  - ".join([dep.as_string(project) for dep in change.conflicts])
            if names and names != "0":
                info = f"{info}\nconflicts\n  - {names}"
        note = change.note
        if note and note != "0":
            info = f"{info}\n\n{note}"
        if info.isascii():  # as many bytes as characters
            data = f"change {len(info)}\0{info}".encode()
        else:
            content = info.encode()
            data = f"change {len(content)}\0".encode() + content
        found = parent_id = change._id = sha1(data, usedforsecurity=False).hexdigest()
    return found


PlanLine = Pragma | Blank | Change | Tag
