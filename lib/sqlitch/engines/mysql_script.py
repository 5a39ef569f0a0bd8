"""Split MySQL scripts into statements exactly as the ``mysql`` client does.

Sqitch runs MySQL change scripts with ``mysql --silent --skip-column-names
... --execute "source deploy/x.sql"``.  The in-process driver runner has to
send the server exactly the statements the client would, because stored
routine, trigger, event and view bodies keep the text the server receives.
:func:`split_script` reproduces the client's batch-mode reader (``add_line``
and friends in MariaDB's ``client/mysql.cc``); :func:`format_rows` reproduces
how the client prints result rows.  Every rule below was checked against the
MariaDB 10.11 client running with Sqitch's options under a UTF-8 locale:

- The file is read line by line; ``\\r\\n`` counts as ``\\n``, a UTF-8 BOM
  opening the file is dropped, and a NUL character is an error.
- Statements end at the delimiter (``;``; ``DELIMITER xx`` changes it; the
  match is case-sensitive) or at ``\\g`` / ``\\G`` (the latter asks for
  vertical output), outside strings and comments.  Text left at end of file
  is sent as a final statement.  Empty statements are skipped.
- Strings are ``'...'``, ``"..."`` (backslash escapes inside; a doubled quote
  just closes and reopens the string) and ```...``` (no escapes).
- Comments are removed before sending: ``#`` and ``--`` followed by
  whitespace or end of line (a line *starting* a statement with ``--`` is a
  comment even without the whitespace) run to end of line; ``/* ... */`` is
  dropped, and a space is inserted if the text right after it is not
  whitespace, even at the start of a statement.  Executable comments
  ``/*! ... */`` and ``/*M! ... */`` are kept, but are *not* opaque: a
  delimiter, quote or comment inside them acts as it would outside.
  Optimizer hints ``/*+ ... */`` are removed like ordinary comments.
- Leading whitespace of a statement is dropped, trailing whitespace and
  control characters are dropped, and newlines inside a statement are kept
  (except where a line ends inside a ``/* */`` comment, or where a line of a
  statement starts with the word ``delimiter``).
- A backslash at the very end of a line is dropped (outside strings too).
- Client commands: the long forms (``delimiter``, ``use``, ``source``, ...)
  are recognised only at the start of a statement, either as a whole line or
  terminated by the delimiter (``go;``, ``ego;``, ``quit;`` and ``exit;`` are
  the exception: those are sent to the server as SQL).  The ``\\x`` forms
  work anywhere outside strings and ``/* */`` comments.  ``delimiter`` /
  ``\\d``, ``use`` / ``\\u`` (sent as a ``USE`` statement), ``go`` /
  ``\\g``, ``ego`` / ``\\G``, ``clear`` / ``\\c`` and ``sandbox`` / ``\\-``
  are reproduced; any other command raises :class:`ScriptError`.  ``\\N``
  is left alone (it is SQL's ``NULL``).

Not reproduced: the client under a non-UTF-8 locale (then it talks latin1 and
treats bytes differently), a server whose SQL mode includes ``ANSI_QUOTES`` or
``NO_BACKSLASH_ESCAPES`` (the client then changes how it reads backslashes in
strings), and ``--comments`` set in an option file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["ScriptError", "Statement", "format_rows", "split_script"]


@dataclass(frozen=True)
class Statement:
    """One statement as the client sends it."""

    sql: str
    """The text the client sends for this statement, without the delimiter."""
    line: int
    """The line the client names in ``ERROR nnnn (xxxxx) at line N in file``.

    That is not always the line the statement starts on: the client records
    the number of each line it starts reading while no statement text is
    pending, so a statement that starts after another one ended on the same
    line reports the line that other statement started on."""
    vertical: bool = False
    """Ended by ``\\G`` or ``ego``: the client prints its rows vertically."""


class ScriptError(Exception):
    """A script the driver cannot run as the client would; .line is the 1-based line;
    str() is a one-line reason."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.line = line


