"""Golden fixtures: scenarios run through Sqitch (recorded) and SQLitch (compared).

This module is the single implementation of everything both sides must do
identically: loading scenario TOML files, laying out the temporary directory,
building the standard environment, snapshotting files and normalising paths.
``scripts/golden/regenerate`` runs the steps with real Sqitch in a subprocess;
the test suite and ``bin/sqlitch-parity`` run them in-process through
``sqlitch.cli.main.run``. See ``scripts/golden/README.md`` for the formats.

Scenarios with ``server = "mysql"`` also get fresh databases on a MySQL server
(``mysql_sandbox``), placeholders for their names and URIs, dumps of them in
every snapshot (``tests/support/mysql_dump.py``) and the server's real-clock
dates masked in outputs; SQLitch runs them once per script runner it lists
(``SQLITCH_RUNNER``). Scenarios with ``server = "pg"`` get the same from a
PostgreSQL server: a scratch database (``pg_sandbox``), ``{PG_*}``
placeholders and dumps by ``tests/support/pg_dump.py``.

Nothing here imports SQLitch (nor PyMySQL, nor psycopg) at module import
time, so the regenerate script works without the package installed.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import io
import json
import os
import secrets
import shlex
import subprocess
import sys
import time
import tomllib
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from sqlitch.engines.pg_script import quote_identifier
from tests.support import mysql_dump, pg_dump
from tests.support.sqlite_dump import FIXED_NOW, dump_database
from tests.support.sqlite_dump import MARKER as SQLITE_DUMP_MARKER

REPO_ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR = REPO_ROOT / "scripts" / "golden" / "scenarios"
GOLDEN_DIR = REPO_ROOT / "tests" / "support" / "golden"

SQITCH_VERSION = "1.3.1"
# The current release, for scenarios where it fixed what 1.3.1 does
# (``sqitch = "latest"``; recorded with ../shared/tools/sqitch-latest).
SQITCH_LATEST_VERSION = "1.6.1"
SQITCH_RELEASES = {"1.3.1": SQITCH_VERSION, "latest": SQITCH_LATEST_VERSION}
# Without "@" faketime freezes the clock: Sqitch can take over a second to
# start on a loaded machine, and a running clock would then record 00:00:01.
FAKETIME_SPEC = "2026-01-01 00:00:00"
# A scenario with clock = "running" starts the clock there and lets it run:
# reverts after deploys in one Sqitch process need distinct timestamps.
FAKETIME_SPECS = {"frozen": FAKETIME_SPEC, "running": "@" + FAKETIME_SPEC}

# ASCII on purpose: Sqitch 1.3.1 double-encodes non-ASCII SQITCH_FULLNAME
# (a bug SQLitch does not copy; see docs/PARITY.md). UTF-8 planner names are
# covered by scenarios that set user.name in a config file instead.
FULLNAME = "Marge N. O'Vera"
EMAIL = "marge@example.com"

DEFAULT_COMPARE = ("exit", "stdout", "stderr", "files")
# "<stream>-first-line" keeps only the first line; "<stream>-head" keeps the
# text before a usage text plus its synopsis (see _head).
_PARTIAL = ("first-line", "head")
_COMPARE_KEYS = frozenset(
    {*DEFAULT_COMPARE, *(f"{s}-{p}" for s in ("stdout", "stderr") for p in _PARTIAL)}
)
_SCENARIO_KEYS = frozenset(
    {"description", "files", "env", "step", "clock", "needs", "server", "runners", "sqitch"}
)
_STEP_KEYS = frozenset({"args", "stdin", "env", "files", "compare", "shell"})

# Placeholders, most specific first: normalisation replaces the sub-directories
# before the temporary root that contains them.
PROJECT, HOME, ETC, TMP = "{PROJECT}", "{HOME}", "{ETC}", "{TMP}"

# Database servers a scenario can ask for (``server = "mysql"`` or ``"pg"``),
# and the ways SQLitch can run a script on them (``runners``; SQLitch only,
# through RUNNER_VAR; Sqitch always uses the client).
SERVERS = ("mysql", "pg")
SCRIPT_RUNNERS = ("client", "driver")
DEFAULT_RUNNERS = ("client",)
RUNNER_VAR = "SQLITCH_RUNNER"
MYSQL_VAR = "SQLITCH_TEST_MYSQL_URI"  # as tests/support/servers.py
MYSQL_DEFAULT_URI = "db:mysql://root@127.0.0.1:3306/test"  # for recording
# Placeholders of a MySQL scenario: the target URI (server URI + target
# database), the server URI (no database), the target, registry and absent
# (never created) database names, and the mysql client command line for
# ``shell`` steps (expanded only).
MYSQL_URI, MYSQL_SERVER, MYSQL_DB = "{MYSQL_URI}", "{MYSQL_SERVER}", "{MYSQL_DB}"
MYSQL_REGISTRY, MYSQL_ABSENT, MYSQL_CLIENT = "{MYSQL_REGISTRY}", "{MYSQL_ABSENT}", "{MYSQL}"
# Database names: one fixed length (output columns stay aligned), a role
# letter (t, r, a) then random hex, so no name contains another.
MYSQL_NAME_PREFIX = "sqlitch_golden_"
MYSQL_DEFAULT_REGISTRY = "sqitch"  # what a scenario that forgets its registry would use
MYSQL_DUMP_PREFIX = "mysql:"  # snapshot keys: "mysql:{MYSQL_DB}"

PG_VAR = "SQLITCH_TEST_PG_URI"  # as tests/support/servers.py
PG_DEFAULT_URI = "db:pg://postgres@127.0.0.1:5432/postgres"  # for recording
# Placeholders of a PostgreSQL scenario: the target URI (server URI + scratch
# database), the server URI (no database), the scratch database, a registry
# schema name (never created by the harness), a database name that does not
# exist, and the psql command line for ``shell`` steps (expanded only; it
# connects to the scratch database).
PG_URI, PG_SERVER, PG_DB = "{PG_URI}", "{PG_SERVER}", "{PG_DB}"
PG_REGISTRY, PG_ABSENT, PG_CLIENT = "{PG_REGISTRY}", "{PG_ABSENT}", "{PSQL}"
# libpq names the server in its messages ('connection to server at "127.0.0.1",
# port 5432 failed: ...'): normalised to these (not expanded in scenarios).
PG_HOST, PG_PORT = "{PG_HOST}", "{PG_PORT}"
# Names as for MySQL: one fixed length, a role letter (t, r, a), random hex.
PG_NAME_PREFIX = "sqlitch_golden_"
PG_DEFAULT_REGISTRY = "sqitch"  # the registry schema a scenario gets by default
PG_DUMP_PREFIX = "pg:"  # snapshot keys: "pg:{PG_DB}"

# The environment variable naming each server, and the URI regenerate and
# bin/sqlitch-parity use when it is unset.
SERVER_VARS = {"mysql": MYSQL_VAR, "pg": PG_VAR}
SERVER_DEFAULT_URIS = {"mysql": MYSQL_DEFAULT_URI, "pg": PG_DEFAULT_URI}
SERVER_NAMES = {"mysql": "MySQL/MariaDB", "pg": "PostgreSQL"}
# The client program Sqitch (and SQLitch's client runner) runs scripts with.
SERVER_CLIENTS = {"mysql": "mysql", "pg": "psql"}

DIR_MARKER = "<dir>"
CRASH_MARKER = "<uncaught exception in SQLitch>"
SQLITE_MARKER = SQLITE_DUMP_MARKER
_SQLITE_MAGIC = b"SQLite format 3\x00"

GoldenStep = dict[str, Any]


class ScenarioError(Exception):
    """A scenario file is malformed."""


# --------------------------------------------------------------------------
# Scenarios


@dataclass(frozen=True)
class Step:
    """One invocation of the tool within a scenario."""

    args: tuple[str, ...]
    stdin: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    compare: tuple[str, ...] = DEFAULT_COMPARE
    # Set-up run with /bin/sh in the project directory before the tool (its
    # output is not compared), e.g. to create a Git repository.
    shell: str = ""


@dataclass(frozen=True)
class Scenario:
    """A parsed ``scripts/golden/scenarios/<command>/<name>.toml``."""

    id: str
    path: Path
    description: str
    sha1: str
    files: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    clock: str = "frozen"
    # Programs that must be on PATH for SQLitch to reproduce the recording
    # (e.g. "sqlite3": a failing script's text comes from the client).
    needs: tuple[str, ...] = ()
    # A database server the scenario runs against ("mysql", "pg"), or None.
    server: str | None = None
    #: The Sqitch release the scenario is recorded with (SQITCH_RELEASES values).
    sqitch: str = SQITCH_VERSION
    # SQLitch's script runners to test a server scenario with (RUNNER_VAR).
    runners: tuple[str, ...] = ()

    def programs(self, runner: str | None = None) -> list[str]:
        """``needs``, plus the server's client (mysql, psql) when SQLitch runs scripts with it."""
        extra = [SERVER_CLIENTS[self.server]] if self.server and runner == "client" else []
        return list(dict.fromkeys([*self.needs, *extra]))

    def missing_programs(self, runner: str | None = None) -> list[str]:
        """The programs SQLitch needs (see :meth:`programs`) that are not on PATH."""
        import shutil

        return [p for p in self.programs(runner) if shutil.which(p) is None]

    @property
    def command(self) -> str:
        return self.id.split("/", 1)[0]


