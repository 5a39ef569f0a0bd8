"""Read PostgreSQL scripts exactly as ``psql --file`` reads them.

Sqitch runs PostgreSQL change scripts with ``psql --quiet --no-psqlrc
--no-align --tuples-only --set ON_ERROR_STOP=1 --set registry=... --file
deploy/x.sql``.  The in-process driver runner (:mod:`sqlitch.engines.pg_driver`)
must send the server exactly the statements psql would send, in the same
order, with the same variables interpolated, and print what psql prints,
because function bodies, view definitions and error positions all depend on
the text the server receives.  :class:`ScriptReader` reproduces psql's input
loop; its events are consumed lazily, one at a time, because psql interpolates
a variable only when it reaches it, after the statements before it have run
(``:ROW_COUNT``, ``:ERROR``, ``\\set`` on an earlier line).  Every rule below
was checked against psql 15 running with Sqitch's options:

- The file is read line by line (``\\n`` ends a line; a ``\\r`` before it is
  kept and is just whitespace; a byte order mark opening the file is
  dropped).  An empty line is skipped unless it is inside a quote or
  comment; otherwise, when some statement text is pending, a newline is
  added before the next line's text (and taken back if the line turns out
  to start with a meta-command).  Whitespace and ``--`` comments are dropped
  while no statement text is pending; ``/* */`` comments are kept even at the
  start of a statement.
- A statement ends at a ``;`` outside quotes, comments, parentheses and the
  ``BEGIN ... END`` of a ``CREATE [OR REPLACE] FUNCTION|PROCEDURE`` (psql's
  heuristic for SQL-standard bodies: it counts ``BEGIN``, ``CASE`` and
  ``END`` words at parenthesis depth 0 once the statement starts with those
  words).  The ``;`` is sent with it.  Brackets do not count.  Text left at
  end of file is sent as a last statement; ``\\g`` sends the pending text
  without a ``;``; ``\\;`` puts a ``;`` in the text without ending the
  statement (several statements then go in one query); ``\\:`` puts a ``:``.
- Quotes: ``'...'`` (backslashes are escapes only while the server's
  ``standard_conforming_strings`` is off, as read when psql starts a line),
  ``E'...'`` (backslash escapes), ``B'...'``, ``X'...'``, ``N'...'``,
  ``U&'...'``, ``"..."`` and ``U&"..."`` (a doubled quote stays inside), and
  dollar quotes ``$tag$...$tag$`` (``$1`` is a parameter, and a ``$`` inside
  an identifier such as ``a$b$`` starts nothing).  An identifier right after
  a number or parameter is "trailing junk" of it, so ``1E'x'`` and
  ``$1E'x'`` are no ``E`` strings.  ``/* */`` comments nest.
- Variables, outside quotes and comments only: ``:name`` is replaced by the
  value, which is then read as script text itself (a ``;`` in it ends a
  statement; a variable met again inside its own value is left alone, with a
  warning); ``:'name'`` by the value as a string literal (as libpq's
  ``PQescapeLiteral`` quotes it: ``' E'`` and doubled backslashes when it has
  any); ``:"name"`` by the value as a quoted identifier; ``:{?name}`` by
  ``TRUE`` or ``FALSE``.  An undefined variable is left as written.  ``::``
  is a cast.
- Meta-commands: a backslash outside quotes and comments starts one; its name
  runs to whitespace or a backslash; its arguments run to the end of the line
  or the next unquoted backslash, and a ``\\\\`` after them is skipped.
  Arguments are split at whitespace; ``'...'`` (with ``''`` and the escapes
  ``\\n \\t \\b \\r \\f``, octal and ``\\xHH``) is unquoted, ``"..."`` is
  kept with its quotes, ``:name`` / ``:'name'`` / ``:"name"`` / ``:{?name}``
  are interpolated (not read again).  Supported: ``\\echo``, ``\\qecho``,
  ``\\warn`` (``-n`` first), ``\\set``, ``\\unset``, ``\\i`` /
  ``\\include``, ``\\ir`` / ``\\include_relative`` (the name is made
  relative to the including file's directory and normalised like psql's
  ``canonicalize_path``; a trailing ``;`` is dropped), ``\\if`` / ``\\elif``
  / ``\\else`` / ``\\endif`` (psql booleans: unique prefixes of true, false,
  yes, no, on, off, and 1, 0, any case; a bad value is reported and taken as
  false, and does not stop the script), ``\\g`` without arguments, ``\\r``,
  ``\\q``, ``\\restrict`` / ``\\unrestrict`` (as in pg_dump's output) and
  ``\\\\``.  In a branch not taken, commands are skipped with their
  arguments, but an unknown name is still an error.  Every other psql
  command raises :class:`ScriptError`; an unknown one is psql's error.
- Errors psql reports itself come as :class:`Failure` events (with psql's
  text); the consumer stops there when ``ON_ERROR_STOP`` is on.  After a
  failed command psql drops the rest of its line; after a successful one it
  warns about each argument left over (when the branch it leaves is active).
- psql's special variables validate their values as psql does; those whose
  effect the driver does not reproduce (``AUTOCOMMIT`` off, ``ECHO``,
  ``SINGLELINE``, ``SINGLESTEP``, ``ON_ERROR_ROLLBACK`` on, ``FETCH_COUNT``,
  ``VERBOSITY``, ``SHOW_CONTEXT``) raise :class:`ScriptError` when set to
  anything but their default.
- ``COPY ... FROM STDIN`` data is read from the lines after the statement, up
  to a ``\\.`` line or end of file (:meth:`ScriptReader.copy_data`).

Not reproduced: backquoted shell commands (refused), ``\\set`` without
arguments (refused: it lists psql's variables), psql's ``VERSION*``
variables (the driver is not psql), text that spans an ``\\if`` boundary
(psql keeps only part of it), a meta-command inside a variable's value
(refused), and psql before version 15 (older ones took ``1E'x'`` as ``1``
and an ``E`` string, and had no ``BEGIN ATOMIC`` rule).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_VARIABLES",
    "Event",
    "Failure",
    "Output",
    "ScriptError",
    "ScriptReader",
    "Statement",
    "parse_bool",
    "quote_identifier",
    "quote_literal",
    "set_variable",
    "split_script",
    "valid_variable_name",
]


@dataclass(frozen=True)
class Statement:
    """One query as psql sends it."""

    sql: str
    """The text psql sends, with its ``;`` (none after ``\\g`` or at end of file)."""
    file: str
    """The file's name as psql gives it in messages (``psql:<file>:<line>:``)."""
    line: int
    """The line psql names for it: the line being read when it was sent."""
    start_line: int
    """The line its first character is on."""


