"""Who the user is and which programs they want, resolved as Sqitch does.

Environment variables win over configuration, which wins over what the
system reports. Like Perl, an empty string or "0" counts as unset. The
``SQITCH_*`` variables are read through :func:`sqlitch.environment.env_value`,
so each ``SQLITCH_*`` twin wins over its ``SQITCH_*`` variable.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlitch.environment import env_value
from sqlitch.errors import SqlitchError

if TYPE_CHECKING:
    from sqlitch.config import Config

_PAGER_PATHS = ("/etc/alternatives/pager", "/usr/local/bin/less", "/usr/bin/less", "/usr/bin/more")
_PAGER_NAMES = ("less", "most", "w3m", "lv", "pg", "more")


def _set(value: object) -> str | None:
    """Perl truthiness for strings: None, "" and "0" are unset."""
    if value is None or value == "" or value == "0":
        return None
    return str(value)


def _first(*values: object) -> str | None:
    for value in values:
        found = _set(value)
        if found is not None:
            return found
    return None


def _login_name() -> str | None:
    try:
        return os.getlogin()
    except OSError:
        return None


def _uid_name() -> str | None:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, AttributeError):
        return None


def sysuser(env: Mapping[str, str]) -> str | None:
    """The operating-system login name (``SQITCH_ORIG_SYSUSER`` first)."""
    return _first(
        env_value(env, "ORIG_SYSUSER"),
        _login_name(),
        _uid_name(),
        env.get("LOGNAME"),
        env.get("USER"),
        env.get("USERNAME"),
    )


def _full_name(login: str) -> str:
    """The passwd GECOS field (whole, as Sqitch uses it), else the login name."""
    try:
        import pwd

        gecos = pwd.getpwnam(login).pw_gecos
    except (ImportError, KeyError):
        return login
    return gecos or login


def user_name(config: Config, env: Mapping[str, str] | None = None) -> str:
    """SQITCH_FULLNAME, user.name, SQITCH_ORIG_FULLNAME, then the system's idea."""
    env = os.environ if env is None else env
    name = _first(env_value(env, "FULLNAME"), config.get("user.name"))
    name = name or env_value(env, "ORIG_FULLNAME")
    if name:
        return name
    login = sysuser(env)
    if not login:
        raise SqlitchError(
            'Cannot find your name; run sqitch config --user user.name "YOUR NAME"', ident="user"
        )
    return _full_name(login)


def user_email(config: Config, env: Mapping[str, str] | None = None) -> str:
    """SQITCH_EMAIL, user.email, SQITCH_ORIG_EMAIL, then login@hostname."""
    env = os.environ if env is None else env
    email = _first(env_value(env, "EMAIL"), config.get("user.email"))
    email = email or env_value(env, "ORIG_EMAIL")
    if email:
        return email
    login = sysuser(env)
    if not login:
        raise SqlitchError(
            "Cannot infer your email address; run sqitch config --user user.email you@host.com",
            ident="user",
        )
    import socket

    return f"{login}@{socket.gethostname()}"


def editor(config: Config, env: Mapping[str, str] | None = None) -> str:
    """SQITCH_EDITOR, core.editor, VISUAL, EDITOR, then notepad.exe or vi."""
    env = os.environ if env is None else env
    return _first(
        env_value(env, "EDITOR"),
        config.get("core.editor"),
        env.get("VISUAL"),
        env.get("EDITOR"),
    ) or ("notepad.exe" if sys.platform == "win32" else "vi")


def pager_program(config: Config, env: Mapping[str, str] | None = None) -> str | None:
    """The configured pager command: SQITCH_PAGER, core.pager, then PAGER."""
    env = os.environ if env is None else env
    return _first(env_value(env, "PAGER"), config.get("core.pager"), env.get("PAGER"))


def _usable(program: str, path: str | None) -> str | None:
    import shutil

    if os.path.isabs(program):
        return program if os.path.exists(program) else None
    return shutil.which(program, path=path)


def pager(config: Config, env: Mapping[str, str] | None = None) -> str:
    """The pager command to run, found the way IO::Pager does.

    The configured program is used if its first word resolves (arguments
    kept); otherwise the usual suspects, then ``more``.
    """
    env = os.environ if env is None else env
    search = env.get("PATH")
    configured = pager_program(config, env)
    if configured:
        words = configured.split()
        if words:
            found = _usable(words[0], search)
            if found:
                return " ".join([found, *words[1:]])
    for candidate in (*_PAGER_PATHS, *_PAGER_NAMES):
        found = _usable(candidate, search)
        if found:
            return found
    return "more"
