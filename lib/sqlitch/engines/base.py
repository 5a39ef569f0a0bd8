"""The engine-independent deploy lifecycle: deploy, revert, verify.

:class:`Engine` owns the workflow Sqitch's App::Sqitch::Engine defines:
lock the destination, compare the plan with the registry, check
dependencies and conflicts before any script runs, run each change's
script, verify it, record it, and on failure revert according to the
deploy mode so that the registry always matches the database.

A database engine subclasses it and supplies only hooks (the "hooks"
section below; ``tests/engine/test_engine_hooks.py`` pins the contract with
a fake engine):

- ``key``/``display_name`` class attributes and a :attr:`dialect`
  (:class:`~sqlitch.engines.dialect.Dialect`: SQL text, transaction
  brackets, session setup, value conversions, error classification);
- :meth:`connect_registry` -> DB-API connection; :meth:`registry_destination`
  (the "Adding registry tables to ..." name); :meth:`registry_initialized`;
- scripts: :attr:`target_database` / :attr:`registry_database` with
  :meth:`client_command` and :meth:`client_env` (the client, as Sqitch runs
  it), :meth:`driver_runner` and :meth:`run_registry_script` (in-process),
  :meth:`prepare_registry` (a schema or database to hold the registry),
  optionally :meth:`registry_client_command` and :meth:`edit_registry_sql`
  (registry scripts given other client options, or adapted to old servers);
- locking: :meth:`try_lock`, optionally :meth:`wait_lock` (the default polls
  ``try_lock`` with backoff), :meth:`release_lock`;
- dry runs and ``--sql`` files (:mod:`sqlitch.engines.preview`):
  :meth:`connect_registry_read_only`, and the ``script_*`` hooks
  (:meth:`script_registry_dialect`, :meth:`script_literal`,
  :meth:`script_preamble`, :meth:`script_registry_creation`,
  :meth:`script_change`, :meth:`script_registry_block`,
  :meth:`script_run_hint`).

The base class chooses the runner (:meth:`uses_client`), runs registry SQL
through the client or the driver (:meth:`run_registry_file`), and owns the
whole workflow.

Output goes through a :class:`Reporter` (the CLI's App satisfies it), so
the engine never imports the CLI. Use an engine as a context manager, or
call :meth:`close`, to release the lock and the connections.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from sqlitch.engines.dialect import Dialect
from sqlitch.engines.registry import (
    AmbiguousChange,
    DependencyRecord,
    DeployedChange,
    Registry,
)
from sqlitch.errors import SqlitchError, hurl

if TYPE_CHECKING:
    from sqlitch.engines.preview import DeployPreview, Simulation
    from sqlitch.engines.registry import State
    from sqlitch.engines.runners import ClientRunner, ScriptRunner
    from sqlitch.plan import Plan
    from sqlitch.plan.model import Change, Dependency
    from sqlitch.target import Target

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "REGISTRY_RELEASE",
    "ChangeObserver",
    "Engine",
    "EngineOptions",
    "Reporter",
]

REGISTRY_RELEASE = 1.1
DEFAULT_LOCK_TIMEOUT = 60
DEPLOY_MODES = ("all", "tag", "change")


class Reporter(Protocol):
    """What an engine needs from the application: output, prompts, identity."""

    @property
    def verbosity(self) -> int: ...
    @property
    def user_name(self) -> str: ...
    @property
    def user_email(self) -> str: ...
    def info(self, *parts: object) -> None: ...
    def info_literal(self, *parts: object) -> None: ...
    def emit(self, *parts: object) -> None: ...
    def emit_literal(self, *parts: object) -> None: ...
    def comment(self, *parts: object) -> None: ...
    def debug(self, *parts: object) -> None: ...
    def vent(self, *parts: object) -> None: ...
    def warn(self, *parts: object) -> None: ...
    def ask_yes_no(self, message: str, default: bool | None = None) -> bool: ...


class ChangeObserver:
    """Told about each change a deploy, revert or verify handles.

    No-ops here; JSON output, live progress and -vv timings subclass it
    (set :attr:`EngineOptions.observer`). ``action`` is "deploy", "revert"
    or "verify"; ``change`` is the plan ``Change`` or registry
    ``DeployedChange``. Observers must not write to stdout unless the
    command's own output is off (``--json`` replaces it).
    """

    def begin(self, action: str, changes: list[Any]) -> None:
        """The changes this run will handle, in order (before the first)."""

    def change_started(self, action: str, change: Any) -> None:
        """A change's work starts."""

    def change_finished(
        self, action: str, change: Any, *, ok: bool, seconds: float, error: str | None = None
    ) -> None:
        """A change's work ended (ok, or failed with ``error``)."""

    def script_ran(self, path: Path, seconds: float) -> None:
        """A change script finished running (deploy, revert or verify)."""

    def end(self, action: str, *, ok: bool) -> None:
        """The run ended (after any rollback of a failed deploy)."""


@dataclass
class EngineOptions:
    """Per-command settings (deploy/revert/verify options and config)."""

    log_only: bool = False
    with_verify: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    no_prompt: bool = False
    prompt_accept: bool = True
    variables: Mapping[str, str] = field(default_factory=dict)
    #: "client", "driver" or None (engine default: client when installed).
    runner: str | None = None
    #: One transaction for the whole deploy (--atomic, deploy.atomic).
    atomic: bool = False
    #: Told about each change handled (JSON output, progress, timings).
    observer: ChangeObserver = field(default_factory=ChangeObserver)
    #: Change nothing (--dry-run, --sql): the registry is read over a
    #: read-only connection and no lock is taken (sqlitch.engines.preview).
    dry_run: bool = False
    #: -vvv: told what the script runner sends, as ``(kind, text)``: "sql"
    #: (a driver runner's SQL) or "exec" (a client's command line).
    trace: Callable[[str, str], None] | None = None


def error_message(exc: BaseException) -> str:
    """What Sqitch prints for an exception: its message, or its text."""
    return exc.message if isinstance(exc, SqlitchError) else str(exc)