def _str_table(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ScenarioError(f"{where} must be a table of strings")
    return dict(value)


def _unknown(keys: Iterable[str], allowed: frozenset[str], where: str) -> None:
    extra = sorted(set(keys) - allowed)
    if extra:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(extra)}")


def _parse_step(raw: object, where: str) -> Step:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where} must be a table")
    _unknown(raw, _STEP_KEYS, where)
    args = raw.get("args")
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise ScenarioError(f"{where}.args must be a list of strings")
    stdin = raw.get("stdin", "")
    if not isinstance(stdin, str):
        raise ScenarioError(f"{where}.stdin must be a string")
    compare = raw.get("compare", list(DEFAULT_COMPARE))
    if not isinstance(compare, list) or not all(isinstance(c, str) for c in compare):
        raise ScenarioError(f"{where}.compare must be a list of strings")
    bad = sorted(set(compare) - _COMPARE_KEYS)
    if bad:
        raise ScenarioError(f"{where}.compare: unknown value(s) {', '.join(bad)}")
    for stream in ("stdout", "stderr"):
        forms = [c for c in (stream, *(f"{stream}-{p}" for p in _PARTIAL)) if c in compare]
        if len(forms) > 1:
            raise ScenarioError(f"{where}.compare has both {forms[0]} and {forms[1]}")
    shell = raw.get("shell", "")
    if not isinstance(shell, str):
        raise ScenarioError(f"{where}.shell must be a string")
    return Step(
        args=tuple(args),
        stdin=stdin,
        env=_str_table(raw.get("env", {}), f"{where}.env"),
        files=_str_table(raw.get("files", {}), f"{where}.files"),
        compare=tuple(dict.fromkeys(compare)),
        shell=shell,
    )


def scenario_id(path: Path, root: Path = SCENARIO_DIR) -> str:
    """``<command>/<name>`` for a scenario file under ``root``."""
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        raise ScenarioError(f"{path}: not under {root}") from None
    if path.suffix != ".toml" or len(rel.parts) < 2:
        raise ScenarioError(f"{path}: expected <command>/<name>.toml under {root}")
    return rel.with_suffix("").as_posix()


def load_scenario(path: Path, root: Path = SCENARIO_DIR) -> Scenario:
    """Parse and validate one scenario file."""
    sid = scenario_id(path, root)
    data = path.read_bytes()
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"{sid}: {exc}") from None
    _unknown(raw, _SCENARIO_KEYS, sid)
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(f"{sid}: description must be a string")
    steps = raw.get("step")
    if not isinstance(steps, list) or not steps:
        raise ScenarioError(f"{sid}: needs at least one [[step]]")
    server = raw.get("server")
    if server is not None and server not in SERVERS:
        raise ScenarioError(f"{sid}: server must be one of {', '.join(SERVERS)}")
    runners = _runners(raw, server, sid)
    text = data.decode("utf-8")
    if server == "mysql" and MYSQL_REGISTRY not in text and MYSQL_ABSENT not in text:
        # Never the server's default registry database (sqitch): see MysqlSandbox.check.
        raise ScenarioError(
            f"{sid}: a MySQL scenario must set its registry to {MYSQL_REGISTRY}"
            f' (or {MYSQL_ABSENT}), e.g. in [engine "mysql"] registry = {MYSQL_REGISTRY}'
        )
    if server == "pg" and not any(p in text for p in (PG_URI, PG_DB, PG_ABSENT)):
        # Never a database outside the sandbox: see PgSandbox.check.
        raise ScenarioError(
            f"{sid}: a PostgreSQL scenario must name its database ({PG_URI}, {PG_DB}"
            f' or {PG_ABSENT}), e.g. in [engine "pg"] target = {PG_URI}'
        )
    return Scenario(
        id=sid,
        path=path,
        description=description,
        sha1=hashlib.sha1(data).hexdigest(),  # noqa: S324 - change detection only
        files=_str_table(raw.get("files", {}), f"{sid}: files"),
        env=_str_table(raw.get("env", {}), f"{sid}: env"),
        steps=tuple(_parse_step(s, f"{sid}: step[{i}]") for i, s in enumerate(steps)),
        clock=_clock(raw.get("clock", "frozen"), sid),
        needs=tuple(_str_list(raw.get("needs", []), f"{sid}: needs")),
        server=server,
        runners=runners,
        sqitch=_release(raw.get("sqitch", "1.3.1"), sid),
    )


