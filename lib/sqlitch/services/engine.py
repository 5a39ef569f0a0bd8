"""`engine` actions: list, add, alter, remove, show (App::Sqitch::Command::engine)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlitch.engines.names import SQITCH_ENGINES, check_supported, is_sqitch_engine
from sqlitch.errors import SqlitchError
from sqlitch.services.config_actions import ActionService, MissingArgument, edit_section
from sqlitch.services.init import TargetProperties
from sqlitch.target import DbUri, Target, resolve_target

if TYPE_CHECKING:
    from sqlitch.app import App


def _error(message: str) -> SqlitchError:
    return SqlitchError(message, ident="engine")


def check_engine(engine: str) -> None:
    if not is_sqitch_engine(engine):
        raise _error(f'Unknown engine "{engine}"')
    check_supported(engine)


class EngineService(ActionService):
    """The `engine` command's actions."""

    ACTIONS = ("list", "add", "alter", "remove", "show")

    def __init__(self, app: App, props: TargetProperties) -> None:
        super().__init__(app, "engine", props)

    def list(self, args: Sequence[str] = ()) -> None:
        pattern = re.compile(rf"^engine\.(?:{'|'.join(SQITCH_ENGINES)})\.target$")
        verbose = bool(self.app.options.verbosity)
        found: list[dict[str, object]] = []
        for key, value in self.config.items():
            if not pattern.match(key):
                continue
            engine = key.split(".")[1]
            self.app.emit(f"{engine}\t{value}" if verbose else engine)
            found.append({"name": engine, "target": value})
        if self.app.json:
            from sqlitch.services.json_output import write_document

            write_document("engine", {"engines": found})

    def _target_for(self, engine: str, name: str | None) -> str | None:
        """The target value to store for ``engine`` (a URI or a configured name)."""
        wanted = self.props.target or name
        if not wanted:
            return None
        if ":" in wanted:
            uri = DbUri.parse(wanted)
            if uri.canonical_engine != engine:
                raise _error(
                    f'Cannot assign URI using engine "{uri.canonical_engine or ""}" '
                    f'to engine "{engine}"'
                )
            return str(uri)
        if self.config.get(f"target.{wanted}.uri"):
            return wanted
        raise _error(f'Unknown target "{wanted}"')

    def add(self, args: Sequence[str]) -> None:
        if not args or not args[0]:
            raise MissingArgument
        engine = args[0]
        name = args[1] if len(args) > 1 else None
        check_engine(engine)
        key = f"engine.{engine}"
        if self.config.get(f"{key}.target"):
            raise _error(f'Engine "{engine}" already exists')
        pairs = [(f"{key}.target", self._target_for(engine, name) or f"db:{engine}:")]
        pairs.extend(self.props.config_pairs(key))
        self.store(pairs)
        target = self.config_target(name=name, engine=engine)
        self.write_plan(target)
        self.make_directories_for(target)

    def alter(self, args: Sequence[str]) -> None:
        if not args or not args[0]:
            raise MissingArgument
        engine = args[0]
        check_engine(engine)
        if not self.config.get(f"engine.{engine}.target"):
            hint = self.props.target or f"db:{engine}:"
            raise _error(f'Missing Engine "{engine}"; use "add {engine} {hint}" to add it')
        if self.props.target:
            self.props.target = self._target_for(engine, self.props.target)
        self.store(self.props.config_pairs(f"engine.{engine}"))
        self.make_directories_for(self.config_target(engine=engine))

    def remove(self, args: Sequence[str]) -> None:
        if not args or not args[0]:
            raise MissingArgument
        engine = args[0]
        config_file = self.local_file()
        if not edit_section(lambda: config_file.remove_section(f"engine.{engine}")):
            raise _error(f'Unknown engine "{engine}"')
        edit_section(lambda: config_file.remove_section(f"engine.{engine}.variables"))
        config_file.save()

    def show(self, args: Sequence[str]) -> None:
        if not args:
            self.list()
            return
        for engine in args:
            name = self.config.get(f"engine.{engine}.target") or f"db:{engine}"
            target = resolve_target(self.config, self.env, name=str(name))
            emit_target_details(self.app, f"* {engine}", "Target", target.target, target)


def emit_target_details(app: App, header: str, first: str, value: str, target: Target) -> None:
    """The block `engine show` and `target show` print for one target."""
    labels = [first, "Registry", "Client", "Top Directory", "Plan File", "Extension"]
    labels += ["  Deploy", "  Revert", "  Verify", "  Reworked"]
    width = max(len(label) for label in labels)

    def label(text: str) -> str:
        return f"    {text}: {' ' * (width - len(text))}"

    app.emit(header)
    app.emit(label(first), value)
    app.emit(label("Registry"), target.registry)
    app.emit(label("Client"), target.client)
    app.emit(label("Top Directory"), target.top_dir)
    app.emit(label("Plan File"), target.plan_file)
    app.emit(label("Extension"), target.extension)
    app.emit("    Script Directories:")
    app.emit(label("  Deploy"), target.deploy_dir)
    app.emit(label("  Revert"), target.revert_dir)
    app.emit(label("  Verify"), target.verify_dir)
    app.emit("    Reworked Script Directories:")
    app.emit(label("  Reworked"), target.reworked_dir)
    app.emit(label("  Deploy"), target.reworked_deploy_dir)
    app.emit(label("  Revert"), target.reworked_revert_dir)
    app.emit(label("  Verify"), target.reworked_verify_dir)
    variables = target.variables
    if not variables:
        app.emit("    No Variables")
        return
    name_width = max(len(name) for name in variables)
    app.emit("    Variables:")
    for name in sorted(variables, key=str.lower):
        app.emit(f"  {name}: {' ' * (name_width - len(name))}{variables[name]}")
