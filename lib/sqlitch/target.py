"""Deployment targets: database URIs and where a target's settings come from.

A target has a name and a ``db:<engine>:...`` URI. Its other settings are
looked up as ``target.<name>.<key>``, then ``engine.<engine>.<key>``, then
``core.<key>``, with command-line values overriding all three, exactly as
App::Sqitch::Target does. Everything is computed lazily so that, as in
Sqitch, a setting that needs the engine (registry, client) only fails when
it is asked for.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Literal

from sqlitch.engines.names import (
    DEFAULT_CLIENTS,
    DEFAULT_REGISTRY,
    canonical_engine,
    check_supported,
    require_engine_class,
)
from sqlitch.environment import env_value
from sqlitch.errors import SqlitchError
from sqlitch.perl import perl_true


def unquote(text: str) -> str:
    """urllib's percent-decoding, imported on first use (urllib costs start-up)."""
    from urllib.parse import unquote as decode

    return decode(text)


if TYPE_CHECKING:
    from sqlitch.config import Config

__all__ = [
    "ConnectionParts",
    "DbUri",
    "Target",
    "all_targets",
    "default_target",
    "is_db_uri",
    "resolve_target",
]

_SCHEME_RE = re.compile(r"\A([A-Za-z][A-Za-z0-9.+\-]*):", re.DOTALL)
# Characters the URI module leaves alone when building a URI; others are escaped.
_URIC = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'();/?:@&=+$,%#[]"
)

#: Target settings a command's options may override (Sqitch's target_params).
TargetOption = Literal[
    "top_dir",
    "plan_file",
    "registry",
    "client",
    "extension",
    "deploy_dir",
    "revert_dir",
    "verify_dir",
    "reworked_dir",
    "reworked_deploy_dir",
    "reworked_revert_dir",
    "reworked_verify_dir",
]
TargetOverrides = Mapping[TargetOption, str]


def _escape(text: str) -> str:
    """Escape what ``URI->new`` escapes: characters not allowed in a URI."""
    out = []
    for char in text:
        if char in _URIC:
            out.append(char)
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8"))
    return "".join(out)


def _escape_part(text: str, delimiters: str = "/?#@:") -> str:
    """Escape a URI component: what _escape escapes, plus ``delimiters``."""
    return "".join(f"%{ord(c):02X}" if c in delimiters else c for c in _escape(text))


def is_db_uri(value: str) -> bool:
    """Whether ``URI->new(value)`` is a URI::db (its scheme is ``db``)."""
    match = _SCHEME_RE.match(value.strip())
    return match is not None and match.group(1).lower() == "db"


