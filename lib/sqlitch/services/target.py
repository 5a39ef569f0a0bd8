"""`target` actions: list, add, alter, remove, rename, show (App::Sqitch::Command::target)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlitch.errors import SqlitchError
from sqlitch.services.config_actions import ActionService, MissingArgument, edit_section
from sqlitch.services.engine import emit_target_details
from sqlitch.services.init import TargetProperties
from sqlitch.target import DbUri, resolve_target

if TYPE_CHECKING:
    from sqlitch.app import App

_TARGET_URI_KEY = re.compile(r"^target\.([^.]+)\.uri$")
_TARGET_REFERENCE_KEY = re.compile(r"^(?:core|engine\.[^.]+)\.target$")


def _error(message: str) -> SqlitchError:
    return SqlitchError(message, ident="target")


class TargetService(ActionService):
    """The `target` command's actions."""

    ACTIONS = ("list", "add", "alter", "remove", "rename", "show")

    def __init__(self, app: App, props: TargetProperties) -> None:
        super().__init__(app, "target", props)

    def list(self, args: Sequence[str] = ()) -> None:
        verbose = bool(self.app.options.verbosity)
        found: list[dict[str, object]] = []
        for key, value in self.config.items():
            match = _TARGET_URI_KEY.match(key)
            if match:
                self.app.emit(f"{match.group(1)}\t{value}" if verbose else match.group(1))
                found.append({"name": match.group(1), "uri": value})
        if self.app.json:
            from sqlitch.services.json_output import write_document

            write_document("target", {"targets": found})

    def add(self, args: Sequence[str]) -> None:
        if len(args) < 2 or not args[0] or not args[1]:
            raise MissingArgument
        name, uri = args[0], args[1]
        key = f"target.{name}"
        if self.config.get(f"{key}.uri"):
            raise _error(f'Target "{name}" already exists')
        pairs = [(f"{key}.uri", str(DbUri.parse(uri)))]
        pairs.extend(self.props.config_pairs(key))
        self.store(pairs)
        target = self.config_target(name=name)
        self.write_plan(target)
        self.make_directories_for(target)

    def alter(self, args: Sequence[str]) -> None:
        if not args or not args[0]:
            raise MissingArgument
        name = args[0]
        if not self.config.get(f"target.{name}.uri"):
            hint = self.props.uri or "$uri"
            raise _error(f'Missing Target "{name}"; use "add {name} {hint}" to add it')
        self.store(self.props.config_pairs(f"target.{name}"))
        self.make_directories_for(self.config_target(name=name))

    def remove(self, args: Sequence[str]) -> None:
        if not args or not args[0]:
            raise MissingArgument
        self._check_unreferenced(args[0])
        self._rename(args[0], None)

    def rename(self, args: Sequence[str]) -> None:
        if len(args) < 2 or not args[0] or not args[1]:
            raise MissingArgument
        self._check_unreferenced(args[0])
        self._rename(args[0], args[1])

    def show(self, args: Sequence[str]) -> None:
        if not args:
            self.list()
            return
        for name in args:
            target = resolve_target(self.config, self.env, name=name)
            emit_target_details(self.app, f"* {name}", "URI", str(target.uri), target)

    # -- helpers -------------------------------------------------------------
    def _check_unreferenced(self, name: str) -> None:
        users = [
            key
            for key, value in self.config.items()
            if _TARGET_REFERENCE_KEY.match(key) and value == name
        ]
        if users:
            # Sqitch says "rename" for removals too.
            raise _error(
                f'Cannot rename target "{name}" because it\'s referenced by: {", ".join(users)}'
            )

    def _rename(self, old: str, new: str | None) -> None:
        config_file = self.local_file()
        section, variables = f"target.{old}", f"target.{old}.variables"
        renamed = (f"target.{new}", f"target.{new}.variables") if new else (None, None)
        if not edit_section(lambda: config_file.rename_section(section, renamed[0])):
            raise _error(f'Unknown target "{old}"')
        edit_section(lambda: config_file.rename_section(variables, renamed[1]))
        config_file.save()
