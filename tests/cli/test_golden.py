"""SQLitch against the behaviour recorded from Sqitch 1.3.1 (golden fixtures).

One test per stored file under tests/support/golden/, plus checks that the
stored files are in step with the scenarios, plus tests of the harness itself
against stub ``run`` functions.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from tests.support import golden
from tests.support.servers import MYSQL_VAR, require_server

import sqlitch.clock

GOLDEN_FILES = golden.golden_paths()


def _golden_params() -> list[Any]:
    """One test per golden file; server scenarios once per SQLitch script runner.

    A server scenario's test id names the runner, e.g. ``mysql/deploy-basic:client``;
    the runner reaches SQLitch as ``SQLITCH_RUNNER`` (golden.RUNNER_VAR).
    """
    params = []
    for path in GOLDEN_FILES:
        sid = golden.golden_id(path)
        scenario_file = golden.scenario_path(sid)
        try:
            scenario = golden.load_scenario(scenario_file) if scenario_file.exists() else None
        except golden.ScenarioError:
            scenario = None  # reported by the test itself
        if scenario is None or scenario.server is None:
            params.append(pytest.param(path, None, id=sid))
            continue
        marks = [pytest.mark.mysql] if scenario.server == "mysql" else []
        params.extend(
            pytest.param(path, runner, id=f"{sid}:{runner}", marks=marks)
            for runner in scenario.runners
        )
    return params


class MissingProgramWarning(UserWarning):
    """A golden scenario needs a program (e.g. the sqlite3 client) this machine lacks."""


@pytest.mark.parametrize(("path", "runner"), _golden_params())
def test_matches_sqitch(path: Path, runner: str | None, tmp_path: Path) -> None:
    sid = golden.golden_id(path)
    scenario = golden.load_scenario(golden.scenario_path(sid))
    server_uri = None
    if scenario.server == "mysql":
        # Skips with a ServerUnavailableWarning when the server is not there.
        server_uri = require_server(MYSQL_VAR)
    missing = scenario.missing_programs(runner)
    if missing:
        reason = f"{sid} needs {', '.join(missing)} on PATH"
        warnings.warn(f"skipping golden scenario: {reason}", MissingProgramWarning, stacklevel=1)
        pytest.skip(reason)
    result = golden.check_golden(path, tmp_path, script_runner=runner, server_uri=server_uri)
    if result.diffs:
        report = "\n".join(d.render() for d in result.diffs)
        pytest.fail(f"SQLitch differs from Sqitch:\n{report}", pytrace=False)


def test_every_scenario_has_a_current_golden_file() -> None:
    problems = []
    for path in golden.scenario_paths():
        scenario = golden.load_scenario(path)
        stored = golden.golden_path(scenario.id)
        if not stored.exists():
            problems.append(f"{scenario.id}: no golden file")
        elif golden.load_golden(stored).get("scenario_sha1") != scenario.sha1:
            problems.append(f"{scenario.id}: scenario changed since it was recorded")
    assert not problems, "run scripts/golden/regenerate:\n" + "\n".join(problems)


def test_every_golden_file_has_a_scenario() -> None:
    orphans = [
        golden.golden_id(p)
        for p in GOLDEN_FILES
        if not golden.scenario_path(golden.golden_id(p)).exists()
    ]
    assert not orphans, f"golden files without a scenario: {orphans}"


# --------------------------------------------------------------------------
# The harness itself, against stub run functions


def _scenario(tmp_path: Path, text: str, sid: str = "stub/case") -> golden.Scenario:
    root = tmp_path / "scenarios"
    path = root / f"{sid}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return golden.load_scenario(path, root)


def test_in_process_run_sees_the_standard_state(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def run(argv: list[str]) -> int:
        seen["argv"] = argv
        seen["env"] = dict(os.environ)
        seen["cwd"] = os.getcwd()
        seen["now"] = sqlitch.clock.now()
        seen["stdin"] = sys.stdin.read()
        print("text ünïcode")
        sys.stdout.buffer.write(b"bytes\n")
        print("more text")
        sys.stderr.write(f"cwd={os.getcwd()}\n")
        return 3

    scenario = _scenario(
        tmp_path,
        """