def _release(value: object, sid: str) -> str:
    if value not in SQITCH_RELEASES:
        raise ScenarioError(f"{sid}: sqitch must be one of {', '.join(SQITCH_RELEASES)}")
    return SQITCH_RELEASES[str(value)]


def _runners(raw: Mapping[str, object], server: object, sid: str) -> tuple[str, ...]:
    if "runners" not in raw:
        return DEFAULT_RUNNERS if server is not None else ()
    if server is None:
        raise ScenarioError(f"{sid}: runners needs a server")
    runners = _str_list(raw["runners"], f"{sid}: runners")
    bad = sorted(set(runners) - set(SCRIPT_RUNNERS))
    if bad or not runners:
        raise ScenarioError(f"{sid}: runners must be some of {', '.join(SCRIPT_RUNNERS)}")
    return tuple(dict.fromkeys(runners))


def _str_list(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{where} must be a list of strings")
    return list(value)


def _clock(value: object, sid: str) -> str:
    if value not in FAKETIME_SPECS:
        raise ScenarioError(f"{sid}: clock must be one of {', '.join(FAKETIME_SPECS)}")
    return str(value)


def scenario_paths(root: Path = SCENARIO_DIR, only: str | None = None) -> list[Path]:
    """Every scenario file under ``root`` (sorted), optionally filtered by id glob."""
    paths = sorted(root.glob("*/**/*.toml"))
    if only is not None:
        paths = [p for p in paths if fnmatch.fnmatchcase(scenario_id(p, root), only)]
    return paths


def scenario_path(sid: str, root: Path = SCENARIO_DIR) -> Path:
    return root / f"{sid}.toml"


def golden_path(sid: str, golden_dir: Path = GOLDEN_DIR) -> Path:
    return golden_dir / f"{sid}.json"


def golden_paths(golden_dir: Path = GOLDEN_DIR, only: str | None = None) -> list[Path]:
    """Every stored golden file (sorted), optionally filtered by id glob."""
    paths = sorted(golden_dir.glob("*/**/*.json"))
    if only is not None:
        paths = [p for p in paths if fnmatch.fnmatchcase(golden_id(p, golden_dir), only)]
    return paths


def golden_id(path: Path, golden_dir: Path = GOLDEN_DIR) -> str:
    return path.relative_to(golden_dir).with_suffix("").as_posix()


# --------------------------------------------------------------------------
# Temporary layout, environment, snapshots


@dataclass(frozen=True)
class Layout:
    """The temporary directory ``T`` of one scenario run.

    ``substitutions`` are further (real text, placeholder) pairs, most
    specific first, replaced both ways before the paths (a server's URIs and
    database names); ``expansions`` are placeholders only expanded (a client
    command line for ``shell`` steps).
    """

    root: Path
    substitutions: tuple[tuple[str, str], ...] = ()
    expansions: tuple[tuple[str, str], ...] = ()

    @classmethod
    def create(
        cls,
        tmp: Path,
        substitutions: Sequence[tuple[str, str]] = (),
        expansions: Sequence[tuple[str, str]] = (),
    ) -> Layout:
        """Make ``tmp/project``, ``tmp/home`` and ``tmp/etc`` (``tmp`` may exist)."""
        layout = cls(Path(os.path.realpath(tmp)), tuple(substitutions), tuple(expansions))
        for d in (layout.project, layout.home, layout.etc):
            d.mkdir(parents=True, exist_ok=True)
        return layout

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def etc(self) -> Path:
        return self.root / "etc"

    def _placeholders(self) -> list[tuple[str, str]]:
        return [
            *self.substitutions,
            (str(self.project), PROJECT),
            (str(self.home), HOME),
            (str(self.etc), ETC),
            (str(self.root), TMP),
        ]

    def normalise(self, text: str) -> str:
        """Replace the temporary paths by their placeholders."""
        for real, placeholder in self._placeholders():
            text = text.replace(real, placeholder)
        return text

    def expand(self, text: str) -> str:
        """Replace placeholders written in a scenario by the real paths."""
        for real, placeholder in [*self.expansions, *self._placeholders()]:
            text = text.replace(placeholder, real)
        return text

    def path_for(self, key: str) -> Path:
        """Where a ``files`` key lives: ``~/x``, ``{ETC}/x``, ``{TMP}/x`` or project-relative."""
        prefixes = (
            ("~/", self.home),
            (HOME + "/", self.home),
            (ETC + "/", self.etc),
            (PROJECT + "/", self.project),
            (TMP + "/", self.root),
        )
        for prefix, base in prefixes:
            if key.startswith(prefix):
                return base / key[len(prefix) :]
        return self.project / key

    def key_for(self, path: Path) -> str:
        """Inverse of :meth:`path_for`: the snapshot key of a real path."""
        for prefix, base in (("", self.project), ("~/", self.home), (ETC + "/", self.etc)):
            if path.is_relative_to(base):
                return prefix + path.relative_to(base).as_posix()
        return TMP + "/" + path.relative_to(self.root).as_posix()

    def write_files(self, files: Mapping[str, str]) -> None:
        for key, content in files.items():
            target = self.path_for(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.expand(content).encode("utf-8"))

    def snapshot(self) -> dict[str, str]:
        """Every file (and empty directory) under ``T``, keyed as in :meth:`key_for`."""
        found: dict[str, str] = {}
        # T and its three standard directories always exist; never report them.
        fixed = {self.root, self.project, self.home, self.etc}
        for dirpath, dirnames, filenames in os.walk(self.root):
            here = Path(dirpath)
            dirnames[:] = [d for d in dirnames if d != ".git"]  # VCS internals vary
            if not dirnames and not filenames and here not in fixed:
                found[self.key_for(here) + "/"] = DIR_MARKER
            links = [d for d in dirnames if (here / d).is_symlink()]  # not descended into
            for name in [*filenames, *links]:
                path = here / name
                found[self.key_for(path)] = self._describe(path)
        return dict(sorted(found.items()))

    def _describe(self, path: Path) -> str:
        if path.is_symlink():
            return f"<symlink to {self.normalise(os.readlink(path))}>"
        data = path.read_bytes()
        if data.startswith(_SQLITE_MAGIC):
            # File bytes differ between implementations: store a normalised
            # dump of schema and rows instead (see sqlite_dump).
            return self.normalise(dump_database(path))
        try:
            return self.normalise(data.decode("utf-8"))
        except UnicodeDecodeError:
            return f"<binary sha1={hashlib.sha1(data).hexdigest()}>"  # noqa: S324


def merge_env(base: dict[str, str], overlay: Mapping[str, str], layout: Layout) -> None:
    """Apply a scenario/step ``env`` table: ``""`` removes a variable."""
    for name, value in overlay.items():
        if value == "":
            base.pop(name, None)
        else:
            base[name] = layout.expand(value)


def standard_env(
    layout: Layout, *overlays: Mapping[str, str], path: str | None = None
) -> dict[str, str]:
    """The complete environment of a step, built from scratch (nothing inherited but PATH)."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath) if path is None else path,
        "HOME": str(layout.home),
        "TZ": "UTC",
        "LC_ALL": "C.UTF-8",
        "LANG": "C.UTF-8",
        "SQITCH_SYSTEM_CONFIG": str(layout.etc / "sqitch.conf"),
        "SQITCH_FULLNAME": FULLNAME,
        "SQITCH_EMAIL": EMAIL,
    }
    for overlay in overlays:
        merge_env(env, overlay, layout)
    return env


# --------------------------------------------------------------------------
# MySQL (scenarios with server = "mysql")


@dataclass(frozen=True)
class ServerUri:
    """A test server's ``db:<engine>://user:pass@host:port/db`` URI, taken apart."""

    uri: str
    scheme: ClassVar[str] = ""
    default_port: ClassVar[int] = 0

    @property
    def _parts(self) -> Any:
        return urlsplit(self.uri.removeprefix("db:"))

    @property
    def server_uri(self) -> str:
        """The URI without a database (nor query): ``db:<engine>://user@host:port``."""
        return f"db:{self.scheme}://{self._parts.netloc}"

    def server_uris(self) -> list[str]:
        """:attr:`server_uri`, and the same without the password if it has one."""
        parts = self._parts
        uris = [self.server_uri]
        if parts.password is not None:
            user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0]
            uris.append(f"db:{self.scheme}://{user}@{parts.netloc.rsplit('@', 1)[1]}")
        return uris

    def params(self) -> dict[str, Any]:
        parts = self._parts
        return {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or self.default_port,
            "user": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else "",
        }


