"""Positional-argument classification (App::Sqitch::Command::parse_args)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.cli.args import parse_args
from sqlitch.config import Config
from sqlitch.errors import SqlitchError

PLAN = "%syntax-version=1.0.0\n%project=w\n\nusers 2025-01-01T00:00:00Z M <m@x> # u\n"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SQITCH_SYSTEM_CONFIG", str(tmp_path / "none.conf"))
    monkeypatch.delenv("SQITCH_TARGET", raising=False)
    (tmp_path / "sqitch.conf").write_text(
        '[core]\n\tengine = sqlite\n[target "prod"]\n'
        "\turi = db:pg://p/w\n\tplan_file = prod.plan\n",
        encoding="utf-8",
    )
    (tmp_path / "sqitch.plan").write_text(PLAN, encoding="utf-8")
    (tmp_path / "prod.plan").write_text(PLAN.replace("users", "orders"), encoding="utf-8")
    return Config.load(env={"HOME": str(tmp_path / "home")}, cwd=tmp_path)


def test_changes_targets_engines(config: Config) -> None:
    parsed = parse_args("deploy", config, ["users", "prod", "orders", "pg", "db:mysql:x"], env={})
    assert parsed.changes == ["users", "orders"]
    assert [t.name for t in parsed.targets] == ["prod", "db:pg:", "db:mysql:x"]


def test_default_target_when_none_named(config: Config) -> None:
    parsed = parse_args("deploy", config, ["users"], env={})
    assert [t.name for t in parsed.targets] == ["db:sqlite:"]


def test_plan_file_argument(config: Config) -> None:
    parsed = parse_args("status", config, ["prod.plan"], env={}, no_changes=True)
    assert [t.name for t in parsed.targets] == ["prod"]


def test_names_filled_from_unknowns(config: Config) -> None:
    parsed = parse_args("add", config, ["newthing"], env={}, names=[None])
    assert parsed.names == ["newthing"]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["nope"], 'Unknown argument "nope"'), (["a", "b"], "Unknown arguments: a, b")],
)
def test_unknown_arguments(config: Config, args: list[str], message: str) -> None:
    with pytest.raises(SqlitchError) as info:
        parse_args("deploy", config, args, env={})
    assert info.value.message == message


def test_all_conflicts_with_targets(config: Config) -> None:
    with pytest.raises(SqlitchError, match="Cannot specify both --all"):
        parse_args("deploy", config, ["prod"], env={}, all_targets=True)
    parsed = parse_args("deploy", config, [], env={}, all_targets=True)
    assert [t.name for t in parsed.targets] == ["db:sqlite:", "prod"]


def test_missing_plan_file_is_not_an_error(config: Config, tmp_path: Path) -> None:
    (tmp_path / "sqitch.plan").unlink()
    parsed = parse_args("deploy", config, ["prod"], env={})
    assert [t.name for t in parsed.targets] == ["prod"]


def test_explicit_target_errors_propagate(config: Config) -> None:
    with pytest.raises(SqlitchError, match='Cannot find target "nowhere"'):
        parse_args("deploy", config, [], env={}, target="nowhere")