# The client's my_isspace() under utf8: ASCII whitespace only.
_SPACE_CHARS = " \t\n\v\f\r"
_SPACE = frozenset(_SPACE_CHARS)
# What remove_cntrl() strips from the end of a statement: bytes that are not
# "graph" characters.  Under utf8 every byte >= 0x80 counts as graph.
_NOT_GRAPH = "".join(map(chr, range(0x21))) + "\x7f"
_DELIMITER_NAME = "delimiter"
_MAX_DELIMITER_BYTES = 15  # the client keeps it in a char[16]

# Long command name -> (short form, takes parameters), from the client's table.
_COMMANDS: dict[str, tuple[str, bool]] = {
    "?": ("?", True),
    "clear": ("c", False),
    "connect": ("r", True),
    "delimiter": ("d", True),
    "edit": ("e", False),
    "ego": ("G", False),
    "exit": ("q", False),
    "go": ("g", False),
    "help": ("h", True),
    "nopager": ("n", False),
    "notee": ("t", False),
    "pager": ("P", True),
    "print": ("p", False),
    "prompt": ("R", True),
    "quit": ("q", False),
    "rehash": ("#", False),
    "source": (".", True),
    "status": ("s", False),
    "system": ("!", True),
    "tee": ("T", True),
    "use": ("u", True),
    "charset": ("C", True),
    "warnings": ("W", False),
    "nowarning": ("w", False),
    "sandbox": ("-", False),
}
_SHORT = {char: name for name, (char, _) in _COMMANDS.items()}  # "\q" is "quit"
# Commands the driver runner reproduces; any other one is a ScriptError.
_SUPPORTED = frozenset({"clear", "delimiter", "ego", "go", "sandbox", "use"})

# Runs of characters with no meaning to the reader, per state.
_IN_STRING_RUN = {q: re.compile(f"[^\\\\{q}]+") for q in "'\""}
_IN_STRING_RUN["`"] = re.compile("[^`]+")
_IN_COMMENT_RUN = re.compile(r"[^*/]+")


def _unsupported(name: str, line: int) -> ScriptError:
    return ScriptError(
        f'the driver runner cannot run the mysql client command "{name}"; '
        "use the client runner (--runner client)",
        line,
    )


def _is_delimiter_command(text: str) -> bool:
    head = text[: len(_DELIMITER_NAME)]
    return head.isascii() and head.lower() == _DELIMITER_NAME


def _opens_line_comment(ch: str, rest: str, pending: bool) -> bool:
    """``#``, or ``--`` followed by whitespace or end of line, or starting a statement."""
    if ch == "#":
        return True
    return ch == "-" and rest[:1] == "-" and (not rest[1:2] or rest[1:2] in _SPACE or not pending)


def _opens_block_comment(ch: str, rest: str) -> bool:
    """``/*``, except the executable ``/*!`` and ``/*M!``."""
    return ch == "/" and rest[:1] == "*" and rest[1:2] != "!" and rest[1:3] != "M!"


def _is_multibyte(ch: str) -> bool:
    """Whether the client's utf8mb3 reader takes ``ch`` as one multi-byte character.

    Those are copied without a look; anything else (ASCII, four-byte characters,
    which utf8mb3 does not know, and undecodable bytes) goes through the reader's
    general branch.
    """
    code = ord(ch)
    return 0x80 <= code <= 0xFFFF and not 0xD800 <= code <= 0xDFFF


def _get_arg(line: str) -> str | None:
    """A command's first argument, parsed like the client's get_arg().

    Skips the command word (or the two characters of a ``\\x`` form), then takes
    a word up to the next space, or a quoted string; a backslash (and, for long
    forms, a doubled quote) escapes the next character.  None when there is no
    argument or its quote is not closed.
    """
    i, n = 0, len(line)
    while i < n and line[i] in _SPACE:
        i += 1
    short = line.startswith("\\", i)
    if short:
        i += 2
    else:
        while i < n and line[i] not in _SPACE:
            i += 1
    if i >= n:
        return None
    while i < n and line[i] in _SPACE:
        i += 1
    quote = ""
    if i < n and line[i] in "'\"`":
        quote = line[i]
        i += 1
    arg: list[str] = []
    while i < n:
        ch = line[i]
        doubled_quote = not short and bool(quote) and ch == quote == line[i + 1 : i + 2]
        if (ch == "\\" and i + 1 < n) or doubled_quote:
            arg.append(line[i + 1])
            i += 2
        elif ch == (quote or " "):
            quote = ""
            break
        else:
            arg.append(ch)
            i += 1
    return "".join(arg) if arg and not quote else None


