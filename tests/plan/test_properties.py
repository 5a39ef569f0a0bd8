"""Property tests: canonical plans round-trip; arbitrary text never crashes the parser."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sqlitch.errors import SqlitchError
from sqlitch.plan import parse_plan
from sqlitch.plan._perl import is_valid_name
from sqlitch.plan.model import escape_note

NAME_START = st.sampled_from("abcxyzABC_éü0123")
NAME_REST = st.text(alphabet="abcz_-./0123éü", max_size=8)


@st.composite
def names(draw: st.DrawFn) -> str:
    body = draw(NAME_START) + draw(NAME_REST)
    last = draw(st.sampled_from("abz_é9"))
    name = body + last
    assume(is_valid_name(name) and name not in ("HEAD", "ROOT"))
    return name


timestamps = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
)
planners = st.sampled_from(["A <a@b>", "Marge N. O’Vera <marge@example.com>", "x y z <q@r.s>"])
notes = st.one_of(
    st.just(""),
    st.text(alphabet="abc \\#é✓\n\r", min_size=1, max_size=12).map(
        lambda s: escape_note("x" + s + "y")
    ),
)


@st.composite
def plans(draw: st.DrawFn) -> str:
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    out = ["%syntax-version=1.0.0", "%project=" + draw(names())]
    if draw(st.booleans()):
        out.append("%uri=" + draw(st.sampled_from(["https://Ex.COM:443/", "db:pg:x"])))
    if draw(st.booleans()):
        out.append("# a comment")
    out.append("")
    used: set[str] = set()
    section: set[str] = set()
    tags: set[str] = set()
    have_change = False
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["change", "change", "tag", "blank", "comment"]))
        note = draw(notes)
        suffix = f" {draw(timestamps)} {draw(planners)}" + (f" # {note}" if note else "")
        if kind == "blank":
            out.append(draw(st.sampled_from(["", "   "])))
        elif kind == "comment":
            out.append("# " + draw(st.sampled_from(["hi", "x # y", "é"])))
        elif kind == "tag" and have_change:
            name = draw(names()).replace("/", "_")
            if name in tags:
                continue
            tags.add(name)
            section = set()
            out.append("@" + name + suffix)
        else:
            name = draw(names())
            if name in section:
                continue
            reqs = [r for r in sorted(used - section) if draw(st.booleans())][:2]
            reqs += [r for r in sorted(section) if draw(st.booleans())][:1]
            deps = ""
            if reqs or draw(st.booleans()):
                deps = " [" + " ".join([*reqs, "other:thing", "!" + "zz"]) + "]"
            op = draw(st.sampled_from(["", "+", "-"]))
            out.append(op + name + deps + suffix)
            section.add(name)
            used.add(name)
            have_change = True
    return ending.join(out) + ending


@settings(max_examples=200, deadline=None)
@given(plans())
def test_canonical_plans_round_trip(text: str) -> None:
    plan = parse_plan(text)
    # Canonical plans are written back as they were, but for line endings:
    # like Sqitch, SQLitch always writes LF.
    assert plan.to_text() == text.replace("\r\n", "\n")
    reparsed = parse_plan(plan.to_text())
    assert [c.id for c in reparsed.changes] == [c.id for c in plan.changes]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("%@#[]!:^~+- \t\r\nabcT0123456789Z<>=/\\é")),
        max_size=120,
    ).map(lambda s: "%project=p\n\n" + s)
    | st.text(max_size=200)
)
def test_arbitrary_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        plan = parse_plan(text)
    except SqlitchError:
        return
    plan.to_text()
    for change in plan.changes:
        assert len(change.id) == 40
    for tag in plan.tags:
        assert len(tag.id) == 40
