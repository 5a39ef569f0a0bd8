"""add/tag/rework behaviour the golden fixtures do not reach: SQLitch's
write-nothing-on-error choice, I/O failures, and helper functions."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from sqlitch.cli.commands.add import collect_variables
from sqlitch.cli.main import run
from sqlitch.cli.target_options import _typed_name
from sqlitch.errors import SqlitchError
from sqlitch.services import add as add_service
from sqlitch.services.rework import _check_copies, _Copy

PLAN = "%syntax-version=1.0.0\n%project=widgets\n\n"


@pytest.fixture
def project(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SQITCH_FULLNAME", "Marge")
    monkeypatch.setenv("SQITCH_EMAIL", "marge@example.com")
    here = Path.cwd()
    (here / "sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    (here / "sqitch.plan").write_text(PLAN)
    return here


def test_broken_revert_template_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmpl = project / "t"
    (tmpl / "deploy").mkdir(parents=True)
    (tmpl / "revert").mkdir()
    (tmpl / "verify").mkdir()
    (tmpl / "deploy" / "sqlite.tmpl").write_text("fine\n")
    (tmpl / "revert" / "sqlite.tmpl").write_text("[% END %]\n")
    (tmpl / "verify" / "sqlite.tmpl").write_text("fine\n")
    assert run(["add", "foo", "--template-directory", "t", "-n", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error executing t/revert/sqlite.tmpl: file error - parse error")
    assert not (project / "deploy").exists()
    assert (project / "sqitch.plan").read_text() == PLAN


def test_undecodable_template(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "bad.tmpl").write_bytes(b"\xff\xfe")
    assert run(["add", "foo", "--use", "deploy=bad.tmpl", "-n", "x"]) == 2
    assert capsys.readouterr().err.startswith("Cannot open bad.tmpl: ")


def test_script_directory_cannot_be_created(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "deploy").write_text("a file in the way")
    assert run(["add", "a/b", "-n", "x"]) == 2
    assert capsys.readouterr().err.startswith("Error creating deploy/a: ")


def test_script_cannot_be_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "deploy").mkdir()
    (project / "deploy").chmod(0o500)
    try:
        if os.access(project / "deploy", os.W_OK):
            pytest.skip("running as a user that ignores permissions")
        assert run(["add", "foo", "-n", "x"]) == 2
        assert capsys.readouterr().err.startswith("Cannot open deploy/foo.sql: ")
    finally:
        (project / "deploy").chmod(0o700)


def test_skips_a_script_created_meanwhile(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx_out: list[str] = []

    class Ctx:
        info = staticmethod(lambda *p: ctx_out.append("".join(map(str, p))))

    script = add_service._PlannedScript(
        PurePosixPath("deploy/foo.sql"), Path("x"), "sqlite", "widgets", None
    )
    add_service._write_script(Ctx(), script)  # type: ignore[arg-type]
    assert ctx_out == ["Skipped deploy/foo.sql: already exists"]


def test_note_file_that_vanishes(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EDITOR", "sh -c 'rm \"$0\"'")
    assert run(["add", "foo"]) == 2
    assert capsys.readouterr().err.startswith("Cannot open ")
    assert (project / "sqitch.plan").read_text() == PLAN


def test_note_prompt_comments_every_line() -> None:
    assert add_service._comment_out("a\n\nb\n") == "# a\n# \n# b\n"


def test_typed_option_name() -> None:
    assert _typed_name(["-s", "v"], "s", "v") == "s"
    assert _typed_name(["-sv"], "s", "v") == "s"
    assert _typed_name(["--set", "v"], "s", "v") is None
    assert _typed_name(["--", "-s", "v"], "s", "v") is None


def test_repeated_set_keys_become_lists() -> None:
    assert collect_variables([("a", "1"), ("b", "2"), ("a", "3"), ("a", "4")]) == {
        "a": ["1", "3", "4"],
        "b": "2",
    }


def test_rework_checks_copy_destinations_first(tmp_path: Path) -> None:
    src = tmp_path / "deploy.sql"
    src.write_text("x")
    (tmp_path / "file").write_text("")
    copies = [
        _Copy(str(src), str(tmp_path / "old.sql"), str(src)),
        # A missing directory is created when copying (Sqitch 1.4.0, #686) ...
        _Copy(str(src), str(tmp_path / "missing" / "x.sql"), str(tmp_path / "old.sql")),
        # ... but not where a file stands in the way: nothing is copied then.
        _Copy(str(src), str(tmp_path / "file" / "sub" / "x.sql"), str(tmp_path / "old.sql")),
    ]
    with pytest.raises(SqlitchError, match=f"^Error creating {tmp_path}/file: File exists$"):
        _check_copies(copies)
    assert not (tmp_path / "old.sql").exists()
    assert not (tmp_path / "missing").exists()
    _check_copies(copies[:2])
    _check_copies([_Copy(str(src), str(tmp_path / "y"), str(tmp_path / "absent"))])


def test_rework_copy_failure(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "sqitch.plan").write_text(
        PLAN + "foo 2025-01-01T00:00:00Z M <m@x>\n@v1 2025-01-01T00:00:00Z M <m@x>\n"
    )
    (project / "deploy").mkdir()
    (project / "deploy" / "foo.sql").mkdir()  # a directory cannot be copied as a file
    assert run(["rework", "foo", "-n", "x"]) == 2
    assert capsys.readouterr().err.startswith("Cannot copy deploy/foo.sql to deploy/foo@v1.sql: ")


def test_rework_single_file_message(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "sqitch.plan").write_text(
        PLAN + "foo 2025-01-01T00:00:00Z M <m@x>\n@v1 2025-01-01T00:00:00Z M <m@x>\n"
    )
    (project / "deploy").mkdir()
    (project / "deploy" / "foo.sql").write_text("-- d\n")
    assert run(["rework", "foo", "-n", "x"]) == 0
    out = capsys.readouterr().out
    assert "Modify this file as appropriate:\n  * deploy/foo.sql\n" in out
    assert (project / "revert" / "foo.sql").exists() is False


def test_system_templates_directory_wins(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    system = tmp_path / "sys"
    for kind in ("deploy", "revert", "verify"):
        (system / "templates" / kind).mkdir(parents=True)
        (system / "templates" / kind / "sqlite.tmpl").write_text(f"-- system {kind}\n")
    monkeypatch.setattr("sqlitch.config.system_dir", lambda: system)
    assert run(["add", "foo", "-n", "x"]) == 0
    assert (project / "deploy" / "foo.sql").read_text() == "-- system deploy\n"


@pytest.mark.parametrize("etc", ["empty", "missing", "partial"])
def test_package_templates_after_user_and_system(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, etc: str
) -> None:
    """pip --user/--target installs leave `sqlitch --etc-path` without templates."""
    from sqlitch.templating import Value, bundled_templates_dir, render_file

    system = tmp_path / "sys"
    if etc != "missing":
        (system / "templates").mkdir(parents=True)
    if etc == "partial":  # a system deploy template; revert and verify from the package
        (system / "templates" / "deploy").mkdir()
        (system / "templates" / "deploy" / "sqlite.tmpl").write_text("-- system deploy\n")
    monkeypatch.setattr("sqlitch.config.system_dir", lambda: system)
    assert run(["add", "foo", "-n", "x"]) == 0
    variables: dict[str, Value] = {"project": "widgets", "change": "foo", "engine": "sqlite"}
    for kind in ("deploy", "revert", "verify"):
        written = (project / kind / "foo.sql").read_text()
        if etc == "partial" and kind == "deploy":
            assert written == "-- system deploy\n"
        else:
            expected = render_file(bundled_templates_dir() / kind / "sqlite.tmpl", variables)
            assert written == expected
            assert written.startswith(f"-- {kind.capitalize()} widgets:foo ")


def test_user_templates_win_over_package_templates(project: Path, tmp_path: Path) -> None:
    user = Path(os.environ["SQLITCH_CONFIG_ROOT"]) / "templates" / "verify"
    user.mkdir(parents=True)
    (user / "sqlite.tmpl").write_text("-- user verify [% change %]\n")
    assert run(["add", "foo", "-n", "x"]) == 0
    assert (project / "verify" / "foo.sql").read_text() == "-- user verify foo\n"
    assert (project / "deploy" / "foo.sql").read_text().startswith("-- Deploy widgets:foo")


def test_tag_without_targets_does_nothing(project: Path) -> None:
    from sqlitch.services.tag import add_tag

    add_tag(object(), "v1", None, [], [])  # type: ignore[arg-type]
    add_service.add_change(object(), add_service.AddRequest(name="x"), [])  # type: ignore[arg-type]
