"""The merged key/value data of loaded config files (Config::GitLike's model).

A key defined again in the *same* file gains another value (multi-valued);
a key defined in a *later* file replaces all earlier values. ``include.path``
definitions pull in further files, relative to the including file.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlitch.config.gitconfig import PERL_ESCAPE, parse_or_raise, read_text
from sqlitch.errors import SqlitchError

_INCLUDE_KEY = "include.path"
_MAX_INCLUDE_DEPTH = 10


class Entry:
    """All current values of one key, with where and how it was defined."""

    __slots__ = ("multiple", "name", "origin", "section", "values")

    def __init__(
        self, values: list[str | None], origin: str, section: str, name: str, multiple: bool
    ) -> None:
        self.values = values
        self.origin = origin
        self.section = section  # the parsed section, e.g. "target.prod"
        self.name = name  # the variable name in its original case
        self.multiple = multiple


class Store:
    """Keys in canonical form (``section.name`` lower-cased, subsection kept)."""

    def __init__(self, *, parse_exitval: int = 255, home: str = "") -> None:
        self.data: dict[str, Entry] = {}
        self.files: list[str] = []
        self.parse_exitval = parse_exitval
        self.home = home  # what a leading "~" in a file name stands for

    def define(self, section: str, name: str, value: str | None, origin: str) -> None:
        key = f"{section}.{name.lower()}"
        entry = self.data.get(key)
        if entry is None:
            self.data[key] = Entry([value], origin, section, name, key == _INCLUDE_KEY)
        elif entry.origin == origin:
            entry.values.append(value)
            entry.multiple = True
        else:
            # A later file overrides: its values replace the earlier ones.
            self.data[key] = Entry([value], origin, section, name, False)

    def load_file(self, path: str, *, relative: str | None = None, depth: int = 0) -> bool:
        """Load one file (skipping one already loaded); False if it is unreadable."""
        filename = _canonical(expand_home(path, self.home), relative)
        if depth == 0 and filename in self.files:
            return True
        loaded = read_text(Path(filename), errors=PERL_ESCAPE)
        if loaded is None:
            return False
        self.files.append(filename)
        if _INCLUDE_KEY in self.data:
            self.data[_INCLUDE_KEY].multiple = True
        items = parse_or_raise(loaded.text, filename, exitval=self.parse_exitval)
        for item in items:
            if item.name is None:
                continue
            self.define(item.section, item.name, item.value, filename)
            if item.section == "include" and item.name.lower() == "path" and item.value:
                if depth > _MAX_INCLUDE_DEPTH:
                    raise SqlitchError(
                        f"Exceeded maximum include depth ({_MAX_INCLUDE_DEPTH}) "
                        f"while including {item.value} from {filename}",
                        ident="config",
                        exitval=self.parse_exitval,
                    )
                self.load_file(item.value, relative=os.path.dirname(filename), depth=depth + 1)
        return True


def expand_home(path: str, home: str) -> str:
    """GitLike replaces a leading ``~`` with $HOME (and nothing cleverer)."""
    return home + path[1:] if path.startswith("~") else path


def _canonical(path: str, relative: str | None) -> str:
    if not os.path.isabs(path):
        path = os.path.join(relative or os.getcwd(), path)
    return os.path.realpath(path)