class _Reader:
    """The state of the client's reader while it goes through one file."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []
        self.delimiter = ";"
        self.buffer: list[str] = []  # the client's glob_buffer
        self.in_string = ""  # the open quote, if any
        self.ml_comment = False  # inside /* */
        self.line_no = 0
        self.start_line = 0  # the client's status.query_start_line
        self._plain_run = self._plain_run_for(";")

    @staticmethod
    def _plain_run_for(delimiter: str) -> re.Pattern[str]:
        # Characters outside strings and comments that need no look; the
        # delimiter's first character stops the run so it can be matched.
        return re.compile("[^\\\\'\"`#/*\\-" + re.escape(delimiter[0]) + "]+")

    # -- the file ----------------------------------------------------------------
    def read(self, text: str) -> list[Statement]:
        # Like the client's batch_readline(): "\r\n" ends a line too.
        *lines, last = text.split("\n")
        lines = [line.removesuffix("\r") for line in lines]
        if last:
            lines.append(last)
        for number, line in enumerate(lines, 1):
            if "\0" in line:
                raise ScriptError(
                    "ASCII '\\0' appeared in the statement; the mysql client "
                    "refuses it unless run with --binary-mode",
                    number,
                )
            if number == 1:
                line = line.removeprefix("\ufeff")
            self.line_no = number
            if not self.buffer:
                self.start_line = number
                if not self.ml_comment and not self.in_string:
                    command = self._find_command(line)
                    if command is not None:
                        self._run_command(command, line)
                        continue
            self._add_line(line)
        self._go()  # the client sends what is left at end of file
        return self.statements

    # -- statements ----------------------------------------------------------------
    def _go(self, vertical: bool = False) -> None:
        sql = "".join(self.buffer).rstrip(_NOT_GRAPH)
        self.buffer.clear()
        if sql:  # the client ignores empty statements in batch mode
            self.statements.append(Statement(sql, self.start_line, vertical))

    def _flush(self, out: list[str]) -> None:
        if out:
            self.buffer.append("".join(out))
            out.clear()

    def _end_statement(self) -> None:
        """The delimiter was found: run the pending text as a command or send it."""
        text = "".join(self.buffer)
        command = self._find_command(text)
        if command is None:
            self._go()
        else:
            self._run_command(command, text)
            self.buffer.clear()

    # -- client commands ---------------------------------------------------------
    def _find_command(self, text: str) -> str | None:
        """The long-form command ``text`` is, like the client's find_command()."""
        name = text.lstrip(_SPACE_CHARS)
        if "\\g" in name or (self.delimiter in name and not _is_delimiter_command(name)):
            return None
        word, _, args = name.replace("\t", " ").partition(" ")  # the word ends at a space or tab
        has_args = bool(args.strip(_SPACE_CHARS))
        word = word.lower() if word.isascii() else word
        if word not in _COMMANDS:
            return None
        if has_args and not (_COMMANDS[word][1] and _get_arg(name) is not None):
            return None
        return word

    def _run_command(self, name: str, line: str) -> None:
        """Run client command ``name`` whose text (from the command on) is ``line``."""
        if name not in _SUPPORTED:
            raise _unsupported(name, self.line_no)
        if name in ("go", "ego"):
            self._go(vertical=name == "ego")
        elif name == "clear":
            self.buffer.clear()
        elif name == "delimiter":
            arg = _get_arg(line)
            # Without an argument, or with a backslash in it, the client prints
            # an error and carries on with the old delimiter.
            if arg and "\\" not in arg:
                raw = arg.encode("utf-8", "surrogateescape")[:_MAX_DELIMITER_BYTES]
                self.delimiter = raw.decode("utf-8", "surrogateescape")
                self._plain_run = self._plain_run_for(self.delimiter)
        elif name == "use":
            arg = _get_arg(line)
            if arg:  # without one the client prints an error and carries on
                name_sql = arg.replace("`", "``")
                self.statements.append(Statement(f"USE `{name_sql}`", self.start_line))
        # "sandbox" only forbids commands the driver runner refuses anyway.

    # -- one line -----------------------------------------------------------------
    def _add_line(self, line: str) -> None:
        """Read one line, like the client's add_line()."""
        if not line and not self.buffer:
            return
        out: list[str] = []  # this line's text not yet added to the buffer
        need_space = False  # a /* */ comment just ended
        ss_comment = False  # inside /*! */ on this line
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if ch in _SPACE and not out and not self.buffer:
                i += 1  # whitespace before a statement
                continue
            if not need_space:
                # Fast path: take a run of characters that need no look at once.
                if self.ml_comment:
                    run = _IN_COMMENT_RUN.match(line, i)
                elif self.in_string:
                    run = _IN_STRING_RUN[self.in_string].match(line, i)
                else:
                    run = self._plain_run.match(line, i)
                if run:
                    if not self.ml_comment:
                        out.append(run.group())
                    i = run.end()
                    continue
            if _is_multibyte(ch):
                if not self.ml_comment:
                    out.append(ch)
                i += 1
                continue
            rest = line[i + 1 : i + 4]
            sql = not self.ml_comment and not self.in_string  # outside strings and comments
            if ch == "\\" and not self.ml_comment and self.in_string != "`":
                i += 1
                if i >= n:
                    break  # a backslash ending a line is dropped
                char = line[i]
                if self.in_string or char == "N":
                    out += ("\\", char)
                    i += 1
                    continue
                self._flush(out)
                i = self._short_command(char, line, i, ss_comment)
            elif sql and line.startswith(self.delimiter, i):
                i += len(self.delimiter)
                self._flush(out)
                self._end_statement()
            elif sql and _opens_line_comment(ch, rest, pending=bool(out or self.buffer)):
                self._flush(out)
                break
            elif not self.in_string and _opens_block_comment(ch, rest):
                # Inside a comment too: "/*/" does not close it.
                i += 2
                self.ml_comment = True
                self._flush(out)
            elif self.ml_comment and not ss_comment and ch == "*" and rest[:1] == "/":
                i += 2
                self.ml_comment = False
                self._flush(out)
                need_space = True
            else:
                # /*! */ is tracked only so that a \x command inside it drops
                # its parameters up to "*/"; a "/*!" in a comment also stops
                # the next "*/" from closing that comment, as in the client.
                if not self.in_string and ch == "/" and rest[:2] == "*!":
                    ss_comment = True
                elif not self.in_string and ss_comment and ch == "*" and rest[:1] == "/":
                    ss_comment = False
                if self.in_string and ch == self.in_string:
                    self.in_string = ""
                elif sql and ch in "'\"`":
                    self.in_string = ch
                if not self.ml_comment:
                    if need_space and ch not in _SPACE:
                        out.append(" ")
                    need_space = False
                    out.append(ch)
                i += 1
        if out or self.buffer:
            tail = "".join(out)
            # The client adds no newline after text starting with "delimiter",
            # so that "<statement>; DELIMITER xx" keeps working.
            if not _is_delimiter_command(tail) or self.in_string or self.ml_comment:
                tail += "\n"
            if not self.ml_comment:
                self.buffer.append(tail)

    def _short_command(self, char: str, line: str, i: int, ss_comment: bool) -> int:
        """Run the ``\\<char>`` command at ``line[i]``; return where reading resumes."""
        name = _SHORT.get(char)
        if name is None:
            raise ScriptError(f"Unknown command '\\{char}'.", self.line_no)
        self._run_command(name, line[i - 1 :])
        if not _COMMANDS[name][1]:
            return i + 1
        # The client drops the command's parameters: to the end of the /*! */
        # comment it sits in, else up to and including the next delimiter.
        if ss_comment:
            end = line.find("*/", i + 1)
            return end if end >= 0 else len(line)
        end = line.find(self.delimiter, i + 1)
        return end + len(self.delimiter) if end >= 0 else len(line)