@dataclass(frozen=True)
class Output:
    """Text psql prints itself: ``\\echo`` and friends, warnings."""

    text: str
    stderr: bool = False


@dataclass(frozen=True)
class Failure:
    """An error psql reports for a meta-command; with ``ON_ERROR_STOP`` psql stops there."""

    message: str
    """psql's text, e.g. ``psql:x.sql:3: error: invalid command \\foo`` (no final newline)."""


Event = Statement | Output | Failure


class ScriptError(Exception):
    """A script the driver cannot run as psql would; str() is a one-line reason."""

    def __init__(self, reason: str, file: str, line: int) -> None:
        super().__init__(reason)
        self.file = file
        self.line = line

    @property
    def message(self) -> str:
        """``<file> line N: <reason>``."""
        return f"{self.file} line {self.line}: {self}"


_CLIENT_RUNNER = "use the client runner (--runner client)"

# psql 15's lexer: whitespace (no \v), identifier and variable-name characters.
_WS = " \t\n\r\f"
_IDENT_CHARS = "A-Za-z_\x80-\U0010ffff"
_IDENTIFIER = re.compile(f"[{_IDENT_CHARS}][{_IDENT_CHARS}0-9$]*")
_NAME = f"[{_IDENT_CHARS}0-9]+"
_DOLLAR_TAG = re.compile(f"\\$(?:[{_IDENT_CHARS}][{_IDENT_CHARS}0-9]*)?\\$")
_SPACE = re.compile(f"[{_WS}]+")
_VARIABLE = re.compile(f":({_NAME})")
_QUOTED_VARIABLE = re.compile(f":(['\"])({_NAME})\\1")
_TEST_VARIABLE = re.compile(f":\\{{\\?({_NAME})\\}}")
_VALID_NAME = re.compile(f"{_NAME}\\Z")
# Characters with no meaning to the lexer outside quotes, taken as a run.
_PLAIN = re.compile(f"[^{_WS}\\-/{_IDENT_CHARS}0-9.$'\"();:\\\\]+")
# A number or a parameter as psql 15 lexes it, with the identifier that
# follows it as "trailing junk" (so 1E'x' and $1E'x' are no E strings).
_JUNK = f"(?:[{_IDENT_CHARS}][{_IDENT_CHARS}0-9$]*)?"
_NUMBER = re.compile(f"(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[Ee][-+]?[0-9]+)?{_JUNK}")
_PARAMETER = re.compile(f"\\$[0-9]+{_JUNK}")
# Runs of characters with no meaning inside each kind of quote.
_IN_STANDARD = re.compile(r"[^']+")
_IN_ESCAPE = re.compile(r"[^'\\]+")
_IN_IDENTIFIER = re.compile(r'[^"]+')
_IN_COMMENT = re.compile(r"[^*/]+")
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = re.compile(r"x([0-9A-Fa-f]{1,2})")

# Lexer states.
_INITIAL, _COMMENT, _STANDARD, _ESCAPE, _IDENT, _DOLLAR = range(6)

# -- psql's commands -----------------------------------------------------------------
# Every command psql 15 knows (plus ``\d...``, all valid names to it), so that an
# unknown one is psql's "invalid command" error and a known one is refused.
_KNOWN = frozenset(
    [
        "!",
        "?",
        "C",
        "H",
        "T",
        "a",
        "bind",
        "c",
        "connect",
        "cd",
        "conninfo",
        "copy",
        "copyright",
        "crosstabview",
        "e",
        "edit",
        "echo",
        "ef",
        "elif",
        "else",
        "encoding",
        "endif",
        "errverbose",
        "ev",
        "f",
        "g",
        "gdesc",
        "getenv",
        "gexec",
        "gset",
        "gx",
        "h",
        "help",
        "i",
        "include",
        "if",
        "ir",
        "include_relative",
        "l",
        "l+",
        "list",
        "list+",
        "lo_export",
        "lo_import",
        "lo_list",
        "lo_unlink",
        "o",
        "out",
        "p",
        "print",
        "password",
        "prompt",
        "pset",
        "q",
        "quit",
        "qecho",
        "r",
        "reset",
        "restrict",
        "s",
        "set",
        "setenv",
        "sf",
        "sf+",
        "sv",
        "sv+",
        "t",
        "timing",
        "unrestrict",
        "unset",
        "w",
        "write",
        "warn",
        "watch",
        "x",
        "z",
    ]
)
# Commands whose argument is the whole rest of the line.
_WHOLE_LINE = frozenset(["!", "copy", "ef", "ev", "h", "help", "sf", "sf+", "sv", "sv+"])
_CONDITIONALS = frozenset(("if", "elif", "else", "endif"))


