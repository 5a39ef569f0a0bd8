"""The test servers the README documents are reachable (or skipped loudly)."""

from __future__ import annotations

import psycopg
import pymysql
import pytest
from tests.support.servers import (
    MYSQL_VAR,
    PG_VAR,
    ServerUnavailableWarning,
    connection_params,
    require_server,
)


def test_connection_params_split_a_db_uri() -> None:
    params = connection_params("db:pg://fred:s%40cret@db.example:6543/flipr")
    assert params == {
        "host": "db.example",
        "port": 6543,
        "user": "fred",
        "password": "s@cret",
        "database": "flipr",
    }


def test_missing_server_skips_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import servers

    servers._probe.cache_clear()
    monkeypatch.delenv(PG_VAR, raising=False)
    with pytest.warns(ServerUnavailableWarning), pytest.raises(pytest.skip.Exception):
        require_server(PG_VAR)
    servers._probe.cache_clear()


def test_postgres_answers() -> None:
    params = connection_params(require_server(PG_VAR))
    with psycopg.connect(
        host=str(params["host"]),
        port=int(params["port"] or 5432),  # type: ignore[call-overload]
        user=params["user"],
        dbname=params["database"],
    ) as conn:
        row = conn.execute("SELECT version()").fetchone()
    assert row is not None and "PostgreSQL" in row[0]


def test_mysql_answers() -> None:
    params = connection_params(require_server(MYSQL_VAR))
    conn = pymysql.connect(
        host=str(params["host"]),
        port=int(params["port"] or 3306),  # type: ignore[call-overload]
        user=params["user"],
        database=params["database"],
    )
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            (version,) = cur.fetchone()  # type: ignore[misc]
    finally:
        conn.close()
    assert version
