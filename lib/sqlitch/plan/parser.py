"""Reading plan text into lines, changes and pragmas with Sqitch's grammar and errors."""

from __future__ import annotations

import gc
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlitch.errors import SqlitchError
from sqlitch.perl import perl_true
from sqlitch.plan._perl import (
    BLANK,
    BLANK_SET,
    NAME,
    PUNCT,
    PUNCT_SET,
    SHA1_PREFIX_RE,
    SPACE,
    has_bracket,
)
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
_BLANKS_RE = re.compile(rf"[{BLANK}]*")
_TS = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"
_TS_RE = re.compile(_TS)
_TAG_LINE_RE = re.compile(rf"^[{BLANK}]*@")
_DEP_SPLIT_RE = re.compile(rf"[{BLANK}]+")
# The parts of Sqitch's name pattern: the characters, with its look-ahead
# for a symbolic reference suffix, and where a name may end.
_NAME_CHARS_RE = re.compile(rf"(?:(?![~/=%^]\d+(?:$|[{BLANK}]))[^{BLANK}:@#\\])*")
_NAME_END_RE = re.compile(rf"(?<![{PUNCT}])\b")
_PRAGMA_NAME_RE = re.compile(rf"[^{BLANK}=]*")
_LT_RE = re.compile("<")
_GT_RE = re.compile(">")
_RBRACKET_RE = re.compile(r"\]")

# Most change and tag lines, matched whole (inline note included) in one go:
# no leading blanks, a name of plain characters ending in a word character,
# single blanks between the fields, no "#" before the note. On every line it
# matches, Sqitch's grammar (`_match_entry`) reads the same fields, because
# each of its greedy first choices succeeds; other lines take the full path.
_FAST_ENTRY_RE = re.compile(
    rf"(?:@|(?P<operator>[+-]))?"
    rf"(?P<name>\w(?:[^{BLANK}:@#\\<>\[\]~/=%^]|[~/=%^](?!\d+(?:[{BLANK}]|\Z)))*+)(?<=\w)"
    rf"(?P<pspace>[{BLANK}])(?:\[(?P<dependencies>[^\]#]+)\][{BLANK}])?"
    rf"(?P<ts>{_TS})[{BLANK}]"
    rf"(?P<planner_name>[^<#{BLANK}][^<#]*)[{BLANK}]<(?P<planner_email>[^<>#]+)>"
    rf"(?P<rspace>[{BLANK}]*)(?:#[{BLANK}]*(?P<note>.*))?\Z"
)

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
    if "\r" not in text:
        lines = pieces
    else:
        lines = [piece[:-1] if piece.endswith("\r") else piece for piece in pieces]
    if last:
        lines.append(last)  # nothing to remove: "\r" stays without its "\n"
    return lines


def _syntax_error(file: str, lineno: int, message: str) -> SqlitchError:
    return SqlitchError(
        f"Syntax error in {file} at line {lineno}: {message}", ident="parse", exitval=2
    )


def _strip_inline_note(line: str) -> tuple[str, str, str | None]:
    """Remove a trailing ``# note`` and blanks; return (rest, rspace, note).

    Sqitch removes the leftmost match of ``[[:blank:]]*(?:#[[:blank:]]*(.*))?$``:
    the note starts at the first "#", and the blanks before it (or, without
    a note, at the end of the line) go with it.
    """
    hash_at = line.find("#")
    end = len(line) if hash_at < 0 else hash_at
    start = end
    while start and line[start - 1] in BLANK_SET:
        start -= 1
    if hash_at < 0:
        return line[:start], line[start:], None
    note_at = _BLANKS_RE.match(line, hash_at + 1).end()  # type: ignore[union-attr]
    return line[:start], line[start:end], line[note_at:]


def _blanks_end(text: str, pos: int) -> int:
    """The end of the run of blanks starting at ``pos``."""
    return _BLANKS_RE.match(text, pos).end()  # type: ignore[union-attr]