@dataclass(frozen=True)
class DbUri:
    """A ``db:`` URI as URI::db models it: ``db:`` wrapping an engine URI."""

    text: str

    @classmethod
    def parse(cls, value: str) -> DbUri:
        """``URI::db->new(value)``: a non-db string is wrapped as ``db:<value>``."""
        text = _escape(value.strip())
        if not is_db_uri(text):
            text = "db:" + text
        return cls(text)

    def __str__(self) -> str:
        return self.text

    # -- parts -----------------------------------------------------------
    @property
    def nested(self) -> str:
        """The engine URI after the ``db:`` prefix."""
        return self.text[3:]

    @property
    def engine(self) -> str | None:
        """The nested scheme as written, lower-cased (``postgres``), or None."""
        match = _SCHEME_RE.match(self.nested)
        return match.group(1).lower() if match else None

    @property
    def canonical_engine(self) -> str | None:
        """The engine key (``pg`` for ``postgres``), or None without an engine."""
        engine = self.engine
        return canonical_engine(engine) if engine else None

    @property
    def opaque(self) -> str:
        """The nested URI without its scheme and fragment."""
        rest = self.nested
        match = _SCHEME_RE.match(rest)
        if match:
            rest = rest[match.end() :]
        return rest.split("#", 1)[0]

    def _authority(self) -> str | None:
        opaque = self.opaque
        if not opaque.startswith("//"):
            return None
        end = len(opaque)
        for stop in "/?":
            at = opaque.find(stop, 2)
            if at != -1:
                end = min(end, at)
        return opaque[2:end]

    @property
    def _userinfo(self) -> str | None:
        authority = self._authority()
        if authority is None or "@" not in authority:
            return None
        return authority[: authority.rindex("@")]

    @property
    def user(self) -> str | None:
        info = self._userinfo
        return None if info is None else unquote(info.split(":", 1)[0])

    @property
    def password(self) -> str | None:
        info = self._userinfo
        if info is None or ":" not in info:
            return None
        return unquote(info.split(":", 1)[1])

    @property
    def host(self) -> str | None:
        authority = self._authority()
        if authority is None:
            return None
        hostport = authority[authority.rindex("@") + 1 :] if "@" in authority else authority
        host = re.sub(r":\d*\Z", "", hostport)
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        return unquote(host)

    @property
    def port(self) -> int | None:
        """The explicit port, if any (the engine supplies its default)."""
        authority = self._authority()
        if authority is None:
            return None
        match = re.search(r":(\d+)\Z", authority.rsplit("@", 1)[-1])
        if match is None:
            return None
        digits = match.group(1)
        if len(digits.lstrip("0")) > 20:
            # No port has that many digits, and past 4300 Python cannot read
            # it: refused as libpq refuses it (Sqitch passes it to the driver).
            raise SqlitchError(f'invalid integer value "{digits}" for connection option "port"')
        return int(digits.lstrip("0") or "0")

    @property
    def path(self) -> str:
        opaque = self.opaque.split("?", 1)[0]
        if opaque.startswith("//"):
            slash = opaque.find("/", 2)
            return "" if slash == -1 else opaque[slash:]
        return opaque

    @property
    def dbname(self) -> str | None:
        """The database name or file, as URI::db's ``dbname`` computes it."""
        is_full = re.match(r"\A//(?://|/?(?!/))", self.opaque) is not None
        path = self.path
        if not path:
            return None
        segments = [unquote(s) for s in path.split("/")]
        if is_full:
            segments = segments[1:]
        return "/".join(segments)

    @property
    def query_params(self) -> list[tuple[str, str]]:
        opaque = self.opaque
        if "?" not in opaque:
            return []
        pairs = []
        for part in re.split(r"[&;]", opaque.split("?", 1)[1]):
            if not part:
                continue
            key, _, value = part.partition("=")
            pairs.append((unquote(key.replace("+", " ")), unquote(value.replace("+", " "))))
        return pairs

    def without_password(self) -> str:
        """The URI with its password removed (Sqitch names targets this way)."""
        if not perl_true(self.password):
            return self.text
        info = self._userinfo or ""
        user = info.split(":", 1)[0]
        authority = self._authority() or ""
        host = authority[authority.rindex("@") + 1 :]
        new_authority = f"{user}:@{host}" if user else host
        match = _SCHEME_RE.match(self.nested)
        head = "db:" + (match.group(0) if match else "")
        tail = self.text[len(head) + 2 + len(authority) :]
        return f"{head}//{new_authority}{tail}"

    def with_parts(
        self,
        *,
        user: str | None = None,
        host: str | None = None,
        port: int | str | None = None,
        dbname: str | None = None,
    ) -> DbUri:
        """The URI with parts replaced, as URI::db's user/host/port/dbname setters do.

        Setting user, host or port on a URI without an authority
        (``db:mysql:flipr``) gives it one (``db:mysql://bob@/flipr``).
        """
        match = _SCHEME_RE.match(self.nested)
        head = "db:" + (match.group(0) if match else "")
        rest = self.nested[match.end() :] if match else self.nested
        rest, hash_, fragment = rest.partition("#")
        rest, qmark, query = rest.partition("?")
        authority: str | None = None
        path = rest
        if rest.startswith("//"):
            slash = rest.find("/", 2)
            authority = rest[2:] if slash == -1 else rest[2:slash]
            path = "" if slash == -1 else rest[slash:]
        if user is not None or host is not None or port is not None:
            if authority is None:
                authority = ""
                path = "/" + path if path else ""
            info, at, hostport = authority.rpartition("@")
            if user is not None:
                _old, colon, secret = info.partition(":")
                info, at = _escape_part(user) + colon + secret, "@"
            if host is not None or port is not None:
                old_host = re.sub(r":\d*\Z", "", hostport)
                old_port = hostport[len(old_host) + 1 :]
                new_host = old_host if host is None else _escape_part(host)
                new_port = old_port if port is None else str(port)
                hostport = new_host + (f":{new_port}" if new_port else "")
            authority = info + at + hostport
        if dbname is not None:
            path = ("/" if authority is not None else "") + _escape_part(dbname, "?#")
        text = head + ("" if authority is None else "//" + authority) + path
        return DbUri(text + qmark + query + hash_ + fragment)


