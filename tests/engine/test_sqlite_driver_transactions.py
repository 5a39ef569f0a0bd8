"""A script's own transaction ends with the script, on both SQLite runners.

The sqlite3 client rolls back a transaction a script left open (it failed
inside it, or never committed) when it exits; the driver runner keeps its
connection between scripts, so it must roll back itself, or the next
script's ``executescript`` would commit the half-applied work (issue 12, A).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from sqlitch.cli.main import run

PLAN = """%syntax-version=1.0.0
%project=flipr

a 2026-01-01T00:00:00Z Marge N. O'Vera <marge@example.com> # a
b 2026-01-01T00:00:01Z Marge N. O'Vera <marge@example.com> # b
"""
RUNNERS = ["driver"] + (["client"] if shutil.which("sqlite3") else [])


def _project(root: Path, runner: str, script_b: str) -> None:
    (root / "sqitch.conf").write_text(
        '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:t.db\n'
        f"\trunner = {runner}\n[user]\n\tname = T\n\temail = t@example.com\n"
    )
    (root / "sqitch.plan").write_text(PLAN)
    for kind in ("deploy", "revert"):
        (root / kind).mkdir()
    (root / "deploy" / "a.sql").write_text("CREATE TABLE a (x);\n")
    (root / "revert" / "a.sql").write_text("DROP TABLE a;\n")
    (root / "deploy" / "b.sql").write_text(script_b)
    (root / "revert" / "b.sql").write_text("SELECT 1;\n")


def _tables(root: Path) -> list[str]:
    with sqlite3.connect(root / "t.db") as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
        return [r[0] for r in rows]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("mode", ["all", "tag"])
def test_a_failed_script_leaves_nothing_of_its_transaction(
    isolated_env: Path, runner: str, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(
        isolated_env,
        runner,
        "BEGIN; CREATE TABLE b1 (x); INSERT INTO nosuch VALUES (1); COMMIT;\n",
    )
    assert run(["deploy", "--mode", mode]) == 2
    assert "no such table: nosuch" in capsys.readouterr().err
    assert _tables(isolated_env) == []
    # And a second try fails the same way, not on "table b1 already exists".
    assert run(["deploy", "--mode", mode]) == 2
    assert "already exists" not in capsys.readouterr().err


@pytest.mark.parametrize("runner", RUNNERS)
def test_an_unfinished_transaction_is_rolled_back(
    isolated_env: Path, runner: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(isolated_env, runner, "BEGIN; CREATE TABLE b1 (x);\n")
    assert run(["deploy"]) == 0, capsys.readouterr()
    assert _tables(isolated_env) == ["a"]
