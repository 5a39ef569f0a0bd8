"""Plans whose changes are planned before year 1000, dated as Sqitch dates them.

Sqitch keeps a planned time as a DateTime: years 0001 to 0999 and year 0000
(1 BC, a leap year) are valid, and a local time before 1 January 0001 is
year 0 or -1. Every expectation below was recorded from Sqitch 1.3.1 run on
``EARLY_PLAN`` (``faketime -f '@2026-01-01 00:00:00'``) with TZ set to each
zone, as

    sqitch plan --date-format FORMAT --format 'format:%{date}p'
    sqitch plan --format 'format:%H %n%t %{date:iso}p %{date:rfc}p'

Sqitch uses the zone's local mean time (LMT) that far back: -04:56:02 in
America/New_York, +09:18:59 in Asia/Tokyo.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from sqlitch.cli.main import run
from sqlitch.formatting import format_date
from sqlitch.formatting.json_values import iso_utc
from sqlitch.plan import parse_plan

EARLY_PLAN = (
    "%syntax-version=1.0.0\n"
    "%project=y\n"
    "\n"
    "one 0001-01-01T00:00:00Z Name <e@x> # in year one\n"
    "@t1 0001-12-31T23:59:59Z Name <e@x>\n"
    "fortytwo [one] 0042-07-04T13:05:09Z Name <e@x> # forty two\n"
    "nine 0999-12-31T23:59:59Z Name <e@x>\n"
    "@t9 0999-06-15T06:30:00Z Name <e@x>\n"
    "zero 0000-02-29T12:00:00Z Name <e@x> # zero\n"
    "zfirst 0000-01-01T00:00:00Z Name <e@x>\n"
)

CHANGE_IDS = (
    "4cff5ab10bf2a4f1dace9efc77be100450e4582a",
    "957bc43c161afc06f61541b71516a702623ca690",
    "763edd6483e7acb37da2b9ec91006d1de982f766",
    "b7df51c98e01c31d5fefb776cc70f3e8a8d37f3e",
    "1aa71d91cd1986f68c4a5d86cd3c896bb1e17098",
)
TAG_IDS = ("c97112d7c6f31878ba48e6f03abcdc86b87d1f34", "24b0eb5c01c9e55bbcf006e2e8f209b899a97b37")


def early_moments() -> list[datetime]:
    return [change.timestamp for change in parse_plan(EARLY_PLAN).changes]


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def test_ids_match_sqitch() -> None:
    plan = parse_plan(EARLY_PLAN)
    assert tuple(change.id for change in plan.changes) == CHANGE_IDS
    assert tuple(tag.id for tag in plan.tags) == TAG_IDS
    assert plan.to_text() == EARLY_PLAN


SQITCH_FORMATS: dict[str, dict[str, tuple[str, ...]]] = {
    "UTC": {
        "raw": (
            "0001-01-01T00:00:00Z",
            "0042-07-04T13:05:09Z",
            "0999-12-31T23:59:59Z",
            "0000-02-29T12:00:00Z",
            "0000-01-01T00:00:00Z",
        ),
        "iso": (
            "0001-01-01 00:00:00 +0000",
            "0042-07-04 13:05:09 +0000",
            "0999-12-31 23:59:59 +0000",
            "0000-02-29 12:00:00 +0000",
            "0000-01-01 00:00:00 +0000",
        ),
        "iso8601": (
            "0001-01-01 00:00:00 +0000",
            "0042-07-04 13:05:09 +0000",
            "0999-12-31 23:59:59 +0000",
            "0000-02-29 12:00:00 +0000",
            "0000-01-01 00:00:00 +0000",
        ),
        "rfc": (
            "Mon, 01 Jan 1 00:00:00 -0000",
            "Fri, 04 Jul 42 13:05:09 -0000",
            "Tue, 31 Dec 999 23:59:59 -0000",
            "Tue, 29 Feb 0 12:00:00 -0000",
            "Sat, 01 Jan 0 00:00:00 -0000",
        ),
        "rfc2822": (
            "Mon, 01 Jan 1 00:00:00 -0000",
            "Fri, 04 Jul 42 13:05:09 -0000",
            "Tue, 31 Dec 999 23:59:59 -0000",
            "Tue, 29 Feb 0 12:00:00 -0000",
            "Sat, 01 Jan 0 00:00:00 -0000",
        ),
        "full": (
            "Monday, January 1, 1, 12:00:00\u202fAM UTC",
            "Friday, July 4, 42, 1:05:09\u202fPM UTC",
            "Tuesday, December 31, 999, 11:59:59\u202fPM UTC",
            "Tuesday, February 29, 0, 12:00:00\u202fPM UTC",
            "Saturday, January 1, 0, 12:00:00\u202fAM UTC",
        ),
        "long": (
            "January 1, 1, 12:00:00\u202fAM UTC",
            "July 4, 42, 1:05:09\u202fPM UTC",
            "December 31, 999, 11:59:59\u202fPM UTC",
            "February 29, 0, 12:00:00\u202fPM UTC",
            "January 1, 0, 12:00:00\u202fAM UTC",
        ),
        "medium": (
            "Jan 1, 1, 12:00:00\u202fAM",
            "Jul 4, 42, 1:05:09\u202fPM",
            "Dec 31, 999, 11:59:59\u202fPM",
            "Feb 29, 0, 12:00:00\u202fPM",
            "Jan 1, 0, 12:00:00\u202fAM",
        ),
        "short": (
            "1/1/01, 12:00\u202fAM",
            "7/4/42, 1:05\u202fPM",
            "12/31/99, 11:59\u202fPM",
            "2/29/00, 12:00\u202fPM",
            "1/1/00, 12:00\u202fAM",
        ),
        "cldr:G GGGG GGGGG y yy yyy yyyy yyyyy": (
            "AD Anno Domini A 1 01 001 0001 00001",
            "AD Anno Domini A 42 42 042 0042 00042",
            "AD Anno Domini A 999 99 999 0999 00999",
            "BC Before Christ B 0 00 000 0000 00000",
            "BC Before Christ B 0 00 000 0000 00000",
        ),
        "cldr:u uu uuuu Y YY YYYY Q QQQ QQQQ": (
            "1 01 0001 1 01 0001 1 Q1 1st quarter",
            "42 42 0042 42 42 0042 3 Q3 3rd quarter",
            "999 999 0999 1000 1000 1000 4 Q4 4th quarter",
            "0 00 0000 0 00 0000 1 Q1 1st quarter",
            "0 00 0000 -1 -1 -001 1 Q1 1st quarter",
        ),
        "cldr:M MMM w ww W d D DDD F g gg": (
            "1 Jan 1 01 1 1 1 001 1 -678575 -678575",
            "7 Jul 27 27 1 4 185 185 1 -663415 -663415",
            "12 Dec 1 01 5 31 365 365 5 -313698 -313698",
            "2 Feb 9 09 5 29 60 060 5 -678881 -678881",
            "1 Jan 52 52 0 1 1 001 1 -678941 -678941",
        ),
        "cldr:E EEEE e ee c cc a h H K k j m s SSS A": (
            "Mon Monday 2 02 1 01 AM 12 0 0 24 12 0 0 000 0",
            "Fri Friday 6 06 5 05 PM 1 13 1 13 1 5 9 000 47109000",
            "Tue Tuesday 3 03 2 02 PM 11 23 11 23 11 59 59 000 86399000",
            "Tue Tuesday 3 03 2 02 PM 12 12 0 12 12 0 0 000 43200000",
            "Sat Saturday 7 07 6 06 AM 12 0 0 24 12 0 0 000 0",
        ),
        "cldr:z zzzz Z ZZZZ ZZZZZ": (
            "UTC UTC +0000 UTC+0000 +00:00",
            "UTC UTC +0000 UTC+0000 +00:00",
            "UTC UTC +0000 UTC+0000 +00:00",
            "UTC UTC +0000 UTC+0000 +00:00",
            "UTC UTC +0000 UTC+0000 +00:00",
        ),
        "cldr:v vvvv V VVVV": (
            "UTC UTC UTC UTC",
            "UTC UTC UTC UTC",
            "UTC UTC UTC UTC",
            "UTC UTC UTC UTC",
            "UTC UTC UTC UTC",
        ),
        "strftime:%a %A %b %B %C %d %D %e %F %g %G": (
            "Mon Monday Jan January 0 01 01/01/01  1 1-01-01 1 1",
            "Fri Friday Jul July 0 04 07/04/42  4 42-07-04 42 42",
            "Tue Tuesday Dec December 9 31 12/31/99 31 999-12-31 00 1000",
            "Tue Tuesday Feb February 0 29 02/29/00 29 0-02-29 0 0",
            "Sat Saturday Jan January 0 01 01/01/00  1 0-01-01 -1 -1",
        ),
        "strftime:%H %I %j %k %l %m %M %p %r %R %s": (
            "00 12 001  0 12 01 00 AM 12:00:00 AM 00:00 -62135596800",
            "13 01 185 13  1 07 05 PM 01:05:09 PM 13:05 -60825812091",
            "23 11 365 23 11 12 59 PM 11:59:59 PM 23:59 -30610224001",
            "12 12 060 12 12 02 00 PM 12:00:00 PM 12:00 -62162078400",
            "00 12 001  0 12 01 00 AM 12:00:00 AM 00:00 -62167219200",
        ),
        "strftime:%S %T %u %U %V %w %W %y %Y %z %Z %N %3N": (
            "00 00:00:00 1 00 01 1 01 01 1 +0000 UTC 000000000 000",
            "09 13:05:09 5 26 27 5 26 42 42 +0000 UTC 000000000 000",
            "59 23:59:59 2 52 01 2 52 99 999 +0000 UTC 000000000 000",
            "00 12:00:00 2 09 09 2 09 00 0 +0000 UTC 000000000 000",
            "00 00:00:00 6 00 52 6 00 00 0 +0000 UTC 000000000 000",
        ),
        "strftime:%c|%x|%X": (
            "Jan 1, 1, 12:00:00\u202fAM|Jan 1, 1|12:00:00\u202fAM",
            "Jul 4, 42, 1:05:09\u202fPM|Jul 4, 42|1:05:09\u202fPM",
            "Dec 31, 999, 11:59:59\u202fPM|Dec 31, 999|11:59:59\u202fPM",
            "Feb 29, 0, 12:00:00\u202fPM|Feb 29, 0|12:00:00\u202fPM",
            "Jan 1, 0, 12:00:00\u202fAM|Jan 1, 0|12:00:00\u202fAM",
        ),
        "strftime:%{year} %{month} %{day_of_year} %{ymd} %{date}": (
            "1 1 1 0001-01-01 0001-01-01",
            "42 7 185 0042-07-04 0042-07-04",
            "999 12 365 0999-12-31 0999-12-31",
            "0 2 60 0000-02-29 0000-02-29",
            "0 1 1 0000-01-01 0000-01-01",
        ),
        "strftime:%{iso8601} %{datetime} %{mjd} %{epoch}": (
            "0001-01-01T00:00:00 0001-01-01T00:00:00 -678575 -62135596800",
            "0042-07-04T13:05:09 0042-07-04T13:05:09 -663415.454756944 -60825812091",
            "0999-12-31T23:59:59 0999-12-31T23:59:59 -313698.000011574 -30610224001",
            "0000-02-29T12:00:00 0000-02-29T12:00:00 -678881.5 -62162078400",
            "0000-01-01T00:00:00 0000-01-01T00:00:00 -678941 -62167219200",
        ),
        "strftime:%{era_abbr} %{era_name} %{week_year} %{week_number}": (
            "AD Anno Domini 1 1",
            "AD Anno Domini 42 27",
            "AD Anno Domini 1000 1",
            "BC Before Christ 0 9",
            "BC Before Christ -1 52",
        ),
        "strftime:%{week_of_month} %{quarter_name} %{offset} %{hms}": (
            "1 1st quarter 0 00:00:00",
            "1 3rd quarter 0 13:05:09",
            "5 4th quarter 0 23:59:59",
            "5 1st quarter 0 12:00:00",
            "0 1st quarter 0 00:00:00",
        ),
    },
    "America/New_York": {
        "raw": (
            "0001-01-01T00:00:00Z",
            "0042-07-04T13:05:09Z",
            "0999-12-31T23:59:59Z",
            "0000-02-29T12:00:00Z",
            "0000-01-01T00:00:00Z",
        ),
        "iso": (
            "0000-12-31 19:03:58 -045602",
            "0042-07-04 08:09:07 -045602",
            "0999-12-31 19:03:57 -045602",
            "0000-02-29 07:03:58 -045602",
            "-0001-12-31 19:03:58 -045602",
        ),
        "iso8601": (
            "0000-12-31 19:03:58 -045602",
            "0042-07-04 08:09:07 -045602",
            "0999-12-31 19:03:57 -045602",
            "0000-02-29 07:03:58 -045602",
            "-0001-12-31 19:03:58 -045602",
        ),
        "rfc": (
            "Sun, 31 Dec 0 19:03:58 -045602",
            "Fri, 04 Jul 42 08:09:07 -045602",
            "Tue, 31 Dec 999 19:03:57 -045602",
            "Tue, 29 Feb 0 07:03:58 -045602",
            "Fri, 31 Dec -1 19:03:58 -045602",
        ),
        "rfc2822": (
            "Sun, 31 Dec 0 19:03:58 -045602",
            "Fri, 04 Jul 42 08:09:07 -045602",
            "Tue, 31 Dec 999 19:03:57 -045602",
            "Tue, 29 Feb 0 07:03:58 -045602",
            "Fri, 31 Dec -1 19:03:58 -045602",
        ),
        "full": (
            "Sunday, December 31, 0, 7:03:58\u202fPM America/New_York",
            "Friday, July 4, 42, 8:09:07\u202fAM America/New_York",
            "Tuesday, December 31, 999, 7:03:57\u202fPM America/New_York",
            "Tuesday, February 29, 0, 7:03:58\u202fAM America/New_York",
            "Friday, December 31, -1, 7:03:58\u202fPM America/New_York",
        ),
        "long": (
            "December 31, 0, 7:03:58\u202fPM LMT",
            "July 4, 42, 8:09:07\u202fAM LMT",
            "December 31, 999, 7:03:57\u202fPM LMT",
            "February 29, 0, 7:03:58\u202fAM LMT",
            "December 31, -1, 7:03:58\u202fPM LMT",
        ),
        "medium": (
            "Dec 31, 0, 7:03:58\u202fPM",
            "Jul 4, 42, 8:09:07\u202fAM",
            "Dec 31, 999, 7:03:57\u202fPM",
            "Feb 29, 0, 7:03:58\u202fAM",
            "Dec 31, -1, 7:03:58\u202fPM",
        ),
        "short": (
            "12/31/00, 7:03\u202fPM",
            "7/4/42, 8:09\u202fAM",
            "12/31/99, 7:03\u202fPM",
            "2/29/00, 7:03\u202fAM",
            "12/31/01, 7:03\u202fPM",
        ),
        "cldr:G GGGG GGGGG y yy yyy yyyy yyyyy": (
            "BC Before Christ B 0 00 000 0000 00000",
            "AD Anno Domini A 42 42 042 0042 00042",
            "AD Anno Domini A 999 99 999 0999 00999",
            "BC Before Christ B 0 00 000 0000 00000",
            "BC Before Christ B -1 01 -01 -001 -0001",
        ),
        "cldr:u uu uuuu Y YY YYYY Q QQQ QQQQ": (
            "0 00 0000 0 00 0000 4 Q4 4th quarter",
            "42 42 0042 42 42 0042 3 Q3 3rd quarter",
            "999 999 0999 1000 1000 1000 4 Q4 4th quarter",
            "0 00 0000 0 00 0000 1 Q1 1st quarter",
            "-1 -1 -001 -1 -1 -001 4 Q4 4th quarter",
        ),
        "cldr:M MMM w ww W d D DDD F g gg": (
            "12 Dec 52 52 4 31 366 366 5 -678575 -678575",
            "7 Jul 27 27 1 4 185 185 1 -663415 -663415",
            "12 Dec 1 01 5 31 365 365 5 -313698 -313698",
            "2 Feb 9 09 5 29 60 060 5 -678881 -678881",
            "12 Dec 52 52 5 31 365 365 5 -678941 -678941",
        ),
        "cldr:E EEEE e ee c cc a h H K k j m s SSS A": (
            "Sun Sunday 1 01 7 07 PM 7 19 7 19 7 3 58 000 68638000",
            "Fri Friday 6 06 5 05 AM 8 8 8 8 8 9 7 000 29347000",
            "Tue Tuesday 3 03 2 02 PM 7 19 7 19 7 3 57 000 68637000",
            "Tue Tuesday 3 03 2 02 AM 7 7 7 7 7 3 58 000 25438000",
            "Fri Friday 6 06 5 05 PM 7 19 7 19 7 3 58 000 68638000",
        ),
        "cldr:z zzzz Z ZZZZ ZZZZZ": (
            "LMT America/New_York -045602 LMT-045602 -04:56:02",
            "LMT America/New_York -045602 LMT-045602 -04:56:02",
            "LMT America/New_York -045602 LMT-045602 -04:56:02",
            "LMT America/New_York -045602 LMT-045602 -04:56:02",
            "LMT America/New_York -045602 LMT-045602 -04:56:02",
        ),
        "cldr:v vvvv V VVVV": (
            "LMT America/New_York LMT America/New_York",
            "LMT America/New_York LMT America/New_York",
            "LMT America/New_York LMT America/New_York",
            "LMT America/New_York LMT America/New_York",
            "LMT America/New_York LMT America/New_York",
        ),
        "strftime:%a %A %b %B %C %d %D %e %F %g %G": (
            "Sun Sunday Dec December 0 31 12/31/00 31 0-12-31 0 0",
            "Fri Friday Jul July 0 04 07/04/42  4 42-07-04 42 42",
            "Tue Tuesday Dec December 9 31 12/31/99 31 999-12-31 00 1000",
            "Tue Tuesday Feb February 0 29 02/29/00 29 0-02-29 0 0",
            "Fri Friday Dec December 0 31 12/31/-1 31 -1-12-31 -1 -1",
        ),
        "strftime:%H %I %j %k %l %m %M %p %r %R %s": (
            "19 07 366 19  7 12 03 PM 07:03:58 PM 19:03 -62135596800",
            "08 08 185  8  8 07 09 AM 08:09:07 AM 08:09 -60825812091",
            "19 07 365 19  7 12 03 PM 07:03:57 PM 19:03 -30610224001",
            "07 07 060  7  7 02 03 AM 07:03:58 AM 07:03 -62162078400",
            "19 07 365 19  7 12 03 PM 07:03:58 PM 19:03 -62167219200",
        ),
        "strftime:%S %T %u %U %V %w %W %y %Y %z %Z %N %3N": (
            "58 19:03:58 7 53 52 0 52 00 0 -045602 LMT 000000000 000",
            "07 08:09:07 5 26 27 5 26 42 42 -045602 LMT 000000000 000",
            "57 19:03:57 2 52 01 2 52 99 999 -045602 LMT 000000000 000",
            "58 07:03:58 2 09 09 2 09 00 0 -045602 LMT 000000000 000",
            "58 19:03:58 5 52 52 5 52 -1 -1 -045602 LMT 000000000 000",
        ),
        "strftime:%c|%x|%X": (
            "Dec 31, 0, 7:03:58\u202fPM|Dec 31, 0|7:03:58\u202fPM",
            "Jul 4, 42, 8:09:07\u202fAM|Jul 4, 42|8:09:07\u202fAM",
            "Dec 31, 999, 7:03:57\u202fPM|Dec 31, 999|7:03:57\u202fPM",
            "Feb 29, 0, 7:03:58\u202fAM|Feb 29, 0|7:03:58\u202fAM",
            "Dec 31, -1, 7:03:58\u202fPM|Dec 31, -1|7:03:58\u202fPM",
        ),
        "strftime:%{year} %{month} %{day_of_year} %{ymd} %{date}": (
            "0 12 366 0000-12-31 0000-12-31",
            "42 7 185 0042-07-04 0042-07-04",
            "999 12 365 0999-12-31 0999-12-31",
            "0 2 60 0000-02-29 0000-02-29",
            "-1 12 365 -0001-12-31 -0001-12-31",
        ),
        "strftime:%{iso8601} %{datetime} %{mjd} %{epoch}": (
            "0000-12-31T19:03:58 0000-12-31T19:03:58 -678575 -62135596800",
            "0042-07-04T08:09:07 0042-07-04T08:09:07 -663415.454756944 -60825812091",
            "0999-12-31T19:03:57 0999-12-31T19:03:57 -313698.000011574 -30610224001",
            "0000-02-29T07:03:58 0000-02-29T07:03:58 -678881.5 -62162078400",
            "-0001-12-31T19:03:58 -0001-12-31T19:03:58 -678941 -62167219200",
        ),
        "strftime:%{era_abbr} %{era_name} %{week_year} %{week_number}": (
            "BC Before Christ 0 52",
            "AD Anno Domini 42 27",
            "AD Anno Domini 1000 1",
            "BC Before Christ 0 9",
            "BC Before Christ -1 52",
        ),
        "strftime:%{week_of_month} %{quarter_name} %{offset} %{hms}": (
            "4 4th quarter -17762 19:03:58",
            "1 3rd quarter -17762 08:09:07",
            "5 4th quarter -17762 19:03:57",
            "5 1st quarter -17762 07:03:58",
            "5 4th quarter -17762 19:03:58",
        ),
    },
    "Asia/Tokyo": {
        "raw": (
            "0001-01-01T00:00:00Z",
            "0042-07-04T13:05:09Z",
            "0999-12-31T23:59:59Z",
            "0000-02-29T12:00:00Z",
            "0000-01-01T00:00:00Z",
        ),
        "iso": (
            "0001-01-01 09:18:59 +091859",
            "0042-07-04 22:24:08 +091859",
            "1000-01-01 09:18:58 +091859",
            "0000-02-29 21:18:59 +091859",
            "0000-01-01 09:18:59 +091859",
        ),
        "iso8601": (
            "0001-01-01 09:18:59 +091859",
            "0042-07-04 22:24:08 +091859",
            "1000-01-01 09:18:58 +091859",
            "0000-02-29 21:18:59 +091859",
            "0000-01-01 09:18:59 +091859",
        ),
        "rfc": (
            "Mon, 01 Jan 1 09:18:59 +091859",
            "Fri, 04 Jul 42 22:24:08 +091859",
            "Wed, 01 Jan 1000 09:18:58 +091859",
            "Tue, 29 Feb 0 21:18:59 +091859",
            "Sat, 01 Jan 0 09:18:59 +091859",
        ),
        "rfc2822": (
            "Mon, 01 Jan 1 09:18:59 +091859",
            "Fri, 04 Jul 42 22:24:08 +091859",
            "Wed, 01 Jan 1000 09:18:58 +091859",
            "Tue, 29 Feb 0 21:18:59 +091859",
            "Sat, 01 Jan 0 09:18:59 +091859",
        ),
        "full": (
            "Monday, January 1, 1, 9:18:59\u202fAM Asia/Tokyo",
            "Friday, July 4, 42, 10:24:08\u202fPM Asia/Tokyo",
            "Wednesday, January 1, 1000, 9:18:58\u202fAM Asia/Tokyo",
            "Tuesday, February 29, 0, 9:18:59\u202fPM Asia/Tokyo",
            "Saturday, January 1, 0, 9:18:59\u202fAM Asia/Tokyo",
        ),
        "long": (
            "January 1, 1, 9:18:59\u202fAM LMT",
            "July 4, 42, 10:24:08\u202fPM LMT",
            "January 1, 1000, 9:18:58\u202fAM LMT",
            "February 29, 0, 9:18:59\u202fPM LMT",
            "January 1, 0, 9:18:59\u202fAM LMT",
        ),
        "medium": (
            "Jan 1, 1, 9:18:59\u202fAM",
            "Jul 4, 42, 10:24:08\u202fPM",
            "Jan 1, 1000, 9:18:58\u202fAM",
            "Feb 29, 0, 9:18:59\u202fPM",
            "Jan 1, 0, 9:18:59\u202fAM",
        ),
        "short": (
            "1/1/01, 9:18\u202fAM",
            "7/4/42, 10:24\u202fPM",
            "1/1/00, 9:18\u202fAM",
            "2/29/00, 9:18\u202fPM",
            "1/1/00, 9:18\u202fAM",
        ),
        "cldr:G GGGG GGGGG y yy yyy yyyy yyyyy": (
            "AD Anno Domini A 1 01 001 0001 00001",
            "AD Anno Domini A 42 42 042 0042 00042",
            "AD Anno Domini A 1000 00 1000 1000 01000",
            "BC Before Christ B 0 00 000 0000 00000",
            "BC Before Christ B 0 00 000 0000 00000",
        ),
        "cldr:u uu uuuu Y YY YYYY Q QQQ QQQQ": (
            "1 01 0001 1 01 0001 1 Q1 1st quarter",
            "42 42 0042 42 42 0042 3 Q3 3rd quarter",
            "1000 1000 1000 1000 1000 1000 1 Q1 1st quarter",
            "0 00 0000 0 00 0000 1 Q1 1st quarter",
            "0 00 0000 -1 -1 -001 1 Q1 1st quarter",
        ),
        "cldr:M MMM w ww W d D DDD F g gg": (
            "1 Jan 1 01 1 1 1 001 1 -678575 -678575",
            "7 Jul 27 27 1 4 185 185 1 -663415 -663415",
            "1 Jan 1 01 1 1 1 001 1 -313698 -313698",
            "2 Feb 9 09 5 29 60 060 5 -678881 -678881",
            "1 Jan 52 52 0 1 1 001 1 -678941 -678941",
        ),
        "cldr:E EEEE e ee c cc a h H K k j m s SSS A": (
            "Mon Monday 2 02 1 01 AM 9 9 9 9 9 18 59 000 33539000",
            "Fri Friday 6 06 5 05 PM 10 22 10 22 10 24 8 000 80648000",
            "Wed Wednesday 4 04 3 03 AM 9 9 9 9 9 18 58 000 33538000",
            "Tue Tuesday 3 03 2 02 PM 9 21 9 21 9 18 59 000 76739000",
            "Sat Saturday 7 07 6 06 AM 9 9 9 9 9 18 59 000 33539000",
        ),
        "cldr:z zzzz Z ZZZZ ZZZZZ": (
            "LMT Asia/Tokyo +091859 LMT+091859 +09:18:59",
            "LMT Asia/Tokyo +091859 LMT+091859 +09:18:59",
            "LMT Asia/Tokyo +091859 LMT+091859 +09:18:59",
            "LMT Asia/Tokyo +091859 LMT+091859 +09:18:59",
            "LMT Asia/Tokyo +091859 LMT+091859 +09:18:59",
        ),
        "cldr:v vvvv V VVVV": (
            "LMT Asia/Tokyo LMT Asia/Tokyo",
            "LMT Asia/Tokyo LMT Asia/Tokyo",
            "LMT Asia/Tokyo LMT Asia/Tokyo",
            "LMT Asia/Tokyo LMT Asia/Tokyo",
            "LMT Asia/Tokyo LMT Asia/Tokyo",
        ),
        "strftime:%a %A %b %B %C %d %D %e %F %g %G": (
            "Mon Monday Jan January 0 01 01/01/01  1 1-01-01 1 1",
            "Fri Friday Jul July 0 04 07/04/42  4 42-07-04 42 42",
            "Wed Wednesday Jan January 10 01 01/01/00  1 1000-01-01 00 1000",
            "Tue Tuesday Feb February 0 29 02/29/00 29 0-02-29 0 0",
            "Sat Saturday Jan January 0 01 01/01/00  1 0-01-01 -1 -1",
        ),
        "strftime:%H %I %j %k %l %m %M %p %r %R %s": (
            "09 09 001  9  9 01 18 AM 09:18:59 AM 09:18 -62135596800",
            "22 10 185 22 10 07 24 PM 10:24:08 PM 22:24 -60825812091",
            "09 09 001  9  9 01 18 AM 09:18:58 AM 09:18 -30610224001",
            "21 09 060 21  9 02 18 PM 09:18:59 PM 21:18 -62162078400",
            "09 09 001  9  9 01 18 AM 09:18:59 AM 09:18 -62167219200",
        ),
        "strftime:%S %T %u %U %V %w %W %y %Y %z %Z %N %3N": (
            "59 09:18:59 1 00 01 1 01 01 1 +091859 LMT 000000000 000",
            "08 22:24:08 5 26 27 5 26 42 42 +091859 LMT 000000000 000",
            "58 09:18:58 3 00 01 3 00 00 1000 +091859 LMT 000000000 000",
            "59 21:18:59 2 09 09 2 09 00 0 +091859 LMT 000000000 000",
            "59 09:18:59 6 00 52 6 00 00 0 +091859 LMT 000000000 000",
        ),
        "strftime:%c|%x|%X": (
            "Jan 1, 1, 9:18:59\u202fAM|Jan 1, 1|9:18:59\u202fAM",
            "Jul 4, 42, 10:24:08\u202fPM|Jul 4, 42|10:24:08\u202fPM",
            "Jan 1, 1000, 9:18:58\u202fAM|Jan 1, 1000|9:18:58\u202fAM",
            "Feb 29, 0, 9:18:59\u202fPM|Feb 29, 0|9:18:59\u202fPM",
            "Jan 1, 0, 9:18:59\u202fAM|Jan 1, 0|9:18:59\u202fAM",
        ),
        "strftime:%{year} %{month} %{day_of_year} %{ymd} %{date}": (
            "1 1 1 0001-01-01 0001-01-01",
            "42 7 185 0042-07-04 0042-07-04",
            "1000 1 1 1000-01-01 1000-01-01",
            "0 2 60 0000-02-29 0000-02-29",
            "0 1 1 0000-01-01 0000-01-01",
        ),
        "strftime:%{iso8601} %{datetime} %{mjd} %{epoch}": (
            "0001-01-01T09:18:59 0001-01-01T09:18:59 -678575 -62135596800",
            "0042-07-04T22:24:08 0042-07-04T22:24:08 -663415.454756944 -60825812091",
            "1000-01-01T09:18:58 1000-01-01T09:18:58 -313698.000011574 -30610224001",
            "0000-02-29T21:18:59 0000-02-29T21:18:59 -678881.5 -62162078400",
            "0000-01-01T09:18:59 0000-01-01T09:18:59 -678941 -62167219200",
        ),
        "strftime:%{era_abbr} %{era_name} %{week_year} %{week_number}": (
            "AD Anno Domini 1 1",
            "AD Anno Domini 42 27",
            "AD Anno Domini 1000 1",
            "BC Before Christ 0 9",
            "BC Before Christ -1 52",
        ),
        "strftime:%{week_of_month} %{quarter_name} %{offset} %{hms}": (
            "1 1st quarter 33539 09:18:59",
            "1 3rd quarter 33539 22:24:08",
            "1 1st quarter 33539 09:18:58",
            "5 1st quarter 33539 21:18:59",
            "0 1st quarter 33539 09:18:59",
        ),
    },
}


@pytest.mark.parametrize(
    ("tz", "fmt"),
    [(tz, fmt) for tz, formats in SQITCH_FORMATS.items() for fmt in formats],
)
def test_every_date_format_matches_sqitch(zone: Callable[[str], None], tz: str, fmt: str) -> None:
    zone(tz)
    assert (
        tuple(format_date(moment, fmt) for moment in early_moments()) == (SQITCH_FORMATS[tz][fmt])
    )


def test_plan_command_in_a_zone_west_of_utc(
    zone: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    # 0001-01-01T00:00:00Z is a local time in year 0, 0000-01-01 one in year -1.
    zone("America/New_York")
    with open("sqitch.plan", "w") as fh:
        fh.write(EARLY_PLAN)
    with open("sqitch.conf", "w") as fh:
        fh.write("[core]\n\tengine = sqlite\n")
    fmt = "format:%H %n%t %{date:iso}p %{date:rfc}p"
    assert run(["plan", "--no-headers", "--format", fmt]) == 0
    assert capsys.readouterr().out == (
        f"{CHANGE_IDS[0]} one @t1 0000-12-31 19:03:58 -045602 Sun, 31 Dec 0 19:03:58 -045602\n"
        f"{CHANGE_IDS[1]} fortytwo 0042-07-04 08:09:07 -045602 Fri, 04 Jul 42 08:09:07 -045602\n"
        f"{CHANGE_IDS[2]} nine @t9 0999-12-31 19:03:57 -045602 Tue, 31 Dec 999 19:03:57 -045602\n"
        f"{CHANGE_IDS[3]} zero 0000-02-29 07:03:58 -045602 Tue, 29 Feb 0 07:03:58 -045602\n"
        f"{CHANGE_IDS[4]} zfirst -0001-12-31 19:03:58 -045602 Fri, 31 Dec -1 19:03:58 -045602\n"
    )


def test_modified_julian_day_is_fractional_and_truncated(zone: Callable[[str], None]) -> None:
    # Sqitch 1.3.1 on "now 2026-03-01T12:34:56Z": %{mjd} is DateTime's
    # fractional day as Perl prints it; CLDR "g" truncates it toward zero,
    # so a negative day counts up (see fortytwo above: -663415).
    zone("UTC")
    moment = datetime(2026, 3, 1, 12, 34, 56, tzinfo=UTC)
    assert format_date(moment, "strftime:%{mjd}") == "61100.5242592593"
    assert format_date(moment, "cldr:g") == "61100"


def test_json_dates_have_four_digit_years() -> None:
    # SQLitch's own JSON output: ISO-8601, which needs four-digit years.
    stamps = [iso_utc(moment) for moment in early_moments()]
    assert stamps == [
        "0001-01-01T00:00:00Z",
        "0042-07-04T13:05:09Z",
        "0999-12-31T23:59:59Z",
        "0000-02-29T12:00:00Z",
        "0000-01-01T00:00:00Z",
    ]