def _known(name: str) -> bool:
    return name in _KNOWN or name.startswith("d")


# -- values ----------------------------------------------------------------------------
def parse_bool(value: str) -> bool | None:
    """A psql boolean (``ParseVariableBool``), or None when ``value`` is not one.

    Unique prefixes of true/false/yes/no, on/off from two letters, and 1/0,
    in any case."""
    if not value:
        return None
    lowered = value.lower() if value.isascii() else value
    for word, meaning in (("true", True), ("false", False), ("yes", True), ("no", False)):
        if word.startswith(lowered):
            return meaning
    if len(lowered) >= 2:
        if "on".startswith(lowered):
            return True
        if "off".startswith(lowered):
            return False
    return {"1": True, "0": False}.get(lowered)


def quote_literal(value: str) -> str:
    """``value`` as libpq's PQescapeLiteral quotes it, as psql's ``:'name'`` does."""
    body = value.replace("'", "''")
    if "\\" in value:
        return " E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


def quote_identifier(value: str) -> str:
    """``value`` as libpq's PQescapeIdentifier quotes it (``:"name"``)."""
    return '"' + value.replace('"', '""') + '"'


# -- psql's special variables ------------------------------------------------------------
_BOOLEANS = frozenset(
    [
        "AUTOCOMMIT",
        "ON_ERROR_STOP",
        "QUIET",
        "SINGLELINE",
        "SINGLESTEP",
        "HIDE_TOAST_COMPRESSION",
        "HIDE_TABLEAM",
        "SHOW_ALL_RESULTS",
    ]
)
# Name -> (value when unset, accepted words, whether booleans are accepted too).
_ENUMS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "ECHO": ("none", ("none", "errors", "queries", "all"), False),
    "ECHO_HIDDEN": ("off", ("on", "off", "noexec"), True),
    "ON_ERROR_ROLLBACK": ("off", ("on", "off", "interactive"), True),
    "VERBOSITY": ("default", ("default", "verbose", "terse", "sqlstate"), False),
    "SHOW_CONTEXT": ("errors", ("never", "errors", "always"), False),
    "COMP_KEYWORD_CASE": (
        "preserve-upper",
        ("lower", "upper", "preserve-lower", "preserve-upper"),
        False,
    ),
    "HISTCONTROL": ("none", ("none", "ignorespace", "ignoredups", "ignoreboth"), False),
}
_INTEGERS = {"FETCH_COUNT": "0", "HISTSIZE": "500"}
_INTEGER = re.compile(r"[ \t\n\r\f\v]*[+-]?[0-9]+\Z")

# The psql variables a new psql session has that do not depend on the server.
DEFAULT_VARIABLES: Mapping[str, str] = {
    "AUTOCOMMIT": "on",
    "COMP_KEYWORD_CASE": "preserve-upper",
    "ECHO": "none",
    "ECHO_HIDDEN": "off",
    "FETCH_COUNT": "0",
    "HIDE_TABLEAM": "off",
    "HIDE_TOAST_COMPRESSION": "off",
    "HISTCONTROL": "none",
    "HISTSIZE": "500",
    "IGNOREEOF": "0",
    "LAST_ERROR_MESSAGE": "",
    "LAST_ERROR_SQLSTATE": "00000",
    "ON_ERROR_ROLLBACK": "off",
    "ON_ERROR_STOP": "off",
    "PROMPT1": "%/%R%x%# ",
    "PROMPT2": "%/%R%x%# ",
    "PROMPT3": ">> ",
    "QUIET": "off",
    "SHOW_ALL_RESULTS": "on",
    "SHOW_CONTEXT": "errors",
    "SINGLELINE": "off",
    "SINGLESTEP": "off",
    "VERBOSITY": "default",
}


class _BadValue(Exception):
    """psql refuses the value of a special variable; str() is its message."""


def _substitute(name: str, value: str | None) -> str | None:
    """The value psql stores when ``name`` is set to ``value`` (None: unset).

    Raises :class:`_BadValue` with psql's message for a value it refuses."""
    if name in _BOOLEANS:
        if value is None:
            return "off"
        if value == "":
            return "on"
        if parse_bool(value) is None:
            raise _BadValue(f'unrecognized value "{value}" for "{name}": Boolean expected')
        return value
    if name in _ENUMS:
        unset, words, booleans = _ENUMS[name]
        if value is None:
            return unset
        if booleans and value == "":
            return "on"
        if value.lower() in words or (booleans and parse_bool(value) is not None):
            return value
        raise _BadValue(
            f'unrecognized value "{value}" for "{name}"\nAvailable values are: {", ".join(words)}.'
        )
    if name in _INTEGERS:
        if value is None:
            return _INTEGERS[name]
        if not _INTEGER.match(value):
            raise _BadValue(f'invalid value "{value}" for "{name}": integer expected')
        return value
    if name == "IGNOREEOF":
        if value is None:
            return "0"
        return value if _INTEGER.match(value) else "10"
    return value


