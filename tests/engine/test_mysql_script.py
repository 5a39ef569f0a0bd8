"""The mysql client's statement splitter and row printer, without a server.

Every expected value below is what the MariaDB 10.11 ``mysql`` client sent to
the server (recorded through a logging proxy) or printed, when run as Sqitch
runs it (``--silent --skip-column-names ... --execute "source FILE"``) under
a UTF-8 locale. ``test_mysql_script_corpus.py`` checks the same against the
real client on a server.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqlitch.engines.mysql_script import ScriptError, Statement, format_rows, split_script


def sqls(text: str) -> list[str]:
    return [statement.sql for statement in split_script(text)]


def lines(text: str) -> list[int]:
    return [statement.line for statement in split_script(text)]


# -- what the client sends --------------------------------------------------------------
BASICS = [
    ("select 1;\nselect 2\n", ["select 1", "select 2"], "final statement without delimiter"),
    ("", [], "empty file"),
    ("\n\n  \n", [], "blank lines only"),
    (";;\nselect 1;;\n ; \n/* x */;\n-- y\n;\n", ["select 1"], "empty statements skipped"),
    ("\n\n   \n\tselect\n   1;\n", ["select\n   1"], "leading whitespace dropped, inner kept"),
    ("select 1\t \n\n;\n", ["select 1"], "trailing whitespace dropped"),
    ("\x0b\x0cselect 1\x0b;\n", ["select 1"], "vertical tab and form feed are whitespace"),
    ("select 1,\r\n2;\r\nselect 3\r\n;\r\n", ["select 1,\n2", "select 3"], "CRLF read as LF"),
    ("select 1\r, 2;\rselect 3;\n", ["select 1\r, 2", "select 3"], "lone CR kept"),
    ("\ufeffselect 1;\n", ["select 1"], "BOM opening the file dropped"),
    ("select 1;\n\ufeffselect 2;\n", ["select 1", "\ufeffselect 2"], "BOM elsewhere kept"),
    ("\u00e9select 1;\n", ["\u00e9select 1"], "non-ASCII is never whitespace"),
    ("\u00a0select 1;\n", ["\u00a0select 1"], "no-break space is not whitespace"),
    ("select 1 as x\u00a0;\n", ["select 1 as x\u00a0"], "nor stripped at the end"),
    ("select 'x\u2003';select 2", ["select 'x\u2003'", "select 2"], "em space in a string"),
    ("select 1 \\\n, 2;\n", ["select 1 \n, 2"], "backslash ending a line dropped"),
]

STRINGS = [
    (
        "select 'a;b', \"c;d\", `e;f`, 'it\\'s', \"a\"\"b\", 'a''b';\n",
        ["select 'a;b', \"c;d\", `e;f`, 'it\\'s', \"a\"\"b\", 'a''b'"],
        "delimiters in strings and identifiers",
    ),
    (
        "select \"a\\\"b;\", 'c\\'d;', 'e\\\\', `f\\`;\n",
        ["select \"a\\\"b;\", 'c\\'d;', 'e\\\\', `f\\`"],
        "backslash escapes but not in backticks",
    ),
    ("select 'a\\\nb';\n", ["select 'a\nb'"], "backslash ending a line in a string dropped"),
    ("select 'a\n\n  b;  ';\n", ["select 'a\n\n  b;  '"], "newlines in strings kept"),
    ("select 1;\nselect 'abc;\n", ["select 1", "select 'abc;"], "unterminated string sent"),
    ("select '\\g', '\\c', '\\q';\n", ["select '\\g', '\\c', '\\q'"], "no commands in strings"),
    ("select \\N;\n", ["select \\N"], "\\N is SQL's NULL"),
    (
        "select '/* no */', '-- no', '#no', \"/*\";\n",
        ["select '/* no */', '-- no', '#no', \"/*\""],
        "no comments in strings",
    ),
]

COMMENTS = [
    ("--foo\nselect 1;\n", ["select 1"], "-- without a space starting a statement"),
    ("select 1 --foo\n;\n", ["select 1 --foo"], "-- without a space inside a statement"),
    ("select 1;--foo\nselect 2;\n", ["select 1", "select 2"], "-- right after a delimiter"),
    ("select 1 --\tx\n, 2;\n", ["select 1 \n, 2"], "-- and a tab"),
    ("select 1 --\n, 2;\n", ["select 1 \n, 2"], "-- at end of line"),
    ("select 1 --\x01x\n, 2;\n", ["select 1 --\x01x\n, 2"], "-- and a control character"),
    ("select 1 a#b\n, 2;\n", ["select 1 a\n, 2"], "# even inside a word"),
    (
        "select 1 /* it's */, 2 -- it's\n, 3 # it's\n, 4;\n",
        ["select 1  , 2 \n, 3 \n, 4"],
        "quotes in comments",
    ),
    (
        "select 1 /* x\ny */ , 2;\n",
        ["select 1  , 2"],
        "a line ending in a comment loses its newline",
    ),
    ("select 1 /* x */+1;\n", ["select 1  +1"], "a space replaces a comment before text"),
    ("select 1/**/+1;\n", ["select 1 +1"], "empty comment"),
    ("select /*x*/'a';\n", ["select  'a'"], "space before a quote"),
    (
        "/* c */select 1;\n/* c\n*/  select 2;\n  /* c */  select 3;\n",
        [" select 1", " select 2", " select 3"],
        "even at the start of a statement",
    ),
    ("select 1 /*x*/; select 2;\n", ["select 1", " select 2"], "for the rest of the line"),
    ("select 1 as /*x*/\u00e91;\n", ["select 1 as \u00e9 1"], "multi-byte characters skipped"),
    ("select /*x*/\U0001f600;\n", ["select  \U0001f600"], "four-byte characters are not"),
    ("select 1 /*a*//*\u00e9*/2;\n", ["select 1  2"], "comment after comment"),
    ("select 1 /*a*/ /*b*/2;\n", ["select 1   2"], "comment, space, comment"),
    ("select 1 /* a /* b */ , 2 */;\n", ["select 1  , 2 */"], "comments do not nest"),
    ("select 1 /* a /*/ b */ , 2;\n", ["select 1  , 2"], "/*/ does not close a comment"),
    ("select 1 /* a /*! b */ c */ , 2;\n", ["select 1  , 2"], "/*! in a comment"),
    ("select 1 */ 2;\n", ["select 1 */ 2"], "stray */"),
    ("select 1;\nselect 2 /* never\nends;\nselect 3;\n", ["select 1", "select 2"], "open comment"),
    ("select 1 /*+ hint */;\n", ["select 1"], "optimizer hints are comments"),
]

CONDITIONAL = [
    (
        "select 1 /*! +1 */;\nselect 1 /*!50001 +1 */;\nselect 1 /*M! +1 */;\n"
        "select 1 /*M!100000 +1 */;\n",
        [
            "select 1 /*! +1 */",
            "select 1 /*!50001 +1 */",
            "select 1 /*M! +1 */",
            "select 1 /*M!100000 +1 */",
        ],
        "executable comments kept",
    ),
    ("select 1 /*! ; select 2 */;\n", ["select 1 /*!", "select 2 */"], "the delimiter splits"),
    ("DELIMITER $$\nselect 1 /*! $$ */ $$\n", ["select 1 /*!", "*/"], "any delimiter does"),
    ("select 1 /*!50001 -- x */ +1;\n, 5;\n", ["select 1 /*!50001 \n, 5"], "comments inside"),
    ("select 1 /*! /* x */ +1 */;\n", ["select 1 /*!"], "a /* inside runs to the second */"),
    ("select 1 /*! ,'a;b' */;\n", ["select 1 /*! ,'a;b' */"], "strings inside"),
    (
        "/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19\nselect 2;\n",
        ["/*M!999999 enable the sandbox mode */ \n\nselect 2"],
        "mysqldump's sandbox header",
    ),
    (
        "/*!999999\\- enable the sandbox mode */ \nselect 2;\n",
        ["/*!999999 enable the sandbox mode */ \nselect 2"],
        "sandbox command in /*!",
    ),
    (
        "select 1 /*! \\u db1 x */, 2;\n",
        ["USE `db1`", "select 1 /*! */, 2"],
        "a command in /*! drops its parameters up to */",
    ),
    ("select 1 /*!\\d $$ */ , 2$$\n", ["select 1 /*!*/ , 2"], "\\d in /*!"),
    ("select 1 /*! \\u db1 x\n, 2;\n", ["USE `db1`", "select 1 /*! \n, 2"], "... or end of line"),
]

DELIMITERS = [
    (
        "DELIMITER $$\nselect 1$$\nselect 2; select 3$$\nDELIMITER ;\nselect 4;\n",
        ["select 1", "select 2; select 3", "select 4"],
        "dollars",
    ),
    ("delimiter //\nselect 1//\nDeLiMiTeR ;\nselect 2;\n", ["select 1", "select 2"], "any case"),
    ("DELIMITER |\nselect 1|select 2|\n", ["select 1", "select 2"], "pipe"),
    (
        "select 1;\ndelimiter ;;\nselect 2;;\nselect 3;\n",
        ["select 1", "select 2", "select 3;"],
        ";;",
    ),
    (
        "DELIMITER END_PROC\nselect 1 END_PROC\nselect 2 end_proc\nEND_PROC\n",
        ["select 1", "select 2 end_proc"],
        "multi-character, matched case-sensitively",
    ),
    ("DELIMITER $$   \nselect 1$$\n", ["select 1"], "trailing spaces"),
    ("DELIMITER\t$$\nselect 1$$\n", ["select 1"], "tab after the command"),
    ("   DELIMITER $$\nselect 1$$\n", ["select 1"], "leading spaces"),
    ("DELIMITER $$ extra words\nselect 1$$\n", ["select 1"], "first word only"),
    ("DELIMITER $$ -- switch\nselect 1$$\n", ["select 1"], "comment after it"),
    ("-- c\nDELIMITER $$\nselect 1$$\n", ["select 1"], "after a comment line"),
    (
        "DELIMITER '$$'\nselect 1$$\nDELIMITER \"//\"\nselect 2//\nDELIMITER `;;`\nselect 3;;\n"
        "select 4;\n",
        ["select 1", "select 2", "select 3", "select 4;"],
        "quoted",
    ),
    (
        "DELIMITER $$;\nselect 1$$;\nselect 2$$\n",
        ["select 1", "select 2$$"],
        "$$; is the delimiter",
    ),
    ("select 1; DELIMITER $$\nselect 2$$\nselect 3;\n", ["select 1"], "after a statement"),
    ("select 1,\nDELIMITER $$\n2;\n", ["select 1,\nDELIMITER $$2"], "inside a statement"),
    ("/* c */ DELIMITER $$\nselect 1$$\nselect 2;\n", [], "after a comment on its line"),
    ("select 1 as a,\ndelimiterx\n, 2;\n", ["select 1 as a,\ndelimiterx, 2"], "delimiter* lines"),
    ("DELIMITER $$\nselect '$$', \"$$\", `$$` $$\n", ["select '$$', \"$$\", `$$`"], "in strings"),
    (
        "DELIMITER $$\nselect 1 /* $$ */ , 2 -- $$\n, 3 # $$\n$$\n",
        ["select 1  , 2 \n, 3"],
        "in comments",
    ),
    (
        "DELIMITER abcdefghijklmnopqrstuvwxyz\nselect 1 abcdefghijklmnopqrstuvwxyz\n"
        "select 2 abcdefghijklmno;\n",
        ["select 1", "pqrstuvwxyz\nselect 2", ";"],
        "at most 15 bytes",
    ),
    ("DELIMITER #\nselect 1#\nselect 2 # x\n#\n", ["select 1", "select 2", "x"], "before #"),
    ("DELIMITER --\nselect 1--\nselect 2 -- x\n--\n", ["select 1", "select 2", "x"], "before --"),
    ("DELIMITER $$\nselect 1\\g\nselect 2$$\n", ["select 1", "select 2"], "\\g still works"),
    ("DELIMITER $$\nselect 1$$\nselect 2", ["select 1", "select 2"], "no final newline"),
    ("DELIMITER $$\n$$$$\nselect 1$$$$\n", ["select 1"], "empty statements"),
    ("select 1;\nDELIMITER\nselect 2;\n", ["select 1", "select 2"], "no argument: ignored"),
    ("select 1;\ndelimiter;\nselect 2;\n", ["select 1", "select 2"], "no argument before ;"),
    ("DELIMITER \\\\\nselect 2;\n", ["select 2"], "a backslash: ignored"),
    ("DELIMITER a\\b\nselect 1ab\n", ["select 1"], "backslash escapes in the argument"),
    ("DELIMITER ''\nselect 1;\n", ["DELIMITER ''select 1"], "empty quoted argument: SQL"),
    ("DELIMITER '$$\nselect 1;\n", ["DELIMITER '$$\nselect 1;"], "unterminated quote: SQL"),
    (
        "DELIMITER \u00a7\u00a7\nselect 1\u00a7\u00a7\nselect 2;\n",
        ["select 1\u00a7\u00a7\nselect 2;"],
        "a non-ASCII delimiter never matches",
    ),
    (
        "select 1 as delimiter;\nselect 'x' delimiter;\n",
        ["select 1 as delimiter", "select 'x' delimiter"],
        "the word in SQL",
    ),
    ("\\d $$\nselect 1$$\nselect 2;\n", ["select 1", "select 2;"], "\\d"),
    (
        "select 1 \\d $$ select 2$$ select 3;\n",
        ["select 1  select 2", "select 3;"],
        "\\d drops up to the new delimiter",
    ),
    ("select 1 \\d ; select 2;\n", ["select 1  select 2"], "\\d ;"),
    ("select 1 \\d\nselect 2;\n", ["select 1 \nselect 2"], "\\d without argument"),
]

COMMANDS = [
    ("select 1\\g select 2 \\G\nselect 3;\n", ["select 1", "select 2", "select 3"], "\\g \\G"),
    ("select 1 /*x*/\\g select 2;\n", ["select 1", " select 2"], "\\g after a comment"),
    ("select 1 \\c select 2;\n", ["select 2"], "\\c clears"),
    ("select 1\n\\c\nselect 2;\n", ["select 2"], "\\c on its own line"),
    ("select 1;\nclear\nselect 2;\n", ["select 1", "select 2"], "clear"),
    ("select 1\nclear;\n", ["select 1\nclear"], "clear inside a statement is SQL"),
    ("clear;\nselect 2;\n", ["select 2"], "clear;"),
    ("select 1\ngo\nselect 2;\n", ["select 1\ngo\nselect 2"], "go inside a statement is SQL"),
    ("go\nselect 2;\n", ["select 2"], "go alone sends nothing"),
    ("go;\nselect 2;\n", ["go", "select 2"], "go; sends itself"),
    ("select 1; go\nselect 2;\n", ["select 1", "go\nselect 2"], "go after a statement"),
    ("go away;\n", ["go away"], "go takes no argument"),
    ("select 1;\nego\nselect 2;\n", ["select 1", "select 2"], "ego alone"),
    ("use db1\nselect 2;\n", ["USE `db1`", "select 2"], "use"),
    ("use db1;\nselect 2;\n", ["USE `db1`", "select 2"], "use;"),
    ("USE db1 ;\nselect 2;\n", ["USE `db1`", "select 2"], "USE ;"),
    ("use db1; select 2;\n", ["USE `db1`", "select 2"], "use; and more"),
    ("use `db1`\n", ["USE `db1`"], "use `db`"),
    ("use 'we''ird`db'\n", ["USE `we'ird``db`"], "use 'db'"),
    ("use db1 extra words\n", ["USE `db1`"], "use: first word only"),
    ("select 1,\nuse db1\n;\n", ["select 1,\nuse db1"], "use inside a statement is SQL"),
    ("use\nselect 2;\n", ["select 2"], "use without argument: ignored"),
    ("use;\nselect 2;\n", ["select 2"], "use; without argument: ignored"),
    (
        "select 1 \\u db1; select 3;\nselect 2;\n",
        ["USE `db1;`", "select 1  select 3", "select 2"],
        "\\u",
    ),
    ("sandbox\nselect 2;\n", ["select 2"], "sandbox"),
    ("sandbox;\nselect 2;\n", ["select 2"], "sandbox;"),
    ("select 1 \\- ;\nselect 2;\n", ["select 1", "select 2"], "\\-"),
    ("status foo;\n", ["status foo"], "a command without parameters given one is SQL"),
    ("select 1 \\", ["select 1"], "backslash at end of file"),
]


def _params(cases: list[tuple[str, list[str], str]]) -> list[object]:
    return [pytest.param(text, expected, id=name) for text, expected, name in cases]


@pytest.mark.parametrize(
    ("text", "expected"),
    _params(BASICS + STRINGS + COMMENTS + CONDITIONAL + DELIMITERS + COMMANDS),
)
def test_sends_what_the_client_sends(text: str, expected: list[str]) -> None:
    assert sqls(text) == expected


def test_statement_fields() -> None:
    assert split_script("select 1\\G\nego;\nselect 2;\n") == [
        Statement("select 1", 1, vertical=True),
        Statement("ego", 2, vertical=True),
        Statement("select 2", 3),
    ]


# -- the line the client reports ----------------------------------------------------------
LINES = [
    ("select 1;\n\nselect\n  * from nope;\nselect 3;\n", [1, 3, 5], "start lines"),
    ("select 1;\nselect 2; select * from\nnope; select 4;\n", [1, 2, 2, 2], "shared lines"),
    ("select 1\n;\nselect 2;\nselect * from nope; select 4;\n", [1, 3, 4, 4], "delimiter alone"),
    ("select\n1; select * from nope;\n", [1, 1], "the line the text before it started on"),
    ("select 1;\n\n  \n-- c\n# c2\n/* x */\nselect * from nope;\n", [1, 7], "after comments"),
    ("select 1; -- trailing\nselect * from nope;\n", [1, 2], "after a trailing comment"),
    ("select 1; /* x\n */\nselect * from nope;\n", [1, 3], "after a comment over lines"),
    ("DELIMITER $$\nCREATE PROCEDURE p()\nBEGIN\nEND$$\nselect 1$$\n", [2, 5], "bodies"),
    ("select 1 \\g select 2;\nselect\n3", [1, 1, 2], "\\g"),
    ("use db1\nselect 1;\n", [1, 2], "commands"),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=n) for t, e, n in LINES])
def test_reports_the_clients_line(text: str, expected: list[int]) -> None:
    assert lines(text) == expected


# -- what the driver runner cannot do -----------------------------------------------------
UNSUPPORTED = [
    ("?", "?"),
    ("? contents", "?"),
    ("help", "help"),
    ("help contents;", "help"),
    ("connect", "connect"),
    ("connect db1 host", "connect"),
    ("edit", "edit"),
    ("exit", "exit"),
    ("exit;", "exit"),
    ("quit", "quit"),
    ("QUIT;", "quit"),
    ("nopager", "nopager"),
    ("notee", "notee"),
    ("pager", "pager"),
    ("pager less;", "pager"),
    ("print", "print"),
    ("prompt x>", "prompt"),
    ("rehash", "rehash"),
    ("source other.sql", "source"),
    ("source other.sql;", "source"),
    ("status", "status"),
    ("system ls", "system"),
    ("tee out.txt", "tee"),
    ("charset utf8", "charset"),
    ("warnings", "warnings"),
    ("nowarning;", "nowarning"),
    ("\\. other.sql", "source"),
    ("select 1 \\! ls", "system"),
    ("\\T out.txt", "tee"),
    ("\\t", "notee"),
    ("\\P less", "pager"),
    ("\\n", "nopager"),
    ("\\e", "edit"),
    ("\\p", "print"),
    ("\\R x", "prompt"),
    ("\\#", "rehash"),
    ("\\s", "status"),
    ("\\C utf8", "charset"),
    ("\\W", "warnings"),
    ("\\w", "nowarning"),
    ("\\q", "quit"),
    ("\\r", "connect"),
    ("\\h", "help"),
    ("\\?", "?"),
]


@pytest.mark.parametrize(("command", "name"), UNSUPPORTED)
def test_refuses_other_client_commands(command: str, name: str) -> None:
    with pytest.raises(ScriptError) as caught:
        split_script(f"select 1;\n\n{command}\nselect 2;\n")
    assert caught.value.line == 3
    assert str(caught.value) == (
        f'the driver runner cannot run the mysql client command "{name}"; '
        "use the client runner (--runner client)"
    )


@pytest.mark.parametrize("char", ["z", "x", "'", "\\", " ", "\u00e9"])
def test_refuses_unknown_commands(char: str) -> None:
    with pytest.raises(ScriptError, match=re.escape(f"Unknown command '\\{char}'.")) as caught:
        split_script(f"select 1;\nselect 2 \\{char};\n")
    assert caught.value.line == 2


def test_refuses_nul() -> None:
    with pytest.raises(ScriptError, match="ASCII '\\\\0'") as caught:
        split_script("select 1;\n-- a\0b\nselect 3;\n")
    assert caught.value.line == 2


def test_no_commands_inside_strings_or_comments() -> None:
    text = "select 'source x', \"\\q\";\n/* \\q\nquit */\nselect 2 -- \\q\n;\n"
    assert sqls(text) == ["select 'source x', \"\\q\"", "select 2"]


# -- properties ------------------------------------------------------------------------------
_ALPHABET = st.sampled_from(
    [*"ab1 \t\n;;'\"`\\#-/*!M$|{}é", "\r\n", "\u00a0", "\U0001f600", "DELIMITER $$\n", "\ufeff"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_never_crashes(text: str) -> None:
    try:
        statements = split_script(text)
    except ScriptError as error:
        assert 1 <= error.line <= text.count("\n") + 1
        assert "\n" not in str(error)
        return
    last_line = text.count("\n") + 1
    previous = 1
    for statement in statements:
        assert statement.sql
        assert statement.sql == statement.sql.rstrip("".join(map(chr, range(33))) + "\x7f")
        assert previous <= statement.line <= last_line
        previous = statement.line


_COMMAND_WORDS = {
    "clear", "connect", "delimiter", "edit", "ego", "exit", "go", "help", "nopager", "notee",
    "pager", "print", "prompt", "quit", "rehash", "source", "status", "system", "tee", "use",
    "charset", "warnings", "nowarning", "sandbox",
}  # fmt: skip
_WORDS = st.from_regex(r"[a-z0-9_]{1,8}", fullmatch=True).filter(
    lambda w: w not in _COMMAND_WORDS and not w.startswith("delimiter")
)
_STRING_BODY = st.lists(
    st.sampled_from([*"ab ;#-/*$\n\t", "--", "/*", "*/", "\\'", '\\"', "\\\\", "''", "é"]),
    max_size=8,
).map("".join)
_STRINGS = st.builds(lambda quote, body: quote + body.replace(quote * 2, "") + quote,
                     st.sampled_from(["'", '"']), _STRING_BODY)  # fmt: skip
_IDENTIFIERS = st.from_regex(r"`[a-z ;#$-]{1,6}`", fullmatch=True)
_SPACES = st.sampled_from([" ", "  ", "\t", "\n", " \n  "])
_COMMENT_TEXT = st.from_regex(r"[a-z ;'\"`$]{0,8}", fullmatch=True)
_COMMENTS = st.one_of(
    _COMMENT_TEXT.map(lambda c: f" -- {c}\n"),
    _COMMENT_TEXT.map(lambda c: f" #{c}\n"),
    _COMMENT_TEXT.map(lambda c: f"/*{c}*/"),
)


@st.composite
def _scripts(draw: st.DrawFn) -> tuple[str, str]:
    """A script of words, strings, comments and delimiters, and its text sans comments."""
    script, kept = [], []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["word", "string", "ident", "space", "comment", "end"]))
        if kind in ("word", "string", "ident"):
            token = draw({"word": _WORDS, "string": _STRINGS, "ident": _IDENTIFIERS}[kind])
            script += [" ", token, " "]
            kept.append(token)
        elif kind == "space":
            script.append(draw(_SPACES))
        elif kind == "comment":
            script.append(draw(_COMMENTS))
        else:
            script.append(";")
    return "".join(script), "".join(kept)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@settings(max_examples=300, deadline=None)
@given(_scripts())
def test_keeps_all_text_but_comments_and_delimiters(script: tuple[str, str]) -> None:
    text, kept = script
    assert _squeeze("".join(sqls(text))) == _squeeze(kept)


@settings(max_examples=200, deadline=None)
@given(st.lists(_scripts().map(lambda s: s[0].replace(";", " ")), max_size=8))
def test_any_delimiter_splits_alike(bodies: list[str]) -> None:
    plain = "".join(f"{body};\n" for body in bodies)
    dollars = "DELIMITER $$\n" + "".join(f"{body}$$\n" for body in bodies) + "DELIMITER ;\n"
    slashes = "delimiter //\n" + "".join(f"{body} //\n" for body in bodies)
    assert sqls(plain) == sqls(dollars) == sqls(slashes)


@settings(max_examples=100, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=20))
def test_one_statement_a_line(words: list[str]) -> None:
    statements = split_script("".join(f"select {word};\n" for word in words))
    assert [(s.sql, s.line) for s in statements] == [
        (f"select {word}", number) for number, word in enumerate(words, 1)
    ]


def test_large_script() -> None:
    # Linear time: a megabyte of routines, strings and comments splits at once
    # (no timing assertion; a quadratic splitter would take minutes here).
    block = (
        "DELIMITER $$\nCREATE PROCEDURE p{n}()\nBEGIN\n  -- comment; here\n"
        '  SELECT \'a;b\', "c\\"d", `e;f` /* g; */ FROM t WHERE x = 1;\nEND$$\n'
        "DELIMITER ;\nINSERT INTO t VALUES ({n}, 'row {n}'); # trailing\n"
    )
    text = "".join(block.format(n=n) for n in range(6000))
    assert len(text) > 1_000_000
    statements = split_script(text)
    assert len(statements) == 12000
    assert statements[-1] == Statement("INSERT INTO t VALUES (5999, 'row 5999')", 6000 * 8)
    long_line = "SELECT '" + "x;" * 500_000 + "' /* " + "y" * 100_000 + " */;"
    assert sqls(long_line) == ["SELECT '" + "x;" * 500_000 + "'"]


# -- printing rows ------------------------------------------------------------------------------
def test_format_rows_tab_separated() -> None:
    # The values the server sent for a row the client printed as below.
    row = [
        "a\tb", "c\nd", "e\\f", "g\0h", None, "", "x\ry", "é", b"\x00\xffA", b"abc",
        Decimal("1.50"), Decimal("0.00000001"), 1e20, 0.1, 1.5e-7, 123456789012345678e3, 1.0,
        datetime.date(2024, 1, 2), "2024-01-02 03:04:05.123",
        datetime.timedelta(hours=-838, minutes=-59, seconds=-59),
        b"\x05", 18446744073709551615, -0.0,
    ]  # fmt: skip
    expected = (
        "a\\tb\tc\\nd\te\\\\f\tg\\0h\tNULL\t\tx\ry\té\t\\0\udcffA\tabc\t1.50\t0.00000001\t1e20\t0.1"
        "\t0.00000015\t1.2345678901234568e20\t1\t2024-01-02\t2024-01-02 03:04:05.123\t-838:59:59"
        "\t\x05\t18446744073709551615\t0\n"
    )
    assert format_rows([row]) == expected
    assert format_rows([]) == ""
    assert format_rows([[1], [None]]) == "1\nNULL\n"


def test_format_rows_vertical() -> None:
    rows = [("a\tb", None, "g\0h", "e\\f"), (3, 4)]
    assert format_rows(rows, vertical=True) == (
        "*************************** 1. row ***************************\n"
        "a\tb\nNULL\ng h\ne\\f\n"
        "*************************** 2. row ***************************\n"
        "3\n4\n"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        # As the server printed DOUBLE values (and FLOAT ones: 6 digits, same layout).
        (1e14, "100000000000000"),
        (1e15, "1e15"),
        (1.5e15, "1.5e15"),
        (123456789012345.6, "123456789012345.6"),
        (1234567890123456.8, "1234567890123456.8"),
        (1e-14, "0.00000000000001"),
        (1e-15, "0.000000000000001"),
        (1e-16, "1e-16"),
        (1.25e-15, "0.00000000000000125"),
        (1.2345678901234567e-14, "0.000000000000012345678901234567"),
        (-1.5, "-1.5"),
        (1.7976931348623157e308, "1.7976931348623157e308"),
        (2.2250738585072014e-308, "2.2250738585072014e-308"),
        (5e-324, "5e-324"),
        (0.1 + 0.2, "0.30000000000000004"),
        (123457000.0, "123457000"),
        (3.4e38, "3.4e38"),
        (1.17549e-38, "1.17549e-38"),
        (float("inf"), "inf"),
        (Decimal("1E+2"), "100"),
        (True, "1"),
        (False, "0"),
        (bytearray(b"ab"), "ab"),
        (memoryview(b"cd"), "cd"),
        (datetime.datetime(2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:05"),
        (datetime.datetime(2024, 1, 2, 3, 4, 5, 120000), "2024-01-02 03:04:05.120000"),
        (datetime.time(1, 2, 3), "01:02:03"),
        (datetime.timedelta(hours=1, minutes=2, seconds=3, microseconds=5), "01:02:03.000005"),
        (datetime.timedelta(days=2, seconds=1), "48:00:01"),
        ({"not": "sql"}, "{'not': 'sql'}"),
    ],
)
def test_format_rows_values(value: object, text: str) -> None:
    assert format_rows([[value]]) == text + "\n"
