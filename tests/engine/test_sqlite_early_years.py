"""A SQLite registry holding changes planned before year 1000.

Sqitch writes a planned_at value as ``YYYY-MM-DD HH:MM:SS`` in UTC with a
four-digit year (0001, 0042, 0999, 0000) and reads every one back, year 0000
included. The expectations were recorded from Sqitch 1.3.1 (``faketime -f
'@2026-01-01 00:00:00'``, TZ=UTC unless stated) on the plan of
tests/plan/test_early_year_dates.py:

    sqitch deploy db:sqlite:t.db
    sqlite3 sqitch.db 'SELECT change, planned_at FROM changes ...'
    sqitch status / sqitch log --format ...
    sqitch revert -y --to @t1
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from tests.plan.test_early_year_dates import CHANGE_IDS, EARLY_PLAN

import sqlitch.clock
from sqlitch.cli.main import run
from sqlitch.engines.sqlite import SqliteDialect
from sqlitch.plan.model import plan_datetime

NAMES = ("one", "fortytwo", "nine", "zero", "zfirst")
PLANNED = {
    "one": "0001-01-01 00:00:00",
    "fortytwo": "0042-07-04 13:05:09",
    "nine": "0999-12-31 23:59:59",
    "zero": "0000-02-29 12:00:00",
    "zfirst": "0000-01-01 00:00:00",
}


def rows(sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect("sqitch.db") as conn:
        return list(conn.execute(sql))


@pytest.fixture
def deployed(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sqlitch.clock, "now", lambda: datetime(2026, 1, 1, tzinfo=UTC))
    Path("sqitch.plan").write_text(EARLY_PLAN)
    Path("sqitch.conf").write_text(
        "[core]\n\tengine = sqlite\n[user]\n\tname = Ann\n\temail = ann@x\n"
    )
    for kind in ("deploy", "revert", "verify"):
        Path(kind).mkdir()
        for name in NAMES:
            Path(kind, f"{name}.sql").write_text(f"SELECT '{kind} {name}';\n")
    assert run(["deploy", "db:sqlite:t.db"]) == 0
    capsys.readouterr()


@pytest.mark.usefixtures("deployed")
def test_deploy_writes_four_digit_years() -> None:
    assert rows("SELECT change, planned_at FROM changes ORDER BY committed_at") == list(
        PLANNED.items()
    )
    assert rows("SELECT tag, planned_at FROM tags ORDER BY committed_at") == [
        ("@t1", "0001-12-31 23:59:59"),
        ("@t9", "0999-06-15 06:30:00"),
    ]
    assert rows("SELECT event, change, planned_at FROM events ORDER BY committed_at") == [
        ("deploy", name, stamp) for name, stamp in PLANNED.items()
    ]


@pytest.mark.usefixtures("deployed")
def test_status_and_log_read_the_years_back(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(["status", "db:sqlite:t.db"]) == 0
    assert capsys.readouterr().out == (
        "# On database db:sqlite:t.db\n"
        "# Project:  y\n"
        f"# Change:   {CHANGE_IDS[4]}\n"
        "# Name:     zfirst\n"
        "# Deployed: 2026-01-01 00:00:00 +0000\n"
        "# By:       Ann <ann@x>\n"
        "# \n"
        "Nothing to deploy (up-to-date)\n"
    )
    fmt = "format:%e %n|%{date}c|%{date:raw}p|%{date:iso}p"
    assert run(["log", "db:sqlite:t.db", "--format", fmt]) == 0
    assert capsys.readouterr().out == (
        "On database db:sqlite:t.db\n"
        "deploy zfirst|2026-01-01 00:00:00 +0000|0000-01-01T00:00:00Z|0000-01-01 00:00:00 +0000\n"
        "deploy zero|2026-01-01 00:00:00 +0000|0000-02-29T12:00:00Z|0000-02-29 12:00:00 +0000\n"
        "deploy nine|2026-01-01 00:00:00 +0000|0999-12-31T23:59:59Z|0999-12-31 23:59:59 +0000\n"
        "deploy fortytwo|2026-01-01 00:00:00 +0000|0042-07-04T13:05:09Z|0042-07-04 13:05:09 +0000\n"
        "deploy one|2026-01-01 00:00:00 +0000|0001-01-01T00:00:00Z|0001-01-01 00:00:00 +0000\n"
    )
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        fmt = "format:%n|%{date:iso}p|%{date:cldr:yy y}p"
        assert run(["log", "db:sqlite:t.db", "--format", fmt]) == 0
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert capsys.readouterr().out == (
        "On database db:sqlite:t.db\n"
        "zfirst|-0001-12-31 19:03:58 -045602|01 -1\n"
        "zero|0000-02-29 07:03:58 -045602|00 0\n"
        "nine|0999-12-31 19:03:57 -045602|99 999\n"
        "fortytwo|0042-07-04 08:09:07 -045602|42 42\n"
        "one|0000-12-31 19:03:58 -045602|00 0\n"
    )


@pytest.mark.usefixtures("deployed")
def test_revert_keeps_the_planned_years(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["revert", "-y", "--to", "@t1", "db:sqlite:t.db"]) == 0
    reverted = ("zfirst", "zero", "nine", "fortytwo")
    sql = (
        "SELECT event, change, planned_at FROM events WHERE event = 'revert' ORDER BY committed_at"
    )
    assert rows(sql) == [("revert", name, PLANNED[name]) for name in reverted]
    capsys.readouterr()
    fmt = "format:%e %n|%{date:raw}p"
    assert run(["log", "db:sqlite:t.db", "--event", "revert", "--format", fmt]) == 0
    assert capsys.readouterr().out == (
        "On database db:sqlite:t.db\n"
        "revert fortytwo|0042-07-04T13:05:09Z\n"
        "revert nine|0999-12-31T23:59:59Z\n"
        "revert zero|0000-02-29T12:00:00Z\n"
        "revert zfirst|0000-01-01T00:00:00Z\n"
    )
    assert run(["status", "db:sqlite:t.db"]) == 0
    assert capsys.readouterr().out == (
        "# On database db:sqlite:t.db\n"
        "# Project:  y\n"
        f"# Change:   {CHANGE_IDS[0]}\n"
        "# Name:     one\n"
        "# Tag:      @t1\n"
        "# Deployed: 2026-01-01 00:00:00 +0000\n"
        "# By:       Ann <ann@x>\n"
        "# \n"
        "Undeployed changes:\n"
        "  * fortytwo\n"
        "  * nine @t9\n"
        "  * zero\n"
        "  * zfirst\n"
    )


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("0001-01-01 00:00:00", (1, 1, 1, 0, 0, 0, 0)),
        ("0042-07-04 13:05:09", (42, 7, 4, 13, 5, 9, 0)),
        ("0999-12-31 23:59:59.250", (999, 12, 31, 23, 59, 59, 250000)),
        ("0000-02-29 12:00:00", (0, 2, 29, 12, 0, 0, 0)),
        ("0000-01-01T00:00:00", (0, 1, 1, 0, 0, 0, 0)),
        # Rows an earlier SQLitch wrote with the year unpadded.
        ("42-07-04 13:05:09", (42, 7, 4, 13, 5, 9, 0)),
        ("2026-01-01 00:00:00.123", (2026, 1, 1, 0, 0, 0, 123000)),
    ],
)
def test_registry_timestamps_round_trip(stored: str, expected: tuple[int, ...]) -> None:
    dialect = SqliteDialect()
    moment = dialect.parse_timestamp(stored)
    assert moment.tzinfo is UTC
    fields = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    assert (*fields, moment.microsecond) == expected
    text = stored.replace("T", " ")[:19]
    assert dialect.planned_value(moment) == f"{moment.year:04d}{text[text.index('-', 1) :]}"


def test_planned_values_are_utc_with_four_digit_years() -> None:
    dialect = SqliteDialect()
    assert dialect.planned_value(datetime(42, 7, 4, 13, 5, 9, tzinfo=UTC)) == "0042-07-04 13:05:09"
    assert dialect.planned_value(datetime(1, 1, 1, tzinfo=UTC)) == "0001-01-01 00:00:00"
    # A planned time is written in UTC whatever zone the moment is in.
    west = timezone(timedelta(hours=-5))
    assert dialect.planned_value(datetime(999, 12, 31, 22, tzinfo=west)) == "1000-01-01 03:00:00"
    year_zero = plan_datetime("0000-01-01T00:00:00Z").astimezone(west)
    assert year_zero.year == -1
    assert dialect.planned_value(year_zero) == "0000-01-01 00:00:00"
