"""The typed objects a plan file is made of.

Every line of a plan is one of :class:`Pragma`, :class:`Blank` (empty or
comment), :class:`Change` or :class:`Tag`. Each keeps what Sqitch keeps of
the line it was read from (its spacing, its note), so the plan is written
back exactly as Sqitch rewrites it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlitch.perl import perl_true
from sqlitch.plan._perl import NAME, trim_space
from sqlitch.plan.ids import change_info, object_id, tag_info

__all__ = [
    "Blank",
    "Change",
    "Dependency",
    "PlanContext",
    "PlanLine",
    "Pragma",
    "Tag",
    "escape_note",
    "format_timestamp",
    "normalize_note",
]

_UNESCAPES = {"\\n": "\n", "\\r": "\r", "\\\\": "\\"}
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\\": "\\\\"}


def normalize_note(note: str) -> str:
    """Trim a note and decode its ``\\n``, ``\\r`` and ``\\\\`` escapes."""
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
    """Sqitch's raw date form, ``YYYY-MM-DDTHH:MM:SSZ`` in UTC."""
    from datetime import UTC

    if moment.tzinfo is not None and moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # Formatted by hand: plan loading does this once per change. The year is
    # unpadded, as strftime's %Y is with glibc.
    return (
        f"{moment.year}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


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
        match = re.match(_DEPEND_PATTERN, spec, re.VERBOSE)
        if match is None:
            return None
        return cls(
            conflicts=bool(match.group("conflicts")),
            project=match.group("project"),
            change=match.group("change"),
            tag=match.group("tag") if match.group("tag") is not None else match.group("tag2"),
            id=match.group("id"),
        )

    @property
    def is_empty(self) -> bool:
        """True when the spec names nothing (e.g. ``!`` or ``proj:``)."""
        return not self.change and not self.tag and not self.id

    @property
    def key_name(self) -> str:
        """The reference without project: ``change``, ``change@tag``, ``@tag`` or the ID."""
        parts = []
        if self.change is not None:
            parts.append(self.change)
        if self.tag is not None:
            parts.append("@" + self.tag)
        if not parts and self.id is not None:
            parts.append(self.id)
        return "".join(parts)

    def as_string(self, plan_project: str) -> str:
        """The reference, qualified with its project only when that is another project."""
        if self.project is None or self.project == plan_project:
            return self.key_name
        return f"{self.project}:{self.key_name}"

    def as_plan_string(self, plan_project: str) -> str:
        """As written inside a change's brackets (``!`` for a conflict)."""
        return ("!" if self.conflicts else "") + self.as_string(plan_project)


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


@dataclass(eq=False)
class Tag:
    """A ``@name`` line: a tag applied to the change before it."""

    name: str
    change: Change
    timestamp: datetime
    planner_name: str
    planner_email: str
    context: PlanContext
    note: str = ""
    lspace: str = ""
    rspace: str = ""
    _id: str | None = field(default=None, repr=False)

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
            timestamp=format_timestamp(self.timestamp),
            note=self.note,
        )

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = object_id("tag", self.info)
        return self._id

    @property
    def format_planner(self) -> str:
        return f"{self.planner_name} <{self.planner_email}>"


@dataclass(eq=False)
class Change:
    """A change line: deploy (``+`` or no operator) or revert (``-``)."""

    name: str
    timestamp: datetime
    planner_name: str
    planner_email: str
    context: PlanContext
    requires: list[Dependency] = field(default_factory=list)
    conflicts: list[Dependency] = field(default_factory=list)
    note: str = ""
    operator: str = ""
    parent: Change | None = field(default=None, repr=False)
    since_tag: Tag | None = field(default=None, repr=False)
    tags: list[Tag] = field(default_factory=list, repr=False)
    # Tags that mark where later versions of this change were reworked;
    # the first one names the script files (``deploy/name@tag.sql``).
    rework_tags: list[Tag] = field(default_factory=list, repr=False)
    lspace: str = ""
    lopspace: str = ""
    ropspace: str = ""
    pspace: str = " "
    rspace: str = ""
    _id: str | None = field(default=None, repr=False)

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

    @property
    def format_planner(self) -> str:
        return f"{self.planner_name} <{self.planner_email}>"

    @property
    def info(self) -> str:
        """The text hashed into the change ID (also what ``sqitch show change`` prints)."""
        project = self.context.project
        return change_info(
            project=project,
            uri=self.context.uri,
            name=self.name,
            parent_id=self.parent.id if self.parent is not None else None,
            planner=self.format_planner,
            timestamp=format_timestamp(self.timestamp),
            requires=[dep.as_string(project) for dep in self.requires],
            conflicts=[dep.as_string(project) for dep in self.conflicts],
            note=self.note,
        )

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = object_id("change", self.info)
        return self._id

    def format_dependencies(self) -> str:
        """``[a b !c]``, or "" without dependencies."""
        project = self.context.project
        deps = " ".join(dep.as_plan_string(project) for dep in self.dependencies)
        return f"[{deps}]" if deps else ""

    def format_name_with_tags(self) -> str:
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
                if deploy_dir.joinpath(*parts, candidate).exists():
                    chosen = candidate
                    break
        return [*parts, chosen]


PlanLine = Pragma | Blank | Change | Tag
