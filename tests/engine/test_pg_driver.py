"""The PostgreSQL driver runner's own decisions that need no server.

Everything it shares with psql is proven against the real psql in
test_pg_script_corpus.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.engines.pg_driver import PgDriverRunner
from sqlitch.engines.runners import ScriptRunner
from sqlitch.errors import SqlitchError


def test_is_a_script_runner() -> None:
    runner: ScriptRunner = PgDriverRunner(lambda: None, {"registry": "sqitch"})
    assert runner.name == "driver"
    runner.close()  # nothing to close yet


def test_missing_script_is_reported_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    def connect() -> None:
        raise AssertionError("no connection for a missing script")

    with pytest.raises(SqlitchError) as caught:
        PgDriverRunner(connect, {}).run(Path("deploy/nope.sql"))
    assert caught.value.message == "psql: error: deploy/nope.sql: No such file or directory"
    assert caught.value.ident == "pg"


def test_connection_failures(tmp_path: Path) -> None:
    import psycopg

    script = tmp_path / "x.sql"
    script.write_text("SELECT 1;\n", encoding="utf-8")

    def refused() -> None:
        psycopg.connect("host=127.0.0.1 port=1 user=nobody dbname=none connect_timeout=5")

    with pytest.raises(SqlitchError) as caught:
        PgDriverRunner(refused, {}).run(script)
    assert caught.value.message.startswith("psql: error: connection")
    assert "\n" not in caught.value.message

    own = SqlitchError("the engine's own words", ident="pg")

    def engine_error() -> None:
        raise own

    with pytest.raises(SqlitchError) as again:
        PgDriverRunner(engine_error, {}).run(script)
    assert again.value is own