def split_script(text: str) -> list[Statement]:
    """Split a script as `mysql --silent ... source file` does."""
    return _Reader().read(text)


def script_end(text: str) -> tuple[str, bool]:
    """The delimiter in force at the end of ``text``, and whether statement
    text is pending there (which the client sends at the end of the file)."""

    class Probe(_Reader):
        pending = False

        def _go(self, vertical: bool = False) -> None:
            # The last call is the one at the end of the file.
            self.pending = bool("".join(self.buffer).rstrip(_NOT_GRAPH))
            super()._go(vertical)

    probe = Probe()
    probe.read(text)
    return probe.delimiter, probe.pending


# -- result rows ----------------------------------------------------------------------
_ESCAPES = str.maketrans({"\0": "\\0", "\t": "\\t", "\n": "\\n", "\\": "\\\\"})
_DOUBLE_MAX_F_DECPT = 15  # the server's my_gcvt(): DBL_DIG


def _format_double(value: float) -> str:
    """A float as the server prints a DOUBLE: shortest digits, my_gcvt()'s layout."""
    if value == 0:
        return "0"
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    decpt = len(digits) + int(exponent)  # where the point goes in the digits
    if decpt > -_DOUBLE_MAX_F_DECPT and (decpt <= _DOUBLE_MAX_F_DECPT or len(digits) > decpt):
        if decpt <= 0:
            return f"{sign}0.{'0' * -decpt}{digits}"
        if decpt < len(digits):
            return f"{sign}{digits[:decpt]}.{digits[decpt:]}"
        return f"{sign}{digits}{'0' * (decpt - len(digits))}"
    mantissa = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{decpt - 1}"


