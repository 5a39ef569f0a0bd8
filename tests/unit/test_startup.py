"""Cheap commands must not import database drivers (start-up time), and every
runtime dependency must be used."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Rich is no dependency (nothing used it); it stays listed so that it cannot
# come back on a command's import path unnoticed.
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


PROJECTS = {
    "sqlite": "db:sqlite:flipr.db",
    "pg": "db:pg://postgres@127.0.0.1:5432/flipr",
    "mysql": "db:mysql://root@127.0.0.1:3306/flipr",
}


@pytest.mark.parametrize("engine", sorted(PROJECTS))
@pytest.mark.parametrize(
    "argv", [["plan"], ["help", "plan"], ["show", "change", "users"]], ids=" ".join
)
def test_plan_commands_do_not_import_drivers(tmp_path: Path, engine: str, argv: list[str]) -> None:
    """Reading a plan never loads the target's driver: drivers load when a database is used."""
    (tmp_path / "sqitch.conf").write_text(
        f'[core]\n\tengine = {engine}\n[engine "{engine}"]\n\ttarget = {PROJECTS[engine]}\n'
    )
    (tmp_path / "sqitch.plan").write_text(
        "%syntax-version=1.0.0\n%project=flipr\n\n"
        "users 2026-01-01T00:00:00Z Marge <marge@example.com> # Users.\n"
    )
    code = PROBE.format(argv=argv, heavy=HEAVY)
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    heavy_line = [line for line in proc.stderr.splitlines() if line.startswith("HEAVY=")]
    assert heavy_line == ["HEAVY="], proc.stdout + proc.stderr
    assert "flipr" in proc.stdout or "Usage:" in proc.stdout, proc.stdout + proc.stderr


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]


def test_every_runtime_dependency_is_imported_by_the_package() -> None:
    """A dependency nothing imports is dead weight for every install: drop it."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    imported: set[str] = set()
    for path in (ROOT / "lib" / "sqlitch").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    for requirement in pyproject["project"]["dependencies"]:
        name = _requirement_name(requirement)
        assert name.lower() in imported, f"{requirement}: nothing in lib/sqlitch imports it"
