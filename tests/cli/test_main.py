"""The CLI core: core options, command lookup, help, and error-to-exit mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch import __version__
from sqlitch.cli import main as cli_main
from sqlitch.cli.main import COMMANDS, find_command, parse_core_args, run
from sqlitch.engines import ENGINE_CLASSES
from sqlitch.errors import SqlitchError

Capture = pytest.CaptureFixture[str]


def test_help_lists_every_command_with_its_summary(capsys: Capture) -> None:
    for argv in (["--help"], ["--man"], ["help"]):
        assert run(argv) == 0
        out = capsys.readouterr().out
        for name, (_, summary) in COMMANDS.items():
            assert f"  {name} " in out and summary in out
        assert "sqlitch.cli.commands" not in out


def test_version_and_etc_path(capsys: Capture) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out == f"sqlitch (SQLitch) {__version__}\n"
    assert run(["--etc-path"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("etc/sqlitch")


def test_no_command_prints_the_overview_to_stderr(capsys: Capture) -> None:
    assert run([]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Commands" in captured.err


def test_unknown_commands_are_each_named(capsys: Capture) -> None:
    assert run(["bogus", "nada"]) == 2
    err = capsys.readouterr().err
    assert err.startswith('"bogus" is not a valid command\n"nada" is not a valid command\n')


def test_chdir_to_a_missing_directory_is_one_line(capsys: Capture) -> None:
    assert run(["-C", "nowhere", "help"]) == 255
    assert capsys.readouterr().err == (
        "Cannot change to directory nowhere: No such file or directory\n"
    )


def test_chdir_forms(tmp_path: Path, capsys: Capture) -> None:
    sub = tmp_path / "project" / "sub"
    sub.mkdir()
    (sub / "sqitch.conf").write_text("[core]\n\tengine = pg\n")
    for argv in (["-Csub"], ["--chdir=sub"], ["--cd", "sub"], ["-C", "sub"]):
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(tmp_path / "project")
            assert run([*argv, "config", "--get", "core.engine"]) == 0
        assert capsys.readouterr().out == "pg\n"


def test_core_options_are_found_anywhere() -> None:
    core = parse_core_args(["config", "-vv", "--quiet", "x", "--no-pager", "-V", "--verbose"])
    assert core.verbose == 4
    assert core.flags == {"quiet", "no-pager"}
    assert core.rest == ["config", "x"]
    core = parse_core_args(["add", "--", "--quiet"])
    assert core.rest == ["add", "--", "--quiet"] and not core.flags


def test_find_command_skips_legacy_option_values() -> None:
    args = ["--engine", "init", "-d", "x", "target", "list"]
    assert find_command(args) == ("target", ["target"])
    assert args == ["--engine", "init", "-d", "x", "list"]
    assert find_command(["--", "init"]) == (None, [])


def test_quiet_silences_info(capsys: Capture) -> None:
    assert run(["--quiet", "init", "quiet", "--engine", "sqlite"]) == 0
    assert capsys.readouterr().out == ""
    assert Path("sqitch.plan").exists()


def test_help_for_a_command_and_an_unknown_topic(capsys: Capture) -> None:
    assert run(["help", "init"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage:\n      sqlitch init <project>")
    assert run(["help", "bogus"]) == 1
    assert capsys.readouterr().out == "No manual entry for sqlitch-bogus\n"
    assert run(["help", "bogus"], prog="sqitch") == 1
    assert capsys.readouterr().out == "No manual entry for sqitch-bogus\n"


def test_unknown_and_ambiguous_options(capsys: Capture) -> None:
    assert run(["init", "--bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Unknown option: bogus\nUsage:\n")
    assert run(["config", "--bo", "--get", "x.y"]) == 2
    assert capsys.readouterr().err.startswith("Option bo is ambiguous (bool, bool-or-int)\n")
    assert run(["init", "--uri"]) == 2
    assert capsys.readouterr().err.startswith("Option uri requires an argument\n")


def test_every_bad_option_is_reported_in_order(capsys: Capture) -> None:
    Path("sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    assert run(["--foo", "plan", "-xy", "--max-count", "z", "--reverse=1", "--target"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "Unknown option: foo\nUnknown option: x\nUnknown option: y\n"
        'Value "z" invalid for option max-count (number expected)\n'
        "Option reverse does not take an argument\n"
        "Option target requires an argument\n"
        "Usage:\n      sqlitch plan [options] [<database>]\n"
    )


def test_getopt_forms_that_parse(capsys: Capture) -> None:
    Path("sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    Path("sqitch.plan").write_text(
        "%syntax-version=1.0.0\n%project=p\n\n"
        "a 2025-01-01T00:00:00Z M <m@x> # one\nb 2025-01-02T00:00:00Z M <m@x> # two\n"
    )
    # --noX negations, case-insensitive long names, -n with its digits
    # bundled, a short option whose value starts with "-".
    assert run(["plan", "--noheaders", "--FORMAT", "format:%n", "-n1", "--Skip", "1"]) == 0
    assert capsys.readouterr().out == "b\n"
    assert run(["plan", "--nohe", "-f", "format:%n", "--skip", "-0", "--rev", "-n", "1"]) == 0
    assert capsys.readouterr().out == "b\n"


def test_command_help_on_request(capsys: Capture) -> None:
    for argv in (["plan", "--help"], ["--help", "plan", "--bogus"], ["plan", "-h"]):
        assert run(argv) == 0
        assert capsys.readouterr().out.startswith("Usage:\n      sqlitch plan [options]")
    assert run(["--help", "bogus"]) == 0
    assert "Commands" in capsys.readouterr().out
    Path("sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    # deploy has an -h of its own (--db-host).
    assert run(["deploy", "-h"]) == 2
    assert capsys.readouterr().err.startswith("Option h requires an argument\n")


def test_usage_names_the_program_run(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(["init", "--bogus"], prog="sqitch") == 2
    assert "\n      sqitch init <project>\n" in capsys.readouterr().err
    assert run(["help"], prog="sqitch") == 0
    assert '"sqitch help <command>"' in capsys.readouterr().out
    for path, name in [
        ("/usr/bin/sqlitch", "sqlitch"),
        ("/usr/local/bin/sqitch", "sqitch"),
        ("C:\\x\\sqlitch.exe", "sqlitch"),
        ("/x/sqlitch/__main__.py", "sqlitch"),
        ("", "sqlitch"),
    ]:
        assert cli_main.program_from_path(path.replace("\\", "/")) == name
    monkeypatch.setattr("sys.argv", ["/opt/bin/sqitch", "init", "--bogus"])
    with pytest.raises(SystemExit) as exit_info:
        cli_main.main()
    assert exit_info.value.code == 2
    assert "\n      sqitch init <project>\n" in capsys.readouterr().err


def _broken(exc: BaseException) -> object:
    class Broken:
        def make_context(self, *args: object, **kwargs: object) -> object:
            raise exc

    return Broken()


@pytest.mark.parametrize(
    ("exc", "code", "stream", "text"),
    [
        (SqlitchError("nothing to do", exitval=1), 1, "out", "nothing to do\n"),
        (SqlitchError("it broke"), 2, "err", "it broke\n"),
        (KeyboardInterrupt(), 130, "err", "Interrupted\n"),
        (BrokenPipeError(), 0, "err", ""),
        (ZeroDivisionError("boom"), 2, "err", "sqlitch: internal error: ZeroDivisionError: boom\n"),
    ],
)
def test_dispatch_maps_exceptions_to_exit_codes(
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
    exc: BaseException,
    code: int,
    stream: str,
    text: str,
) -> None:
    monkeypatch.setattr(cli_main, "load_command", lambda name: _broken(exc))
    assert run(["help"]) == code
    captured = capsys.readouterr()
    assert getattr(captured, stream) == text


def test_internal_error_traceback_on_request(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    monkeypatch.setattr(cli_main, "load_command", lambda name: _broken(ValueError("bad")))
    monkeypatch.setenv("SQLITCH_TRACEBACK", "1")
    assert run(["help"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.endswith("sqlitch: internal error: ValueError: bad\n")


def test_malformed_config_stops_before_the_command(capsys: Capture) -> None:
    Path("sqitch.conf").write_text("[core\n")
    assert run(["help"]) == 255
    assert "sqitch.conf" in capsys.readouterr().err


def test_bad_integer_values_use_getopt_wording(capsys: Capture) -> None:
    Path("sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    assert run(["deploy", "--lock-timeout", "soon"]) == 2
    assert capsys.readouterr().err.startswith(
        'Value "soon" invalid for option lock-timeout (number expected)\n'
    )


@pytest.mark.parametrize(("engine", "name"), [("pg", "PostgreSQL")])
def test_database_commands_on_engines_not_built_yet(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, engine: str, name: str
) -> None:
    # Every engine has its database side now; the table still allows one
    # without (an engine's plan side can land first).
    monkeypatch.setitem(ENGINE_CLASSES, engine, None)
    Path("sqitch.conf").write_text(f"[core]\n\tengine = {engine}\n")
    Path("sqitch.plan").write_text("%syntax-version=1.0.0\n%project=p\n\n")
    assert run(["status"]) == 2
    assert capsys.readouterr().err == (
        f'The {name} engine ("{engine}") cannot connect to databases in this release '
        "of SQLitch; only MySQL and SQLite can\n"
    )
