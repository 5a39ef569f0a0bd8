"""The :class:`Plan`: a parsed plan file with lookups and Sqitch's edit operations."""

from __future__ import annotations

import re
import stat
import sys
import weakref
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlitch.errors import SqlitchError
from sqlitch.perl import perl_true
from sqlitch.plan._perl import SHA1_PREFIX_RE, has_bracket, is_valid_new_name
from sqlitch.plan.model import (
    Blank,
    Change,
    Dependency,
    PlanContext,
    PlanLine,
    Pragma,
    Tag,
    normalize_note,
)
from sqlitch.plan.parser import RESERVED_NAMES, SYNTAX_VERSION, ParsedPlan, parse_text
from sqlitch.plan.references import ChangeIndex
from sqlitch.plan.uri import canonical_uri
from sqlitch.plan.writer import render_lines, write_atomically

__all__ = ["Plan", "load_plan", "parse_plan"]

# The rules for new names, in Sqitch 1.5's words (which added the brackets).
_NAME_RULES = (
    'must not begin with punctuation, contain "@", ":", "#", "\\", "[", "]", or blanks, '
    "or end in punctuation or digits following punctuation"
)
_TAG_RULES = (
    'must not begin with punctuation, contain "@", ":", "#", "/", "\\", "[", "]", or blanks, '
    "or end in punctuation or digits following punctuation"
)


def _plan_error(message: str, exitval: int = 2) -> SqlitchError:
    return SqlitchError(message, ident="plan", exitval=exitval)


def _now() -> datetime:
    from sqlitch import clock

    return clock.now()


