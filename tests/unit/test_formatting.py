"""The item formatter, date formats and colours (behaviour checked against Sqitch 1.3.1)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sqlitch.errors import SqlitchError
from sqlitch.formatting import ItemFormatter, format_date, validate_date_format
from sqlitch.formatting.colors import color_sequence, color_valid, colors_disabled
from sqlitch.formatting.dates import format_cldr, strftime

WHEN = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
ITEM: dict[str, object] = {
    "event": "deploy",
    "project": "widgets",
    "change_id": "c3ecd45c2cb59af9c67c635f538b7ffe75fff2c8",
    "change": "users",
    "note": "Subject\n\nBody line\nsecond",
    "tags": ["@v1", "@v2"],
    "requires": ["a", "b"],
    "conflicts": ["c"],
    "planned_at": WHEN,
    "planner_name": "Marge",
    "planner_email": "marge@example.com",
}


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")


def fmt(template: str, item: dict[str, object] | None = None, **kwargs: object) -> str:
    return ItemFormatter(**kwargs).format(template, ITEM if item is None else item)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("%e %L %l", "deploy Deploy deploy"),
        ("%H", ITEM["change_id"]),
        ("%{6}h|%{-35}h|%{x}h|%{0}h", "c3ecd4|c3ecd||c3ecd45c2cb59af9c67c635f538b7ffe75fff2c8"),
        ("%n %o%v", "users widgets\n"),
        ("%%|%t|%T|%{;}t|%{0}T", "%| @v1, @v2| (@v1, @v2)| @v1;@v2| (@v10@v2)"),
        # Any separator counts, "" and "0" too (Sqitch 1.4.0, #703).
        ("%{}t|%{}r|%{0}r|%{}R%{0}X", " @v1@v2| ab| a0b|Requires:  ab\nConflicts: c\n"),
        ("%F|", "|"),  # log items have no deploy file
        ("%r|%R|%x|%X", " a, b|Requires:  a, b\n| c|Conflicts: c\n"),
        ("%p|%{n}p|%{e}p|%{zz}p|%{}p", "Marge <marge@example.com>|Marge|marge@example.com||"),
        (
            "%{date}p|%{d:raw}p|%{date:0}p",
            ("2025-03-04 05:06:07 +0000|2025-03-04T05:06:07Z|2025-03-04 05:06:07 +0000"),
        ),
        ("%c|%{n}c", " <>|"),
        ("[%s][%{> }s]", "[Subject][> Subject]"),
        ("[%b]", "[Body line\nsecond]"),
        ("[%{> }b]", "[> Body line\n> second]"),
        ("[%{  }B]", "[  Subject\n  \n  Body line\n  second]"),
        (
            "%{change}a%{tags}a%{planned_at}a",
            ("change    users\ntags      @v1, @v2\nplanned_at 2025-03-04T05:06:07Z\n"),
        ),
        ("[%5n][%-6n][%.2n][%05n][%.0n][%-05n]", "[users][users ][us][users][users][users]"),
        ("[%8n][%08n][%-8.3n]", "[   users][000users][use     ]"),
        ("%{name}_%{conflicts}_", "Name:     Conflicts:"),
    ],
)
def test_codes(template: str, expected: object) -> None:
    assert fmt(template) == expected


def test_note_edge_cases() -> None:
    item = {**ITEM, "note": ""}
    assert fmt("[%{  }B][%b][%{x}s]", item) == "[  ][][x]"
    item = {**ITEM, "note": "one\n"}
    assert fmt("[%{> }B][%b]", item) == "[> one\n][]"
    item = {**ITEM, "note": "a\rb"}
    assert fmt("[%s][%b]", item) == "[a][b]"


def test_attribute_values() -> None:
    item = {**ITEM, "tags": [], "note": None, "extra": 7}
    assert fmt("%{tags}a%{note}a%{extra}a", item) == "extra     7\n"


def test_unknown_events_have_no_words() -> None:
    assert fmt("[%L%l]", {**ITEM, "event": "fail"}) == "[Failfail]"
    assert fmt("[%L%l]", {**ITEM, "event": "other"}) == "[]"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("%Q", 'Unknown format code "Q"'),
        ("%5%", 'Unknown format code "%"'),
        ("%_", "No label passed to the _ format"),
        ("%{x}_", 'Unknown label "x" passed to the _ format'),
        ("%a", "{attr} is not a valid change attribute"),
        ("%{0}a", "0 is not a valid change attribute"),
        ("%{nope}a", "nope is not a valid change attribute"),
        ("%C", "{color} is not a valid ANSI color"),
        ("%{}C", " is not a valid ANSI color"),
        ("%{bold_red}C", "bold_red is not a valid ANSI color"),
        ("%{date:nope}p", 'Unknown date format "nope"'),
        ("%{date}c", 'Can\'t call method "as_string" on an undefined value (committed_at)'),
    ],
)
def test_errors(template: str, message: str) -> None:
    with pytest.raises(SqlitchError) as info:
        fmt(template)
    assert info.value.message == message


def test_colors() -> None:
    always = {"color": "always", "env": {}}
    assert fmt("%{:event}C%{reset}C", **always) == "\x1b[32m\x1b[0m"
    assert fmt("%{:event}C", {**ITEM, "event": "revert"}, **always) == "\x1b[34m"
    assert fmt("%{:event}C", {**ITEM, "event": "fail"}, **always) == "\x1b[31m"
    assert fmt("%{bold RED}C%{on_r1g2b3}C", **always) == "\x1b[1;31m\x1b[48;2;1;2;3m"
    assert fmt("%{red}C", color="always", env={"NO_COLOR": ""}) == ""
    assert fmt("%{red}C", color="never") == ""
    assert fmt("%{red}C", color="auto", is_tty=True, env={}) == "\x1b[31m"
    assert fmt("%{red}C", color="auto", is_tty=True, env={"ANSI_COLORS_DISABLED": "1"}) == ""
    assert fmt("%{red}C", color="auto", is_tty=False, env={}) == ""


def test_color_table() -> None:
    assert color_valid("bold red on_white")
    assert color_valid("rgb505 grey23 ansi15 on_bright_cyan r255g0b0")
    assert not color_valid("r256g0b0")
    assert not color_valid("purple")
    assert color_sequence("grey0") == "\x1b[38;5;232m"
    assert color_sequence("") == ""
    assert colors_disabled({"ANSI_COLORS_DISABLED": "1"})
    assert not colors_disabled({"ANSI_COLORS_DISABLED": "0"})


def test_abbrev() -> None:
    assert fmt("%h", abbrev=7) == "c3ecd45"
    assert fmt("%{3}h", abbrev=7) == "c3e"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("raw", "2025-03-04T05:06:07Z"),
        ("", "2025-03-04T05:06:07Z"),
        ("iso", "2025-03-04 05:06:07 +0000"),
        ("iso8601", "2025-03-04 05:06:07 +0000"),
        ("rfc", "Tue, 04 Mar 2025 05:06:07 -0000"),
        ("rfc2822", "Tue, 04 Mar 2025 05:06:07 -0000"),
        ("full", "Tuesday, March 4, 2025, 5:06:07\u202fAM UTC"),
        ("long", "March 4, 2025, 5:06:07\u202fAM UTC"),
        ("medium", "Mar 4, 2025, 5:06:07\u202fAM"),
        ("short", "3/4/25, 5:06\u202fAM"),
        ("cldr:yyyy-MM-dd'T'HH", "2025-03-04T05"),
        ("strftime:%d/%m/%Y", "04/03/2025"),
    ],
)
def test_named_date_formats(name: str, expected: str) -> None:
    assert format_date(WHEN, name) == expected


def test_date_validation() -> None:
    for name in ("iso", "cldr:x", "strftime:%Y", "short"):
        validate_date_format(name)
    with pytest.raises(SqlitchError, match='Unknown date format "nope"'):
        validate_date_format("nope")
    with pytest.raises(SqlitchError):
        format_date(WHEN, "nope")


def test_local_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert format_date(WHEN, "iso") == "2025-03-04 00:06:07 -0500"
    assert format_date(WHEN, "rfc") == "Tue, 04 Mar 2025 00:06:07 -0500"
    assert format_date(WHEN, "cldr:zzzz|z|ZZZZZ") == "America/New_York|EST|-05:00"


def test_cldr_letters() -> None:
    pm = datetime(2024, 12, 29, 23, 5, 9, 123456, tzinfo=UTC)
    assert (
        format_cldr(pm, "G GGGG GGGGG yy yyyyyy u Y w W")
        == "AD Anno Domini A 24 02024 2024 2024 52 4"
    )
    assert format_cldr(pm, "d D DDD F g E EEEEE e ee c a") == "29 364 364 5 60673 Sun S 1 01 7 PM"
    assert format_cldr(pm, "h K k j SSS SSSSSSSSSS A") == "11 11 23 11 123 1234560000 83109123"
    assert (
        format_cldr(pm, "Q QQQ QQQQ qq MMMMM LLL 'it''s' b") == "4 Q4 4th quarter 04 D Dec it's b"
    )
    midnight = datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    assert format_cldr(midnight, "h H K k") == "12 0 0 24"


def test_strftime_codes() -> None:
    pm = datetime(2024, 12, 29, 23, 5, 9, 123456, tzinfo=UTC)
    assert strftime(pm, "%C %g %G %j %k %l %N %3N %P %s %u %U %V %w %W %y") == (
        "20 24 2024 364 23 11 123456000 123 pm 1735513509 7 52 52 0 52 24"
    )
    assert strftime(pm, "%c|%x|%X|%Q|%{year}|%{nope}") == (
        "Dec 29, 2024, 11:05:09\u202fPM|Dec 29, 2024|11:05:09\u202fPM|%Q|2024|%{nope}"
    )


@given(st.text(alphabet="%{}-.0123456789abnhHeLlotTrRxXsbBvp_ ", max_size=30))
def test_never_crashes(template: str) -> None:
    with contextlib.suppress(SqlitchError):
        ItemFormatter(color="never").format(template, ITEM)
