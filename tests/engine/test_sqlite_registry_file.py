"""Where the SQLite registry file goes, for every shape of target URI.

Sqitch swaps the base name of the target URI's last path segment for the
registry name, keeping the extension, as text: a segment may be empty
(``db:sqlite:/``) or ``.``, and the registry may name a subdirectory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.app import App, CoreOptions
from sqlitch.cli.main import run
from sqlitch.config import Config
from sqlitch.engines import load_engine
from sqlitch.engines.sqlite import SqliteEngine
from sqlitch.plan import Plan
from sqlitch.target import resolve_target


def registry_file(uri: str, registry: str = "sqitch") -> str | None:
    Path("sqitch.conf").write_text(
        f'[core]\n\tengine = sqlite\n[engine "sqlite"]\n\tregistry = {registry}\n'
    )
    config = Config.load()
    target = resolve_target(config, {}, name=uri)
    engine = load_engine(target, Plan.new("p", file="sqitch.plan"), App(config, CoreOptions()))
    assert isinstance(engine, SqliteEngine)
    return engine.registry_file


@pytest.mark.parametrize(
    ("uri", "registry", "expected"),
    [
        ("db:sqlite:t.db", "sqitch", "sqitch.db"),
        ("db:sqlite:dir/x.tar.db", "sqitch", "dir/sqitch.tar.db"),
        ("db:sqlite:noext", "sqitch", "sqitch"),
        ("db:sqlite:t.db", "meta.sqlite", "meta.sqlite"),
        ("db:sqlite:/", "sqitch", "/sqitch"),
        ("db:sqlite:.", "sqitch", "sqitch."),
        ("db:sqlite:t.db", "sub/reg", "sub/reg.db"),
        ("db:sqlite:t.db", "/abs/reg.db", "/abs/reg.db"),
    ],
)
def test_registry_file_follows_sqitch(
    isolated_env: Path, uri: str, registry: str, expected: str
) -> None:
    assert registry_file(uri, registry) == expected


def test_a_registry_in_a_missing_directory_is_a_clean_error(
    isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("sqitch.plan").write_text("%syntax-version=1.0.0\n%project=p\n\n")
    Path("sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    assert run(["status", "db:sqlite:t.db", "--registry", "sub/reg"]) == 2
    assert capsys.readouterr().err == "unable to open database file\n"