class Plan:
    """A Sqitch plan: pragmas, ordered changes with their tags, and every line."""

    def __init__(self, parsed: ParsedPlan, path: Path | None = None) -> None:
        self.path = path
        self.lines: list[PlanLine] = parsed.lines
        self.pragmas: dict[str, str] = parsed.pragmas
        self.context: PlanContext = parsed.context
        self.syntax_version = parsed.syntax_version
        self.warnings: list[str] = parsed.warnings
        self._index = ChangeIndex(parsed.changes)

    # -- plan-wide facts -------------------------------------------------

    @property
    def file(self) -> str:
        """The plan file name used in messages."""
        return self.context.file

    @property
    def project(self) -> str:
        return self.context.project

    @property
    def uri(self) -> str | None:
        """The canonical ``%uri`` (as hashed into IDs), or None."""
        return self.context.uri

    @property
    def uri_value(self) -> str | None:
        """The ``%uri`` pragma exactly as written, or None."""
        value = self.pragmas.get("uri")
        return value if perl_true(value) else None

    @property
    def changes(self) -> list[Change]:
        return list(self._index.changes)

    @property
    def tags(self) -> list[Tag]:
        return self._index.tags

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self) -> Iterator[Change]:
        return iter(list(self._index.changes))

    @property
    def count(self) -> int:
        return len(self._index)

    # -- lookups ---------------------------------------------------------

    def change_at(self, index: int) -> Change | None:
        """The change at ``index`` (negative counts from the end), or None."""
        changes = self._index.changes
        return changes[index] if -len(changes) <= index < len(changes) else None

    @property
    def last_change(self) -> Change | None:
        return self.change_at(-1)

    @property
    def last_tagged_change(self) -> Change | None:
        idx = self._index.last_tagged_index()
        return None if idx is None else self._index.changes[idx]

    def index_of(self, key: str) -> int | None:
        """Index of the change a reference names (see :mod:`sqlitch.plan.references`)."""
        return self._index.index_of(key)

    def first_index_of(self, key: str, since: str | None = None) -> int | None:
        return self._index.first_index_of(key, since)

    def get(self, key: str) -> Change | None:
        return self._index.get(key)

    def find(self, key: str) -> Change | None:
        return self._index.find(key)

    def contains(self, key: str) -> bool:
        return self._index.contains(key)

    def seek_index(self, key: str) -> int:
        """Index of ``key``, failing with Sqitch's message when it is not in the plan."""
        idx = self.index_of(key)
        if idx is None:
            raise _plan_error(f'Cannot find change "{key}" in plan')
        return idx

    def changes_since(self, key: str) -> list[Change]:
        """The changes planned after the one ``key`` names."""
        return self._index.changes[self.seek_index(key) + 1 :]

    def changes_until(self, key: str) -> list[Change]:
        """The changes up to and including the one ``key`` names."""
        return self._index.changes[: self.seek_index(key) + 1]

    def search_changes(
        self,
        *,
        operation: str | None = None,
        name: str | None = None,
        planner: str | None = None,
        offset: int = 0,
        limit: int = 0,
        direction: str | None = None,
    ) -> list[Change]:
        """Changes filtered like ``sqitch plan``: a change passes if any filter matches."""
        reverse = False
        if direction:
            if re.match(r"ASC", direction, re.IGNORECASE):
                reverse = False
            elif re.match(r"DESC", direction, re.IGNORECASE):
                reverse = True
            else:
                raise SqlitchError('Search direction must be either "ASC" or "DESC"')
        filters: list[re.Pattern[str] | str] = []
        try:
            planner_re = re.compile(planner) if planner else None
            name_re = re.compile(name) if name else None
        except re.error as exc:
            raise SqlitchError(f"Invalid regular expression: {exc}") from None
        op = (operation or "").lower()
        if op and op not in ("deploy", "revert"):
            raise SqlitchError(f'Unknown change operation "{op}"')
        if planner_re is not None:
            filters.append(planner_re)
        if name_re is not None:
            filters.append(name_re)
        if op:
            filters.append(op)

        def passes(change: Change) -> bool:
            if not filters:
                return True
            for flt in filters:
                if flt is planner_re and planner_re.search(change.planner_name):
                    return True
                if flt is name_re and name_re.search(change.name):
                    return True
                if flt == op and change.action == op:
                    return True
            return False

        # Walk indexes exactly as Sqitch does, Perl's negative indexing
        # included: a reverse window running past the first change wraps
        # round to the newest ones (`plan --reverse -n 3` of a 2-change plan
        # lists the newest change twice) until the index falls off the list.
        changes = self._index.changes
        count = len(changes)
        if reverse:
            indexes = range(count - (offset + 1), count - (offset + 1) - limit if limit else -1, -1)
        else:
            indexes = range(offset, offset + limit if limit else count)
        found: list[Change] = []
        for index in indexes:
            if not -count <= index < count:
                break
            if passes(changes[index]):
                found.append(changes[index])
        return found

    # -- edits -----------------------------------------------------------

    def _check_name(self, kind: str, name: str) -> None:
        if name in RESERVED_NAMES:
            raise _plan_error(f'"{name}" is a reserved name')
        if SHA1_PREFIX_RE.match(name):
            raise _plan_error(f'"{name}" is invalid because it could be confused with a SHA1 ID')
        if kind == "change" and not is_valid_new_name(name):
            raise _plan_error(f'"{name}" is invalid: changes {_NAME_RULES}')
        if kind == "tag" and (not is_valid_new_name(name) or "/" in name):
            raise _plan_error(f'"{name}" is invalid: tags {_TAG_RULES}')

    def _parse_deps(self, specs: Iterable[str], *, conflicts: bool) -> list[Dependency]:
        deps: list[Dependency] = []
        seen: set[str] = set()
        for spec in specs:
            if spec in seen:
                continue
            seen.add(spec)
            dep = Dependency.parse(("!" if conflicts else "") + spec)
            if dep is None:
                raise _plan_error(f'"{spec}" is not a valid dependency specification')
            if dep.is_empty:
                raise SqlitchError(
                    'Depend object must have either "change", "tag", or "id" defined'
                )
            deps.append(
                Dependency(
                    conflicts=conflicts,
                    project=dep.project,
                    change=dep.change,
                    tag=dep.tag,
                    id=dep.id,
                )
            )
        return deps

    def _check_dependencies(self, change: Change, action: str) -> None:
        for dep in change.requires:
            if dep.project is not None and dep.project != self.project:
                continue
            if dep.project is None and dep.id is not None and self.find(dep.id) is None:
                continue  # an unknown ID may belong to another project
            key = dep.key_name
            if self.index_of(key if "@" in key else key + "@HEAD") is None:
                raise _plan_error(
                    f'Cannot {action} change "{change.name}": requires unknown change "{key}"'
                )

    def _new_change(
        self,
        name: str,
        requires: list[Dependency],
        conflicts: list[Dependency],
        note: str,
        planner_name: str,
        planner_email: str,
        timestamp: datetime | None,
    ) -> Change:
        tags = self.tags
        note = normalize_note(note)
        return Change(
            name=name,
            timestamp=timestamp or _now(),
            planner_name=planner_name,
            planner_email=planner_email,
            context=self.context,
            requires=requires,
            conflicts=conflicts,
            note=note,
            parent=self.last_change,
            since_tag=tags[-1] if tags else None,
            rspace=" " if perl_true(note) else "",
        )

    def add_change(
        self,
        name: str,
        *,
        requires: Sequence[str] = (),
        conflicts: Sequence[str] = (),
        note: str = "",
        planner_name: str,
        planner_email: str,
        timestamp: datetime | None = None,
    ) -> Change:
        """Append a new change (``sqitch add``); dependency specs as on the command line."""
        self._check_name("change", name)
        if self.index_of(name + "@HEAD") is not None:
            raise _plan_error(
                f'Change "{name}" already exists in plan {self.file}.\n'
                'Use "sqitch rework" to copy and rework it'
            )
        change = self._new_change(
            name,
            self._parse_deps(requires, conflicts=False),
            self._parse_deps(conflicts, conflicts=True),
            note,
            planner_name,
            planner_email,
            timestamp,
        )
        self._check_dependencies(change, "add")
        last = self.last_change
        if last is not None and last.tags:
            self.lines.append(Blank())
        self._index.append(change)
        self.lines.append(change)
        return change

    def add_tag(
        self,
        name: str,
        *,
        change: str | None = None,
        note: str = "",
        planner_name: str,
        planner_email: str,
        timestamp: datetime | None = None,
    ) -> Tag:
        """Tag the last change, or the one ``change`` names (``sqitch tag``)."""
        if name.startswith("@"):
            name = name[1:]
        self._check_name("tag", name)
        key = "@" + name
        if self.index_of(key) is not None:
            raise _plan_error(f'Tag "{key}" already exists')
        if change:
            target = self.get(change)
            if target is None:
                raise _plan_error(f'Unknown change: "{change}"')
        else:
            target = self.last_change
            if target is None:
                raise _plan_error(f'Cannot apply tag "{key}" to a plan with no changes')
        note = normalize_note(note)
        tag = Tag(
            name=name,
            change=target,
            timestamp=timestamp or _now(),
            planner_name=planner_name,
            planner_email=planner_email,
            context=self.context,
            note=note,
            rspace=" " if perl_true(note) else "",
        )
        target.add_tag(tag)
        self._index.index_tag(tag)
        position = self._line_index(target) + len(target.tags)
        self.lines.insert(position, tag)
        return tag

    def rework(
        self,
        name: str,
        *,
        requires: Sequence[str] = (),
        conflicts: Sequence[str] = (),
        note: str = "",
        planner_name: str,
        planner_email: str,
        timestamp: datetime | None = None,
    ) -> Change:
        """Append a new version of an existing change (``sqitch rework``)."""
        idx = self.index_of(name + "@HEAD")
        if idx is None:
            raise _plan_error(
                f'Change "{name}" does not exist in {self.file}.\n'
                f'Use "sqitch add {name}" to add it to the plan'
            )
        if has_bracket(name):
            # An old name read with a warning: reworking it would write
            # "[name@tag]" into the plan, which dependency lists cannot hold.
            raise _plan_error(f'"{name}" is invalid: changes {_NAME_RULES}')
        tag_idx = self._index.last_tagged_index()
        if tag_idx is None or tag_idx < idx:
            raise _plan_error(
                f'Cannot rework "{name}" without an intervening tag.\n'
                'Use "sqitch tag" to create a tag and try again'
            )
        reqs = self._parse_deps(requires, conflicts=False)
        confs = self._parse_deps(conflicts, conflicts=True)
        tag = self._index.changes[tag_idx].tags[0]
        reqs.insert(0, Dependency(change=name, tag=tag.name))
        original = self._index.changes[idx]
        change = self._new_change(name, reqs, confs, note, planner_name, planner_email, timestamp)
        self._check_dependencies(change, "rework")
        original.add_rework_tags([tag])
        self._index.append(change)
        self.lines.append(change)
        return change

    def _line_index(self, item: PlanLine) -> int:
        for i, line in enumerate(self.lines):
            if line is item:
                return i
        raise ValueError("line not in plan")

    # -- output ----------------------------------------------------------

    def to_text(self, *, from_: str | None = None, to: str | None = None) -> str:
        """The plan file text, optionally only the changes from ``from_`` to ``to``
        (with the pragma header), as ``sqitch bundle`` writes it."""
        lines = self.lines
        if from_ is not None or to is not None:
            head_end = next(
                (i for i, line in enumerate(lines) if isinstance(line, Blank) and not line.note),
                len(lines),
            )
            start = head_end + 1
            if from_ is not None:
                found = self.find(from_)
                if found is None:
                    raise _plan_error(f"Cannot find change {from_}")
                start = self._line_index(found)
            end = len(lines) - 1
            if to is not None:
                found = self.find(to)
                if found is None:
                    raise _plan_error(f"Cannot find change {to}")
                last: PlanLine = found.tags[-1] if found.tags else found
                end = self._line_index(last)
            lines = [*lines[: head_end + 1], *lines[start : end + 1]]
        return render_lines(lines)

    def write(
        self,
        path: Path | None = None,
        *,
        from_: str | None = None,
        to: str | None = None,
    ) -> None:
        """Write the plan (atomically) to ``path``, by default where it was read from."""
        target = path or self.path
        if target is None:
            raise SqlitchError("No plan file path to write to", ident="plan")
        write_atomically(target, self.to_text(from_=from_, to=to))

    @classmethod
    def new(
        cls,
        project: str,
        *,
        uri: str | None = None,
        file: str = "sqitch.plan",
        path: Path | None = None,
    ) -> Plan:
        """An empty plan as ``sqitch init`` writes it."""
        lines: list[PlanLine] = [
            Pragma(name="syntax-version", operator="=", value=SYNTAX_VERSION),
            Pragma(name="project", operator="=", value=project),
        ]
        pragmas = {"syntax_version": SYNTAX_VERSION, "project": project}
        if uri:
            lines.append(Pragma(name="uri", operator="=", value=uri))
            pragmas["uri"] = uri
        lines.append(Blank())
        context = PlanContext(project=project, uri=canonical_uri(uri) if uri else None, file=file)
        parsed = ParsedPlan(lines=lines, changes=[], pragmas=pragmas, context=context)
        return cls(parsed, path)


