"""Caches added for speed must not change results."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from sqlitch.config import Config
from sqlitch.config.keys import canonical_key
from sqlitch.engines.dialect import Dialect
from sqlitch.engines.registry import Registry
from sqlitch.errors import SqlitchError
from sqlitch.target import resolve_target


def test_canonical_key_memo_gives_same_answers() -> None:
    for _ in range(2):
        assert canonical_key("Core.Engine") == "core.engine"
        assert canonical_key('Target."Prod".URI') == "target.Prod.uri"


def test_canonical_key_memo_still_raises_every_time() -> None:
    for _ in range(2):
        with pytest.raises(SqlitchError, match="No section given in key: nosection"):
            canonical_key("nosection")


def test_script_dir_is_cached_per_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sqitch.conf").write_text(
        '[core]\n\tengine = sqlite\n\tdeploy_dir = d\n[target "other"]\n'
        "\turi = db:sqlite:o.db\n\tdeploy_dir = od\n\treworked_dir = rw\n",
        encoding="utf-8",
    )
    config = Config.load(env={"HOME": str(tmp_path / "home")}, cwd=tmp_path)
    default, other = resolve_target(config), resolve_target(config, name="other")
    for _ in range(2):  # the second round is served from the cache
        assert default.script_dir("deploy") == PurePosixPath("d")
        assert default.script_dir("revert") == PurePosixPath("revert")
        assert default.script_dir("verify", reworked=True) == PurePosixPath("verify")
        assert other.script_dir("deploy") == PurePosixPath("od")
        assert other.script_dir("revert", reworked=True) == PurePosixPath("rw/revert")


def test_registry_renders_each_statement_once() -> None:
    calls: list[str] = []

    class CountingDialect(Dialect):
        def listagg(self, expr: str) -> str:
            return f"group_concat({expr}, ' ')"

        def sql(self, text: str) -> str:
            calls.append(text)
            return super().sql(text)

    registry = Registry(
        connect=lambda: sqlite3.connect(":memory:"),
        dialect=CountingDialect(),
        project="p",
        user_name="u",
        user_email="u@example.com",
    )
    for _ in range(3):
        assert registry.value("SELECT 1 + ?", (1,)) == 2
    assert len(calls) == 1


def test_cheap_commands_skip_target_and_dataclasses() -> None:
    probe = (
        "import sys\n"
        "from sqlitch.cli.main import run\n"
        "run(['--help'])\n"
        "print(sorted({'dataclasses', 'sqlitch.target'} & set(sys.modules)), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert proc.stderr.strip().splitlines()[-1] == "[]", proc.stderr
