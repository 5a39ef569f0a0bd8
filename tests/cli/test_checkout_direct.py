"""checkout helpers the golden fixtures do not reach directly."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sqlitch.errors import SqlitchError
from sqlitch.plan import parse_plan
from sqlitch.services.checkout import last_common_change, run_vcs

HEAD = "%syntax-version=1.0.0\n%project=flipr\n\n"
A = "a 2026-01-01T00:00:00Z M <m@x> # a\n"
B = "b [a] 2026-01-01T00:00:01Z M <m@x> # b\n"
C = "c [a] 2026-01-01T00:00:02Z M <m@x> # c\n"


def test_last_common_change() -> None:
    current = parse_plan(HEAD + A + B)
    other = parse_plan(HEAD + A + C)
    found = last_common_change(current, other)
    assert found is not None
    assert found.name == "a"
    assert (
        last_common_change(current, parse_plan(HEAD + "z 2026-01-01T00:00:00Z M <m@x>\n")) is None
    )
    same = last_common_change(current, parse_plan(HEAD + A + B))
    assert same is not None
    assert same.name == "b"


def test_run_vcs_output(capsys: pytest.CaptureFixture[str]) -> None:
    script = "import sys; print('out'); print('err', file=sys.stderr)"
    assert run_vcs([sys.executable, "-c", script], capture=True) == "out\n"
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "err\n")
    assert run_vcs([sys.executable, "-c", script], capture=False) == "out\n"
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("out\n", "err\n")


def test_run_vcs_failures(tmp_path: Path) -> None:
    with pytest.raises(SqlitchError) as failed:
        run_vcs([sys.executable, "-c", "raise SystemExit(3)"], capture=True)
    assert failed.value.message == f'"{sys.executable}" unexpectedly returned exit value 3\n'
    missing = str(tmp_path / "nosuchgit")
    with pytest.raises(SqlitchError) as failed:
        run_vcs([missing, "status"], capture=True)
    assert failed.value.message == f'"{missing}" failed to start: "No such file or directory"\n'
    assert failed.value.exitval == 2
