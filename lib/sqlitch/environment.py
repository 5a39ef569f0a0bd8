"""The ``SQITCH_*`` environment variables Sqitch reads, and their ``SQLITCH_*`` twins.

Every variable Sqitch 1.3.1 (and 1.6) consults is listed once, in
:data:`TWINS`, and read only through :func:`env_value`: ``SQLITCH_<NAME>``
when it is set, else ``SQITCH_<NAME>``. As in Perl (``$ENV{X} || ...``),
an empty value and ``0`` count as not set, so an empty twin falls back to
the ``SQITCH_`` variable.

SQLitch's own variables (``SQLITCH_CONFIG_ROOT``, ``SQLITCH_RUNNER``,
``SQLITCH_TRACEBACK``, ``SQLITCH_PROGRESS``) have no ``SQITCH_`` counterpart
and are not here.

This module imports nothing: the configuration reads it on every start.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["TWINS", "env_value", "sqitch_name", "sqlitch_name"]

# The part after SQITCH_ / SQLITCH_, with what Sqitch uses the variable for.
TWINS: dict[str, str] = {
    "CONFIG": "the project (local) configuration file",
    "USER_CONFIG": "the user configuration file",
    "SYSTEM_CONFIG": "the system configuration file",
    "TARGET": "the target when none is named on the command line",
    "USERNAME": "the user name to connect with (over the target URI's)",
    "PASSWORD": "the password to connect with (over the target URI's)",
    "FULLNAME": "the planner/committer name (over user.name)",
    "EMAIL": "the planner/committer email address (over user.email)",
    "ORIG_FULLNAME": "the name to use when user.name is not set",
    "ORIG_EMAIL": "the email address to use when user.email is not set",
    "ORIG_SYSUSER": "the operating-system user name",
    "EDITOR": "the editor (over core.editor, VISUAL and EDITOR)",
    "PAGER": "the pager (over core.pager and PAGER)",
}


def sqitch_name(name: str) -> str:
    return f"SQITCH_{name}"


def sqlitch_name(name: str) -> str:
    return f"SQLITCH_{name}"


def env_value(env: Mapping[str, str], name: str) -> str | None:
    """The value of the twin ``name`` (e.g. ``"FULLNAME"``): SQLITCH_ first.

    None when neither is set ("" and "0" count as unset, as in Perl).
    """
    if name not in TWINS:
        raise KeyError(f"{name} is not a Sqitch environment variable")
    for variable in (sqlitch_name(name), sqitch_name(name)):
        value = env.get(variable)
        if value and value != "0":
            return value
    return None
