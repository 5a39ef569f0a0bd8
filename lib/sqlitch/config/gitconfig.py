"""Reading and writing git-config style text the way Config::GitLike does.

The parser works on the whole text (not line by line) because a quoted
value may span lines and a key may follow a section header on the same line.
Each definition is reported with its offset and length in the text, which
is what the writer uses to edit files in place and leave the rest untouched.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import NamedTuple

from sqlitch.config.keys import is_perl_space
from sqlitch.errors import SqlitchError


class Item(NamedTuple):
    """One parsed element: a section header (name is None) or a definition."""

    section: str
    name: str | None
    value: str | None
    offset: int
    length: int
    is_header: bool


class ParseError(Exception):
    """Malformed text; ``offset`` is where the bad element starts."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _section_header(text: str, pos: int) -> tuple[str, str | None, int] | None:
    """Match ``[name]`` or ``[name "sub"]`` at pos: (name, raw subsection, end)."""
    i = pos + 1
    size = len(text)
    while i < size and text[i] not in '[]"' and not is_perl_space(text[i]):
        i += 1
    if i == pos + 1:
        return None
    name = text[pos + 1 : i]
    j = i
    while j < size and text[j] in " \t":
        j += 1
    if j < size and text[j] == '"':
        close = text.find('"]', j + 1)
        if 0 <= close < _line_end(text, j + 1):
            return name, text[j + 1 : close], close + 2
    if i < size and text[i] == "]":
        return name, None, i + 1
    return None


def _bare_key(text: str, pos: int) -> tuple[str, int] | None:
    """Match a key without ``=``, optionally followed by a comment: (name, end)."""
    end = _line_end(text, pos)
    if text[pos] in "[=\n":
        return None
    for k in range(pos + 1, end + 1):
        if text[k - 1] == "=":
            return None
        rest = k
        while rest < end and text[rest] in " \t":
            rest += 1
        if rest == end or text[rest] in "#;":
            return text[pos:k], end
    return None


def _key_and_equals(text: str, pos: int) -> tuple[str, int] | None:
    """Match ``name =`` (blanks around '=' dropped): (name, position after blanks)."""
    end = _line_end(text, pos)
    eq = text.find("=", pos, end)
    if eq <= pos or text[pos] == "[":
        return None
    name = text[pos:eq].rstrip(" \t")
    after = eq + 1
    while after < len(text) and text[after] in " \t":
        after += 1
    return name, after


_SIMPLE_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", "b": "\b"}


def _quoted_end(text: str, pos: int) -> int:
    """End (after the closing quote) of a valid quoted run at pos, or -1."""
    i = pos + 1
    size = len(text)
    while i < size:
        ch = text[i]
        if ch == '"':
            return i + 1
        if ch == "\\":
            if i + 1 < size and text[i + 1] in '\ntbn"\\':
                i += 2
                continue
            return -1
        i += 1
    return -1


def _unquote(body: str) -> str:
    # GitLike's sequence of substitutions, in its order (\" is left as is).
    body = body.replace("\\\n", "")
    body = body.replace("\\n", "\n").replace("\\t", "\t").replace("\\b", "\b")
    return body.replace("\\\\", "\\")


def _value(text: str, pos: int, start: int) -> tuple[str, int]:
    """Parse a value from pos; return (value, end). ``start`` is for errors."""
    out: list[str] = []
    size = len(text)
    while True:
        j = pos
        while j < size and text[j] in " \t":
            j += 1
        if j < size and text[j] in "#;":
            return "".join(out), _line_end(text, j)
        if pos >= size or text[pos] == "\n":
            return "".join(out), pos
        ch = text[pos]
        if ch in " \t":
            out.append(" ")
            pos = j
        elif ch == "\\":
            nxt = text[pos + 1 : pos + 2]
            if nxt == "\n":
                pos += 2
            elif nxt == "\r" and text[pos + 2 : pos + 3] == "\n":
                pos += 3
            elif nxt in _SIMPLE_ESCAPES and nxt:
                out.append(_SIMPLE_ESCAPES[nxt])
                pos += 2
            else:
                raise ParseError(start)
        elif ch == '"':
            end = _quoted_end(text, pos)
            if end < 0:
                raise ParseError(start)
            out.append(_unquote(text[pos + 1 : end - 1]))
            pos = end
        else:
            j = pos
            while j < size and text[j] not in '\t \\\n"':
                j += 1
            out.append(text[pos:j])
            pos = j


def _subsection(raw: str, offset: int) -> str:
    check = raw.replace("\\\\", "").replace('\\"', "")
    if "\\" in check or '"' in check:
        raise ParseError(offset)
    return raw.replace("\\\\", "\\").replace('\\"', '"')


