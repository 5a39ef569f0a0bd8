"""The engine contract: deploy/revert/verify behave the same on every engine and runner.

Parametrized over (engine, runner); only SQLite exists so far. PostgreSQL and
MySQL add an entry to ENGINES (a URI factory and a row reader) and gain the
whole suite.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from sqlitch.cli.main import run
from sqlitch.engines.sqlite import _swap_base, check_driver_script
from sqlitch.errors import SqlitchError

PLANNER = "Marge N. O'Vera <marge@example.com>"
PLAN = f"""%syntax-version=1.0.0
%project=flipr

a 2026-01-01T00:00:00Z {PLANNER} # add a
b [a] 2026-01-01T00:00:01Z {PLANNER} # add b
@v1 2026-01-01T00:00:02Z {PLANNER} # tag v1
c 2026-01-01T00:00:03Z {PLANNER} # add c
"""

RUNNERS = ["driver"] + (["client"] if shutil.which("sqlite3") else [])


def sqlite_rows(project: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(project / "sqitch.db") as conn:
        return list(conn.execute(f"SELECT * FROM {table} ORDER BY rowid"))  # noqa: S608


ENGINES: dict[str, tuple[str, Callable[[Path, str], list[tuple[object, ...]]]]] = {
    "sqlite": ("db:sqlite:flipr.db", sqlite_rows),
}

CASES = [(engine, runner) for engine in ENGINES for runner in RUNNERS]


@pytest.fixture(params=CASES, ids=[f"{e}-{r}" for e, r in CASES])
def case(request: pytest.FixtureRequest, isolated_env: Path) -> tuple[str, str]:
    engine, runner = request.param
    uri = ENGINES[engine][0]
    project = isolated_env
    (project / "sqitch.conf").write_text(
        f'[core]\n\tengine = {engine}\n[engine "{engine}"]\n\ttarget = {uri}\n'
        f"\trunner = {runner}\n[user]\n\tname = Tester\n\temail = t@example.com\n"
    )
    (project / "sqitch.plan").write_text(PLAN)
    for name in "abc":
        for kind, sql in (
            ("deploy", f"CREATE TABLE {name} (x INTEGER);\n"),
            ("revert", f"DROP TABLE {name};\n"),
            ("verify", f"SELECT x FROM {name} WHERE 0;\n"),  # noqa: S608
        ):
            (project / kind).mkdir(exist_ok=True)
            (project / kind / f"{name}.sql").write_text(sql)
    return engine, runner


def sqlitch(
    capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    import io
    import sys

    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = run(list(args))
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return code, out, err


def test_deploy_verify_revert_cycle(
    case: tuple[str, str], capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    engine = case[0]
    rows = ENGINES[engine][1]
    code, out, _ = sqlitch(capsys, "deploy")
    assert code == 0
    assert "  + b @v1 .. ok\n" in out
    assert [r[2] for r in rows(isolated_env, "changes")] == ["a", "b", "c"]
    assert [r[1] for r in rows(isolated_env, "tags")] == ["@v1"]
    deps = rows(isolated_env, "dependencies")
    assert [(d[1], d[2]) for d in deps] == [("require", "a")]
    assert sqlitch(capsys, "deploy")[1] == "Nothing to deploy (up-to-date)\n"
    code, out, _ = sqlitch(capsys, "verify")
    assert code == 0 and out.endswith("Verify successful\n")
    code, out, _ = sqlitch(capsys, "revert", "--to", "@v1", stdin="y\n")
    assert code == 0 and "  - c .. ok" in out
    code, out, _ = sqlitch(capsys, "revert", stdin="n\n")
    assert code == 1 and "Nothing reverted" in out
    code, out, _ = sqlitch(capsys, "revert", "-y")
    assert code == 0
    assert rows(isolated_env, "changes") == []
    events = [(e[0], e[2]) for e in rows(isolated_env, "events")]
    assert events == [
        ("deploy", "a"),
        ("deploy", "b"),
        ("deploy", "c"),
        ("revert", "c"),
        ("revert", "b"),
        ("revert", "a"),
    ]
    # Timestamps are strictly increasing even when the clock stands still.
    stamps = [e[8] for e in rows(isolated_env, "events")]
    assert stamps == sorted(set(stamps))


@pytest.mark.parametrize("mode", ["all", "tag", "change"])
def test_failed_deploy_leaves_registry_consistent(
    case: tuple[str, str], mode: str, capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    (isolated_env / "deploy" / "c.sql").write_text("SELECT nosuch FROM nowhere;\n")
    code, out, err = sqlitch(capsys, "deploy", "--mode", mode)
    assert code == 2
    assert "  + c ...... not ok\n" in out
    # Mode "change" stops with the script's own error, as Sqitch does.
    assert err.rstrip().endswith("Deploy failed") == (mode != "change")
    deployed = [r[2] for r in ENGINES[case[0]][1](isolated_env, "changes")]
    assert deployed == {"all": [], "tag": ["a", "b"], "change": ["a", "b"]}[mode]
    fails = [e for e in ENGINES[case[0]][1](isolated_env, "events") if e[0] == "fail"]
    assert [f[2] for f in fails] == ["c"]


def test_log_only_runs_no_script(
    case: tuple[str, str], capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    (isolated_env / "deploy" / "a.sql").write_text("SELECT nosuch FROM nowhere;\n")
    assert sqlitch(capsys, "deploy", "--log-only")[0] == 0
    assert len(ENGINES[case[0]][1](isolated_env, "changes")) == 3


@pytest.mark.skipif(sys.platform == "win32", reason="SQLite deploy locks use flock (POSIX)")
def test_lock_blocks_a_second_deploy(
    case: tuple[str, str], capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    import fcntl

    sqlitch(capsys, "deploy", "--to", "a")
    holder = open(isolated_env / "sqitch.db", "rb")  # noqa: SIM115
    fcntl.flock(holder, fcntl.LOCK_EX)
    timer = threading.Timer(0.3, holder.close)
    try:
        code, out, err = sqlitch(capsys, "deploy", "--lock-timeout", "0")
        assert code == 2
        assert "waiting 0 seconds..." in out
        assert "Timed out waiting 0 seconds" in err
        timer.start()
        code, out, _ = sqlitch(capsys, "deploy", "--lock-timeout", "5")
        assert code == 0 and "  + c ...... ok" in out
    finally:
        timer.cancel()
        holder.close()


def test_registry_placement() -> None:
    assert _swap_base("x.db", "sqitch") == "sqitch.db"
    assert _swap_base("x", "sqitch") == "sqitch"
    assert _swap_base("x.tar.db", "sqitch") == "sqitch.tar.db"
    assert _swap_base("x.db", "meta.sqlite") == "meta.sqlite"


def test_driver_refuses_dot_commands(tmp_path: Path) -> None:
    script = tmp_path / "x.sql"
    check_driver_script(script, "CREATE TABLE t (x);\n-- .not a command\nSELECT 1;\n")
    with pytest.raises(SqlitchError, match=r'x.sql line 2: .*"\.read"'):
        check_driver_script(script, "SELECT 1;\n.read other.sql\n")
    # A line starting with "." inside an unfinished statement is SQL.
    check_driver_script(script, "SELECT 1\n.5;\n")


def test_unknown_runner_is_an_error(isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated_env / "sqitch.conf").write_text(
        '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:f.db\n\trunner = nope\n'
    )
    (isolated_env / "sqitch.plan").write_text(PLAN)
    code, _, err = sqlitch(capsys, "deploy")
    assert code == 2
    assert 'Unknown script runner "nope"' in err
