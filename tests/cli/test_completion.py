"""Shell completion: the candidates `sqlitch __complete` gives, the scripts
`sqlitch completion <shell>` prints, and those scripts in real shells."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sqlitch.cli.completion import SHELLS, candidates, script
from sqlitch.cli.main import COMMANDS, run

Capture = pytest.CaptureFixture[str]

PLAN = (
    "%syntax-version=1.0.0\n%project=flipr\n\n"
    "users 2026-01-01T00:00:00Z Marge <marge@example.com> # users\n"
    "flips [users] 2026-01-01T00:00:01Z Marge <marge@example.com> # flips\n"
    "@v1.0 2026-01-01T00:00:02Z Marge <marge@example.com> # v1.0\n"
    "userflips [flips] 2026-01-01T00:00:03Z Marge <marge@example.com> # userflips\n"
)
CONF = (
    '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = dev\n'
    '[target "dev"]\n\turi = db:sqlite:dev.db\n[target "prod"]\n\turi = db:sqlite:prod.db\n'
)
CHANGES = ["users", "flips", "userflips", "@v1.0", "@HEAD", "@ROOT"]


@pytest.fixture
def project(isolated_env: Path) -> Path:
    (isolated_env / "sqitch.conf").write_text(CONF)
    (isolated_env / "sqitch.plan").write_text(PLAN)
    return isolated_env


def test_commands_and_core_options() -> None:
    assert candidates([""]) == sorted(COMMANDS)
    assert candidates(["re"]) == ["rebase", "revert", "rework"]
    assert candidates(["--ver"]) == ["--verbose", "--version"]
    assert candidates(["-v", "--quiet", "dep"]) == ["deploy"]
    assert candidates(["-C", ""]) == []  # a directory: the shell completes it
    assert "__complete" not in candidates([""])


def test_command_options(project: Path) -> None:
    found = candidates(["deploy", "--"])
    for option in ("--target", "--to-change", "--mode", "--verify", "--no-verify", "--log-only"):
        assert option in found
    assert candidates(["deploy", "--lo"]) == ["--log-only", "--lock-timeout"]
    found = candidates(["-C", str(project), "revert", "-y", "--to"])
    assert sorted(found) == ["--to", "--to-change", "--top-dir"]


def test_targets_engines_and_fixed_values(project: Path) -> None:
    assert candidates(["deploy", "--target", ""]) == ["dev", "prod"]
    assert candidates(["status", "-t", "p"]) == ["prod"]
    assert candidates(["status", ""]) == ["dev", "prod"]
    assert candidates(["deploy", "--mode", ""]) == ["all", "change", "tag"]
    assert candidates(["verify", "--runner", ""]) == ["client", "driver"]
    assert candidates(["init", "--engine", "m"]) == ["mysql"]
    assert candidates(["engine", "add", "p"]) == ["pg"]
    assert candidates(["engine", "alter", ""]) == ["sqlite"]
    assert candidates(["target", ""]) == ["list", "add", "alter", "remove", "rename", "show"]
    assert candidates(["target", "show", ""]) == ["dev", "prod"]
    assert candidates(["log", "--format", "o"]) == ["oneline"]
    assert candidates(["completion", ""]) == ["bash", "zsh", "fish"]
    assert candidates(["help", "ch"]) == ["check", "checkout"]
    assert candidates(["config", "target.d"]) == ["target.dev.uri"]


def test_changes_and_tags_from_the_plan(project: Path) -> None:
    assert candidates(["deploy", "--to", ""]) == CHANGES
    assert candidates(["deploy", "--to=u"]) == ["--to=users", "--to=userflips"]
    assert candidates(["deploy", "--to", "=", "u"]) == ["users", "userflips"]  # bash's words
    assert candidates(["revert", ""]) == ["dev", "prod", *CHANGES]
    assert candidates(["rebase", "--onto", "@"]) == ["@v1.0", "@HEAD", "@ROOT"]
    assert candidates(["show", ""]) == ["change", "tag", "deploy", "revert", "verify"]
    assert candidates(["show", "change", "f"]) == ["flips"]
    assert candidates(["show", "tag", ""]) == ["@v1.0"]
    assert candidates(["add", "x", "-r", "u"]) == ["users", "userflips"]
    assert candidates(["rework", "fl"]) == ["flips"]
    assert candidates(["tag", "v2", "us"]) == ["users", "userflips"]


def test_plan_of_another_directory_or_file(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    (other / "sqitch.plan").write_text(PLAN.replace("userflips", "likes"))
    assert candidates(["-C", str(other), "deploy", "--to", "l"]) == ["likes"]
    (project / "alt.plan").write_text(PLAN.replace("flips", "flops"))
    assert candidates(["deploy", "-f", "alt.plan", "--to", "fl"]) == ["flops"]


def test_broken_or_missing_projects_give_what_they_can(isolated_env: Path) -> None:
    assert candidates(["deploy", "--to", ""]) == []
    assert candidates(["deploy", ""]) == []
    (isolated_env / "sqitch.conf").write_text(CONF)
    (isolated_env / "sqitch.plan").write_text("not a plan\n")
    assert candidates(["deploy", ""]) == ["dev", "prod"]


def test_complete_prints_one_candidate_a_line(project: Path, capsys: Capture) -> None:
    assert run(["__complete", "show", "change", ""]) == 0
    assert capsys.readouterr() == ("users\nflips\nuserflips\n", "")
    assert run(["__complete", "nosuch-command-word", "--x"]) == 0
    assert capsys.readouterr() == ("", "")


def test_completion_command_prints_the_scripts(capsys: Capture) -> None:
    for shell in SHELLS:
        assert run(["completion", shell]) == 0
        assert capsys.readouterr().out == script(shell, "sqlitch")
    assert run(["completion", "tcsh"]) == 2
    err = capsys.readouterr().err
    assert err.startswith('Unknown shell "tcsh"; use bash, zsh or fish\nUsage:\n')
    assert run(["completion"]) == 2
    assert capsys.readouterr().err.startswith("Usage:\n      sqlitch completion bash|zsh|fish")
    assert run(["help", "completion"]) == 0
    assert "eval" in capsys.readouterr().out
    assert "sqitch __complete" in script("bash", "sqitch")


# -- in the shells ---------------------------------------------------------------
@pytest.fixture
def shell_env(project: Path, tmp_path: Path) -> dict[str, str]:
    """PATH with a `sqlitch` that runs this checkout's SQLitch."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "sqlitch"
    launcher.write_text(f'#!/bin/sh\nexec {sys.executable} -m sqlitch "$@"\n')
    launcher.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def _bash(code: str, env: dict[str, str], cwd: Path, *, interactive: bool = False) -> str:
    flags = ["--norc", "--noprofile"] + (["-i"] if interactive else [])
    done = subprocess.run(
        ["bash", *flags, "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return done.stdout


BASH_COMPLETE = """
eval "$(sqlitch completion bash)"
complete -p sqlitch
COMP_WORDS=({words}); COMP_CWORD={cword}
_sqlitch_complete
printf '<%s>\\n' "${{COMPREPLY[@]}}"
"""


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize("interactive", [False, True], ids=["bash", "bash -i"])
def test_bash_completes_through_the_script(
    shell_env: dict[str, str], project: Path, interactive: bool
) -> None:
    cases = {
        "sqlitch dep": "<deploy>",
        "sqlitch deploy --to us": "<users>\n<userflips>",
        "sqlitch deploy --to = us": "<users>\n<userflips>",
        "sqlitch show tag ''": "<@v1.0>",
        "sqlitch status -t ''": "<dev>\n<prod>",
        "sqlitch deploy --plan-file ''": "<>",  # nothing: bash completes file names
    }
    for line, expected in cases.items():
        words = line.split(" ")
        code = BASH_COMPLETE.format(words=" ".join(words), cword=len(words) - 1)
        out = _bash(code, shell_env, project, interactive=interactive)
        registration, *replies = out.splitlines()
        assert registration == "complete -o bashdefault -o default -F _sqlitch_complete sqlitch"
        assert "\n".join(replies) == expected, line


def _tmux_screen(command: list[str], keys: list[str], env: dict[str, str], cwd: Path) -> str:
    session = f"sqlitch-{os.getpid()}-{time.monotonic_ns()}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "20", *command],
        env=env,
        cwd=cwd,
        check=True,
    )
    try:
        for key in keys:
            time.sleep(0.4)
            subprocess.run(["tmux", "send-keys", "-t", session, key], check=True)
        deadline = time.monotonic() + 10
        shown = ""
        while time.monotonic() < deadline:
            time.sleep(0.3)
            shown = subprocess.run(
                ["tmux", "capture-pane", "-t", session, "-p"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            if "show change userflips" in shown:
                break
        return shown
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)


@pytest.mark.skipif(
    shutil.which("tmux") is None or shutil.which("bash") is None, reason="no tmux or bash"
)
def test_bash_tab_in_a_terminal(shell_env: dict[str, str], project: Path) -> None:
    env = {**shell_env, "TERM": "xterm", "PS1": "$ "}
    keys = ['eval "$(sqlitch completion bash)"', "Enter", "sqlitch sho", "Tab", "cha", "Tab"]
    keys += ["userf", "Tab"]
    shown = _tmux_screen(["bash", "--norc", "--noprofile", "-i"], keys, env, project)
    assert "$ sqlitch show change userflips" in shown, shown


@pytest.mark.skipif(
    shutil.which("tmux") is None or shutil.which("zsh") is None, reason="no tmux or zsh"
)
def test_zsh_tab_in_a_terminal(shell_env: dict[str, str], project: Path) -> None:
    env = {**shell_env, "TERM": "xterm", "PS1": "$ "}
    setup = 'autoload -U compinit && compinit -u && eval "$(sqlitch completion zsh)"'
    keys = [setup, "Enter", "sqlitch sho", "Tab", "cha", "Tab", "userf", "Tab"]
    shown = _tmux_screen(["zsh", "-f"], keys, env, project)
    assert "sqlitch show change userflips" in shown, shown


@pytest.mark.skipif(shutil.which("fish") is None, reason="no fish")
def test_fish_completes_through_the_script(shell_env: dict[str, str], project: Path) -> None:
    code = (
        "sqlitch completion fish | source\n"
        'complete -C "sqlitch sho"; echo ==\n'
        'complete -C "sqlitch deploy --to us"; echo ==\n'
        'complete -C "sqlitch deploy --to=us"; echo ==\n'
        'complete -C "sqlitch status -t "; echo ==\n'
        'complete -C "sqlitch deploy --plan-file sqitch.p"\n'
    )
    done = subprocess.run(
        ["fish", "--no-config", "-c", code],
        env=shell_env,
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    blocks = [sorted(b.split()) for b in done.stdout.split("==\n")]
    assert blocks == [
        ["show"],
        ["userflips", "users"],
        ["--to=userflips", "--to=users"],
        ["dev", "prod"],
        ["sqitch.plan"],
    ]
