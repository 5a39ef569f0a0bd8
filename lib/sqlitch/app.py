"""The application object every command receives: config, verbosity, output.

Output follows Sqitch's conventions: ``info``/``comment`` honour verbosity
(default 1, ``-q`` makes it 0), ``debug`` needs 2, ``trace`` 3; ``emit``
always prints to stdout and ``vent`` always prints to stderr. Streams are
looked up at call time so that in-process test harnesses can swap them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from sqlitch.errors import hurl

if TYPE_CHECKING:
    from sqlitch.config import Config


class CoreOptions:
    """Options given before (or anywhere around) the command name.

    A plain class, not a dataclass: ``dataclasses`` (and the ``inspect`` it
    imports) would cost start-up time on every command.
    """

    def __init__(
        self, verbosity: int | None = None, no_pager: bool = False, chdir: str | None = None
    ) -> None:
        self.verbosity = verbosity
        self.no_pager = no_pager
        self.chdir = chdir


def _prepend(prefix: str, parts: tuple[object, ...]) -> str:
    text = "".join("" if p is None else str(p) for p in parts)
    return "\n".join(f"{prefix} {line}" for line in text.split("\n"))


class App:
    """State shared by all commands for one invocation."""

    def __init__(
        self,
        config: Config,
        options: CoreOptions | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.options = options or CoreOptions()
        self.env: Mapping[str, str] = os.environ if env is None else env
        #: --json: stdout carries JSON only (sqlitch.services.json_output), so
        #: the human text normally printed there is dropped, and questions go
        #: to stderr.
        self.json = False

    @cached_property
    def verbosity(self) -> int:
        if self.options.verbosity is not None:
            return self.options.verbosity
        # Sqitch uses the setting as a Perl scalar: tested for truth to show
        # messages and compared as a number (> 1 debug, > 2 trace), so any
        # text is a verbosity, never an error.
        from sqlitch.perl import perl_number, perl_true

        configured = self.config.get("core.verbosity")
        if configured is None:
            return 1
        if not perl_true(configured):
            return 0
        number = perl_number(configured)
        return 3 if number > 2 else 2 if number > 1 else 1

    # -- identity ---------------------------------------------------------
    @cached_property
    def user_name(self) -> str:
        from sqlitch.config.identity import user_name

        return user_name(self.config, self.env)

    @cached_property
    def user_email(self) -> str:
        from sqlitch.config.identity import user_email

        return user_email(self.config, self.env)

    # -- output -----------------------------------------------------------
    def emit(self, *parts: object) -> None:
        self.emit_literal(*parts, "\n")

    def emit_literal(self, *parts: object) -> None:
        if self.json:
            return
        sys.stdout.write("".join("" if p is None else str(p) for p in parts))
        sys.stdout.flush()

    def info(self, *parts: object) -> None:
        if self.verbosity:
            self.emit(*parts)

    def info_literal(self, *parts: object) -> None:
        if self.verbosity:
            self.emit_literal(*parts)

    def comment(self, *parts: object) -> None:
        self.emit(_prepend("#", parts))

    def debug(self, *parts: object) -> None:
        if self.verbosity > 1:
            self.emit(_prepend("debug:", parts))

    def trace(self, *parts: object) -> None:
        if self.verbosity > 2:
            self.emit(_prepend("trace:", parts))

    def vent(self, *parts: object) -> None:
        self.vent_literal(*parts, "\n")

    def vent_literal(self, *parts: object) -> None:
        sys.stdout.flush()
        sys.stderr.write("".join("" if p is None else str(p) for p in parts))
        sys.stderr.flush()

    def warn(self, *parts: object) -> None:
        self.vent(_prepend("warning:", parts))

    # -- interaction ------------------------------------------------------
    def prompt(self, message: str, default: str | None = None, *, has_default: bool = False) -> str:
        """Ask a question on stdout and read one line from stdin, as Sqitch does.

        Reaching end of input counts as "unattended": the default is shown
        as the answer, and without a default the question is an error.
        """
        shown = f"[{'' if default is None else default}] " if has_default else ""
        self._ask(message, " ", shown)
        line = sys.stdin.readline()
        if line == "":
            if not has_default:
                raise hurl(
                    "Sqitch seems to be unattended and there is no default value for this question",
                    ident="io",
                )
            self._ask("" if default is None else default, "\n")
        elif self.json and not sys.stdin.isatty():
            self.vent_literal("\n")  # end the question's line: JSON starts a line
        answer = line.rstrip("\r\n")
        if not answer:
            return (default or "") if has_default else ""
        return answer

    def ask_yes_no(self, message: str, default: bool | None = None) -> bool:
        """Ask a yes/no question; three invalid answers abort as Sqitch does.

        As in Sqitch, an answer matches when it is a prefix of "Yes" or "No"
        (case-insensitively), so an empty answer without a default is "Yes".
        """
        yes, no = "Yes", "No"
        for _ in range(3):
            if default is None:
                answer = self.prompt(message)
            else:
                answer = self.prompt(message, yes if default else no, has_default=True)
            if yes.lower().startswith(answer.lower()):
                return True
            if no.lower().startswith(answer.lower()):
                return False
            self._ask('Please answer "y" or "n".\n')
        raise hurl("No valid answer after 3 attempts; aborting", ident="io")

    def _ask(self, *parts: object) -> None:
        """Question text: on stdout, or on stderr when stdout is kept for JSON."""
        if self.json:
            self.vent_literal(*parts)
        else:
            self.emit_literal(*parts)
