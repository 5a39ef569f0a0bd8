"""Cheap commands must not import database drivers or Rich (start-up time)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("psycopg", "pymysql", "rich", "sqlite3")

PROBE = """
import sys
from sqlitch.cli.main import run
run({argv!r})
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))
print('HEAVY=' + ','.join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["help"], ["config", "--list"], ["target", "list"], ["engine", "list"]],
    ids=" ".join,
)
def test_cheap_commands_import_nothing_heavy(argv: list[str]) -> None:
    code = PROBE.format(argv=argv, heavy=HEAVY)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    heavy_line = [line for line in proc.stderr.splitlines() if line.startswith("HEAVY=")]
    assert heavy_line == ["HEAVY="], proc.stderr