@dataclass(frozen=True)
class MysqlServer(ServerUri):
    """The server behind a ``db:mysql://user:pass@host:port/db`` URI."""

    scheme: ClassVar[str] = "mysql"
    default_port: ClassVar[int] = 3306

    def connect(self) -> Any:
        """An autocommit PyMySQL connection to the server (no default database)."""
        import pymysql  # only for server scenarios

        return pymysql.connect(
            **self.params(), autocommit=True, charset="utf8mb4", connect_timeout=10
        )

    def client_command(self) -> str:
        """The mysql client with this server's connection options, for ``shell`` steps."""
        params = self.params()
        argv = ["mysql", f"--host={params['host']}", f"--port={params['port']}"]
        if params["user"]:
            argv.append(f"--user={params['user']}")
        # A password goes in the environment, never on a command line.
        secret = f"MYSQL_PWD={shlex.quote(params['password'])} " if params["password"] else ""
        return secret + shlex.join(argv)

    def version(self) -> str:
        """The server's version string (``SELECT VERSION()``)."""
        conn = self.connect()
        try:
            return str(conn.get_server_info())
        finally:
            conn.close()

    def unavailable(self) -> str | None:
        """Why the server cannot be used, or None when it answers."""
        try:
            conn = self.connect()
        except ImportError:
            return "PyMySQL is not installed"
        except Exception as exc:
            return f"{self.uri} does not answer: {exc}"
        conn.close()
        return None


def mysql_server_uri(default: str | None = None) -> str | None:
    """The MySQL test server URI: ``$SQLITCH_TEST_MYSQL_URI``, else ``default``."""
    return os.environ.get(MYSQL_VAR) or default


class ServerGuardError(ScenarioError):
    """A server scenario touched a database it must not touch."""


@dataclass
class MysqlSandbox:
    """A scenario's databases on a MySQL server: created before, dropped after.

    ``target`` and ``registry`` are created empty; ``absent`` is a name that
    does not exist at the start (for a missing database), dropped afterwards
    in case a step created it.
    """

    server: MysqlServer
    conn: Any
    target: str
    registry: str
    absent: str
    _before: frozenset[str] = frozenset()
    _default_registry: object = None

    @property
    def names(self) -> dict[str, str]:
        """Real name -> placeholder, for the three databases."""
        return {self.target: MYSQL_DB, self.registry: MYSQL_REGISTRY, self.absent: MYSQL_ABSENT}

    def substitutions(self) -> list[tuple[str, str]]:
        """(real, placeholder) pairs, most specific first (see :class:`Layout`)."""
        server = self.server.server_uri
        pairs = [(f"{server}/{self.target}", MYSQL_URI)]
        pairs += [(uri, MYSQL_SERVER) for uri in self.server.server_uris()]
        pairs += [(self.registry, MYSQL_REGISTRY), (self.absent, MYSQL_ABSENT)]
        return [*pairs, (self.target, MYSQL_DB)]

    def expansions(self) -> list[tuple[str, str]]:
        return [(self.server.client_command(), MYSQL_CLIENT)]

    def _databases(self) -> set[str]:
        with self.conn.cursor() as cur:
            cur.execute("SHOW DATABASES")
            return {str(row[0]) for row in cur.fetchall()}

    def _fingerprint(self, name: str) -> object:
        """What the server's default registry holds (tables and checksums), if it exists."""
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s"
                " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
                [name],
            )
            tables = [str(row[0]) for row in cur.fetchall()]
            if not tables:
                return None
            quoted = ", ".join(f"`{name}`.`{t}`" for t in tables)
            cur.execute(f"CHECKSUM TABLE {quoted}")
            return tuple(tuple(row) for row in cur.fetchall())

    def begin(self) -> None:
        self._before = frozenset(self._databases())
        self._default_registry = self._fingerprint(MYSQL_DEFAULT_REGISTRY)
        with self.conn.cursor() as cur:
            for name in (self.target, self.registry):
                cur.execute(
                    f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
                )

    def check(self, where: str) -> None:
        """Fail loudly if a step used the default registry or made other databases."""
        now = self._databases()
        if MYSQL_DEFAULT_REGISTRY in now - self._before or (
            self._fingerprint(MYSQL_DEFAULT_REGISTRY) != self._default_registry
        ):
            raise ServerGuardError(
                f"{where} used the server's default registry database"
                f" `{MYSQL_DEFAULT_REGISTRY}`: scenarios must set"
                f" registry = {MYSQL_REGISTRY} (drop `{MYSQL_DEFAULT_REGISTRY}` if it was created)"
            )
        tokens = [name.rsplit("_", 1)[1] for name in self.names]
        strays = sorted(
            db
            for db in now - self._before - set(self.names)
            if any(token in db for token in tokens)
        )
        if strays:
            with self.conn.cursor() as cur:  # named after ours: ours to drop
                for db in strays:
                    cur.execute(f"DROP DATABASE IF EXISTS `{db}`")
            raise ServerGuardError(f"{where} created unexpected database(s): {', '.join(strays)}")

    def dumps(self) -> dict[str, str]:
        """``mysql:{PLACEHOLDER}`` -> dump, for each of the databases that exists."""
        existing = self._databases()
        return {
            MYSQL_DUMP_PREFIX + placeholder: mysql_dump.dump_database(self.conn, real, self.names)
            for real, placeholder in self.names.items()
            if real in existing
        }

    def drop(self) -> None:
        with self.conn.cursor() as cur:
            for name in self.names:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