def _unsupported_setting(name: str, value: str) -> bool:
    """Whether ``name=value`` asks for psql behaviour the driver does not reproduce."""
    if name == "AUTOCOMMIT":
        return parse_bool(value) is not True
    if name in ("SINGLELINE", "SINGLESTEP"):
        return parse_bool(value) is not False
    if name == "ON_ERROR_ROLLBACK":
        return value.lower() != "interactive" and parse_bool(value) is not False
    if name in ("ECHO", "VERBOSITY", "SHOW_CONTEXT"):
        return value.lower() != _ENUMS[name][0]
    if name == "FETCH_COUNT":
        return int(value) > 0
    return False


def set_variable(variables: dict[str, str], name: str, value: str | None) -> None:
    """Set (or with None unset) a psql variable as psql does, special ones included.

    Raises ValueError with psql's message for a value psql refuses, and
    NotImplementedError for a setting the driver does not reproduce."""
    try:
        stored = _substitute(name, value)
    except _BadValue as exc:
        raise ValueError(str(exc)) from None
    if stored is not None and _unsupported_setting(name, stored):
        raise NotImplementedError(
            f"psql variable {name}={stored} is not supported by the driver runner; "
            + _CLIENT_RUNNER
        )
    if stored is None:
        variables.pop(name, None)
    else:
        variables[name] = stored


def valid_variable_name(name: str) -> bool:
    """psql's rule: letters, digits, underscores and non-ASCII characters."""
    return _VALID_NAME.match(name) is not None


# -- one file being read ------------------------------------------------------------------
_IF_TRUE, _IF_FALSE, _IF_IGNORED, _ELSE_TRUE, _ELSE_FALSE = range(5)


class _File:
    """The state of psql's main loop over one file: its lines and its query buffer."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        lines = text.split("\n")
        self.final_newline = lines[-1] == ""
        if self.final_newline:
            lines.pop()
        self.lines = lines
        self.next = 0  # index of the next line to read
        self.lineno = 0
        self.buffer: list[str] = []  # the query buffer
        self.fresh_newline = False  # the buffer ends with the newline added for this line
        self.start_line = 0
        self.previous = ""  # the last query sent, for \g
        self.conditions: list[int] = []
        self.std_strings = True
        self.reset()

    def reset(self) -> None:
        """Forget the lexer's state (psql_scan_reset)."""
        self.state = _INITIAL
        self.depth = 0  # /* */ nesting
        self.tag = ""  # the dollar quote's delimiter
        self.parens = 0
        self.begins = 0  # BEGIN ... END depth in a CREATE FUNCTION|PROCEDURE
        self.words = 0  # identifiers seen in this statement
        self.heads = ["", "", "", ""]  # initials of its first four words, if relevant

    @property
    def active(self) -> bool:
        return not self.conditions or self.conditions[-1] in (_IF_TRUE, _ELSE_TRUE)

    @property
    def in_quote(self) -> bool:
        return self.state != _INITIAL

    def append(self, text: str) -> None:
        if not self.buffer:
            self.start_line = self.lineno
        self.buffer.append(text)
        self.fresh_newline = False

    def take(self) -> Statement:
        sql = "".join(self.buffer)
        self.buffer.clear()
        self.previous = sql
        return Statement(sql, self.name, self.lineno, self.start_line)

    def word(self, word: str) -> None:
        """Track the identifiers psql watches for SQL-standard routine bodies."""
        lowered = word.lower() if word.isascii() else ""
        if lowered in ("create", "function", "procedure", "or", "replace") and self.words < 4:
            self.heads[self.words] = lowered[0]
        self.words += 1
        heads = self.heads
        routine = heads[0] == "c" and (
            heads[1] in ("f", "p") or (heads[1:3] == ["o", "r"] and heads[3] in ("f", "p"))
        )
        if not routine or self.parens:
            return
        if lowered == "begin":
            self.begins += 1
        elif lowered == "case":
            if self.begins:
                self.begins += 1
        elif lowered == "end" and self.begins:
            self.begins -= 1


class _Quit(Exception):
    """``\\q``: stop reading every file."""


class _Source:
    """Text being lexed: a line, or a variable's value read in its place."""

    __slots__ = ("pos", "text", "variable")

    def __init__(self, text: str, variable: str | None = None) -> None:
        self.text = text
        self.pos = 0
        self.variable = variable


