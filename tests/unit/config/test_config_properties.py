"""Property tests: the reader never fails unexpectedly; writes re-read stably."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sqlitch.config.editing import ConfigFile
from sqlitch.config.gitconfig import ParseError, format_definition, parse
from sqlitch.config.keys import canonical_key, split_key
from sqlitch.errors import SqlitchError

_CONFIG_CHARS = st.sampled_from([*list("[]\"\\=#; \t\nab.c-_01'xyz\r"), "é", "\u2028"])
config_text = st.lists(_CONFIG_CHARS, max_size=80).map("".join)
names = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
subsections = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\x00"), max_size=10
)
# Values without '"': GitLike does not unescape \" inside a quoted value.
values = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters='\r\x00"'), max_size=20
)
any_values = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(config_text)
@settings(max_examples=400)
def test_parse_gives_items_or_parse_error(text: str) -> None:
    try:
        items = parse(text)
    except ParseError as exc:
        assert 0 <= exc.offset <= len(text)
        return
    for item in items:
        assert item.offset >= 0 and item.offset + item.length <= len(text)
        assert item.section


@given(st.text(max_size=30))
def test_keys_never_crash(key: str) -> None:
    split_key(key)
    with contextlib.suppress(SqlitchError):
        canonical_key(key)


def _read_back(value: str) -> str | None:
    return parse("[s]\n" + format_definition("k", value))[-1].value


@given(values)
def test_written_value_reads_back(value: str) -> None:
    assert _read_back(value) == value


@given(any_values)
def test_any_written_value_is_stable_after_one_round(value: str) -> None:
    once = _read_back(value)
    assert once is not None
    assert _read_back(once) == once or '"' in once


@given(
    st.lists(st.tuples(names, st.one_of(st.none(), subsections), names, values), max_size=6),
)
@settings(max_examples=60, deadline=None)
def test_set_then_parse_is_stable(entries: list[tuple[str, str | None, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as raw:
        path = Path(raw) / "c.conf"
        expected: dict[tuple[str, str], str] = {}
        for section, sub, name, value in entries:
            key = f"{section}.{sub}.{name}" if sub is not None else f"{section}.{name}"
            file = ConfigFile(path)
            try:
                file.set(key, value)
            except SqlitchError:
                continue
            file.save()
            # The subsection as set() reads the key (balanced quotes removed:
            # 'a."".b' has an empty one); Perl treats "" or "0" as absent.
            read = split_key(key)[1]
            full = f"{section}.{read}" if read and read != "0" else section
            expected[(full, name)] = value
        if not expected:
            return
        text = path.read_bytes().decode("utf-8")
        got = {(i.section, i.name or ""): i.value for i in parse(text) if i.name}
        for where, value in expected.items():
            assert got[where] == value
        # Re-opening and saving without edits leaves the bytes alone.
        before = path.read_bytes()
        ConfigFile(path).save()
        assert path.read_bytes() == before


@given(config_text)
@settings(max_examples=200, deadline=None)
def test_arbitrary_files_load_or_raise_sqlitch_error(text: str) -> None:
    from sqlitch.config import Config

    with tempfile.TemporaryDirectory() as raw:
        path = Path(raw) / "sqitch.conf"
        path.write_text(text, "utf-8", newline="")
        env = {"HOME": raw, "SQLITCH_CONFIG_ROOT": raw, "SQITCH_SYSTEM_CONFIG": raw + "/none"}
        try:
            config = Config.load(env, Path(raw))
        except SqlitchError as exc:
            assert exc.exitval == 255
            return
        config.dump()
        file = config.editable("local")
        for action in (
            lambda: file.set("a.b", "x"),
            lambda: file.add("a.b", "y"),
            lambda: file.unset_all("a.b"),
            lambda: file.rename_section("a", "b.c"),
            lambda: file.remove_section("b.c"),
        ):
            with contextlib.suppress(SqlitchError):
                action()
