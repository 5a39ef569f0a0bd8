"""What Sqitch 1.4.0-1.6.1 changed, where the golden fixtures cannot show it.

The goldens (recorded with ``sqitch = "latest"``) pin what SQLitch and
Sqitch 1.6.1 do alike. These tests pin where SQLitch knowingly differs
from 1.6.1 (docs/PARITY.md, "Later Sqitch releases followed") and the
corners no scenario reaches.
"""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath

import pytest

from sqlitch.cli.main import run
from sqlitch.config import Config
from sqlitch.errors import SqlitchError
from sqlitch.plan import load_plan, parse_plan
from sqlitch.services.add import _DOUBLE_EXTENSION
from sqlitch.target import resolve_target

ENTRY = "2025-01-01T00:00:00Z Marge <marge@example.com>"
CHANGE_RULES = (
    'is invalid: changes must not begin with punctuation, contain "@", ":", "#", "\\", '
    '"[", "]", or blanks, or end in punctuation or digits following punctuation'
)


@pytest.fixture
def project(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SQITCH_FULLNAME", "Marge")
    monkeypatch.setenv("SQITCH_EMAIL", "marge@example.com")
    here = Path.cwd()
    (here / "sqitch.conf").write_text(
        '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:flipr.db\n'
    )
    return here


def write_plan(project: Path, *lines: str, project_name: str = "widgets") -> None:
    body = "".join(line + "\n" for line in lines)
    (project / "sqitch.plan").write_text(
        f"%syntax-version=1.0.0\n%project={project_name}\n\n{body}"
    )


# -- "[" and "]" in names (Sqitch 1.5.0, #829) ---------------------------------


@pytest.mark.parametrize("name", ["a[b", "x]y", "foo[bar]baz"])
def test_new_names_with_brackets_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    # Sqitch 1.6 refuses a bracket only when digits follow it ("foo[1");
    # SQLitch refuses every bracket, as Sqitch's own message says.
    write_plan(project, f"foo {ENTRY}")
    before = (project / "sqitch.plan").read_text()
    assert run(["add", name, "-n", "x"]) == 2
    assert capsys.readouterr().err == f'"{name}" {CHANGE_RULES}\n'
    assert run(["tag", name, "-n", "x"]) == 2
    assert '"[", "]"' in capsys.readouterr().err
    assert (project / "sqitch.plan").read_text() == before
    assert not (project / "deploy").exists()


def test_init_refuses_a_project_name_with_brackets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["init", "wid[gets", "--engine", "sqlite"]) == 2
    assert capsys.readouterr().err == (
        'invalid project name "wid[gets": project names must not begin with punctuation, '
        'contain "@", ":", "#", "[", "]", or blanks, or end in punctuation or digits '
        "following punctuation\n"
    )
    assert not Path("sqitch.plan").exists()