# The warnings already printed on each stderr stream: a command may read its
# plan more than once, but says each thing once. (One run of the program is
# one stream; the in-process test harness gives each run a stream of its own.)
_WARNED: weakref.WeakKeyDictionary[TextIO, set[str]] = weakref.WeakKeyDictionary()


def _warn(plan: Plan) -> Plan:
    """Print the plan's warnings on stderr (``warning: …``), each once per stream."""
    if not plan.warnings:
        return plan
    stream = sys.stderr
    try:
        seen = _WARNED.setdefault(stream, set())
    except TypeError:  # pragma: no cover - a stream that takes no weak references
        seen = set()
    for message in plan.warnings:
        if message not in seen:
            seen.add(message)
            stream.write(f"warning: {message}\n")
    stream.flush()
    return plan


def parse_plan(source: str | Path, *, file: str | None = None) -> Plan:
    """Parse plan text, or read and parse the plan file at a :class:`Path`.

    ``file`` is the name used in messages (default: the path as given, or
    ``sqitch.plan`` for text).
    """
    if isinstance(source, Path):
        return load_plan(source, file=file)
    return _warn(Plan(parse_text(source, file or "sqitch.plan")))


def load_plan(path: Path, *, file: str | None = None) -> Plan:
    """Read and parse a plan file, with Sqitch's errors for missing or unreadable files."""
    shown = file or str(path)
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):  # as Perl's -e: any failure (even a name too long) is "no"
        raise _plan_error(f"Plan file {shown} does not exist") from None
    if not stat.S_ISREG(mode):
        raise _plan_error(f"Plan file {shown} is not a regular file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SqlitchError(f"Cannot open {shown}: {exc.strerror}", ident="io") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        raise SqlitchError(
            f"Can't decode ill-formed UTF-8 octet sequence <{bad}> in {shown}", ident="io"
        ) from None
    return _warn(Plan(parse_text(text, shown), path))
