"""The behaviour of `sqlitch config`: one action on the layered configuration.

Reads (--get, --get-all, --get-regexp, --list) look at the merged
configuration, except --list with --local/--user/--system, which shows that
one file. Writes go to the file chosen by the scope or --file. Where Sqitch
1.3.1 crashes or prints Perl warnings (--bool-or-int, numeric casts of empty
values, --get-regexp leaving one value of a multi-valued key), SQLitch
simply works; docs/PARITY.md lists these.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from sqlitch.config import CastAs, Config, ConfigFile, Value

Scope = Literal["system", "user", "local"]

Action = Literal[
    "get",
    "get-all",
    "get-regexp",
    "set",
    "add",
    "replace-all",
    "unset",
    "unset-all",
    "rename-section",
    "remove-section",
    "list",
    "edit",
]
TypeName = Literal["bool", "int", "num", "bool-or-int"]

# The order Sqitch checks the flags in; the first one set names the scope.
SCOPE_FLAGS = ("local", "user", "system", "file")
TYPE_FLAGS: tuple[TypeName, ...] = ("bool", "int", "num", "bool-or-int")
ACTION_FLAGS: tuple[Action, ...] = (
    "get",
    "get-all",
    "get-regexp",
    "unset",
    "list",
    "edit",
    "add",
    "replace-all",
    "unset-all",
    "rename-section",
    "remove-section",
)
WRONG_ARGS = "Wrong number of arguments."
_SCOPES: dict[str, Scope] = {"local": "local", "user": "user", "system": "system"}


class Output(Protocol):
    """Where results and warnings go (the App satisfies this)."""

    def emit(self, *parts: object) -> None: ...

    def vent(self, *parts: object) -> None: ...


class ConfigUsageError(SqlitchError):
    """Bad use of the command: the caller shows the message and the usage text."""


@dataclass(frozen=True)
class ConfigRequest:
    """What the command line asked for, already checked for conflicts."""

    action: Action | None = None  # None: get with one argument, set with more
    scope: Scope | None = None
    file: str | None = None
    type: TypeName | None = None
    args: tuple[str, ...] = field(default_factory=tuple)
    json: bool = False  # --json (with --list only)


def build_request(
    *,
    actions: Sequence[Action],
    scopes: Sequence[str],
    types: Sequence[TypeName],
    file: str | None,
    args: Sequence[str],
    json: bool = False,
) -> ConfigRequest:
    """Check that at most one file, type and action was given, in Sqitch's order.

    ``scopes`` holds the scope flags given ("local", "user", "system"), and
    "file" when --file was given; the other sequences hold the flags given.
    """
    if len(scopes) > 1:
        raise ConfigUsageError("Only one config file at a time.")
    if len(types) > 1:
        raise ConfigUsageError("Only one type at a time.")
    if len(actions) > 1:
        raise ConfigUsageError("Only one action at a time.")
    if json and actions != ["list"]:
        raise ConfigUsageError("--json goes with --list only.")
    scope = next((_SCOPES[s] for s in scopes if s in _SCOPES), None)
    return ConfigRequest(
        action=actions[0] if actions else None,
        scope=scope,
        file=file,
        type=types[0] if types else None,
        args=tuple(args),
        json=json,
    )


def run_config(out: Output, config: Config, request: ConfigRequest, env: Mapping[str, str]) -> int:
    """Carry out one `config` request; return the exit status (errors raise)."""
    runner = _ConfigRunner(out, config, request, env)
    args = request.args
    action = request.action or ("set" if len(args) > 1 else "get")
    handlers = {
        "get": runner.get,
        "get-all": runner.get_all,
        "get-regexp": runner.get_regexp,
        "set": runner.set,
        "add": runner.add,
        "replace-all": runner.replace_all,
        "unset": runner.unset,
        "unset-all": runner.unset_all,
        "rename-section": runner.rename_section,
        "remove-section": runner.remove_section,
        "list": runner.list,
        "edit": runner.edit,
    }
    handlers[action](args)
    return 0


def _arg(args: Sequence[str], index: int) -> str | None:
    return args[index] if index < len(args) else None


def _required(args: Sequence[str], index: int) -> str:
    value = _arg(args, index)
    if not value:
        raise ConfigUsageError(WRONG_ARGS)
    return value


def _not_found() -> SqlitchError:
    # Sqitch reports a missing value with an empty non-fatal message:
    # an empty line on stdout and exit status 1.
    return SqlitchError("", ident="config", exitval=1)


class _ConfigRunner:
    def __init__(
        self, out: Output, config: Config, request: ConfigRequest, env: Mapping[str, str]
    ) -> None:
        self.out = out
        self.config = config
        self.request = request
        self.env = env
        self.as_: CastAs | None = request.type

    # -- reading -----------------------------------------------------------

    def _show(self, value: str | None) -> str | None:
        """A value as Sqitch prints it once cast to the requested type."""
        if self.as_ is None:
            return value
        if value is None and self.as_ == "bool":
            return "1"  # GitLike's cast answers a bare key with 1, not "true"
        from sqlitch.config.cast import cast

        shown: Value = cast(value, self.as_, human=True)
        return None if shown is None else str(shown)

    def _raw_values(self, key: str, filter: str | None) -> list[str | None]:
        return [None if v is None else str(v) for v in self.config.get_all(key, filter=filter)]

    def get(self, args: Sequence[str]) -> None:
        key = _required(args, 0)
        values = self._raw_values(key, _arg(args, 1))
        if len(values) > 1:
            raise SqlitchError(f'More then one value for the key "{key}"', ident="config")
        shown = self._show(values[0]) if values else None
        if shown is None:
            raise _not_found()
        self.out.emit(shown)

    def get_all(self, args: Sequence[str]) -> None:
        key = _required(args, 0)
        values = [self._show(v) for v in self._raw_values(key, _arg(args, 1))]
        if not values:
            raise _not_found()
        self.out.emit("\n".join(v or "" for v in values))

    def get_regexp(self, args: Sequence[str]) -> None:
        pattern = _required(args, 0)
        value_filter = _arg(args, 1)
        grouped: dict[str, list[str | None]] = {}
        for key, value in self.config.get_regexp(pattern, filter=value_filter):
            grouped.setdefault(key, []).append(None if value is None else str(value))
        if not grouped:
            raise _not_found()
        lines = []
        for key in sorted(grouped):
            values = [self._show(v) for v in grouped[key]]
            single = values[0] if len(values) == 1 else None
            if self.config.is_multiple(key) and len(values) > 1:
                lines.append(f"{key}=[{', '.join(v or '' for v in values)}]")
            else:
                lines.append(key if single is None else f"{key}={single}")
        self.out.emit("\n".join(lines))

    def list(self, args: Sequence[str]) -> None:
        scope = self.request.scope
        if self.request.json:
            self._list_json(scope)
            return
        if scope is None:
            self.out.emit(self.config.dump())
        elif self.config.scope_exists(scope):
            self.out.emit(self.config.dump(scope))

    def _list_json(self, scope: Scope | None) -> None:
        """--list --json: each key's value, or its values when it has several."""
        from sqlitch.services.json_output import write_document

        if scope is None:
            items = self.config.items()
        elif self.config.scope_exists(scope):
            items = self.config.scope_items(scope)
        else:
            items = []
        grouped: dict[str, list[str | None]] = {}
        for key, value in items:
            grouped.setdefault(key, []).append(None if value is None else str(value))
        settings = {
            key: values[0] if len(values) == 1 else values for key, values in grouped.items()
        }
        write_document("config", {"scope": scope or "all", "settings": settings})

    # -- writing -----------------------------------------------------------

    def _target(self) -> tuple[Path, str]:
        """The file to edit and its name as Sqitch shows it in messages."""
        if self.request.file is not None:
            given = self.request.file
            return self.config.cwd / given, given
        scope: Scope = self.request.scope or "local"
        return self.config.file_for(scope), self.config.display_name(scope)

    def _open(self, *, touch_dir: bool) -> ConfigFile:
        from sqlitch.config import ConfigFile

        path, display = self._target()
        if touch_dir and not os.path.exists(path) and not os.path.isdir(path.parent):
            # Sqitch creates the file's directory before writing (even if
            # the write then fails), so a new user or system scope works.
            from sqlitch.files import WriteError, make_dirs

            try:
                make_dirs(path.parent)
            except OSError as exc:
                # File::Path's message, without its Perl location.
                failed = exc.filename or path.parent
                raise WriteError(f"mkdir {failed}: {exc.strerror}", ident="config") from None
        return ConfigFile(path, display)

    def _write(
        self,
        key: str,
        value: str | None,
        value_filter: str | None,
        *,
        multiple: bool,
        replace_all: bool = False,
        typed: bool = True,
    ) -> None:
        as_ = self.as_ if typed else None
        target = self._open(touch_dir=True)
        target.set(
            key,
            value,
            filter=value_filter,
            as_=as_,
            multiple=multiple,
            replace_all=replace_all,
        )
        target.save()

    def set(self, args: Sequence[str]) -> None:
        key, value = _required(args, 0), _arg(args, 1)
        if value is None:
            raise ConfigUsageError(WRONG_ARGS)
        self._write(key, value, _arg(args, 2), multiple=False)

    def add(self, args: Sequence[str]) -> None:
        key, value = _required(args, 0), _arg(args, 1)
        if value is None:
            raise ConfigUsageError(WRONG_ARGS)
        self._write(key, value, None, multiple=True)

    def replace_all(self, args: Sequence[str]) -> None:
        key, value = _required(args, 0), _arg(args, 1)
        if value is None:
            raise ConfigUsageError(WRONG_ARGS)
        self._write(key, value, _arg(args, 2), multiple=True, replace_all=True)

    def unset(self, args: Sequence[str]) -> None:
        key = _required(args, 0)
        self._write(key, None, _arg(args, 1), multiple=False, typed=False)

    def unset_all(self, args: Sequence[str]) -> None:
        key = _required(args, 0)
        self._write(key, None, _arg(args, 1), multiple=True, typed=False)

    def rename_section(self, args: Sequence[str]) -> None:
        old, new = _required(args, 0), _required(args, 1)
        target = self._open(touch_dir=False)
        target.rename_section(old, new)
        target.save()

    def remove_section(self, args: Sequence[str]) -> None:
        section = _required(args, 0)
        target = self._open(touch_dir=False)
        target.remove_section(section)
        target.save()

    # -- editing -----------------------------------------------------------

    def edit(self, args: Sequence[str]) -> None:
        _path, display = self._target()
        command = f"{editor_command(self.config, self.env)} {shell_quote(display)}"
        run_shell_command(command)


