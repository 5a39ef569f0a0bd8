"""TZ read as Sqitch's DateTime reads it (sqlitch.formatting.zones).

Expected texts were printed by Sqitch 1.3.1 (``sqitch plan --date-format
<format> -f 'format:%{date}p'``) on a machine whose own zone is UTC, for a
change planned at 2026-12-03T12:03:22Z.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sqlitch.formatting import format_date
from sqlitch.formatting.zones import local_zone

MOMENT = datetime(2026, 12, 3, 12, 3, 22, tzinfo=UTC)
FORMAT = "strftime:%F %T %z|%Z|%{time_zone_long_name}"


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        # Not read by DateTime: the system's zone (UTC here).
        ("UTC-3", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        ("<+03>-3", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        (":America/New_York", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        ("-03:00", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        ("+3", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        ("America/Nowhere", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        ("Etc/GMT+15", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        ("", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        # UTC under its other names.
        ("GMT", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        ("Etc/UTC", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        ("Etc/GMT", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        ("Zulu", "2026-12-03 12:03:22 +0000|UTC|UTC"),
        # Fixed offsets, named as offsets.
        ("+0300", "2026-12-03 15:03:22 +0300|+0300|+0300"),
        ("0530", "2026-12-03 17:33:22 +0530|+0530|+0530"),
        ("Etc/GMT-5", "2026-12-03 17:03:22 +0500|+0500|+0500"),
        ("Etc/GMT+12", "2026-12-03 00:03:22 -1200|-1200|-1200"),
        ("Etc/UTC+3", "2026-12-03 09:03:22 -0300|-0300|-0300"),
        # Zones, aliases resolved.
        ("America/New_York", "2026-12-03 07:03:22 -0500|EST|America/New_York"),
        ("EST5EDT", "2026-12-03 07:03:22 -0500|EST|EST5EDT"),
        ("EST", "2026-12-03 07:03:22 -0500|EST|America/Panama"),
        ("CET", "2026-12-03 13:03:22 +0100|CET|Europe/Brussels"),
        ("GB", "2026-12-03 12:03:22 +0000|GMT|Europe/London"),
        ("NZ", "2026-12-04 01:03:22 +1300|NZDT|Pacific/Auckland"),
        ("US/Eastern", "2026-12-03 07:03:22 -0500|EST|America/New_York"),
    ],
)
def test_tz_as_sqitch_reads_it(monkeypatch: pytest.MonkeyPatch, tz: str, expected: str) -> None:
    monkeypatch.setenv("TZ", tz)
    assert format_date(MOMENT, FORMAT) == expected


def test_far_back_an_alias_keeps_its_zones_local_mean_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # CET is Europe/Brussels to DateTime: its local mean time before 1880.
    monkeypatch.setenv("TZ", "CET")
    early = datetime(42, 7, 4, 13, 5, 9, tzinfo=UTC)
    assert format_date(early, "iso") == "0042-07-04 13:22:39 +001730"


def test_the_setting_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for tz in ("UTC-3", "CET"):
        monkeypatch.setenv("TZ", tz)
        format_date(MOMENT, "iso")
        assert os.environ["TZ"] == tz
    monkeypatch.delenv("TZ")
    format_date(MOMENT, "iso")
    assert "TZ" not in os.environ


def test_unset_is_the_system_zone() -> None:
    assert local_zone(None).kind == "system"
    assert local_zone("0").name == "+0000"
    assert local_zone("+0360").kind == "system"  # no such minute
