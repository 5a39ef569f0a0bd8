"""Plan fields Sqitch tests for Perl truth: "0" counts as missing.

Recorded from Sqitch 1.3.1 (`sqitch plan` on each line).
"""

from __future__ import annotations

import pytest

from sqlitch.errors import SqlitchError
from sqlitch.plan import parse_plan

TS = "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (f"foo {TS} 0 <e@x>", "Missing planner name and email"),
        (f" foo {TS} 0 <e@x>", "Missing planner name and email"),
        (f"@t {TS} 0 <e@x>", "Missing planner name and email"),
        ("foo 0 <e@x>", "Missing timestamp and planner name and email"),
        (
            f"0 {TS} A <e@x>",
            'Invalid name; names must not begin with punctuation, contain "@", ":", "#", "\\", '
            "or blanks, or end in punctuation or digits following punctuation",
        ),
    ],
)
def test_zero_is_missing(line: str, error: str) -> None:
    with pytest.raises(SqlitchError) as err:
        parse_plan(f"%project=p\n\nbase {TS} A <e@x>\n{line}\n")
    assert err.value.message == f"Syntax error in sqitch.plan at line 4: {error}"


def test_zero_note_is_kept_but_not_hashed() -> None:
    plan = parse_plan(f"%project=p\n\nfoo {TS} A <e@x> # 0\n")
    assert plan.changes[0].note == "0"
    assert plan.changes[0].info.endswith(f"date {TS}")
