"""Parser behaviour and error messages (expected texts observed from Sqitch 1.3.1)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sqlitch.errors import SqlitchError
from sqlitch.plan import Blank, Change, Dependency, Pragma, Tag, load_plan, parse_plan

TS = "2012-07-16T17:25:07Z"
WHO = "A <a@b>"
INVALID_NAME = (
    'Invalid name; names must not begin with punctuation, contain "@", ":", "#", "\\", '
    "or blanks, or end in punctuation or digits following punctuation"
)


def plan_text(*body: str, header: str = "%project=p\n") -> str:
    return header + "\n" + "".join(line + "\n" for line in body)


def parse_error(text: str) -> SqlitchError:
    with pytest.raises(SqlitchError) as err:
        parse_plan(text, file="sqitch.plan")
    assert err.value.exitval == 2
    return err.value


def test_pragmas_and_lines() -> None:
    plan = parse_plan(
        "% syntax-version=2.0\n  %foo = bar    # lolz\n%project=p\n%uri=https://X.org\n%strict\n\n"
        f"+a {TS} {WHO}\n"
    )
    assert plan.syntax_version == "1.0.0"
    assert plan.project == "p"
    assert plan.uri == "https://x.org/"
    assert plan.uri_value == "https://X.org"
    assert plan.pragmas["foo"] == "bar"
    assert plan.pragmas["strict"] == "1"
    foo = plan.lines[1]
    assert isinstance(foo, Pragma)
    assert (foo.lspace, foo.note, foo.rspace) == ("  ", "lolz", "    ")
    assert isinstance(plan.lines[5], Blank)
    change = plan.changes[0]
    assert change.operator == "+"
    assert change.timestamp == datetime(2012, 7, 16, 17, 25, 7, tzinfo=UTC)
    assert (change.planner_name, change.planner_email) == ("A", "a@b")
    # syntax-version is always written as 1.0.0
    assert plan.to_text().startswith("% syntax-version=1.0.0\n")


def test_missing_version_is_added_and_dos_endings() -> None:
    plan = parse_plan(f"%project=p\r\n\r\nfoo {TS} {WHO} # hi\r\n")
    assert plan.to_text() == f"%syntax-version=1.0.0\n%project=p\n\nfoo {TS} {WHO} # hi\n"
    assert plan.changes[0].note == "hi"


def test_pragma_notes_are_kept_as_written() -> None:
    # Sqitch neither trims nor unescapes a pragma's note, but escapes it again
    # when writing: every rewrite doubles its backslashes.
    plan = parse_plan("%project=p   #  a\\nb  \n%syntax-version=1.0.0-b2\n\n")
    pragma = plan.lines[0]
    assert isinstance(pragma, Pragma)
    assert (pragma.note, pragma.rspace) == ("a\\nb  ", "   ")
    text = plan.to_text()
    assert text == "%project=p   # a\\\\nb  \n%syntax-version=1.0.0\n\n"
    assert parse_plan(text).to_text() == "%project=p   # a\\\\\\\\nb  \n%syntax-version=1.0.0\n\n"


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\r\nb\r\n", ["a", "b"]),
        ("a\r\r\nb\r", ["a\r", "b\r"]),
        ("a\n\n", ["a", ""]),
    ],
)
def test_split_lines_as_perl_getline(text: str, lines: list[str]) -> None:
    from sqlitch.plan.parser import split_lines

    assert split_lines(text) == lines


def test_notes_are_unescaped_and_reescaped() -> None:
    plan = parse_plan(plan_text(f"foo {TS} {WHO} #   a\\nb\\\\c\\r   "))
    change = plan.changes[0]
    assert change.note == "a\nb\\c\r"
    assert plan.to_text().endswith(f"foo {TS} {WHO} # a\\nb\\\\c\\r\n")


def test_dependencies_parsed() -> None:
    plan = parse_plan(
        plan_text(
            f"a {TS} {WHO}",
            f"b [a !c other:x other:y@t p:a 0123456789abcdef0123456789abcdef01234567] {TS} {WHO}",
        )
    )
    b = plan.changes[1]
    assert [d.key_name for d in b.requires] == [
        "a",
        "x",
        "y@t",
        "a",
        "0123456789abcdef0123456789abcdef01234567",
    ]
    assert [d.as_plan_string("p") for d in b.conflicts] == ["!c"]
    assert b.requires[1] == Dependency(project="other", change="x")
    # "p:a" names this project and is written without the prefix
    assert b.format_dependencies() == (
        "[a other:x other:y@t a 0123456789abcdef0123456789abcdef01234567 !c]"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Missing %project pragma in sqitch.plan"),
        ("%project=0\n\n", "Missing %project pragma in sqitch.plan"),
        (
            "%project=p\nfoo\n",
            "Syntax error in sqitch.plan at line 2: Invalid pragma; a blank line must come "
            "between pragmas and changes",
        ),
        (
            "%project=-x\n",
            'Syntax error in sqitch.plan at line 1: invalid project name "-x": project names '
            'must not begin with punctuation, contain "@", ":", "#", "\\", or blanks, or end '
            "in punctuation or digits following punctuation",
        ),
        (plan_text("#"), f"Syntax error in sqitch.plan at line 3: {INVALID_NAME}"),
        (plan_text(f"foo^1 {TS} {WHO}"), f"Syntax error in sqitch.plan at line 3: {INVALID_NAME}"),
        (plan_text(f"a b {TS} {WHO}"), f"Syntax error in sqitch.plan at line 3: {INVALID_NAME}"),
        (
            plan_text("foo"),
            "Syntax error in sqitch.plan at line 3: Missing timestamp and planner name and email",
        ),
        (plan_text(f"foo {WHO}"), "Syntax error in sqitch.plan at line 3: Missing timestamp"),
        (
            plan_text(f"foo {TS}"),
            "Syntax error in sqitch.plan at line 3: Missing planner name and email",
        ),
        (
            plan_text(f"ROOT {TS} {WHO}"),
            'Syntax error in sqitch.plan at line 3: "ROOT" is a reserved name',
        ),
        (
            plan_text(f"{'a' * 40} {TS} {WHO}"),
            f'Syntax error in sqitch.plan at line 3: "{"a" * 40}" is invalid because it could be '
            "confused with a SHA1 ID",
        ),
        (
            plan_text(f"@foo {TS} {WHO}"),
            'Syntax error in sqitch.plan at line 3: Tag "foo" declared without a preceding change',
        ),
        (
            plan_text(f"a {TS} {WHO}", f"@x/y {TS} {WHO}"),
            'Syntax error in sqitch.plan at line 4: Tag "x/y" contains illegal character /',
        ),
        (
            plan_text(f"a {TS} {WHO}", f"@t [a] {TS} {WHO}"),
            "Syntax error in sqitch.plan at line 4: Tags may not specify dependencies",
        ),
        (
            plan_text(f"a {TS} {WHO}", f"b [a a] {TS} {WHO}"),
            'Syntax error in sqitch.plan at line 4: Duplicate dependency "a"',
        ),
        (
            plan_text(f"a {TS} {WHO}", f"b [a:] {TS} {WHO}"),
            'Depend object must have either "change", "tag", or "id" defined',
        ),
        (
            plan_text(f"a {TS} {WHO}", f"b [-a] {TS} {WHO}"),
            'Syntax error in sqitch.plan at line 4: "-a" is not a valid dependency specification',
        ),
        (
            plan_text(
                f"foo [bar baz] {TS} {WHO}",
                f"baz {TS} {WHO}",
                f"x {TS} {WHO}",
                f"bar {TS} {WHO}",
            ),
            "Dependency errors detected:\n"
            '  Change "foo" planned 3 changes before required change "bar"\n'
            '  Change "foo" planned 1 change before required change "baz"\n'
            '    HINT: move "foo" down 3 lines in sqitch.plan',
        ),
        (
            plan_text(f"foo [foo x@y] {TS} {WHO}"),
            "Dependency errors detected:\n"
            '  Change "foo" cannot require itself\n'
            '  Unknown change "x@y" required by change "foo"',
        ),
        (
            plan_text(f"foo [nope] {TS} {WHO}"),
            'Dependency error detected:\n  Unknown change "nope" required by change "foo"',
        ),
    ],
)
def test_errors(text: str, message: str) -> None:
    assert parse_error(text).message == message


def test_header_ends_at_comment_zero() -> None:
    # "# 0" has a false note, so it ends the header and "%foo" is a bad change.
    error = parse_error(f"%project=p\n# 0\n%foo\n\nfoo {TS} {WHO}\n")
    assert error.message == f"Syntax error in sqitch.plan at line 3: {INVALID_NAME}"


def test_bad_date_is_a_sqitch_error() -> None:
    error = parse_error(plan_text(f"foo 2012-13-16T17:25:07Z {WHO}"))
    assert "line 3" in error.message


def test_rework_and_cross_section_dependencies() -> None:
    plan = parse_plan(
        plan_text(
            f"foo {TS} {WHO}",
            f"@v1 {TS} {WHO}",
            f"bar [foo@v1 @v1 other:thing] {TS} {WHO}",
            f"@v2 {TS} {WHO}",
            f"foo [foo@v2] {TS} {WHO}",
        )
    )
    first, bar, second = plan.changes
    assert [t.name for t in first.rework_tags] == ["v2", "v1"]
    assert first.is_reworked and not second.is_reworked
    assert first.path_segments() == ["foo@v2.sql"]
    assert second.path_segments("sql") == ["foo.sql"]
    assert second.parent is bar and second.since_tag is bar.tags[0]
    assert first.format_tag_qualified_name() == "foo@v1"
    assert second.format_tag_qualified_name() == "foo@HEAD"


def test_path_segments_prefers_existing_file(tmp_path: Path) -> None:
    plan = parse_plan(
        plan_text(
            f"a/foo {TS} {WHO}",
            f"@v1 {TS} {WHO}",
            f"b {TS} {WHO}",
            f"@v2 {TS} {WHO}",
            f"a/foo {TS} {WHO}",
        )
    )
    first = plan.changes[0]
    assert first.path_segments("sql", tmp_path) == ["a", "foo@v2.sql"]
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "foo@v1.sql").write_text("")
    assert first.path_segments("sql", tmp_path) == ["a", "foo@v1.sql"]


def test_utf8_names() -> None:
    plan = parse_plan(plan_text(f"café {TS} Jöhn O’Vera <j@x>", f"@ünï {TS} {WHO}"))
    assert plan.changes[0].name == "café"
    assert plan.tags[0].name == "ünï"
    assert plan.changes[0].planner_name == "Jöhn O’Vera"


def test_load_plan_errors(tmp_path: Path) -> None:
    with pytest.raises(SqlitchError, match=r"Plan file .*nope\.plan does not exist"):
        load_plan(tmp_path / "nope.plan")
    with pytest.raises(SqlitchError, match="is not a regular file"):
        load_plan(tmp_path)
    bad = tmp_path / "bad.plan"
    bad.write_bytes(b"%project=p\n\n\xff\n")
    with pytest.raises(SqlitchError, match="ill-formed UTF-8"):
        load_plan(bad)
    good = tmp_path / "good.plan"
    good.write_text(plan_text(f"a {TS} {WHO}"))
    plan = parse_plan(good)
    assert plan.path == good and plan.file == str(good)
    assert isinstance(plan.changes[0], Change)
    assert isinstance(plan.lines[-1], Change)
    assert not isinstance(plan.lines[-1], Tag)


def test_load_plan_unreadable_path_does_not_exist(tmp_path: Path) -> None:
    # As Perl's -e: a path that cannot be examined at all does not exist.
    long_name = tmp_path / ("x" * 300) / "sqitch.plan"
    with pytest.raises(SqlitchError, match=r"Plan file x{300}/sqitch\.plan does not exist"):
        load_plan(long_name, file=f"{'x' * 300}/sqitch.plan")
