"""Live progress on a real pseudo-terminal: a 300-change SQLite deploy shows
it, the terminal ends up showing exactly the usual lines, and off a terminal
(or with TERM=dumb, NO_COLOR, --quiet) the bytes are the usual ones."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.terminal import run_on_terminal, screen

COUNT = 300
NAMES = [f"c{i:03d}" for i in range(1, COUNT + 1)]


@pytest.fixture
def project(isolated_env: Path) -> Path:
    (isolated_env / "sqitch.conf").write_text(
        '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:t.db\n'
        "\trunner = driver\n[user]\n\tname = Marge\n\temail = marge@example.com\n"
    )
    lines = ["%syntax-version=1.0.0", "%project=big", ""]
    for kind in ("deploy", "revert", "verify"):
        (isolated_env / kind).mkdir()
    for i, name in enumerate(NAMES, 1):
        lines.append(f"{name} 2026-01-01T00:00:00Z Marge <marge@example.com> # {name}")
        (isolated_env / "deploy" / f"{name}.sql").write_text(f"CREATE TABLE t{i} (x);\n")
        (isolated_env / "revert" / f"{name}.sql").write_text(f"DROP TABLE t{i};\n")
        verify = f"SELECT x FROM t{i} WHERE 0;\n"  # noqa: S608
        (isolated_env / "verify" / f"{name}.sql").write_text(verify)
    (isolated_env / "sqitch.plan").write_text("\n".join(lines) + "\n")
    return isolated_env


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SQLITCH_PROGRESS")}
    env.update({"TERM": "xterm", **extra})
    return env


def fresh(project: Path) -> None:
    for name in ("t.db", "sqitch.db"):
        (project / name).unlink(missing_ok=True)


DEPLOYED = (
    "Adding registry tables to db:sqlite:sqitch.db\n"
    "Deploying changes to db:sqlite:t.db\n" + "".join(f"  + {name} .. ok\n" for name in NAMES)
)


def test_a_long_deploy_shows_progress_and_leaves_the_usual_lines(project: Path) -> None:
    code, raw = run_on_terminal(["deploy"], env=environment(), cwd=project)
    text = raw.decode("utf-8")
    assert code == 0, text
    # Progress was drawn: counts out of 300, a bar, the change at work.
    drawn = re.findall(r"Deploying (\d+)/300 \[[=> ]{20}\] +\d+% \d+:\d\d", text)
    assert drawn, text[:2000]
    assert "\x1b[2K" in text
    assert int(drawn[-1]) > 0
    # ... and erased: the terminal shows exactly what Sqitch prints.
    assert screen(text) == DEPLOYED.splitlines()

    # The same deploy off a terminal: the usual bytes, nothing on stderr.
    fresh(project)
    piped = subprocess.run(
        [sys.executable, "-m", "sqlitch", "deploy"],
        cwd=project,
        env=environment(),
        capture_output=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert (piped.returncode, piped.stdout.decode(), piped.stderr) == (0, DEPLOYED, b"")


@pytest.mark.parametrize(
    ("argv", "extra"),
    [
        (["deploy"], {"TERM": "dumb"}),
        (["deploy"], {"NO_COLOR": "1"}),
        (["deploy"], {"SQLITCH_PROGRESS": "0"}),
        (["--quiet", "deploy"], {}),
    ],
    ids=["TERM=dumb", "NO_COLOR", "SQLITCH_PROGRESS=0", "quiet"],
)
def test_no_progress_when_asked_or_quiet(
    project: Path, argv: list[str], extra: dict[str, str]
) -> None:
    # 120 changes: enough for progress to show at once were it wanted.
    code, raw = run_on_terminal([*argv, "--to", "c120"], env=environment(**extra), cwd=project)
    expected = (
        "Adding registry tables to db:sqlite:sqitch.db\n"
        "Deploying changes through c120 to db:sqlite:t.db\n"
        + "".join(f"  + {name} .. ok\n" for name in NAMES[:120])
    )
    expected = "" if "--quiet" in argv else expected
    assert (code, raw.decode("utf-8")) == (0, expected.replace("\n", "\r\n"))


def test_verify_and_revert_show_progress_too(project: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "sqlitch", "deploy"],
        cwd=project,
        env=environment(),
        capture_output=True,
        check=True,
    )
    code, raw = run_on_terminal(["verify"], env=environment(), cwd=project)
    text = raw.decode("utf-8")
    assert code == 0, text
    assert "Verifying " in text and "/300 [" in text
    shown = screen(text)
    assert shown[0] == "Verifying db:sqlite:t.db" and shown[-1] == "Verify successful"
    assert shown[1:-1] == [f"  * {name} .. ok" for name in NAMES]

    code, raw = run_on_terminal(["revert", "-y"], env=environment(), cwd=project)
    text = raw.decode("utf-8")
    assert code == 0, text
    assert re.search(r"Reverting \d+/300 \[", text)
    assert screen(text) == [
        "Reverting all changes from db:sqlite:t.db",
        *[f"  - {name} .. ok" for name in reversed(NAMES)],
    ]


class FakeTerminal:
    """stderr as a terminal for an in-process run (stdout stays captured)."""

    def __init__(self) -> None:
        import io

        self.buffer_text = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer_text.write(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return True


def test_in_process_progress_goes_to_stderr_only(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlitch.services.progress as progress
    from sqlitch.cli.main import run

    (isolated_env / "sqitch.conf").write_text(
        '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:t.db\n'
        "\trunner = driver\n"
    )
    (isolated_env / "sqitch.plan").write_text(
        "%syntax-version=1.0.0\n%project=small\n\n"
        + "".join(f"{n} 2026-01-01T00:00:00Z M <m@example.com> # {n}\n" for n in NAMES[:3])
    )
    for kind in ("deploy", "revert"):
        (isolated_env / kind).mkdir()
        for i, name in enumerate(NAMES[:3], 1):
            sql = f"CREATE TABLE t{i} (x);\n" if kind == "deploy" else f"DROP TABLE t{i};\n"
            (isolated_env / kind / f"{name}.sql").write_text(sql)
    monkeypatch.setattr(progress, "MIN_CHANGES", 1)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert run(["deploy"]) == 0
    assert sys.stderr is terminal  # given back
    out = capsys.readouterr().out
    assert out.endswith("  + c001 .. ok\n  + c002 .. ok\n  + c003 .. ok\n")
    drawn = terminal.buffer_text.getvalue()
    assert "Deploying 0/3" in drawn and screen(drawn) == []