def _fetch_from(config: Config, name: str, engine: str | None, key: str) -> str | None:
    """target.<name>.<key> || engine.<engine>.<key> || core.<key> (Perl truthiness)."""
    for full in (
        f"target.{name}.{key}",
        f"engine.{engine}.{key}" if engine else None,
        f"core.{key}",
    ):
        if full is None:
            continue
        value = config.get(full)
        if perl_true(value):
            return str(value)
    return None


def _path(value: str) -> PurePosixPath:
    """Path::Class's canonical form: no empty or ``.`` segments, no trailing slash."""
    return PurePosixPath(value)


@dataclass(eq=False)
class Target:
    """A resolved deployment target; settings are looked up on first use."""

    name: str
    uri: DbUri
    config: Config = field(repr=False)
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    overrides: Mapping[str, str] = field(default_factory=dict)
    # script_dir results: deploy/revert/verify ask for them once per change.
    _script_dirs: dict[tuple[str, bool], PurePosixPath] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def target(self) -> str:
        return self.name

    @property
    def engine_key(self) -> str | None:
        return self.uri.canonical_engine

    def fetch(self, key: str) -> str | None:
        """A setting from target, engine or core configuration."""
        return _fetch_from(self.config, self.name, self.engine_key, key)

    def _setting(self, key: str) -> str | None:
        override = self.overrides.get(key)
        return override if perl_true(override) else self.fetch(key)

    # -- engine-dependent settings (fail for unknown engines) -------------
    @cached_property
    def registry(self) -> str:
        value = self._setting("registry")
        if value:
            return value
        require_engine_class(self.engine_key)
        return DEFAULT_REGISTRY

    @cached_property
    def configured_client(self) -> str | None:
        """The client named by option or setting, if any (no engine default)."""
        return self._setting("client")

    @cached_property
    def client(self) -> str:
        value = self._setting("client")
        if value:
            return value
        return DEFAULT_CLIENTS[require_engine_class(self.engine_key)]

    # -- files and directories --------------------------------------------
    @cached_property
    def top_dir(self) -> PurePosixPath:
        value = self._setting("top_dir")
        return _path(value) if value else PurePosixPath(".")

    @cached_property
    def plan_file(self) -> PurePosixPath:
        value = self._setting("plan_file")
        if value:
            return _path(value)
        return default_plan_file(self.top_dir)

    @cached_property
    def reworked_dir(self) -> PurePosixPath:
        value = self._setting("reworked_dir")
        return _path(value) if value else self.top_dir

    def script_dir(self, kind: str, *, reworked: bool = False) -> PurePosixPath:
        """deploy/revert/verify directory (or its reworked counterpart)."""
        cached = self._script_dirs.get((kind, reworked))
        if cached is not None:
            return cached
        key = f"reworked_{kind}_dir" if reworked else f"{kind}_dir"
        value = self._setting(key)
        # Sqitch 1.5.2 (#875): without reworked_<kind>_dir, reworked scripts
        # follow the configured <kind>_dir (not one given by option, as to
        # `target add --dir`), under reworked_dir. Sqitch also puts an
        # absolute <kind>_dir under reworked_dir; SQLitch keeps it as it is.
        plain = self.fetch(f"{kind}_dir") if reworked and not value else None
        if value:
            found = _path(value)
        elif plain:
            found = self.reworked_dir / _path(plain)
        else:
            found = (self.reworked_dir if reworked else self.top_dir) / kind
        self._script_dirs[kind, reworked] = found
        return found

    @property
    def deploy_dir(self) -> PurePosixPath:
        return self.script_dir("deploy")

    @property
    def revert_dir(self) -> PurePosixPath:
        return self.script_dir("revert")

    @property
    def verify_dir(self) -> PurePosixPath:
        return self.script_dir("verify")

    @property
    def reworked_deploy_dir(self) -> PurePosixPath:
        return self.script_dir("deploy", reworked=True)

    @property
    def reworked_revert_dir(self) -> PurePosixPath:
        return self.script_dir("revert", reworked=True)

    @property
    def reworked_verify_dir(self) -> PurePosixPath:
        return self.script_dir("verify", reworked=True)

    @cached_property
    def extension(self) -> str:
        return self._setting("extension") or "sql"

    @cached_property
    def variables(self) -> dict[str, str]:
        """engine.<engine>.variables overlaid with target.<name>.variables."""
        merged: dict[str, str] = {}
        if self.engine_key:
            merged.update(self.config.get_section(f"engine.{self.engine_key}.variables"))
        merged.update(self.config.get_section(f"target.{self.name}.variables"))
        return merged

    # -- credentials --------------------------------------------------------
    @property
    def username(self) -> str | None:
        return env_value(self.env, "USERNAME") or self.uri.user

    @property
    def password(self) -> str | None:
        return env_value(self.env, "PASSWORD") or self.uri.password


