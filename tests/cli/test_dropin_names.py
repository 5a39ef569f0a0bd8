"""sqlitch.conf / sqlitch.plan work like sqitch.conf / sqitch.plan; both at once is an error."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from sqlitch.cli.main import run
from sqlitch.config import Config
from sqlitch.target import resolve_target

PLAN = "%syntax-version=1.0.0\n%project=dropin\n\n"


def test_sqlitch_conf_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    Path("sqlitch.conf").write_text("[core]\n\tengine = sqlite\n")
    assert run(["config", "--get", "core.engine"]) == 0
    assert capsys.readouterr().out == "sqlite\n"


def test_both_config_names_stop_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    Path("sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    Path("sqlitch.conf").write_text("[core]\n\tengine = pg\n")
    for argv in (["config", "--list"], ["target", "list"], ["help"]):
        assert run(argv) == 2
        err = capsys.readouterr().err
        assert "sqitch.conf" in err and "sqlitch.conf" in err
        assert err.count("\n") == 1


def test_sqlitch_plan_is_the_default_plan_when_alone() -> None:
    Path("sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    Path("sqlitch.plan").write_text(PLAN)
    target = resolve_target(Config.load())
    assert target.plan_file == PurePosixPath("sqlitch.plan")


def test_sqitch_plan_wins_by_default() -> None:
    Path("sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    target = resolve_target(Config.load())
    assert target.plan_file == PurePosixPath("sqitch.plan")


def test_both_plan_names_stop_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    Path("sqitch.plan").write_text(PLAN)
    Path("sqlitch.plan").write_text(PLAN)
    assert run(["config", "--list"]) == 2
    assert capsys.readouterr().err == (
        "Both sqitch.plan and sqlitch.plan exist; remove one of them\n"
    )
    assert Path("sqitch.plan").read_text() == PLAN
