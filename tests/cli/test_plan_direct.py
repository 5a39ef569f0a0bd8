"""plan/show/bundle behaviour the golden fixtures cannot express: terminals and pagers."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from sqlitch.cli.main import run
from sqlitch.formatting.pager import Pager, pager_program

PLAN = """%syntax-version=1.0.0
%project=widgets

users 2025-03-04T05:06:07Z Marge <marge@example.com> # Add users
"""


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SQITCH_USER_CONFIG", str(tmp_path / "user.conf"))
    monkeypatch.setenv("SQITCH_SYSTEM_CONFIG", str(tmp_path / "system.conf"))
    monkeypatch.setenv("TZ", "UTC")
    for name in ("SQITCH_CONFIG", "SQITCH_TARGET", "SQLITCH_CONFIG", "NO_COLOR", "PAGER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SQITCH_PAGER", raising=False)
    (tmp_path / "sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    (tmp_path / "sqitch.plan").write_text(PLAN)
    return tmp_path


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_pager_program_precedence() -> None:
    assert pager_program({"SQITCH_PAGER": "a", "PAGER": "c"}, "b") == "a"
    assert pager_program({"PAGER": "c"}, "b") == "b"
    assert pager_program({"PAGER": "c"}, None) == "c"
    assert pager_program({}, None) == "less"


def test_output_goes_through_the_pager_on_a_terminal(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = isolated / "paged.txt"
    monkeypatch.setenv("SQITCH_PAGER", f"cat > {out}")
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert run(["plan", "--oneline", "--abbrev", "4", "--no-color"]) == 0
    assert out.read_text() == "# Project: widgets\n# File:    sqitch.plan\n\n66d7 deploy users\n"
    assert terminal.getvalue() == ""


def test_no_pager_writes_directly(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQITCH_PAGER", f"cat > {isolated / 'paged.txt'}")
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert run(["--no-pager", "plan", "--oneline", "--no-headers", "--abbrev", "4"]) == 0
    # auto colour is on for a terminal
    assert terminal.getvalue() == "\x1b[32m66d7 deploy\x1b[0m users\x1b[36m\x1b[0m\n"
    assert not (isolated / "paged.txt").exists()


def test_pager_that_cannot_start_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("no shell")

    monkeypatch.setattr("subprocess.Popen", broken)
    with Pager("less", enabled=True) as pager:
        pager.page("a", None, "b")
    assert terminal.getvalue() == "ab\n"


def test_invalid_color_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan", "--color", "sometimes"]) == 255
    assert capsys.readouterr().err == (
        'Value "sometimes" did not pass type constraint "Enum[always,auto,never]"\n'
    )


def test_show_script_without_byte_buffer(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (isolated / "deploy").mkdir()
    (isolated / "deploy" / "users.sql").write_bytes(b"-- caf\xc3\xa9\n")
    text = io.StringIO()
    monkeypatch.setattr(sys, "stdout", text)
    assert run(["show", "deploy", "users"]) == 0
    assert text.getvalue() == "-- café\n\n"


def test_show_unreadable_script(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "deploy").mkdir()
    script = isolated / "deploy" / "users.sql"
    script.write_text("x")
    script.chmod(0)
    try:
        if script.stat().st_mode and _readable(script):
            pytest.skip("running as root")
        assert run(["show", "deploy", "users"]) == 2
        assert "Cannot open deploy/users.sql:" in capsys.readouterr().err
    finally:
        script.chmod(0o644)


def _readable(path: Path) -> bool:
    try:
        path.read_bytes()
    except OSError:
        return False
    return True


def test_bundle_copy_failure(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "bundle").write_text("not a directory")
    assert run(["bundle"]) == 2
    assert capsys.readouterr().err.startswith("Error creating bundle:")


def test_bundle_absolute_script_dir(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scripts = isolated / "abs"
    (scripts).mkdir()
    (scripts / "users.sql").write_text("-- d\n")
    (isolated / "sqitch.conf").write_text(f"[core]\n\tengine = sqlite\n\tdeploy_dir = {scripts}\n")
    assert run(["bundle"]) == 0
    assert (isolated / "bundle" / "abs" / "users.sql").read_text() == "-- d\n"


def test_bundle_refreshes_stale_copies(isolated: Path) -> None:
    import os

    assert run(["bundle"]) == 0
    copy = isolated / "bundle" / "sqitch.plan"
    os.utime(copy, (0, 0))
    assert run(["bundle"]) == 0
    assert copy.read_text() == PLAN
