"""`sqlitch config` beyond the golden fixtures: helpers, editor handling, edge cases.

The golden scenarios under scripts/golden/scenarios/config/ prove the
command's behaviour against Sqitch; these tests cover the pieces that
scenarios cannot reach (signals, quoting corner cases, stream handling).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sqlitch.cli.main import run
from sqlitch.config import Config
from sqlitch.errors import SqlitchError
from sqlitch.services import config_command as svc


class Recorder:
    """An Output that keeps what was emitted and vented."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.err: list[str] = []

    def emit(self, *parts: object) -> None:
        self.out.append("".join(str(p) for p in parts))

    def vent(self, *parts: object) -> None:
        self.err.append("".join(str(p) for p in parts))


def _run(
    conf: str, *args: str, action: svc.Action | None = None, type_: svc.TypeName | None = None
) -> Recorder:
    Path("sqitch.conf").write_text(conf, encoding="utf-8")
    recorder = Recorder()
    config = Config.load(dict(os.environ), Path.cwd())
    request = svc.ConfigRequest(action=action, type=type_, args=args)
    assert svc.run_config(recorder, config, request, dict(os.environ)) == 0
    return recorder


# -- option conflicts ------------------------------------------------------


@pytest.mark.parametrize(
    ("scopes", "types", "actions", "message"),
    [
        (["local", "file"], ["bool", "int"], ["get", "list"], "Only one config file at a time."),
        ([], ["bool", "int"], ["get", "list"], "Only one type at a time."),
        (["user"], ["num"], ["add", "unset"], "Only one action at a time."),
    ],
)
def test_conflicts_are_checked_in_sqitch_order(
    scopes: list[str], types: list[svc.TypeName], actions: list[svc.Action], message: str
) -> None:
    with pytest.raises(svc.ConfigUsageError, match=message):
        svc.build_request(actions=actions, scopes=scopes, types=types, file=None, args=())


def test_request_keeps_scope_file_type_and_action() -> None:
    request = svc.build_request(
        actions=["get"], scopes=["system"], types=["int"], file=None, args=["a.b"]
    )
    assert request == svc.ConfigRequest("get", "system", None, "int", ("a.b",))
    request = svc.build_request(actions=[], scopes=["file"], types=[], file="x", args=[])
    assert request.scope is None and request.file == "x"


def test_bool_or_int_works_where_sqitch_crashes() -> None:
    # Sqitch 1.3.1 dies with a type-constraint error for every --bool-or-int
    # call; SQLitch implements the type (docs/PARITY.md).
    assert _run("[a]\n\tb = on\n", "a.b", action="get", type_="bool-or-int").out == ["true"]
    assert _run("[a]\n\tb = 2k\n", "a.b", action="get", type_="bool-or-int").out == ["2048"]


# -- reading quirks ----------------------------------------------------------


def test_bare_key_reads_as_one_with_bool() -> None:
    recorder = _run("[a]\n\tflag\n", "a.flag", action="get-all", type_="bool")
    assert recorder.out == ["1"]
    assert recorder.err == []


def test_get_all_of_bare_keys_prints_empty_lines_without_perl_warnings() -> None:
    recorder = _run("[a]\n\tflag\n\tflag\n", "a.flag", action="get-all")
    assert recorder.out == ["\n"]
    assert recorder.err == []


def test_empty_value_as_int_is_zero_without_a_perl_warning() -> None:
    recorder = _run("[n]\n\tblank =\n", "n.blank", action="get", type_="int")
    assert recorder.out == ["0"]
    assert recorder.err == []


def test_get_regexp_with_one_value_left_of_a_multiple_key() -> None:
    # Sqitch 1.3.1 dies ("Can't use string as an ARRAY ref"); SQLitch prints it.
    recorder = _run("[d]\n\tv = alpha\n\tv = beta\n", "^d", "^b", action="get-regexp")
    assert recorder.out == ["d.v=beta"]