def _match_pragma(rest: str) -> dict[str, str | None] | None:
    """The fields Sqitch's pragma pattern finds in ``rest``, or None.

    The pattern (leading blanks, ``%``, blanks, a name, then optionally
    blanks, ``=``, blanks and a value) is followed here choice by choice in
    the order Perl's backtracking tries them, in time linear in the line
    (a regular expression engine can take quadratic time on long runs of
    blanks). ``rest`` is a line without its note and trailing blanks.
    """
    n = len(rest)
    at = _blanks_end(rest, 0)
    if at >= n or rest[at] != "%":
        return None

    def tail(pos: int) -> dict[str, str | None] | None:
        # (?:(blanks)(=)(blanks)(.+))?\z
        eq = _blanks_end(rest, pos)
        if eq < n - 1 and rest[eq] == "=":
            value_at = _blanks_end(rest, eq + 1)
            return {
                "lopspace": rest[pos:eq],
                "operator": "=",
                "ropspace": rest[eq + 1 : value_at],
                "value": rest[value_at:],
            }
        return {} if pos == n else None

    def named(start: int) -> dict[str, str | None] | None:
        # A name from ``start``: first up to the next blank or "=" when that
        # does not end in punctuation, then just the first character.
        if rest[start] in PUNCT_SET:
            return None
        stop = _PRAGMA_NAME_RE.match(rest, start + 1).end()  # type: ignore[union-attr]
        if stop >= start + 2 and rest[stop - 1] not in PUNCT_SET:
            found = tail(stop)
            if found is not None:
                found["name"] = rest[start:stop]
                return found
        found = tail(start + 1)
        if found is not None:
            found["name"] = rest[start]
        return found

    head = at + 1
    name_at = _blanks_end(rest, head)
    found = named(name_at) if name_at < n else None
    if found is None and name_at > head:
        # Backtracking into the blanks after "%": a name that starts with
        # the last of them. (Starting earlier, it could only be one blank
        # followed by more, which reads the same "=" and value.)
        name_at -= 1
        found = named(name_at)
    if found is not None:
        found["lspace"] = rest[:at]
        found["hspace"] = rest[head:name_at]
    return found