# ---------------------------------------------------------------------------
# The editor


def editor_command(config: Config, env: Mapping[str, str]) -> str:
    """The editor to run, in Sqitch's order of preference ("" and "0" count as unset)."""
    from sqlitch.environment import env_value

    candidates: list[object] = [
        env_value(env, "EDITOR"),
        config.get("core.editor"),
        env.get("VISUAL"),
        env.get("EDITOR"),
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate and candidate != "0":
            return candidate
    return "notepad.exe" if os.name == "nt" else "vi"


_SAFE_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_!%+,-./:@^")


def shell_quote(word: str) -> str:
    """Quote one word for /bin/sh the way Sqitch does (String::ShellQuote).

    Safe words stay bare; others are single-quoted, with embedded quotes
    written as '\\'' and runs of them as '"''"'.
    """
    if word == "":
        return "''"
    word = word.replace("\x00", "")
    # A leading word with "=" would read as an environment assignment.
    if all(c in _SAFE_WORD for c in word):
        return word
    import re

    body = word.replace("'", "'\\''")
    body = re.sub(r"((?:'\\''){2,})", lambda m: "'\"" + "'" * (len(m.group(1)) // 4) + "\"'", body)
    quoted = f"'{body}'"
    quoted = quoted.removeprefix("''")
    return quoted.removesuffix("''")


# Characters that make Perl's one-string system() go through /bin/sh.
_SHELL_META = frozenset("$&*(){}[]'\";\\|?<>~`\n")


def _needs_shell(command: str) -> bool:
    text = command.lstrip()
    if len(text) > 1 and text[0] == "." and text[1].isspace():
        return True
    if text.startswith("exec") and len(text) > 4 and text[4].isspace():
        return True
    word_end = 0
    while word_end < len(text) and (text[word_end].isalnum() or text[word_end] == "_"):
        word_end += 1
    if word_end < len(text) and text[word_end] == "=":
        return True
    return any(c in _SHELL_META for c in text)


def run_shell_command(command: str) -> None:
    """Run a command line as Perl's system(STRING) does; fail as IPC::System::Simple.

    Output goes to our own stdout/stderr; when those are not real files (an
    in-process test harness), it is captured and copied there.
    """
    import subprocess
    import sys

    argv = ["/bin/sh", "-c", command] if _needs_shell(command) else command.split()
    streams = _real_streams()
    try:
        if streams is None:
            done = subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL, check=False)
            sys.stdout.write(done.stdout.decode("utf-8", "surrogateescape"))
            sys.stdout.flush()
            sys.stderr.write(done.stderr.decode("utf-8", "surrogateescape"))
            sys.stderr.flush()
        else:
            sys.stdout.flush()
            sys.stderr.flush()
            done = subprocess.run(argv, check=False)
    except OSError as exc:
        raise SqlitchError(
            f'"{command}" failed to start: "{exc.strerror}"\n', ident="sqitch"
        ) from None
    if done.returncode > 0:
        raise SqlitchError(
            f'"{command}" unexpectedly returned exit value {done.returncode}\n', ident="sqitch"
        )
    if done.returncode < 0:
        import signal

        number = -done.returncode
        try:
            name = signal.Signals(number).name.removeprefix("SIG")
        except ValueError:
            name = str(number)
        raise SqlitchError(f'"{command}" died to signal "{name}" ({number})\n', ident="sqitch")


def _real_streams() -> tuple[int, int] | None:
    import io
    import sys

    try:
        return sys.stdout.fileno(), sys.stderr.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None
