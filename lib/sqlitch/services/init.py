"""`init` and the target-configuring behaviour shared with `engine` and `target`.

App::Sqitch::Role::TargetConfigCommand gives init, engine and target the same
options (plan file, registry, client, extension, top dir, --dir, --set), the
same way of building the target those options describe, of writing a plan
file and of creating script directories. :class:`TargetConfigurator` is that
role; :func:`init_project` is the `init` command.

Resolution deliberately uses the configuration as it was loaded when the
command started, even after this command wrote to the file: Sqitch does the
same, and some of its messages depend on it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sqlitch.engines.names import check_supported, is_sqitch_engine
from sqlitch.errors import SqlitchError
from sqlitch.target import DbUri, Target, default_target, is_db_uri, resolve_target

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.config import Config, ConfigFile
    from sqlitch.plan import Plan

# Sqitch dies inside its object constructor for these, which makes Perl exit 255.
CONSTRUCTOR_EXIT = 255

# --dir names, in the order Sqitch writes them to the configuration.
_DIR_NAMES = (
    "deploy",
    "revert",
    "verify",
    "reworked",
    "reworked_deploy",
    "reworked_revert",
    "reworked_verify",
)
SCRIPT_KINDS = ("deploy", "revert", "verify")


@dataclass
class TargetProperties:
    """Command-line target settings (the role's ``properties``), in option order."""

    engine: str | None = None
    target: str | None = None
    uri: str | None = None
    plan_file: str | None = None
    registry: str | None = None
    client: str | None = None
    extension: str | None = None
    top_dir: str | None = None
    dirs: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)

    def overrides(self) -> dict[str, str]:
        """Settings that override a target's configured values (truthy only)."""
        out: dict[str, str] = {}
        for key in ("top_dir", "plan_file", "registry", "client"):
            value = getattr(self, key)
            if value:
                out[key] = value
        out.update({k: v for k, v in self.dirs.items() if v})
        if self.extension:
            out["extension"] = self.extension
        return out

    def config_pairs(self, prefix: str) -> list[tuple[str, str]]:
        """(key, value) pairs to store under ``prefix`` (e.g. ``engine.pg``)."""
        pairs: list[tuple[str, str]] = []
        for key in ("engine", "target", "uri", "plan_file", "registry", "client"):
            value = getattr(self, key)
            if value is not None:
                pairs.append((f"{prefix}.{key}", value))
        if self.extension is not None:
            pairs.append((f"{prefix}.extension", self.extension))
        if self.top_dir is not None:
            pairs.append((f"{prefix}.top_dir", self.top_dir))
        pairs.extend((f"{prefix}.{key}", value) for key, value in self.dirs.items())
        pairs.extend((f"{prefix}.variables.{k}", v) for k, v in self.variables.items())
        return pairs


def clean_path(value: str) -> str:
    """Path::Class ``cleanup``: collapse ``//`` and ``./``, drop a trailing slash."""
    return str(PurePosixPath(value)) if value else value


def build_properties(
    command: str,
    *,
    engine: str | None = None,
    target: str | None = None,
    uri: str | None = None,
    plan_file: str | None = None,
    registry: str | None = None,
    client: str | None = None,
    extension: str | None = None,
    top_dir: str | None = None,
    dirs: Sequence[tuple[str, str]] = (),
    variables: Sequence[tuple[str, str]] = (),
) -> TargetProperties:
    """Validate and normalise the role's options, with Sqitch's errors."""
    props = TargetProperties(
        engine=engine,
        target=target,
        uri=uri,
        plan_file=clean_path(plan_file) if plan_file else plan_file,
        registry=registry,
        client=client,
        extension=extension,
        top_dir=clean_path(top_dir) if top_dir else top_dir,
        variables=dict(variables),
    )
    unknown = sorted({name for name, _ in dirs if name not in _DIR_NAMES})
    if unknown:
        noun = "name" if len(unknown) == 1 else "names"
        raise SqlitchError(
            f"Unknown directory {noun}: {', '.join(unknown)}",
            ident=command,
            exitval=CONSTRUCTOR_EXIT,
        )
    given = dict(dirs)
    props.dirs = {f"{n}_dir": clean_path(given[n]) for n in _DIR_NAMES if n in given}
    _validate(command, props)
    return props


def _validate(command: str, props: TargetProperties) -> None:
    if props.engine:
        if not is_sqitch_engine(props.engine):
            raise SqlitchError(
                f'Unknown engine "{props.engine}"', ident=command, exitval=CONSTRUCTOR_EXIT
            )
        check_supported(props.engine)
    if props.uri:
        if not is_db_uri(props.uri):
            raise SqlitchError(
                f'URI "{props.uri}" is not a database URI', ident=command, exitval=CONSTRUCTOR_EXIT
            )
        db_uri = DbUri.parse(props.uri)
        engine = db_uri.canonical_engine
        if not engine:
            raise SqlitchError(
                f'No database engine in URI "{db_uri}"', ident=command, exitval=CONSTRUCTOR_EXIT
            )
        if not is_sqitch_engine(engine):
            raise SqlitchError(
                f'Unknown engine "{engine}" in URI "{db_uri}"',
                ident=command,
                exitval=CONSTRUCTOR_EXIT,
            )
        check_supported(engine)
        props.uri = str(db_uri)


