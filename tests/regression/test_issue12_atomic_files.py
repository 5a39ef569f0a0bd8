"""Issue 12 (G, H): project files are rewritten safely, and commands that
write several files write all of them or none.

- A linked ``sqitch.plan`` or ``sqitch.conf`` (monorepo: ``sqitch.plan ->
  ../shared/sqitch.plan``) stays a link: the file it points to is replaced,
  keeping its permissions. (Sqitch 1.3.1 writes a linked plan in place and
  follows a linked config file; it gives a rewritten config 0666 less the
  umask.)
- A rewrite killed at any moment leaves the old bytes or the new ones, and
  the temporary file it may leave is removed by the next rewrite.
- ``add``, ``rework``, ``tag``, ``init``, ``target add`` and ``engine add``
  undo what they wrote when a later write fails.
- ``add``/``rework`` refuse change names with a ``..`` path segment (Sqitch
  writes ``deploy/x/../../../esc.sql``, outside the project).
"""

from __future__ import annotations

import os
import random
import re
import resource
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sqlitch import files
from sqlitch.cli.main import run
from sqlitch.errors import SqlitchError

Capture = pytest.CaptureFixture[str]
PLAN = "%syntax-version=1.0.0\n%project=widgets\n\n"
CONF = "[core]\n\tengine = sqlite\n"


