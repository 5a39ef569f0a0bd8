"""Reading plan text into lines, changes and pragmas with Sqitch's grammar and errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlitch.errors import SqlitchError
from sqlitch.perl import perl_true
from sqlitch.plan._perl import BLANK, NAME, PUNCT, SHA1_PREFIX_RE, SPACE, has_bracket
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
from sqlitch.plan.uri import canonical_uri

__all__ = ["SYNTAX_VERSION", "ParsedPlan", "parse_text", "split_lines"]

SYNTAX_VERSION = "1.0.0"
RESERVED_NAMES = frozenset({"HEAD", "ROOT"})

_BLANK_LINE_RE = re.compile(rf"\A(?P<lspace>[{BLANK}]*)(?:#[{BLANK}]*(?P<note>.+)|$)")
_INLINE_NOTE_RE = re.compile(rf"(?P<rspace>[{BLANK}]*)(?:#[{BLANK}]*(?P<note>.*))?$")
_PRAGMA_RE = re.compile(
    rf"""\A(?P<lspace>[{BLANK}]*)?%(?P<hspace>[{BLANK}]*)?
    (?P<name>[^{PUNCT}](?:[^{BLANK}=]*?[^{PUNCT}{BLANK}])?)
    (?:(?P<lopspace>[{BLANK}]*)(?P<operator>=)(?P<ropspace>[{BLANK}]*)(?P<value>.+))?\Z""",
    re.VERBOSE,
)
_TS = (
    r"(?P<yr>\d{4})-(?P<mo>\d{2})-(?P<dy>\d{2})"
    r"T(?P<hr>\d{2}):(?P<mi>\d{2}):(?P<sc>\d{2})Z"
)
_TS_RE = re.compile(_TS)
_ENTRY_RE = re.compile(
    rf"""^(?P<lspace>[{BLANK}]*)?
    (?:@|(?P<lopspace>[{BLANK}]*)(?P<operator>[+-])(?P<ropspace>[{BLANK}]*))?
    (?P<name>{NAME})(?P<pspace>[{BLANK}]+)?
    (?:\[(?P<dependencies>[^\]]+)\][{BLANK}]*)?
    (?:{_TS}[{BLANK}]*)?
    (?:(?P<planner_name>[^<]+)[{BLANK}]+<(?P<planner_email>[^>]+)>)?
    $""",
    re.VERBOSE,
)
_TAG_LINE_RE = re.compile(rf"^[{BLANK}]*@")
_DEP_SPLIT_RE = re.compile(rf"[{BLANK}]+")

_INVALID_NAME = (
    'Invalid name; names must not begin with punctuation, contain "@", ":", "#", "\\", '
    "or blanks, or end in punctuation or digits following punctuation"
)


@dataclass
class ParsedPlan:
    """Result of parsing: every line in order, the changes, and the pragma values."""

    lines: list[PlanLine]
    changes: list[Change]
    pragmas: dict[str, str]
    context: PlanContext
    syntax_version: str = SYNTAX_VERSION
    has_version_line: bool = True
    extra: dict[str, str] = field(default_factory=dict)
    #: Things Sqitch 1.6 would not accept but SQLitch reads: names with brackets.
    warnings: list[str] = field(default_factory=list)


def split_lines(text: str) -> list[str]:
    """Split into lines as Perl's ``getline`` reads them, without their ``\\r?\\n``."""
    pieces = text.split("\n")
    last = pieces.pop()  # what follows the last newline: "" or an unterminated line
    lines = [piece[:-1] if piece.endswith("\r") else piece for piece in pieces]
    if last:
        lines.append(last)  # nothing to remove: "\r" stays without its "\n"
    return lines


def _syntax_error(file: str, lineno: int, message: str) -> SqlitchError:
    return SqlitchError(
        f"Syntax error in {file} at line {lineno}: {message}", ident="parse", exitval=2
    )


def _strip_inline_note(line: str) -> tuple[str, str, str | None]:
    """Remove a trailing ``# note`` and blanks; return (rest, rspace, note)."""
    match = _INLINE_NOTE_RE.search(line)
    if match is None:  # cannot happen: the pattern matches the empty end
        return line, "", None
    return line[: match.start()], match.group("rspace"), match.group("note")