def _target_error(message: str) -> SqlitchError:
    return SqlitchError(message, ident="target")


def resolve_target(
    config: Config,
    env: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
    uri: DbUri | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Target:
    """Find a target the way App::Sqitch::Target's constructor does.

    Precedence for the name: ``name`` (argument or --target), $SQITCH_TARGET
    (or its twin $SQLITCH_TARGET),
    core.target, engine.<core.engine>.target, then ``db:<core.engine>:``.
    A name containing ":" is a URI; any other name must be configured.
    """
    env = {} if env is None else env
    extra = dict(overrides or {})
    wanted = name or env_value(env, "TARGET") or ""
    if uri is not None:
        check_supported(uri.canonical_engine or "")
        return Target(wanted or uri.without_password(), uri, config, env, extra)

    engine_key: str | None = None
    if not wanted:
        core_target = config.get("core.target")
        if perl_true(core_target):
            wanted = str(core_target)
        else:
            engine = config.get("core.engine")
            if not perl_true(engine):
                if config.initialized:
                    raise _target_error("No engine specified; specify via target or core.engine")
                raise _target_error(
                    'No project configuration found. Run the "init" command to initialize a project'
                )
            engine_key = str(engine).rstrip()
            configured = config.get(f"engine.{engine_key}.target")
            wanted = str(configured) if perl_true(configured) else f"db:{engine_key}:"

    target_name: str | None
    if ":" in wanted:
        uri_text, target_name = wanted, None
    else:
        target_name = wanted
        configured_uri = config.get(f"target.{wanted}.uri")
        if not perl_true(configured_uri):
            if not config.get_section(f"target.{wanted}"):
                raise _target_error(f'Cannot find target "{wanted}"')
            raise _target_error(f'No URI associated with target "{wanted}"')
        uri_text = str(configured_uri)

    db_uri = DbUri.parse(uri_text)
    if not (engine_key or db_uri.canonical_engine):
        raise _target_error(
            f'No engine specified by URI {db_uri}; URI must start with "db:$engine:"'
        )
    check_supported(db_uri.canonical_engine or "")
    return Target(target_name or db_uri.without_password(), db_uri, config, env, extra)


def default_target(config: Config, env: Mapping[str, str] | None = None) -> Target:
    """The target commands use when none is named (App::Sqitch::Command's default).

    Without core.engine or core.target this is the engine-less ``db:``.
    """
    env = {} if env is None else env
    if perl_true(config.get("core.engine")) or perl_true(config.get("core.target")):
        return resolve_target(config, env)
    if env_value(env, "TARGET"):
        # Sqitch's constructor ends up without a name here and dies this way.
        raise SqlitchError("Missing required arguments: name", ident="target")
    return resolve_target(config, env, uri=DbUri.parse("db:"))


def all_targets(config: Config, env: Mapping[str, str] | None = None) -> list[Target]:
    """The default target, named targets, engine targets, then bare engines."""
    env = {} if env is None else env
    items = config.items()
    values = dict(items)
    targets: list[Target] = []
    seen: dict[str, Target] = {}

    core = values.get("core.target")
    if not perl_true(core):
        engine = values.get("core.engine")
        core = None
        if perl_true(engine):
            engine = str(engine).rstrip()
            core = values.get(f"engine.{engine}.target") or f"db:{engine}:"
    if core:
        seen[core] = resolve_target(config, env, name=core)
        targets.append(seen[core])

    for key, _value in items:
        match = re.fullmatch(r"target\.([^.]+)\.uri", key)
        if match and match.group(1) not in seen:
            seen[match.group(1)] = resolve_target(config, env, name=match.group(1))
            targets.append(seen[match.group(1)])

    for key, value in items:
        match = re.fullmatch(r"engine\.([^.]+)\.target", key)
        if not match or value is None:
            continue
        if value not in seen:
            seen[value] = resolve_target(config, env, name=value)
            targets.append(seen[value])
        seen[match.group(1)] = seen[value]

    for key, _value in items:
        match = re.match(r"engine\.([^.]+)", key)
        if not match:
            continue
        engine = match.group(1).rstrip()
        if engine in seen:
            continue
        text = f"db:{engine}:"
        seen[engine] = seen.get(text) or resolve_target(config, env, uri=DbUri.parse(text))
        if text not in seen:
            seen[text] = seen[engine]
            targets.append(seen[engine])
    return targets


PLAN_NAMES = ("sqitch.plan", "sqlitch.plan")


def default_plan_file(top_dir: PurePosixPath) -> PurePosixPath:
    """The plan file in ``top_dir``: sqitch.plan, or sqlitch.plan if only that exists.

    Both names in one directory is an error: choosing one would silently
    ignore the other's changes.
    """
    sqitch_plan, sqlitch_plan = (top_dir / name for name in PLAN_NAMES)
    has_sqitch, has_sqlitch = os.path.exists(sqitch_plan), os.path.exists(sqlitch_plan)
    if has_sqitch and has_sqlitch:
        raise SqlitchError(
            f"Both {sqitch_plan} and {sqlitch_plan} exist; remove one of them", ident="plan"
        )
    return sqlitch_plan if has_sqlitch else sqitch_plan


@dataclass(frozen=True)
class ConnectionParts:
    """URI parts given as -u/-h/-p/-d (Sqitch's ConnectingCommand target params)."""

    user: str | None = None
    host: str | None = None
    port: int | str | None = None  # text: a number Perl prints as "1e+25"
    dbname: str | None = None

    def __bool__(self) -> bool:
        return any(v is not None and v != "" for v in self.__dict__.values())


def with_connection(target: Target, parts: ConnectionParts) -> Target:
    """The target with -u/-h/-p/-d applied to its URI, as Sqitch's connecting commands do.

    A target named by its URI is renamed after the new URI (Sqitch builds the
    name after applying the options); a configured target keeps its name.
    """
    import dataclasses

    if not parts:
        return target
    uri = target.uri.with_parts(
        user=parts.user or None,
        host=parts.host or None,
        port=parts.port,
        dbname=parts.dbname or None,
    )
    named_by_uri = target.name == target.uri.without_password()
    name = uri.without_password() if named_by_uri else target.name
    return dataclasses.replace(target, name=name, uri=uri)