def test_invalid_number_on_write_gives_the_cast_error_only(tmp_path: Path) -> None:
    recorder = Recorder()
    config = Config.load(dict(os.environ), Path.cwd())
    request = svc.ConfigRequest(type="int", args=("n.x", "ten"))
    with pytest.raises(SqlitchError, match="Invalid unit while casting to int"):
        svc.run_config(recorder, config, request, dict(os.environ))
    assert recorder.err == []


def test_get_regexp_negated_filter_keeps_a_bare_value_of_a_multiple_key() -> None:
    recorder = _run("[a]\n\tk = x\n\tk\n", "^a", "!x", action="get-regexp")
    assert recorder.out == ["a.k"]


# -- shell quoting and the editor ------------------------------------------


@pytest.mark.parametrize(
    ("word", "quoted"),
    [
        ("sqitch.conf", "sqitch.conf"),
        ("some file.conf", "'some file.conf'"),
        ("it's", "'it'\\''s'"),
        ("a=b", "'a=b'"),
        ("", "''"),
        ("''", "\"''\""),
        ("x'''y", "'x'\"'''\"'y'"),
        ('a"b', "'a\"b'"),
        ("/tmp/ü.conf", "'/tmp/ü.conf'"),
        ("~/x", "'~/x'"),
        ("a^b@c%", "a^b@c%"),
    ],
)
def test_shell_quote_matches_string_shellquote(word: str, quoted: str) -> None:
    assert svc.shell_quote(word) == quoted


@pytest.mark.parametrize(
    ("command", "shell"),
    [
        ("vi sqitch.conf", False),
        ("vi 'a b'", True),
        ("FOO=1 vi x", True),
        (". x", True),
        ("exec vi", True),
        ("code --wait x", False),
        ("vi $HOME", True),
    ],
)
def test_perl_system_decides_when_to_use_the_shell(command: str, shell: bool) -> None:
    assert svc._needs_shell(command) is shell


def test_editor_preference_order(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("sqitch.conf").write_text("[core]\n\teditor = from-config\n", encoding="utf-8")
    config = Config.load(dict(os.environ), Path.cwd())
    env = {"EDITOR": "ed", "VISUAL": "vis", "SQITCH_EDITOR": "sq", "SQLITCH_EDITOR": "sql"}
    assert svc.editor_command(config, env) == "sql"
    env["SQLITCH_EDITOR"] = "0"
    assert svc.editor_command(config, env) == "sq"
    env["SQITCH_EDITOR"] = ""
    assert svc.editor_command(config, env) == "from-config"
    empty = Config.load({"HOME": os.environ["HOME"]}, Path("/"))
    assert svc.editor_command(empty, env) == "vis"
    assert svc.editor_command(empty, {"EDITOR": "ed"}) == "ed"
    assert svc.editor_command(empty, {}) == "vi"


def _script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "editor.sh"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_editor_killed_by_a_signal(tmp_path: Path) -> None:
    editor = _script(tmp_path, "kill -TERM $$")
    with pytest.raises(SqlitchError) as info:
        svc.run_shell_command(f"{editor} x")
    assert info.value.message == f'"{editor} x" died to signal "TERM" (15)\n'
    assert info.value.exitval == 2


def test_editor_that_cannot_start(tmp_path: Path) -> None:
    with pytest.raises(SqlitchError, match='failed to start: "No such file or directory"'):
        svc.run_shell_command(f"{tmp_path}/nonesuch x")


def test_editor_output_reaches_real_streams(capfd: pytest.CaptureFixture[str]) -> None:
    svc.run_shell_command("echo out")
    assert capfd.readouterr().out == "out\n"


def test_edit_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EDITOR", "echo editing")
    assert run(["config", "--edit", "--file", "my file.conf"]) == 0
    assert capfd.readouterr().out == "editing my file.conf\n"


# -- the command line ----------------------------------------------------


def test_cli_usage_failure_shows_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["config", "--get", "--list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Only one action at a time.\nUsage:\n")
    assert "--get-regexp" in err


def test_cli_empty_file_option_is_ignored(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["config", "--file", "", "--user", "a.b", "c"]) == 0
    home = Path(os.environ["HOME"])
    assert (home / ".sqitch" / "sqitch.conf").read_text(encoding="utf-8") == "[a]\n\tb = c\n"
