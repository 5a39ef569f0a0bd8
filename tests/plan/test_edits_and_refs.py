"""Edit operations (add/tag/rework), references, URIs and writing."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sqlitch.errors import SqlitchError
from sqlitch.plan import (
    AmbiguousChangeError,
    Plan,
    canonical_uri,
    parse_plan,
    script_hash,
    split_offset,
)

TS = "2012-07-16T17:25:07Z"
WHO = "A <a@b>"
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
PLANNER = {"planner_name": "Marge N. O’Vera", "planner_email": "m@x", "timestamp": WHEN}


def base_plan() -> Plan:
    return parse_plan(
        f"%project=p\n\na {TS} {WHO}\nb [a] {TS} {WHO}\n@v1 {TS} {WHO}\n\n"
        f"c {TS} {WHO}\na [a@v1] {TS} {WHO}\n"
    )


def error_of(func: object, *args: object, **kwargs: object) -> str:
    assert callable(func)
    with pytest.raises(SqlitchError) as err:
        func(*args, **kwargs)
    return err.value.message


@pytest.mark.parametrize(
    ("key", "index"),
    [
        ("b", 1),
        ("@v1", 1),
        ("a@v1", 0),
        ("a@HEAD", 3),
        ("HEAD", 3),
        ("@ROOT", 0),
        ("ROOT~", 1),
        ("@HEAD^", 2),
        ("@HEAD^^", 1),
        ("@HEAD^3", 0),
        ("@HEAD^4", None),
        ("b~2", 3),
        ("b~~", 3),
        ("c^", 1),
        ("nope", None),
        ("@nope", None),
    ],
)
def test_index_of(key: str, index: int | None) -> None:
    assert base_plan().index_of(key) == index


def test_references_by_id_and_errors() -> None:
    plan = base_plan()
    b = plan.changes[1]
    assert plan.index_of(b.id) == 1
    assert plan.index_of(plan.tags[0].id) == 1
    assert plan.index_of(b.id + "~") == 2
    assert error_of(plan.index_of, "a@nope") == 'Unknown tag "@nope"'
    with pytest.raises(AmbiguousChangeError) as err:
        plan.index_of("a")
    assert err.value.message == "Change lookup failed"
    assert err.value.vent_lines == [
        'Change "a" is ambiguous. Please specify a tag-qualified change:',
        "  * a@HEAD",
        "  * a@v1",
    ]
    assert plan.find("a") is plan.changes[0]
    assert plan.first_index_of("a", "@v1") == 3
    assert error_of(plan.first_index_of, "a", "zip") == 'Unknown change: "zip"'
    assert plan.contains("c") and not plan.contains("zip")
    assert plan.get("c") is plan.changes[2]
    assert [c.name for c in plan.changes_since("@v1")] == ["c", "a"]
    assert [c.name for c in plan.changes_until("@v1")] == ["a", "b"]
    assert error_of(plan.changes_since, "zip") == 'Cannot find change "zip" in plan'
    assert plan.last_tagged_change is plan.changes[1]
    assert plan.change_at(-1) is plan.last_change
    assert plan.change_at(9) is None


def test_split_offset() -> None:
    assert split_offset("foo^") == ("foo", -1)
    assert split_offset("foo^^") == ("foo", -2)
    assert split_offset("foo~12") == ("foo", 12)
    assert split_offset("foo") == ("foo", 0)
    assert split_offset("foo-^") == ("foo-^", 0)


def test_add_change_formats_like_sqitch() -> None:
    plan = base_plan()
    plan.add_tag("v2", **PLANNER)
    change = plan.add_change(
        "d", requires=["c", "c", "other:x"], conflicts=["b"], note="  hi\nthere ", **PLANNER
    )
    assert change.parent is plan.changes[3]
    assert change.since_tag is plan.tags[-1]
    text = plan.to_text()
    assert text.endswith(
        "@v2 2026-01-01T00:00:00Z Marge N. O’Vera <m@x>\n\n"
        "d [c other:x !b] 2026-01-01T00:00:00Z Marge N. O’Vera <m@x> # hi\\nthere\n"
    )
    assert [c.id for c in parse_plan(text).changes] == [c.id for c in plan.changes]


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        (
            "c",
            {},
            'Change "c" already exists in plan sqitch.plan.\n'
            'Use "sqitch rework" to copy and rework it',
        ),
        ("HEAD", {}, '"HEAD" is a reserved name'),
        ("a" * 40, {}, f'"{"a" * 40}" is invalid because it could be confused with a SHA1 ID'),
        (
            "x-",
            {},
            '"x-" is invalid: changes must not begin with punctuation, contain "@", ":", "#", '
            '"\\", "[", "]", or blanks, or end in punctuation or digits following punctuation',
        ),
        ("x", {"requires": ["zip"]}, 'Cannot add change "x": requires unknown change "zip"'),
        ("x", {"requires": ["p:zip"]}, 'Cannot add change "x": requires unknown change "zip"'),
        ("x", {"requires": ["a@nope"]}, 'Unknown tag "@nope"'),
        ("x", {"requires": ["-bad"]}, '"-bad" is not a valid dependency specification'),
        ("x", {"conflicts": ["-bad"]}, '"-bad" is not a valid dependency specification'),
    ],
)
def test_add_change_errors(name: str, kwargs: dict[str, list[str]], message: str) -> None:
    assert error_of(base_plan().add_change, name, **kwargs, **PLANNER) == message


def test_add_change_allows_external_and_ids() -> None:
    plan = base_plan()
    plan.add_change("x", requires=["other:zip", "b@v1", "@v1", "f" * 40], **PLANNER)
    assert plan.changes[-1].format_dependencies() == f"[other:zip b@v1 @v1 {'f' * 40}]"


def test_add_tag() -> None:
    plan = base_plan()
    tag = plan.add_tag("@early", change="a@v1", note="n", **PLANNER)
    assert tag.change is plan.changes[0]
    assert plan.index_of("@early") == 0
    lines = plan.to_text().splitlines()
    assert lines[4] == "@early 2026-01-01T00:00:00Z Marge N. O’Vera <m@x> # n"
    assert error_of(plan.add_tag, "v1", **PLANNER) == 'Tag "@v1" already exists'
    assert error_of(plan.add_tag, "z", change="zip", **PLANNER) == 'Unknown change: "zip"'
    assert error_of(plan.add_tag, "x/y", **PLANNER).startswith('"x/y" is invalid: tags must not')
    empty = Plan.new("p")
    assert error_of(empty.add_tag, "v1", **PLANNER) == (
        'Cannot apply tag "@v1" to a plan with no changes'
    )


def test_rework() -> None:
    plan = base_plan()
    assert error_of(plan.rework, "zip", **PLANNER) == (
        'Change "zip" does not exist in sqitch.plan.\nUse "sqitch add zip" to add it to the plan'
    )
    assert error_of(plan.rework, "c", **PLANNER) == (
        'Cannot rework "c" without an intervening tag.\n'
        'Use "sqitch tag" to create a tag and try again'
    )
    plan.add_tag("v2", **PLANNER)
    original = plan.changes[2]
    new = plan.rework("c", requires=["b"], note="again", **PLANNER)
    assert [t.name for t in original.rework_tags] == ["v2"]
    assert original.path_segments() == ["c@v2.sql"]
    assert new.format_dependencies() == "[c@v2 b]"
    assert plan.to_text().endswith(
        "@v2 2026-01-01T00:00:00Z Marge N. O’Vera <m@x>\n"
        "c [c@v2 b] 2026-01-01T00:00:00Z Marge N. O’Vera <m@x> # again\n"
    )
    assert error_of(plan.rework, "b", requires=["zip"], **PLANNER) == (
        'Cannot rework change "b": requires unknown change "zip"'
    )


def test_new_plan_and_write(tmp_path: Path) -> None:
    plan = Plan.new("flipr", uri="https://Example.com:443/x")
    assert plan.uri == "https://example.com/x"
    assert plan.to_text() == (
        "%syntax-version=1.0.0\n%project=flipr\n%uri=https://Example.com:443/x\n\n"
    )
    with pytest.raises(SqlitchError):
        plan.write()
    (tmp_path / "w").mkdir()
    target = tmp_path / "w" / "sqitch.plan"
    target.write_text("old")
    os.chmod(target, 0o640)
    plan.add_change("one", **PLANNER)
    plan.write(target)
    assert target.read_text(encoding="utf-8").endswith(
        "one 2026-01-01T00:00:00Z Marge N. O’Vera <m@x>\n"
    )
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in (tmp_path / "w").iterdir()] == ["sqitch.plan"]
    reloaded = parse_plan(target)
    reloaded.write()
    assert reloaded.to_text() == target.read_text(encoding="utf-8")


def test_write_range() -> None:
    plan = parse_plan(
        f"%project=p\n\na {TS} {WHO}\nb {TS} {WHO}\n@v1 {TS} {WHO}\n\nc {TS} {WHO}\nd {TS} {WHO}\n"
    )
    assert (
        plan.to_text(from_="b", to="b")
        == f"%syntax-version=1.0.0\n%project=p\n\nb {TS} {WHO}\n@v1 {TS} {WHO}\n"
    )
    assert (
        plan.to_text(from_="c")
        == f"%syntax-version=1.0.0\n%project=p\n\nc {TS} {WHO}\nd {TS} {WHO}\n"
    )
    assert error_of(plan.to_text, from_="zip") == "Cannot find change zip"
    assert error_of(plan.to_text, to="zip") == "Cannot find change zip"


def test_search_changes() -> None:
    plan = parse_plan(f"%project=p\n\na {TS} Bob <b@x>\n-b {TS} {WHO}\nc {TS} {WHO}\n")
    names = lambda changes: [c.name for c in changes]  # noqa: E731
    assert names(plan.search_changes()) == ["a", "b", "c"]
    assert names(plan.search_changes(direction="desc", limit=2)) == ["c", "b"]
    assert names(plan.search_changes(operation="revert")) == ["b"]
    assert names(plan.search_changes(planner="^B", name="c")) == ["a", "c"]
    assert names(plan.search_changes(offset=1)) == ["b", "c"]
    with pytest.raises(SqlitchError, match="Unknown change operation"):
        plan.search_changes(operation="zap")
    with pytest.raises(SqlitchError, match="Search direction"):
        plan.search_changes(direction="up")
    with pytest.raises(SqlitchError):
        plan.search_changes(name="(")


def test_script_hash(tmp_path: Path) -> None:
    script = tmp_path / "x.sql"
    script.write_bytes(b"-- hi\r\n")
    assert script_hash(script) == "6b17c0638f8f04b08ed81f135713821669ca39c1"
    assert script_hash(tmp_path / "missing.sql") is None


@pytest.mark.parametrize(
    ("uri", "canonical"),
    [
        ("https://github.com/sqitchers/sqitch/", "https://github.com/sqitchers/sqitch/"),
        ("HTTPS://Example.COM:443", "https://example.com/"),
        ("https://EXAMPLE.com:443/Foo%7e%2fbar%41?q=1", "https://example.com/Foo~%2FbarA?q=1"),
        ("http://user@Host.Example:80/a b", "http://user@host.example/a%20b"),
        ("http://HOST:8080?x", "http://host:8080?x"),
        ("http://Host#frag", "http://host/#frag"),
        ("db:pg://Foo.com:5432/db", "pg://foo.com/db"),
        ("POSTGRES://X:5432/y", "pg://x/y"),
        ("https://exämple.com/pàth", "https://xn--exmple-cua.com/p%C3%A0th"),
        ("urn:uuid:ABC%7e", "urn:uuid:ABC~"),
        ("  <URL:http://X.org>  ", "%3CURL:http://X.org%3E"),
        ("mailto:Foo@Bar.COM", "mailto:Foo@Bar.COM"),
        ("https://Host:/x", "https://host/x"),
        ("https://[::1]:443/x", "https://[::1]/x"),
        ("db:sqlite3:foo", "sqlite:foo"),
    ],
)
def test_canonical_uri(uri: str, canonical: str) -> None:
    """Expected values computed with Perl's URI 5.17 ``->canonical``."""
    assert canonical_uri(uri) == canonical
