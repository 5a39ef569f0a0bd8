"""A wheel installed with ``pip install --target`` finds its default templates.

Such installs (and ``pip install --user``) put the wheel's data files outside
``sys.prefix``, so ``sqlitch --etc-path`` has no templates; ``add`` must fall
back to the ones shipped inside the package. Building the wheel needs
setuptools: without it (offline, no build backend) the test skips with a
warning.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from tests.support.checkout import copy_checkout


class WheelBuildUnavailableWarning(UserWarning):
    """The wheel could not be built here, so the installed-wheel test did not run."""


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _build_wheel(source: Path, out: Path) -> Path:
    """The project's wheel: with the installed setuptools first, else in isolation."""
    attempts = [["--no-build-isolation"], []]
    errors = []
    for extra in attempts:
        done = _pip("wheel", str(source), "--no-deps", "-q", *extra, "-w", str(out))
        wheels = sorted(out.glob("sqlitch-*.whl"))
        if done.returncode == 0 and wheels:
            return wheels[0]
        errors.append(done.stderr.strip().splitlines()[-1:] or ["(no message)"])
    reason = "cannot build the sqlitch wheel: " + "; ".join(e[0] for e in errors)
    warnings.warn(reason, WheelBuildUnavailableWarning, stacklevel=1)
    pytest.skip(reason)


@pytest.mark.slow
def test_wheel_installed_with_target_adds_default_templates(tmp_path: Path) -> None:
    source = tmp_path / "source"
    copy_checkout(source)  # builds write build/ and *.egg-info: never in the checkout
    wheel = _build_wheel(source, tmp_path / "wheels")
    target = tmp_path / "target"
    done = _pip("install", "--no-deps", "-q", "--target", str(target), str(wheel))
    assert done.returncode == 0, done.stderr

    project = tmp_path / "project"
    project.mkdir()
    home = tmp_path / "home"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "PYTHONPATH": str(target),
        "SQITCH_SYSTEM_CONFIG": str(tmp_path / "etc" / "sqitch.conf"),
        "SQITCH_FULLNAME": "Marge N. O'Vera",
        "SQITCH_EMAIL": "marge@example.com",
        "TZ": "UTC",
    }

    def sqlitch(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sqlitch", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import sqlitch; print(sqlitch.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(target), where.stdout
    # The wheel's data files went to target/etc, not to `sqlitch --etc-path`.
    assert (target / "etc" / "sqlitch" / "templates" / "deploy" / "sqlite.tmpl").is_file()
    assert Path(sqlitch("--etc-path").stdout.strip()) != target / "etc" / "sqlitch"

    assert sqlitch("init", "x", "--engine", "sqlite").returncode == 0
    done = sqlitch("add", "a", "-n", "a")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (project / "deploy" / "a.sql").read_text().startswith("-- Deploy x:a to sqlite\n")
    assert (project / "revert" / "a.sql").read_text().startswith("-- Revert x:a from sqlite\n")
    assert (project / "verify" / "a.sql").read_text().startswith("-- Verify x:a on sqlite\n")
