"""Differences a differential run against Sqitch 1.3.1 found (SQLite, no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.cli.main import run

Capture = pytest.CaptureFixture[str]


def init_project(capsys: Capture) -> Path:
    assert run(["init", "flipr", "--engine", "sqlite", "--target", "db:sqlite:flipr.db"]) == 0
    capsys.readouterr()
    return Path.cwd()


def test_show_usage_names_the_types(capsys: Capture) -> None:
    # sqitch-show-usage.pod has a line after the command line; Sqitch 1.3.1:
    # Usage:
    #       sqitch show [options] <type> <object>
    #
    #     "<type>" can be one of: change, tag, deploy, revert, verify
    #
    # Options: ...
    assert run(["show", "change"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "Usage:\n"
        "      sqlitch show [options] <type> <object>\n"
        "\n"
        '    "<type>" can be one of: change, tag, deploy, revert, verify\n'
        "\n"
        "Options:\n"
    )


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "a [b] 2026-01-01T06:00:00Z X <x@x> # a\nb [a] 2026-01-01T06:00:00Z X <x@x> # b\n",
            "Dependency error detected:\n"
            '  Change "a" planned 1 change before required change "b"\n'
            '    HINT: move "a" down 1 line in sqitch.plan\n',
        ),
        (
            "bad line here\n",
            "Syntax error in sqitch.plan at line 4: Invalid name; names must not begin with"
            ' punctuation, contain "@", ":", "#", "\\", or blanks, or end in punctuation or'
            " digits following punctuation\n",
        ),
    ],
)
def test_deploy_with_a_broken_plan_connects_first(capsys: Capture, body: str, message: str) -> None:
    # Sqitch's deploy reads the registry's state before it parses the plan:
    # the plan error comes after the connection, which leaves an empty
    # sqitch.db behind (Sqitch 1.3.1 and 1.6.1: `ls` shows a 0-byte sqitch.db).
    project = init_project(capsys)
    (project / "sqitch.plan").write_text("%syntax-version=1.0.0\n%project=flipr\n\n" + body)
    assert run(["deploy"]) == 2
    assert capsys.readouterr().err == message
    registry = project / "sqitch.db"
    assert registry.exists()
    assert registry.stat().st_size == 0
    assert not (project / "flipr.db").exists()


def test_deploy_dry_run_with_a_broken_plan_creates_nothing(capsys: Capture) -> None:
    project = init_project(capsys)
    (project / "sqitch.plan").write_text("%syntax-version=1.0.0\n%project=flipr\n\nbad line\n")
    assert run(["deploy", "--dry-run"]) == 2
    assert not (project / "sqitch.db").exists()


def test_deploy_without_a_plan_file_connects_first(capsys: Capture) -> None:
    project = init_project(capsys)
    (project / "sqitch.plan").unlink()
    assert run(["deploy"]) == 2
    assert capsys.readouterr().err == "Plan file sqitch.plan does not exist\n"
    assert (project / "sqitch.db").exists()


def test_log_filters_combine(capsys: Capture) -> None:
    # Sqitch (1.3.1 to 1.6.1) joins two filters without AND and dies with
    # `near "e": syntax error` (exit 2); SQLitch applies both
    # (docs/PARITY.md, "Bugs not copied").
    project = init_project(capsys)
    assert run(["add", "users", "-n", "u"]) == 0
    assert run(["add", "flips", "-n", "f"]) == 0
    for name in ("users", "flips"):
        (project / "deploy" / f"{name}.sql").write_text(f"CREATE TABLE {name}(id INT);\n")
        (project / "revert" / f"{name}.sql").write_text(f"DROP TABLE {name};\n")
    assert run(["deploy"]) == 0
    assert run(["revert", "-y", "--to", "users"]) == 0
    capsys.readouterr()
    args = ["log", "--format", "format:%e %n", "--no-headers"]
    assert run([*args, "--change-pattern", "^f", "--event", "deploy"]) == 0
    assert capsys.readouterr().out == "deploy flips\n"
    assert run([*args, "--change-pattern", "^f", "--committer-pattern", "nobody"]) == 0
    assert capsys.readouterr().out == ""
