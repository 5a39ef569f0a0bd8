"""Script runners: how an engine executes deploy, revert and verify scripts.

Two kinds sit behind one interface, :class:`ScriptRunner`:

- :class:`ClientRunner` runs the database's command-line client exactly as
  Sqitch does (the engine supplies the argument list), passing its output
  through and failing with Sqitch's ``"<client>" unexpectedly returned exit
  value N`` message;
- an in-process driver runner (engine-specific, e.g.
  :class:`sqlitch.engines.sqlite.SqliteDriverRunner`) executes the script
  through the DB-API driver.

Engines choose between them with the ``--runner`` option, the
``SQLITCH_RUNNER`` environment variable or the ``runner`` setting
(``target.<name>.runner``, ``engine.<engine>.runner``, ``core.runner``):
``client`` or ``driver``; by default the client when its program can be
found, else the driver.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TextIO, runtime_checkable

from sqlitch.errors import SqlitchError, hurl

RUNNER_NAMES = ("client", "driver")


class ScriptRunner(Protocol):
    """Runs one script file against the target database."""

    name: str
    #: -vvv: told what is sent, as ``(kind, text)`` (EngineOptions.trace).
    trace: Callable[[str, str], None] | None

    def run(self, path: Path, *, quiet: bool = False) -> None:
        """Run ``path``; ``quiet`` discards what the script prints (verify)."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class TransactionRunner(Protocol):
    """A driver runner that can run a script inside a transaction its caller
    opened on the runner's connection (the change and its registry rows then
    commit together)."""

    name: str

    def blocker(self, path: Path) -> str | None:
        """Why ``path`` cannot run inside a transaction ("<file> line <n>:
        <why>"), or None. Read without running anything."""
        ...

    def run_in_transaction(self, path: Path, *, quiet: bool = False) -> None:
        """Run ``path`` inside the open transaction: the script's own
        transaction statements become savepoints. A failure raises and leaves
        the outer transaction for the caller to roll back."""
        ...


def shares_transactions(runner: object) -> bool:
    """Whether ``runner`` is a :class:`TransactionRunner` (a cheap check: the
    Protocol's own isinstance inspects every member on each call)."""
    return callable(getattr(runner, "run_in_transaction", None)) and callable(
        getattr(runner, "blocker", None)
    )


class ClientError(SqlitchError):
    """The client failed. Like Sqitch's plain-string error, the message ends
    with a newline, so printing it leaves a blank line after it."""

    def __init__(self, message: str) -> None:
        super().__init__(message + "\n", ident="client")


class ClientRunner:
    """Runs scripts through the engine's command-line client."""

    name = "client"
    trace: Callable[[str, str], None] | None = None

    def __init__(
        self,
        client: str,
        argv_for: Callable[[Path], Sequence[str]],
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.argv_for = argv_for
        # Added to our environment for the client only (a password, never argv).
        self.env = dict(env or {})

    def run(self, path: Path, *, quiet: bool = False) -> None:
        self.execute(self.argv_for(path), quiet=quiet)

    def execute(self, argv: Sequence[str], *, quiet: bool = False) -> None:
        """Run the client with ``argv``, passing its output through."""
        argv = list(argv)
        if self.trace is not None:
            self.trace("exec", command_line(argv, self.env))
        env = {**os.environ, **self.env} if self.env else None
        try:
            done = subprocess.run(
                argv, capture_output=True, stdin=subprocess.DEVNULL, env=env, check=False
            )
        except OSError as exc:
            raise ClientError(f'"{self.client}" failed to start: "{exc.strerror}"') from None
        except ValueError:  # a NUL character (from a config value): no exec takes it
            shown = self.client.replace("\0", "\\0")
            message = f'"{shown}" failed to start: "NUL character in the command"'
            raise ClientError(message) from None
        # Pass the client's output on through our (possibly redirected) streams.
        if done.stdout and not quiet:
            _write(sys.stdout, done.stdout)
        if done.stderr:
            sys.stdout.flush()
            _write(sys.stderr, done.stderr)
        if done.returncode != 0:
            if done.returncode < 0:
                raise ClientError(f'"{self.client}" unexpectedly died on signal {-done.returncode}')
            raise ClientError(f'"{self.client}" unexpectedly returned exit value {done.returncode}')

    def close(self) -> None:
        return None


def command_line(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """A client's command line as a shell would take it, the values of the
    environment variables added for it (passwords) hidden."""
    import shlex

    return " ".join([*(f"{name}=****" for name in sorted(env)), shlex.join(argv)])


def _write(stream: TextIO, data: bytes) -> None:
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode("utf-8", "replace"))
    stream.flush()


def read_script(path: Path, ident: str, cannot_open: str) -> str:
    """A script's text for an in-process runner: UTF-8 or a one-line error.

    The clients pass any bytes through; Python's drivers take text only.
    """
    try:
        return path.read_bytes().decode("utf-8")
    except OSError:
        raise hurl(cannot_open, ident=ident) from None
    except UnicodeDecodeError as exc:
        raise hurl(
            f"{path}: not UTF-8 ({exc.reason} at byte {exc.start});"
            " use the client runner (--runner client)",
            ident=ident,
        ) from None


def choose_runner(requested: str | None, client: str, *, client_configured: bool = False) -> str:
    """``client`` or ``driver``: as requested, else the client when installed.

    A client named by option or setting is always used: falling back to the
    driver would hide a wrong path, where Sqitch reports that it cannot start.
    """
    if requested:
        if requested not in RUNNER_NAMES:
            raise hurl(
                f'Unknown script runner "{requested}"; use "client" or "driver"', ident="engine"
            )
        return requested
    if client_configured:
        return "client"
    return "client" if shutil.which(client) else "driver"