class TargetConfigurator:
    """The shared behaviour of init, engine and target (TargetConfigCommand)."""

    def __init__(self, app: App, command: str, props: TargetProperties) -> None:
        self.app = app
        self.command = command
        self.props = props
        self.config: Config = app.config
        self.env: Mapping[str, str] = app.env

    # -- config files ------------------------------------------------------
    def local_file(self) -> ConfigFile:
        return self.config.editable("local")

    def local_display(self) -> str:
        return self.config.display_name("local")

    # -- targets -------------------------------------------------------------
    def default_target(self) -> Target:
        return default_target(self.config, self.env)

    def config_target(
        self,
        *,
        name: str | None = None,
        uri: DbUri | None = None,
        engine: str | None = None,
    ) -> Target:
        """The target the command's options describe (TargetConfigCommand::config_target)."""
        props = self.props
        wanted = name or props.target
        overrides = props.overrides()
        if wanted:
            if uri is None and ":" not in wanted and not self.config.get(f"target.{wanted}.uri"):
                engine_key = engine or props.engine or self.config.get("core.engine")
                if not engine_key:
                    raise SqlitchError(
                        "No engine specified; specify via target or core.engine",
                        ident=self.command,
                    )
                uri = DbUri.parse(f"db:{engine_key}:")
            return resolve_target(self.config, self.env, name=wanted, uri=uri, overrides=overrides)
        engine_key = engine or props.engine
        if engine_key:
            found = (
                self.config.get(f"engine.{engine_key}.target")
                or self.config.get("core.target")
                or f"db:{engine_key}:"
            )
            return resolve_target(self.config, self.env, name=str(found), overrides=overrides)
        default = self.default_target()
        return resolve_target(
            self.config, self.env, name=default.name, uri=default.uri, overrides=overrides
        )

    # -- directories -----------------------------------------------------------
    def directories_for(self, *targets: Target) -> list[PurePosixPath]:
        """Script directories to create, in Sqitch's order, without repeats.

        As in Sqitch, a --top-dir makes deploy/revert/verify live under it even
        when --dir names them (Sqitch looks up a property that never exists).
        """
        dirs = self.props.dirs
        top_dir = self.props.top_dir
        out: list[PurePosixPath] = []

        def add(path: PurePosixPath) -> None:
            if path not in out:
                out.append(path)

        for target in targets:
            for kind in SCRIPT_KINDS:
                if top_dir:
                    add(PurePosixPath(top_dir) / kind)
                else:
                    given = dirs.get(f"{kind}_dir")
                    add(PurePosixPath(given) if given else target.script_dir(kind))
            reworked = dirs.get("reworked_dir") or top_dir
            for kind in SCRIPT_KINDS:
                given = dirs.get(f"reworked_{kind}_dir")
                if given:
                    add(PurePosixPath(given))
                elif reworked:
                    add(PurePosixPath(reworked) / kind)
                else:
                    add(target.script_dir(kind, reworked=True))
        return out

    def make_directories_for(self, *targets: Target) -> None:
        self.mkdirs(*self.directories_for(*targets))

    def mkdirs(self, *dirs: PurePosixPath) -> None:
        from sqlitch.files import WriteError, make_dirs

        for directory in dirs:
            path = Path(directory)
            if os.path.isdir(path):  # False for a name too long, as Perl's -d
                continue
            try:
                make_dirs(path)
            except OSError as exc:
                failed = exc.filename or str(directory)
                raise WriteError(
                    f"Error creating {failed}: {exc.strerror}", ident=self.command
                ) from None
            self.app.info(f"Created {directory}/")

    # -- plan --------------------------------------------------------------------
    def write_plan(
        self,
        target: Target,
        project: str | None = None,
        uri: str | None = None,
    ) -> None:
        """Create the target's plan file, or check that it belongs to ``project``."""
        file = target.plan_file
        if not (project and uri):
            # A Plan with no changes is falsy: compare with None.
            found = _plan_project(self.default_target)
            if found is None:
                found = _plan_project(lambda: target)
            if found is not None:
                project = project or found.project
                uri = uri or found.uri
            elif not project:
                raise SqlitchError(f"Missing %project pragma in {file}", ident=self.command)
        if not project:
            raise SqlitchError(f"Missing %project pragma in {file}", ident=self.command)
        path = Path(file)
        if os.path.exists(path):
            if not os.path.isfile(path):
                raise SqlitchError(
                    f"Cannot initialize because {file} already exists and is not a file",
                    ident="init",
                )
            existing = _try_load_plan(path, str(file))
            if existing is None:
                raise SqlitchError(
                    f"Cannot initialize because {file} already exists and is not a valid plan file",
                    ident="init",
                )
            if existing.project != project:
                raise SqlitchError(
                    f'Cannot initialize because project "{existing.project}" '
                    f"already initialized in {file}",
                    ident="init",
                )
            return
        if not os.path.isdir(file.parent):
            self.mkdirs(file.parent)
        text = f"%syntax-version=1.0.0\n%project={project}\n"
        if uri:
            from sqlitch.plan.uri import canonical_uri

            text += f"%uri={canonical_uri(uri)}\n"
        # The plan module's writer: atomic, and a failure is "Cannot open <file>".
        from sqlitch.plan.writer import write_atomically

        write_atomically(path, text + "\n")
        self.app.info(f"Created {file}")


