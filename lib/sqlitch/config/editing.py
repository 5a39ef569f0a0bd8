"""In-place edits of one config file, the way Config::GitLike rewrites it.

Edits splice new text at the offsets the parser reports, so comments,
ordering and untouched lines survive exactly. Operations change the text in
memory; ``save()`` writes it atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlitch.config.cast import CastAs, cast
from sqlitch.config.gitconfig import (
    format_definition,
    format_section,
    parse_or_raise,
    read_text,
    write_atomic,
)
from sqlitch.config.keys import (
    canonical_key,
    invalid_section_name,
    invalid_variable_name,
    remove_balanced_quotes,
    split_key,
)
from sqlitch.errors import SqlitchError
from sqlitch.perl import perl_true

if TYPE_CHECKING:
    from collections.abc import Callable


class _Span:
    """A stretch of text to replace or cut."""

    __slots__ = ("is_last", "length", "offset")

    def __init__(self, offset: int, length: int) -> None:
        self.offset = offset
        self.length = length
        self.is_last = True


def value_matcher(pattern: str | None) -> Callable[[str | None], bool]:
    """GitLike's value filter: a case-insensitive regex, '!' prefix negates."""
    if not pattern:
        return lambda value: True
    if pattern == "!":
        return lambda value: False
    import re

    negate = pattern.startswith("!")
    try:
        regex = re.compile(pattern[1:] if negate else pattern, re.IGNORECASE)
    except re.error as exc:
        raise SqlitchError(f"Invalid regular expression {pattern}: {exc}", ident="config") from None
    if negate:
        return lambda value: value is None or regex.search(value) is None
    return lambda value: value is not None and regex.search(value) is not None


def _unset_spans(spans: list[_Span], text: str, difference: int) -> tuple[str, int]:
    """Cut each definition together with the newline before it."""
    for span in spans:
        pos = span.offset - difference
        newline = text.rfind("\n", 0, pos + 1)
        bracket = text.rfind("]", 0, pos + 1) + 1
        start = newline if newline > bracket else bracket
        end = text.find("\n", pos + span.length)
        if end < 0:
            end = len(text)
        text = text[:start] + text[end:]
        difference += end - start
    return text, difference


