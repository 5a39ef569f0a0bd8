"""The plan grammar in linear time: same fields as the backtracking patterns, no blow-up.

The parser used to match plan lines with regular expressions that spell out
Sqitch's patterns (App::Sqitch::Plan::_parse) directly; Python's engine, like
Perl's, backtracks through them in super-linear time on some lines (a name,
thousands of blanks and a letter took minutes). Those patterns are kept here
as the reference: the linear matchers must read exactly the same fields from
every line, and the fast whole-line pattern must agree with them wherever it
matches.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sqlitch.errors import SqlitchError
from sqlitch.plan import parse_plan
from sqlitch.plan._perl import BLANK, NAME, PUNCT
from sqlitch.plan.parser import (
    _FAST_ENTRY_RE,
    _TAG_LINE_RE,
    _match_entry,
    _match_pragma,
    _strip_inline_note,
    parse_text,
)

# -- the reference: the patterns as they were (backtracking) ------------------

_INLINE_NOTE_RE = re.compile(rf"(?P<rspace>[{BLANK}]*)(?:#[{BLANK}]*(?P<note>.*))?$")
_PRAGMA_RE = re.compile(
    rf"""\A(?P<lspace>[{BLANK}]*)?%(?P<hspace>[{BLANK}]*)?
    (?P<name>[^{PUNCT}](?:[^{BLANK}=]*?[^{PUNCT}{BLANK}])?)
    (?:(?P<lopspace>[{BLANK}]*)(?P<operator>=)(?P<ropspace>[{BLANK}]*)(?P<value>.+))?\Z""",
    re.VERBOSE,
)
_TS = (
    r"(?P<yr>\d{4})-(?P<mo>\d{2})-(?P<dy>\d{2})"
    r"T(?P<hr>\d{2}):(?P<mi>\d{2}):(?P<sc>\d{2})Z"
)
_ENTRY_RE = re.compile(
    rf"""^(?P<lspace>[{BLANK}]*)?
    (?:@|(?P<lopspace>[{BLANK}]*)(?P<operator>[+-])(?P<ropspace>[{BLANK}]*))?
    (?P<name>{NAME})(?P<pspace>[{BLANK}]+)?
    (?:\[(?P<dependencies>[^\]]+)\][{BLANK}]*)?
    (?:{_TS}[{BLANK}]*)?
    (?:(?P<planner_name>[^<]+)[{BLANK}]+<(?P<planner_email>[^>]+)>)?
    $""",
    re.VERBOSE,
)

ENTRY_FIELDS = (
    "lspace",
    "lopspace",
    "operator",
    "ropspace",
    "name",
    "pspace",
    "dependencies",
    "ts",
    "planner_name",
    "planner_email",
)
PRAGMA_FIELDS = ("lspace", "hspace", "name", "lopspace", "operator", "ropspace", "value")


def reference_note(line: str) -> tuple[str, str, str | None]:
    match = _INLINE_NOTE_RE.search(line)
    assert match is not None
    return line[: match.start()], match.group("rspace"), match.group("note")


def reference_entry(rest: str) -> dict[str, str | None] | None:
    match = _ENTRY_RE.match(rest)
    if match is None:
        return None
    fields = match.groupdict()
    if fields["yr"] is not None:
        fields["ts"] = "{yr}-{mo}-{dy}T{hr}:{mi}:{sc}Z".format(**fields)
    return {key: fields.get(key) for key in ENTRY_FIELDS}


def reference_pragma(rest: str) -> dict[str, str | None] | None:
    match = _PRAGMA_RE.match(rest)
    return None if match is None else {key: match.group(key) for key in PRAGMA_FIELDS}


def linear_entry(rest: str) -> dict[str, str | None] | None:
    found = _match_entry(rest)
    return None if found is None else {key: found.get(key) for key in ENTRY_FIELDS}


def linear_pragma(rest: str) -> dict[str, str | None] | None:
    found = _match_pragma(rest)
    return None if found is None else {key: found.get(key) for key in PRAGMA_FIELDS}


# -- lines built from the pieces that matter to the grammar --------------------

TS = "2026-01-02T03:04:05Z"
TOKENS = [
    "a",
    "b",
    "ab_c",
    "x.y",
    "é",
    "0",
    "9",
    "٣",
    "€",
    "@",
    "+",
    "-",
    "%",
    "=",
    "~",
    "^",
    "/",
    "~1",
    "/12",
    "^3",
    "%4",
    "=5",
    ":",
    "\\",
    "!",
    ".",
    " ",
    "  ",
    "\t",
    "\u00a0",
    "\u3000",
    "[",
    "]",
    "[a b]",
    "[!x]",
    "<",
    ">",
    "<e@x>",
    " <e@x>",
    "Name",
    "N N",
    TS,
    TS[:10],
    "#",
    "# note",
    " # x",
    "\\n",
    "\r",
]
lines = st.lists(st.sampled_from(TOKENS), max_size=12).map("".join) | st.text(
    alphabet=st.sampled_from(list("ab0@+-%=~^/:\\!.[]<># \t\u00a0TZ")), max_size=30
)
rests = lines.map(lambda line: reference_note(line)[0])


@settings(max_examples=600, deadline=None)
@given(lines)
@example("a" + " " * 30 + "x")
@example("  # note  ")
@example("a\t#\tb # c")
def test_inline_note_matches_reference(line: str) -> None:
    assert _strip_inline_note(line) == reference_note(line)


@settings(max_examples=1500, deadline=None)
@given(rests)
@example("a b " + TS + " Name <e@x>")
@example("a " + TS + "  <e@x>")  # the planner name is a blank
@example("a " + TS + " <e@x>")
@example("a b")
@example("foo^1 " + TS + " N <e>")
@example("a [b] [c] " + TS + " N <e>")
@example("  +  a  [x y]  " + TS + "  N  <e<f>")
@example("@t " + TS + " N <e>")
@example("a.b.c." + " " * 5 + "x")
@example("a/12 " + TS + " N <e>")
def test_entry_fields_match_reference(rest: str) -> None:
    assert linear_entry(rest) == reference_entry(rest)


@settings(max_examples=800, deadline=None)
@given(
    st.lists(
        st.sampled_from(["%", " ", "\t", "a", "b-c", "=", " = ", "x!", "!", "é", "-", "0"]),
        max_size=8,
    ).map(lambda parts: reference_note("".join(parts))[0])
    | rests
)
@example("% =x")  # the name is a blank
@example("%a =")
@example("%a b")
@example("  %  syntax-version  =  1.0.0")
@example("%project=x!")
def test_pragma_fields_match_reference(rest: str) -> None:
    assert linear_pragma(rest) == reference_pragma(rest)


entry_like = st.tuples(
    st.sampled_from(["", "@", "+", "-"]),
    st.sampled_from(["a", "users", "a/b-c_d", "x~1y", "x/12", "ab.c", "é", "0", "a1", "a_"]),
    st.sampled_from(["", " ", "  ", "\t"]),
    st.sampled_from(["", "[a]", "[a !b c:d@e]", "[]", "[a#b]"]),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from([TS, "٢٠٢٦-01-02T03:04:05Z", "2026-02-30T00:00:00Z", ""]),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from(["N", "N N", " N", "0", "N<", "N >"]),
    st.sampled_from([" ", "  ", "\t", ""]),
    st.sampled_from(["<e@x>", "<e>>", "<>", "<e<f>", "e"]),
    st.sampled_from(["", " ", "# n", " # n ", " #", "  #  n\\n"]),
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(entry_like | lines)
def test_fast_pattern_agrees_with_full_grammar(line: str) -> None:
    match = _FAST_ENTRY_RE.match(line)
    if match is None:
        return
    rest, rspace, note = reference_note(line)
    expected = reference_entry(rest)
    assert expected is not None
    assert (_TAG_LINE_RE.match(rest) is not None) == line.startswith("@")
    fast = match.groupdict()
    assert (fast["rspace"], fast["note"]) == (rspace, note)
    assert {key: fast.get(key) for key in ENTRY_FIELDS if key in fast} == {
        key: expected[key] for key in ENTRY_FIELDS if key in fast
    }
    # The fields the fast pattern leaves out are empty: the parser records "".
    assert not expected["lspace"] and not expected["lopspace"] and not expected["ropspace"]


@settings(max_examples=300, deadline=None)
@given(st.lists(entry_like, min_size=1, max_size=6))
def test_plans_parse_alike_on_both_paths(entries: list[str]) -> None:
    """Each line read by the fast pattern gives the plan the full path would."""
    text = "%project=p\n\n" + "\n".join(entries) + "\n"
    # Leading blanks keep a line off the fast path, and change nothing else
    # but each line's recorded leading space.
    slow = "%project=p\n\n" + "\n".join(" " + entry for entry in entries) + "\n"
    outcomes = []
    for source in (text, slow):
        try:
            plan = parse_plan(source)
        except SqlitchError as exc:
            outcomes.append(("error", exc.message))
        else:
            outcomes.append(
                (
                    "ok",
                    [(c.id, c.name, c.operator, c.note, c.rspace) for c in plan.changes],
                    [(t.id, t.name) for t in plan.tags],
                )
            )
    assert outcomes[0] == outcomes[1]


# -- pathological lines are handled in linear time -----------------------------

WHO = "Name <e@x>"
HEADER = "%project=p\n\n"


def _body(line: str) -> str:
    return HEADER + line + "\n"


def _pragma(line: str) -> str:
    return line + "\n%project=p\n\n"


INVALID = "Invalid name; names must not begin with punctuation"
MISSING = "Missing timestamp and planner name and email"
BAD_PRAGMA = "Invalid pragma; a blank line must come between pragmas and changes"

# name -> (plan text of about n characters, what parsing it gives)
SHAPES: dict[str, tuple[Callable[[int], str], str]] = {
    "blanks": (lambda n: _body("a" + " " * n + "x"), INVALID),
    "blanks before planner": (lambda n: _body("a " + TS + " " * n + "<e@x>"), "ok"),
    "at signs": (lambda n: _body("a" + "@" * n), INVALID),
    "brackets": (lambda n: _body("a [" + "[" * n), INVALID),
    "bracketed blanks": (lambda n: _body("a " + "[a" * (n // 2) + "]" + " " * (n // 2)), MISSING),
    "colons": (lambda n: _body("a" + ":" * n + " x"), INVALID),
    "percents": (lambda n: _body("a" + "%" * n), INVALID),
    "hashes": (lambda n: _body("a" + "#" * n), MISSING),
    "dots": (lambda n: _body("a" + ".a" * (n // 2) + "." + " " + TS), INVALID),
    "backslashes": (lambda n: _body("a" + "\\" * n + " " + TS + " " + WHO), INVALID),
    "long name": (lambda n: _body("n" * n + " " + TS + " " + WHO), "ok"),
    "long bad name": (lambda n: _body("n" * n + "-"), INVALID),
    "symbolic suffixes": (lambda n: _body("a" + "~1" * (n // 2) + " x"), INVALID),
    "angle brackets": (lambda n: _body("a " + "x <" * (n // 3)), INVALID),
    "long dependency": (
        lambda n: _body("a [" + "b." * (n // 2) + "b] " + TS + " " + WHO),
        "Dependency error detected",
    ),
    "pragma blanks": (lambda n: _pragma("%" + " " * n + "x!"), BAD_PRAGMA),
    "pragma name": (lambda n: _pragma("%" + "a" * n + "!"), BAD_PRAGMA),
}


def _outcome(text: str) -> str:
    try:
        parse_text(text)
    except SqlitchError as exc:
        return exc.message
    return "ok"


def _seconds(text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        _outcome(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_pathological_lines_take_linear_time(shape: str) -> None:
    make, expected = SHAPES[shape]
    for size in (20_000, 40_000, 80_000):
        outcome = _outcome(make(size))
        assert outcome == expected if expected == "ok" else expected in outcome, outcome[:200]
    # No wall-clock limit: the time must grow with the line's length about
    # linearly (8x from 10k to 80k; quadratic would be 64x, 4x per doubling).
    # Timings on a shared machine are noisy: the best of a few runs counts,
    # very short times are rounded up, and a failed round is measured again.
    floor = 0.002
    for _ in range(3):
        t10 = max(_seconds(make(10_000)), floor)
        t40 = max(_seconds(make(40_000)), floor)
        t80 = _seconds(make(80_000))
        if t80 < 24 * t10 and t80 < 3.2 * t40:
            return
    pytest.fail(f"{shape}: 10k {t10:.4f}s, 40k {t40:.4f}s, 80k {t80:.4f}s")