def test_plans_with_brackets_are_read_with_a_warning(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_plan(
        project,
        f"a[b {ENTRY}",
        f"@v[1 {ENTRY}",
        f"foo[2 {ENTRY}",
        project_name="wid[gets]x",
    )
    assert run(["plan", "--format", "format:%n%t"]) == 0
    out, err = capsys.readouterr()
    assert out.endswith("a[b @v[1\nfoo[2\n")
    assert err.splitlines() == [
        'warning: Project name "wid[gets]x" in sqitch.plan at line 2 contains "[" or "]", '
        "which new names may not contain",
        'warning: Change name "a[b" in sqitch.plan at line 4 contains "[" or "]", '
        "which new names may not contain",
        'warning: Tag name "@v[1" in sqitch.plan at line 5 contains "[" or "]", '
        "which new names may not contain",
        'warning: Change name "foo[2" in sqitch.plan at line 6 contains "[" or "]", '
        "which new names may not contain",
    ]


def test_bracket_warnings_are_given_once_per_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("sqitch.plan").write_text(f"%project=widgets\n\na[b {ENTRY}\n")
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", first)
    load_plan(Path("sqitch.plan"))
    plan = load_plan(Path("sqitch.plan"))
    assert first.getvalue().count("warning: ") == 1
    monkeypatch.setattr("sys.stderr", second)
    parse_plan(Path("sqitch.plan").read_text())
    assert second.getvalue().count("warning: ") == 1
    assert plan.warnings == [
        'Change name "a[b" in sqitch.plan at line 3 contains "[" or "]", '
        "which new names may not contain"
    ]


def test_reworking_a_name_with_brackets_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Sqitch would write "[a[b@v1]" into the plan, which it cannot read back.
    write_plan(project, f"a[b {ENTRY}", f"@v1 {ENTRY}")
    assert run(["rework", "a[b", "-n", "x"]) == 2
    assert capsys.readouterr().err.endswith(f'"a[b" {CHANGE_RULES}\n')
    assert run(["rework", "c[d", "-n", "x"]) == 2
    assert 'Change "c[d" does not exist in sqitch.plan.' in capsys.readouterr().err


# -- revert.strict, rebase.strict, checkout.strict (Sqitch 1.4.0) ------------------


def deployed(project: Path) -> None:
    write_plan(project, f"a {ENTRY}", f"b [a] {ENTRY}")
    for kind, sql in (("deploy", "CREATE TABLE {0} (x INTEGER);"), ("revert", "DROP TABLE {0};")):
        (project / kind).mkdir()
        for name in "ab":
            (project / kind / f"{name}.sql").write_text(sql.format(name) + "\n")
    assert run(["deploy"]) == 0


@pytest.mark.parametrize("value", ["false", "no", "off", "0"])
def test_revert_strict_is_a_boolean(
    project: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # Sqitch 1.6 reads revert.strict for revert as a Perl string, so "false"
    # turns strict mode on there; SQLitch reads the boolean.
    deployed(project)
    assert run(["config", "revert.strict", value]) == 0
    assert run(["revert", "-y"]) == 0
    assert "Reverting all changes" in capsys.readouterr().out


def test_revert_strict_with_modified_and_nothing_to_revert_to(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deployed(project)
    (project / "deploy" / "a.sql").write_text("CREATE TABLE a (y INTEGER);\n")
    assert run(["config", "revert.strict", "yes"]) == 0
    capsys.readouterr()
    assert run(["revert", "-y", "--modified"]) == 1
    assert capsys.readouterr().out == "Must specify a target revision in strict mode\n"


def test_revert_strict_must_be_a_boolean(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deployed(project)
    assert run(["config", "revert.strict", "maybe"]) == 0
    capsys.readouterr()
    assert run(["revert", "-y"]) == 2
    assert capsys.readouterr().err == "Invalid bool 'maybe'\n\n"


@pytest.mark.parametrize(
    ("settings", "refused"),
    [
        ({"revert.strict": "true"}, True),
        ({"revert.strict": "true", "rebase.strict": "false"}, False),
        ({"revert.strict": "false", "rebase.strict": "true"}, True),
        ({"checkout.strict": "true"}, False),
    ],
)
def test_rebase_strict_settings(
    project: Path, capsys: pytest.CaptureFixture[str], settings: dict[str, str], refused: bool
) -> None:
    deployed(project)
    for key, value in settings.items():
        assert run(["config", key, value]) == 0
    capsys.readouterr()
    code = run(["rebase", "-y", "--onto", "a", "-VV"])
    out, err = capsys.readouterr()
    if refused:
        assert code == 255
        assert out == ""
        assert err == (
            '"rebase" cannot be used in strict mode.\\n'
            "Use explicity revert and deploy commands instead.\n"
        )
    else:
        assert code == 0
        assert "debug: Will revert the following changes:\ndebug: b\n" in out
        assert "debug: Will deploy the following changes:\ndebug: b\n" in out


def test_checkout_strict_comes_before_the_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    # Refused while the command is built: no plan, target or branch is read.
    Path("sqitch.conf").write_text("[checkout]\n\tstrict = true\n")
    assert run(["checkout"]) == 255
    assert capsys.readouterr().err.startswith('"checkout" cannot be used in strict mode.')


# -- -VV lists what deploy and revert will do (Sqitch 1.4.0/1.4.1) -----------------


def test_revert_list_names_tags_once(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Sqitch 1.6 prints "b @@v1 @@v2" here.
    write_plan(project, f"a {ENTRY}", f"b {ENTRY}", f"@v1 {ENTRY}", f"@v2 {ENTRY}")
    for kind in ("deploy", "revert"):
        (project / kind).mkdir()
        for name in "ab":
            (project / kind / f"{name}.sql").write_text(f"-- {kind} {name}\n")
    assert run(["deploy", "-VV"]) == 0
    assert "debug: Will deploy the following changes:\ndebug: a\ndebug: b @v1 @v2\n" in (
        capsys.readouterr().out
    )
    assert run(["revert", "-y", "-VV"]) == 0
    out = capsys.readouterr().out
    assert "debug: Will revert the following changes:\ndebug: a\ndebug: b @v1 @v2\n" in out


# -- reworked scripts follow deploy_dir etc. (Sqitch 1.5.2, #875) ------------------


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ("", ("deploy", "revert", "verify")),
        ("\tdeploy_dir = sql/d\n", ("sql/d", "revert", "verify")),
        ("\tdeploy_dir = sql/d\n\treworked_dir = old\n", ("old/sql/d", "old/revert", "old/verify")),
        ("\tdeploy_dir = d\n\treworked_deploy_dir = rd\n", ("rd", "revert", "verify")),
        # Sqitch 1.6 makes an absolute deploy_dir relative here (old/abs/d).
        ("\tdeploy_dir = /abs/d\n\treworked_dir = old\n", ("/abs/d", "old/revert", "old/verify")),
    ],
)
def test_reworked_script_dirs(conf: str, expected: tuple[str, ...]) -> None:
    Path("sqitch.conf").write_text(f"[core]\n\tengine = sqlite\n{conf}")
    target = resolve_target(Config.load(), name="db:sqlite:x.db")
    got = tuple(str(target.script_dir(kind, reworked=True)) for kind in SCRIPTS)
    assert got == expected


SCRIPTS = ("deploy", "revert", "verify")


def test_reworked_dirs_ignore_dirs_given_by_option() -> None:
    # As Sqitch's: an option (target add --dir) is not read for them.
    Path("sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    target = resolve_target(Config.load(), name="db:sqlite:x.db", overrides={"deploy_dir": "given"})
    assert target.deploy_dir == PurePosixPath("given")
    assert target.reworked_deploy_dir == PurePosixPath("deploy")


# -- double extensions (Sqitch 1.4.0, #724) ------------------------------------------


@pytest.mark.parametrize(
    ("path", "ext"),
    [
        ("deploy/users.sql.sql", "sql"),
        ("deploy/a.s.ss", "s"),
        ("deploy/x.sql/users.sql", None),
        ("deploy/users.sqlite.sql", None),
        ("deploy.sql/users.sql", None),
    ],
)
def test_double_extension_pattern(path: str, ext: str | None) -> None:
    match = _DOUBLE_EXTENSION.search(path)
    assert (match.group(1) if match else None) == ext


def test_check_error_is_a_plan_error() -> None:
    with pytest.raises(SqlitchError) as err:
        parse_plan(f"%project=w\n\na {ENTRY}\n").add_change(
            "a]1", planner_name="M", planner_email="m@e"
        )
    assert err.value.ident == "plan"
