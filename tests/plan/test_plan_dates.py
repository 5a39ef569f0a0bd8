"""Planned times Sqitch accepts that Python's datetime does not hold as is.

Sqitch reads ``YYYY`` as a DateTime year, so year 0000 (1 BC in the
proleptic Gregorian calendar, a leap year) is a valid planned time; years
before 1000 are written and hashed with four digits. The expectations were
recorded from Sqitch 1.3.1 (``faketime -f '@2026-01-01 00:00:00'``, TZ=UTC)
on this plan:

    sqitch plan --format 'format:%H %n %{date:raw}p|%{date:iso}p|...'
    sqitch show change foo / sqitch show tag t1
    sqitch deploy  (then the registry's changes.planned_at, tags.tag_id)
    sqitch tag t2 -n x  (the rewritten plan keeps the lines as they were)
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sqlitch.errors import SqlitchError
from sqlitch.plan import format_timestamp, parse_plan
from sqlitch.plan.model import PlanDateTime, plan_datetime

YEAR_ZERO_PLAN = (
    "%syntax-version=1.0.0\n"
    "%project=y0\n"
    "\n"
    "foo 0000-01-01T00:00:00Z Name <e@x> # note\n"
    "@t1 0000-02-29T23:59:59Z Name <e@x>\n"
    "bar [foo] 0001-01-01T00:00:00Z Name <e@x>\n"
)


def test_year_zero_ids_and_infos_match_sqitch() -> None:
    plan = parse_plan(YEAR_ZERO_PLAN)
    foo, bar = plan.changes
    assert foo.id == "af434e35665eab172b236cccddeef67a6bdb3092"
    assert bar.id == "9d90c709ab41addf2676e30983c8e4707b13e50d"
    assert plan.tags[0].id == "5507ea75646a5930f410c5b4404e5cf5660779ef"
    assert foo.info == (
        "project y0\nchange foo\nplanner Name <e@x>\ndate 0000-01-01T00:00:00Z\n\nnote"
    )
    assert plan.tags[0].info == (
        "project y0\ntag @t1\nchange af434e35665eab172b236cccddeef67a6bdb3092\n"
        "planner Name <e@x>\ndate 0000-02-29T23:59:59Z"
    )
    assert bar.info == (
        "project y0\nchange bar\nparent af434e35665eab172b236cccddeef67a6bdb3092\n"
        "planner Name <e@x>\ndate 0001-01-01T00:00:00Z\nrequires\n  + foo"
    )
    assert plan.index_of(foo.id) == 0
    assert plan.to_text() == YEAR_ZERO_PLAN


def test_years_before_1000_have_four_digits() -> None:
    text = YEAR_ZERO_PLAN.replace("0000-01-01", "0999-01-01").replace("0000-02-29", "0999-02-28")
    plan = parse_plan(text)
    assert [c.id for c in plan.changes] == [
        "9e93c38a7be8763a462ebb567109bc314d61eb4a",
        "50621f834a0b3e28615c1e8b0925bf7831cb56c0",
    ]
    assert plan.tags[0].id == "48b6116bfd584980c03a8f3da40189822cc8c1db"
    assert plan.to_text() == text
    assert format_timestamp(datetime(999, 1, 1, tzinfo=UTC)) == "0999-01-01T00:00:00Z"


def test_invalid_dates_still_fail() -> None:
    for stamp, reason in [
        ("0000-02-30T00:00:00Z", "day is out of range for month"),
        ("0001-02-29T00:00:00Z", "day is out of range for month"),
        ("0000-13-01T00:00:00Z", "month must be in 1..12"),
        ("0000-01-01T24:00:00Z", "hour must be in 0..23"),
    ]:
        with pytest.raises(SqlitchError) as err:
            parse_plan(f"%project=p\n\nfoo {stamp} N <e>\n")
        assert err.value.message == f"Invalid timestamp in sqitch.plan at line 3: {reason}"


def test_timestamps_take_ascii_digits_only() -> None:
    # "[[:digit:]]" matches any decimal digit, but DateTime takes ASCII ones
    # only: Sqitch dies (exit 2) on 2026 written in Arabic-Indic digits.
    with pytest.raises(SqlitchError) as err:
        parse_plan("%project=p\n\nfoo \u0662\u0660\u0662\u0666-01-01T00:00:00Z N <e>\n")
    assert err.value.message == (
        "Invalid timestamp in sqitch.plan at line 3: "
        'year "\u0662\u0660\u0662\u0666" is not a number'
    )
    assert err.value.exitval == 2
    with pytest.raises(SqlitchError) as err:
        parse_plan("%project=p\n\n foo 2026-01-0\u0661T00:00:00Z N <e>\n")
    assert err.value.message.endswith('day "0\u0661" is not a number')


def test_year_zero_moment() -> None:
    moment = parse_plan(YEAR_ZERO_PLAN).changes[0].timestamp
    assert isinstance(moment, PlanDateTime)
    assert (moment.year, moment.month, moment.day) == (0, 1, 1)
    assert moment.tzinfo is UTC
    # What Sqitch stores in a SQLite registry's planned_at.
    assert moment.strftime("%Y-%m-%d %H:%M:%S") == "0000-01-01 00:00:00"
    assert moment.strftime("%a %d %b %Y %%Y %F") == "Sat 01 Jan 0000 %Y 0000-01-01"
    assert moment.isoformat() == "0000-01-01T00:00:00+00:00"
    assert str(moment) == "0000-01-01 00:00:00+00:00"
    assert moment.isocalendar()[0] == -1  # 0000-01-01 is in the last ISO week of -1
    assert moment.timestamp() == -62167219200.0  # as DateTime's epoch
    assert format_timestamp(moment) == "0000-01-01T00:00:00Z"
    # Derived values keep the year: local time before 1 January 0000 is year -1.
    local = moment.astimezone(timezone(-timedelta(hours=5)))
    assert (local.year, local.month, local.day, local.hour) == (-1, 12, 31, 19)
    assert local.strftime("%Y-%m-%d") == "-0001-12-31"
    assert format_timestamp(local) == "0000-01-01T00:00:00Z"
    assert plan_datetime("0000-02-29T23:59:59Z").day == 29
    assert plan_datetime("2026-01-01T00:00:00Z") == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.mark.usefixtures("utc")
@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("raw", "0000-01-01T00:00:00Z"),
        ("iso", "0000-01-01 00:00:00 +0000"),
        ("rfc", "Sat, 01 Jan 0 00:00:00 -0000"),
        ("full", "Saturday, January 1, 0, 12:00:00\u202fAM UTC"),
        ("strftime:%Y %a %j", "0 Sat 001"),
        ("cldr:YYYY-MM-dd", "-001-01-01"),
    ],
)
def test_year_zero_dates_as_sqitch_formats_them(fmt: str, expected: str) -> None:
    from sqlitch.formatting import format_date

    moment = parse_plan(YEAR_ZERO_PLAN).changes[0].timestamp
    assert format_date(moment, fmt) == expected
