"""A path too long for the system is a file that does not exist, never a crash.

Perl's file tests (``-e``, ``-f``, ``-d``) answer "no" when ``stat`` fails for
any reason, a name too long (``ENAMETOOLONG``) included, so Sqitch reports
such a path as missing. ``pathlib``'s ``exists()``/``is_file()``/``is_dir()``
raise ``OSError`` for it instead. What Sqitch 1.3.1 does in each case below
was observed by running it with a 5000-character name:

- ``deploy``/``revert``/``add``/``show``... ``--plan-file`` (or ``-f``,
  ``core.plan_file``, a ``--top-dir`` holding it): ``Plan file <path> does not
  exist``, exit 2; ``status`` on a deployed database: ``Status unknown. Use
  --plan-file to assess "<project>" status``, exit 0; ``bundle``: ``Cannot
  copy <path>: does not exist``, exit 2. A change named as an argument is
  then ``Unknown argument "<change>"``, exit 2. (``plan``/``log`` take no
  ``--plan-file``: ``Unknown option: plan-file``, exit 2.)
- A deploy directory (``core.deploy_dir``): ``add`` says ``Error creating
  <dir>: File name too long``, exit 2; ``show deploy`` says ``File
  "<dir>/<change>.sql" does not exist``, exit 2; ``bundle`` skips the missing
  scripts, exit 0; ``check`` finds the signatures diverging, exit 1.
- A config file (``SQITCH_CONFIG``, ``SQITCH_USER_CONFIG``,
  ``SQITCH_SYSTEM_CONFIG``, ``config -f``, a home directory): not read, as
  if absent (``No project configuration found...``, exit 2, without a local
  file); ``--unset`` finds ``No occurrence of <key> found to unset in
  <file>``, exit 2. Writing it fails, exit 2: Sqitch says ``Can't open
  <file>.lock for writing: File name too long``; SQLitch, which writes no
  lock file, says ``Cannot open <file>: File name too long`` as for any
  config file it cannot write (PARITY). A directory to create for it says
  ``mkdir <dir>: File name too long`` (Sqitch adds its Perl location).
- ``init --top-dir``: ``Error creating <dir>: File name too long``;
  ``init --plan-file``: ``Cannot open <file>: File name too long``; both exit
  2 after ``Created sqitch.conf``.
- ``add --template-name``: ``Cannot find deploy template``, exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.users_project import write_users_project

from sqlitch.cli.main import run

Capture = pytest.CaptureFixture[str]
LONG = "a" * 5000


@pytest.fixture
def project(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return write_users_project(isolated_env, monkeypatch, "flipr")


@pytest.fixture
def deployed(project: Path, capsys: Capture) -> Path:
    assert run(["deploy"]) == 0
    capsys.readouterr()
    return project


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _result(capsys: Capture) -> tuple[str, str]:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "internal error" not in captured.err
    return captured.out, captured.err


# ---------------------------------------------------------------------------
# The plan file


@pytest.mark.parametrize(
    "argv",
    [
        ["deploy", "--plan-file", LONG],
        ["deploy", "-f", LONG],
        ["revert", "-y", "--plan-file", LONG],
        ["verify", "--plan-file", LONG],
        ["add", "foo", "-n", "x", "--plan-file", LONG],
        ["show", "change", "users", "--plan-file", LONG],
        ["tag", "v1", "-n", "x", "--plan-file", LONG],
    ],
)
def test_plan_file_option_too_long_does_not_exist(
    deployed: Path, capsys: Capture, argv: list[str]
) -> None:
    before = _files(deployed)
    assert run(argv) == 2
    assert _result(capsys)[1] == f"Plan file {LONG} does not exist\n"
    assert _files(deployed) == before


@pytest.mark.parametrize("command", [["plan"], ["deploy"], ["status"]])
def test_plan_file_setting_too_long_does_not_exist(
    project: Path, capsys: Capture, command: list[str]
) -> None:
    # status on a database never deployed stops before it reads the plan.
    with (project / "sqitch.conf").open("a") as conf:
        conf.write(f"[core]\n\tplan_file = {LONG}\n")
    assert run(command) == 2
    err = _result(capsys)[1]
    if command == ["status"]:
        assert err == "Database db:sqlite:sqitch.db has not been initialized for Sqitch\n"
    else:
        assert err == f"Plan file {LONG} does not exist\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--plan-file", LONG],
        ["status", "-f", LONG],
        ["status", "--top-dir", LONG],
    ],
)
def test_status_with_a_plan_file_too_long_is_unknown(
    deployed: Path, capsys: Capture, argv: list[str]
) -> None:
    assert run(argv) == 0
    out, _ = _result(capsys)
    assert out.startswith("# On database db:sqlite:dev.db\n")
    assert out.endswith('Status unknown. Use --plan-file to assess "flipr" status\n')


def test_status_with_a_plan_file_setting_too_long_is_unknown(
    deployed: Path, capsys: Capture
) -> None:
    with (deployed / "sqitch.conf").open("a") as conf:
        conf.write(f"[core]\n\tplan_file = {LONG}\n")
    assert run(["status"]) == 0
    assert _result(capsys)[0].endswith('Status unknown. Use --plan-file to assess "flipr" status\n')


@pytest.mark.parametrize(
    ("argv", "missing"),
    [(["--plan-file", LONG], LONG), (["--top-dir", LONG], f"{LONG}/sqitch.plan")],
)
def test_bundle_with_a_plan_file_too_long_cannot_copy(
    project: Path, capsys: Capture, argv: list[str], missing: str
) -> None:
    assert run(["bundle", *argv]) == 2
    out, err = _result(capsys)
    assert out.endswith("Writing config\nWriting plan\n")
    assert err.endswith(f"Cannot copy {missing}: does not exist\n")


def test_change_argument_with_a_plan_file_too_long_is_unknown(
    project: Path, capsys: Capture
) -> None:
    # Whether "users" names a change is asked of a plan file that is not there.
    assert run(["deploy", "users", "--plan-file", LONG]) == 2
    assert _result(capsys)[1] == 'Unknown argument "users"\n'


def test_core_plan_file_option_is_unknown_to_plan(project: Path, capsys: Capture) -> None:
    assert run(["--plan-file", LONG, "plan"]) == 2
    assert _result(capsys)[1].startswith("Unknown option: plan-file\n")


# ---------------------------------------------------------------------------
# Script directories


@pytest.fixture
def long_deploy_dir(deployed: Path) -> Path:
    with (deployed / "sqitch.conf").open("a") as conf:
        conf.write(f"[core]\n\tdeploy_dir = {LONG}\n")
    return deployed


def test_add_into_a_deploy_dir_too_long(long_deploy_dir: Path, capsys: Capture) -> None:
    before = _files(long_deploy_dir)
    assert run(["add", "foo", "-n", "x"]) == 2
    assert _result(capsys)[1] == f"Error creating {LONG}: File name too long\n"
    assert _files(long_deploy_dir) == before


def test_show_script_in_a_deploy_dir_too_long(long_deploy_dir: Path, capsys: Capture) -> None:
    assert run(["show", "deploy", "users"]) == 2
    assert _result(capsys)[1] == f'File "{LONG}/users.sql" does not exist\n'
    assert run(["show", "-e", "deploy", "users"]) == 2
    assert _result(capsys) == ("", "")


def test_bundle_skips_scripts_in_a_deploy_dir_too_long(
    long_deploy_dir: Path, capsys: Capture
) -> None:
    assert run(["bundle"]) == 0
    out, _ = _result(capsys)
    assert out.endswith("Writing scripts\n  + users\n")
    assert not (long_deploy_dir / "bundle" / "deploy").exists()
    assert (long_deploy_dir / "bundle" / "revert" / "users.sql").is_file()


def test_check_with_a_deploy_dir_too_long_diverges(long_deploy_dir: Path, capsys: Capture) -> None:
    assert run(["check"]) == 1
    out, err = _result(capsys)
    assert "Script signatures diverge at change users" in out + err


def test_reworked_change_with_a_deploy_dir_too_long(project: Path, capsys: Capture) -> None:
    # Which name a reworked change's scripts have is asked of the deploy directory.
    assert run(["tag", "v1", "-n", "t"]) == 0
    assert run(["rework", "users", "-n", "r"]) == 0
    capsys.readouterr()
    with (project / "sqitch.conf").open("a") as conf:
        conf.write(f"[core]\n\tdeploy_dir = {LONG}\n")
    assert run(["bundle"]) == 0
    assert _result(capsys)[0].endswith("Writing scripts\n  + users @v1\n  + users\n")
    assert run(["show", "deploy", "users@v1"]) == 2
    assert _result(capsys)[1] == f'File "{LONG}/users@v1.sql" does not exist\n'


# ---------------------------------------------------------------------------
# Config files


def test_local_config_too_long_is_not_found(
    project: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SQITCH_CONFIG", LONG)
    (Path.home() / ".sqitch").mkdir()
    (Path.home() / ".sqitch" / "sqitch.conf").write_text("[user]\n\tname = Ann\n")
    assert run(["status"]) == 2
    assert _result(capsys)[1] == (
        'No project configuration found. Run the "init" command to initialize a project\n'
    )
    assert run(["config", "--list"]) == 0
    assert _result(capsys)[0] == "user.name=Ann\n\n"
    assert run(["config", "--get", "core.engine"]) == 1
    assert _result(capsys) == ("\n", "")


@pytest.mark.parametrize(
    ("variable", "scope"),
    [
        ("SQITCH_CONFIG", "--local"),
        ("SQITCH_USER_CONFIG", "--user"),
        ("SQITCH_SYSTEM_CONFIG", "--system"),
        (None, "-f"),
    ],
)
def test_config_file_too_long_reads_empty_and_cannot_be_written(
    project: Path,
    capsys: Capture,
    monkeypatch: pytest.MonkeyPatch,
    variable: str | None,
    scope: str,
) -> None:
    if variable is None:
        where = ["-f", LONG]
    else:
        monkeypatch.setenv(variable, LONG)
        where = [scope]
    before = _files(project.parent)
    if variable is not None:  # config -f names no scope to --list
        assert run(["config", *where, "--list"]) == 0
        assert _result(capsys) == ("", "")
    assert run(["config", *where, "--unset", "x.y"]) == 2
    assert _result(capsys)[1] == f"No occurrence of x.y found to unset in {LONG}\n\n"
    assert run(["config", *where, "x.y", "z"]) == 2
    # Sqitch: "Can't open <file>.lock for writing: File name too long" (PARITY).
    assert _result(capsys)[1] == f"Cannot open {LONG}: File name too long\n"
    assert _files(project.parent) == before


def test_user_config_dir_too_long(
    project: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a home directory too long: ~/.sqitch/sqitch.conf is not there.
    root = project.parent / LONG / ".sqitch"
    monkeypatch.setenv("SQLITCH_CONFIG_ROOT", str(root))
    assert run(["config", "--user", "--list"]) == 0
    assert _result(capsys) == ("", "")
    assert run(["config", "--list"]) == 0
    assert _result(capsys)[0].startswith("core.engine=sqlite\n")
    assert run(["add", "foo", "-n", "x"]) == 0  # ~/.sqitch/templates is not there either
    _result(capsys)
    assert (project / "deploy" / "foo.sql").is_file()
    assert run(["config", "--user", "x.y", "z"]) == 2
    assert _result(capsys)[1] == f"mkdir {project.parent / LONG}: File name too long\n"


def test_config_dir_that_is_a_file(
    project: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sqitch: "mkdir <dir>: File exists at .../config.pm line 374." (exit 2).
    blocker = project.parent / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("SQITCH_USER_CONFIG", str(blocker / "sqitch.conf"))
    assert run(["config", "--user", "x.y", "z"]) == 2
    assert _result(capsys)[1] == f"mkdir {blocker}: File exists\n"


# ---------------------------------------------------------------------------
# init and add


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--top-dir", f"Error creating {LONG}: File name too long\n"),
        ("--plan-file", f"Cannot open {LONG}: File name too long\n"),
    ],
)
def test_init_into_a_path_too_long(
    isolated_env: Path, capsys: Capture, option: str, message: str
) -> None:
    assert run(["init", "flipr", "--engine", "sqlite", option, LONG]) == 2
    out, err = _result(capsys)
    assert out == "Created sqitch.conf\n"
    assert err == message


def test_init_with_a_local_config_too_long(
    isolated_env: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SQITCH_CONFIG", LONG)
    assert run(["init", "flipr", "--engine", "sqlite"]) == 2
    assert _result(capsys)[1] == f"Cannot open {LONG}: File name too long\n"


def test_add_with_a_template_name_too_long(project: Path, capsys: Capture) -> None:
    before = _files(project)
    assert run(["add", "foo", "-n", "x", "--template-name", LONG]) == 2
    assert _result(capsys)[1] == "Cannot find deploy template\n"
    assert _files(project) == before