def _try_load_plan(path: Path, shown: str) -> Plan | None:
    from sqlitch.plan import load_plan

    try:
        return load_plan(path, file=shown)
    except SqlitchError:
        return None


def _plan_project(get_target: Callable[[], Target]) -> Plan | None:
    """A target's plan if it loads and names a project (Sqitch tries, then moves on).

    Finding the target itself may fail, and that failure is not caught.
    """
    target = get_target()
    path = Path(target.plan_file)
    if not os.path.isfile(path):
        return None
    return _try_load_plan(path, str(target.plan_file))


# ---------------------------------------------------------------------------
# init

# Sqitch 1.5's words, which added the brackets (#829).
_PROJECT_RULES = (
    'project names must not begin with punctuation, contain "@", ":", "#", "[", "]", '
    "or blanks, or end in punctuation or digits following punctuation"
)


def validate_project(project: str) -> None:
    from sqlitch.plan._perl import is_valid_new_name

    if not is_valid_new_name(project):
        raise SqlitchError(f'invalid project name "{project}": {_PROJECT_RULES}', ident="init")


def init_project(app: App, props: TargetProperties, project: str, uri: str | None) -> None:
    """`sqitch init`: write sqitch.conf (unless present), the plan and directories.

    All or nothing: if the plan or a directory cannot be written, the config
    file and directories created are removed again. Sqitch's own refusals
    after the config is written (a plan of another project) keep it, as in
    Sqitch.
    """
    from sqlitch.files import transaction

    validate_project(project)
    role = TargetConfigurator(app, "init", props)
    with transaction(keep_on_refusal=True):
        write_init_config(role)
        target = role.config_target()
        role.write_plan(target, project=project, uri=uri)
        role.make_directories_for(target)


def write_init_config(role: TargetConfigurator) -> None:
    """The commented sqitch.conf Sqitch writes, built in full before it is saved."""
    config_file = role.local_file()
    if os.path.isfile(config_file.path):
        return
    props = role.props
    target = role.config_target()
    engine = props.engine or target.engine_key

    core_vars: list[tuple[str, str]] = []
    comments: list[str] = []
    if engine:
        core_vars.append(("core.engine", engine))
    else:
        comments.append("\tengine = ")
    if props.plan_file:
        core_vars.append(("core.plan_file", props.plan_file))
    else:
        comments.append(f"\tplan_file = {target.plan_file}")
    if props.top_dir:
        core_vars.append(("core.top_dir", props.top_dir))
    else:
        comments.append(f"\ttop_dir = {target.top_dir}")
    if props.extension is not None:
        core_vars.append(("core.extension", props.extension))
    core_vars.extend((f"core.{key}", value) for key, value in props.dirs.items())
    core_vars.extend((f"core.variables.{k}", v) for k, v in props.variables.items())
    if not core_vars:
        comments.insert(0, "[core]")

    engine_vars: list[tuple[str, str]] = []
    engine_comments: list[str] = []
    if engine:
        for key in ("target", "registry", "client"):
            given = getattr(props, key)
            if given:
                engine_vars.append((f"engine.{engine}.{key}", given))
                continue
            default = {
                "target": lambda: target.name,
                "registry": lambda: target.registry,
                "client": lambda: target.client,
            }[key]()
            engine_comments.append(f"\t{key} = {default}")
        if not engine_vars:
            engine_comments.insert(0, f'[engine "{engine}"]')

    for key, value in core_vars:
        config_file.set(key, value)
    if comments:
        config_file.add_comment("\n".join(comments))
    for key, value in engine_vars:
        config_file.set(key, value)
    if engine_comments:
        config_file.add_comment("\n".join(engine_comments))
    if props.target and ":" not in props.target:
        config_file.set(f"target.{props.target}.uri", str(target.uri))
    _save(config_file)
    role.app.info(f"Created {role.local_display()}")


def _save(config_file: ConfigFile) -> None:
    """Save even an empty edit list as an (empty) file, as group_set does."""
    config_file.save()
