"""The SQITCH_* variables and their SQLITCH_* twins: one table, one rule.

For every variable of sqlitch.environment.TWINS, a probe reads it the way
SQLitch uses it; each probe must see the twin alone, and the twin when both
are set. Nothing in lib/ may read a SQITCH_ variable except through the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from sqlitch.cli.main import run
from sqlitch.config import Config, identity
from sqlitch.environment import TWINS, env_value
from sqlitch.formatting.pager import pager_program
from sqlitch.services.config_command import editor_command
from sqlitch.target import resolve_target

Env = Mapping[str, str]
Probe = Callable[[Env, Path], object]

LIB = Path(__file__).resolve().parents[2] / "lib" / "sqlitch"


def _config(env: Env, cwd: Path) -> Config:
    return Config({"HOME": str(cwd), "SQLITCH_CONFIG_ROOT": str(cwd / "none"), **env}, cwd)


def _target(env: Env, cwd: Path) -> object:
    (cwd / "sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    return resolve_target(_config({}, cwd), env)


# How each variable is observed; the value under test is a file name, a user
# name, a program... so each probe returns what the variable decided.
PROBES: dict[str, Probe] = {
    "CONFIG": lambda env, cwd: _config(env, cwd).file_for("local").name,
    "USER_CONFIG": lambda env, cwd: _config(env, cwd).file_for("user").name,
    "SYSTEM_CONFIG": lambda env, cwd: _config(env, cwd).file_for("system").name,
    "TARGET": lambda env, cwd: resolve_target(_config({}, cwd), env).name,
    "USERNAME": lambda env, cwd: resolve_target(_config({}, cwd), env, name="db:sqlite:").username,
    "PASSWORD": lambda env, cwd: resolve_target(_config({}, cwd), env, name="db:sqlite:").password,
    "FULLNAME": lambda env, cwd: identity.user_name(_config({}, cwd), env),
    "EMAIL": lambda env, cwd: identity.user_email(_config({}, cwd), env),
    "ORIG_FULLNAME": lambda env, cwd: identity.user_name(_config({}, cwd), env),
    "ORIG_EMAIL": lambda env, cwd: identity.user_email(_config({}, cwd), env),
    "ORIG_SYSUSER": lambda env, cwd: identity.sysuser(env),
    "EDITOR": lambda env, cwd: (
        identity.editor(_config({}, cwd), env),
        editor_command(_config({}, cwd), env),
    ),
    "PAGER": lambda env, cwd: (
        identity.pager_program(_config({}, cwd), env),
        pager_program(env, None),
    ),
}


def _value(name: str, who: str) -> str:
    """A value that reads as itself wherever the variable ends up ("db:" for TARGET)."""
    return f"db:sqlite:{who}.db" if name == "TARGET" else f"{who}-{name.lower()}"


def _expected(name: str, who: str) -> object:
    value = _value(name, who)
    if name in ("EDITOR", "PAGER"):
        return (value, value)
    return value


def test_every_twin_has_a_probe() -> None:
    assert sorted(PROBES) == sorted(TWINS)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_the_sqitch_variable_alone(name: str, tmp_path: Path) -> None:
    env = {f"SQITCH_{name}": _value(name, "sqitch")}
    assert PROBES[name](env, tmp_path) == _expected(name, "sqitch")


@pytest.mark.parametrize("name", sorted(TWINS))
def test_the_twin_alone(name: str, tmp_path: Path) -> None:
    env = {f"SQLITCH_{name}": _value(name, "sqlitch")}
    assert PROBES[name](env, tmp_path) == _expected(name, "sqlitch")


@pytest.mark.parametrize("name", sorted(TWINS))
def test_the_twin_wins_when_both_are_set(name: str, tmp_path: Path) -> None:
    env = {f"SQITCH_{name}": _value(name, "sqitch"), f"SQLITCH_{name}": _value(name, "sqlitch")}
    assert PROBES[name](env, tmp_path) == _expected(name, "sqlitch")


@pytest.mark.parametrize("empty", ["", "0"])
def test_an_empty_twin_falls_back_like_perl(empty: str) -> None:
    env = {"SQLITCH_FULLNAME": empty, "SQITCH_FULLNAME": "Sqitch Name"}
    assert env_value(env, "FULLNAME") == "Sqitch Name"
    assert env_value({"SQITCH_FULLNAME": empty}, "FULLNAME") is None


def test_only_listed_variables_are_read() -> None:
    with pytest.raises(KeyError):
        env_value({}, "NONESUCH")


def test_lib_reads_sqitch_variables_only_through_the_table() -> None:
    literal = re.compile(r"""(?<!["'])["']SQL?ITCH_([A-Z_]+)["']""")
    own = {"CONFIG_ROOT", "RUNNER", "TRACEBACK", "PROGRESS"}  # SQLitch's own, no SQITCH_ twin
    offenders = []
    for path in sorted(LIB.rglob("*.py")):
        if path.name == "environment.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in literal.finditer(line):
                if match.group(1) not in own and not match.group(1).startswith("ENGINE"):
                    offenders.append(f"{path.relative_to(LIB)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_twin_name_reaches_the_plan(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SQITCH_FULLNAME", "Sqitch Name")
    monkeypatch.setenv("SQITCH_EMAIL", "sqitch@example.com")
    monkeypatch.setenv("SQLITCH_FULLNAME", "Twin Name")
    monkeypatch.setenv("SQLITCH_EMAIL", "twin@example.com")
    assert run(["init", "twins", "--engine", "sqlite"]) == 0
    assert run(["add", "twin", "-n", "twin"]) == 0
    plan = Path("sqitch.plan").read_text()
    assert "Twin Name <twin@example.com>" in plan
    assert "Sqitch Name" not in plan
