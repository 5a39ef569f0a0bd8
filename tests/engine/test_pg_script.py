"""psql's script reader, without a server.

Every expected value below is what psql 15 sent to the server (recorded
through a logging proxy, or shown by ``--echo-queries``) or printed, when
run as Sqitch runs it (``--quiet --no-psqlrc --no-align --tuples-only --set
ON_ERROR_STOP=1 --file FILE``). ``test_pg_script_corpus.py`` checks the same
against the real psql on a server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqlitch.engines.pg_script import (
    Event,
    Failure,
    Output,
    ScriptError,
    ScriptReader,
    Statement,
    parse_bool,
    quote_identifier,
    quote_literal,
    set_variable,
    split_script,
)

SQITCH = {"ON_ERROR_STOP": "1", "QUIET": "on", "registry": "sqitch"}


def sqls(text: str, variables: dict[str, str] | None = None) -> list[str]:
    return [s.sql for s in split_script(text, variables)]


def events(
    text: str,
    variables: dict[str, str] | None = None,
    name: str = "script.sql",
    **kw: object,
) -> list[Event]:
    reader = ScriptReader({**SQITCH, **(variables or {})}, **kw)  # type: ignore[arg-type]
    found: list[Event] = []
    for event in reader.events(name, text):
        found.append(event)
        if isinstance(event, Failure) and reader.flag("ON_ERROR_STOP"):
            break
    return found


def printed(text: str, variables: dict[str, str] | None = None) -> tuple[str, str]:
    """What psql prints itself (stdout, stderr) for ``text``."""
    out, err = [], []
    for event in events(text, variables):
        if isinstance(event, Output):
            (err if event.stderr else out).append(event.text)
        elif isinstance(event, Failure):
            err.append(event.message + "\n")
    return "".join(out), "".join(err)


# -- what psql sends -------------------------------------------------------------------
SPLITS = [
    ("select 1;\nselect 2\n", ["select 1;", "select 2"], "final statement without semicolon"),
    ("", [], "empty file"),
    ("\n\n  \n", [], "blank lines only"),
    ("select 1\n\n;\nselect 2\n\n", ["select 1\n;", "select 2"], "empty lines skipped"),
    ("select 1\n   \n;\n", ["select 1\n   \n;"], "whitespace-only lines kept"),
    ("select 2 \n\t\n", ["select 2 \n\t"], "trailing whitespace kept at end of file"),
    (
        "select 1\r\n\r\n;\r\nselect 2;\r\n",
        ["select 1\r\n\r\n;", "select 2;"],
        "CRLF: the CR stays",
    ),
    ("select '\n\n';\n", ["select '\n\n';"], "empty lines kept in a string"),
    ("select $$a\n\n$$;\n", ["select $$a\n\n$$;"], "and in a dollar quote"),
    ("select (1\n\n);\n", ["select (1\n);"], "but not in parentheses"),
    ("\ufeffselect 1;\n\ufeffselect 2;\n", ["select 1;", "\ufeffselect 2;"], "BOM opening only"),
    ("-- c\nselect\n-- inner\nnope;", ["select\n-- inner\nnope;"], "leading -- comment dropped"),
    ("/* c */\nselect nope;\n", ["/* c */\nselect nope;"], "leading block comment kept"),
    ("select 1; -- done\nselect 2;\n", ["select 1;", "select 2;"], "comment after ; dropped"),
    ("select 1 -- c; \n;\n", ["select 1 -- c; \n;"], "; in a -- comment"),
    ("select (1;\n2);\n", ["select (1;\n2);"], "; in parentheses"),
    ("select x[1;2];\n", ["select x[1;", "2];"], "brackets do not count"),
    (";\n  ;  ;\nselect 1;;\n", [";", ";", ";", "select 1;", ";"], "empty statements sent"),
    (
        "select $a$ $b$ ; $a$, $a$x$b$;$a$;\n",
        ["select $a$ $b$ ; $a$, $a$x$b$;$a$;"],
        "tagged dollar quotes",
    ),
    (
        'select 1 as x$$, 2 as "a;""b";\n',
        ['select 1 as x$$, 2 as "a;""b";'],
        "$ inside an identifier; doubled quote in an identifier",
    ),
    (
        "prepare p1 as select $1::int; deallocate p1;\n",
        ["prepare p1 as select $1::int;", "deallocate p1;"],
        "$1 is a parameter",
    ),
    (
        "select E'a\\';b', 'c\\', 'd;e', e'\\\\';\n",
        ["select E'a\\';b', 'c\\', 'd;e', e'\\\\';"],
        "backslash escapes only in E strings",
    ),
    (
        "select U&'d\\0061t;', B'101', X'1F', N'x;y';\n",
        ["select U&'d\\0061t;', B'101', X'1F', N'x;y';"],
        "other string prefixes",
    ),
    (
        "select 1 as fooE'x\\'; select 2;\n",
        ["select 1 as fooE'x\\';", "select 2;"],
        "no E string inside an identifier",
    ),
    (
        "select 1E'x\\'; select 2; select 1eE'x\\'; select 1_0E'x\\'; select $1E'x\\';\n",
        [
            "select 1E'x\\';",
            "select 2;",
            "select 1eE'x\\';",
            "select 1_0E'x\\';",
            "select $1E'x\\';",
        ],
        "nor in the junk after a number or parameter",
    ),
    (
        "select 1e+E'x\\'; select 2;';\n",
        ["select 1e+E'x\\'; select 2;';"],
        "but after an exponent's sign",
    ),
    (
        "select /* a /* b; */ c; */ 1;\n",
        ["select /* a /* b; */ c; */ 1;"],
        "nested block comments",
    ),
    ("select 'a'\n'b;c';\n", ["select 'a'\n'b;c';"], "string continuation"),
    (
        "select 1 \\; select 2 \\; select 3;\n",
        ["select 1 ; select 2 ; select 3;"],
        "\\; does not end the statement",
    ),
    ("select '\\:' , 3 \\:x, 4;\n", ["select '\\:' , 3 :x, 4;"], "\\: is a colon"),
    ("select 5 \\g\nselect 6 \\r\nselect 7;\n", ["select 5 ", "select 7;"], "\\g and \\r"),
    ("select 1;\n\\g\n\\g\n", ["select 1;"] * 3, "\\g sends the previous query again"),
    ("\\g\n", [""], "at first an empty one"),
    ("select 8 \\echo x\\\\select 9;\n", ["select 8 select 9;"], "text after \\\\"),
    ("select 1 \\echo hi\n, 2;\n", ["select 1 \n, 2;"], "a command inside a statement"),
    (
        "select 'kept'\n\\echo x\n;\n",
        ["select 'kept'\n;"],
        "a line holding only a command adds no newline",
    ),
    ("select 1 \\if true\n;\n\\endif\n", ["select 1 \n;"], "nor does \\if"),
]


@pytest.mark.parametrize(("text", "expected", "why"), SPLITS, ids=[s[2] for s in SPLITS])
def test_splits_as_psql(text: str, expected: list[str], why: str) -> None:
    assert sqls(text) == expected


ROUTINES = [
    (
        "create function f(a int) returns int language sql\nbegin atomic\n"
        "  select a + 1;\n  select case when a > 0 then 1 else 2 end;\nend;\nselect f(1);\n",
        [
            "create function f(a int) returns int language sql\nbegin atomic\n"
            "  select a + 1;\n  select case when a > 0 then 1 else 2 end;\nend;",
            "select f(1);",
        ],
    ),
    (
        "create or replace procedure p() language sql begin atomic insert into t values (1); "
        "end; select 1;\n",
        [
            "create or replace procedure p() language sql begin atomic insert into t "
            "values (1); end;",
            "select 1;",
        ],
    ),
    ("begin; select 1; end;\n", ["begin;", "select 1;", "end;"]),
    ("create table t (begin int); select 1;\n", ["create table t (begin int);", "select 1;"]),
    (
        'create function "f"() returns int language sql begin atomic select 1; end;\n',
        ['create function "f"() returns int language sql begin atomic select 1; end;'],
    ),
    (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN CASE WHEN true THEN 1 END; "
        "select 2;\n",
        [
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN CASE WHEN true THEN 1 END;",
            "select 2;",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), ROUTINES)
def test_sql_standard_routine_bodies(text: str, expected: list[str]) -> None:
    assert sqls(text) == expected


def test_standard_conforming_strings_off() -> None:
    # psql asks the server whenever it starts a line.
    text = "select 'a\\';b';\nselect 'c';\n"
    off = [e for e in events(text, standard_strings=lambda: False) if isinstance(e, Statement)]
    assert [s.sql for s in off] == ["select 'a\\';b';", "select 'c';"]
    assert sqls(text) == ["select 'a\\';", "b';\nselect 'c';"]


def test_lines() -> None:
    text = "select 1\n  ,\n  2; select 3;\n\n/* c */ select\n4;\nselect nope\n\n\n"
    found = split_script(text)
    assert [(s.start_line, s.line) for s in found] == [(1, 3), (3, 3), (5, 6), (7, 9)]
    assert {s.file for s in found} == {"script.sql"}


# -- variables ---------------------------------------------------------------------------
VARIABLES = {
    "a": "it's",
    "b": "42",
    "bs": "a\\b",
    "q": 'x"y',
    "c": "1 as one, :b as two",
    "x": "select 1; select 2",
}


def interpolation_script() -> str:
    return (
        "select :'a' as :\"a\", :b, ':a', $$:a$$, 1::text, ':undef', /* :a */ 2 -- :a\n;\n"
        "select :'bs', :'q' as :\"q\";\n"
        "select :c;\n"
        ":x;\n"
        "select :{?a}, :{?zz}, :'a':'a';\n"
        "select :'a'::text,:b:b;\n"
        "select :undef, :'undef', :\"undef\", :'a b', :=1, :::b;\n"
        "select (:b\n);\n"
    )


def test_interpolation() -> None:
    assert sqls(interpolation_script(), VARIABLES) == [
        "select 'it''s' as \"it's\", 42, ':a', $$:a$$, 1::text, ':undef', /* :a */ 2 -- :a\n;",
        'select  E\'a\\\\b\', \'x"y\' as "x""y";',
        "select 1 as one, 42 as two;",
        "select 1;",
        "select 2;",
        "select TRUE, FALSE, 'it''s''it''s';",
        "select 'it''s'::text,4242;",
        "select :undef, :'undef', :\"undef\", :'a b', :=1, ::42;",
        "select (42\n);",
    ]


def test_recursive_variable_left_alone() -> None:
    found = events("\\set r 'x :r'\nselect :r;\n")
    assert found == [
        Output('psql:script.sql:2: warning: skipping recursive expansion of variable "r"\n', True),
        Statement("select x :r;", "script.sql", 2, 2),
    ]


def test_no_interpolation_in_a_branch_not_taken() -> None:
    assert sqls("\\if false\n:x;\n\\endif\nselect :b;\n", VARIABLES) == ["select 42;"]


def test_meta_command_in_a_variable_is_refused() -> None:
    with pytest.raises(ScriptError) as caught:
        events("\\set v '\\\\echo hi'\nselect 1; :v\n")
    assert caught.value.message.startswith("script.sql line 2: a meta-command in the value")


@given(st.text(st.characters(codec="utf-8", exclude_characters="\0")))
def test_quote_literal_round_trip(value: str) -> None:
    quoted = quote_literal(value)
    if "\\" in value:
        assert quoted.startswith(" E'") and quoted.endswith("'")
        body = quoted[3:-1]
        assert body.replace("''", "'").replace("\\\\", "\\") == value
    else:
        assert quoted == "'" + value.replace("'", "''") + "'"
    assert quote_identifier(value)[1:-1].replace('""', '"') == value


# -- meta-commands -------------------------------------------------------------------------
def test_echo_arguments() -> None:
    text = (
        "\\echo hello   world  'quoted  arg' \"dq  arg\" it''s 'it''s' "
        "'a\\tb\\nc\\\\d\\'e\\x41\\101' :a :'a' :\"a\" ':a' pre:a post\n"
        "\\echo -n no newline\n\\echo\n\\echo '-n' y\n"
        "\\echo 'x'y'z' a'b c'd \"e\"\"f\"\n"
        "\\qecho to stdout\n\\warn to stderr\n"
        "\\echo a\\echo b \\\\ \\echo c\n"
        "\\echo \"a:b\" '\\101\\x4a\\q'\n"
    )
    assert printed(text, {"a": "it's"}) == (
        "hello world quoted  arg \"dq  arg\" its it's a\tb\nc\\d'eAA it's 'it''s' \"it's\" :a "
        'preit\'s post\nno newline\n-n y\nxyz ab cd "e""f"\nto stdout\na\nb\nc\n'
        '"a:b" AJq\n',
        "to stderr\n",
    )


def test_unterminated_quote_in_arguments() -> None:
    assert printed("\\echo :{?a} :'a :\"b c\" :'x y' :{?a b}\n\\echo after\n", {"a": "1"}) == (
        'TRUE :a :"b c" :x\nafter\n',
        "psql:script.sql:1: error: unterminated quoted string\n",
    )


def test_set_and_unset() -> None:
    reader = ScriptReader({"a": "it's"})
    list(
        reader.events(
            "s.sql",
            "\\set v1 one two 'three four' :a\n\\set v2\n\\set v3 x\n\\unset v3\n"
            "\\set x 1;\n\\unset a-b\n\\set café 'déjà vu'\n",
        )
    )
    assert reader.variables == {
        "a": "it's",
        "v1": "onetwothree fourit's",
        "v2": "",
        "x": "1;",
        "café": "déjà vu",
    }


@pytest.mark.parametrize(
    ("value", "meaning"),
    [
        ("t", True),
        ("T", True),
        ("tr", True),
        ("TRUE", True),
        ("truex", None),
        ("f", False),
        ("y", True),
        ("ye", True),
        ("yes", True),
        ("n", False),
        ("no", False),
        ("o", None),
        ("on", True),
        ("ON", True),
        ("of", False),
        ("off", False),
        ("1", True),
        ("0", False),
        ("01", None),
        ("00", None),
        ("", None),
        ("2", None),
        ("on ", None),
        (" on", None),
    ],
)
def test_booleans(value: str, meaning: bool | None) -> None:
    assert parse_bool(value) is meaning


def test_if_elif_else() -> None:
    text = (
        "\\if :flag\n  \\echo flag on\n\\elif :other\n  \\echo other\n\\else\n  \\echo neither\n"
        "\\endif\n"
        "\\if yes \\echo y1 \\endif\n"
        "\\if 'o' \\echo o \\endif\n"
        "\\if TR \\echo tr \\endif\n"
        "\\if 0 \\echo zero \\else \\echo notzero \\endif\n"
        "\\if false\n  select nope;\n  \\copy x from y\n  \\c other\n  \\set skipped 1\n\\endif\n"
        "\\echo [:skipped]\n"
        "\\if false\n\\elif bogus\n\\echo in\n\\else\n\\echo else\n\\endif\n"
    )
    assert printed(text, {"flag": "off", "other": "ON"}) == (
        "other\ny1\ntr\nnotzero\n[:skipped]\nelse\n",
        'psql:script.sql:9: error: unrecognized value "o" for "\\if expression": Boolean expected\n'
        'psql:script.sql:20: error: unrecognized value "bogus" for "\\elif expression": '
        "Boolean expected\n",
    )


FAILURES = [
    ("\\endif\nselect 1;\n", "psql:script.sql:1: error: \\endif: no matching \\if"),
    ("\\else\n", "psql:script.sql:1: error: \\else: no matching \\if"),
    (
        "\\if false\n\\else\n\\elif true\n\\endif\n",
        "psql:script.sql:3: error: \\elif: cannot occur after \\else",
    ),
    ("\\if true\nselect 1;\n", "psql:script.sql:2: error: reached EOF without finding closing"),
    ("\\if false\n\\bogus command\n\\endif\n", "psql:script.sql:2: error: invalid command \\bogus"),
    ("\\echo x\\\n", "psql:script.sql:1: error: invalid command \\"),
    ("\\\\ select 2;\n", "psql:script.sql:1: error: invalid command \\"),
    ("\\unset\n", "psql:script.sql:1: error: \\unset: missing required argument"),
    ("\\i\n", "psql:script.sql:1: error: \\i: missing required argument"),
    ("\\include_relative\n", "psql:script.sql:1: error: \\include_relative: missing required"),
    ("\\set a-b 1\n", 'psql:script.sql:1: error: invalid variable name: "a-b"'),
    (
        "\\set ON_ERROR_STOP bogus\n",
        'psql:script.sql:1: error: unrecognized value "bogus" for "ON_ERROR_STOP": '
        "Boolean expected",
    ),
    (
        "\\set ECHO bogus\n",
        'psql:script.sql:1: error: unrecognized value "bogus" for "ECHO"\n'
        "Available values are: none, errors, queries, all.",
    ),
    (
        "\\set FETCH_COUNT x\n",
        'psql:script.sql:1: error: invalid value "x" for "FETCH_COUNT": integer expected',
    ),
    (
        "\\restrict key\n\\echo no\n",
        "psql:script.sql:2: error: backslash commands are restricted; only \\unrestrict is allowed",
    ),
    ("\\unrestrict key\n", "psql:script.sql:1: error: \\unrestrict: not currently in restricted"),
]


@pytest.mark.parametrize(("text", "message"), FAILURES)
def test_psql_errors(text: str, message: str) -> None:
    failures = [e for e in events(text) if isinstance(e, Failure)]
    assert len(failures) == 1
    assert failures[0].message.startswith(message)


def test_error_drops_the_rest_of_the_line() -> None:
    found = events("\\bogus \\echo dropped\n\\echo kept\n", {"ON_ERROR_STOP": "off"})
    assert found == [
        Failure("psql:script.sql:1: error: invalid command \\bogus"),
        Output("kept\n"),
    ]


FAILING_COMMANDS = (
    "\\set ON_ERROR_STOP off\n\\endif \\echo dropped\n\\echo next1\n\\else \\echo dropped\n"
    "\\elif x \\echo dropped\n\\if true\n\\else\n\\elif true \\echo dropped\n"
    "\\else \\echo dropped\n\\endif\n\\unset \\echo dropped\n\\i \\echo dropped\n"
    "\\ir missing.sql \\echo dropped\n\\set a-b 1 \\echo dropped\n"
    "\\set QUIET bogus \\echo dropped\n\\echo [:QUIET]\n\\restrict \\echo dropped\n"
    "\\unrestrict \\echo dropped\n\\unrestrict k \\echo dropped\n\\restrict k\n"
    "\\unrestrict \\echo dropped\n\\unrestrict j \\echo dropped\n\\echo restricted\n"
    "\\unrestrict k\n\\echo end\n\\if true\n"
)


def test_failing_commands_without_on_error_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each error drops the rest of its line; the script goes on.
    monkeypatch.chdir(tmp_path)
    errors = [
        (2, "\\endif: no matching \\if"),
        (4, "\\else: no matching \\if"),
        (5, "\\elif: no matching \\if"),
        (8, "\\elif: cannot occur after \\else"),
        (9, "\\else: cannot occur after \\else"),
        (11, "\\unset: missing required argument"),
        (12, "\\i: missing required argument"),
        (13, "missing.sql: No such file or directory"),
        (14, 'invalid variable name: "a-b"'),
        (15, 'unrecognized value "bogus" for "QUIET": Boolean expected'),
        (17, "\\restrict: missing required argument"),
        (18, "\\unrestrict: not currently in restricted mode"),
        (19, "\\unrestrict: not currently in restricted mode"),
        (21, "\\unrestrict: wrong key"),
        (22, "\\unrestrict: wrong key"),
        (23, "backslash commands are restricted; only \\unrestrict is allowed"),
        (26, "reached EOF without finding closing \\endif(s)"),
    ]
    assert printed(FAILING_COMMANDS) == (
        "next1\n[on]\nend\n",
        "".join(f"psql:script.sql:{line}: error: {text}\n" for line, text in errors),
    )


def test_extra_arguments() -> None:
    text = (
        "\\unset a b\n\\echo x\n\\if true extra\n\\echo in\n\\else junk\n\\endif more\n"
        "\\if false\n\\if true x\n\\else y\n\\endif z\n\\else w\n\\endif v\n"
        "\\if true\n\\elif :nope x\n\\else u\n\\endif t\n"
    )
    assert printed(text) == (
        "x\n",
        'psql:script.sql:1: warning: \\unset: extra argument "b" ignored\n'
        'psql:script.sql:3: error: unrecognized value "true extra" for "\\if expression": '
        "Boolean expected\n"
        'psql:script.sql:5: warning: \\else: extra argument "junk" ignored\n'
        'psql:script.sql:6: warning: \\endif: extra argument "more" ignored\n'
        'psql:script.sql:11: warning: \\else: extra argument "w" ignored\n'
        'psql:script.sql:12: warning: \\endif: extra argument "v" ignored\n'
        'psql:script.sql:16: warning: \\endif: extra argument "t" ignored\n',
    )


def test_special_variables() -> None:
    reader = ScriptReader({"ON_ERROR_STOP": "1", "IGNOREEOF": "0"})
    text = (
        "\\unset ON_ERROR_STOP\n\\set QUIET\n\\set IGNOREEOF x\n\\unset ECHO\n"
        "\\unset FETCH_COUNT\n\\set HIDE_TABLEAM true\n\\set ON_ERROR_ROLLBACK interactive\n"
    )
    assert not [e for e in reader.events("s.sql", text) if isinstance(e, Failure)]
    assert reader.variables == {
        "ON_ERROR_STOP": "off",
        "QUIET": "on",
        "IGNOREEOF": "10",
        "ECHO": "none",
        "FETCH_COUNT": "0",
        "HIDE_TABLEAM": "true",
        "ON_ERROR_ROLLBACK": "interactive",
    }


@pytest.mark.parametrize(
    "setting",
    [
        "AUTOCOMMIT off",
        "ECHO all",
        "SINGLELINE on",
        "SINGLESTEP 1",
        "ON_ERROR_ROLLBACK on",
        "FETCH_COUNT 100",
        "VERBOSITY verbose",
        "SHOW_CONTEXT always",
    ],
)
def test_settings_the_driver_does_not_reproduce(setting: str) -> None:
    with pytest.raises(ScriptError) as caught:
        events(f"select 1;\n\\set {setting}\n")
    name, value = setting.split()
    assert caught.value.message == (
        f"script.sql line 2: psql variable {name}={value} is not supported by the driver "
        "runner; use the client runner (--runner client)"
    )
    with pytest.raises(NotImplementedError):
        set_variable({}, name, value)


@pytest.mark.parametrize(
    ("text", "command", "line"),
    [
        ("\\copy t from 'x.csv'\n", "copy", 1),
        ("select 1;\nselect 2 \\gset\n", "gset", 2),
        ("\\c otherdb\n", "c", 1),
        ("\\connect otherdb\n", "connect", 1),
        ("\\! ls\n", "!", 1),
        ("\\pset format aligned\n", "pset", 1),
        ("\\o out.txt\n", "o", 1),
        ("\\dt\n", "dt", 1),
        ("\\g out.txt\n", "g", 1),
        ("\\if true\n\\timing on\n\\endif\n", "timing", 2),
    ],
)
def test_refused_meta_commands(text: str, command: str, line: int) -> None:
    with pytest.raises(ScriptError) as caught:
        events(text)
    assert caught.value.message == (
        f"script.sql line {line}: psql meta-command \\{command} is not supported by the "
        "driver runner; use the client runner (--runner client)"
    )


def test_backquotes_refused_unless_skipped() -> None:
    with pytest.raises(ScriptError, match="backquoted shell commands"):
        events("\\set x `echo 1`\n")
    assert printed("\\if false\n\\set x `echo hi`\n\\endif\n\\echo done\n") == ("done\n", "")


def test_quit_stops_every_file(tmp_path: Path) -> None:
    (tmp_path / "inner.sql").write_text("select 1;\n\\q extra\nselect 2;\n", encoding="utf-8")
    outer = tmp_path / "outer.sql"
    text = f"\\i {tmp_path}/inner.sql\nselect 3;\n"
    found = events(text, name=str(outer))
    assert [e.sql for e in found if isinstance(e, Statement)] == ["select 1;"]
    assert found[-1] == Output(
        f'psql:{tmp_path}/inner.sql:2: warning: \\q: extra argument "extra" ignored\n', True
    )


def test_restrict_and_unrestrict() -> None:
    text = "\\restrict k\nselect 1;\n\\unrestrict wrong\n\\unrestrict k\n\\echo ok\n"
    found = events(text, {"ON_ERROR_STOP": "off"})
    assert found == [
        Statement("select 1;", "script.sql", 2, 2),
        Failure("psql:script.sql:3: error: \\unrestrict: wrong key"),
        Output("ok\n"),
    ]


# -- included files --------------------------------------------------------------------------
def test_include_relative_names_and_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deploy" / "shared").mkdir(parents=True)
    (tmp_path / "top.sql").write_text("select 'top';\n", encoding="utf-8")
    (tmp_path / "deploy" / "shared" / "inc.sql").write_text(
        "select 1;\n\n\\ir ../../top.sql\nselect\n2;\n", encoding="utf-8"
    )
    main = "select 0 \\ir shared/inc.sql\n;\n\\ir ./shared/../shared/inc.sql;\n\\i top.sql\n"
    found = [e for e in events(main, name="deploy/main.sql") if isinstance(e, Statement)]
    assert [(s.file, s.line, s.sql) for s in found] == [
        ("deploy/shared/inc.sql", 1, "select 1;"),
        ("top.sql", 1, "select 'top';"),
        ("deploy/shared/inc.sql", 5, "select\n2;"),
        # The including file's query buffer waits for the included file.
        ("deploy/main.sql", 2, "select 0 \n;"),
        ("deploy/shared/inc.sql", 1, "select 1;"),
        ("top.sql", 1, "select 'top';"),
        ("deploy/shared/inc.sql", 5, "select\n2;"),
        ("top.sql", 1, "select 'top';"),
    ]


def test_include_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir").mkdir()
    (tmp_path / "latin1.sql").write_bytes(b"select 'caf\xe9';\n")
    assert printed("\\ir missing.sql\n") == (
        "",
        "psql:script.sql:1: error: missing.sql: No such file or directory\n",
    )
    assert printed("\\i dir\n") == (
        "",
        "psql:dir: error: could not read from input file: Is a directory\n",
    )
    with pytest.raises(ScriptError) as caught:
        events("select 1;\n\\i latin1.sql\n")
    assert caught.value.message == (
        "script.sql line 2: latin1.sql: not UTF-8 (invalid continuation byte at byte 11); "
        "use the client runner (--runner client)"
    )
    (tmp_path / "self.sql").write_text("\\i self.sql\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="nesting deeper"):
        events("\\i self.sql\n")


def test_unclosed_if_in_an_included_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s1.sql").write_text("\\if true\nselect 1;\n", encoding="utf-8")
    found = events("\\if true\n\\i s1.sql\n\\endif\n\\echo after\n")
    assert found == [
        Statement("select 1;", "s1.sql", 2, 2),
        Failure("psql:s1.sql:2: error: reached EOF without finding closing \\endif(s)"),
    ]


# -- COPY ... FROM STDIN -------------------------------------------------------------------------
def test_copy_data_is_read_from_the_script() -> None:
    reader = ScriptReader(SQITCH)
    text = (
        "copy t from stdin; select 'rest';\n1\tx;y\n2\t\\N\n\\.\nselect 2;\ncopy t from stdin;\n3"
    )
    found: list[tuple[str, int]] = []
    data: list[str] = []
    for event in reader.events("c.sql", text):
        if isinstance(event, Statement):
            found.append((event.sql, event.line))
            if event.sql.startswith("copy"):
                data.append(reader.copy_data())
    assert found == [
        ("copy t from stdin;", 1),
        ("select 'rest';", 4),  # read on after the data, with psql's line count
        ("select 2;", 5),
        ("copy t from stdin;", 6),
    ]
    assert data == ["1\tx;y\n2\t\\N\n", "3"]


# -- round trips ---------------------------------------------------------------------------------
_WORD = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda w: w not in ("begin", "case", "end", "create", "function", "procedure", "or")
)
_TEXT = st.text(
    st.sampled_from(list("ab ;'\"$\\\n\r\t/*-:()é")),
    max_size=12,
)


def _dollar(body: str) -> str:
    return "$q$" + body.replace("$", "") + "$q$"


def _comment(body: str) -> str:
    return "/*" + body.replace("*", "").replace("/", "") + "*/"


_TOKEN = st.one_of(
    _WORD,
    st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    st.sampled_from(["+", ",", "::", "=", "[", "]", ".", "*", "$1"]),
    _TEXT.map(lambda t: "'" + t.replace("'", "''") + "'"),
    _TEXT.map(lambda t: "E'" + t.replace("\\", "\\\\").replace("'", "\\'") + "'"),
    _TEXT.filter(bool).map(lambda t: '"' + t.replace('"', '""') + '"'),
    _TEXT.map(_dollar),
    _TEXT.map(_comment),
    _TEXT.map(lambda t: "-- " + t.replace("\n", " ").replace("\r", " ") + "\n"),
    st.tuples(_WORD, _WORD).map(lambda p: f"({p[0]}; {p[1]})"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORD, st.lists(_TOKEN, max_size=8)), max_size=6))
def test_round_trip(parts: list[tuple[str, list[str]]]) -> None:
    # Statements made of whole tokens (strings, quoted identifiers, dollar
    # quotes and comments holding semicolons, quotes, backslashes, colons and
    # empty lines), one after the other on their own lines, come back exactly.
    statements = [" ".join([head, *tokens]) + ";" for head, tokens in parts]
    assert sqls("\n".join(statements) + "\n") == statements
