"""Find the PostgreSQL and MySQL test servers, or skip loudly.

Tests that need a server ask for the ``pg_uri`` / ``mysql_uri`` fixtures.
When the environment variable is unset, or the server does not answer, the
test is skipped *and* a warning is issued, so a missing server is visible in
the summary instead of passing silently.
"""

from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

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


# -- scratch databases ---------------------------------------------------------
def mysql_connect(uri: str, database: str | None = None, **extra: object) -> Any:
    """A PyMySQL connection to the server behind ``uri`` (autocommit, utf8mb4)."""
    import pymysql

    params = connection_params(uri)
    return pymysql.connect(
        host=str(params["host"]),
        port=int(params["port"] or 3306),  # type: ignore[call-overload]
        user=params["user"],
        password=params["password"] or "",
        database=database,
        autocommit=True,
        charset="utf8mb4",
        **extra,
    )


def scratch_name(prefix: str = "sqlitch_t") -> str:
    """A database name no other test run uses: prefix, pid and random hex."""
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"


def uri_with_database(uri: str, database: str) -> str:
    """``uri`` pointing at ``database`` instead of its own database."""
    parts = urlsplit(uri.removeprefix("db:"))
    return "db:" + urlunsplit(parts._replace(path="/" + database))


@contextmanager
def mysql_databases(uri: str, count: int = 1, prefix: str = "sqlitch_t") -> Iterator[list[str]]:
    """Create ``count`` empty databases with unique names; drop them afterwards."""
    names = [scratch_name(prefix) for _ in range(count)]
    conn = mysql_connect(uri)
    try:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f"CREATE DATABASE `{name}`")
        yield names
    finally:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()


def pg_connect(uri: str, database: str | None = None, **extra: object) -> Any:
    """A psycopg connection to the server behind ``uri`` (autocommit)."""
    import psycopg

    params = connection_params(uri)
    return psycopg.connect(
        host=str(params["host"]),
        port=int(params["port"] or 5432),  # type: ignore[call-overload]
        user=params["user"],
        password=params["password"],
        dbname=database or params["database"],
        autocommit=True,
        **extra,
    )


@contextmanager
def pg_databases(uri: str, count: int = 1, prefix: str = "sqlitch_t") -> Iterator[list[str]]:
    """Create ``count`` empty PostgreSQL databases with unique names; drop them
    afterwards (FORCE: a test's leftover session must not keep one alive)."""
    names = [scratch_name(prefix) for _ in range(count)]
    conn = pg_connect(uri)
    try:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
        yield names
    finally:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def pg_conninfo(uri: str, database: str, **extra: object) -> str:
    """A libpq connection string for ``database`` on the server behind ``uri``
    (the password is left out: pass it as PGPASSWORD)."""
    params = connection_params(uri)
    fields: dict[str, object] = {
        "user": params["user"],
        "dbname": database,
        "host": params["host"],
        "port": params["port"] or 5432,
        **extra,
    }
    quoted = []
    for key, value in fields.items():
        if value is None:
            continue
        text = str(value).replace("\\", "\\\\").replace("'", "\\'")
        quoted.append(f"{key}='{text}'")
    return " ".join(quoted)
