"""Sqitch's item formatter: the %-code templates of ``plan`` and ``log``.

A template is text with ``%`` conversions in String::Formatter's syntax:
``%[-][min][.max][{argument}]<code>``. Items are plain mappings whose keys
are those Sqitch passes (see :data:`ITEM_KEYS`); ``plan`` supplies the
planner fields, ``log`` adds the committer fields. ``%j`` is SQLitch's own
code (Sqitch has none by that letter): the item, or one attribute, as JSON.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlitch.errors import SqlitchError
from sqlitch.formatting.colors import color_sequence, color_valid, colors_disabled
from sqlitch.formatting.dates import format_date

__all__ = ["COLOR_MODES", "ITEM_KEYS", "ItemFormatter", "format_error", "item_object"]

COLOR_MODES = ("always", "never", "auto")

ITEM_KEYS = (
    "event",
    "project",
    "change_id",
    "change",
    "note",
    "tags",
    "requires",
    "conflicts",
    "planned_at",
    "planner_name",
    "planner_email",
    "deploy_file",
    "committed_at",
    "committer_name",
    "committer_email",
)

Item = Mapping[str, object]

_CONVERSION = re.compile(r"%(-)?([0-9]+)?(?:\.([0-9]*))?(?:\{(.*?)\})?(\S)")
_VSPACE = "\n\x0b\x0c\r\x85\u2028\u2029"
_FIRST_LINE_END = re.compile(f"[{_VSPACE}].*", re.S)
_SUMMARY_LINE = re.compile(f"^.+[{_VSPACE}]+")
_LINE_START = re.compile(r"(?m)^(?!\Z)")
_PERL_NUMBER = re.compile(r"\s*([+-]?\d*)")

_LABELS = {
    "event": "Event:    ",
    "change": "Change:   ",
    "committer": "Committer:",
    "planner": "Planner:  ",
    "by": "By:       ",
    "date": "Date:     ",
    "committed": "Committed:",
    "planned": "Planned:  ",
    "name": "Name:     ",
    "project": "Project:  ",
    "email": "Email:    ",
    "requires": "Requires: ",
    "conflicts": "Conflicts:",
}
_EVENT_WORDS = {"deploy": "Deploy", "revert": "Revert", "fail": "Fail"}
_EVENT_COLORS = {"deploy": "green", "revert": "blue"}


def item_object(item: Item) -> dict[str, object]:
    """An item's attributes in :data:`ITEM_KEYS` order: what ``%j`` prints
    (as JSON) and what ``plan --json`` and ``log --json`` list."""
    return {key: item[key] for key in ITEM_KEYS if key in item}


def format_error(message: str) -> SqlitchError:
    return SqlitchError(message, ident="format")


def _true(value: str | None) -> bool:
    """Perl truthiness of a string."""
    return value is not None and value not in ("", "0")


def _perl_int(text: str) -> int:
    """A string used as a number by Perl (leading numeric part, else 0)."""
    match = _PERL_NUMBER.match(text)
    digits = match.group(1) if match else ""
    magnitude = digits.lstrip("+-").lstrip("0")
    negative = digits.startswith("-")
    if len(magnitude) > 20 or (magnitude and int(magnitude) >= 2**64):
        # Beyond 64 bits Perl holds a double, and its integer value (SvIV) is
        # then -1 (-Inf: the most negative): never Python's digit limit.
        return -(2**63) if negative else -1
    number = int(magnitude) if magnitude else 0
    return -number if negative else number


def _prefix_lines(text: str, prefix: str) -> str:
    """Put ``prefix`` at the start of every line, as Perl's s/^/…/gm does."""
    if not text:
        return prefix
    return _LINE_START.sub(lambda _m: prefix, text)


def _placeholder(value: str | None, name: str) -> str:
    """A message argument; Sqitch leaves ``{name}`` in place when it is undefined."""
    return "{" + name + "}" if value is None else value


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _list(item: Item, key: str) -> list[str]:
    value = item.get(key)
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def _joined(item: Item, key: str, arg: str | None, before: str = " ", after: str = "") -> str:
    values = _list(item, key)
    if not values:
        return ""
    # Any separator given counts, even "" or "0" (Sqitch 1.4.0, #703).
    separator = ", " if arg is None else arg
    return before + separator.join(values) + after


def _pad(text: str, align: str | None, min_width: str | None, max_width: str | None) -> str:
    """String::Formatter's sprintf("%-M.Ns") with Perl's zero-padding of strings."""
    if _true(max_width):
        text = text[: int(max_width or 0)]
    if not _true(min_width):
        return text
    width = int(min_width or 0)
    if align:
        return text.ljust(width)
    return text.rjust(width, "0" if (min_width or "").startswith("0") else " ")


