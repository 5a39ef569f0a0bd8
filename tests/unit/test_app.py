"""App: Sqitch's output conventions, verbosity and prompts."""

from __future__ import annotations

import io
import sys

import pytest

from sqlitch.app import App, CoreOptions
from sqlitch.config import Config
from sqlitch.errors import SqlitchError

Capture = pytest.CaptureFixture[str]


def make_app(verbosity: int | None = None) -> App:
    return App(Config.load(), CoreOptions(verbosity=verbosity))


def test_output_levels(capsys: Capture) -> None:
    app = make_app(3)
    app.info("info")
    app.comment("one\ntwo")
    app.debug("dbg")
    app.trace("trc")
    app.warn("careful\nreally")
    app.vent("vented")
    captured = capsys.readouterr()
    assert captured.out == "info\n# one\n# two\ndebug: dbg\ntrace: trc\n"
    assert captured.err == "warning: careful\nwarning: really\nvented\n"


def test_quiet_keeps_emit_and_vent(capsys: Capture) -> None:
    app = make_app(0)
    app.info("hidden")
    app.comment("shown")  # comments ignore verbosity in Sqitch
    app.emit("always")
    captured = capsys.readouterr()
    assert captured.out == "# shown\nalways\n"


def test_verbosity_from_config(tmp_path: object) -> None:
    with open("sqitch.conf", "w") as fh:
        fh.write("[core]\n\tverbosity = 2\n")
    assert make_app().verbosity == 2
    assert make_app(0).verbosity == 0


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


@pytest.mark.parametrize(
    ("answer", "default", "expected"),
    [("y\n", None, True), ("NO\n", True, False), ("\n", False, False), ("\n", None, True)],
)
def test_ask_yes_no(
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    answer: str,
    default: bool | None,
    expected: bool,
) -> None:
    _stdin(monkeypatch, answer)
    assert make_app().ask_yes_no("Revert?", default) is expected


def test_ask_yes_no_gives_up_after_three_bad_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    _stdin(monkeypatch, "x\nmaybe\nq\n")
    with pytest.raises(SqlitchError, match="No valid answer after 3 attempts; aborting"):
        make_app().ask_yes_no("Revert?", True)
    assert capsys.readouterr().out.count('Please answer "y" or "n".') == 3


def test_unattended_prompt_uses_the_default(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    _stdin(monkeypatch, "")
    assert make_app().ask_yes_no("Revert?", True) is True
    assert capsys.readouterr().out == "Revert? [Yes] Yes\n"


def test_unattended_prompt_without_default_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, "")
    with pytest.raises(SqlitchError, match="unattended"):
        make_app().prompt("Name?")


def test_identity_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQITCH_FULLNAME", "Marge N. O’Vera")
    monkeypatch.setenv("SQITCH_EMAIL", "marge@example.com")
    app = App(Config.load(), CoreOptions())
    assert (app.user_name, app.user_email) == ("Marge N. O’Vera", "marge@example.com")


@pytest.mark.parametrize(
    ("setting", "verbosity"),
    [
        ("0", 0),
        ("", 0),
        ("1", 1),
        ("2", 2),
        ("1.5", 2),
        ("7", 3),
        ("abc", 1),  # Perl: true, and 0 as a number
        ("-4", 1),
        ("9" * 5000, 3),
        ("2x", 2),
    ],
)
def test_verbosity_setting_is_read_as_perl_reads_it(
    isolated_env: object, setting: str, verbosity: int
) -> None:
    from pathlib import Path

    Path("sqitch.conf").write_text(f"[core]\n\tverbosity = {setting}\n")
    assert make_app().verbosity == verbosity


def test_bad_verbosity_setting_is_no_traceback(isolated_env: object, capsys: Capture) -> None:
    from pathlib import Path

    from sqlitch.cli.main import run

    Path("sqitch.conf").write_text("[core]\n\tverbosity = abc\n")
    assert run(["config", "--get", "nosuch.key"]) == 1
    assert capsys.readouterr().err == ""