def _note_fields(note: str | None) -> str:
    return normalize_note(note) if note is not None else ""


def _parse_timestamp(match: re.Match[str], file: str, lineno: int) -> datetime:
    try:
        return datetime(
            int(match.group("yr")),
            int(match.group("mo")),
            int(match.group("dy")),
            int(match.group("hr")),
            int(match.group("mi")),
            int(match.group("sc")),
            tzinfo=UTC,
        )
    except ValueError as exc:
        # Sqitch dies inside DateTime here; report it as a plan error instead.
        raise SqlitchError(
            f"Invalid timestamp in {file} at line {lineno}: {exc}", ident="parse"
        ) from None


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.rows = split_lines(text)
        self.file = file
        self.pos = 0
        self.lines: list[PlanLine] = []
        self.changes: list[Change] = []
        self.curr_changes: list[Change] = []
        self.line_no_for: dict[str, int] = {}
        self.change_named: dict[str, Change] = {}
        self.tag_changes: dict[str, int] = {}
        self.pragmas: dict[str, str] = {}
        self.prev_tag: Tag | None = None
        self.prev_change: Change | None = None
        self.context = PlanContext(project="", file=file)
        self.warnings: list[str] = []

    def error(self, message: str) -> SqlitchError:
        return _syntax_error(self.file, self.pos, message)

    def warn_bracket(self, kind: str, name: str) -> None:
        """Note a name that new names may no longer have (Sqitch 1.5.0, #829)."""
        self.warnings.append(
            f'{kind} name "{name}" in {self.file} at line {self.pos} contains "[" or "]", '
            "which new names may not contain"
        )

    def next_row(self) -> str | None:
        if self.pos >= len(self.rows):
            return None
        row = self.rows[self.pos]
        self.pos += 1
        return row

    def parse(self) -> ParsedPlan:
        self.parse_header()
        has_version = "syntax_version" in self.pragmas and perl_true(self.pragmas["syntax_version"])
        if not has_version:
            self.lines.insert(0, Pragma(name="syntax-version", operator="=", value=SYNTAX_VERSION))
            self.pragmas["syntax_version"] = SYNTAX_VERSION
        project = self.pragmas.get("project")
        if not perl_true(project):
            raise SqlitchError(f"Missing %project pragma in {self.file}", ident="parse")
        self.context.project = project or ""
        uri = self.pragmas.get("uri")
        self.context.uri = canonical_uri(uri) if uri is not None and perl_true(uri) else None
        self.parse_body()
        if self.curr_changes:
            self.changes.extend(self.check_changes(self.curr_changes))
        return ParsedPlan(
            lines=self.lines,
            changes=self.changes,
            pragmas=self.pragmas,
            context=self.context,
            syntax_version=self.pragmas["syntax_version"],
            has_version_line=has_version,
            warnings=self.warnings,
        )

    def parse_header(self) -> None:
        while (line := self.next_row()) is not None:
            blank = _BLANK_LINE_RE.match(line)
            if blank:
                entry = Blank(lspace=blank.group("lspace"), note=_note_fields(blank.group("note")))
                self.lines.append(entry)
                if not perl_true(entry.note):
                    return
                continue
            rest, rspace, note = _strip_inline_note(line)
            match = _PRAGMA_RE.match(rest)
            if match is None:
                raise self.error(
                    "Invalid pragma; a blank line must come between pragmas and changes"
                )
            name = match.group("name")
            value = match.group("value")
            if name == "syntax-version":
                value = SYNTAX_VERSION
                self.pragmas["syntax_version"] = value
            elif name == "project":
                if value is None or _NAME_FULL_RE.match(value) is None:
                    raise self.error(
                        f'invalid project name "{value or ""}": project names must not '
                        'begin with punctuation, contain "@", ":", "#", "\\", or blanks, '
                        "or end in punctuation or digits following punctuation"
                    )
                self.pragmas["project"] = value
                if has_bracket(value):
                    self.warn_bracket("Project", value)
            else:
                self.pragmas[name] = value if value is not None else "1"
            self.lines.append(
                Pragma(
                    name=name,
                    value=_TRAILING_SPACE_RE.sub("", value) if value else value,
                    operator=match.group("operator") or "",
                    lspace=match.group("lspace") or "",
                    hspace=match.group("hspace") or "",
                    lopspace=match.group("lopspace") or "",
                    ropspace=match.group("ropspace") or "",
                    rspace=rspace,
                    # Sqitch keeps a pragma's note as written: neither trimmed
                    # nor unescaped (it is escaped again when written).
                    note=note or "",
                )
            )

    def parse_body(self) -> None:
        while (line := self.next_row()) is not None:
            blank = _BLANK_LINE_RE.match(line)
            if blank:
                entry = Blank(lspace=blank.group("lspace"), note=_note_fields(blank.group("note")))
                self.lines.append(entry)
                continue
            self.parse_entry(line)

    def parse_entry(self, line: str) -> None:
        rest, rspace, note = _strip_inline_note(line)
        is_tag = _TAG_LINE_RE.match(rest) is not None
        match = _ENTRY_RE.match(rest)
        groups: dict[str, str | None] = match.groupdict() if match else {}
        name = groups.get("name")
        if not perl_true(name) or (not groups.get("yr") and _TS_RE.search(rest)):
            raise self.error(_INVALID_NAME)
        if name is None or match is None:  # for the type checker: name is truthy here
            raise self.error(_INVALID_NAME)
        if not groups.get("yr") and not groups.get("planner_name"):
            raise self.error("Missing timestamp and planner name and email")
        if not groups.get("yr"):
            raise self.error("Missing timestamp")
        if not groups.get("planner_name"):
            raise self.error("Missing planner name and email")
        if name in RESERVED_NAMES:
            raise self.error(f'"{"@" if is_tag else ""}{name}" is a reserved name')
        if SHA1_PREFIX_RE.match(name):
            raise self.error(f'"{name}" is invalid because it could be confused with a SHA1 ID')
        timestamp = _parse_timestamp(match, self.file, self.pos)
        if has_bracket(name):
            self.warn_bracket("Tag" if is_tag else "Change", ("@" if is_tag else "") + name)
        planner_name = groups["planner_name"] or ""
        planner_email = groups["planner_email"] or ""
        note_text = _note_fields(note)
        if is_tag:
            self.add_tag_line(name, groups, timestamp, planner_name, planner_email, note_text)
            tag = self.lines[-1]
            if isinstance(tag, Tag):
                tag.rspace = rspace
            return
        if name in self.tag_changes:
            at = self.tag_changes[name]
            raise self.error(f'Change "{name}" duplicates earlier declaration on line {at}')
        requires, conflicts = self.parse_dependencies(groups.get("dependencies"))
        self.tag_changes[name] = self.pos
        change = Change(
            name=name,
            timestamp=timestamp,
            planner_name=planner_name,
            planner_email=planner_email,
            context=self.context,
            requires=requires,
            conflicts=conflicts,
            note=note_text,
            operator=groups.get("operator") or "",
            parent=self.prev_change,
            since_tag=self.prev_tag,
            lspace=groups.get("lspace") or "",
            lopspace=groups.get("lopspace") or "",
            ropspace=groups.get("ropspace") or "",
            pspace=groups.get("pspace") or " ",
            rspace=rspace,
        )
        self.curr_changes.append(change)
        self.prev_change = change
        self.lines.append(change)
        duped = self.change_named.get(name)
        if duped is not None:
            # Tags between the earlier instance and now, latest first, then its own.
            rework_tags: list[Tag] = []
            for earlier in reversed(self.changes):
                if earlier is duped:
                    break
                rework_tags.extend(earlier.tags)
            duped.rework_tags.extend([*rework_tags, *duped.tags])
        self.change_named[name] = change

    def add_tag_line(
        self,
        name: str,
        groups: dict[str, str | None],
        timestamp: datetime,
        planner_name: str,
        planner_email: str,
        note: str,
    ) -> None:
        if "/" in name:
            raise self.error(f'Tag "{name}" contains illegal character /')
        if self.prev_change is None:
            raise self.error(f'Tag "{name}" declared without a preceding change')
        key = "@" + name
        if key in self.line_no_for:
            at = self.line_no_for[key]
            raise self.error(f'Tag "{name}" duplicates earlier declaration on line {at}')
        if groups.get("dependencies"):
            raise self.error("Tags may not specify dependencies")
        if self.curr_changes:
            self.changes.extend(self.check_changes(self.curr_changes))
            self.curr_changes = []
        tag = Tag(
            name=name,
            change=self.prev_change,
            timestamp=timestamp,
            planner_name=planner_name,
            planner_email=planner_email,
            context=self.context,
            note=note,
            lspace=groups.get("lspace") or "",
        )
        self.prev_tag = tag
        self.prev_change.tags.append(tag)
        self.lines.append(tag)
        self.line_no_for.update(self.tag_changes)
        self.line_no_for[key] = self.pos
        self.tag_changes = {}

    def parse_dependencies(self, spec: str | None) -> tuple[list[Dependency], list[Dependency]]:
        requires: list[Dependency] = []
        conflicts: list[Dependency] = []
        if spec is None or not perl_true(spec):
            return requires, conflicts
        seen: set[str] = set()
        items = _DEP_SPLIT_RE.split(spec)
        while items and items[-1] == "":
            items.pop()  # Perl's split drops trailing empty fields
        for item in items:
            dep = Dependency.parse(item)
            if dep is None:
                raise self.error(f'"{item}" is not a valid dependency specification')
            if dep.is_empty:
                raise SqlitchError(
                    'Depend object must have either "change", "tag", or "id" defined'
                )
            if item in seen:
                raise self.error(f'Duplicate dependency "{item}"')
            seen.add(item)
            (conflicts if dep.conflicts else requires).append(dep)
        return requires, conflicts

    def check_changes(self, changes: list[Change]) -> list[Change]:
        """Fail unless every requirement is planned earlier (same project only)."""
        project = self.context.project
        seen = self.line_no_for
        position: dict[str, int] = {}
        invalid: list[tuple[str, list[str]]] = []
        for i, change in enumerate(changes, start=1):
            bad = []
            for dep in change.requires:
                if dep.project is not None:
                    if dep.project != project:
                        continue
                elif dep.id is not None:
                    continue
                key = dep.key_name
                if re.search(r".@", key, re.DOTALL):
                    dep_change, _, dep_tag = key.partition("@")
                    tag_at = seen.get("@" + dep_tag)
                    change_at = seen.get(dep_change)
                    if tag_at and change_at and change_at < tag_at:
                        continue
                elif key in seen or position.get(key):
                    continue
                bad.append(key)
            position[change.name] = i
            if bad:
                invalid.append((change.name, bad))
        if not invalid:
            return changes
        errors: list[str] = []
        for name, bad in invalid:
            max_delta = 0
            for dep_key in bad:
                if dep_key == name:
                    errors.append(f'Change "{name}" cannot require itself')
                elif position.get(dep_key):
                    delta = position[dep_key] - position[name]
                    max_delta = max(max_delta, delta)
                    noun = "change" if delta == 1 else "changes"
                    errors.append(
                        f'Change "{name}" planned {delta} {noun} before required change "{dep_key}"'
                    )
                else:
                    errors.append(f'Unknown change "{dep_key}" required by change "{name}"')
            if max_delta:
                noun = "line" if max_delta == 1 else "lines"
                errors[-1] += f'\n    HINT: move "{name}" down {max_delta} {noun} in {self.file}'
        header = "Dependency error detected:" if len(errors) == 1 else "Dependency errors detected:"
        raise SqlitchError("\n  ".join([header, *errors]), ident="parse")


_NAME_FULL_RE = re.compile(rf"\A{NAME}\Z")
_TRAILING_SPACE_RE = re.compile(rf"[{SPACE}]+\Z")


def parse_text(text: str, file: str = "sqitch.plan") -> ParsedPlan:
    """Parse plan text; ``file`` is the name used in error messages."""
    return _Parser(text, file).parse()
