"""rebase behaviour the golden fixtures do not reach: bad modes, settings
precedence, too many targets, and the variables each half sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.app import App
from sqlitch.cli.main import run
from sqlitch.config import Config
from sqlitch.errors import SqlitchError
from sqlitch.services.deploy import ConnectOptions
from sqlitch.services.rebase import RevertDeployOptions, resolve_settings, revert_leniently

PLAN = (
    "%syntax-version=1.0.0\n%project=flipr\n\n"
    "a 2026-01-01T00:00:00Z M <m@x> # a\nb [a] 2026-01-01T00:00:01Z M <m@x> # b\n"
)
CONF = '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:flipr.db\n'


@pytest.fixture
def project(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SQITCH_FULLNAME", "Marge")
    monkeypatch.setenv("SQITCH_EMAIL", "marge@example.com")
    here = Path.cwd()
    (here / "sqitch.conf").write_text(CONF)
    (here / "sqitch.plan").write_text(PLAN)
    for name in ("a", "b"):
        for kind, sql in (("deploy", "CREATE TABLE {} (x);"), ("revert", "DROP TABLE {};")):
            (here / kind).mkdir(exist_ok=True)
            (here / kind / f"{name}.sql").write_text(sql.format(name) + "\n")
    return here


def _app(extra: str = "") -> App:
    here = Path.cwd()
    (here / "sqitch.conf").write_text(CONF + extra)
    config = Config.load(env={"HOME": str(here / "home")}, cwd=here)
    return App(config)


def test_unknown_mode_is_rejected_before_any_work(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["rebase", "-y", "--mode", "sideways"]) == 2
    assert capsys.readouterr().err == 'Unknown deployment mode: "sideways"\n'
    assert not (project / "sqitch.db").exists()


def test_settings_precedence(project: Path) -> None:
    app = _app(
        "[deploy]\n\tverify = true\n\tmode = tag\n"
        "[revert]\n\tno_prompt = true\n\tprompt_accept = false\n"
        "[rebase]\n\tmode = change\n"
    )
    conn = ConnectOptions(variables={"s": "1", "t": "1"})
    opts = RevertDeployOptions(deploy_variables={"t": "d"}, revert_variables={"t": "r"})
    settings = resolve_settings(app, "rebase", opts, conn)
    assert settings.mode == "change"
    assert settings.engine.with_verify is True
    assert settings.engine.no_prompt is True
    assert settings.engine.prompt_accept is False
    assert settings.deploy_variables == {"s": "1", "t": "d"}
    assert settings.revert_variables == {"s": "1", "t": "r"}
    given = RevertDeployOptions(mode="all", verify=False, lock_timeout=3, log_only=True)
    settings = resolve_settings(app, "rebase", given, conn)
    assert (settings.mode, settings.engine.with_verify) == ("all", False)
    assert (settings.engine.lock_timeout, settings.engine.log_only) == (3, True)


def test_defaults(project: Path) -> None:
    settings = resolve_settings(_app(), "checkout", RevertDeployOptions(), ConnectOptions())
    assert settings.mode == "all"
    assert settings.engine.with_verify is False
    assert settings.engine.no_prompt is False
    assert settings.engine.prompt_accept is True


def test_revert_leniently(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    app = _app()

    def fail(message: str, ident: str, exitval: int) -> None:
        raise SqlitchError(message, ident=ident, exitval=exitval)

    revert_leniently(app, lambda: fail("Nothing reverted", "revert", 1))
    assert capsys.readouterr().out == "Nothing reverted\n"
    with pytest.raises(SqlitchError):
        revert_leniently(app, lambda: fail("Nothing reverted", "revert:confirm", 1))
    with pytest.raises(SqlitchError):
        revert_leniently(app, lambda: fail("boom", "revert", 2))


def test_too_many_targets_and_changes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["deploy"]) == 0
    capsys.readouterr()
    assert run(["rebase", "-y", "db:sqlite:flipr.db", "db:sqlite:other.db", "a", "b", "a"]) == 0
    captured = capsys.readouterr()
    assert "Too many targets specified; connecting to db:sqlite:flipr.db" in captured.err
    assert 'Too many changes specified; rebasing onto "a" up to "b"' in captured.err
    assert "Reverting changes to a from db:sqlite:flipr.db" in captured.out


def test_too_many_changes_with_modified(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["deploy"]) == 0
    capsys.readouterr()
    # Nothing modified: --modified reverts nothing; the first argument is --upto.
    assert run(["rebase", "-y", "-m", "b", "a"]) == 0
    captured = capsys.readouterr()
    assert 'rebasing onto "' in captured.err
    assert '" up to "b"' in captured.err
    assert captured.out.startswith("No changes deployed since: ")
    assert 'Nothing to deploy (already at "b")' in captured.out


def test_plan_file_option_finds_changes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "other.plan").write_text(PLAN.replace("b [a]", "c [a]").replace("# b", "# c"))
    (project / "deploy" / "c.sql").write_text("CREATE TABLE c (x);\n")
    (project / "revert" / "c.sql").write_text("DROP TABLE c;\n")
    assert run(["rebase", "-y", "-f", "other.plan", "--upto", "c"]) == 2
    assert "No registry found" in capsys.readouterr().err
    assert run(["deploy", "-f", "other.plan"]) == 0
    assert run(["rebase", "-y", "-f", "other.plan", "a", "c"]) == 0
    out = capsys.readouterr().out
    assert "Reverting changes to a from db:sqlite:flipr.db" in out
    assert "+ c .. ok" in out
