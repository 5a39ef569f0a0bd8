"""The README Quickstart works on a fresh machine, and CI runs its test command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.support.checkout import copy_checkout

ROOT = Path(__file__).resolve().parents[2]


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quickstart_has_two_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    block = ci.split("# BEGIN README TEST COMMAND\n", 1)[1].split("# END README TEST COMMAND", 1)[0]
    assert block.strip() == quickstart_commands()[1]


def _fake_checkout(root: Path) -> None:
    for name, text in {
        ".gitignore": "examples/*/*.db\n.venv/\n__pycache__/\n",
        "pyproject.toml": "",
        "examples/widgets/sqitch.plan": "%project=widgets\n",
        "examples/widgets/widgets.db": "left by an earlier Quickstart run",
        ".venv/bin/sqlitch": "",
        "lib/pkg/__pycache__/mod.cpython-311.pyc": "",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize("with_git", [True, False], ids=["git", "no-git"])
def test_project_copy_leaves_out_quickstart_leftovers(tmp_path: Path, with_git: bool) -> None:
    root = tmp_path / "checkout"
    _fake_checkout(root)
    if with_git:
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "pyproject.toml"], check=True)
    clone = tmp_path / "clone"
    copy_checkout(clone, root)
    assert (clone / "examples" / "widgets" / "sqitch.plan").is_file()
    assert (clone / "pyproject.toml").is_file()
    assert not (clone / "examples" / "widgets" / "widgets.db").exists()
    assert not (clone / ".venv").exists()
    assert not (clone / "lib" / "pkg" / "__pycache__").exists()


@pytest.mark.slow
def test_quickstart_install_and_run_in_a_fresh_venv(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    copy_checkout(clone)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    proc = subprocess.run(  # noqa: S602 - the README command is a shell line by design
        quickstart_commands()[0],
        shell=True,
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (clone / ".venv" / "bin" / "sqlitch").exists()
    assert "Deploying changes to dev" in proc.stdout
    assert "# Project:  widgets" in proc.stdout
    assert (clone / "examples" / "widgets" / "widgets.db").exists()
