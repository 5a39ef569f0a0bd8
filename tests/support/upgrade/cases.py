"""Registry upgrade cases: prepared SQLite registries run through `upgrade`.

A case document (``tests/support/upgrade/<name>.json``, written by
``scripts/golden/upgrade_rows.py`` from real Sqitch 1.3.1) holds everything
needed to replay it without Sqitch: the SQL that builds the registry, the
command lines, and what Sqitch printed and left in the registry (as a
``sqlite_dump`` text). Both sides prepare the registry with the same
:func:`prepare` and describe the outcome with the same :func:`outcome`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.support.golden import Invocation, Layout, StepRunner, standard_env
from tests.support.sqlite_dump import dump_database

CASE_DIR = Path(__file__).resolve().parent
PROJECT_CONF = "[core]\n\tengine = sqlite\n"
PROJECT_PLAN = "%syntax-version=1.0.0\n%project=flipr\n\n"

CaseDocument = dict[str, Any]


def case_paths() -> list[Path]:
    return sorted(CASE_DIR.glob("*.json"))


def load_case(path: Path) -> CaseDocument:
    data: CaseDocument = json.loads(path.read_text(encoding="utf-8"))
    return data


def prepare(layout: Layout, document: CaseDocument) -> None:
    """A project with an empty plan, and the registry file built by ``setup``."""
    (layout.project / "sqitch.conf").write_text(PROJECT_CONF, encoding="utf-8")
    (layout.project / "sqitch.plan").write_text(PROJECT_PLAN, encoding="utf-8")
    scripts: Sequence[str] = document["setup"]
    if not scripts:
        return
    registry = layout.project / document["registry_file"]
    registry.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(registry, isolation_level=None)
    try:
        for script in scripts:
            conn.executescript(script)
    finally:
        conn.close()


def _files(layout: Layout) -> dict[str, str]:
    """Database files as dumps; anything else (a left-over journal) by name only."""
    found: dict[str, str] = {}
    for path in sorted(layout.project.rglob("*")):
        if not path.is_file() or path.name in ("sqitch.conf", "sqitch.plan"):
            continue
        key = path.relative_to(layout.project).as_posix()
        journal = path.with_name(path.name + "-journal")
        if path.suffix == ".db" and not journal.exists():
            found[key] = dump_database(path)
        else:
            found[key] = "<present>"
    return found


def outcome(document: CaseDocument, tmp: Path, runner: StepRunner) -> list[dict[str, Any]]:
    """Prepare the case under ``tmp``, run every step, and describe each result."""
    layout = Layout.create(tmp)
    prepare(layout, document)
    results: list[dict[str, Any]] = []
    for step in document["steps"]:
        args = [layout.expand(a) for a in step["args"]]
        code, out, err = runner(Invocation(args, "", standard_env(layout), layout.project))
        stderr = layout.normalise(err.decode("utf-8", "backslashreplace"))
        if document.get("stderr_first_line"):
            stderr = stderr.splitlines(keepends=True)[0] if stderr else ""
        results.append(
            {
                "args": step["args"],
                "exit": code,
                "stdout": layout.normalise(out.decode("utf-8", "backslashreplace")),
                "stderr": stderr,
                "files": _files(layout),
            }
        )
    return results