def _format_timedelta(value: datetime.timedelta) -> str:
    sign = "-" if value < datetime.timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.days * 86400 + value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    fraction = f".{value.microseconds:06d}" if value.microseconds else ""
    return f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}{fraction}"


def _text(value: object) -> str:
    """``value`` as the text the server would have sent for it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "surrogateescape")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return _format_double(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ")
    if isinstance(value, datetime.timedelta):
        return _format_timedelta(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def format_rows(rows: Sequence[Sequence[object]], *, vertical: bool = False) -> str:
    """Result rows as `mysql --silent --skip-column-names` prints them in batch mode
    (tab-separated, NULL as NULL, its escaping of tab/newline/backslash/NUL;
    bytes/decimals/dates as the client prints them), each row ending with a newline.

    Values are best given as the text the server sent (``str``, or ``bytes``,
    which are decoded as UTF-8 with ``surrogateescape`` so that writing them
    back with that error handler reproduces the bytes); Python values are
    turned into the server's text: ``Decimal`` in plain notation, ``float`` as
    the server prints a DOUBLE, dates ISO-style, ``timedelta`` as a TIME (a
    fraction is printed with six digits when non-zero, so DATETIME(n)/TIME(n)
    columns with 0 < n < 6 only come out right as text).  ``vertical`` gives
    the ``\\G`` layout: a numbered header per row, then one value per line,
    unescaped, with NUL printed as a space.
    """
    lines: list[str] = []
    for number, row in enumerate(rows, 1):
        if vertical:
            lines.append(f"{'*' * 27} {number}. row {'*' * 27}\n")
            for value in row:
                text = "NULL" if value is None else _text(value).replace("\0", " ")
                lines.append(text + "\n")
        else:
            fields = ("NULL" if v is None else _text(v).translate(_ESCAPES) for v in row)
            lines.append("\t".join(fields) + "\n")
    return "".join(lines)


def set_variables(variables: Mapping[str, str]) -> str:
    """Sqitch's ``SET @"k" = 'v', ...`` statement for script variables ("" for none)."""
    if not variables:
        return ""
    return "SET " + ", ".join(
        "@\"{}\" = '{}'".format(k.replace('"', '""'), variables[k].replace("'", "''"))
        for k in sorted(variables)
    )
