"""Extended suites: run with ``.venv/bin/python -m pytest xt -p no:cacheprovider --no-cov``.

The interop tests drive real Sqitch and SQLitch as subprocesses on the same
databases. Without ``sqitch`` on PATH they skip with a visible warning (as
the server tests do), so a missing Sqitch never passes silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.support.golden import Layout, standard_env

SQLITCH = Path(sys.executable).parent / "sqlitch"


def pytest_configure(config: pytest.Config) -> None:
    """Coverage's fail-under means nothing here: the tools run as subprocesses.

    pyproject's addopts turn coverage on; ``--no-cov`` is the documented way
    to run xt, but a plain ``pytest xt`` must not fail on a 0% total either.
    """
    plugin = config.pluginmanager.getplugin("_cov")
    options = getattr(plugin, "options", None)
    if options is not None and getattr(options, "cov_fail_under", None):
        options.cov_fail_under = 0


class SqitchUnavailableWarning(UserWarning):
    """Real Sqitch, which the interop suite drives, is not installed."""


@dataclass(frozen=True)
class Tools:
    """Runs either tool in one isolated layout (HOME, config and project under tmp)."""

    layout: Layout
    sqitch: str
    sqlitch: str

    @property
    def project(self) -> Path:
        return self.layout.project

    def _run(self, argv: Sequence[str], ok: bool) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            list(argv),
            cwd=self.layout.project,
            env=standard_env(self.layout),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if ok and done.returncode != 0:
            raise AssertionError(
                f"{' '.join(argv)} exited {done.returncode}\n"
                f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
            )
        return done

    def run_sqitch(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run([self.sqitch, *args], ok)

    def run_sqlitch(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run([self.sqlitch, *args], ok)


@pytest.fixture
def sqitch_path() -> str:
    found = shutil.which("sqitch")
    if found is None:
        reason = "sqitch is not on PATH: the Sqitch interop suite did not run"
        warnings.warn(reason, SqitchUnavailableWarning, stacklevel=1)
        pytest.skip(reason)
    return found


@pytest.fixture
def make_tools(sqitch_path: str, tmp_path: Path) -> Callable[[str], Tools]:
    """``make_tools(name)``: a fresh isolated layout under ``tmp_path/name``."""
    if not os.access(SQLITCH, os.X_OK):
        pytest.fail(f"{SQLITCH} not found: install the project into this venv")

    def make(name: str) -> Tools:
        return Tools(Layout.create(tmp_path / name), sqitch_path, str(SQLITCH))

    return make
