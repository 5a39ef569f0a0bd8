"""No command line, however wrong, makes sqlitch crash.

Random mixes of commands, real and bogus options, change names, targets and
odd values run in a small SQLite project. Whatever they do, the outcome must
be one of Sqitch's exit codes with a message, never an internal error.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlitch.cli.main import COMMANDS, run

CONF = """[core]
\tengine = sqlite
[engine "sqlite"]
\ttarget = dev
[target "dev"]
\turi = db:sqlite:dev.db
"""
PLAN = """%syntax-version=1.0.0
%project=robust

users 2026-01-01T00:00:00Z Ann <ann@example.com> # Users.
posts [users] 2026-01-01T00:01:00Z Ann <ann@example.com> # Posts.
@v1 2026-01-01T00:02:00Z Ann <ann@example.com> # Tag.

users [users@v1] 2026-01-01T00:03:00Z Ann <ann@example.com> # Reworked.
"""
SCRIPTS = {
    "deploy/users.sql": "CREATE TABLE users (id INTEGER);\n",
    "deploy/users@v1.sql": "CREATE TABLE users (id INTEGER);\n",
    "deploy/posts.sql": "CREATE TABLE posts (id INTEGER);\n",
    "revert/users.sql": "DROP TABLE users;\n",
    "revert/users@v1.sql": "DROP TABLE users;\n",
    "revert/posts.sql": "DROP TABLE posts;\n",
    "verify/users.sql": "SELECT id FROM users WHERE 0;\n",
    "verify/users@v1.sql": "SELECT id FROM users WHERE 0;\n",
    "verify/posts.sql": "SELECT id FROM posts WHERE 0;\n",
}

# Commands that would start an editor, a pager or git are left out or given
# options that keep them non-interactive.
COMMAND_NAMES = sorted(set(COMMANDS) - {"checkout"})
WORDS = [
    "users",
    "posts",
    "users@v1",
    "@v1",
    "@HEAD",
    "@ROOT",
    "HEAD^",
    "users~1",
    "nosuch",
    "dev",
    "db:sqlite:other.db",
    "db:pg:",
    "db:oracle:",
    "sqlite",
    "pg",
    "sqitch.plan",
    "core.engine",
    "core.nosuch",
    "target.dev.uri",
    "a=b",
    "=",
    "",
    "-",
    "--",
    "--bogus",
    "-Z",
    "--to",
    "--to-change",
    "--mode",
    "all",
    "tag",
    "change",
    "bogus",
    "--target",
    "-t",
    "--format",
    "raw",
    "format:%H %n",
    "--date-format",
    "iso",
    "cldr:YYYY",
    "--set",
    "-s",
    "--verify",
    "--no-verify",
    "--log-only",
    "-y",
    "--note",
    "-n",
    "--requires",
    "-r",
    "--conflicts",
    "--runner",
    "driver",
    "--registry",
    "--lock-timeout",
    "0",
    "-1",
    "--all",
    "--get",
    "--list",
    "--unset",
    "--bool",
    "--int",
    "add",
    "remove",
    "alter",
    "show",
    "list",
    "-v",
    "--quiet",
    "--from",
    "--upto",
    "--onto",
    "--dest-dir",
    "out",
    "--exists",
    "deploy",
    "change",
    "tag",
    "ünïcödé",
    "x" * 300,
]


def _project(root: Path) -> None:
    (root / "sqitch.conf").write_text(CONF, encoding="utf-8")
    (root / "sqitch.plan").write_text(PLAN, encoding="utf-8")
    for name, text in SCRIPTS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    command=st.sampled_from(COMMAND_NAMES),
    words=st.lists(st.sampled_from(WORDS), max_size=6),
)
def test_no_argument_list_crashes(
    command: str,
    words: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if command == "add" and any(w in ("-e", "--edit", "--open-editor") for w in words):
        return
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.setenv("SQITCH_EDITOR", "false")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    origin = Path.cwd()
    root = Path(tempfile.mkdtemp(prefix="sqlitch-robust-"))
    try:
        _project(root)
        os.chdir(root)
        code = run([command, *words])
    finally:
        os.chdir(origin)
        shutil.rmtree(root, ignore_errors=True)
    captured = capsys.readouterr()
    assert "internal error" not in captured.err, (command, words, captured.err)
    assert code in (0, 1, 2, 255), (command, words, code, captured.err)
