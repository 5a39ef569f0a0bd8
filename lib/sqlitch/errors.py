"""The one exception type every layer raises for a user-facing failure.

Mirrors Sqitch's exception object: a message, an ``ident`` naming the
subsystem, and the process exit value (2 = fatal error, 1 = non-fatal:
the message goes to stdout and the command exits 1).
"""

from __future__ import annotations


class SqlitchError(Exception):
    """A failure to report to the user as one message and an exit code."""

    def __init__(
        self,
        message: str,
        *,
        ident: str = "sqitch",
        exitval: int = 2,
        vent_lines: tuple[str, ...] | list[str] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.ident = ident
        self.exitval = exitval
        # Lines Sqitch prints to stderr before the message (e.g. the
        # candidates of an ambiguous change lookup).
        self.vent_lines = list(vent_lines)

    def __str__(self) -> str:
        return self.message


def hurl(
    message: str,
    *,
    ident: str = "sqitch",
    exitval: int = 2,
    vent_lines: tuple[str, ...] | list[str] = (),
) -> SqlitchError:
    """Build an error to raise: ``raise hurl("...")`` reads like Sqitch's idiom."""
    return SqlitchError(message, ident=ident, exitval=exitval, vent_lines=vent_lines)