@pytest.fixture(autouse=True)
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQITCH_FULLNAME", "Marge")
    monkeypatch.setenv("SQITCH_EMAIL", "marge@example.com")


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (bytes), directory (None) and link (its target) under root."""
    found: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_dir():
            found[rel] = None
        else:
            found[rel] = path.read_bytes()
    return found


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(files.TEMP_SUFFIX)]


# ---------------------------------------------------------------------------
# Links and permissions


@pytest.fixture
def monorepo(isolated_env: Path) -> Iterator[Path]:
    """proj/sqitch.plan and proj/sqitch.conf link into ../shared."""
    shared = isolated_env / "shared"
    proj = isolated_env / "proj"
    shared.mkdir()
    proj.mkdir()
    (shared / "sqitch.plan").write_text(PLAN)
    (shared / "sqitch.conf").write_text(CONF)
    (shared / "sqitch.plan").chmod(0o640)
    (shared / "sqitch.conf").chmod(0o600)
    (proj / "sqitch.plan").symlink_to("../shared/sqitch.plan")
    (proj / "sqitch.conf").symlink_to("../shared/sqitch.conf")
    os.chdir(proj)
    yield proj
    os.chdir(isolated_env)


def test_linked_plan_is_written_through_the_link(monorepo: Path, capsys: Capture) -> None:
    shared = monorepo.parent / "shared"
    assert run(["add", "users", "-n", "u"]) == 0
    assert run(["tag", "v1", "-n", "t"]) == 0
    assert run(["rework", "users", "-n", "r"]) == 0
    assert (monorepo / "sqitch.plan").is_symlink()
    assert os.readlink(monorepo / "sqitch.plan") == "../shared/sqitch.plan"
    text = (shared / "sqitch.plan").read_text()
    assert re.search(r"^users \[users@v1\] .* # r$", text, re.M)
    assert stat.S_IMODE((shared / "sqitch.plan").stat().st_mode) == 0o640
    assert temps(monorepo.parent) == []


def test_linked_config_is_written_through_the_link(monorepo: Path, capsys: Capture) -> None:
    shared = monorepo.parent / "shared"
    assert run(["config", "user.name", "Homer"]) == 0
    assert run(["target", "add", "prod", "db:sqlite:prod.db"]) == 0
    assert run(["engine", "add", "pg"]) == 0
    assert (monorepo / "sqitch.conf").is_symlink()
    text = (shared / "sqitch.conf").read_text()
    assert "name = Homer" in text and "prod.db" in text and '[engine "pg"]' in text
    # A private config file stays private (Sqitch's rewrite would make it 0644).
    assert stat.S_IMODE((shared / "sqitch.conf").stat().st_mode) == 0o600


def test_chain_of_links_and_relative_targets(isolated_env: Path, capsys: Capture) -> None:
    (isolated_env / "real").mkdir()
    (isolated_env / "real" / "p.plan").write_text(PLAN)
    (isolated_env / "mid.plan").symlink_to("real/p.plan")
    (isolated_env / "sqitch.plan").symlink_to("mid.plan")
    (isolated_env / "sqitch.conf").write_text(CONF)
    assert run(["add", "a", "-n", "a"]) == 0
    assert (isolated_env / "sqitch.plan").is_symlink()
    assert (isolated_env / "mid.plan").is_symlink()
    assert "\na " in (isolated_env / "real" / "p.plan").read_text()


def test_new_files_get_the_umask_mode(isolated_env: Path, capsys: Capture) -> None:
    old = os.umask(0o027)
    try:
        assert run(["init", "widgets", "--engine", "sqlite"]) == 0
    finally:
        os.umask(old)
    for name in ("sqitch.conf", "sqitch.plan"):
        assert stat.S_IMODE((isolated_env / name).stat().st_mode) == 0o640


def test_plan_that_is_a_device_is_not_replaced(isolated_env: Path, capsys: Capture) -> None:
    (isolated_env / "sqitch.conf").write_text(CONF)
    with pytest.raises(SqlitchError, match="Not a regular file"):
        files.write_atomically("/dev/null", b"x")
    with pytest.raises(SqlitchError, match="Is a directory"):
        files.write_atomically(isolated_env, b"x")


# ---------------------------------------------------------------------------
# Temporary files


def test_leftover_temp_of_a_dead_process_is_removed(isolated_env: Path, capsys: Capture) -> None:
    (isolated_env / "sqitch.conf").write_text(CONF)
    (isolated_env / "sqitch.plan").write_text(PLAN)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # a pid that is gone
    dead = isolated_env / f".sqitch.plan.{child.pid}.0badc0de{files.TEMP_SUFFIX}"
    alive = isolated_env / f".sqitch.plan.{os.getppid()}.0badc0de{files.TEMP_SUFFIX}"
    other = isolated_env / ".sqitch.plan.notours.tmp"
    for path in (dead, alive, other):
        path.write_text("half a plan")
    assert run(["add", "a", "-n", "a"]) == 0
    assert not dead.exists()
    assert alive.exists()  # a running process may still be writing it
    assert other.exists()  # not named as ours


def test_failed_rename_leaves_no_temp(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = isolated_env / "f.txt"
    target.write_text("old")

    def no_rename(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", no_rename)
    with pytest.raises(SqlitchError, match="Cannot open x: No space left on device"):
        files.write_atomically(target, b"new", shown="x")
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert temps(isolated_env) == []


def _big_plan(lines: int) -> str:
    body = "".join(
        f"c{i} 2026-01-01T00:00:00Z Ann <ann@example.com> # note {i} {'x' * 60}\n"
        for i in range(lines)
    )
    return PLAN + body


TAG_LINE = re.compile(rb"@k\d+ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ Marge <marge@example.com> # t\n")


def test_killed_rewrite_leaves_old_or_new_plan(isolated_env: Path, capsys: Capture) -> None:
    """SIGKILL ``sqlitch tag`` at random moments: the plan is never torn."""
    (isolated_env / "sqitch.conf").write_text(CONF)
    plan = isolated_env / "sqitch.plan"
    plan.write_text(_big_plan(2000))
    rng = random.Random(12)  # noqa: S311 - kill times, not secrets
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    # How long a whole run takes here, to spread the kills over it.
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "sqlitch", "tag", "k0", "-n", "t"],
        cwd=isolated_env,
        env=env,
        check=True,
        capture_output=True,
    )
    span = time.monotonic() - start
    outcomes = {"old": 0, "new": 0, "temp left": 0}
    for trial in range(1, 21):
        before = plan.read_bytes()
        child = subprocess.Popen(
            [sys.executable, "-m", "sqlitch", "tag", f"k{trial}", "-n", "t"],
            cwd=isolated_env,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if trial % 2:
            time.sleep(rng.uniform(0.2, 1.5) * span)
        else:  # aim at the write itself: kill while the temporary file exists
            deadline = time.monotonic() + 10 * span
            while child.poll() is None and not temps(isolated_env):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.004))
        child.send_signal(signal.SIGKILL)
        child.wait()
        after = plan.read_bytes()
        if after == before:
            outcomes["old"] += 1
        else:
            assert after.startswith(before), f"trial {trial}: plan torn"
            assert TAG_LINE.fullmatch(after[len(before) :]), f"trial {trial}: plan torn"
            outcomes["new"] += 1
        outcomes["temp left"] += len(temps(isolated_env))
        # The next rewrite removes whatever the killed one left.
        assert run(["tag", f"n{trial}", "-n", "t"]) == 0
        assert temps(isolated_env) == [], f"trial {trial}"
        assert sorted(p.name for p in isolated_env.iterdir()) == ["sqitch.conf", "sqitch.plan"]
    assert outcomes["old"] + outcomes["new"] == 20
    print("kill outcomes:", outcomes)


# ---------------------------------------------------------------------------
# All or nothing


@pytest.fixture
def project(isolated_env: Path) -> Path:
    (isolated_env / "sqitch.conf").write_text(CONF)
    (isolated_env / "sqitch.plan").write_text(PLAN)
    return isolated_env


def _fail_writing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make the atomic rewrite of files called ``name`` fail (once per file)."""
    real = files.write_atomically
    failed: set[Path] = set()

    def failing(path: str | os.PathLike[str], data: bytes, *, shown: str | None = None) -> None:
        target = files.real_path(path)
        if target.name == name and target not in failed:
            failed.add(target)
            raise files.WriteError(f"Cannot open {shown or path}: No space left on device")
        real(path, data, shown=shown)

    monkeypatch.setattr(files, "write_atomically", failing)


