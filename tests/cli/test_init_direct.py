"""init/engine/target behaviour the golden fixtures cannot express (SQLitch deviations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.cli.main import run


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SQITCH_USER_CONFIG", str(tmp_path / "user.conf"))
    monkeypatch.setenv("SQITCH_SYSTEM_CONFIG", str(tmp_path / "system.conf"))
    for name in ("SQITCH_CONFIG", "SQITCH_TARGET", "SQLITCH_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["init", "w", "--engine", "oracle"],
        ["init", "w", "--target", "db:snowflake://x/y"],
        ["init", "w", "--target", "db:cockroach://x/y"],
    ],
)
def test_unsupported_engines_fail_without_writing(
    args: list[str], isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is not supported by SQLitch; supported engines: mysql, pg, sqlite" in err
    assert not {p.name for p in isolated.iterdir()} & {"sqitch.conf", "sqitch.plan", "deploy"}


def test_unknown_engine_in_target_writes_nothing(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["init", "w", "--target", "db:nosuch:x"]) == 2
    assert capsys.readouterr().err == "Unable to load App::Sqitch::Engine::nosuch\n"
    assert not {p.name for p in isolated.iterdir()} & {"sqitch.conf", "sqitch.plan", "deploy"}


def test_engine_add_unsupported(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init", "w", "--engine", "sqlite"]) == 0
    assert run(["engine", "add", "vertica"]) == 2
    assert "not supported by SQLitch" in capsys.readouterr().err


def test_set_without_value_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init", "w", "--set", "foo"]) == 2
    assert capsys.readouterr().err.startswith('Option set, key "foo", requires a value\n')


def test_init_plan_uses_canonical_uri(isolated: Path) -> None:
    assert run(["init", "w", "--engine", "pg", "--uri", "HTTP://Example.com:80/x"]) == 0
    text = (isolated / "sqitch.plan").read_text(encoding="utf-8")
    assert "%uri=http://example.com/x\n" in text
