"""The git-config reader/writer pieces: keys, parser, casting, formatting."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.config.cast import cast, format_number
from sqlitch.config.editing import ConfigFile
from sqlitch.config.gitconfig import (
    ParseError,
    format_definition,
    format_section,
    parse,
    read_text,
    write_atomic,
)
from sqlitch.config.keys import (
    canonical_key,
    invalid_section_name,
    invalid_variable_name,
    remove_balanced_quotes,
    section_key,
    split_key,
)
from sqlitch.errors import SqlitchError


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("core.engine", ("core", None, "engine")),
        ("target.Prod.uri", ("target", "Prod", "uri")),
        ("a.b.c.d", ("a", "b.c", "d")),
        ('a."b.c".d', ("a", "b.c", "d")),
        ('sec."x.y"', ("sec", None, "x.y")),
        ("foo", (None, None, None)),
        (".foo", (None, None, "foo")),
        ("foo.", ("foo", None, "")),
    ],
)
def test_split_key(key: str, expected: tuple[str | None, str | None, str | None]) -> None:
    assert split_key(key) == expected


def test_canonical_key() -> None:
    assert canonical_key("Target.Prod.URI") == "target.Prod.uri"
    assert canonical_key("CORE.Engine") == "core.engine"
    with pytest.raises(SqlitchError, match=r"No section given in key: foo"):
        canonical_key("foo")
    with pytest.raises(SqlitchError, match=r"No section given in key: 0\.x"):
        canonical_key("0.x")


def test_section_key_and_quotes() -> None:
    assert section_key("Core") == "core"
    assert section_key("Engine.PG") == "engine.PG"
    assert remove_balanced_quotes('"a"."b.c"') == "a.b.c"
    assert remove_balanced_quotes("'x'.y") == "x.y"


def test_name_validation() -> None:
    assert invalid_variable_name("")
    assert invalid_variable_name("[x")
    assert invalid_variable_name("a=b")
    assert invalid_variable_name(" a")
    assert invalid_variable_name("a+")
    assert not invalid_variable_name("b c")
    assert invalid_section_name("a b")
    assert invalid_section_name('a"')
    assert not invalid_section_name("a-b.c")


def test_parse_items_and_offsets() -> None:
    text = '[core]\n\tengine = pg # c\n\tflag\n[target "Dev"] uri = db:pg:\n'
    items = parse(text)
    assert [(i.section, i.name, i.value) for i in items] == [
        ("core", None, None),
        ("core", "engine", "pg"),
        ("core", "flag", None),
        ("target.Dev", None, None),
        ("target.Dev", "uri", "db:pg:"),
    ]
    engine = items[1]
    assert text[engine.offset : engine.offset + engine.length] == "engine = pg # c"


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("k = a  b", "a b"),
        ('k = "a  b"', "a  b"),
        ("k = a\\tb", "a\tb"),
        ("k = a\\nb", "a\nb"),
        ("k = a\\bb", "a\bb"),
        ('k = \\"x\\"', '"x"'),
        ('k = "\\"x"', '\\"x'),
        ("k = a;b", "a;b"),
        ("k = a ;b", "a"),
        ("k = x\\\n y", "x y"),
        ("k =", ""),
        ("k = v  ", "v "),
    ],
)
def test_values(line: str, value: str) -> None:
    items = parse(f"[s]\n{line}\n")
    assert items[-1].value == value


@pytest.mark.parametrize(
    "text", ["x = 1\n", "[s\n", "[s]\nk = \\q\n", '[s]\nk = "open\n', '[a "b\\c"]\n', "[s]\n= 1\n"]
)
def test_parse_errors(text: str) -> None:
    with pytest.raises(ParseError):
        parse(text)


def test_cast() -> None:
    assert cast("yes", "bool") is True
    assert cast("Off", "bool") is False
    assert cast("", "bool") is False
    assert cast(None, "bool") is True
    assert cast("-001", "bool", human=True) == "true"
    assert cast("2k", "int") == 2048
    assert cast("1.5m", "int") == 1572864
    assert cast("1g", "int") == 1024**3
    assert cast("-1.9", "int") == -1
    assert cast("2.50", "num") == 2.5
    assert cast("2.0", "num") == 2
    assert cast("", "int") == 0
    assert cast("1", "bool-or-int") == 1
    assert cast("on", "bool-or-int") is True
    assert cast(None, "bool-or-int") == 0
    assert cast("x", None) == "x"
    with pytest.raises(SqlitchError, match=r"^Invalid bool 'x'\n$"):
        cast("x", "bool")
    with pytest.raises(SqlitchError, match=r"^Invalid unit while casting to num\n$"):
        cast("1x", "num")
    with pytest.raises(SqlitchError, match=r"^Invalid bool-or-int 'x'\n$"):
        cast("x", "bool-or-int")


def test_format_number() -> None:
    assert format_number(1536) == "1536"
    assert format_number(2.5) == "2.5"
    assert format_number(3.0) == "3"
    assert format_number(10**20) == "1e+20"
    assert format_number(1 / 3) == "0.333333333333333"


def test_format_definition_and_section() -> None:
    assert format_definition("k", "v") == "\tk = v\n"
    assert format_definition("k", " v", bare=True) == 'k = " v"'
    assert format_definition("k", "a#b", bare=True) == 'k = "a#b"'
    assert format_definition("k", 'a"\\\t\n', bare=True) == 'k = "a\\"\\\\\\t\\n"'
    assert format_definition("k", "", bare=True) == "k = "
    assert format_section("core") == "[core]"
    assert format_section("target.a.b") == '[target "a.b"]'


def test_read_text_normalises(tmp_path: Path) -> None:
    path = tmp_path / "c.conf"
    path.write_bytes(b"[a]\r\n\tk = 1\r\n\r\n")
    loaded = read_text(path)
    assert loaded is not None
    assert (loaded.text, loaded.newline) == ("[a]\n\tk = 1\n", "\r\n")
    path.write_bytes(b"[a]\r\tk = 1")
    loaded = read_text(path)
    assert loaded is not None
    assert (loaded.text, loaded.newline) == ("[a]\n\tk = 1\n", "\r")
    assert read_text(tmp_path / "missing") is None
    assert read_text(tmp_path) is None


def test_write_atomic_through_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.conf"
    real.write_text("x")
    link = tmp_path / "link.conf"
    link.symlink_to(real)
    write_atomic(link, "[a]\n", "\r\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"[a]\r\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_untouched_file_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "c.conf"
    original = b"# keep\n[core]\n  engine = pg   ; note\n\n\n"
    path.write_bytes(original)
    file = ConfigFile(path)
    file.save()
    assert path.read_bytes() == original


def test_edit_keeps_everything_else(tmp_path: Path) -> None:
    path = tmp_path / "c.conf"
    path.write_text("# top\n[core] ; hi\n  engine = pg\n  # inner\n[x]\n\ty = 1 # z\n")
    file = ConfigFile(path)
    file.set("core.engine", "sqlite")
    file.add("x.y", "2")
    file.save()
    assert path.read_text() == (
        "# top\n[core] ; hi\n  engine = sqlite\n  # inner\n[x]\n\ty = 1 # z\n\ty = 2\n"
    )


def test_edits_on_missing_file(tmp_path: Path) -> None:
    file = ConfigFile(tmp_path / "sub" / "new.conf", "new.conf")
    assert not file.exists
    file.rename_section("a", "b")  # quietly nothing
    with pytest.raises(SqlitchError, match=r"No occurrence of a\.b found to unset in new\.conf"):
        file.unset("a.b")
    file.set("a.b", "1")
    file.save()
    assert (tmp_path / "sub" / "new.conf").read_text() == "[a]\n\tb = 1\n"


def test_value_filters(tmp_path: Path) -> None:
    path = tmp_path / "c.conf"
    path.write_text("[a]\n\tk = one\n\tk = two\n\tk = three\n")
    file = ConfigFile(path)
    file.unset_all("a.k", "!^t")
    assert file.text == "[a]\n\tk = two\n\tk = three\n"
    file.replace_all("a.k", "x", "^T")
    assert file.text == "[a]\n\tk = x\n"
    with pytest.raises(SqlitchError, match="No occurrence"):
        file.unset_all("a.k", "!")  # a bare "!" matches nothing
    with pytest.raises(SqlitchError):
        file.unset_all("a.k", "(")


def test_parse_error_from_edit_names_display(tmp_path: Path) -> None:
    path = tmp_path / "c.conf"
    path.write_text("oops\n")
    with pytest.raises(SqlitchError) as err:
        ConfigFile(path, "c.conf").set("a.b", "1")
    assert err.value.message == "Error parsing c.conf at line 2, position 0.\nBad line was: 'oops'"
    assert err.value.exitval == 2