def scratch_names(prefix: str) -> tuple[str, str, str]:
    """Fresh (target, registry, absent) names: same length, random, distinct."""
    tokens: set[str] = set()
    while len(tokens) < 3:
        tokens.add(secrets.token_hex(6))
    target, registry, absent = (
        f"{prefix}{role}_{token}" for role, token in zip("tra", tokens, strict=True)
    )
    return target, registry, absent


def mysql_database_names() -> tuple[str, str, str]:
    return scratch_names(MYSQL_NAME_PREFIX)


@contextmanager
def _opened_sandbox(server: Any, make: Callable[[Any], Any]) -> Iterator[Any]:
    """A sandbox over a connection to ``server``: begun, always dropped, closed."""
    conn = server.connect()
    try:
        sandbox = make(conn)
        try:
            sandbox.begin()
            yield sandbox
        finally:
            sandbox.drop()
    finally:
        conn.close()


def mysql_sandbox(uri: str) -> AbstractContextManager[MysqlSandbox]:
    """Create a scenario's databases on the server behind ``uri``; always drop them."""
    server = MysqlServer(uri)
    return _opened_sandbox(server, lambda conn: MysqlSandbox(server, conn, *mysql_database_names()))


# --------------------------------------------------------------------------
# PostgreSQL (scenarios with server = "pg")


@dataclass(frozen=True)
class PgServer(ServerUri):
    """The server behind a ``db:pg://user:pass@host:port/db`` URI.

    The URI's database is the maintenance database the harness connects to
    to create and drop scratch databases (``postgres`` when it names none).
    """

    scheme: ClassVar[str] = "pg"
    default_port: ClassVar[int] = 5432

    def params(self) -> dict[str, Any]:
        return {
            **super().params(),
            "database": unquote(self._parts.path.lstrip("/")) or "postgres",
        }

    def connect(self, database: str | None = None) -> Any:
        """An autocommit psycopg connection to ``database`` (default: the URI's)."""
        import psycopg  # only for server scenarios

        params = self.params()
        return psycopg.connect(
            host=params["host"],
            port=params["port"],
            user=params["user"],
            password=params["password"] or None,
            dbname=database or params["database"],
            autocommit=True,
            connect_timeout=10,
            application_name="sqlitch-golden",
        )

    def client_command(self, database: str) -> str:
        """psql with this server's connection options and ``database``, for ``shell`` steps.

        ``--no-psqlrc`` and ``ON_ERROR_STOP`` (a failing set-up fails the
        scenario); another database is chosen with a later ``--dbname=``.
        """
        params = self.params()
        argv = [
            "psql",
            "--no-psqlrc",
            "--set=ON_ERROR_STOP=1",
            f"--host={params['host']}",
            f"--port={params['port']}",
        ]
        if params["user"]:
            argv.append(f"--username={params['user']}")
        argv.append(f"--dbname={database}")
        # A password goes in the environment, never on a command line.
        secret = f"PGPASSWORD={shlex.quote(params['password'])} " if params["password"] else ""
        return secret + shlex.join(argv)

    def address(self) -> str:
        """How libpq names the server in its messages: ``"host", port N``."""
        params = self.params()
        return f'"{params["host"]}", port {params["port"]}'

    def version(self) -> str:
        """The server's version string (``SHOW server_version``)."""
        conn = self.connect()
        try:
            return str(conn.execute("SHOW server_version").fetchone()[0])
        finally:
            conn.close()

    def unavailable(self) -> str | None:
        """Why the server cannot be used, or None when it answers."""
        try:
            conn = self.connect()
        except ImportError:
            return "psycopg is not installed"
        except Exception as exc:
            return f"{self.uri} does not answer: {exc}"
        conn.close()
        return None


def pg_server_uri(default: str | None = None) -> str | None:
    """The PostgreSQL test server URI: ``$SQLITCH_TEST_PG_URI``, else ``default``."""
    return os.environ.get(PG_VAR) or default