class ConfigFile:
    """One config file opened for editing."""

    def __init__(self, path: Path, display: str | None = None) -> None:
        self.path = path
        # The name used in messages: Sqitch shows the path as it built it.
        self.display = display if display is not None else str(path)
        loaded = read_text(path)
        self._text: str | None = loaded.text if loaded else None
        self._newline = loaded.newline if loaded else "\n"
        self._dirty = False

    @property
    def text(self) -> str:
        """The current (possibly edited, unsaved) content."""
        return self._text or ""

    @property
    def exists(self) -> bool:
        return self._text is not None

    def save(self) -> None:
        """Write the edited text atomically, if anything changed."""
        if self._dirty and self._text is not None:
            write_atomic(self.path, self._text, self._newline, self.display)
            self._dirty = False

    def add_comment(self, comment: str) -> None:
        """Append ``comment`` as comment lines: ``# `` after each line's indent.

        This is Config::GitLike's ``add_comment`` with ``indented``, which
        ``init`` uses to write its commented-out defaults.
        """
        lines = []
        for line in comment.split("\n"):
            width = len(line) - len(line.lstrip())
            lines.append(f"{line[:width]}# {line[width:]}")
        self._text = (self._text or "") + "\n".join(lines) + "\n"
        self._dirty = True

    def set(
        self,
        key: str,
        value: str | None,
        *,
        filter: str | None = None,
        as_: CastAs | None = None,
        multiple: bool = False,
        replace_all: bool = False,
    ) -> None:
        """Set (or with value None, unset) a key, as ``sqitch config`` does."""
        section, subsection, name = split_key(key)
        if section is None:
            raise SqlitchError(f"No section given in key or invalid key {key}\n", ident="config")
        if name is None or invalid_variable_name(name):
            raise SqlitchError(f"Invalid variable name {name or ''}\n", ident="config")
        if invalid_section_name(section):
            raise SqlitchError(f"Invalid section name {section}\n", ident="config")
        escaped = None
        if subsection is not None:
            escaped = subsection.replace("\\", "\\\\").replace('"', '\\"')
        if value is not None and as_ is not None:
            value = str(cast(value, as_, human=True))
        canonical_key(key)  # raises for an empty section, as GitLike does here
        cmp_section = section.lower() + ("." + subsection if subsection is not None else "")
        combined = section + ("." + escaped if escaped is not None else "")

        text = self._text or ""
        matches = value_matcher(filter)
        lower_name = name.lower()
        spans: list[_Span] = []
        insert_at: int | None = None
        for item in parse_or_raise(text, self.display):
            if item.section != cmp_section:
                continue
            insert_at = item.offset + item.length
            if item.name is not None and item.name.lower() == lower_name and matches(item.value):
                spans.append(_Span(item.offset, item.length))

        if len(spans) > 1 and not multiple:
            raise SqlitchError(
                "Cannot overwrite multiple values with a single value"
                if value is not None
                else "Cannot unset key with multiple values",
                ident="config",
            )
        if spans and perl_true(value) and not replace_all:
            spans = spans[:1]

        if value is None:
            if not spans:
                raise SqlitchError(
                    f"No occurrence of {key} found to unset in {self.display}\n", ident="config"
                )
            text, _ = _unset_spans(spans, text, 0)
        elif spans and (not multiple or perl_true(filter) or replace_all):
            last = spans.pop()
            text, difference = _unset_spans(spans, text, 0)
            start = last.offset - difference
            text = (
                text[:start]
                + format_definition(name, value, bare=True)
                + text[start + last.length :]
            )
        elif insert_at is not None:
            at = text.find("\n", insert_at) + 1
            text = text[:at] + format_definition(name, value) + text[at:]
        else:
            text += format_section(combined) + "\n" + format_definition(name, value)
        self._text = text
        self._dirty = True

    def add(self, key: str, value: str, *, as_: CastAs | None = None) -> None:
        """Add a value to a (possibly multi-valued) key."""
        self.set(key, value, as_=as_, multiple=True)

    def replace_all(
        self,
        key: str,
        value: str,
        filter: str | None = None,
        *,
        as_: CastAs | None = None,
    ) -> None:
        """Replace every value of key (matching filter) with one value."""
        self.set(key, value, filter=filter, as_=as_, multiple=True, replace_all=True)

    def unset(self, key: str, filter: str | None = None) -> None:
        """Remove a key that has a single (matching) value."""
        self.set(key, None, filter=filter, multiple=False)

    def unset_all(self, key: str, filter: str | None = None) -> None:
        """Remove every (matching) value of a key."""
        self.set(key, None, filter=filter, multiple=True)

    def rename_section(self, old: str, new: str | None) -> None:
        """Rename every header of section ``old``; with new None, remove the section."""
        if self._text is None:
            return  # GitLike quietly does nothing when the file is missing
        text = self._text
        old = remove_balanced_quotes(old)
        new = remove_balanced_quotes(new) if new is not None else None
        removing = new is None
        spans: list[_Span] = []
        prev_matched = False
        for item in parse_or_raise(text, self.display):
            if spans and item.is_header:
                spans[-1].is_last = False
            last = spans[-1] if spans else None
            if item.section.lower() == old.lower():
                if not item.is_header:
                    if last and prev_matched and removing:
                        last.length = item.offset + item.length - last.offset
                    continue
                if last and prev_matched and removing:
                    last.length = item.offset - last.offset
                spans.append(_Span(item.offset, item.length))
                prev_matched = True
            else:
                if last and prev_matched and removing:
                    last.length = item.offset - last.offset
                prev_matched = False
        if not spans:
            raise SqlitchError("No such section!", ident="config")
        header = format_section(new) if new is not None else ""
        difference = 0
        for span in spans:
            start = span.offset + difference
            length = len(text) - start if removing and span.is_last else span.length
            text = text[:start] + header + text[start + length :]
            difference += len(header) - span.length
        self._text = text
        self._dirty = True

    def remove_section(self, section: str) -> None:
        """Remove every block of a section, with its definitions."""
        self.rename_section(section, None)
