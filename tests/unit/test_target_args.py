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


# --------------------------------------------------------------------------
# overrides: the command's target options apply to every target resolved


def test_override_plan_file_decides_what_is_a_change(config: Config, tmp_path: Path) -> None:
    (tmp_path / "other.plan").write_text(PLAN.replace("users", "items"), encoding="utf-8")
    with pytest.raises(SqlitchError, match='Unknown argument "items"'):
        parse_args("deploy", config, ["items"], env={})
    parsed = parse_args("deploy", config, ["items"], env={}, overrides={"plan_file": "other.plan"})
    assert parsed.changes == ["items"]
    assert [str(t.plan_file) for t in parsed.targets] == ["other.plan"]


def test_override_applies_to_named_and_explicit_targets(config: Config, tmp_path: Path) -> None:
    (tmp_path / "top").mkdir()
    (tmp_path / "top" / "sqitch.plan").write_text(PLAN, encoding="utf-8")
    parsed = parse_args(
        "deploy",
        config,
        ["db:sqlite:x.db", "users"],
        env={},
        target="prod",
        overrides={"top_dir": "top", "registry": "reg"},
    )
    assert [t.name for t in parsed.targets] == ["prod", "db:sqlite:x.db"]
    # prod's configured plan_file still wins over the top_dir default
    assert str(parsed.targets[0].plan_file) == "prod.plan"
    assert str(parsed.targets[1].plan_file) == "top/sqitch.plan"
    assert {t.registry for t in parsed.targets} == {"reg"}
    assert parsed.changes == ["users"]


def test_override_applies_to_all_targets(config: Config) -> None:
    parsed = parse_args("deploy", config, [], env={}, all_targets=True, overrides={"client": "c"})
    assert parsed.targets
    assert {t.client for t in parsed.targets} == {"c"}
    assert all(t.overrides.get("client") == "c" for t in parsed.targets)


def test_override_plan_file_argument_lookup(config: Config, tmp_path: Path) -> None:
    # With -f, every target's plan is that file, so naming it selects the first.
    (tmp_path / "other.plan").write_text(PLAN, encoding="utf-8")
    parsed = parse_args(
        "status",
        config,
        ["other.plan"],
        env={},
        no_changes=True,
        overrides={"plan_file": "other.plan"},
    )
    assert [str(t.plan_file) for t in parsed.targets] == ["other.plan"]
    assert parsed.changes == []


def test_empty_override_values_are_ignored(config: Config) -> None:
    parsed = parse_args("deploy", config, ["users"], env={}, overrides={"plan_file": ""})
    assert parsed.changes == ["users"]
    assert "plan_file" not in parsed.targets[0].overrides