class _EntryMatcher:
    """Sqitch's change and tag line pattern, matched in time linear in the line.

    The pattern (Plan.pm's ``_parse``) is: optional blanks; ``@`` or an
    optional ``+``/``-`` with blanks; a name; then, each optional, blanks,
    ``[dependencies]`` and blanks, a timestamp and blanks, and a planner
    ``name <email>``; then the end. Perl's backtracking tries its choices
    in a fixed order and keeps the first complete match, which fixes which
    fields a line yields (a planner name may begin with blanks, a name may
    end early). The same choices are tried here in the same order, with
    each sub-result remembered by position so that no position is
    re-examined, which keeps pathological lines linear.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.lts = [m.start() for m in _LT_RE.finditer(text)]
        self.gts = [m.start() for m in _GT_RE.finditer(text)]
        self.rbrackets = [m.start() for m in _RBRACKET_RE.finditer(text)]
        self.ts_memo: dict[int, dict[str, str | None] | None] = {}
        self.deps_memo: dict[int, dict[str, str | None] | None] = {}

    @staticmethod
    def _next(positions: list[int], pos: int) -> int:
        """The first of ``positions`` at or after ``pos``, or -1."""
        i = bisect_left(positions, pos)
        return positions[i] if i < len(positions) else -1

    def planner(self, pos: int) -> dict[str, str | None] | None:
        # (?:([^<]+)[[:blank:]]+<([^>]+)>)?$
        text, n = self.text, self.n
        lt = self._next(self.lts, pos)
        if lt - 1 > pos and text[lt - 1] in BLANK_SET:
            gt = self._next(self.gts, lt + 1)
            if gt == n - 1 and gt > lt + 1:
                return {"planner_name": text[pos : lt - 1], "planner_email": text[lt + 1 : gt]}
        return {} if pos == n else None

    def timestamp(self, pos: int) -> dict[str, str | None] | None:
        # (?:TIMESTAMP[[:blank:]]*)? then the planner
        if pos in self.ts_memo:
            return self.ts_memo[pos]
        found = None
        if _TS_RE.match(self.text, pos):
            for after in range(_blanks_end(self.text, pos + 20), pos + 19, -1):
                found = self.planner(after)
                if found is not None:
                    found = {**found, "ts": self.text[pos : pos + 20]}
                    break
        if found is None:
            found = self.planner(pos)
        self.ts_memo[pos] = found
        return found

    def after_dependencies(self, close: int) -> dict[str, str | None] | None:
        # [[:blank:]]* after the "]" at ``close``, then the timestamp
        if close not in self.deps_memo:
            found = None
            for after in range(_blanks_end(self.text, close + 1), close, -1):
                found = self.timestamp(after)
                if found is not None:
                    break
            self.deps_memo[close] = found
        return self.deps_memo[close]

    def dependencies(self, pos: int) -> dict[str, str | None] | None:
        # (?:\[([^]]+)\][[:blank:]]*)? then the timestamp
        if pos < self.n and self.text[pos] == "[":
            close = self._next(self.rbrackets, pos + 1)
            if close > pos + 1:
                found = self.after_dependencies(close)
                if found is not None:
                    return {**found, "dependencies": self.text[pos + 1 : close]}
        return self.timestamp(pos)

    def after_name(self, pos: int) -> dict[str, str | None] | None:
        # ([[:blank:]]+)? then the dependencies
        if pos < self.n and self.text[pos] in BLANK_SET:
            for after in range(_blanks_end(self.text, pos), pos, -1):
                found = self.dependencies(after)
                if found is not None:
                    return {**found, "pspace": self.text[pos:after]}
        return self.dependencies(pos)

    def match(self) -> dict[str, str | None] | None:
        text, n = self.text, self.n
        at = _blanks_end(text, 0)
        fields: dict[str, str | None] = {"lspace": text[:at]}
        start = at
        if at < n and text[at] == "@":
            start = at + 1
        elif at < n and text[at] in "+-":
            start = _blanks_end(text, at + 1)
            fields.update(lopspace="", operator=text[at], ropspace=text[at + 1 : start])
        if start >= n or text[start] in PUNCT_SET or text[start] in BLANK_SET:
            return None
        # The name's characters as far as they go; it may then end earlier,
        # after a character that is not punctuation, at a word boundary:
        # those ends are tried longest first.
        end = _NAME_CHARS_RE.match(text, start).end()  # type: ignore[union-attr]
        stops = []
        for found in _NAME_END_RE.finditer(text, start + 1):
            if found.start() > end:
                break
            stops.append(found.start())
        for stop in reversed(stops):
            after = self.after_name(stop)
            if after is not None:
                return {**fields, **after, "name": text[start:stop]}
        return None


def _match_entry(rest: str) -> dict[str, str | None] | None:
    """The fields of a change or tag line without its note, or None when malformed."""
    return _EntryMatcher(rest).match()


def _note_fields(note: str | None) -> str:
    return normalize_note(note) if note is not None else ""


def _timestamp_text(stamp: str, file: str, lineno: int) -> str:
    """A matched timestamp, checked as DateTime checks it (Sqitch dies there).

    Year 0000 is valid, as in DateTime's proleptic calendar (a leap year,
    like 400). The pattern's digits are any Unicode digits, but DateTime
    takes only ASCII ones.
    """
    if stamp.isascii():
        try:
            datetime.fromisoformat(stamp)
            return stamp
        except ValueError:
            pass
    fields = (stamp[0:4], stamp[5:7], stamp[8:10], stamp[11:13], stamp[14:16], stamp[17:19])
    for name, value in zip(_TIMESTAMP_FIELDS, fields, strict=True):
        if not value.isascii():
            raise SqlitchError(
                f'Invalid timestamp in {file} at line {lineno}: {name} "{value}" is not a number',
                ident="parse",
            )
    year, month, day, hour, minute, second = map(int, fields)
    try:
        datetime(year or 400, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise SqlitchError(
            f"Invalid timestamp in {file} at line {lineno}: {exc}", ident="parse"
        ) from None
    return stamp


_TIMESTAMP_FIELDS = ("year", "month", "day", "hour", "minute", "second")


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
        # One copy of each planner name and email, however many lines repeat it.
        self.strings: dict[str, str] = {}

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
        # A plan is many small objects that live as long as the command: the
        # cyclic garbage collector would walk them again and again as they
        # are made, for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.parse_body()
        finally:
            if collecting:
                gc.enable()
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
            fields = _match_pragma(rest)
            if fields is None:
                raise self.error(
                    "Invalid pragma; a blank line must come between pragmas and changes"
                )
            name = fields["name"] or ""
            value = fields.get("value")
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
                    operator=fields.get("operator") or "",
                    lspace=fields.get("lspace") or "",
                    hspace=fields.get("hspace") or "",
                    lopspace=fields.get("lopspace") or "",
                    ropspace=fields.get("ropspace") or "",
                    rspace=rspace,
                    # Sqitch keeps a pragma's note as written: neither trimmed
                    # nor unescaped (it is escaped again when written).
                    note=note or "",
                )
            )

    def parse_body(self) -> None:
        rows = self.rows
        fast_entry = _FAST_ENTRY_RE.match
        is_iso = datetime.fromisoformat
        add_line = self.lines.append
        add_change = self.curr_changes.append  # the list is emptied in place at tags
        tag_changes = self.tag_changes  # also emptied in place
        change_named = self.change_named
        share = self.strings.setdefault
        context = self.context
        for index in range(self.pos, len(rows)):
            line = rows[index]
            self.pos = lineno = index + 1
            match = fast_entry(line)
            if match is None:
                blank = _BLANK_LINE_RE.match(line)
                if blank:
                    note = blank.group("note")
                    add_line(Blank(lspace=blank.group("lspace"), note=_note_fields(note)))
                else:
                    self.parse_entry(line)
                continue
            operator, name, pspace, deps, stamp, planner, email, rspace, note = match.groups()
            note = normalize_note(note) if note else ""
            if (
                # The common case, recorded here: a change of a new name.
                line[0] != "@"
                and name not in tag_changes
                and name not in change_named
                and name not in RESERVED_NAMES
                and name != "0"
                and planner != "0"
                and (len(name) < 40 or not SHA1_PREFIX_RE.match(name))
            ):
                try:
                    is_iso(stamp)  # checks the common case quickly
                except ValueError:
                    _timestamp_text(stamp, self.file, lineno)
                requires, conflicts = self.parse_dependencies(deps) if deps else ((), ())
                tag_changes[name] = lineno
                self.prev_change = change = Change(
                    name,
                    stamp,
                    share(planner, planner),
                    share(email, email),
                    context,
                    requires,
                    conflicts,
                    note,
                    operator or "",
                    self.prev_change,
                    self.prev_tag,
                    (),
                    (),
                    "",
                    "",
                    "",
                    pspace,
                    rspace,
                )
                add_change(change)
                add_line(change)
                change_named[name] = change
                continue
            self.add_entry(
                line[0] == "@",
                name,
                stamp,
                planner,
                email,
                deps,
                operator or "",
                "",
                "",
                "",
                pspace,
                rspace,
                note,
            )

    def parse_entry(self, line: str) -> None:
        """A change or tag line the fast pattern did not read: Sqitch's grammar in full."""
        rest, rspace, note = _strip_inline_note(line)
        is_tag = _TAG_LINE_RE.match(rest) is not None
        fields = _match_entry(rest) or {}
        name = fields.get("name")
        stamp = fields.get("ts")
        if not perl_true(name) or (stamp is None and _TS_RE.search(rest)):
            raise self.error(_INVALID_NAME)
        self.add_entry(
            is_tag,
            name or "",
            stamp,
            fields.get("planner_name"),
            fields.get("planner_email"),
            fields.get("dependencies"),
            fields.get("operator") or "",
            fields.get("lspace") or "",
            fields.get("lopspace") or "",
            fields.get("ropspace") or "",
            fields.get("pspace") or " ",
            rspace,
            _note_fields(note),
        )

    def add_entry(
        self,
        is_tag: bool,
        name: str,
        stamp: str | None,
        planner: str | None,
        email: str | None,
        deps: str | None,
        operator: str,
        lspace: str,
        lopspace: str,
        ropspace: str,
        pspace: str,
        rspace: str,
        note: str,
    ) -> None:
        """Check and record a change or tag line read from the plan."""
        if name == "0":  # Perl-false
            raise self.error(_INVALID_NAME)
        has_planner = planner is not None and planner != "" and planner != "0"  # Perl-true
        if stamp is None:
            if not has_planner:
                raise self.error("Missing timestamp and planner name and email")
            raise self.error("Missing timestamp")
        if not has_planner or planner is None:
            raise self.error("Missing planner name and email")
        if name in RESERVED_NAMES:
            raise self.error(f'"{"@" if is_tag else ""}{name}" is a reserved name')
        if len(name) >= 40 and SHA1_PREFIX_RE.match(name):
            raise self.error(f'"{name}" is invalid because it could be confused with a SHA1 ID')
        timestamp = _timestamp_text(stamp, self.file, self.pos)
        if "[" in name or "]" in name:
            self.warn_bracket("Tag" if is_tag else "Change", ("@" if is_tag else "") + name)
        strings = self.strings
        planner = strings.setdefault(planner, planner)
        email = strings.setdefault(email or "", email or "")
        if is_tag:
            self.add_tag_line(name, deps, timestamp, planner, email, note, lspace, rspace)
            return
        tag_changes = self.tag_changes
        if name in tag_changes:
            at = tag_changes[name]
            raise self.error(f'Change "{name}" duplicates earlier declaration on line {at}')
        if deps:
            requires, conflicts = self.parse_dependencies(deps)
        else:
            requires, conflicts = (), ()
        tag_changes[name] = self.pos
        change = Change(
            name,
            timestamp,
            planner,
            email,
            self.context,
            requires,
            conflicts,
            note,
            operator,
            self.prev_change,
            self.prev_tag,
            (),
            (),
            lspace,
            lopspace,
            ropspace,
            pspace,
            rspace,
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
            duped.add_rework_tags([*rework_tags, *duped.tags])
        self.change_named[name] = change

    def add_tag_line(
        self,
        name: str,
        deps: str | None,
        timestamp: str,
        planner_name: str,
        planner_email: str,
        note: str,
        lspace: str,
        rspace: str,
    ) -> None:
        if "/" in name:
            raise self.error(f'Tag "{name}" contains illegal character /')
        if self.prev_change is None:
            raise self.error(f'Tag "{name}" declared without a preceding change')
        key = "@" + name
        if key in self.line_no_for:
            at = self.line_no_for[key]
            raise self.error(f'Tag "{name}" duplicates earlier declaration on line {at}')
        if deps:
            raise self.error("Tags may not specify dependencies")
        if self.curr_changes:
            self.changes.extend(self.check_changes(self.curr_changes))
            self.curr_changes.clear()
        tag = Tag(
            name=name,
            change=self.prev_change,
            timestamp=timestamp,
            planner_name=planner_name,
            planner_email=planner_email,
            context=self.context,
            note=note,
            lspace=lspace,
            rspace=rspace,
        )
        self.prev_tag = tag
        self.prev_change.add_tag(tag)
        self.lines.append(tag)
        self.line_no_for.update(self.tag_changes)
        self.line_no_for[key] = self.pos
        self.tag_changes.clear()

    def parse_dependencies(
        self, spec: str | None
    ) -> tuple[Sequence[Dependency], Sequence[Dependency]]:
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
        if not any(change.requires for change in changes):
            return changes
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
                if "@" in key[1:]:
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