class Engine:
    """The deploy workflow; subclasses supply database hooks."""

    key: ClassVar[str] = ""
    display_name: ClassVar[str] = ""
    registry_release: ClassVar[float] = REGISTRY_RELEASE
    #: Whether the registry's DDL rolls back with its transaction.
    registry_ddl_transactional: ClassVar[bool] = True

    def __init__(
        self,
        target: Target,
        plan: Plan,
        reporter: Reporter,
        options: EngineOptions | None = None,
    ) -> None:
        self.target = target
        self.plan = plan
        self.out = reporter
        self.options = options or EngineOptions()
        self.dialect: Dialect = Dialect()
        self._registry: Registry | None = None
        self._runner: ScriptRunner | None = None
        self._locked = False
        self.max_name_length = 0
        self.start_at: str | None = None
        self._deps: dict[str, list[DependencyRecord]] = {}
        self._shared: bool | None = None  # False: the engine cannot share transactions
        self._new_registry = False  # this run created the registry
        self._marker: Path | None = None
        #: Dry runs and --sql: the registry is read over a connection that
        #: cannot write (:meth:`connect_registry_read_only`), and what a
        #: revert in the same run would have removed is pretended gone.
        self._read_only = self.options.dry_run
        self._simulated: Simulation | None = None

    # ======================================================================
    # hooks: what a database engine supplies
    def connect_registry(self) -> Any:
        """A DB-API connection to the registry (autocommit; engine-specific).

        Called on first use; the dialect's session statements run after it.
        Driver errors raised here become RegistryErrors (missing_table when
        the dialect says the registry does not exist)."""
        raise NotImplementedError

    def registry_destination(self) -> str:
        """The registry's name in messages (defaults to the target's)."""
        return self.destination

    def registry_initialized(self) -> bool:
        """Whether the registry tables exist."""
        return self.registry.initialized()

    @property
    def target_database(self) -> str:
        """What the client is pointed at to run change scripts (file or database name)."""
        raise NotImplementedError

    @property
    def registry_database(self) -> str | None:
        """What the client is pointed at to run registry scripts; None: use the driver."""
        return None

    def client_command(self, path: Path, database: str) -> list[str]:
        """The client's argument list that runs script ``path`` against ``database``."""
        raise NotImplementedError

    def client_env(self) -> dict[str, str]:
        """Extra environment for the client (how a password reaches it)."""
        return {}

    def driver_runner(self) -> ScriptRunner:
        """The in-process runner for change scripts."""
        raise NotImplementedError

    def registry_client_command(self, path: Path, database: str) -> list[str]:
        """The client's argument list for registry script ``path`` (default: as
        for a change script)."""
        return self.client_command(path, database)

    def edit_registry_sql(self, sql: str) -> str:
        """Registry SQL adapted to the server (an old release lacks a feature);
        by default as it is."""
        return sql

    def prepare_registry(self) -> None:
        """Make the place the registry tables go (a schema, a database), if needed."""
        return None

    def run_registry_script(self, path: Path) -> None:
        """Run a registry script (creation or upgrade) in-process over the driver."""
        raise NotImplementedError

    def try_lock(self) -> bool:
        """Take the destination lock without waiting; False if another holds it."""
        return True

    def wait_lock(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the lock: polls :meth:`try_lock`
        with exponential backoff unless the database can wait itself."""
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            if self.try_lock():
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(delay, left))
            delay = min(delay * 2, 1.0)

    def release_lock(self) -> None:
        return None

    def translate_error(self, exc: Exception) -> SqlitchError | None:
        """A driver error that escaped the registry, as Sqitch reports it (None: let it be)."""
        return None

    def shared_registry(self) -> tuple[Any, Dialect] | None:
        """The driver runner's connection, and a dialect that reaches the
        registry through it, so that a change's script and its registry rows
        commit in one transaction (None: the database cannot, e.g. MySQL's
        DDL commits by itself). Called only when the driver runner is used;
        the runner must then be a :class:`~sqlitch.engines.runners.TransactionRunner`."""
        return None

    def registry_identity(self) -> str:
        """What tells this registry from any other on this machine (default:
        its name in messages; a file-based registry gives its absolute path)."""
        return self.registry_destination()

    def atomic_refusal(self) -> str | None:
        """Why ``--atomic`` cannot work on this database (None: it can)."""
        return None

    def undo_new_storage(self, *, registry: bool) -> None:
        """After a failed atomic run: remove what this run created to hold
        the registry (``registry``: it created the registry) or the target,
        so the database is left as it was found."""
        return None

    def prepare_to_log(self, table: str, project: str) -> None:
        """Called before a changes/events row is written (MySQL without
        fractional seconds waits for the next second there)."""
        return None

    def connect_registry_read_only(self) -> Any:
        """A registry connection for dry runs and ``--sql`` files: it cannot
        write, and opening it creates nothing (no database file, schema or
        database). A registry that is not there reads as missing tables.
        Default: :meth:`connect_registry`."""
        return self.connect_registry()

    # -- SQL files (deploy --sql, revert --sql: sqlitch.engines.preview) ------
    def script_registry_dialect(self) -> Dialect:
        """The dialect a ``--sql`` file's registry statements are written in:
        the registry tables named as the client's session on the target
        reaches them, "now" from the database's clock, one statement at a time."""
        raise NotImplementedError

    def script_literal(self, sql: str, params: Sequence[object]) -> str:
        """A rendered registry statement with its values written in as SQL
        literals (default: standard SQL literals for ``?`` placeholders)."""
        from sqlitch.engines.preview import qmark_literals

        return qmark_literals(sql, params)

    def script_preamble(self) -> str:
        """What a ``--sql`` file starts with: client settings, the script
        variables, the registry made reachable."""
        return ""

    def script_registry_creation(self) -> str:
        """SQL, run by the client on the target, that creates the registry
        (what :meth:`create_registry` does)."""
        raise NotImplementedError

    def script_change(self, text: str) -> str:
        """A change script's text as a ``--sql`` file holds it: a last
        statement the client would send at the end of the file terminated,
        and followed by what makes the next script start as it would in a
        client run of its own."""
        return text if text.endswith("\n") or not text else text + "\n"

    def script_registry_block(self, statements: list[str]) -> str:
        """Registry statements (values written in) as a ``--sql`` file runs them."""
        return "".join(f"{statement};\n" for statement in statements)

    def script_run_hint(self, file: str) -> str:
        """The command line that runs the ``--sql`` file ``file`` on the target."""
        raise NotImplementedError

    # ======================================================================
    # templates built on the hooks
    def uses_client(self) -> bool:
        """Whether scripts run through the client (--runner, SQLITCH_RUNNER, the
        ``runner`` setting; by default the client when it is installed)."""
        from sqlitch.engines.runners import choose_runner

        requested = (
            self.options.runner
            or self.target.env.get("SQLITCH_RUNNER")
            or self.target.fetch("runner")
        )
        configured = self.target.configured_client is not None
        return (
            choose_runner(requested, self.target.client, client_configured=configured) == "client"
        )

    def client_runner(self, database: str) -> ClientRunner:
        """The client running scripts against ``database``, as Sqitch runs it."""
        from sqlitch.engines.runners import ClientRunner

        return ClientRunner(
            self.target.client,
            lambda path: self.client_command(path, database),
            env=self.client_env(),
        )

    def make_runner(self) -> ScriptRunner:
        if self.uses_client():
            return self.client_runner(self.target_database)
        return self.driver_runner()

    def run_registry_file(self, path: Path, release: float | None = None) -> None:
        """Run registry SQL as Sqitch does (through the client) or in-process,
        from a temporary copy when :meth:`edit_registry_sql` adapts it; then
        record ``release`` (if given) as the registry's version.

        Where the script is one transaction (it ends in ``COMMIT;``) and DDL
        is transactional, the release row is written inside it: a run killed
        between the two would leave tables without a version, which the
        next run would try to upgrade from scratch (Sqitch has that window)."""
        sql = path.read_text(encoding="utf-8")
        edited = self.edit_registry_sql(sql)
        folded = False
        if release is not None and self.registry_ddl_transactional:
            edited, folded = _before_last_commit(edited, self._release_row_sql(release))
        if edited == sql:
            self._run_registry_sql(path)
        else:
            import tempfile

            with tempfile.TemporaryDirectory(prefix="sqlitch-") as tmp:
                copy = Path(tmp) / path.name
                copy.write_text(edited, encoding="utf-8")
                self._run_registry_sql(copy)
        if release is not None and not folded:
            self.registry.register_release(release)

    def registry_file_dialect(self) -> Dialect:
        """The dialect of statements added to a registry script: its tables
        named as the script names them (default: unqualified)."""
        return self.dialect

    def _release_row_sql(self, version: float) -> str:
        """The release row :meth:`Registry.register_release` writes, as one
        statement with its values written in."""
        registry = self.registry
        sql = self.registry_file_dialect().sql(
            "INSERT INTO {releases} (version, installed_at, installer_name, installer_email)"
            " VALUES (?, {now}, ?, ?)"
        )
        params = (version, *registry.now(), registry.user_name, registry.user_email)
        return self.script_literal(sql, params) + ";\n"

    def _run_registry_sql(self, path: Path) -> None:
        database = self.registry_database
        if database is not None and self.uses_client():
            from sqlitch.engines.runners import ClientRunner

            ClientRunner(
                self.target.client,
                lambda script: self.registry_client_command(script, database),
                env=self.client_env(),
            ).run(path)
            return
        self.run_registry_script(path)

    def create_registry(self, release: float | None = None) -> None:
        """Create the registry tables (the package-data DDL), recording
        ``release`` as their version if given."""
        self.prepare_registry()
        self.run_registry_file(self.sql_file("registry.sql"), release)

    def run_upgrade(self, path: Path, release: float | None = None) -> None:
        """Run one registry upgrade script, then record ``release``."""
        self.run_registry_file(path, release)

    # ======================================================================
    # plumbing
    @property
    def destination(self) -> str:
        return self.target.name

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            connect = self.connect_registry_read_only if self._read_only else self.connect_registry
            self._registry = Registry(
                connect=connect,
                dialect=self.dialect,
                project=self.plan.project,
                user_name=self.out.user_name,
                user_email=self.out.user_email,
                ident=self.key,
                before_log=self.prepare_to_log,
            )
        return self._registry

    @property
    def runner(self) -> ScriptRunner:
        if self._runner is None:
            self._runner = self.make_runner()
            if self.options.trace is not None:
                self._runner.trace = self.options.trace
        return self._runner

    def close(self) -> None:
        """Release the lock, the runner and the registry connection."""
        self._shared = None
        if self._runner is not None:
            self._runner.close()
            self._runner = None
        if self._locked:
            self.release_lock()
            self._locked = False
        if self._registry is not None:
            self._registry.close()
            self._registry = None

    def close_connections(self) -> None:
        """Close the runner and the registry connection, keeping the lock
        (they reopen on next use)."""
        self._shared = None
        if self._runner is not None:
            self._runner.close()
            self._runner = None
        if self._registry is not None:
            self._registry.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def sql_file(cls, name: str) -> Path:
        """A package-data SQL file of this engine (``sql/<key>/<name>``)."""
        return Path(str(resources.files("sqlitch.engines").joinpath("sql", cls.key, name)))

    def upgrade_files(self) -> list[tuple[float, Path]]:
        """Registry upgrade scripts, ``upgrade-<version>.sql``, oldest first."""
        folder = self.sql_file("")
        found = []
        for path in folder.iterdir():
            match = re.fullmatch(r"upgrade-(\d+(?:\.\d*)?)\.sql", path.name)
            if match:
                found.append((float(match.group(1)), path))
        return sorted(found)

    # -- script paths ------------------------------------------------------
    def _plan_change(self, change: Change | DeployedChange) -> Change | None:
        if isinstance(change, DeployedChange):
            return self.plan.get(change.id)
        return change

    def script_file(self, change: Change | DeployedChange, kind: str) -> Path:
        """deploy/revert/verify script path, as Sqitch names it (relative)."""
        planned = self._plan_change(change)
        ext = self.target.extension
        if planned is None:
            parts = change.name.split("/")
            parts[-1] += "." + ext
            return Path(self.target.script_dir(kind)).joinpath(*parts)
        reworked = planned.is_reworked
        folder = Path(self.target.script_dir(kind, reworked=reworked))
        deploy_dir = Path(self.target.script_dir("deploy", reworked=reworked))
        return folder.joinpath(*planned.path_segments(ext, deploy_dir=deploy_dir))

    def _existing_script(self, change: Change | DeployedChange, kind: str) -> Path:
        """The deploy or revert script, which must exist even with --log-only.

        Sqitch 1.5.0 (#828) checks this as each change is deployed or
        reverted, so a missing script fails that change, not the ones before.
        """
        path = self.script_file(change, kind)
        if not os.path.exists(path):
            raise hurl(f"{kind.capitalize()} script {path} does not exist", ident=kind)
        return path

    def run_script(self, path: Path, *, quiet: bool = False, in_transaction: bool = False) -> None:
        """Run a change script through the runner (inside the shared
        transaction when asked), telling the observer how long it took."""
        started = time.monotonic()
        if in_transaction:
            runner: Any = self.runner  # a TransactionRunner: shared_transaction checked
            runner.run_in_transaction(path, quiet=quiet)
        else:
            self.runner.run(path, quiet=quiet)
        self.options.observer.script_ran(path, time.monotonic() - started)

    # -- transactions ----------------------------------------------------------
    def begin_work(self) -> None:
        self.registry.begin()

    def finish_work(self) -> None:
        self.registry.commit()

    def rollback_work(self) -> None:
        self.registry.rollback()

    @contextmanager
    def translated(self) -> Iterator[None]:
        """Turn driver errors into Sqitch-style SqlitchErrors."""
        try:
            yield
        except SqlitchError:
            raise
        except Exception as exc:
            converted = self.translate_error(exc)
            if converted is None:
                raise
            raise converted from exc

    # ======================================================================
    # locking
    def lock_destination(self) -> None:
        if self._locked:
            return
        if self.try_lock():
            self._locked = True
            return
        wait = self.options.lock_timeout
        secs = int(wait) if float(wait).is_integer() else wait
        self.out.info(
            f"Blocked by another instance of Sqitch working on {self.destination};"
            f" waiting {secs} seconds..."
        )
        if self.wait_lock(float(wait)):
            self._locked = True
            return
        raise hurl(
            f"Timed out waiting {secs} seconds for another instance of Sqitch to finish"
            f" work on {self.destination}",
            ident="engine",
        )

    # ======================================================================
    # registry version
    def check_registry(self) -> None:
        new, old = self.registry_release, self.registry.version()
        if new == old:
            return
        if old == 0 and not self.registry_initialized():
            raise hurl(
                f"No registry found in {self.registry_destination()}. Have you ever deployed?",
                ident="engine",
            )
        if new < old:
            raise hurl(
                f"Registry version is {self.stored_version(old)} but {_num(new)} is the"
                " latest known. Please upgrade Sqitch",
                ident="engine",
            )
        raise hurl(
            f"Registry is at version {self.stored_version(old)} but latest is {_num(new)}."
            ' Please run the "upgrade" command',
            ident="engine",
        )

    def stored_version(self, version: float) -> str:
        """The registry's release ``version`` (as :meth:`Registry.version`
        read it) printed as Sqitch prints it: the database's own text."""
        text = self.registry.version_text
        return text if text is not None and float(text) == version else _num(version)

    def registry_upgrades(self) -> tuple[float, list[tuple[float, Path]]]:
        """The registry's release and the upgrade scripts that bring it to
        the latest (none: it is current); read only."""
        old, new = self.registry.version(), self.registry_release
        if old == new:
            return old, []
        if new < old:
            raise hurl(
                f"Registry version is {self.stored_version(old)} but {_num(new)} is the"
                " latest known."
                " Please upgrade Sqitch."
            )
        scripts = [(v, p) for v, p in self.upgrade_files() if v > old]
        if not scripts or scripts[-1][0] != new:
            raise hurl(
                f"Cannot upgrade to {_num(new)}: Cannot find upgrade script"
                f' "{self.sql_file(f"upgrade-{_num(new)}.*")}"',
                ident="engine",
            )
        return old, scripts

    def upgrade_registry(self) -> None:
        old, scripts = self.registry_upgrades()
        if not scripts:
            return
        new = self.registry_release
        label = self.stored_version(old)
        self.out.info(f"Upgrading the Sqitch registry from {label} to {_num(new)}")
        for version, path in scripts:
            self.out.info(f"  * From {label} to {_num(version)}")
            self.run_upgrade(path, version)
            label = _num(version)

    def initialize(self) -> None:
        self.create_registry(self.registry_release)

    def register_project(self) -> None:
        if self.project_to_register():
            self.registry.insert_project(self.plan.project, self.plan.uri)

    def project_to_register(self) -> bool:
        """Whether the plan's project needs registering; refuses one that
        clashes with a registered project or URI (read only)."""
        reg, project, uri = self.registry, self.plan.project, self.plan.uri
        known, reg_uri = reg.project_uri(project)
        if known:
            if uri is not None and reg_uri is None:
                raise hurl(
                    f'Cannot register "{project}" with URI {uri}: already exists with NULL URI',
                    ident="engine",
                )
            if uri is None and reg_uri is not None:
                raise hurl(
                    f'Cannot register "{project}" without URI: already exists with URI {reg_uri}',
                    ident="engine",
                )
            if uri is not None and uri != reg_uri:
                raise hurl(
                    f'Cannot register "{project}" with URI {uri}: already exists with URI'
                    f" {reg_uri}",
                    ident="engine",
                )
            return False
        if uri is not None:
            other = reg.project_for_uri(uri)
            if other is not None:
                raise hurl(
                    f'Cannot register "{project}" with URI {uri}: project "{other}" already'
                    " using that URI",
                    ident="engine",
                )
        return True

    # ======================================================================
    # lookups
    def change_id_for(self, **params: Any) -> str | None:
        """Registry lookup that reports ambiguous names as Sqitch does."""
        try:
            return self.registry.change_id_for(**params)
        except AmbiguousChange as amb:
            lines = [f'Change "{amb.change}" is ambiguous. Please specify a tag-qualified change:']
            for cid in reversed(amb.ids):
                planned = self.plan.find(cid)
                if planned is not None:
                    lines.append(f"  * {planned.format_tag_qualified_name()}")
                else:
                    lines.append(f"  * {self.registry.name_for_change_id(cid) or ''}")
            raise hurl("Change Lookup Failed", ident="engine", vent_lines=lines) from None

    def _params_for_key(self, key: str) -> tuple[dict[str, Any], int]:
        from sqlitch.plan import split_offset

        name, offset = split_offset(key)
        cname, at, tag = name.partition("@")
        if at and tag:
            return {"change": cname, "tag": tag}, offset
        if re.fullmatch(r"[0-9a-f]{40}", cname):
            return {"change_id": cname}, offset
        if cname in ("HEAD", "ROOT"):
            return {"tag": cname}, offset
        return {"change": cname}, offset

    def change_id_for_key(self, key: str) -> str | None:
        params, offset = self._params_for_key(key)
        cid = self.change_id_for(**params)
        if cid is None:
            return None
        return self.registry.change_id_offset_from_id(cid, offset)

    def change_for_key(self, key: str) -> DeployedChange | None:
        params, offset = self._params_for_key(key)
        cid = self.change_id_for(**params)
        if cid is None:
            return None
        return self.registry.change_offset_from_id(cid, offset)

    def _dependency_plan_id(self, dep: Dependency) -> str | None:
        """The ID a dependency resolves to in the plan (Sqitch's Depend->id)."""
        if dep.id is not None:
            return dep.id
        if dep.project is not None and dep.project != self.plan.project:
            return None
        found = self.plan.find(dep.key_name)
        if found is None:
            raise hurl(
                f'Unable to find change "{dep.key_name}" in plan {self.plan.file}', ident="plan"
            )
        return found.id

    def change_id_for_depend(self, dep: Dependency) -> str | None:
        if dep.id is None and not dep.change and not dep.tag:
            raise hurl(f"Invalid dependency: {dep.as_string(self.plan.project)}", ident="engine")
        return self.change_id_for(
            change_id=self._dependency_plan_id(dep),
            change=dep.change,
            tag=dep.tag,
            project=dep.project or self.plan.project,
            first=True,
        )

    # ======================================================================
    # deploy
    def _sync_plan(self, preview: DeployPreview | None = None) -> int:
        """The plan index of the latest deployed change (-1: none). Brings
        the registry up to date with the plan (its release, placeholder
        script hashes, the latest change's new tags), or with ``preview``
        notes there what that would write."""
        state = self.registry.current_state() if preview is None else self._deployed_state()
        if state is None:
            return -1
        idx = self.plan.index_of(state.change_id)
        if idx is None:
            names = " ".join([state.change, *state.tags])
            raise hurl(
                f"Cannot find change {state.change_id} ({names}) in {self.plan.file}",
                ident="plan",
            )
        script_hash = state.script_hash
        if not state.has_script_hash:
            self._upgrade_registry(preview)
            script_hash = state.change_id
        if script_hash and script_hash == state.change_id:
            if preview is None:
                self.registry.update_script_hashes(
                    (c.id, self._script_hash(c)) for c in self.plan.changes
                )
            else:
                self.out.info("Would record the deploy scripts' hashes in the registry")
                preview.update_hashes = True
        change = self.plan.changes[idx]
        if change.tags:
            if preview is None:
                self.registry.log_new_tags(change)
            else:
                tags = [t for t in change.tags if not self.registry.is_deployed_tag(t.id)]
                if tags:
                    names = " ".join(t.format_name for t in tags)
                    self.out.info(f"Would record tags {names} of {change.format_name}")
                preview.tagged, preview.new_tags = change, tags
            self.start_at = change.format_name + change.tags[-1].format_name
        else:
            self.start_at = change.format_name
        return idx

    def _upgrade_registry(self, preview: DeployPreview | None) -> None:
        """Upgrade the registry, or note in ``preview`` that it would be."""
        if preview is None:
            self.upgrade_registry()
            return
        if preview.upgrades:
            return  # noted already (the sync found an old registry)
        old, scripts = self.registry_upgrades()
        if scripts:
            self.out.info(
                f"Would upgrade the Sqitch registry from {self.stored_version(old)} to"
                f" {_num(self.registry_release)}"
            )
            preview.upgrade_from, preview.upgrades = old, scripts

    def _deployed_state(self) -> State | None:
        """The latest deployed change as a dry run sees it: what a revert
        earlier in the same dry run (rebase, checkout) would leave."""
        simulated = self._simulated
        if simulated is None or not simulated.reverted:
            return self.registry.current_state()
        from sqlitch.engines.registry import State

        left = [c for c in self.registry.deployed_changes() if c.id not in simulated.reverted]
        if not left:
            return None
        last = left[-1]
        return State(
            change_id=last.id,
            script_hash=last.script_hash,
            change=last.name,
            project=last.project,
            note=last.note,
            committer_name="",
            committer_email="",
            committed_at=last.timestamp,
            planner_name=last.planner_name,
            planner_email=last.planner_email,
            planned_at=last.timestamp,
            tags=list(last.tags),
        )

    def _script_hash(self, change: Change) -> str | None:
        from sqlitch.plan import script_hash

        return script_hash(self.script_file(change, "deploy"))

    def deploy(self, to: str | None = None, mode: str = "all") -> None:
        with self.translated():
            self._deploy(to, mode)

    def _deploy(self, to: str | None, mode: str) -> None:
        self._refuse_atomic("deploy")
        self.lock_destination()
        pending = self._plan_deploy(to, mode)
        if pending is None:
            return
        observer = self.options.observer
        observer.begin("deploy", pending)
        ok = False
        try:
            if self.options.atomic:
                self._deploy_atomic(pending)
            elif mode == "change":
                for change in pending:
                    self.deploy_change(change)
            else:
                self._deploy_with_rollback(pending, by_tag=mode == "tag")
            ok = True
        finally:
            observer.end("deploy", ok=ok)

    def _plan_deploy(
        self, to: str | None, mode: str, preview: DeployPreview | None = None
    ) -> list[Change] | None:
        """The changes to deploy (None: nothing to deploy), worked out in
        Sqitch's order: sync with the registry, the --to checks, the
        registry's creation or upgrade and the project's registration, then
        the dependency and mode checks. Writes as it goes; with ``preview``
        (a dry run, --sql) it writes nothing and notes there what it would."""
        plan, out = self.plan, self.out
        position = self._sync_plan(preview)
        to_index = plan.count - 1
        if to_index < 0:
            raise hurl("Nothing to deploy (empty plan)", ident="plan")
        if to is not None:
            found = plan.index_of(to)
            if found is None:
                raise hurl(f'Unknown change: "{to}"', ident="plan")
            to_index = found
            if to_index == position:
                out.info(f'Nothing to deploy (already at "{to}")')
                return None
        if position == to_index:
            out.info("Nothing to deploy (up-to-date)")
            return None
        if self.options.atomic:
            changes = plan.changes[position + 1 : to_index + 1]
            if preview is None:
                self._atomic_preflight("deploy", changes)
            else:
                self._atomic_preview("deploy", changes)
        if position == -1:
            if self.registry_initialized():
                self._upgrade_registry(preview)
                register = preview is None or self.project_to_register()
            elif preview is None:
                out.info(f"Adding registry tables to {self.registry_destination()}")
                self.initialize()
                self._new_registry = True
                register = True
            else:
                out.info(f"Would add registry tables to {self.registry_destination()}")
                preview.create_registry = register = True
                self._simulation().no_registry = True
            if preview is None:
                self.register_project()
            else:
                preview.register_project = register
        else:
            if to_index < position:
                raise hurl(
                    'Cannot deploy to an earlier change; use "revert" instead', ident="deploy"
                )
            self._upgrade_registry(preview)
        verb = "Deploying" if preview is None else "Would deploy"
        if to is not None:
            target_change = plan.changes[to_index].format_name_with_tags()
            out.info(f"{verb} changes through {target_change} to {self.destination}")
        else:
            out.info(f"{verb} changes to {self.destination}")

        pending = plan.changes[position + 1 : to_index + 1]
        # Sqitch 1.4.0 (#702, #785, #787): -VV lists what is about to happen.
        out.debug("Will deploy the following changes:")
        for change in pending:
            out.debug(change.format_name_with_tags())
        self.check_deploy_dependencies(pending)
        if mode not in DEPLOY_MODES:
            raise hurl(f'Unknown deployment mode: "{mode}"', ident="deploy")
        self.max_name_length = max(len(c.format_name_with_tags()) for c in pending)
        return pending

    def _deploy_with_rollback(self, pending: list[Change], *, by_tag: bool) -> None:
        run: list[Change] = []
        last_tagged: Change | None = None
        try:
            for change in pending:
                self.deploy_change(change)
                run.append(change)
                if by_tag and change.tags:
                    run, last_tagged = [], change
        except Exception as exc:
            if not (isinstance(exc, SqlitchError) and exc.ident == "private"):
                self.out.vent(error_message(exc))
            self._rollback(last_tagged, run)

    def _rollback(self, tagged: Change | None, run: list[Change]) -> None:
        if run:
            name = tagged.format_name_with_tags() if tagged is not None else self.start_at
            self.out.vent(f"Reverting to {name}" if name else "Reverting all changes")
            try:
                for change in reversed(run):
                    self._revert_planned(change)
            except Exception as exc:
                self.out.vent(error_message(exc))
                self.out.vent("The schema will need to be manually repaired")
        raise hurl("Deploy failed", ident="deploy")

    def _revert_planned(self, change: Change) -> None:
        deployed = self.registry.load_change(change.id)
        if deployed is None:  # pragma: no cover - just deployed, so present
            raise hurl(f'Change not deployed: "{change.format_name}"', ident="revert")
        self.revert_change(deployed)

    def check_deploy_dependencies(self, changes: list[Change]) -> None:
        project = self.plan.project
        seen: dict[str, Change] = {}
        conflicts: list[str] = []
        required: list[str] = []
        for change in changes:
            for dep in change.conflicts:
                dep_id = self._dependency_plan_id(dep)
                if (dep_id is not None and dep_id in seen) or self._deployed_dependency(dep):
                    conflicts.append(dep.as_string(project))
            records: list[DependencyRecord] = []
            for dep in change.requires:
                dep_id = self._dependency_plan_id(dep)
                resolved = (
                    seen[dep_id].id
                    if dep_id is not None and dep_id in seen
                    else self._deployed_dependency(dep)
                )
                if not resolved:
                    required.append(dep.as_string(project))
                records.append(DependencyRecord("require", dep.as_string(project), resolved))
            records.extend(
                DependencyRecord("conflict", dep.as_string(project), None)
                for dep in change.conflicts
            )
            self._deps[change.id] = records
            seen[change.id] = change
        messages = []
        conflicts, required = _uniq(conflicts), _uniq(required)
        if conflicts:
            noun = "change" if len(conflicts) == 1 else "changes"
            messages.append(f"Conflicts with previously deployed {noun}: {' '.join(conflicts)}")
        if required:
            noun = "change" if len(required) == 1 else "changes"
            messages.append(f"Missing required {noun}: {' '.join(required)}")
        if messages:
            raise hurl("\n".join(messages), ident="deploy")
        ids = self._deployed_among([c.id for c in changes])
        if ids:
            listed = ", ".join(f"{seen[i].format_name_with_tags()} ({i})" for i in ids)
            if len(ids) == 1:
                raise hurl(f'Change "{listed}" has already been deployed', ident="deploy")
            raise hurl(f"Changes have already been deployed: {listed}", ident="deploy")

    # -- what a dry run pretends ------------------------------------------------
    def _simulation(self) -> Simulation:
        if self._simulated is None:
            from sqlitch.engines.preview import Simulation

            self._simulated = Simulation()
        return self._simulated

    def _deployed_dependency(self, dep: Dependency) -> str | None:
        """The deployed change ID ``dep`` resolves to (as :meth:`change_id_for_depend`),
        as a dry run sees the registry: not there yet, or with the changes
        an earlier revert of the same dry run removes gone."""
        simulated = self._simulated
        if simulated is not None and simulated.no_registry:
            if dep.id is None and not dep.change and not dep.tag:
                raise hurl(
                    f"Invalid dependency: {dep.as_string(self.plan.project)}", ident="engine"
                )
            self._dependency_plan_id(dep)
            return None
        found = self.change_id_for_depend(dep)
        if simulated is not None and found in simulated.reverted:
            return None
        return found

    def _deployed_among(self, ids: list[str]) -> list[str]:
        """Which of ``ids`` are deployed (as a dry run sees the registry)."""
        simulated = self._simulated
        if simulated is not None and simulated.no_registry:
            return []
        found = self.registry.are_deployed_changes(ids)
        if simulated is not None:
            found = [i for i in found if i not in simulated.reverted]
        return found

    def _atomic_preview(self, action: str, changes: list[Any]) -> None:
        """:meth:`_atomic_preflight` for a dry run: the same refusals, worked
        out without opening the runner's connection."""
        from sqlitch.engines.runners import shares_transactions

        if self.options.log_only:
            raise hurl(f"Cannot {action} atomically: --log-only runs no scripts", ident=action)
        runner: Any = None if self.uses_client() else self.driver_runner()
        try:
            if not shares_transactions(runner):
                raise hurl(
                    f"Cannot {action} atomically: it needs the driver runner (--runner driver)",
                    ident=action,
                )
            for change in changes:
                paths = [self.script_file(change, action)]
                if action == "deploy" and self.options.with_verify:
                    paths.append(self.script_file(change, "verify"))
                for path in paths:
                    why = runner.blocker(path) if path.exists() else None
                    if why is not None:
                        raise hurl(f"Cannot {action} atomically: {why}", ident=action)
        finally:
            if runner is not None:
                runner.close()

    def deploy_change(self, change: Change) -> None:
        name = change.format_name_with_tags()
        together = self.may_share(change, "deploy")
        self.out.info_literal(f"  + {name} ..", "." * (self.max_name_length - len(name)), " ")
        observer = self.options.observer
        observer.change_started("deploy", change)
        started, error = time.monotonic(), None
        try:
            shared = self._shared_registry() if together else None
            if shared is None:
                self._deploy_change_apart(change)
            else:
                self._deploy_change_together(change, shared)
        except Exception as exc:
            error = error_message(exc)
            raise
        finally:
            observer.change_finished(
                "deploy",
                change,
                ok=error is None,
                seconds=time.monotonic() - started,
                error=error,
            )

    def _deploy_change_apart(self, change: Change) -> None:
        """Sqitch's way: the script runs on its own, then its rows are recorded."""
        out = self.out
        self.begin_work()
        marker = self._mark_interrupted(change, "deploy")
        try:
            try:
                script = self._existing_script(change, "deploy")
                if not self.options.log_only:
                    self.run_script(script)
                try:
                    if self.options.with_verify:
                        self.verify_change(change)
                    self.registry.log_deploy_change(
                        change, self._script_hash(change), self._deps.get(change.id, [])
                    )
                    out.info("ok")
                except Exception as exc:
                    out.vent(error_message(exc))
                    self.rollback_work()
                    try:
                        self.begin_work()
                        if not self.options.log_only:
                            self.run_script(self.script_file(change, "revert"))
                    except Exception as exc2:
                        out.vent(error_message(exc2))
                    raise hurl("Deploy failed", ident="private") from exc
            except Exception:
                self.registry.log_fail_change(change)
                out.info("not ok")
                raise
        finally:
            self.finish_work()
            _forget(marker)

    def _deploy_change_together(self, change: Change, shared: tuple[Any, Dialect]) -> None:
        """The script, its verify and its rows in one transaction on one
        connection: a failure or a kill at any moment leaves the change
        either deployed and recorded or not there at all. A failed verify
        needs no revert script: the rollback undid the deploy."""
        out, registry = self.out, self.registry
        try:
            with registry.borrowed(*shared):
                registry.begin()
                try:
                    self._deploy_in_transaction(change)
                    registry.commit()
                except BaseException:
                    self._rollback_shared()
                    raise
        except Exception as exc:
            private = isinstance(exc, _VerifyOrLogFailed)
            if private:
                out.vent(error_message(exc.__cause__ or exc))
            self.begin_work()
            try:
                registry.log_fail_change(change)
            finally:
                self.finish_work()
            out.info("not ok")
            if private:
                raise hurl("Deploy failed", ident="private") from exc.__cause__
            raise
        out.info("ok")

    def _deploy_in_transaction(self, change: Change) -> None:
        """One change's work inside an open shared transaction (no output)."""
        script = self._existing_script(change, "deploy")
        if not self.options.log_only:
            self.run_script(script, in_transaction=True)
        try:
            if self.options.with_verify:
                self.verify_change(change, in_transaction=True)
            self.registry.log_deploy_change(
                change, self._script_hash(change), self._deps.get(change.id, [])
            )
        except Exception as exc:
            raise _VerifyOrLogFailed() from exc

    def _rollback_shared(self) -> None:
        """Roll back the shared transaction; a dead connection has already."""
        with contextlib.suppress(Exception):
            self.registry.rollback()

    # -- a script run apart from its record: leave a trace while it runs -----
    def interrupted_marker(self) -> Path:
        """Where a change whose script runs apart from its registry record is
        noted until the record is committed (a file per registry, in a
        private folder of the system's temporary directory, never in the
        project or the home directory): left behind, it names the change a
        killed run may have applied without recording it."""
        if self._marker is None:
            import hashlib
            import tempfile

            key = f"{self.key}\n{self.registry_identity()}\n{self.plan.project}"
            digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()
            owner = os.getuid() if hasattr(os, "getuid") else 0
            folder = Path(tempfile.gettempdir()) / f"sqlitch-{owner}" / "interrupted"
            self._marker = folder / digest
        return self._marker

    def _mark_interrupted(self, change: Change | DeployedChange, action: str) -> Path | None:
        if self.options.log_only:
            return None
        path = self.interrupted_marker()
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.write_text(f"{action}\n{change.id}\n{change.format_name_with_tags()}\n")
        except OSError:
            return None  # best effort: no cache directory, no trace
        return path

    def interrupted_change(self) -> tuple[str, str] | None:
        """(action, change name) of a change whose script a killed run may
        have applied (deploy) or undone (revert) without its record, when the
        registry still disagrees with the trace it left; else None."""
        path = self.interrupted_marker()
        try:
            action, change_id, name = path.read_text().splitlines()[:3]
        except (OSError, ValueError):
            return None
        from sqlitch.engines.registry import RegistryError

        try:
            deployed = self.registry.is_deployed_change(change_id)
        except RegistryError:
            return None
        if (action == "deploy" and not deployed) or (action == "revert" and deployed):
            return action, name
        _forget(path)  # the record was written after all
        return None

    # -- one transaction per change, or for the whole run ---------------------
    def may_share(self, change: Change | DeployedChange, action: str) -> bool:
        """Whether ``change`` may run in one transaction with its registry
        rows, worked out without connecting: not with the client runner or
        --log-only, nor when a script cannot run in a transaction (said at
        -vv, before the change's line)."""
        from sqlitch.engines.runners import shares_transactions

        if self._shared is False or self.options.log_only or self.uses_client():
            return False
        if type(self).shared_registry is Engine.shared_registry or not shares_transactions(
            self.runner
        ):
            self._shared = False  # this engine or runner never shares
            return False
        blocker = self._transaction_blocker(change, action)
        if blocker is not None:
            self.out.debug(f"{blocker}; running {change.name} outside a transaction")
            return False
        return True

    def shared_transaction(self, change: Change | DeployedChange, action: str) -> Any:
        """The (connection, dialect) for doing ``change`` in one transaction
        with its registry rows, or None to do it Sqitch's way."""
        if not self.may_share(change, action):
            return None
        return self._shared_registry()

    def _shared_registry(self) -> tuple[Any, Dialect] | None:
        """The runner's connection and registry dialect, asked afresh for
        each change (the runner may give the next change a new session)."""
        if self._shared is False or self.options.log_only or self.uses_client():
            return None
        shared = self.shared_registry()
        self._shared = None if shared is not None else False
        return shared

    def _transaction_blocker(self, change: Change | DeployedChange, action: str) -> str | None:
        """Why a change's script (or, with --verify, its verify script)
        cannot run inside a transaction: "<file> line <n>: <why>"."""
        from sqlitch.engines.runners import shares_transactions

        runner: Any = self.runner
        if not shares_transactions(runner):
            return "the runner cannot share the registry's transaction"
        paths = [self.script_file(change, action)]
        if action == "deploy" and self.options.with_verify:
            paths.append(self.script_file(change, "verify"))
        for path in paths:
            if path.exists():
                why: str | None = runner.blocker(path)
                if why is not None:
                    return why
        return None

    def _deploy_atomic(self, pending: list[Change]) -> None:
        """--atomic: every change, its verify and its rows in one transaction,
        committed once; any failure rolls all of it back and records nothing."""
        self._run_atomic("deploy", "+", pending, self._deploy_in_transaction)

    def _refuse_atomic(self, action: str) -> None:
        """--atomic on a database that cannot: one line, before any connection."""
        if self.options.atomic:
            refusal = self.atomic_refusal()
            if refusal is not None:
                raise hurl(refusal, ident=action)

    def _atomic_preflight(self, action: str, changes: list[Any]) -> None:
        """Refuse --atomic before anything runs or is written: it needs the
        driver runner, and every script must be able to run in a transaction."""
        from sqlitch.engines.runners import shares_transactions

        def refuse(why: str) -> None:
            raise hurl(f"Cannot {action} atomically: {why}", ident=action)

        if self.options.log_only:
            refuse("--log-only runs no scripts")
        # Checked without connecting (a refusal leaves no file behind).
        if self.uses_client() or not shares_transactions(self.runner):
            refuse("it needs the driver runner (--runner driver)")
        for change in changes:
            blocker = self._transaction_blocker(change, action)
            if blocker is not None:
                refuse(blocker)
        if self._shared_registry() is None:
            refuse(f"{self.display_name} cannot share a transaction with its registry")

    def _run_atomic(
        self,
        action: str,
        sign: str,
        changes: list[Any],
        work: Any,
    ) -> None:
        """Do ``work(change)`` for each change inside one shared transaction
        (:meth:`_atomic_preflight` has checked that it can)."""
        shared = self._shared_registry()
        assert shared is not None  # noqa: S101 - checked by the preflight
        out, registry, observer = self.out, self.registry, self.options.observer
        current: Any = None
        try:
            with registry.borrowed(*shared):
                registry.begin()
                try:
                    for change in changes:
                        current = change
                        name = change.format_name_with_tags()
                        out.info_literal(
                            f"  {sign} {name} ..", "." * (self.max_name_length - len(name)), " "
                        )
                        observer.change_started(action, change)
                        started = time.monotonic()
                        try:
                            work(change)
                        except Exception as exc:
                            observer.change_finished(
                                action,
                                change,
                                ok=False,
                                seconds=time.monotonic() - started,
                                error=error_message(_cause(exc)),
                            )
                            raise
                        out.info("ok")
                        observer.change_finished(
                            action, change, ok=True, seconds=time.monotonic() - started
                        )
                    registry.commit()
                except BaseException:
                    self._rollback_shared()
                    raise
        except Exception as exc:
            out.info("not ok")
            out.vent(error_message(_cause(exc)))
            self.undo_new_storage(registry=self._new_registry)
            name = current.format_name_with_tags() if current is not None else "?"
            noun = "deployed" if action == "deploy" else "reverted"
            out.vent(f"{name} failed; nothing was {noun}: the atomic {action} was rolled back")
            raise hurl(f"{action.capitalize()} failed", ident=action) from None

    # ======================================================================
    # revert
    def revert(self, to: str | None = None) -> None:
        with self.translated():
            self._revert(to)

    def _revert(self, to: str | None) -> None:
        self._refuse_atomic("revert")
        self.check_registry()
        self.lock_destination()
        changes = self._plan_revert(to)
        if changes is None:
            return
        if self.options.atomic:
            self._atomic_preflight("revert", changes)
        self.max_name_length = max(len(c.format_name_with_tags()) for c in changes)
        observer = self.options.observer
        observer.begin("revert", changes)
        ok = False
        try:
            if self.options.atomic:
                self._run_atomic("revert", "-", changes, self._revert_in_transaction)
            else:
                for change in changes:
                    self.revert_change(change)
            ok = True
        finally:
            observer.end("revert", ok=ok)

    def _plan_revert(self, to: str | None, *, dry: bool = False) -> list[DeployedChange] | None:
        """The changes to revert, newest first (None: nothing to revert),
        once confirmed and checked against the changes that require them.
        A ``dry`` run asks nothing and says what it would revert."""
        out, plan = self.out, self.plan
        if to is not None:
            change = self.change_for_key(to)
            if change is None:
                if plan.find(to) is not None:
                    raise hurl(f'Change not deployed: "{to}"', ident="revert")
                raise hurl(f'Unknown change: "{to}"', ident="revert")
            changes = self.registry.deployed_changes_since(change.id)
            if not changes:
                out.info(f'No changes deployed since: "{to}"')
                return None
            label = change.format_name_with_tags()
            if dry:
                out.info(f"Would revert changes to {label} from {self.destination}")
                self._list_reverts("Will", changes)
            elif self.options.no_prompt:
                out.info(f"Reverting changes to {label} from {self.destination}")
                self._list_reverts("Will", changes)
            else:
                self._list_reverts("Would", changes)
                if not out.ask_yes_no(
                    f"Revert changes to {label} from {self.destination}?",
                    self.options.prompt_accept,
                ):
                    raise hurl("Nothing reverted", ident="revert:confirm", exitval=1)
        else:
            changes = self.registry.deployed_changes()
            if not changes:
                out.info("Nothing to revert (nothing deployed)")
                return None
            if dry:
                out.info(f"Would revert all changes from {self.destination}")
                self._list_reverts("Will", changes)
            elif self.options.no_prompt:
                out.info(f"Reverting all changes from {self.destination}")
                self._list_reverts("Will", changes)
            else:
                self._list_reverts("Would", changes)
                if not out.ask_yes_no(
                    f"Revert all changes from {self.destination}?", self.options.prompt_accept
                ):
                    raise hurl("Nothing reverted", ident="revert", exitval=1)
        changes.reverse()
        self.check_revert_dependencies(changes)
        return changes

    def _list_reverts(self, verb: str, changes: list[DeployedChange]) -> None:
        """-VV lists the changes to revert, oldest first (Sqitch 1.4.0, #702).

        Sqitch 1.6 prints a second "@" before each tag here (``c @@v1``), a
        slip SQLitch does not copy: the names read as in every other list.
        """
        self.out.debug(f"{verb} revert the following changes:")
        for change in changes:
            self.out.debug(change.format_name_with_tags())

    def check_revert_dependencies(self, changes: list[DeployedChange]) -> None:
        project = self.plan.project
        seen: set[str] = set()
        messages = []
        required_by = self.registry.changes_requiring_changes([c.id for c in changes])
        for change in changes:
            seen.add(change.id)
            requiring = [r for r in required_by[change.id] if r.change_id not in seen]
            if not requiring:
                continue
            names = " ".join(
                ("" if r.project == project else f"{r.project}:") + r.change + (r.asof_tag or "")
                for r in requiring
            )
            noun = "change" if len(requiring) == 1 else "changes"
            messages.append(
                f'Change "{change.format_name_with_tags()}" required by currently deployed'
                f" {noun}: {names}"
            )
        if messages:
            raise hurl("\n".join(messages), ident="revert")

    def revert_change(self, change: DeployedChange) -> None:
        name = change.format_name_with_tags()
        together = self.may_share(change, "revert")
        self.out.info_literal(f"  - {name} ..", "." * (self.max_name_length - len(name)), " ")
        observer = self.options.observer
        observer.change_started("revert", change)
        started, error = time.monotonic(), None
        try:
            shared = self._shared_registry() if together else None
            if shared is None:
                self._revert_change_apart(change)
            else:
                self._revert_change_together(change, shared)
        except Exception as exc:
            error = error_message(_cause(exc))
            raise
        finally:
            observer.change_finished(
                "revert",
                change,
                ok=error is None,
                seconds=time.monotonic() - started,
                error=error,
            )

    def _revert_change_apart(self, change: DeployedChange) -> None:
        out = self.out
        self.begin_work()
        marker = self._mark_interrupted(change, "revert")
        try:
            try:
                script = self._existing_script(change, "revert")
                if not self.options.log_only:
                    self.run_script(script)
                try:
                    self.registry.log_revert_change(change)
                    out.info("ok")
                except Exception as exc:
                    out.vent(error_message(exc))
                    self.rollback_work()
                    self.begin_work()
                    raise hurl("Revert failed", ident="revert") from exc
            except Exception:
                out.info("not ok")
                raise
        finally:
            self.finish_work()
            _forget(marker)

    def _revert_change_together(self, change: DeployedChange, shared: tuple[Any, Dialect]) -> None:
        """The revert script and the registry's rows in one transaction."""
        registry = self.registry
        try:
            with registry.borrowed(*shared):
                registry.begin()
                try:
                    self._revert_in_transaction(change)
                    registry.commit()
                except BaseException:
                    self._rollback_shared()
                    raise
        except _VerifyOrLogFailed as exc:
            self.out.vent(error_message(_cause(exc)))
            self.out.info("not ok")
            raise hurl("Revert failed", ident="revert") from exc.__cause__
        except Exception:
            self.out.info("not ok")
            raise
        self.out.info("ok")

    def _revert_in_transaction(self, change: DeployedChange) -> None:
        script = self._existing_script(change, "revert")
        if not self.options.log_only:
            self.run_script(script, in_transaction=True)
        try:
            self.registry.log_revert_change(change)
        except Exception as exc:
            raise _VerifyOrLogFailed() from exc

    def planned_deployed_common_ancestor_id(self) -> str | None:
        """The last deployed change whose deploy script still matches the plan."""
        with self.translated():
            deployed = self.registry.deployed_changes()
            changes = self.plan.changes
            for i, change in enumerate(deployed):
                if i >= len(changes) or change.script_hash != self._script_hash(changes[i]):
                    return deployed[i - 1].id if i else None
            return deployed[-1].id if deployed else None

    # ======================================================================
    # dry runs and SQL files (sqlitch.engines.preview)
    def start_dry_run(self) -> None:
        """From now on, change nothing: the registry is read over a read-only
        connection (:meth:`connect_registry_read_only`) and no lock is taken."""
        if not self._read_only:
            if self._registry is not None:
                self._registry.close()
                self._registry = None
            self._read_only = True
        self._simulation()

    def dry_run_deploy(
        self, to: str | None = None, mode: str = "all", *, scripts: bool = True
    ) -> list[Change] | None:
        """Print the changes ``deploy`` would deploy, after the same checks."""
        from sqlitch.engines import preview

        self.start_dry_run()
        with self.translated():
            return preview.dry_run_deploy(self, to, mode, scripts=scripts)

    def dry_run_revert(self, to: str | None = None) -> list[DeployedChange] | None:
        """Print the changes ``revert`` would revert, after the same checks."""
        from sqlitch.engines import preview

        self.start_dry_run()
        with self.translated():
            return preview.dry_run_revert(self, to)

    def deploy_sql(self, to: str | None = None, mode: str = "all", *, file: str = "-") -> str:
        """The SQL script that deploys as ``deploy`` would, run by the client."""
        from sqlitch.engines import preview

        self.start_dry_run()
        with self.translated():
            return preview.deploy_sql(self, to, mode, file)

    def revert_sql(self, to: str | None = None, *, file: str = "-") -> str:
        """The SQL script that reverts as ``revert`` would, run by the client."""
        from sqlitch.engines import preview

        self.start_dry_run()
        with self.translated():
            return preview.revert_sql(self, to, file)

    # ======================================================================
    # verify
    def verify(self, from_: str | None = None, to: str | None = None) -> None:
        with self.translated():
            self._verify(from_, to)

    def _verify(self, from_: str | None, to: str | None) -> None:
        self.check_registry()
        out, plan = self.out, self.plan
        changes = self.registry.deployed_changes()
        out.info(f"Verifying {self.destination}")
        if not changes:
            out.info(
                "No changes deployed"
                if plan.count
                else "Nothing to verify (no planned or deployed changes)"
            )
            return
        if plan.count == 0:
            raise hurl("There are deployed changes, but none planned!", ident="verify")
        from_idx = 0 if from_ is None else self._trim_to("verify", from_, changes, pop=False)
        if to is not None:
            to_idx = self._trim_to("verify", to, changes, pop=True)
        else:
            latest = self.registry.latest_change_id()
            found = plan.index_of(latest) if latest else None
            to_idx = found if found is not None else plan.count - 1
        observer = self.options.observer
        observer.begin("verify", changes)
        errors = -1
        try:
            errors = self._verify_changes(from_idx, to_idx, to is None, changes)
        finally:
            observer.end("verify", ok=errors == 0)
        if errors:
            count = max(1 + to_idx - from_idx, len(changes))
            title = "Verify Summary Report"
            out.emit("\n", title)
            out.emit("-" * len(title))
            out.emit(f"Changes: {count}")
            out.emit(f"Errors:  {errors}")
            raise hurl("Verify failed", ident="verify")
        out.emit("Verify successful")

    def _trim_to(self, ident: str, key: str, changes: list[DeployedChange], *, pop: bool) -> int:
        cid = self.change_id_for_key(key)
        if not cid:
            if self.plan.contains(key):
                raise hurl(f'Change "{key}" has not been deployed', ident=ident)
            raise hurl(f'Cannot find "{key}" in the database or the plan', ident=ident)
        idx = self.plan.index_of(cid)
        if idx is None:
            raise hurl(f'Change "{key}" is deployed, but not planned', ident=ident)
        if pop:
            while changes and changes[-1].id != cid:
                changes.pop()
        else:
            while changes and changes[0].id != cid:
                changes.pop(0)
        return idx

    def _verify_changes(
        self, from_idx: int, to_idx: int, pending: bool, changes: list[DeployedChange]
    ) -> int:
        out, plan = self.out, self.plan
        planned_range = plan.changes[from_idx : to_idx + 1]
        names = [c.format_name_with_tags() for c in changes]
        names.extend(c.format_name_with_tags() for c in planned_range)
        width = max(len(n) for n in names)
        seen: set[int] = set()
        errcount = 0
        observer = self.options.observer
        for i, change in enumerate(changes):
            errs = 0
            name = change.format_name_with_tags()
            out.emit_literal(f"  * {name} ..", "." * (width - len(name)), " ")
            observer.change_started("verify", change)
            started, problems = time.monotonic(), []
            plan_index = plan.index_of(change.id)
            reworked = False
            if plan_index is not None:
                seen.add(plan_index)
                if plan_index != from_idx + i:
                    out.comment("Out of order")
                    problems.append("Out of order")
                    errs += 1
                planned = plan.change_at(plan_index)
                reworked = planned is not None and planned.is_reworked
            else:
                out.comment("Not present in the plan")
                problems.append("Not present in the plan")
                errs += 1
            if not reworked:
                try:
                    self.verify_change(change)
                except Exception as exc:
                    out.comment(error_message(exc))
                    problems.append(error_message(exc))
                    errs += 1
            out.emit("not ok" if errs else "ok")
            observer.change_finished(
                "verify",
                change,
                ok=not errs,
                seconds=time.monotonic() - started,
                error="; ".join(problems) or None,
            )
            errcount += errs
        for idx in range(from_idx, to_idx + 1):
            if idx in seen:
                continue
            name = plan.changes[idx].format_name_with_tags()
            out.emit_literal(f"  * {name} ..", "." * (width - len(name)), " ", "not ok", " ")
            out.comment("Not deployed")
            observer.change_finished(
                "verify", plan.changes[idx], ok=False, seconds=0.0, error="Not deployed"
            )
            errcount += 1
        if pending and to_idx < plan.count - 1:
            rest = plan.changes[to_idx + 1 :]
            out.emit("Undeployed change:" if len(rest) == 1 else "Undeployed changes:")
            for change_ in rest:
                out.emit("  * ", change_.format_name_with_tags())
        return errcount

    def verify_change(
        self, change: Change | DeployedChange, *, in_transaction: bool = False
    ) -> None:
        path = self.script_file(change, "verify")
        if path.exists():
            try:
                self.run_script(path, quiet=self.out.verbosity <= 1, in_transaction=in_transaction)
            except Exception as exc:
                if not self.uses_client():
                    # A client prints the script's error itself before this
                    # report replaces it; the driver's travels in ``exc``.
                    self.out.vent(error_message(exc))
                raise hurl(f'Verify script "{path}" failed.', ident="verify") from exc
            return
        self.out.vent(f"Verify script {path} does not exist")


class _VerifyOrLogFailed(Exception):
    """A change's script ran, then its verify or its registry rows failed
    (the cause): reported as Sqitch reports it, before "not ok"."""


def _forget(marker: Path | None) -> None:
    if marker is not None:
        with contextlib.suppress(OSError):
            marker.unlink()


def _cause(exc: BaseException) -> BaseException:
    """The error to report for ``exc`` (the cause of a wrapped failure)."""
    if isinstance(exc, _VerifyOrLogFailed) and exc.__cause__ is not None:
        return exc.__cause__
    return exc


def _uniq(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _num(value: float) -> str:
    """A registry version as Sqitch prints it: 0 for none, else "1.0", "1.1".

    Sqitch's versions are strings (the SQLite version query's text, the
    upgrade scripts' file names), so whole versions keep their ".0".
    """
    text = f"{value:g}"
    return text if value == 0 or "." in text or "e" in text else text + ".0"


def _before_last_commit(sql: str, statement: str) -> tuple[str, bool]:
    """``sql`` with ``statement`` put before its closing ``COMMIT;`` line;
    whether there was one."""
    commits = list(re.finditer(r"(?im)^[ \t]*COMMIT[ \t]*;[ \t]*$", sql))
    found = commits[-1] if commits else None
    if found is None or sql[found.end() :].strip():
        return sql, False
    return sql[: found.start()] + statement + sql[found.start() :], True
