"""Find the PostgreSQL and MySQL test servers, or skip loudly.

Tests that need a server ask for the ``pg_uri`` / ``mysql_uri`` fixtures.
When the environment variable is unset, or the server does not answer, the
test is skipped *and* a warning is issued, so a missing server is visible in
the summary instead of passing silently.
"""

from __future__ import annotations

import os
import warnings
from functools import cache
from urllib.parse import unquote, urlsplit

import pytest

PG_VAR = "SQLITCH_TEST_PG_URI"
MYSQL_VAR = "SQLITCH_TEST_MYSQL_URI"


class ServerUnavailableWarning(UserWarning):
    """A database server the test suite wanted was not reachable."""


def connection_params(uri: str) -> dict[str, object]:
    """Split a ``db:<engine>://user:pass@host:port/db`` URI for a driver."""
    parts = urlsplit(uri.removeprefix("db:"))
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port,
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "database": unquote(parts.path.lstrip("/")) or None,
    }


@cache
def _probe(var: str) -> str | None:
    """Return why the server behind ``var`` can't be used, or None if it answers."""
    uri = os.environ.get(var)
    if not uri:
        return f"{var} is not set"
    params = connection_params(uri)
    try:
        if var == PG_VAR:
            import psycopg

            with psycopg.connect(
                host=params["host"],
                port=params["port"] or 5432,
                user=params["user"],
                password=params["password"],
                dbname=params["database"],
                connect_timeout=5,
            ) as conn:
                conn.execute("SELECT 1")
        else:
            import pymysql

            conn = pymysql.connect(
                host=str(params["host"]),
                port=int(params["port"] or 3306),  # type: ignore[call-overload]
                user=params["user"],
                password=params["password"] or "",
                database=params["database"],
                connect_timeout=5,
            )
            conn.close()
    except Exception as exc:
        return f"{var}={uri} does not answer: {exc}"
    return None


def require_server(var: str) -> str:
    """Return the server URI from ``var`` or skip the test with a visible warning."""
    reason = _probe(var)
    if reason is not None:
        warnings.warn(f"skipping server test: {reason}", ServerUnavailableWarning, stacklevel=2)
        pytest.skip(reason)
    return os.environ[var]