@dataclass
class PgSandbox:
    """A scenario's scratch database on a PostgreSQL server: created before, dropped after.

    ``target`` is created empty (``template0``, UTF8, locale C: the same on
    every server); ``registry`` is a schema name for the registry (nothing
    creates it but the tools); ``absent`` is a database name that does not
    exist at the start, dropped afterwards in case a step created it. The
    default ``sqitch`` registry schema may be used: it lives in ``target``.
    """

    server: PgServer
    conn: Any  # autocommit, to the maintenance database
    target: str
    registry: str
    absent: str
    _before: frozenset[str] = frozenset()
    _guarded: dict[str, object] = field(default_factory=dict)

    @property
    def names(self) -> dict[str, str]:
        """Real name -> placeholder, for the two databases and the registry schema."""
        return {self.target: PG_DB, self.registry: PG_REGISTRY, self.absent: PG_ABSENT}

    @property
    def databases(self) -> dict[str, str]:
        """Real name -> placeholder, for the databases only."""
        return {self.target: PG_DB, self.absent: PG_ABSENT}

    @property
    def tokens(self) -> list[str]:
        return [name.rsplit("_", 1)[1] for name in self.names]

    def substitutions(self) -> list[tuple[str, str]]:
        """(real, placeholder) pairs, most specific first (see :class:`Layout`)."""
        server = self.server.server_uri
        pairs = [(f"{server}/{self.target}", PG_URI)]
        pairs += [(uri, PG_SERVER) for uri in self.server.server_uris()]
        pairs += [(self.server.address(), f'"{PG_HOST}", port {PG_PORT}')]
        pairs += [(self.registry, PG_REGISTRY), (self.absent, PG_ABSENT)]
        return [*pairs, (self.target, PG_DB)]

    def expansions(self) -> list[tuple[str, str]]:
        return [(self.server.client_command(self.target), PG_CLIENT)]

    def _databases(self) -> set[str]:
        rows = self.conn.execute("SELECT datname FROM pg_database").fetchall()
        return {str(row[0]) for row in rows}

    def _guarded_databases(self) -> list[str]:
        """Where a scenario that forgot its database would land: the URI's
        database and libpq's default (the user's name)."""
        params = self.server.params()
        names = [params["database"], params["user"] or ""]
        existing = self._databases()
        return [n for n in dict.fromkeys(names) if n and n in existing and n not in self.databases]

    def _fingerprint(self, database: str) -> object:
        """The default registry schema and any schema named after ours in
        ``database``: their tables and a checksum of their rows."""
        conn = self.server.connect(database)
        try:
            schemas = [
                str(row[0])
                for row in conn.execute(
                    "SELECT nspname FROM pg_namespace WHERE nspname = %s"
                    " OR nspname ~ %s ORDER BY nspname",
                    [PG_DEFAULT_REGISTRY, "|".join(self.tokens)],
                ).fetchall()
            ]
            found: list[object] = []
            for schema in schemas:
                tables = [
                    str(row[0])
                    for row in conn.execute(
                        "SELECT c.relname FROM pg_class c JOIN pg_namespace n"
                        " ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'"
                        " ORDER BY c.relname",
                        [schema],
                    ).fetchall()
                ]
                sums = []
                for table in tables:
                    qualified = f"{quote_identifier(schema)}.{quote_identifier(table)}"
                    row = conn.execute(
                        f"SELECT count(*), md5(coalesce(string_agg(t::text, ','"  # noqa: S608
                        f" ORDER BY t::text), '')) FROM {qualified} t"
                    ).fetchone()
                    sums.append((table, *row))
                found.append((schema, tuple(sums)))
            return tuple(found)
        finally:
            conn.close()

    def begin(self) -> None:
        self._before = frozenset(self._databases())
        self._guarded = {db: self._fingerprint(db) for db in self._guarded_databases()}
        self.conn.execute(
            f"CREATE DATABASE {quote_identifier(self.target)} TEMPLATE template0"
            " ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )

    def check(self, where: str) -> None:
        """Fail loudly if a step touched a registry outside the scratch database
        or made other databases."""
        for database, before in self._guarded.items():
            if self._fingerprint(database) != before:
                raise ServerGuardError(
                    f"{where} changed the {PG_DEFAULT_REGISTRY!r} schema (or one named"
                    f" after the scenario's) in database {database!r}: scenarios must"
                    f" target {PG_URI} (clean up {database!r} by hand)"
                )
        tokens = self.tokens
        strays = sorted(
            db
            for db in self._databases() - self._before - set(self.databases)
            if any(token in db for token in tokens)
        )
        if strays:
            for db in strays:  # named after ours: ours to drop
                self.conn.execute(f"DROP DATABASE IF EXISTS {quote_identifier(db)} WITH (FORCE)")
            raise ServerGuardError(f"{where} created unexpected database(s): {', '.join(strays)}")

    def dumps(self) -> dict[str, str]:
        """``pg:{PLACEHOLDER}`` -> dump, for each of the databases that exists."""
        existing = self._databases()
        out = {}
        for real, placeholder in self.databases.items():
            if real not in existing:
                continue
            conn = self.server.connect(real)
            try:
                out[PG_DUMP_PREFIX + placeholder] = pg_dump.dump_database(conn, self.names)
            finally:
                conn.close()
        return out

    def drop(self) -> None:
        for name in self.databases:
            # FORCE: a step may leave a session behind (a lock holder, say).
            self.conn.execute(f"DROP DATABASE IF EXISTS {quote_identifier(name)} WITH (FORCE)")


def pg_database_names() -> tuple[str, str, str]:
    return scratch_names(PG_NAME_PREFIX)


def pg_sandbox(uri: str) -> AbstractContextManager[PgSandbox]:
    """Create a scenario's scratch database on the server behind ``uri``; always drop it."""
    server = PgServer(uri)
    return _opened_sandbox(server, lambda conn: PgSandbox(server, conn, *pg_database_names()))


Sandbox = MysqlSandbox | PgSandbox


def server_uri_for(server: str, default: str | None = None) -> str | None:
    """The test server URI for ``server`` ("mysql", "pg") from its variable, else ``default``."""
    return os.environ.get(SERVER_VARS[server]) or default


def server_unavailable(server: str, uri: str) -> str | None:
    """Why the ``server`` behind ``uri`` cannot be used, or None when it answers."""
    return (MysqlServer(uri) if server == "mysql" else PgServer(uri)).unavailable()


@contextmanager
def sandbox_for(server: str, uri: str) -> Iterator[Sandbox]:
    """The sandbox of a ``server`` scenario (see mysql_sandbox, pg_sandbox)."""
    manager = mysql_sandbox(uri) if server == "mysql" else pg_sandbox(uri)
    with manager as sandbox:
        yield sandbox


# --------------------------------------------------------------------------
# Running scenarios


@dataclass(frozen=True)
class Invocation:
    """A step with placeholders expanded, ready to hand to a tool."""

    args: list[str]
    stdin: str
    env: dict[str, str]
    cwd: Path
    clock: str = "frozen"


# Runs one invocation; returns (exit code, stdout bytes, stderr bytes).
StepRunner = Callable[[Invocation], tuple[int, bytes, bytes]]


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="backslashreplace")