[env]
EXTRA = "{HOME}/x"
[[step]]
args = ["go", "{PROJECT}/a"]
stdin = "y\\n"
env = { TZ = "" }
""",
    )
    before = (dict(os.environ), os.getcwd(), sys.stdin, sys.stdout, sys.stderr)
    before_now = sqlitch.clock.now
    (step,) = golden.run_sqlitch(scenario, tmp_path / "t", run)
    assert (dict(os.environ), os.getcwd(), sys.stdin, sys.stdout, sys.stderr) == before
    assert sqlitch.clock.now is before_now

    t = (tmp_path / "t").resolve()
    assert seen["argv"] == ["go", f"{t}/project/a"]
    assert seen["cwd"] == str(t / "project")
    assert seen["now"] == datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    assert seen["stdin"] == "y\n"
    env = seen["env"]
    assert isinstance(env, dict)
    assert env["HOME"] == str(t / "home")
    assert env["EXTRA"] == str(t / "home" / "x")
    assert env["SQITCH_SYSTEM_CONFIG"] == str(t / "etc" / "sqitch.conf")
    assert env["SQITCH_FULLNAME"] == "Marge N. O'Vera"
    assert "TZ" not in env
    assert not {"EDITOR", "PAGER", "SQITCH_CONFIG", "SQITCH_USER_CONFIG"} & set(env)
    assert step == {
        "args": ["go", "{PROJECT}/a"],
        "exit": 3,
        "stdout": "text ünïcode\nbytes\nmore text\n",
        "stderr": "cwd={PROJECT}\n",
        "files": {},
    }


def test_state_is_restored_when_run_raises(tmp_path: Path) -> None:
    def run(argv: list[str]) -> int:
        os.environ["LEAK"] = "1"
        raise RuntimeError("boom")

    scenario = _scenario(tmp_path, '[[step]]\nargs = ["x"]\n')
    stdout, cwd = sys.stdout, os.getcwd()
    with pytest.raises(RuntimeError, match="boom"):
        golden.run_sqlitch(scenario, tmp_path / "t", run)
    assert "LEAK" not in os.environ
    assert sys.stdout is stdout
    assert os.getcwd() == cwd

    crashes: list[str | None] = []
    (step,) = golden.run_sqlitch(scenario, tmp_path / "u", run, crashes=crashes)
    assert step["exit"] == -1
    assert step["stderr"] == golden.CRASH_MARKER + "\n"
    assert crashes[0] is not None
    assert "RuntimeError: boom" in crashes[0]


def test_snapshot_names_files_and_markers(tmp_path: Path) -> None:
    layout = golden.Layout.create(tmp_path / "t")
    layout.write_files(
        {
            "sqitch.conf": "top_dir = {PROJECT}/x\n",
            "~/.sqitch/sqitch.conf": "[user]\n",
            "{ETC}/sqitch.conf": "[core]\n",
            "{TMP}/other.txt": "home is {HOME}\n",
        }
    )
    (layout.project / "deploy").mkdir()
    (layout.project / "blob").write_bytes(b"\xff\x00")
    blob_sha1 = hashlib.sha1(b"\xff\x00").hexdigest()  # noqa: S324 - as stored
    (layout.project / "db.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)
    assert layout.snapshot() == {
        "blob": f"<binary sha1={blob_sha1}>",
        "db.db": golden.SQLITE_MARKER,
        "deploy/": golden.DIR_MARKER,
        "sqitch.conf": "top_dir = {PROJECT}/x\n",
        "{ETC}/sqitch.conf": "[core]\n",
        "{TMP}/other.txt": "home is {HOME}\n",
        "~/.sqitch/sqitch.conf": "[user]\n",
    }
    assert golden.Layout.create(tmp_path / "empty").snapshot() == {}


def test_normalise_prefers_the_most_specific_path(tmp_path: Path) -> None:
    layout = golden.Layout.create(tmp_path)
    root = layout.root
    text = f"{root}/project/a {root}/home/b {root}/etc/c {root}/d"
    assert layout.normalise(text) == "{PROJECT}/a {HOME}/b {ETC}/c {TMP}/d"
    assert layout.expand(layout.normalise(text)) == text


def test_first_line_comparisons_store_only_the_first_line(tmp_path: Path) -> None:
    def run(argv: list[str]) -> int:
        print("Usage: prose\nmore prose")
        return 2

    scenario = _scenario(
        tmp_path, '[[step]]\nargs = ["x"]\ncompare = ["exit", "stdout-first-line"]\n'
    )
    assert golden.run_sqlitch(scenario, tmp_path / "t", run) == [
        {"args": ["x"], "exit": 2, "stdout": "Usage: prose\n"}
    ]


def test_differences_are_reported_readably() -> None:
    expected = {"args": ["a"], "exit": 0, "stdout": "one\ntwo\n", "files": {"f": "x\n", "g": ""}}
    actual = {"args": ["a"], "exit": 2, "stdout": "one\nTWO", "files": {"f": "y\n", "h": ""}}
    same, diffs = golden.compare("c/n", [expected, expected], [actual, expected])
    assert same == 1
    (diff,) = diffs
    text = diff.render()
    assert text.startswith("c/n step 1: sqitch a\n")
    for fragment in (
        "exit: sqitch 0, sqlitch 2",
        "-two",
        "+TWO",
        "No newline at end",
        "--- sqitch f",
        "file g: only in sqitch",
        "file h: only in sqlitch",
    ):
        assert fragment in text


def test_whitespace_only_differences_are_visible() -> None:
    details = golden.diff_step({"args": [], "stdout": "a\n"}, {"args": [], "stdout": "a\r\n"})
    assert details and "'a\\r'" in "\n".join(details)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('description = "x"\n', "at least one"),
        ("bogus = 1\n[[step]]\nargs = []\n", "unknown key"),
        ('[[step]]\nargs = "init"\n', "list of strings"),
        ('[[step]]\nargs = []\ncompare = ["stdout", "stdout-first-line"]\n', "both"),
        ('[[step]]\nargs = []\ncompare = ["exit-code"]\n', "unknown value"),
        ("[[step]]\nargs = []\nenv = { A = 1 }\n", "table of strings"),
        ("[[step]\n", "stub/case"),
    ],
)
def test_bad_scenarios_are_rejected(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(golden.ScenarioError, match=message):
        _scenario(tmp_path, text)


def test_stored_format_is_stable() -> None:
    text = golden.dump_golden({"steps": [{"stdout": "’", "args": []}], "scenario": "a/b"})
    expected = '{\n "scenario": "a/b",\n "steps": [\n  {\n   "args": [],\n   "stdout": "’"\n'
    assert text == expected + "  }\n ]\n}\n"


def test_fake_streams_are_not_terminals(tmp_path: Path) -> None:
    seen = []

    def run(argv: list[str]) -> int:
        seen.extend(
            [sys.stdin.isatty(), sys.stdout.isatty(), isinstance(sys.stdout, io.TextIOWrapper)]
        )
        return 0

    golden.run_sqlitch(_scenario(tmp_path, "[[step]]\nargs = []\n"), tmp_path / "t", run)
    assert seen == [False, False, True]


# --------------------------------------------------------------------------
# Server scenarios (server = "mysql")

_MYSQL_FILES = """
[files]
"sqitch.conf" = "[engine \\"mysql\\"]\\n\\ttarget = {MYSQL_URI}\\n\\tregistry = {MYSQL_REGISTRY}\\n"
"""


def _mysql(top: str = "", steps: str = "[[step]]\nargs = []\n") -> str:
    """A MySQL scenario's text: ``top`` keys, the config file, then ``steps``."""
    return 'server = "mysql"\n' + top + _MYSQL_FILES + steps


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('server = "oracle"\n[[step]]\nargs = []\n', "server must be"),
        ('runners = ["client"]\n[[step]]\nargs = []\n', "runners needs a server"),
        (_mysql('runners = ["odbc"]\n'), "runners must be"),
        (_mysql("runners = []\n"), "runners must be"),
        ('server = "mysql"\n[[step]]\nargs = ["status"]\n', "must set its registry"),
    ],
)
def test_bad_server_scenarios_are_rejected(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(golden.ScenarioError, match=message):
        _scenario(tmp_path, text)


def test_server_scenarios_default_to_the_client_runner(tmp_path: Path) -> None:
    scenario = _scenario(tmp_path, _mysql())
    assert (scenario.server, scenario.runners) == ("mysql", ("client",))
    assert "mysql" in scenario.programs("client")
    assert "mysql" not in scenario.programs("driver")
    both = _scenario(tmp_path, _mysql('runners = ["client", "driver"]\n'))
    assert both.runners == ("client", "driver")
    plain = _scenario(tmp_path, "[[step]]\nargs = []\n")
    assert (plain.server, plain.runners, plain.programs("client")) == (None, (), [])


def test_server_dates_are_masked_but_plan_dates_kept() -> None:
    from tests.support.mysql_dump import mask_clock_timestamps

    now = datetime.fromisoformat("2026-12-02T18:40:12+00:00")
    text = (
        "# Deployed: 2026-12-02 18:40:12 +0000\n"
        "Date:      2026-12-03 01:02:03 +00:00\n"
        "raw 2026-12-01T23:59:59Z frac 2026-12-02 18:40:12.123456\n"
        "planned 2026-01-01T00:00:00Z old 2026-11-29 00:00:00 id 12026-12-02 18:40:12\n"
    )
    assert mask_clock_timestamps(text, now) == (
        "# Deployed: <clock ####-##-## ##:##:## +####>\n"
        "Date:      <clock ####-##-## ##:##:## +##:##>\n"
        "raw <clock ####-##-##T##:##:##Z> frac <clock ####-##-## ##:##:##.######>\n"
        "planned 2026-01-01T00:00:00Z old 2026-11-29 00:00:00 id 12026-12-02 18:40:12\n"
    )


def test_database_names_normalise_without_overlap(tmp_path: Path) -> None:
    target, registry, absent = golden.mysql_database_names()
    assert len({len(target), len(registry), len(absent)}) == 1
    assert len({target, registry, absent}) == 3
    server = golden.MysqlServer("db:mysql://root:pw@db.example:3307/test?x=1")
    sandbox = golden.MysqlSandbox(server, None, target, registry, absent)
    layout = golden.Layout.create(tmp_path, sandbox.substitutions(), sandbox.expansions())
    text = (
        f"db:mysql://root:pw@db.example:3307/{target} db:mysql://root@db.example:3307/{registry}"
        f" {registry}.changes {target}.a `{absent}`"
    )
    assert layout.normalise(text) == (
        "{MYSQL_URI} {MYSQL_SERVER}/{MYSQL_REGISTRY} {MYSQL_REGISTRY}.changes {MYSQL_DB}.a"
        " `{MYSQL_ABSENT}`"
    )
    assert layout.expand("{MYSQL_URI}") == f"db:mysql://root:pw@db.example:3307/{target}"
    assert layout.expand("{MYSQL} x") == (
        "MYSQL_PWD=pw mysql --host=db.example --port=3307 --user=root x"
    )


@pytest.mark.mysql
def test_server_scenario_databases_runner_and_dumps(tmp_path: Path) -> None:
    uri = require_server(MYSQL_VAR)
    seen: dict[str, object] = {}

    def run(argv: list[str]) -> int:
        seen["runner"] = os.environ.get(golden.RUNNER_VAR)
        seen["argv"] = argv
        conn = golden.MysqlServer(uri).connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SHOW DATABASES")
                seen["databases"] = {row[0] for row in cur.fetchall()}
                db = argv[1]
                cur.execute(f"CREATE TABLE `{db}`.t (x INT, at DATETIME(6))")
                cur.execute(f"INSERT INTO `{db}`.t VALUES (1, utc_timestamp(6))")  # noqa: S608
        finally:
            conn.close()
        print(f"Deployed {argv[0]} at 2026-01-01 00:00:00 and {datetime.now():%Y-%m-%d %H:%M:%S}")
        return 0

    steps = (
        '[[step]]\nargs = ["{MYSQL_URI}", "{MYSQL_DB}"]\n'
        'shell = "{MYSQL} -e \\"CREATE TABLE {MYSQL_REGISTRY}.r (y INT)\\""\n'
    )
    scenario = _scenario(tmp_path, _mysql('runners = ["driver"]\n', steps))
    (step,) = golden.run_sqlitch(scenario, tmp_path / "t", run, server_uri=uri)
    assert seen["runner"] == "driver"
    argv = seen["argv"]
    assert isinstance(argv, list)
    target = argv[1]
    databases = seen["databases"]
    assert isinstance(databases, set)
    assert target in databases
    assert step["stdout"] == (
        "Deployed {MYSQL_URI} at 2026-01-01 00:00:00 and <clock ####-##-## ##:##:##>\n"
    )
    dump = step["files"]["mysql:{MYSQL_DB}"]
    assert "column at datetime(6) NULL default NULL" in dump
    assert "    x = 1\n    at = <clock ####-##-## ##:##:##.######>\n" in dump
    assert "table r\n" in step["files"]["mysql:{MYSQL_REGISTRY}"]
    assert "mysql:{MYSQL_ABSENT}" not in step["files"]
    conn = golden.MysqlServer(uri).connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW DATABASES")
            assert not [row[0] for row in cur.fetchall() if row[0] == target]
    finally:
        conn.close()


@pytest.mark.mysql
def test_server_scenarios_may_not_create_other_databases(tmp_path: Path) -> None:
    uri = require_server(MYSQL_VAR)

    def run(argv: list[str]) -> int:
        conn = golden.MysqlServer(uri).connect()
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE `{argv[0]}_extra`")
        finally:
            conn.close()
        return 0

    scenario = _scenario(tmp_path, _mysql(steps='[[step]]\nargs = ["{MYSQL_REGISTRY}"]\n'))
    with pytest.raises(golden.ServerGuardError, match="unexpected database"):
        golden.run_sqlitch(scenario, tmp_path / "t", run, server_uri=uri)
    conn = golden.MysqlServer(uri).connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW DATABASES LIKE 'sqlitch\\_golden\\_%'")
            assert not [row[0] for row in cur.fetchall() if row[0].endswith("_extra")]
    finally:
        conn.close()