def parse(text: str) -> list[Item]:
    """Parse config text into items; raise ParseError on malformed input."""
    items: list[Item] = []
    section: str | None = None
    pos = 0
    size = len(text)
    while True:
        while pos < size and is_perl_space(text[pos]):
            pos += 1
        if pos >= size:
            return items
        offset = pos
        ch = text[pos]
        if ch in "#;":
            pos = _line_end(text, pos)
            continue
        header = _section_header(text, pos) if ch == "[" else None
        if header is not None:
            name, raw_sub, pos = header
            section = name.lower()
            # A quoted subsection of "" or "0" is false in Perl, so dropped.
            if raw_sub and raw_sub != "0":
                section += "." + _subsection(raw_sub, offset)
            items.append(Item(section, None, None, offset, pos - offset, True))
            continue
        bare = _bare_key(text, pos)
        if bare is not None:
            if section is None:
                raise ParseError(offset)
            key, pos = bare
            items.append(Item(section, key, None, offset, pos - offset, False))
            continue
        pair = _key_and_equals(text, pos)
        if pair is None or section is None:
            raise ParseError(offset)
        key, pos = pair
        value, pos = _value(text, pos, offset)
        items.append(Item(section, key, value, offset, pos - offset, False))


def error_message(text: str, offset: int, filename: str) -> str:
    """GitLike's parse error text, line-numbering quirk included (no final newline)."""
    prev_nl = text.rfind("\n", 0, offset + 1)
    next_nl = text.find("\n", offset)
    line = text[prev_nl + 1 : next_nl if next_nl >= 0 else len(text) - 1]
    line_number = 1
    current = 0
    rest = text
    while current <= offset:
        cut = rest.find("\n")
        if cut < 0:
            break
        current += cut + 1
        rest = rest[cut + 1 :]
        line_number += 1
    position = len(line) - (current - (offset + 1))
    return (
        f"Error parsing {filename} at line {line_number}, position {position}.\n"
        f"Bad line was: '{line}'"
    )


def parse_or_raise(text: str, filename: str, *, exitval: int = 2) -> list[Item]:
    """Parse, turning a ParseError into Sqitch's message for ``filename``."""
    try:
        return parse(text)
    except ParseError as exc:
        raise SqlitchError(
            error_message(text, exc.offset, filename), ident="config", exitval=exitval
        ) from None


class FileText(NamedTuple):
    """A config file's text with newlines normalised to ``\\n``."""

    text: str
    newline: str


def _perl_escape(exc: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 as Perl's decoding layer reads them: the text
    ``\\xHH`` for each (so in a value they are an invalid escape, and the
    file fails to parse as it does for Sqitch)."""
    if not isinstance(exc, UnicodeDecodeError):  # registered for decoding only
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(f"\\x{byte:02X}" for byte in bad), exc.end


codecs.register_error("sqlitch-perl-escape", _perl_escape)
#: The decoding error handler that reads bad bytes as Sqitch's config reader does.
PERL_ESCAPE = "sqlitch-perl-escape"


def read_text(path: Path, *, errors: str = "surrogateescape") -> FileText | None:
    """Read a config file as GitLike does; None if it is not a readable file."""
    try:
        if not os.path.isfile(path) or not os.access(path, os.R_OK):
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    text = raw.decode("utf-8", errors)
    newline = "\n"
    if "\r\n" in text:
        newline = "\r\n"
        text = text.replace("\r\n", "\n")
    elif "\n" not in text and "\r" in text:
        newline = "\r"
        text = text.replace("\r", "\n")
    # Exactly one trailing newline, however many (or none) the file had.
    return FileText(text.rstrip("\n") + "\n", newline)


def format_section(section: str) -> str:
    """``a.b.c`` -> ``[a "b.c"]`` (split at the first dot), else ``[a]``."""
    head, dot, sub = section.partition(".")
    return f'[{head} "{sub}"]' if dot else f"[{head}]"


def _needs_quotes(value: str) -> bool:
    """Leading/trailing whitespace or a comment character forces quoting."""
    return bool(value) and (
        is_perl_space(value[0]) or is_perl_space(value[-1]) or ";" in value or "#" in value
    )


def format_definition(name: str, value: str, *, bare: bool = False) -> str:
    """``name = value`` with GitLike's quoting and escaping (tab-indented unless bare)."""
    quote = '"' if _needs_quotes(value) else ""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    )
    line = f"{name} = {quote}{escaped}{quote}"
    return line if bare else f"\t{line}\n"


def write_atomic(path: Path, text: str, newline: str = "\n", shown: str | None = None) -> None:
    """Replace the file (after links, as GitLike resolves them) in one step.

    The temporary file, the fsync and the rename are :mod:`sqlitch.files`'s;
    an existing file keeps its permissions (GitLike's replacement gets 0666
    less the umask, which would make a private config file readable).
    ``shown`` names the file in a failure's message (default: ``path``).
    """
    from sqlitch.files import WriteError, make_dirs, real_path, write_atomically

    if newline != "\n":
        text = text.replace("\n", newline)
    target = real_path(path)
    if not os.path.isdir(target.parent):
        try:
            make_dirs(target.parent)
        except OSError as exc:
            # Sqitch's File::Path::make_path message, without its Perl location.
            failed = exc.filename or target.parent
            raise WriteError(f"mkdir {failed}: {exc.strerror}", ident="config") from None
    try:
        data = text.encode("utf-8", "surrogateescape")  # bytes read undecoded go back as read
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end].encode("unicode_escape").decode("ascii")
        message = f'Cannot write {path}: "{bad}" is not valid UTF-8'
        raise SqlitchError(message, ident="config") from None
    write_atomically(path, data, shown=str(path) if shown is None else shown)
