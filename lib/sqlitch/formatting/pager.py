"""Paged output for long listings (``plan``, ``log``), as Sqitch's ``page`` does.

Output goes through a pager only when stdout is a terminal and --no-pager was
not given. The program is $SQLITCH_PAGER or $SQITCH_PAGER, else core.pager,
else $PAGER, else ``less``; it runs through the shell, so it may carry
arguments.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING

from sqlitch.environment import env_value

if TYPE_CHECKING:  # subprocess is imported only when a pager really starts
    import subprocess

__all__ = ["Pager", "pager_program"]


def pager_program(env: Mapping[str, str], configured: str | None) -> str:
    return env_value(env, "PAGER") or configured or env.get("PAGER") or "less"


class Pager:
    """Write lines to stdout, or to a pager process while one is open."""

    def __init__(self, program: str, *, enabled: bool) -> None:
        self.program = program
        self.enabled = enabled and sys.stdout.isatty()
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Pager:
        if self.enabled:
            import subprocess

            with contextlib.suppress(OSError):
                self._process = subprocess.Popen(  # noqa: S602 - the user's own pager command
                    self.program, shell=True, stdin=subprocess.PIPE, text=True, encoding="utf-8"
                )
        return self

    def __exit__(self, *exc: object) -> None:
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(BrokenPipeError):
                if process.stdin is not None:
                    process.stdin.close()
            process.wait()

    @property
    def stream(self) -> IO[str]:
        if self._process is not None and self._process.stdin is not None:
            return self._process.stdin
        return sys.stdout

    def page(self, *parts: object) -> None:
        """One line (parts joined, newline added), like Sqitch's ``page``."""
        stream = self.stream
        stream.write("".join("" if p is None else str(p) for p in parts) + "\n")
        if stream is sys.stdout:
            stream.flush()
