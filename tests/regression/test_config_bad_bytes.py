"""Config files holding bytes that are not UTF-8 read as Sqitch reads them.

Sqitch 1.3.1 (Config::GitLike through Perl's UTF-8 layer) reads each bad
byte as the four characters ``\\xHH`` (after a Perl warning on stderr): in a
value that is an invalid escape, so the file fails to parse ("Error parsing
<file> at line N, position 1." plus the bad line, exit 255) before any
command runs; in a comment it is harmless; in a section name it is part of
the name. Observed by running Sqitch on each file below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.cli.main import run

Capture = pytest.CaptureFixture[str]


def _write(root: Path, data: bytes) -> None:
    (root / "sqitch.conf").write_bytes(data)


@pytest.mark.parametrize(
    ("data", "bad_line"),
    [
        (b"[core]\n\tengine = sqlite\n\tfoo = a\xffb\n", "\tfoo = a\\xFFb"),
        (b'[core]\n\tengine = sqlite\n\tfoo = "a\xffb"\n', '\tfoo = "a\\xFFb"'),
        (b"[core]\n\tengine = sqlite\n\tfoo = a\xc3(b\n", "\tfoo = a\\xC3(b"),
    ],
)
def test_bad_byte_in_a_value_fails_to_parse(
    isolated_env: Path, capsys: Capture, data: bytes, bad_line: str
) -> None:
    _write(isolated_env, data)
    assert run(["config", "--list"]) == 255
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"Error parsing {isolated_env / 'sqitch.conf'} at line 4, position 1.\n"
        f"Bad line was: '{bad_line}'\n"
    )


def test_bad_byte_in_a_target_uri_changes_nothing(isolated_env: Path, capsys: Capture) -> None:
    # Found by xt/test_fuzz_bad_input.py: read leniently, the URI named a
    # registry file that `status` then created.
    _write(
        isolated_env,
        b'[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = dev\n'
        b'[target "dev"]\n\turi = db:sqlite:dev.\xffdb\n',
    )
    (isolated_env / "sqitch.plan").write_text("%syntax-version=1.0.0\n%project=p\n\n")
    before = sorted(p.name for p in isolated_env.iterdir())
    assert run(["status"]) == 255
    assert "at line 7, position 1." in capsys.readouterr().err
    assert sorted(p.name for p in isolated_env.iterdir()) == before


def test_bad_byte_in_a_comment_is_harmless(isolated_env: Path, capsys: Capture) -> None:
    _write(isolated_env, b"[core]\n\tengine = sqlite\n# comment \xff\n")
    assert run(["config", "--list"]) == 0
    assert capsys.readouterr().out == "core.engine=sqlite\n\n"


def test_bad_byte_in_a_section_name_is_part_of_it(isolated_env: Path, capsys: Capture) -> None:
    _write(isolated_env, b"[co\xffre]\n\tengine = sqlite\n")
    assert run(["config", "--list"]) == 0
    assert capsys.readouterr().out == "co\\xffre.engine=sqlite\n\n"


# -- NUL characters ---------------------------------------------------------------------
# A config value may hold a NUL; no file or program can be named with one.
# Sqitch's SQLite driver cut the name at the NUL (`dev.\0db` made a registry
# file `sqitch.`); SQLitch refuses the name, exit 2, nothing created.
NUL_TARGET = (
    b'[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = dev\n'
    b'[target "dev"]\n\turi = db:sqlite:dev.\x00db\n'
)


@pytest.mark.parametrize("command", ["status", "deploy", "log"])
def test_nul_in_a_sqlite_target_is_refused(
    isolated_env: Path, capsys: Capture, command: str
) -> None:
    _write(isolated_env, NUL_TARGET)
    (isolated_env / "sqitch.plan").write_text("%syntax-version=1.0.0\n%project=p\n\n")
    before = sorted(p.name for p in isolated_env.iterdir())
    assert run([command]) == 2
    assert capsys.readouterr().err == (
        'Invalid SQLite database file name "sqitch.\\0db": NUL character\n'
    )
    assert sorted(p.name for p in isolated_env.iterdir()) == before


def test_nul_in_a_registry_name_is_refused(isolated_env: Path, capsys: Capture) -> None:
    _write(isolated_env, b'[core]\n\tengine = sqlite\n[engine "sqlite"]\n\tregistry = a\x00b\n')
    assert run(["status", "db:sqlite:x.db"]) == 2
    err = capsys.readouterr().err
    assert err == 'Invalid SQLite database file name "a\\0b.db": NUL character\n'


def test_nul_in_a_client_is_refused(isolated_env: Path, capsys: Capture) -> None:
    _write(isolated_env, b'[core]\n\tengine = sqlite\n[engine "sqlite"]\n\tclient = sqli\x00te3\n')
    (isolated_env / "sqitch.plan").write_text(
        "%syntax-version=1.0.0\n%project=p\n\na 2026-01-01T00:00:00Z Ann <a@example.com> # a\n"
    )
    (isolated_env / "deploy").mkdir()
    (isolated_env / "deploy" / "a.sql").write_text("CREATE TABLE a (x);\n")
    assert run(["deploy", "--runner", "client", "db:sqlite:x.db"]) == 2
    err = capsys.readouterr().err
    assert '"sqli\\0te3" failed to start: "NUL character in the command"' in err
    assert "internal error" not in err


def test_nul_in_any_path_setting_names_the_setting(isolated_env: Path, capsys: Capture) -> None:
    # Found by xt/test_fuzz_bad_input.py: `init` with such a top_dir crashed.
    _write(isolated_env, b"[core]\n\tengine = sqlite\n\ttop_dir = a\x00b\n")
    assert run(["init", "fuzz"]) == 2
    assert capsys.readouterr().err == (
        "Invalid NUL character in a file or program name (the value of core.top_dir)\n"
    )
