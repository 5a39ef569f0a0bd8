"""The dependency direction of docs/ARCHITECTURE.md holds: cli → services → domain → core."""

from __future__ import annotations

import ast
from pathlib import Path

import sqlitch

PACKAGE = Path(sqlitch.__file__).parent
# Rank of each top-level part of the package: a module may import only from
# parts of equal or lower rank.
RANKS = {
    "errors": 0,
    "clock": 0,
    "perl": 0,
    "environment": 0,
    "files": 0,
    "plan": 1,
    "config": 1,
    "target": 1,
    "engines": 1,
    "app": 1,
    "formatting": 1,
    "templating": 1,
    "services": 2,
    "cli": 3,
    "__main__": 3,
}


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return [name for name in found if name.startswith("sqlitch.")]


def test_every_part_has_a_rank() -> None:
    parts = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    parts -= {"__init__", "__pycache__", "py", "templates", "sql"}
    unknown = {p for p in parts if not p.startswith(".") and p not in RANKS}
    assert not unknown, f"add these to RANKS and docs/ARCHITECTURE.md: {unknown}"


def test_imports_point_inward() -> None:
    violations = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts)
        own = RANKS.get(_part(module), 0)
        for target in _imports(path):
            if RANKS.get(_part(target), 0) > own:
                violations.append(f"{module} imports {target}")
    assert not violations, "\n".join(violations)