# -- meta-command arguments ----------------------------------------------------------------
class _Arguments:
    """The arguments of one meta-command, read one at a time as psql reads them."""

    def __init__(self, reader: ScriptReader, file: _File, line: str, pos: int) -> None:
        self.reader = reader
        self.file = file
        self.line = line
        self.pos = pos
        self.messages: list[Output] = []  # psql's complaints while reading them

    def rest_of_line(self) -> str:
        text = self.line[self.pos :].strip(_WS)
        self.pos = len(self.line)
        return text

    def next(self, *, evaluate: bool = True, semicolon: bool = False) -> tuple[str, bool] | None:
        """The next argument and whether any of it was quoted; None after the last."""
        line, n = self.line, len(self.line)
        pos = self.pos
        while pos < n and line[pos] in _WS:
            pos += 1
        if pos >= n or line[pos] == "\\":
            self.pos = pos
            return None
        out: list[str] = []
        quoted = False
        while pos < n and line[pos] not in _WS and line[pos] != "\\":
            ch = line[pos]
            if ch == "'":
                quoted = True
                pos = self._single_quoted(pos + 1, out)
            elif ch == '"':
                quoted = True
                end = line.find('"', pos + 1)
                if end < 0:
                    pos = -1
                else:
                    out.append(line[pos : end + 1])
                    pos = end + 1
            elif ch == "`":
                end = line.find("`", pos + 1)
                if evaluate:
                    raise self.reader.error(
                        "backquoted shell commands in psql meta-commands are not supported by "
                        "the driver runner; " + _CLIENT_RUNNER
                    )
                pos = -1 if end < 0 else end + 1
            elif ch == ":" and evaluate:
                pos = self._variable(pos, out)
            else:
                out.append(ch)
                pos += 1
            if pos < 0:  # an unterminated quote: psql complains and drops the argument
                self.pos = n
                self.messages.append(self.reader.complaint(self.file, "unterminated quoted string"))
                return None
        self.pos = pos
        value = "".join(out)
        if semicolon:
            value = value.rstrip(";")
        return value, quoted

    def _single_quoted(self, pos: int, out: list[str]) -> int:
        """Read a '...' argument part (after its quote); where reading resumes, -1 if open."""
        line, n = self.line, len(self.line)
        while pos < n:
            ch = line[pos]
            if ch == "'":
                if line.startswith("'", pos + 1):
                    out.append("'")
                    pos += 2
                    continue
                return pos + 1
            if ch == "\\" and pos + 1 < n:
                pos = self._escape(pos + 1, out)
                continue
            out.append(ch)
            pos += 1
        return -1

    def _escape(self, pos: int, out: list[str]) -> int:
        line = self.line
        simple = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f"}
        ch = line[pos]
        if ch in simple:
            out.append(simple[ch])
            return pos + 1
        octal = _OCTAL.match(line, pos)
        if octal:
            out.append(chr(int(octal.group(), 8) & 0xFF))
            return octal.end()
        hexa = _HEX.match(line, pos)
        if hexa:
            out.append(chr(int(hexa.group(1), 16)))
            return hexa.end()
        out.append(ch)
        return pos + 1

    def _variable(self, pos: int, out: list[str]) -> int:
        variables = self.reader.variables
        line = self.line
        test = _TEST_VARIABLE.match(line, pos)
        if test:
            out.append("TRUE" if test.group(1) in variables else "FALSE")
            return test.end()
        quoted = _QUOTED_VARIABLE.match(line, pos)
        if quoted:
            quote, name = quoted.groups()
            if name in variables:
                value = variables[name]
                out.append(quote_literal(value) if quote == "'" else quote_identifier(value))
            else:
                out.append(quoted.group())
            return quoted.end()
        plain = _VARIABLE.match(line, pos)
        if plain:
            out.append(variables.get(plain.group(1), plain.group()))
            return plain.end()
        out.append(":")
        return pos + 1


# -- the reader ------------------------------------------------------------------------------
def _load(name: str) -> str:
    """An included file's text; OSError as psql would report it, ScriptError if not UTF-8."""
    data = Path(name).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnicodeError(
            f"{name}: not UTF-8 ({exc.reason} at byte {exc.start}); " + _CLIENT_RUNNER
        ) from None


def _canonical(path: str) -> str:
    """psql's canonicalize_path() for the names of included files."""
    return os.path.normpath(path) if path else path


_MAX_DEPTH = 64  # \i nesting


