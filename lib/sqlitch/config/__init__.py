"""Layered Sqitch configuration: system < user < local (later files win).

File locations follow Sqitch (``$SQITCH_CONFIG``, ``./sqitch.conf`` found by
walking up from the working directory, ``~/.sqitch/sqitch.conf``,
``<etc>/sqitch.conf``); SQLitch also accepts ``sqlitch.conf`` and the
``SQLITCH_*`` variables, and refuses a scope holding both file names.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from sqlitch.config.cast import CastAs, Value, cast
from sqlitch.config.editing import ConfigFile, value_matcher
from sqlitch.config.keys import canonical_key, section_key
from sqlitch.config.store import Entry, Store, expand_home
from sqlitch.environment import env_value
from sqlitch.errors import SqlitchError

__all__ = [
    "CastAs",
    "Config",
    "ConfigFile",
    "Scope",
    "Value",
    "format_entry",
    "system_dir",
]

Scope = Literal["system", "user", "local"]
SCOPES: tuple[Scope, ...] = ("system", "user", "local")
CONF_NAMES = ("sqitch.conf", "sqlitch.conf")


def system_dir() -> Path:
    """Where the system config and templates live (``sqlitch --etc-path``)."""
    return Path(sys.prefix) / "etc" / "sqlitch"


def _pick_conf(directory: Path) -> Path | None:
    """The config file in a directory, refusing both sqitch.conf and sqlitch.conf."""
    # os.path's tests, as Perl's -f: a name too long for the system is no file.
    found = [directory / name for name in CONF_NAMES if os.path.isfile(directory / name)]
    if len(found) > 1:
        raise SqlitchError(
            f"Both {CONF_NAMES[0]} and {CONF_NAMES[1]} exist in {directory}; remove one of them"
        )
    return found[0] if found else None


def format_entry(key: str, values: list[str | None], multiple: bool) -> str:
    """One line of ``sqitch config --list`` / ``--get-regexp`` output."""
    if multiple:
        return f"{key}=[{', '.join(v or '' for v in values)}]"
    value = values[-1]
    return key if value is None else f"{key}={value}"


def _dump(store: Store) -> str:
    return "".join(
        format_entry(key, entry.values, entry.multiple) + "\n"
        for key, entry in sorted(store.data.items())
    )


class Config:
    """The merged configuration of all scopes, plus per-scope views for writing."""

    def __init__(self, env: Mapping[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self._home = env.get("HOME", "")
        self._merged = Store(home=self._home)
        self._scopes: dict[Scope, Store] = {}
        self.local_found: Path | None = None
        self._read()

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Config:
        """Read system, user and local files (``env``/``cwd`` default to the process's)."""
        return cls(os.environ if env is None else env, Path.cwd() if cwd is None else cwd)

    def reload(self) -> None:
        """Re-read every file (after edits)."""
        self._merged = Store(home=self._home)
        self._scopes = {}
        self.local_found = None
        self._read()

    # -- locations -------------------------------------------------------

    def user_dir(self) -> Path:
        """``~/.sqitch`` (or $SQLITCH_CONFIG_ROOT)."""
        root = self.env.get("SQLITCH_CONFIG_ROOT")
        if root and root != "0":
            return self._absolute(root)
        home = self.env.get("HOME") or os.path.expanduser("~")
        if not home or home == "~":
            raise SqlitchError("Could not determine home directory", ident="config")
        return Path(home) / ".sqitch"

    def _absolute(self, path: str) -> Path:
        return self.cwd / expand_home(path, self._home)

    def _scope_override(self, scope: Scope) -> str | None:
        name = {"system": "SYSTEM_CONFIG", "user": "USER_CONFIG", "local": "CONFIG"}[scope]
        return env_value(self.env, name)

    def _scope_dir(self, scope: Scope) -> Path:
        if scope == "system":
            return system_dir()
        if scope == "user":
            return self.user_dir()
        return self.cwd

    def display_name(self, scope: Scope) -> str:
        """The file name as Sqitch prints it in messages (local: ``sqitch.conf``)."""
        override = self._scope_override(scope)
        if override:
            return override
        path = self.file_for(scope)
        return path.name if scope == "local" else str(path)

    def file_for(self, scope: Scope) -> Path:
        """The file a scope reads and writes (it need not exist yet)."""
        override = self._scope_override(scope)
        if override:
            return self._absolute(override)
        directory = self._scope_dir(scope)
        return _pick_conf(directory) or directory / CONF_NAMES[0]

    def editable(self, scope: Scope) -> ConfigFile:
        """Open a scope's file for editing; call ``save()`` to write."""
        return ConfigFile(self.file_for(scope), self.display_name(scope))

    # -- loading ---------------------------------------------------------

    def _find_local(self) -> Path | None:
        """Sqitch looks for the local file in the working directory and its parents."""
        override = self._scope_override("local")
        for directory in (self.cwd, *self.cwd.parents):
            if override:
                candidate = directory / expand_home(override, self._home)
                if os.path.isfile(candidate):
                    return candidate
            else:
                found = _pick_conf(directory)
                if found:
                    return found
        return None

    def _read(self) -> None:
        for scope in SCOPES:
            path = self._find_local() if scope == "local" else self.file_for(scope)
            if path is None:
                continue
            if scope == "local":
                self.local_found = path
            self._merged.load_file(str(path), relative=str(self.cwd))

    def _scope_store(self, scope: Scope) -> Store:
        """One scope's file loaded on its own (``--list --user`` and the like)."""
        store = self._scopes.get(scope)
        if store is None:
            store = Store(parse_exitval=2, home=self._home)
            path = self.file_for(scope)
            if os.path.exists(path):
                store.load_file(str(path), relative=str(self.cwd))
            self._scopes[scope] = store
        return store

    @property
    def loaded_files(self) -> list[str]:
        """Canonical paths of every file read, in load order (includes too)."""
        return list(self._merged.files)

    @property
    def initialized(self) -> bool:
        """Whether a local (project) config file was found."""
        return self.local_found is not None

    # -- reading ---------------------------------------------------------

    def _values(self, key: str, filter: str | None) -> list[str | None]:
        entry = self._merged.data.get(canonical_key(key))
        if entry is None:
            return []
        matches = value_matcher(filter)
        return [v for v in entry.values if matches(v)]

    def get(
        self,
        key: str,
        as_: CastAs | None = None,
        *,
        filter: str | None = None,
        human: bool = False,
    ) -> Value:
        """The key's value (None if unset); a multi-valued key is an error, as in Sqitch."""
        values = self._values(key, filter)
        if not values:
            return None
        if len(values) > 1:
            raise SqlitchError(f'More then one value for the key "{key}"', ident="config")
        return cast(values[0], as_, human=human)

    def get_all(
        self,
        key: str,
        as_: CastAs | None = None,
        *,
        filter: str | None = None,
        human: bool = False,
    ) -> list[Value]:
        """Every value of the key (from the file that defines it last), in file order."""
        return [cast(v, as_, human=human) for v in self._values(key, filter)]

    def _regexp(
        self, pattern: str, filter: str | None
    ) -> list[tuple[str, Entry, list[str | None]]]:
        import re

        try:
            regex = re.compile(pattern or ".", re.IGNORECASE)
        except re.error as exc:
            raise SqlitchError(
                f"Invalid regular expression {pattern}: {exc}", ident="config"
            ) from None
        matches = value_matcher(filter)
        out = []
        for key, entry in sorted(self._merged.data.items()):
            if regex.search(key):
                values = [v for v in entry.values if matches(v)]
                if values:
                    out.append((key, entry, values))
        return out

    def get_regexp(
        self,
        pattern: str,
        as_: CastAs | None = None,
        *,
        filter: str | None = None,
        human: bool = False,
    ) -> list[tuple[str, Value]]:
        """(key, value) for keys matching a case-insensitive regex, sorted; one per value."""
        return [
            (key, cast(v, as_, human=human))
            for key, _entry, values in self._regexp(pattern, filter)
            for v in values
        ]

    def regexp_lines(
        self,
        pattern: str,
        as_: CastAs | None = None,
        *,
        filter: str | None = None,
    ) -> list[str]:
        """``sqitch config --get-regexp`` output lines (``key=value``, ``key=[a, b]``)."""
        lines = []
        for key, entry, values in self._regexp(pattern, filter):
            shown = [str(cast(v, as_, human=True)) if as_ else v for v in values]
            multiple = entry.multiple and (not filter or len(values) > 1)
            lines.append(format_entry(key, shown, multiple))
        return lines

    def is_multiple(self, key: str) -> bool:
        """Whether the key holds several values (shown as ``key=[a, b]``)."""
        entry = self._merged.data.get(canonical_key(key))
        return bool(entry and entry.multiple)

    def get_section(self, section: str) -> dict[str, str]:
        """Keys directly in a section (``core``, ``target.prod``), last value each.

        Names keep the case they were written in, as Sqitch's get_section does;
        keys with no value (a bare ``key`` line) are left out.
        """
        return {
            name: values[-1]
            for name, values in self.get_section_all(section).items()
            if values and values[-1] is not None
        }

    def get_section_all(self, section: str) -> dict[str, list[str | None]]:
        """Like get_section, with every value of each key."""
        prefix = section_key(section) + "."
        out: dict[str, list[str | None]] = {}
        for key, entry in self._merged.data.items():
            if key.startswith(prefix) and "." not in key[len(prefix) :]:
                out[entry.name.rsplit(".", 1)[-1]] = list(entry.values)
        return out

    def subsections(self, section: str) -> list[str]:
        """Sorted subsection names of a section (``target`` -> ``['dev', 'prod']``)."""
        prefix = section.lower() + "."
        return sorted(
            {
                entry.section[len(prefix) :]
                for entry in self._merged.data.values()
                if entry.section.startswith(prefix)
            }
        )

    def items(self) -> list[tuple[str, str | None]]:
        """Every (key, value) of the merged config, sorted by key; one per value."""
        return _items(self._merged)

    def scope_items(self, scope: Scope) -> list[tuple[str, str | None]]:
        """Every (key, value) of one scope's file alone."""
        return _items(self._scope_store(scope))

    def dump(self, scope: Scope | None = None) -> str:
        """``sqitch config --list`` text (each line newline-terminated)."""
        return _dump(self._merged if scope is None else self._scope_store(scope))

    def scope_exists(self, scope: Scope) -> bool:
        """Whether a scope's file exists (``--list --user`` prints nothing if not)."""
        return os.path.exists(self.file_for(scope))


def _items(store: Store) -> list[tuple[str, str | None]]:
    return [(key, v) for key, entry in sorted(store.data.items()) for v in entry.values]
