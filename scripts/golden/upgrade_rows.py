#!/usr/bin/env python3
"""Record `sqitch upgrade` on prepared SQLite registries: tests/support/upgrade/*.json.

Each case builds a registry file with SQL (Sqitch's pre-1.0 registry fixture
with its `releases` table dropped, some history rows, and for the 1.0 case
SQLitch's own 0 -> 1.0 script plus a 1.0 release row), then runs real
Sqitch 1.3.1 (clock frozen with faketime, HOME isolated) and stores what it
printed and the registry dump after every step. tests/cli/test_upgrade_rows.py
replays each case through SQLitch and compares.

Usage: scripts/golden/upgrade_rows.py   (needs sqitch and faketime on PATH)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.support import golden  # noqa: E402
from tests.support.upgrade.cases import CASE_DIR, outcome  # noqa: E402

FIXTURE = REPO_ROOT.parent / "shared" / "sqitch-fixtures" / "upgradable_registries" / "sqlite.sql"
UPGRADE_1_0 = REPO_ROOT / "lib" / "sqlitch" / "engines" / "sql" / "sqlite" / "upgrade-1.0.sql"

# History of two projects in the pre-1.0 layout (no script_hash column).
HISTORY = """\
INSERT INTO projects VALUES
  ('flipr', 'https://example.com/flipr', '2025-11-30 09:00:00', 'Ann', 'ann@example.com'),
  ('other', NULL, '2025-11-30 09:30:00', 'Bob', 'bob@example.com');
INSERT INTO changes VALUES
  ('c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'users', 'flipr', 'Users table',
   '2025-12-01 10:00:00.100', 'Ann', 'ann@example.com',
   '2025-11-30 09:00:00', 'Ann', 'ann@example.com'),
  ('d1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'flips', 'flipr', '',
   '2025-12-01 10:00:00.200', 'Ann', 'ann@example.com',
   '2025-11-30 09:10:00', 'Ann', 'ann@example.com'),
  ('e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'widgets', 'other', 'Other project',
   '2025-12-02 11:00:00.000', 'Bob', 'bob@example.com',
   '2025-11-30 09:40:00', 'Bob', 'bob@example.com');
INSERT INTO tags VALUES
  ('f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', '@v1', 'flipr',
   'd1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'First release',
   '2025-12-01 10:00:00.300', 'Ann', 'ann@example.com',
   '2025-11-30 09:20:00', 'Ann', 'ann@example.com');
INSERT INTO dependencies VALUES
  ('d1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'require', 'users',
   'c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4');
INSERT INTO events VALUES
  ('deploy', 'c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'users', 'flipr', 'Users table',
   '', '', '',
   '2025-12-01 10:00:00.100', 'Ann', 'ann@example.com',
   '2025-11-30 09:00:00', 'Ann', 'ann@example.com'),
  ('deploy', 'd1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'flips', 'flipr', '', 'users', '', '@v1',
   '2025-12-01 10:00:00.200', 'Ann', 'ann@example.com',
   '2025-11-30 09:10:00', 'Ann', 'ann@example.com'),
  ('fail', 'e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'widgets', 'other', 'Other project',
   '', '', '',
   '2025-12-02 10:59:00.000', 'Bob', 'bob@example.com',
   '2025-11-30 09:40:00', 'Bob', 'bob@example.com'),
  ('deploy', 'e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'widgets', 'other', 'Other project',
   '', '', '',
   '2025-12-02 11:00:00.000', 'Bob', 'bob@example.com',
   '2025-11-30 09:40:00', 'Bob', 'bob@example.com');
"""

RELEASE_1_0 = (
    "INSERT INTO releases VALUES (1.0, '2025-12-05 08:00:00.000', 'Ann', 'ann@example.com');\n"
)
RELEASE_2_0 = (
    "INSERT INTO releases VALUES (2.0, '2025-12-06 08:00:00.000', 'Ann', 'ann@example.com');\n"
)


def cases() -> dict[str, dict[str, Any]]:
    pre_1_0 = [FIXTURE.read_text(encoding="utf-8"), "DROP TABLE releases;\n"]
    with_history = [*pre_1_0, HISTORY]
    at_1_0 = [*with_history, UPGRADE_1_0.read_text(encoding="utf-8"), RELEASE_1_0]
    upgrade = ["upgrade", "db:sqlite:flipr.db"]
    return {
        "from-0-empty": {
            "description": "the bare pre-1.0 fixture registry, then again when current",
            "setup": pre_1_0,
            "steps": [upgrade, upgrade],
        },
        "from-0-history": {
            "description": "a pre-1.0 registry holding two projects' history",
            "setup": with_history,
            "steps": [upgrade],
        },
        "from-1-0": {
            "description": "a 1.0 registry (script_hash unique across projects)",
            "setup": at_1_0,
            "steps": [upgrade, upgrade],
        },
        "registry-option": {
            "description": "--registry names another registry file beside the database",
            "registry_file": "legacy.db",
            "setup": with_history,
            "steps": [["upgrade", "--registry", "legacy", "db:sqlite:flipr.db"]],
        },
        "too-many-targets": {
            "description": "a warning, and only the first target is upgraded",
            "registry_file": "sub/sqitch.db",
            "setup": pre_1_0,
            "steps": [["upgrade", "db:sqlite:sub/a.db", "db:sqlite:b.db"]],
        },
        "newer-registry": {
            "description": "a registry newer than this release: exit 2 (Sqitch adds a trace)",
            "setup": [*at_1_0, RELEASE_2_0],
            "steps": [upgrade],
            "stderr_first_line": True,
        },
        "not-initialized": {
            "description": "no registry: the 0 -> 1.0 script fails in the sqlite3 client",
            "setup": [],
            "steps": [upgrade],
        },
        "unknown-argument": {
            "description": "an argument that is neither a target nor a change",
            "setup": pre_1_0,
            "steps": [["upgrade", "nonesuch"]],
        },
    }


def main() -> int:
    faketime = shutil.which("faketime")
    sqitch = shutil.which("sqitch")
    if not faketime or not sqitch:
        print("upgrade_rows.py needs faketime and sqitch on PATH", file=sys.stderr)
        return 2

    def run(inv: golden.Invocation) -> tuple[int, bytes, bytes]:
        proc = subprocess.run(
            [faketime, "-f", golden.FAKETIME_SPEC, sqitch, *inv.args],
            capture_output=True,
            cwd=inv.cwd,
            env=inv.env,
            timeout=120,
            check=False,
        )
        return proc.returncode, proc.stdout, proc.stderr

    for name, case in cases().items():
        document: dict[str, Any] = {
            "case": name,
            "sqitch": golden.SQITCH_VERSION,
            "registry_file": "sqitch.db",
            "stderr_first_line": False,
            **case,
        }
        document["steps"] = [{"args": args} for args in case["steps"]]
        with tempfile.TemporaryDirectory() as tmp:
            document["steps"] = outcome(document, Path(tmp), run)
        path = CASE_DIR / f"{name}.json"
        text = json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
        print(f"recorded {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
