"""SQLitch's ``-v``/``-vv``/``-vvv`` diagnostics for commands that connect.

Sqitch's own verbose output (``debug:`` lines on stdout, such as ``-vv``'s
list of changes to deploy) is left exactly as it is; these lines are
SQLitch's additions and go to stderr, one per line, each starting with
``sqlitch: <topic>: `` (:data:`DIAGNOSTIC_LINE` matches them):

- ``-v``: the configuration files read, the resolved target (password
  removed), its engine and plan, where the registry is, the script runner
  and the client;
- ``-vv``: each script run, with how long it took (printed when its change
  is done, so that the change's own line stays whole);
- ``-vvv``: the SQL the driver runner sends and the client's command lines.

Passwords never appear: URIs lose theirs, and a password in a connection
string, a URI or the client's environment (``PGPASSWORD``, ``MYSQL_PWD``)
is shown as ``****``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlitch.engines.base import ChangeObserver

if TYPE_CHECKING:
    from sqlitch.app import App
    from sqlitch.engines.base import Engine

__all__ = ["DIAGNOSTIC_LINE", "TOPICS", "Diagnostics", "redact"]

TOPICS = ("config", "target", "engine", "plan", "registry", "runner", "script", "exec", "sql")
#: One diagnostic line (with its newline), for tools that set them apart.
DIAGNOSTIC_LINE = re.compile(rf"^sqlitch: (?:{'|'.join(TOPICS)}): .*(?:\n|$)", re.MULTILINE)
HIDDEN = "****"

_URI_PASSWORD = re.compile(r"(://[^/\s:@]*:)[^@\s/]+@")
_KEYWORD_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&;]*)", re.IGNORECASE)
# Shorter passwords are found by their place (above) only: replacing every
# occurrence of a two-letter word would garble the text.
_LITERAL_MIN = 4


def redact(text: str, password: str | None = None) -> str:
    """``text`` without passwords: URI passwords, ``password=`` values and
    every occurrence of ``password`` itself become ``****``."""
    text = _URI_PASSWORD.sub(rf"\g<1>{HIDDEN}@", text)
    text = _KEYWORD_PASSWORD.sub(rf"\g<1>{HIDDEN}", text)
    if password and len(password) >= _LITERAL_MIN:
        text = text.replace(password, HIDDEN)
    return text


def _seconds(value: float) -> str:
    return f"{value:.3f} s"


class Diagnostics(ChangeObserver):
    """Writes the diagnostic lines of one command (see the module's text)."""

    def __init__(self, app: App, engine: Engine, level: int, *, scripts: bool = True) -> None:
        self.app = app
        self.engine = engine
        self.level = level
        self.scripts = scripts
        self.password = engine.target.password
        self._scripts: list[str] = []
        self._in_change = False  # a change's line may be unfinished on stdout
        self._broke_line = False

    def line(self, topic: str, text: str) -> None:
        self.app.vent_literal(
            "".join(
                f"sqlitch: {topic}: {part}\n" for part in redact(text, self.password).split("\n")
            )
        )

    def start(self) -> None:
        """Describe the connection (``-v``) and listen to the run (``-vv``, ``-vvv``)."""
        from sqlitch.services.observers import attach_observer

        self.describe()
        if not self.scripts:
            return
        if self.level >= 2:
            attach_observer(self.engine.options, self)
        if self.level >= 3:
            self.engine.options.trace = self.trace

    # -- -v ---------------------------------------------------------------
    def describe(self) -> None:
        app, engine = self.app, self.engine
        target = engine.target
        files = app.config.loaded_files
        for path in files:
            self.line("config", path)
        if not files:
            self.line("config", "no configuration file found")
        uri = target.uri.without_password()
        name = target.name
        self.line("target", uri if name == uri else f"{name} = {uri}")
        self.line("engine", f"{engine.display_name or engine.key} ({engine.key})")
        self.line("plan", str(target.plan_file))
        destination = engine.registry_destination()
        where = f" in {destination}" if destination != target.registry else ""
        self.line("registry", f"{target.registry}{where}")
        if not self.scripts:
            return
        client = target.client
        try:
            runner = "client" if engine.uses_client() else "driver"
        except Exception as exc:  # an unknown runner name: the command reports it
            self.line("runner", str(getattr(exc, "message", exc)))
            return
        found = shutil.which(client)
        located = found if found is not None else "not found on PATH"
        if runner == "client":
            self.line("runner", f"client: {client} ({located})")
        else:
            self.line("runner", f"driver (in-process); client {client}: {located}")

    # -- -vv: scripts and their times --------------------------------------
    def change_started(self, action: str, change: Any) -> None:
        self._in_change = True
        self._broke_line = False

    def script_ran(self, path: Path, seconds: float) -> None:
        self._scripts.append(f"{path} ({_seconds(seconds)})")
        if not self._in_change:
            self._flush()

    def change_finished(
        self, action: str, change: Any, *, ok: bool, seconds: float, error: str | None = None
    ) -> None:
        self._in_change = False
        self._flush()

    def end(self, action: str, *, ok: bool) -> None:
        self._in_change = False
        self._flush()

    def _flush(self) -> None:
        scripts, self._scripts = self._scripts, []
        for text in scripts:
            self.line("script", text)

    # -- -vvv: what the runner sends -----------------------------------------
    def trace(self, kind: str, text: str) -> None:
        """The runner's trace hook: ``kind`` is "sql" or "exec"."""
        if self._in_change and not self._broke_line:
            # The change's "  + name .. " waits for its "ok" on stdout: start
            # the trace on a line of its own.
            self.app.vent_literal("\n")
        self._broke_line = True
        self.line(kind, text.strip("\n"))
