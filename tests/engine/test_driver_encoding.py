"""The in-process driver runner and scripts that are not UTF-8.

Real projects carry Latin-1 scripts: the sqlite3 client runs their bytes as
they are, the driver cannot, and must say which file and why instead of
leaking Python's codec error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.engines.sqlite import SqliteDriverRunner
from sqlitch.errors import SqlitchError


def test_driver_names_a_script_that_is_not_utf8(tmp_path: Path) -> None:
    script = tmp_path / "latin.sql"
    script.write_bytes(b"-- caf\xe9\nCREATE TABLE t (n TEXT);\n")
    runner = SqliteDriverRunner(str(tmp_path / "x.db"))
    try:
        with pytest.raises(SqlitchError) as caught:
            runner.run(script)
    finally:
        runner.close()
    message = str(caught.value)
    assert message.startswith(f"{script}: not UTF-8 (invalid continuation byte at byte 6)")
    assert "--runner client" in message
    assert caught.value.exitval == 2


def test_driver_runs_utf8_with_bom(tmp_path: Path) -> None:
    script = tmp_path / "bom.sql"
    script.write_bytes(b"\xef\xbb\xbfCREATE TABLE t (n TEXT);\n")
    runner = SqliteDriverRunner(str(tmp_path / "x.db"))
    try:
        runner.run(script)
    finally:
        runner.close()
