"""`upgrade` against recorded Sqitch 1.3.1 runs (tests/support/upgrade/*.json).

Each case prepares the same registry file Sqitch upgraded, runs SQLitch
in-process and compares exit code, output and the registry dump (schema and
rows, clock values masked). Regenerate with scripts/golden/upgrade_rows.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.support.golden import in_process_runner
from tests.support.upgrade.cases import case_paths, load_case, outcome

CASES = {path.stem: path for path in case_paths()}
NEEDS_CLIENT = {"not-initialized"}  # the failure text is the sqlite3 client's


def test_cases_are_recorded() -> None:
    assert {"from-0-empty", "from-0-history", "from-1-0", "newer-registry"} <= set(CASES)


def _check(document: dict[str, Any], tmp: Path, extra: list[str]) -> None:
    replay = dict(document)
    replay["steps"] = [
        {"args": [*s["args"][:1], *extra, *s["args"][1:]]} for s in document["steps"]
    ]
    actual = outcome(replay, tmp, in_process_runner())
    for expected, got in zip(document["steps"], actual, strict=True):
        got["args"] = expected["args"]
        assert got == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_upgrade_matches_sqitch(name: str, tmp_path: Path) -> None:
    if name in NEEDS_CLIENT and shutil.which("sqlite3") is None:
        pytest.skip("sqlite3 client not installed")
    _check(load_case(CASES[name]), tmp_path, [])


@pytest.mark.parametrize(
    "name", ["from-0-empty", "from-0-history", "from-1-0", "registry-option", "newer-registry"]
)
def test_driver_runner_upgrades_alike(name: str, tmp_path: Path) -> None:
    """The in-process driver leaves the same registry rows as Sqitch's client."""
    _check(load_case(CASES[name]), tmp_path, ["--runner", "driver"])