class ScriptReader:
    """psql's input loop over a script and the files it includes, as events.

    Iterate :meth:`events`; each :class:`Statement` should be sent (and
    :attr:`variables` updated with its outcome) before asking for the next
    event, because psql reads on only after the statement has run.
    """

    def __init__(
        self,
        variables: Mapping[str, str] | None = None,
        *,
        standard_strings: Callable[[], bool] | None = None,
        load: Callable[[str], str] = _load,
    ) -> None:
        self.variables: dict[str, str] = dict(variables or {})
        self._standard_strings = standard_strings or (lambda: True)
        self._load = load
        self._files: list[_File] = []
        self._restrict_key: str | None = None

    # -- where psql is --------------------------------------------------------------------
    @property
    def location(self) -> tuple[str, int]:
        """The file and line psql would name in a message now."""
        if not self._files:
            return "", 0
        current = self._files[-1]
        return current.name, current.lineno

    def prefix(self) -> str:
        """psql's ``psql:<file>:<line>: `` before its messages."""
        name, line = self.location
        return f"psql:{name}:{line}: " if line else f"psql:{name}: "

    def complaint(self, file: _File, text: str, kind: str = "error") -> Output:
        where = f"psql:{file.name}:{file.lineno}: " if file.lineno else f"psql:{file.name}: "
        return Output(f"{where}{kind}: {text}\n", stderr=True)

    def failure(self, file: _File, text: str) -> Failure:
        return Failure(self.complaint(file, text).text.rstrip("\n"))

    def error(self, reason: str) -> ScriptError:
        name, line = self.location
        return ScriptError(reason, name, line)

    def flag(self, name: str) -> bool:
        """A boolean psql variable, such as ``ON_ERROR_STOP`` or ``QUIET``."""
        return parse_bool(self.variables.get(name, "")) is True

    # -- COPY ... FROM STDIN ------------------------------------------------------------------
    def copy_data(self) -> str:
        """The data lines of a ``COPY ... FROM STDIN`` just sent, as psql reads them.

        They are the lines after the one the statement ended on, up to a line
        ``\\.`` (not included) or the end of the file; each keeps its newline."""
        current = self._files[-1]
        lines = current.lines
        data: list[str] = []
        while current.next < len(lines):
            line = lines[current.next]
            current.next += 1
            current.lineno += 1
            if line in ("\\.", "\\.\r"):
                break
            last = current.next == len(lines) and not current.final_newline
            data.append(line if last else line + "\n")
        return "".join(data)

    # -- the loop ---------------------------------------------------------------------------
    def events(self, name: str, text: str) -> Iterator[Event]:
        """Read the script ``text`` named ``name`` (as given to ``psql --file``)."""
        try:
            yield from self._file(name, text)
        except _Quit:
            return

    def _file(self, name: str, text: str) -> Iterator[Event]:
        if len(self._files) >= _MAX_DEPTH:
            raise self.error(f"\\i nesting deeper than {_MAX_DEPTH} files")
        current = _File(name, text)
        self._files.append(current)
        try:
            while current.next < len(current.lines):
                line = current.lines[current.next]
                current.next += 1
                current.lineno += 1
                if current.lineno == 1:
                    line = line.removeprefix("\ufeff")  # a UTF-8 byte order mark
                if not line and not current.in_quote:
                    continue
                if current.buffer and current.active:
                    current.buffer.append("\n")
                    current.fresh_newline = True
                current.std_strings = self._standard_strings()
                yield from self._line(current, line)
            if current.buffer and current.active:
                yield current.take()
                current.reset()
            if current.conditions:
                yield self.failure(current, "reached EOF without finding closing \\endif(s)")
        finally:
            self._files.pop()

    def _line(self, f: _File, line: str) -> Iterator[Event]:
        """Lex one line: send statements as they end, run meta-commands."""
        stack: list[_Source] = []
        src = _Source(line)
        while True:
            text, pos = src.text, src.pos
            if pos >= len(text):
                if not stack:
                    return
                src = stack.pop()
                continue
            keep = f.active  # text in a branch not taken is dropped
            state = f.state
            if state == _COMMENT:
                run = _IN_COMMENT.match(text, pos)
                if run:
                    end = run.end()
                elif text.startswith("/*", pos):
                    f.depth += 1
                    end = pos + 2
                elif text.startswith("*/", pos):
                    f.depth -= 1
                    end = pos + 2
                    if not f.depth:
                        f.state = _INITIAL
                else:
                    end = pos + 1
                if keep:
                    f.append(text[pos:end])
                src.pos = end
                continue
            if state in (_STANDARD, _ESCAPE, _IDENT):
                end = self._quoted(f, text, pos)
                if keep:
                    f.append(text[pos:end])
                src.pos = end
                continue
            if state == _DOLLAR:
                close = text.find(f.tag, pos)
                if close < 0:
                    end = len(text)
                else:
                    end = close + len(f.tag)
                    f.state = _INITIAL
                if keep:
                    f.append(text[pos:end])
                src.pos = end
                continue
            # Outside quotes and comments.
            ch = text[pos]
            if ch in _WS:
                end = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
                if f.buffer and keep:
                    f.append(text[pos:end])
                src.pos = end
                continue
            if ch == "-" and text.startswith("--", pos):
                if f.buffer and keep:  # a comment is whitespace: dropped before a statement
                    f.append(text[pos:])
                src.pos = len(text)
                continue
            if ch == "/" and text.startswith("/*", pos):
                f.state, f.depth = _COMMENT, 1
                if keep:
                    f.append("/*")
                src.pos = pos + 2
                continue
            if ch == ";":
                src.pos = pos + 1
                if keep:
                    f.append(";")
                if f.parens or f.begins:
                    continue
                if keep:
                    yield f.take()
                else:
                    f.buffer.clear()
                f.reset()
                continue
            if ch == "\\":
                following = text[pos + 1 : pos + 2]
                if following in (";", ":"):  # \; and \: put the character in the query
                    if keep:
                        f.append(following)
                    src.pos = pos + 2
                    continue
                if src.variable is not None:
                    raise self.error(
                        f"a meta-command in the value of variable {src.variable} is not "
                        "supported by the driver runner; " + _CLIENT_RUNNER
                    )
                src.pos = yield from self._command(f, text, pos)
                continue
            if ch == ":" and keep:
                expanded = self._colon(f, src, stack)
                if expanded is not None:
                    yield expanded
                continue
            end = self._token(f, text, pos)
            if keep:
                f.append(text[pos:end])
            src.pos = end

    def _quoted(self, f: _File, text: str, pos: int) -> int:
        """Lex inside a string or quoted identifier; return where to continue."""
        state = f.state
        if state == _IDENT:
            run = _IN_IDENTIFIER.match(text, pos)
            quote = '"'
        elif state == _ESCAPE:
            run = _IN_ESCAPE.match(text, pos)
            quote = "'"
        else:
            run = _IN_STANDARD.match(text, pos)
            quote = "'"
        if run:
            return run.end()
        if text[pos] == "\\":  # only in an escape string
            return min(pos + 2, len(text))
        if text.startswith(quote * 2, pos):
            return pos + 2
        f.state = _INITIAL
        return pos + 1

    def _token(self, f: _File, text: str, pos: int) -> int:
        """Lex one token outside quotes that is not whitespace, ``;``, ``\\`` or ``:``."""
        ch = text[pos]
        if ch == "'":
            f.state = _STANDARD if f.std_strings else _ESCAPE
            return pos + 1
        if ch == '"':
            f.state = _IDENT
            return pos + 1
        if ch == "(":
            f.parens += 1
            return pos + 1
        if ch == ")":
            f.parens = max(f.parens - 1, 0)
            return pos + 1
        if ch == "$":
            param = _PARAMETER.match(text, pos)
            if param:
                return param.end()
            tag = _DOLLAR_TAG.match(text, pos)
            if tag:
                f.state, f.tag = _DOLLAR, tag.group()
                return tag.end()
            return pos + 1
        pair = text[pos : pos + 2]
        if pair in ("E'", "e'"):
            f.state = _ESCAPE
            return pos + 2
        if pair[1:] == "'" and ch in "bBxX":
            f.state = _STANDARD
            return pos + 2
        if pair[1:] == "'" and ch in "nN":
            return pos + 1  # N'...' is an ordinary string after the N
        if ch in "uU" and text[pos + 1 : pos + 3] in ("&'", '&"'):
            f.state = _STANDARD if text[pos + 2] == "'" else _IDENT
            return pos + 3
        word = _IDENTIFIER.match(text, pos)
        if word:
            f.word(word.group())
            return word.end()
        number = _NUMBER.match(text, pos)
        if number:
            return number.end()
        plain = _PLAIN.match(text, pos)
        return plain.end() if plain else pos + 1

    def _colon(self, f: _File, src: _Source, stack: list[_Source]) -> Output | None:
        """A ``:`` outside quotes: a cast or a variable; returns a warning to print, if any."""
        text, pos = src.text, src.pos
        if text.startswith("::", pos):
            f.append("::")
            src.pos = pos + 2
            return None
        variables = self.variables
        test = _TEST_VARIABLE.match(text, pos)
        if test:
            f.append("TRUE" if test.group(1) in variables else "FALSE")
            src.pos = test.end()
            return None
        quoted = _QUOTED_VARIABLE.match(text, pos)
        if quoted:
            quote, name = quoted.groups()
            src.pos = quoted.end()
            if name not in variables:
                f.append(quoted.group())
            elif quote == "'":
                f.append(quote_literal(variables[name]))
            else:
                f.append(quote_identifier(variables[name]))
            return None
        plain = _VARIABLE.match(text, pos)
        if not plain:
            f.append(":")
            src.pos = pos + 1
            return None
        name = plain.group(1)
        src.pos = plain.end()
        if name not in variables:
            f.append(plain.group())
            return None
        if name == src.variable or any(s.variable == name for s in stack):
            f.append(plain.group())
            return self.complaint(
                f, f'skipping recursive expansion of variable "{name}"', "warning"
            )
        # The value is read as script text in place of the reference.
        stack.append(_Source(src.text, src.variable))
        stack[-1].pos = src.pos
        src.text, src.pos, src.variable = variables[name], 0, name
        return None

    # -- meta-commands --------------------------------------------------------------------------
    def _command(self, f: _File, line: str, pos: int) -> Generator[Event, None, int]:
        """Run the meta-command at ``line[pos]`` (a backslash); return where lexing resumes.

        Written as a generator so that an included file's events and the
        command's output come out in order."""
        if f.fresh_newline:
            # A line holding only meta-commands leaves the pending query as it was.
            f.buffer.pop()
            f.fresh_newline = False
        end = pos + 1
        while end < len(line) and line[end] not in _WS and line[end] != "\\":
            end += 1
        name = line[pos + 1 : end]
        args = _Arguments(self, f, line, end)
        was_active = f.active
        ok = True
        if self._restrict_key is not None and name != "unrestrict":
            yield self.failure(f, "backslash commands are restricted; only \\unrestrict is allowed")
            ok = False
        elif name in _CONDITIONALS:
            ok = yield from self._conditional(f, name, args)
        elif not was_active:
            if not _known(name):
                yield self.failure(f, f"invalid command \\{name}")
                ok = False
            elif name in _WHOLE_LINE:
                args.rest_of_line()
        elif not _known(name):
            yield self.failure(f, f"invalid command \\{name}")
            ok = False
        else:
            ok = yield from self._run_command(f, name, args)
        yield from args.messages
        args.messages.clear()
        if not ok:
            args.rest_of_line()  # psql drops the rest of the line after an error
        elif f.active:
            while (extra := args.next()) is not None:
                yield from args.messages
                args.messages.clear()
                yield self.complaint(f, f'\\{name}: extra argument "{extra[0]}" ignored', "warning")
            yield from args.messages
        else:
            while args.next(evaluate=False) is not None:
                pass
        end = args.pos
        if line.startswith("\\\\", end):
            end += 2
        return end

    def _all_arguments(self, args: _Arguments, *, evaluate: bool = True) -> list[tuple[str, bool]]:
        values: list[tuple[str, bool]] = []
        while (arg := args.next(evaluate=evaluate)) is not None:
            values.append(arg)
        return values

    def _expression(self, f: _File, name: str, args: _Arguments) -> Generator[Event, None, bool]:
        """Evaluate an ``\\if`` / ``\\elif`` expression: True, or False when false or bad."""
        value = " ".join(v for v, _ in self._all_arguments(args))
        yield from args.messages
        args.messages.clear()
        meaning = parse_bool(value)
        if meaning is None:
            yield self.complaint(
                f, f'unrecognized value "{value}" for "\\{name} expression": Boolean expected'
            )
            return False
        return meaning

    def _conditional(self, f: _File, name: str, args: _Arguments) -> Generator[Event, None, bool]:
        conditions = f.conditions
        top = conditions[-1] if conditions else None
        if name == "if":
            if f.active:
                taken = yield from self._expression(f, name, args)
                conditions.append(_IF_TRUE if taken else _IF_FALSE)
            else:
                self._all_arguments(args, evaluate=False)
                conditions.append(_IF_IGNORED)
            return True
        if top is None:
            self._all_arguments(args, evaluate=False)
            yield self.failure(f, f"\\{name}: no matching \\if")
            return False
        if name == "endif":
            conditions.pop()
            return True
        if top in (_ELSE_TRUE, _ELSE_FALSE):
            self._all_arguments(args, evaluate=False)
            yield self.failure(f, f"\\{name}: cannot occur after \\else")
            return False
        if name == "elif":
            if top == _IF_FALSE:
                taken = yield from self._expression(f, name, args)
                conditions[-1] = _IF_TRUE if taken else _IF_FALSE
            else:
                self._all_arguments(args, evaluate=False)
                conditions[-1] = _IF_IGNORED
            return True
        conditions[-1] = _ELSE_TRUE if top == _IF_FALSE else _ELSE_FALSE
        return True

    def _run_command(self, f: _File, name: str, args: _Arguments) -> Generator[Event, None, bool]:
        """Run a command in an active branch; return whether it succeeded."""
        if name in ("echo", "qecho", "warn"):
            values = self._all_arguments(args)
            yield from args.messages
            args.messages.clear()
            newline = "\n"
            if values and values[0] == ("-n", False):
                values, newline = values[1:], ""
            yield Output(" ".join(v for v, _ in values) + newline, stderr=name == "warn")
            return True
        if name == "set":
            return (yield from self._set(f, args))
        if name == "unset":
            arg = args.next()
            if arg is None:
                yield self.failure(f, "\\unset: missing required argument")
                return False
            if valid_variable_name(arg[0]):
                return (yield from self._assign(f, arg[0], None))
            return True
        if name in ("i", "include", "ir", "include_relative"):
            return (yield from self._include(f, name, args))
        if name in ("q", "quit"):
            while (extra := args.next()) is not None:
                yield self.complaint(f, f'\\{name}: extra argument "{extra[0]}" ignored', "warning")
            raise _Quit
        if name in ("r", "reset"):
            f.buffer.clear()
            f.reset()
            return True
        if name == "g" and args.next() is None:
            # With nothing pending psql sends the previous query again (at
            # first an empty one).
            if f.buffer:
                yield f.take()
            else:
                yield Statement(f.previous, f.name, f.lineno, f.lineno)
            f.reset()
            return True
        if name == "restrict":
            arg = args.next()
            if arg is None:
                yield self.failure(f, "\\restrict: missing required argument")
                return False
            self._restrict_key = arg[0]
            return True
        if name == "unrestrict":
            arg = args.next()
            if self._restrict_key is None:
                yield self.failure(f, "\\unrestrict: not currently in restricted mode")
                return False
            if arg is None or arg[0] != self._restrict_key:
                yield self.failure(f, "\\unrestrict: wrong key")
                return False
            self._restrict_key = None
            return True
        raise self.error(
            f"psql meta-command \\{name} is not supported by the driver runner; " + _CLIENT_RUNNER
        )

    def _set(self, f: _File, args: _Arguments) -> Generator[Event, None, bool]:
        values = self._all_arguments(args)
        yield from args.messages
        args.messages.clear()
        if not values:
            raise self.error(
                "psql meta-command \\set without arguments (listing variables) is not "
                "supported by the driver runner; " + _CLIENT_RUNNER
            )
        name = values[0][0]
        if not valid_variable_name(name):
            yield self.failure(f, f'invalid variable name: "{name}"')
            return False
        return (yield from self._assign(f, name, "".join(v for v, _ in values[1:])))

    def _assign(self, f: _File, name: str, value: str | None) -> Generator[Event, None, bool]:
        try:
            set_variable(self.variables, name, value)
        except ValueError as exc:
            yield self.failure(f, str(exc))
            return False
        except NotImplementedError as exc:
            raise self.error(str(exc)) from None
        return True

    def _include(self, f: _File, name: str, args: _Arguments) -> Generator[Event, None, bool]:
        arg = args.next(semicolon=True)
        if arg is None:
            yield self.failure(f, f"\\{name}: missing required argument")
            return False
        target = os.path.expanduser(arg[0]) if arg[0].startswith("~") else arg[0]
        if name in ("ir", "include_relative") and not os.path.isabs(target):
            target = os.path.join(os.path.dirname(f.name), target)
        target = _canonical(target)
        try:
            text = self._load(target)
        except IsADirectoryError:
            yield Failure(f"psql:{target}: error: could not read from input file: Is a directory")
            return False
        except UnicodeError as exc:
            raise self.error(str(exc)) from None
        except OSError as exc:
            yield self.failure(f, f"{target}: {exc.strerror or exc}")
            return False
        yield from self._file(target, text)
        return True


def split_script(
    text: str, variables: Mapping[str, str] | None = None, name: str = "script.sql"
) -> list[Statement]:
    """The statements psql would send for ``text``, without a server.

    Meta-commands run as psql runs them (output is dropped); a :class:`Failure`
    stops reading when ``ON_ERROR_STOP`` is on, as it stops psql."""
    reader = ScriptReader(variables)
    statements: list[Statement] = []
    for event in reader.events(name, text):
        if isinstance(event, Statement):
            statements.append(event)
        elif isinstance(event, Failure) and reader.flag("ON_ERROR_STOP"):
            break
    return statements