def _first_line(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return lines[0] if lines else ""


def _head(text: str) -> str:
    """The text up to a usage text's synopsis: every line before the first
    ``Usage:`` line, that line, and the lines after it up to the first blank
    one (the messages and usage lines, not the options prose)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.rstrip("\n") == "Usage:":
            end = index + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            return "".join(lines[:end])
    return text


def project_step(
    step: Step, exit_code: int, stdout: str, stderr: str, files: dict[str, str]
) -> GoldenStep:
    """The stored form of a step result: only what ``compare`` asks for.

    First-line comparisons store only the first line and head comparisons
    only what precedes the options of a usage text, so usage prose is never
    committed as fixture data.
    """
    result: GoldenStep = {"args": list(step.args)}
    if "exit" in step.compare:
        result["exit"] = exit_code
    for name, text in (("stdout", stdout), ("stderr", stderr)):
        if name in step.compare:
            result[name] = text
        elif f"{name}-first-line" in step.compare:
            result[name] = _first_line(text)
        elif f"{name}-head" in step.compare:
            result[name] = _head(text)
    if "files" in step.compare:
        result["files"] = files
    return result


def run_scenario(
    scenario: Scenario,
    tmp: Path,
    runner: StepRunner,
    *,
    server_uri: str | None = None,
    tool_env: Mapping[str, str] | None = None,
) -> list[GoldenStep]:
    """Run every step of ``scenario`` in a fresh layout under ``tmp``.

    A server scenario gets its databases on the server behind ``server_uri``
    (default: ``$SQLITCH_TEST_MYSQL_URI`` or ``$SQLITCH_TEST_PG_URI``),
    created before the first step and dropped after the last, whatever
    happens. ``tool_env`` is added to the tool's environment only (not to
    ``shell`` steps'): SQLitch's RUNNER_VAR.
    """
    if scenario.server is None:
        return _run_steps(scenario, Layout.create(tmp), runner, None, tool_env or {})
    uri = server_uri or server_uri_for(scenario.server)
    if not uri:
        raise ScenarioError(
            f"{scenario.id}: needs a {SERVER_NAMES[scenario.server]} server"
            f" ({SERVER_VARS[scenario.server]} is not set)"
        )
    with sandbox_for(scenario.server, uri) as sandbox:
        layout = Layout.create(tmp, sandbox.substitutions(), sandbox.expansions())
        return _run_steps(scenario, layout, runner, sandbox, tool_env or {})


def _run_steps(
    scenario: Scenario,
    layout: Layout,
    runner: StepRunner,
    sandbox: Sandbox | None,
    tool_env: Mapping[str, str],
) -> list[GoldenStep]:
    layout.write_files(scenario.files)
    results: list[GoldenStep] = []
    for index, step in enumerate(scenario.steps):
        layout.write_files(step.files)
        env = standard_env(layout, scenario.env, step.env)
        invocation = Invocation(
            args=[layout.expand(a) for a in step.args],
            stdin=layout.expand(step.stdin),
            env={**env, **tool_env},
            cwd=layout.project,
            clock=scenario.clock,
        )
        if step.shell:
            subprocess.run(
                ["/bin/sh", "-c", layout.expand(step.shell)],
                cwd=layout.project,
                env=env,
                capture_output=True,
                check=True,
            )
        code, out, err = runner(invocation)
        stdout, stderr = layout.normalise(_decode(out)), layout.normalise(_decode(err))
        files = layout.snapshot()
        if sandbox is not None:
            sandbox.check(f"{scenario.id} step {index + 1}")
            # The server's clock is real: dates it recorded (status, log...) vary.
            stdout = mysql_dump.mask_clock_timestamps(stdout)
            stderr = mysql_dump.mask_clock_timestamps(stderr)
            dumps = {key: layout.normalise(text) for key, text in sandbox.dumps().items()}
            files = dict(sorted({**files, **dumps}.items()))
        results.append(project_step(step, code, stdout, stderr, files))
    return results


def golden_document(scenario: Scenario, steps: list[GoldenStep]) -> dict[str, Any]:
    return {
        "scenario": scenario.id,
        "scenario_sha1": scenario.sha1,
        "sqitch": scenario.sqitch,
        "steps": steps,
    }


def dump_golden(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def load_golden(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --------------------------------------------------------------------------
# SQLitch, in-process


RunFunction = Callable[[list[str]], int]


def _default_run() -> RunFunction:
    from sqlitch.cli.main import run  # only when SQLitch is wanted

    # SQLitch's usage texts name the program that was run; Sqitch's name
    # sqitch. Run it under that name so that the texts compare.
    return lambda argv: run(argv, prog="sqitch")


def _fixed_now() -> datetime:
    return FIXED_NOW


def without_diagnostics(err: bytes) -> bytes:
    """SQLitch's stderr without its own -v/-vv/-vvv diagnostic lines
    (sqlitch.services.diagnostics): Sqitch has none, and every other line,
    Sqitch's own -v output included, must still match."""
    from sqlitch.services.diagnostics import DIAGNOSTIC_LINE

    text = err.decode("utf-8", "surrogateescape")
    if "sqlitch: " not in text:
        return err
    return DIAGNOSTIC_LINE.sub("", text).encode("utf-8", "surrogateescape")


def in_process_runner(
    run: RunFunction | None = None, *, crashes: list[str | None] | None = None
) -> StepRunner:
    """A runner calling SQLitch's ``run(argv)`` with the process state swapped.

    ``os.environ``, the working directory, ``sys.std*`` and ``sqlitch.clock.now``
    are replaced for the call and restored afterwards, whatever happens. When
    ``crashes`` is given, an escaping exception becomes exit code -1 with a
    marker line on stderr, and ``crashes`` gets one entry per call: the
    traceback or None (for the parity report); otherwise exceptions propagate.
    """

    def runner(inv: Invocation) -> tuple[int, bytes, bytes]:
        import sqlitch.clock as clock

        target = run or _default_run()
        out_buf, err_buf = io.BytesIO(), io.BytesIO()
        # write_through keeps str and .buffer writes in order, as on a terminal.
        fake_in = io.TextIOWrapper(io.BytesIO(inv.stdin.encode("utf-8")), encoding="utf-8")
        fake_out = io.TextIOWrapper(out_buf, encoding="utf-8", newline="\n", write_through=True)
        fake_err = io.TextIOWrapper(err_buf, encoding="utf-8", newline="\n", write_through=True)
        saved_env = dict(os.environ)
        saved_cwd = os.getcwd()
        saved_streams = (sys.stdin, sys.stdout, sys.stderr)
        saved_now = clock.now
        try:
            os.environ.clear()
            os.environ.update(inv.env)
            time.tzset()
            os.chdir(inv.cwd)
            clock.now = _fixed_now
            sys.stdin, sys.stdout, sys.stderr = fake_in, fake_out, fake_err
            try:
                code = target(list(inv.args))
                if crashes is not None:
                    crashes.append(None)
            except Exception:
                if crashes is None:
                    raise
                crashes.append(traceback.format_exc())
                fake_err.write(CRASH_MARKER + "\n")
                code = -1
            fake_out.flush()
            fake_err.flush()
            return code, out_buf.getvalue(), without_diagnostics(err_buf.getvalue())
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            clock.now = saved_now
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
            time.tzset()

    return runner


def run_sqlitch(
    scenario: Scenario,
    tmp: Path,
    run: RunFunction | None = None,
    *,
    crashes: list[str | None] | None = None,
    script_runner: str | None = None,
    server_uri: str | None = None,
) -> list[GoldenStep]:
    """Run ``scenario`` through SQLitch in-process; results in stored form.

    For a server scenario, ``script_runner`` (default: the scenario's first
    runner) reaches SQLitch as ``SQLITCH_RUNNER``; Sqitch never gets it.
    """
    tool_env: dict[str, str] = {}
    if scenario.server is not None:
        tool_env[RUNNER_VAR] = script_runner or scenario.runners[0]
    elif script_runner is not None:
        raise ScenarioError(f"{scenario.id}: script runners are for server scenarios")
    return run_scenario(
        scenario,
        tmp,
        in_process_runner(run, crashes=crashes),
        server_uri=server_uri,
        tool_env=tool_env,
    )


# --------------------------------------------------------------------------
# Comparison


@dataclass(frozen=True)
class StepDiff:
    """How one step of SQLitch differs from the stored Sqitch result."""

    scenario: str
    index: int
    args: list[str]
    details: list[str]

    def render(self) -> str:
        head = f"{self.scenario} step {self.index + 1}: sqitch {shlex.join(self.args)}"
        body = "\n".join("    " + line for d in self.details for line in d.splitlines())
        return f"{head}\n{body}"


def _text_diff(expected: str, actual: str, label: str) -> str:
    def lines(text: str) -> list[str]:
        # Split on "\n" only: str.splitlines would hide "\r" and friends.
        out = [line + "\n" for line in text.split("\n")]
        if out[-1] == "\n":
            out.pop()
        else:
            out[-1] = out[-1][:-1] + "\n\\ No newline at end\n"
        return out

    diff = difflib.unified_diff(
        lines(expected), lines(actual), f"sqitch {label}", f"sqlitch {label}", n=2
    )
    out: list[str] = []
    for line in "".join(diff).rstrip("\n").split("\n"):
        out.append(line)
        body = line[1:]
        if line[:1] in "+-" and not line.startswith(("+++", "---")) and _hidden(body):
            out.append(f"{line[0]}    (exactly: {body!r})")
    if not out:  # equal once split into lines: say what differs
        out = [f"{label}: sqitch {expected!r}", f"{label}: sqlitch {actual!r}"]
    return "\n".join(out)


def _hidden(line: str) -> bool:
    """Whether a diff line has characters a reader cannot see."""
    return line != line.rstrip(" \t") or any(c in line for c in "\r\x0b\x0c\x1c\x1d\x1e\x85")


def _files_diff(expected: Mapping[str, str], actual: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    for key in sorted(expected.keys() | actual.keys()):
        if key not in actual:
            out.append(f"file {key}: only in sqitch")
        elif key not in expected:
            out.append(f"file {key}: only in sqlitch")
        elif expected[key] != actual[key]:
            out.append(_text_diff(expected[key], actual[key], key))
    return out


def diff_step(expected: GoldenStep, actual: GoldenStep) -> list[str]:
    """Readable differences between two stored-form steps (empty if identical)."""
    details: list[str] = []
    if expected.get("args") != actual.get("args"):
        details.append(f"args: golden {expected.get('args')!r}, scenario {actual.get('args')!r}")
    if expected.get("exit") != actual.get("exit"):
        details.append(f"exit: sqitch {expected.get('exit')}, sqlitch {actual.get('exit')}")
    for stream in ("stdout", "stderr"):
        if expected.get(stream) != actual.get(stream):
            details.append(
                _text_diff(str(expected.get(stream, "")), str(actual.get(stream, "")), stream)
            )
    if expected.get("files") != actual.get("files"):
        details.extend(_files_diff(expected.get("files") or {}, actual.get("files") or {}))
    if set(expected) != set(actual):
        details.append(f"compared keys: golden {sorted(expected)}, scenario {sorted(actual)}")
    return details


def compare(
    sid: str, expected: Sequence[GoldenStep], actual: Sequence[GoldenStep]
) -> tuple[int, list[StepDiff]]:
    """Compare step lists; return (identical step count, differing steps)."""
    diffs: list[StepDiff] = []
    same = 0
    for index in range(max(len(expected), len(actual))):
        if index >= len(expected) or index >= len(actual):
            present = actual[index] if index < len(actual) else expected[index]
            where = "scenario" if index < len(actual) else "golden"
            diffs.append(
                StepDiff(sid, index, present["args"], [f"step only in the {where}: regenerate"])
            )
            continue
        details = diff_step(expected[index], actual[index])
        if details:
            diffs.append(StepDiff(sid, index, expected[index]["args"], details))
        else:
            same += 1
    return same, diffs


@dataclass(frozen=True)
class CheckResult:
    """The outcome of running one stored golden file through SQLitch."""

    scenario: Scenario
    steps: int
    identical: int
    diffs: list[StepDiff]
    stale: bool


def check_golden(
    path: Path,
    tmp: Path,
    run: RunFunction | None = None,
    *,
    catch: bool = False,
    golden_dir: Path = GOLDEN_DIR,
    scenario_dir: Path = SCENARIO_DIR,
    script_runner: str | None = None,
    server_uri: str | None = None,
) -> CheckResult:
    """Run the scenario of one golden file through SQLitch and compare.

    Server scenarios run with ``script_runner`` (see :func:`run_sqlitch`) on
    the server behind ``server_uri``; their diffs name the runner.
    """
    document = load_golden(path)
    sid = golden_id(path, golden_dir)
    scenario = load_scenario(scenario_path(sid, scenario_dir), scenario_dir)
    expected: list[GoldenStep] = document["steps"]
    crashes: list[str | None] | None = [] if catch else None
    actual = run_sqlitch(
        scenario, tmp, run, crashes=crashes, script_runner=script_runner, server_uri=server_uri
    )
    label = sid
    if scenario.server is not None:
        label = f"{sid} [{RUNNER_VAR}={script_runner or scenario.runners[0]}]"
    same, diffs = compare(label, expected, actual)
    if crashes:
        tracebacks = dict(enumerate(crashes))
        diffs = [
            StepDiff(d.scenario, d.index, d.args, [*d.details, crash.rstrip()])
            if (crash := tracebacks.get(d.index)) is not None
            else d
            for d in diffs
        ]
    return CheckResult(
        scenario=scenario,
        steps=len(expected),
        identical=same,
        diffs=diffs,
        stale=document.get("scenario_sha1") != scenario.sha1,
    )
