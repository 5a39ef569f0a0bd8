"""The change-script template engine (sqlitch.templating).

Expected outputs were checked against Template Toolkit 2 (what Sqitch uses
to render `add` templates) with the same template text and variables.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sqlitch.templating import (
    TemplateError,
    Value,
    bundled_templates_dir,
    perl_true,
    render,
    render_file,
    to_text,
)

VARS: dict[str, Value] = {
    "requires": [],
    "conflicts": ["a", "b"],
    "x": "0",
    "s": "one",
    "h": {"a": "1"},
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("[% IF requires %]T[% ELSE %]F[% END %]", "T"),  # every list is true
        ("[% IF x %]T[% ELSE %]F[% END %]", "F"),
        ("[% FOREACH i IN s %]<[% i %]>[% END %]", "<one>"),  # a scalar loops once
        (
            "[% FOREACH i IN conflicts %]<[% i %][% loop.index %][% loop.last %]>[% END %]",
            "<a00><b11>",
        ),
        (
            '[% conflicts.join(", ") %] [% conflicts.size %] [% h.a %] [% conflicts.1 %] [% u %]|',
            "a, b 2 1 b |",
        ),
        ("a\n  [%- s -%]  \nb", "aoneb"),
        ("[% FOREACH conflicts %]x[% END %]", "xx"),
        ("[% a || b %]|[% a && b %]|[% s && b %]|[% NOT s %]|[% !a %]", "||||1"),
        (
            "[% IF x > 1 %]gt[% END %][% IF x < 1 %]lt[% END %]"
            "[% IF x <= 1 %]le[% END %][% IF x >= 5 %]ge[% END %]",
            "ltle",
        ),
        (
            "[% s.ucfirst %] [% s.upper.lcfirst %] [% s.length %]|"
            '[% s.replace("o", "0") %] [% conflicts.first %] [% conflicts.last %] '
            '[% conflicts.reverse.join %] [% conflicts.sort.join("-") %] [% h.keys.join %] '
            "[% h.values.join %] [% h.size %] [% h.nope %] [% s.size %] [% s.first %] "
            '[% s _ "!" %]',
            "One oNE 3|0ne a b b a a-b a 1 1  1 one one!",
        ),
        (
            "[% FOREACH i = conflicts %][% loop.prev %]<[% i %]>[% loop.next %][% loop.max %] "
            "[% END %]",
            "<a>b1 a<b>1 ",
        ),
        ("[% FOR p IN h %][% p.key %]=[% p.value %][% END %]", "a=1"),
        ("[% \"a\\\"b\\n\" %][% 'x\\'y' %]", "a\"b\nx'y"),
        ("[% s.0 %][% conflicts.5 %][% GET s %]", "one"),
        ('[% IF (s == "one") %]eq[% END %][% IF s != "x" %]ne[% END %]', "eqne"),
        ("a  [%- s %]|[%= s =%]  x|[%+ s +%]\ny", "a  one|one x|one\ny"),
        ("[% IF x %]a[% ELSIF s %]b[% ELSE %]c[% END %][% UNLESS x %]u[% END %]", "bu"),
        ("[%# a comment %]x[%# another -%]\ny", "xy"),
        ("  [%~ s ~%]   \n  x", "onex"),
        ("[% s and 'yes' or 'no' %] [% x and 'yes' or 'no' %]", "yes no"),
        ("[% FOREACH i IN nothing %]x[% END %]-", "-"),
        ("[% h.size %] [% h.keys.size %] [% conflicts.nope %]", "1 1 "),
    ],
)
def test_renders_like_template_toolkit(template: str, expected: str) -> None:
    assert render(template, VARS) == expected


def test_default_sqlite_deploy_template_output() -> None:
    root = bundled_templates_dir()
    variables: dict[str, Value] = {
        "project": "widgets",
        "change": "users",
        "engine": "sqlite",
        "requires": ["roles", "other:thing"],
        "conflicts": ["old"],
    }
    assert render_file(root / "deploy" / "sqlite.tmpl", variables) == (
        "-- Deploy widgets:users to sqlite\n"
        "-- requires: roles\n"
        "-- requires: other:thing\n"
        "-- conflicts: old\n"
        "\nBEGIN;\n\n-- XXX Add DDLs here.\n\nCOMMIT;\n"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("a\nb\n[% IF x %]\nc", "input text line 3: unexpected end of input"),
        ("[% IF x %]\nb\n[% s %]\nc", "input text line 3: unexpected end of input"),
        ("a\n[% ELSE %]", "input text line 2: unexpected token (ELSE)\n  [% ELSE %]"),
        ("[% END %]", "input text line 1: unexpected token (END)\n  [% END %]"),
        ("[% ELSIF x %]", "unexpected token (ELSIF)"),
        ("[% foo bar %]", "input text line 1: unexpected token (bar)\n  [% foo bar %]"),
        ("[% foo(1 %]", "unexpected end of directive\n  [% foo(1 %]"),
        ("[% IF %]x[% END %]", "unexpected end of directive\n  [% IF %]"),
        ("[% FOREACH %]x[% END %]", "unexpected end of directive"),
        ("[% (s %]", "unexpected end of directive"),
        ("[% s. %]", "unexpected end of directive"),
        ("[% s.( %]", "unexpected token (()"),
        ("[% ) %]", "unexpected token ())"),
        ("[% s ? %]", "unexpected token (?)"),
        ("[% s.join(',' 'x') %]", "unexpected end of directive"),
    ],
)
def test_parse_errors_read_like_template_toolkit(template: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        render(template, VARS)
    assert str(info.value).startswith("file error - parse error - ")
    assert message in str(info.value)


def test_unterminated_tag_is_text() -> None:
    assert render("[% s %", VARS) == "[% s %"


def test_values_print_and_test_as_in_perl() -> None:
    assert to_text(None) == ""
    assert to_text(["a", "b"]) == "a b"
    assert to_text({"k": "v"}) == "k=v"
    assert to_text(3) == "3"
    assert not perl_true(None)
    assert not perl_true("")
    assert not perl_true("0")
    assert perl_true("0.0")
    assert perl_true([])
    assert perl_true({})


def test_loop_variable_scopes_do_not_leak() -> None:
    template = "[% FOREACH s IN conflicts %][% s %][% END %][% s %]"
    assert render(template, VARS) == "abone"


def test_dict_items_in_keyless_foreach_are_imported() -> None:
    variables: dict[str, Value] = {"rows": [{"name": "a"}, {"name": "b"}]}
    assert render("[% FOREACH rows %][% name %][% END %]", variables) == "ab"


def test_bundled_templates_are_found(tmp_path: Path) -> None:
    root = bundled_templates_dir()
    for kind in ("deploy", "revert", "verify"):
        for engine in ("sqlite", "pg", "mysql"):
            assert (root / kind / f"{engine}.tmpl").is_file()


_plain = st.text(alphabet=st.characters(blacklist_characters="[%]"), max_size=40)


@given(_plain)
def test_text_without_tags_is_unchanged(text: str) -> None:
    assert render(text, {}) == text


@given(st.lists(_plain, max_size=5))
def test_foreach_join_matches_python(items: list[str]) -> None:
    variables: dict[str, Value] = {"items": list(items)}
    assert render("[% FOREACH i IN items %][% i %]|[% END %]", variables) == "".join(
        f"{i}|" for i in items
    )
    assert render("[% items.join('+') %]", variables) == "+".join(items)
