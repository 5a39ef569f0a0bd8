"""Test isolation: every test gets its own config root and project directory.

No test may read or write the real home directory, ~/.sqitch, or a config
file of the machine: HOME and every SQITCH_/SQLITCH_ variable that points at a
file is redirected into the test's temporary directory, and the working
directory is an empty project directory that pytest removes afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Variables that change where config comes from or who the user is.
_ISOLATED_PREFIXES = ("SQITCH_", "SQLITCH_")
_KEEP = {"SQLITCH_TEST_PG_URI", "SQLITCH_TEST_MYSQL_URI", "SQLITCH_TEST_SQITCH"}
_UNSET = ("EDITOR", "VISUAL", "PAGER")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Give the test a private HOME, empty config scopes and a fresh project dir."""
    for name in list(os.environ):
        if name.startswith(_ISOLATED_PREFIXES) and name not in _KEEP:
            monkeypatch.delenv(name)
    for name in _UNSET:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    etc = tmp_path / "etc"
    project = tmp_path / "project"
    for path in (home, etc, project):
        path.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("SQLITCH_CONFIG_ROOT", str(home / ".sqitch"))
    monkeypatch.setenv("SQITCH_SYSTEM_CONFIG", str(etc / "sqitch.conf"))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.chdir(project)
    yield project
