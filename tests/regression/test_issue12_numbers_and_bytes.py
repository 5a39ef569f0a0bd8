"""Issue 12: huge numbers and undecodable bytes are bad input, never a crash.

Python refuses to read integers of more than 4300 digits (and SQLite more
than 64 bits); Perl reads any run of digits, as a double past 64 bits. What
Sqitch 1.3.1 does with each value was observed by running it:

- ``log``/``plan`` ``--skip``, ``--max-count``/``-n``, ``--abbrev`` and
  ``deploy``/``revert``/``rebase`` ``--lock-timeout`` beyond 64 bits fail
  Sqitch's ``Int`` type check: ``Value "1e+25" did not pass type constraint
  "Int" (in $args->{"skip"})`` (``Inf`` past a double's range) plus a stack
  trace, exit 255. SQLitch prints the first line, exit 255.
- ``-p``/``--db-port`` takes the number as Perl prints it: ``db:sqlite://:1e+25/…``.
- ``config --int``/``--num``/``--bool-or-int`` print and store ``1e+25``,
  ``Inf``, ``-Inf``.
- A plan's ``%uri`` with a 5000-digit port: the port is kept; ``add`` works.
- A non-UTF-8 byte in an argument: Sqitch dies in its plan writer or config
  code, or writes a mangled value; SQLitch refuses the argument (PARITY).
- A number in an ``add`` template is a literal in the Perl that Template
  Toolkit compiles it to: past 250 characters ``Error executing <template>:
  file error - Number too long at input text line N.`` (and a blank line),
  exit 2; with a leading 0 it is octal, an 8 or 9 in it an ``Illegal octal
  digit`` error. Sqitch leaves an empty deploy script behind; SQLitch renders
  every template before it writes anything (PARITY). Observed with Template
  Toolkit 2.27, as are the values and line numbers below.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.support.users_project import write_users_project

from sqlitch.cli.main import run
from sqlitch.errors import SqlitchError
from sqlitch.target import DbUri
from sqlitch.templating import TemplateError, Value, render

Capture = pytest.CaptureFixture[str]
HUGE = "9" * 5000
BIG = "9" * 25


@pytest.fixture
def project(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return write_users_project(isolated_env, monkeypatch, "nums")


def _no_crash(captured: pytest.CaptureResult[str]) -> None:
    assert "internal error" not in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("argv", "attribute"),
    [
        (["log", "--skip"], "skip"),
        (["log", "--max-count"], "max_count"),
        (["log", "-n"], "max_count"),
        (["log", "--abbrev"], "abbrev"),
        (["plan", "--skip"], "skip"),
        (["plan", "--max-count"], "max_count"),
        (["plan", "--abbrev"], "abbrev"),
        (["deploy", "--lock-timeout"], "lock_timeout"),
        (["revert", "-y", "--lock-timeout"], "lock_timeout"),
        (["rebase", "-y", "--lock-timeout"], "lock_timeout"),
    ],
)
@pytest.mark.parametrize(("value", "shown"), [(BIG, "1e+25"), (HUGE, "Inf"), ("-" + HUGE, "-Inf")])
def test_integer_options_beyond_64_bits_fail_the_int_check(
    project: Path, capsys: Capture, argv: list[str], attribute: str, value: str, shown: str
) -> None:
    assert run(["deploy"]) == 0
    capsys.readouterr()
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert run([*argv, value]) == 255
    captured = capsys.readouterr()
    assert captured.err == (
        f'Value "{shown}" did not pass type constraint "Int" (in $args->{{"{attribute}"}})\n'
    )
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_integer_options_within_64_bits_still_work(project: Path, capsys: Capture) -> None:
    assert run(["deploy"]) == 0
    capsys.readouterr()
    assert run(["plan", "--skip", "18446744073709551615", "-f", "format:%n"]) == 0
    assert run(["plan", "--max-count", "000000000000000000000000001", "-f", "format:%n"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("users\n")
    assert run(["log", "--skip", "0" * 5000, "-f", "format:%n"]) == 0  # leading zeros: 0
    assert capsys.readouterr().out.endswith("users\n")


def test_log_skip_too_big_for_sqlite_is_an_error_not_a_crash(
    project: Path, capsys: Capture
) -> None:
    # Sqitch passes 19 digits to SQLite ("datatype mismatch"), exit 2.
    assert run(["deploy"]) == 0
    capsys.readouterr()
    assert run(["log", "--skip", "9" * 19]) == 2
    _no_crash(capsys.readouterr())


@pytest.mark.parametrize(("value", "shown"), [(BIG, "1e+25"), (HUGE, "Inf"), ("0005", "5")])
def test_db_port_is_put_in_the_uri_as_perl_prints_it(
    project: Path, capsys: Capture, value: str, shown: str
) -> None:
    assert run(["deploy"]) == 0
    capsys.readouterr()
    assert run(["log", "-p", value, "-f", "format:%n"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"On database db:sqlite://:{shown}/dev.db\n")


@pytest.mark.parametrize("engine", ["pg", "mysql"])
def test_huge_port_in_a_target_uri_is_one_line(project: Path, capsys: Capture, engine: str) -> None:
    assert run(["status", f"db:{engine}://127.0.0.1:{HUGE}/x"]) == 2
    captured = capsys.readouterr()
    _no_crash(captured)
    assert captured.err.startswith('invalid integer value "999')
    assert captured.err.endswith('" for connection option "port"\n')
    assert captured.err.count("\n") == 1


def test_dburi_port() -> None:
    assert DbUri.parse("db:pg://h:5432/x").port == 5432
    assert DbUri.parse("db:pg://h:00005432/x").port == 5432
    assert DbUri.parse(f"db:pg://h:{'0' * 5000}1/x").port == 1
    with pytest.raises(SqlitchError, match="for connection option"):
        _ = DbUri.parse(f"db:pg://h:{HUGE}/x").port


@pytest.mark.parametrize(
    ("value", "as_int", "as_num"),
    [
        (BIG, "1e+25", "1e+25"),
        (HUGE, "Inf", "Inf"),
        ("-" + HUGE, "-Inf", "-Inf"),
        (HUGE + "k", "Inf", "Inf"),
        (HUGE + ".5", "Inf", "Inf"),
        (f"{HUGE}.{HUGE}", "Inf", "Inf"),
        ("18446744073709551616", "1.84467440737096e+19", "1.84467440737096e+19"),
        ("-0.5", "0", "-0.5"),
    ],
)
def test_config_numbers_as_perl_prints_them(
    project: Path, capsys: Capture, value: str, as_int: str, as_num: str
) -> None:
    (project / "sqitch.conf").write_text(f"[x]\n\tz = {value}\n")
    assert run(["config", "--int", "x.z"]) == 0
    assert run(["config", "--num", "x.z"]) == 0
    assert run(["config", "--bool-or-int", "x.z"]) == 0
    assert capsys.readouterr().out == f"{as_int}\n{as_num}\n{as_int}\n"
    assert run(["config", "--int", "a.b", "--", value]) == 0
    assert f"\tb = {as_int}\n" in (project / "sqitch.conf").read_text()


def test_uri_pragma_with_a_5000_digit_port(project: Path, capsys: Capture) -> None:
    # Sqitch 1.3.1 keeps the port and adds the change (ID from this URI).
    (project / "sqitch.plan").write_text(
        f"%syntax-version=1.0.0\n%project=nums\n%uri=https://x:{HUGE}/\n\n"
    )
    assert run(["add", "a", "-n", "a"]) == 0
    assert run(["plan", "-f", "format:%n"]) == 0
    _no_crash(capsys.readouterr())
    assert f"%uri=https://x:{HUGE}/\n" in (project / "sqitch.plan").read_text()


def test_uri_pragma_default_port_compares_as_a_number() -> None:
    from sqlitch.plan.uri import canonical_uri

    # As Perl's URI (checked with URI->new(...)->canonical).
    assert canonical_uri("https://x:0443/") == "https://x/"
    assert canonical_uri("HTTP://X:00080") == "http://x/"
    assert canonical_uri("ftp://a:021/") == "ftp://a/"
    assert canonical_uri("https://x:4430/") == "https://x:4430/"
    assert canonical_uri(f"https://x:{HUGE}/") == f"https://x:{HUGE}/"


@pytest.mark.parametrize(
    "argv",
    [
        ["add", "zz", "-n", "\udcff"],
        ["add", "z\udcff", "-n", "x"],
        ["tag", "v1", "-n", "\udcff"],
        ["config", "a.b", "v\udcff"],
        ["status", "db:sqlite:\udcff.db"],
    ],
)
def test_undecodable_argument_is_refused_before_anything(
    project: Path, capsys: Capture, argv: list[str]
) -> None:
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert run(argv) == 2
    captured = capsys.readouterr()
    bad = next(a for a in argv if "\udcff" in a).replace("\udcff", "\\xff")
    assert captured.err == f'Argument "{bad}" is not valid UTF-8\n'
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_undecodable_argument_through_the_console_script(project: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "sqlitch", "add", "zz", "-n", os.fsdecode(b"\xff")],
        capture_output=True,
        cwd=project,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == b'Argument "\\xff" is not valid UTF-8\n'
    assert not (project / "deploy" / "zz.sql").exists()


def test_huge_verbosity_setting_deploys_and_adds(project: Path, capsys: Capture) -> None:
    with (project / "sqitch.conf").open("a") as handle:
        handle.write(f"[core]\n\tverbosity = {HUGE}\n")
    assert run(["deploy"]) == 0
    assert run(["add", "posts", "-n", "p"]) == 0
    captured = capsys.readouterr()
    _no_crash(captured)
    assert "trace:" in captured.out or "debug:" in captured.out


# Crashes outside this change's files, reported to their owners; each will
# XPASS once fixed. Sqitch 1.3.1: `Unknown change "@HEAD~999…"` (exit 2) for
# the references, the full ID for `%{999…}h` (exit 0).
@pytest.mark.parametrize(
    "argv",
    [
        ["show", "change", "@HEAD~" + HUGE],
        ["revert", "-y", "--to", "@HEAD~" + HUGE],
        ["deploy", "--to", "@HEAD~" + HUGE],
        ["verify", "--from", "@HEAD^" + HUGE],
        ["check", "--from", "users~" + HUGE],
    ],
)
def test_reported_reference_offsets(project: Path, capsys: Capture, argv: list[str]) -> None:
    assert run(["deploy"]) == 0
    assert run(argv) == 2
    _no_crash(capsys.readouterr())


@pytest.mark.parametrize("argv", [["plan", "-f", f"format:%{{{HUGE}}}h"]])
def test_reported_format_widths(project: Path, capsys: Capture, argv: list[str]) -> None:
    assert run(argv) == 0
    captured = capsys.readouterr()
    _no_crash(captured)
    # Sqitch 1.3.1: a width past 64 bits is a double whose SvIV is -1.
    assert captured.out.endswith("\n") and len(captured.out.splitlines()[-1]) == 39


@pytest.mark.parametrize(
    ("width", "length"),
    [
        ("18446744073709551615", 40),
        ("18446744073709551616", 39),
        ("9" * 25, 39),
        ("-9223372036854775809", 0),
        ("-" + HUGE, 0),
    ],
)
def test_format_width_as_perl_holds_it(
    project: Path, capsys: Capture, width: str, length: int
) -> None:
    # Observed with Sqitch 1.3.1: `sqitch plan -f 'format:%{N}h|'`.
    assert run(["plan", "-f", f"format:%{{{width}}}h|"]) == 0
    assert len(capsys.readouterr().out.splitlines()[-1]) == length + 1


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("@HEAD~" + HUGE, "no such column: Inf"),
        ("@HEAD~" + "9" * 20, "datatype mismatch"),
        ("@HEAD~9223372036854775808", 'Unknown change: "@HEAD~9223372036854775808"'),
    ],
)
def test_revert_to_huge_offset_as_sqitch(
    project: Path, capsys: Capture, ref: str, message: str
) -> None:
    # Sqitch 1.3.1 puts the offset into the SQL as Perl prints it.
    assert run(["deploy"]) == 0
    capsys.readouterr()
    assert run(["revert", "-y", "--to", ref]) == 2
    assert capsys.readouterr().err.endswith(message + "\n")


def test_show_change_huge_offset_is_unknown(project: Path, capsys: Capture) -> None:
    assert run(["deploy"]) == 0
    capsys.readouterr()
    assert run(["show", "change", "@HEAD~" + HUGE]) == 2
    assert capsys.readouterr().err == f'Unknown change "@HEAD~{HUGE}"\n'


def test_reported_true_colour(project: Path, capsys: Capture) -> None:
    # Sqitch 1.3.1: an error, exit 2.
    assert run(["plan", "--color", "always", "-f", f"format:%{{r{HUGE}g1b1}}C%n"]) == 2
    captured = capsys.readouterr()
    _no_crash(captured)
    assert captured.err == f"r{HUGE}g1b1 is not a valid ANSI color\n"


def _add_with_template(project: Path, template: str) -> int:
    for kind in ("deploy", "revert", "verify"):
        (project / "t" / kind).mkdir(parents=True)
        (project / "t" / kind / "sqlite.tmpl").write_text(template)
    return run(["add", "x", "-n", "x", "-r", "users", "--template-directory", "t"])


def test_reported_template_index(project: Path, capsys: Capture) -> None:
    # Sqitch 1.3.1 says the same, exit 2 (and leaves an empty deploy/x.sql).
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert _add_with_template(project, f"[% requires.{HUGE} %]\n") == 2
    captured = capsys.readouterr()
    _no_crash(captured)
    assert captured.err == (
        "Error executing t/deploy/sqlite.tmpl: "
        "file error - Number too long at input text line 1.\n\n"
    )
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert {p: d for p, d in after.items() if "/t/" not in str(p)} == before


OCTAL_ERROR = "Illegal octal digit '9' at input text line 1, at end of line\n"


@pytest.mark.parametrize(
    ("index", "error"),
    [
        # Octal: each 9 is an error, and Perl gives up after ten.
        ("0" + HUGE, OCTAL_ERROR * 10 + "input text has too many errors.\n"),
        ("09", OCTAL_ERROR),
    ],
)
def test_template_octal_index_errors(
    project: Path, capsys: Capture, index: str, error: str
) -> None:
    assert _add_with_template(project, f"[% requires.{index} %]\n") == 2
    captured = capsys.readouterr()
    _no_crash(captured)
    assert captured.err == f"Error executing t/deploy/sqlite.tmpl: file error - {error}\n"
    assert not (project / "deploy" / "x.sql").exists()


def test_template_index_of_5000_zeros_is_octal(project: Path, capsys: Capture) -> None:
    # 000…01 is octal 1, beyond the list of one change: nothing printed.
    assert _add_with_template(project, f"[% requires.{'0' * 4999}1 %]|[% requires.0 %]\n") == 0
    _no_crash(capsys.readouterr())
    assert (project / "deploy" / "x.sql").read_text() == "|users\n"


VARS: dict[str, Value] = {"requires": ["a", "b", "c"], "change": "x"}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("[% requires.250 %]", ""),  # an index within Python's and Perl's limits
        ("[% requires.18446744073709551615 %]", "c"),  # 64-bit unsigned: -1 as Perl's IV
        ("[% requires.18446744073709551614 %]", "b"),
        ("[% requires.18446744073709551612 %]", ""),
        ("[% requires.9223372036854775807 %]", ""),
        ("[% requires.9223372036854775808 %]", ""),
        ("[% requires.99999999999999999999 %]", "c"),  # a double past 64 bits saturates
        (f"[% requires.{'9' * 250} %]", "c"),
        ("[% requires.010 %]|[% requires.02 %]", "|c"),  # octal
        ("[% requires.1.5 %]|[% requires.0.0 %]", "|"),  # two steps: "b".5 and "a".0
        (f"[% requires.{'1' * 200}.{'1' * 200} %]", ""),  # two literals, each short enough
        ("[% 1.50 %] [% 3.0 %] [% 010 %] [% 01.5 %] [% 0.5 %]", "1.5 3 8 15 0.5"),
        ("[% 99999999999999999999 %] [% 18446744073709551615 %]", "1e+20 18446744073709551615"),
        ("[% 1000000000000000.0 %] [% 0777 %]", "1e+15 511"),
        (f"[% {'1' * 250} %]", "1.11111111111111e+249"),
        (f"[% {'1' * 125}.{'1' * 124} %]", "1.11111111111111e+124"),
        (f"[% {'0' * 5000}1 %] [% 0{'7' * 400} %]", "1 Inf"),
        ("[% IF change < 99999999999999999999 %]lt[% END %]", "lt"),
    ],
)
def test_template_numbers_as_perl_reads_them(template: str, expected: str) -> None:
    assert render(template, VARS) == expected


N = "1" * 251


@pytest.mark.parametrize(
    ("template", "error"),
    [
        (f"[% {N} %]", "Number too long at input text line 1.\n"),
        (f"[% {'1' * 125}.{'1' * 125} %]", "Number too long at input text line 1.\n"),
        (f"[% change _ {N} %]", "Number too long at input text line 1.\n"),
        (f"[% requires.join({N}) %]", "Number too long at input text line 1.\n"),
        # Template Toolkit's line: where the directive's first word is.
        (f"a\n[%\n\n requires.{N} %]", "Number too long at input text line 4.\n"),
        # A block's #line is its END's: an IF's condition is on that line ...
        (f"[% IF change < {N} %]\n\n\ny\n[% END %]", "Number too long at input text line 5.\n"),
        (f"[% UNLESS change < {N} %]\n\n[% END %]", "Number too long at input text line 3.\n"),
        # ... each ELSIF after the branch before it (the if, a line, "}") ...
        (
            f"\n[% IF change %]\n\n[% ELSIF change < {N} %]\ny\n\n[% END %]",
            "Number too long at input text line 10.\n",
        ),
        # ... a directive in the branch setting the line for the rest ...
        (
            f"[% IF change %]\n[% change %]\n[% ELSIF change < {N} %][% END %]",
            "Number too long at input text line 5.\n",
        ),
        # ... a FOREACH's list 4 lines down, and its body has its own lines.
        (
            f"[% FOREACH r IN requires.{N} %]\n\n[% r %]\n[% END %]",
            "Number too long at input text line 8.\n",
        ),
        (
            f"[% FOREACH r IN requires %]\n[% {N} %]\n[% END %]",
            "Number too long at input text line 2.\n",
        ),
        (
            f"[% IF change %]\n[% change %]\n[% END %][% {N} %]",
            "Number too long at input text line 3.\n",
        ),
        # Octal errors pile up (each on its line) unless a number is too long.
        (
            "[% 0989 %]\n[% 08 %]",
            (
                "Illegal octal digit '9' at input text line 1, at end of line\n"
                "Illegal octal digit '8' at input text line 1, at end of line\n"
                "Illegal octal digit '9' at input text line 1, at end of line\n"
                "Illegal octal digit '8' at input text line 2, at end of line\n"
            ),
        ),
        (f"[% requires.08 %][% {N} %]", "Number too long at input text line 1.\n"),
        (f"[% 01.{N} %]", "Number too long at input text line 1.\n"),  # "." joins two numbers
        (f"[% 01.0{'9' * 3} %]", OCTAL_ERROR * 3),
    ],
)
def test_template_numbers_perl_refuses(template: str, error: str) -> None:
    with pytest.raises(TemplateError) as caught:
        render(template, VARS)
    assert str(caught.value) == f"file error - {error}"


def test_template_parse_error_comes_before_a_number_too_long() -> None:
    with pytest.raises(
        TemplateError, match=r"parse error - input text line 1: unexpected token \(END\)"
    ):
        render(f"[% requires.{HUGE} %][% END %]", VARS)