class ItemFormatter:
    """Formats plan and log items with Sqitch's %-codes.

    ``date_format`` is the default for ``%{date}p``/``%{date}c``; ``color``
    is always, never or auto (colour only when stdout is a terminal);
    ``abbrev`` shortens ``%h`` change IDs when non-zero.
    """

    def __init__(
        self,
        *,
        date_format: str = "iso",
        color: str = "auto",
        abbrev: int = 0,
        is_tty: bool | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.date_format = date_format
        self.color = color
        self.abbrev = abbrev
        env = os.environ if env is None else env
        if color == "always":
            self.use_color = "NO_COLOR" not in env
        elif color == "never":
            self.use_color = False
        else:
            tty = sys.stdout.isatty() if is_tty is None else is_tty
            self.use_color = tty and not colors_disabled(env)
        #: An item as the JSON object ``%j`` prints (``log`` splits the
        #: registry's joined lists into arrays).
        self.json_object: Callable[[Item], Mapping[str, object]] = item_object
        self._codes: dict[str, Callable[[Item, str | None], str]] = {
            "e": lambda item, arg: _text(item.get("event")),
            "L": lambda item, arg: _EVENT_WORDS.get(_text(item.get("event")), ""),
            "l": lambda item, arg: _EVENT_WORDS.get(_text(item.get("event")), "").lower(),
            "_": self._label,
            "H": lambda item, arg: _text(item.get("change_id")),
            "h": self._change_id,
            "n": lambda item, arg: _text(item.get("change")),
            "o": lambda item, arg: _text(item.get("project")),
            "F": lambda item, arg: _text(item.get("deploy_file")),
            "c": lambda item, arg: self._person(item, arg, "committer", "committed_at"),
            "p": lambda item, arg: self._person(item, arg, "planner", "planned_at"),
            "t": lambda item, arg: _joined(item, "tags", arg),
            "T": lambda item, arg: _joined(item, "tags", arg, " (", ")"),
            "v": lambda item, arg: "\n",
            "C": self._color,
            "s": self._subject,
            "b": self._body,
            "B": self._note,
            "r": lambda item, arg: _joined(item, "requires", arg),
            "R": lambda item, arg: _joined(item, "requires", arg, "Requires:  ", "\n"),
            "x": lambda item, arg: _joined(item, "conflicts", arg),
            "X": lambda item, arg: _joined(item, "conflicts", arg, "Conflicts: ", "\n"),
            "a": self._attribute,
            # SQLitch's own (no Sqitch code): JSON, so user text never breaks a template.
            "j": self._json,
        }

    # -- public -------------------------------------------------------------
    def format(self, template: str, item: Item) -> str:
        """Expand every conversion in ``template`` for ``item``."""
        out: list[str] = []
        pos = 0
        for match in _CONVERSION.finditer(template):
            out.append(template[pos : match.start()])
            pos = match.end()
            if match.group(0) == "%%":
                out.append("%")
                continue
            align, min_width, max_width, arg, code = match.groups()
            handler = self._codes.get(code)
            if handler is None:
                raise format_error(f'Unknown format code "{code}"')
            out.append(_pad(handler(item, arg), align, min_width, max_width))
        out.append(template[pos:])
        return "".join(out)

    def format_all(self, template: str, items: Sequence[Item]) -> list[str]:
        return [self.format(template, item) for item in items]

    # -- codes --------------------------------------------------------------
    def _label(self, item: Item, arg: str | None) -> str:
        if arg is None:
            raise format_error("No label passed to the _ format")
        label = _LABELS.get(arg)
        if label is None:
            raise format_error(f'Unknown label "{arg}" passed to the _ format')
        return label

    def _change_id(self, item: Item, arg: str | None) -> str:
        change_id = _text(item.get("change_id"))
        if _true(arg):
            return change_id[: _perl_int(arg or "")]
        if self.abbrev:
            return change_id[: self.abbrev]
        return change_id

    def _person(self, item: Item, arg: str | None, who: str, when: str) -> str:
        name, email = _text(item.get(f"{who}_name")), _text(item.get(f"{who}_email"))
        if arg is None:
            return f"{name} <{email}>"
        if arg in ("n", "name"):
            return name
        if arg in ("e", "email"):
            return email
        match = re.match(r"d(?:ate)?(?::|$)", arg)
        if not match:
            return ""
        moment = item.get(when)
        if not isinstance(moment, datetime):
            raise format_error(f'Can\'t call method "as_string" on an undefined value ({when})')
        rest = arg[match.end() :]
        return format_date(moment, rest if _true(rest) else self.date_format)

    def _color(self, item: Item, arg: str | None) -> str:
        if arg == ":event":
            spec = _EVENT_COLORS.get(_text(item.get("event")), "red")
        else:
            if not _true(arg) or not color_valid(arg or ""):
                raise format_error(f"{_placeholder(arg, 'color')} is not a valid ANSI color")
            spec = arg or ""
        return color_sequence(spec) if self.use_color else ""

    def _subject(self, item: Item, arg: str | None) -> str:
        return (arg or "") + _FIRST_LINE_END.sub("", _text(item.get("note")), count=1)

    def _body(self, item: Item, arg: str | None) -> str:
        note = _text(item.get("note"))
        if not any(c in _VSPACE for c in note):
            return ""
        body = _SUMMARY_LINE.sub("", note, count=1)
        if arg is not None and body:
            body = _prefix_lines(body, arg)
        return body

    def _note(self, item: Item, arg: str | None) -> str:
        note = _text(item.get("note"))
        return note if arg is None else _prefix_lines(note, arg)

    def _attribute(self, item: Item, arg: str | None) -> str:
        if not _true(arg) or arg not in item:
            raise format_error(f"{_placeholder(arg, 'attr')} is not a valid change attribute")
        name = arg or ""
        value = item[name]
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            if not value:
                return ""
            text = ", ".join(str(v) for v in value)
        elif isinstance(value, datetime):
            text = format_date(value, "raw")
        else:
            text = str(value)
        return f"{name}{' ' * max(9 - len(name), 0)} {text}\n"

    def _json(self, item: Item, arg: str | None) -> str:
        """``%j``: the whole item as a JSON object; ``%{note}j``: one attribute
        as a JSON value (a quoted, escaped string, an array, a timestamp as
        ISO-8601 UTC, or null)."""
        from sqlitch.formatting.json_values import dumps

        attributes = self.json_object(item)
        if arg is None:
            return dumps(attributes)
        if arg not in attributes:
            raise format_error(f"{arg} is not a valid change attribute")
        return dumps(attributes[arg])
