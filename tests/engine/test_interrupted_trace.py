"""A script run apart from its record leaves a trace until the record commits.

With the client runner (and for scripts that cannot run in a transaction)
the script and its registry rows are separate steps, as in Sqitch: a kill
between them leaves the change applied but unrecorded. SQLitch notes the
change in the user's cache directory while it runs; ``status`` names it
when the registry still disagrees (issue 12, "beyond Sqitch").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sqlitch.cli.main import run

PLAN = """%syntax-version=1.0.0
%project=flipr

a 2026-01-01T00:00:00Z Marge N. O'Vera <marge@example.com> # a
b 2026-01-01T00:00:01Z Marge N. O'Vera <marge@example.com> # b
"""
# Long enough to be killed in (a few seconds), short enough to finish.
SLOW = (
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 20000000)"
    " SELECT count(*) FROM r;\n"
)


def _project(root: Path, slow_b: bool) -> None:
    (root / "sqitch.conf").write_text(
        '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:t.db\n'
        "[user]\n\tname = T\n\temail = t@example.com\n"
    )
    (root / "sqitch.plan").write_text(PLAN)
    for kind in ("deploy", "revert"):
        (root / kind).mkdir()
    for name in ("a", "b"):
        extra = SLOW if (slow_b and name == "b") else ""
        (root / "deploy" / f"{name}.sql").write_text(f"CREATE TABLE {name} (x);\n{extra}")
        (root / "revert" / f"{name}.sql").write_text(f"DROP TABLE {name};\n")


def _markers(cache: Path) -> list[Path]:
    folder = cache / f"sqlitch-{os.getuid()}" / "interrupted"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def cache(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = isolated_env.parent / "tmp"
    path.mkdir()
    monkeypatch.setenv("TMPDIR", str(path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    return path


def test_no_trace_after_a_deploy_or_revert(
    isolated_env: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(isolated_env, slow_b=False)
    assert run(["deploy", "--runner", "driver"]) == 0
    assert run(["revert", "-y", "--runner", "driver"]) == 0
    # The client runner's apart mode writes a trace and removes it.
    (isolated_env / "deploy" / "b.sql").write_text("CREATE TABLE b (x);\nVACUUM;\n")
    assert run(["deploy", "--runner", "driver"]) == 0
    assert _markers(cache) == []
    capsys.readouterr()
    assert run(["status"]) == 0
    assert "interrupted" not in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_status_names_a_change_a_killed_deploy_left_unrecorded(
    isolated_env: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(isolated_env, slow_b=True)
    # The slow script cannot share a transaction (VACUUM): it runs apart.
    (isolated_env / "deploy" / "b.sql").write_text("CREATE TABLE b (x);\n" + SLOW + "VACUUM;\n")
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sqlitch", "deploy", "--runner", "driver"],
        cwd=isolated_env,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + 60
    while b"+ b .." not in seen and time.monotonic() < deadline:
        seen += proc.stdout.read1(100)  # type: ignore[attr-defined]
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(_markers(cache)) == 1
    assert run(["status"]) == 0
    err = capsys.readouterr().err
    assert 'The deploy of change "b" was interrupted' in err
    # Recorded after all (here: the next deploy succeeds, b's script having
    # been rolled back by the kill): the trace goes.
    (isolated_env / "deploy" / "b.sql").write_text("CREATE TABLE IF NOT EXISTS b (x);\n")
    assert run(["deploy", "--runner", "driver"]) == 0
    capsys.readouterr()
    assert run(["status"]) == 0
    assert "interrupted" not in capsys.readouterr().err
    assert _markers(cache) == []  # status found it stale and dropped it