def test_add_undoes_scripts_when_the_plan_cannot_be_written(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    before = snapshot(project)
    _fail_writing(monkeypatch, "sqitch.plan")
    assert run(["add", "a/b", "-n", "x"]) == 2
    assert capsys.readouterr().err == "Cannot open sqitch.plan: No space left on device\n"
    assert snapshot(project) == before  # deploy/a/b.sql, deploy/a/ and deploy/ removed


def test_add_undoes_scripts_when_a_directory_is_in_the_way(project: Path, capsys: Capture) -> None:
    (project / "verify").write_text("a file, not a directory")
    before = snapshot(project)
    assert run(["add", "users", "-n", "x"]) == 2
    assert capsys.readouterr().err == "Error creating verify: File exists\n"
    assert snapshot(project) == before


def test_add_to_two_plans_undoes_the_first(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    (project / "other.plan").write_text(PLAN)
    with (project / "sqitch.conf").open("a") as handle:
        handle.write('[target "two"]\n\turi = db:sqlite:two.db\n\tplan_file = other.plan\n')
    before = snapshot(project)
    _fail_writing(monkeypatch, "other.plan")
    assert run(["add", "users", "-n", "x", "db:sqlite:one.db", "two"]) == 2
    assert snapshot(project) == before


def test_add_keeps_scripts_that_were_there(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    (project / "deploy").mkdir()
    (project / "deploy" / "users.sql").write_text("-- mine\n")
    before = snapshot(project)
    _fail_writing(monkeypatch, "sqitch.plan")
    assert run(["add", "users", "-n", "x"]) == 2
    assert snapshot(project) == before


def test_add_with_a_subprocess_out_of_space(project: Path) -> None:
    """A real write failure: the file-size limit stops the plan write."""
    (project / "sqitch.plan").write_text(_big_plan(300))
    before = snapshot(project)
    limit = len((project / "sqitch.plan").read_bytes()) + 10

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "sqlitch", "add", "users", "-n", "x"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        preexec_fn=limited,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == b"Cannot open sqitch.plan: File too large\n"
    assert snapshot(project) == before


def test_rework_restores_what_it_overwrote(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    assert run(["add", "users", "-n", "x"]) == 0
    assert run(["tag", "v1", "-n", "t"]) == 0
    (project / "revert" / "users.sql").write_text("-- my revert\n")
    before = snapshot(project)
    _fail_writing(monkeypatch, "sqitch.plan")
    assert run(["rework", "users", "-n", "again"]) == 2
    assert snapshot(project) == before  # users@v1 copies gone, revert/users.sql restored


def test_rework_copy_failure_undoes_earlier_copies(project: Path, capsys: Capture) -> None:
    assert run(["add", "users", "-n", "x"]) == 0
    assert run(["tag", "v1", "-n", "t"]) == 0
    (project / "verify" / "users@v1.sql").mkdir()  # the last copy cannot be made
    before = snapshot(project)
    assert run(["rework", "users", "-n", "again"]) == 2
    err = capsys.readouterr().err
    assert err == "Cannot copy verify/users.sql to verify/users@v1.sql: Is a directory\n"
    assert snapshot(project) == before


def test_tag_of_two_plans_is_all_or_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    (project / "other.plan").write_text(PLAN + "a 2026-01-01T00:00:00Z A <a@b.c> # a\n")
    (project / "sqitch.plan").write_text(PLAN + "a 2026-01-01T00:00:00Z A <a@b.c> # a\n")
    with (project / "sqitch.conf").open("a") as handle:
        handle.write('[target "two"]\n\turi = db:sqlite:two.db\n\tplan_file = other.plan\n')
    before = snapshot(project)
    _fail_writing(monkeypatch, "other.plan")
    assert run(["tag", "v1", "-n", "t", "db:sqlite:one.db", "two"]) == 2
    assert snapshot(project) == before


def test_init_undoes_config_and_plan_when_a_directory_fails(
    isolated_env: Path, capsys: Capture
) -> None:
    (isolated_env / "verify").write_text("in the way")
    before = snapshot(isolated_env)
    assert run(["init", "widgets", "--engine", "sqlite"]) == 2
    assert capsys.readouterr().err == "Error creating verify: File exists\n"
    assert snapshot(isolated_env) == before  # no sqitch.conf, sqitch.plan, deploy/, revert/


def test_init_undoes_config_when_the_plan_cannot_be_written(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    _fail_writing(monkeypatch, "sqitch.plan")
    assert run(["init", "widgets", "--engine", "sqlite", "--plan-file", "sub/dir/sqitch.plan"]) == 2
    assert snapshot(isolated_env) == {}


def test_init_keeps_its_config_when_the_plan_is_another_project(
    isolated_env: Path, capsys: Capture
) -> None:
    # As Sqitch does (pinned by the golden scenario init/existing-plan-other).
    (isolated_env / "sqitch.plan").write_text("%syntax-version=1.0.0\n%project=gadgets\n\n")
    assert run(["init", "widgets", "--engine", "sqlite"]) == 2
    assert (isolated_env / "sqitch.conf").is_file()


def test_target_add_undoes_config_when_a_directory_fails(project: Path, capsys: Capture) -> None:
    (project / "revert").write_text("in the way")
    before = snapshot(project)
    assert run(["target", "add", "prod", "db:sqlite:prod.db"]) == 2
    assert snapshot(project) == before


def test_engine_add_undoes_config_when_the_plan_fails(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    (isolated_env / "sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    (isolated_env / "p").mkdir()
    before = snapshot(isolated_env)
    _fail_writing(monkeypatch, "x.plan")
    argv = ["engine", "add", "pg", "--plan-file", "p/x.plan"]
    # The plan names no project yet: Sqitch's refusal, config kept ...
    assert run(argv) == 2
    assert "Missing %project pragma" in capsys.readouterr().err
    assert snapshot(isolated_env) != before
    (isolated_env / "sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    (isolated_env / "sqitch.plan").write_text(PLAN)
    before = snapshot(isolated_env)
    # ... but a failed write undoes it.
    assert run(argv) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert snapshot(isolated_env) == before


def test_interrupt_undoes_the_writes(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    real = files.write_atomically

    def interrupted(path: str | os.PathLike[str], data: bytes, *, shown: str | None = None) -> None:
        if files.real_path(path).name == "sqitch.plan" and b"users" in data:
            raise KeyboardInterrupt
        real(path, data, shown=shown)

    monkeypatch.setattr(files, "write_atomically", interrupted)
    before = snapshot(project)
    assert run(["add", "users", "-n", "x"]) == 130
    assert snapshot(project) == before


# ---------------------------------------------------------------------------
# Names that leave the project


@pytest.mark.parametrize("name", ["x/../../../../tmp/esc", "..", "a/..", "../a", "a/../b"])
def test_add_refuses_dot_dot_segments(project: Path, capsys: Capture, name: str) -> None:
    before = snapshot(project)
    outside = snapshot(project.parent)
    assert run(["add", name, "-n", "a"]) == 2
    assert capsys.readouterr().err == (
        f'"{name}" is invalid: change names must not contain ".." as a path segment\n'
    )
    assert snapshot(project) == before
    assert snapshot(project.parent) == outside


def test_dots_inside_names_are_fine(project: Path, capsys: Capture) -> None:
    assert run(["add", "a..b", "-n", "a"]) == 0
    assert run(["add", "x/a..b/c", "-n", "a"]) == 0
    assert (project / "deploy" / "x" / "a..b" / "c.sql").is_file()


def test_rework_refuses_dot_dot_segments(project: Path, capsys: Capture) -> None:
    (project / "sqitch.plan").write_text(
        PLAN + "x/../y 2026-01-01T00:00:00Z A <a@b.c> # a\n@v1 2026-01-01T00:00:00Z A <a@b.c> # t\n"
    )
    before = snapshot(project)
    assert run(["rework", "x/../y", "-n", "a"]) == 2
    assert '".." as a path segment' in capsys.readouterr().err
    assert snapshot(project) == before
