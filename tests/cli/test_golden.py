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
from tests.support.servers import MYSQL_VAR, PG_VAR, require_server

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
        marks = [getattr(pytest.mark, scenario.server)]  # mysql, pg
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
    if scenario.server is not None:
        # Skips with a ServerUnavailableWarning when the server is not there.
        server_uri = require_server({"mysql": MYSQL_VAR, "pg": PG_VAR}[scenario.server])
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


def test_head_comparisons_store_messages_and_usage_lines(tmp_path: Path) -> None:
    def run(argv: list[str]) -> int:
        print("Unknown option: a\nUnknown option: b\nUsage:\n  x [y]\n  x z\n\nOptions:\n  prose")
        print("Only a message", file=sys.stderr)
        return 2

    scenario = _scenario(
        tmp_path, '[[step]]\nargs = ["x"]\ncompare = ["exit", "stdout-head", "stderr-head"]\n'
    )
    assert golden.run_sqlitch(scenario, tmp_path / "t", run) == [
        {
            "args": ["x"],
            "exit": 2,
            "stdout": "Unknown option: a\nUnknown option: b\nUsage:\n  x [y]\n  x z\n",
            "stderr": "Only a message\n",
        }
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
        ('[[step]]\nargs = []\ncompare = ["stderr-head", "stderr-first-line"]\n', "both"),
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
        ('server = "pg"\n[[step]]\nargs = ["status"]\n', "must name its database"),
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


# --------------------------------------------------------------------------
# Server scenarios (server = "pg")

_PG_FILES = """
[files]
"sqitch.conf" = "[core]\\n\\tengine = pg\\n[engine \\"pg\\"]\\n\\ttarget = {PG_URI}\\n"
"""


def _pg(top: str = "", steps: str = "[[step]]\nargs = []\n") -> str:
    """A PostgreSQL scenario's text: ``top`` keys, the config file, then ``steps``."""
    return 'server = "pg"\n' + top + _PG_FILES + steps


def test_pg_scenarios_need_psql_for_the_client_runner(tmp_path: Path) -> None:
    scenario = _scenario(tmp_path, _pg('runners = ["client", "driver"]\n'))
    assert (scenario.server, scenario.runners) == ("pg", ("client", "driver"))
    assert scenario.programs("client") == ["psql"]
    assert scenario.programs("driver") == []
    assert _scenario(tmp_path, _pg()).runners == ("client",)


def test_pg_names_normalise_without_overlap(tmp_path: Path) -> None:
    target, registry, absent = golden.pg_database_names()
    assert len({len(target), len(registry), len(absent)}) == 1
    assert len({target, registry, absent}) == 3
    assert all(len(name) <= 63 for name in (target, registry, absent))  # NAMEDATALEN
    server = golden.PgServer("db:pg://marge:s3cr%27t@db.example:5433/maint?sslmode=disable")
    sandbox = golden.PgSandbox(server, None, target, registry, absent)
    layout = golden.Layout.create(tmp_path, sandbox.substitutions(), sandbox.expansions())
    text = (
        f"db:pg://marge:s3cr%27t@db.example:5433/{target} db:pg://marge@db.example:5433/{absent}"
        f' "{registry}".changes {target}.a schema {registry}\n'
        f'connection to server at "db.example", port 5433 failed: database "{absent}"'
    )
    assert layout.normalise(text) == (
        '{PG_URI} {PG_SERVER}/{PG_ABSENT} "{PG_REGISTRY}".changes {PG_DB}.a schema {PG_REGISTRY}\n'
        'connection to server at "{PG_HOST}", port {PG_PORT} failed: database "{PG_ABSENT}"'
    )
    assert layout.expand("{PG_URI}") == f"db:pg://marge:s3cr%27t@db.example:5433/{target}"
    # The password (decoded) in the environment, never on the command line.
    assert layout.expand("{PSQL} -c x") == (
        "PGPASSWORD='s3cr'\"'\"'t' psql --no-psqlrc --set=ON_ERROR_STOP=1"
        f" --host=db.example --port=5433 --username=marge --dbname={target} -c x"
    )
    assert golden.PgServer("db:pg://u@h/").params()["database"] == "postgres"
    assert golden.PgServer("db:pg://u@h").client_command("d") == (
        "psql --no-psqlrc --set=ON_ERROR_STOP=1 --host=h --port=5432 --username=u --dbname=d"
    )


def test_pg_server_unavailable_is_reported(tmp_path: Path) -> None:
    reason = golden.server_unavailable("pg", "db:pg://postgres@127.0.0.1:1/postgres")
    assert reason is not None
    assert "does not answer" in reason
    scenario = _scenario(tmp_path, _pg())
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(golden.PG_VAR, raising=False)
        with pytest.raises(golden.ScenarioError, match="SQLITCH_TEST_PG_URI is not set"):
            golden.run_sqlitch(scenario, tmp_path / "t", lambda argv: 0)


def _pg_databases(uri: str) -> set[str]:
    conn = golden.PgServer(uri).connect()
    try:
        return {str(row[0]) for row in conn.execute("SELECT datname FROM pg_database")}
    finally:
        conn.close()


@pytest.mark.pg
def test_pg_scenario_database_runner_and_dumps(tmp_path: Path) -> None:
    uri = require_server(PG_VAR)
    seen: dict[str, object] = {}

    def run(argv: list[str]) -> int:
        seen["runner"] = os.environ.get(golden.RUNNER_VAR)
        seen["argv"] = argv
        seen["pg_env"] = sorted(k for k in os.environ if k.startswith("PG"))
        conn = golden.PgServer(uri).connect(argv[1])
        try:
            seen["database"] = conn.execute("SELECT current_database()").fetchone()[0]
            conn.execute("CREATE TABLE t (x INT, at TIMESTAMPTZ DEFAULT clock_timestamp())")
            conn.execute("INSERT INTO t (x) VALUES (1)")
        finally:
            conn.close()
        print(f"Deployed {argv[0]} at 2026-01-01 00:00:00 and {datetime.now():%Y-%m-%d %H:%M:%S}")
        return 0

    steps = (
        '[[step]]\nargs = ["{PG_URI}", "{PG_DB}"]\n'
        "shell = \"{PSQL} --quiet --command='CREATE SCHEMA {PG_REGISTRY}'\"\n"
    )
    scenario = _scenario(tmp_path, _pg('runners = ["driver"]\n', steps))
    before = _pg_databases(uri)
    (step,) = golden.run_sqlitch(scenario, tmp_path / "t", run, server_uri=uri)
    assert seen["runner"] == "driver"
    assert seen["pg_env"] == []  # nothing from the caller's libpq environment
    argv = seen["argv"]
    assert isinstance(argv, list)
    target = argv[1]
    assert seen["database"] == target
    assert target.startswith(golden.PG_NAME_PREFIX + "t_")
    assert step["stdout"] == (
        "Deployed {PG_URI} at 2026-01-01 00:00:00 and <clock ####-##-## ##:##:##>\n"
    )
    dump = step["files"]["pg:{PG_DB}"]
    assert dump.startswith("<pg database>\nencoding UTF8, collate C, ctype C\n")
    assert "\nschema {PG_REGISTRY}\n" in dump
    assert "  column at timestamp with time zone NULL default clock_timestamp()\n" in dump
    assert "    x = 1\n    at = <clock ####-##-## ##:##:##.######+##>\n" in dump
    assert "pg:{PG_ABSENT}" not in step["files"]
    assert _pg_databases(uri) - before == set()  # dropped afterwards


@pytest.mark.pg
def test_pg_sandbox_is_dropped_when_a_step_fails(tmp_path: Path) -> None:
    uri = require_server(PG_VAR)
    names: list[str] = []

    def run(argv: list[str]) -> int:
        names.append(argv[0])
        raise RuntimeError("boom")

    scenario = _scenario(tmp_path, _pg(steps='[[step]]\nargs = ["{PG_DB}"]\n'))
    with pytest.raises(RuntimeError, match="boom"):
        golden.run_sqlitch(scenario, tmp_path / "t", run, server_uri=uri)
    assert names and names[0] not in _pg_databases(uri)


@pytest.mark.pg
def test_pg_scenarios_may_not_create_other_databases(tmp_path: Path) -> None:
    uri = require_server(PG_VAR)

    def run(argv: list[str]) -> int:
        conn = golden.PgServer(uri).connect()
        try:
            conn.execute(f'CREATE DATABASE "{argv[0]}_extra"')
        finally:
            conn.close()
        return 0

    scenario = _scenario(tmp_path, _pg(steps='[[step]]\nargs = ["{PG_DB}"]\n'))
    with pytest.raises(golden.ServerGuardError, match="unexpected database"):
        golden.run_sqlitch(scenario, tmp_path / "t", run, server_uri=uri)
    assert not [db for db in _pg_databases(uri) if db.endswith("_extra")]


@pytest.mark.pg
def test_pg_scenarios_may_not_touch_the_default_database(tmp_path: Path) -> None:
    """A registry made outside the sandbox (in the URI's own database) fails the step.

    The "maintenance" database of the URI is a scratch database of this test,
    so the guard is exercised without touching any real database.
    """
    from tests.support.servers import scratch_name, uri_with_database

    uri = require_server(PG_VAR)
    maintenance = scratch_name("sqlitch_guard")
    admin = golden.PgServer(uri).connect()
    try:
        admin.execute(f'CREATE DATABASE "{maintenance}"')
        guarded_uri = uri_with_database(uri, maintenance)

        def run(argv: list[str]) -> int:
            conn = golden.PgServer(guarded_uri).connect()
            try:
                conn.execute("CREATE SCHEMA sqitch")
                conn.execute("CREATE TABLE sqitch.changes (id INT)")
            finally:
                conn.close()
            return 0

        scenario = _scenario(tmp_path, _pg())
        with pytest.raises(golden.ServerGuardError, match="'sqitch' schema"):
            golden.run_sqlitch(scenario, tmp_path / "t", run, server_uri=guarded_uri)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{maintenance}" WITH (FORCE)')
        admin.close()


# --------------------------------------------------------------------------
# tests/support/pg_dump.py


def test_pg_dump_values() -> None:
    from tests.support import pg_dump

    now = datetime.fromisoformat("2026-12-02T18:40:12+00:00")
    assert pg_dump.render_value(None, "string", now) == "NULL"
    assert pg_dump.render_value("42", "bare", now) == "42"
    assert pg_dump.render_value("DEADbeef", "bytes", now) == "x'deadbeef'"
    assert pg_dump.render_value(' ["a", "b c"]', "array", now) == '["a", "b c"]'
    assert pg_dump.render_value(" []", "array", now) == "[]"
    assert pg_dump.render_value("[0:1] [1, 2]", "array", now) == "[0:1]=[1, 2]"
    assert pg_dump.render_value("[1:1][1:2] [[1, 2]]", "array", now) == "[[1, 2]]"
    assert pg_dump.render_value('say "hi"', "string", now) == '"say \\"hi\\""'
    # Dates from the running clock are masked, shape kept; plan dates stay.
    assert pg_dump.render_value("2026-12-02 18:40:13.000100+00", "stamped", now) == (
        "<clock ####-##-## ##:##:##.######+##>"
    )
    assert pg_dump.render_value("2026-01-01 00:00:03.000000+00", "stamped", now) == (
        '"2026-01-01 00:00:03.000000+00"'
    )
    assert pg_dump.render_value("2026-12-01 23:00:00.000000", "stamped", now) == (
        "<clock ####-##-## ##:##:##.######>"
    )
    assert pg_dump.render_value("infinity", "stamped", now) == '"infinity"'
    assert not pg_dump.is_clock_value("2026-12-02", now)


_PG_DUMP_SCHEMA = """
CREATE SCHEMA "Odd Name";
COMMENT ON SCHEMA "Odd Name" IS 'odd';
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE parent (id SERIAL PRIMARY KEY, name TEXT COLLATE "C" NOT NULL UNIQUE);
COMMENT ON TABLE parent IS 'parents';
COMMENT ON COLUMN parent.name IS 'the "name"';
CREATE TABLE "Odd Name".kid (
    parent_id INT REFERENCES public.parent(id) ON DELETE CASCADE,
    tags TEXT[] NOT NULL DEFAULT '{}',
    data BYTEA,
    at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    planned TIMESTAMPTZ,
    m mood,
    CHECK (parent_id > 0)
);
CREATE INDEX kid_at ON "Odd Name".kid (at) WHERE parent_id IS NOT NULL;
CREATE VIEW names AS SELECT name FROM parent;
CREATE FUNCTION up() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    NEW.name := upper(NEW.name);  -- $$ inside
    RETURN NEW;
END
$body$;
CREATE TRIGGER parent_up BEFORE INSERT ON parent FOR EACH ROW EXECUTE FUNCTION up();
INSERT INTO parent (name) VALUES ('b'), ('a');
INSERT INTO "Odd Name".kid (parent_id, tags, data, planned, m)
VALUES (1, '{x,"y z"}', '\\x00ff', '2026-01-01 00:00:03+00', 'ok'), (2, '{}', NULL, NULL, NULL);
"""


@pytest.mark.pg
def test_pg_dump_of_a_database() -> None:
    from tests.support import pg_dump
    from tests.support.servers import scratch_name

    uri = require_server(PG_VAR)
    server = golden.PgServer(uri)
    name = scratch_name("sqlitch_dump")
    admin = server.connect()
    try:
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
        conn = server.connect(name)
        try:
            conn.execute(_PG_DUMP_SCHEMA)
            text = pg_dump.dump_database(conn, {name: "{DB}"})
            assert pg_dump.dump_database(conn, {name: "{DB}"}) == text  # stable
            assert conn.info.transaction_status == 0  # idle: nothing left open
            count = conn.execute("SELECT count(*) FROM public.parent").fetchone()[0]
        finally:
            conn.close()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    assert count == 2
    expected_fragments = [
        '<pg database>\nencoding UTF8, collate C, ctype C\n\nschema "Odd Name"\n  comment "odd"\n',
        'table "Odd Name".kid\n'
        "  column parent_id integer NULL\n"
        "  column tags text[] NOT NULL default '{}'::text[]\n"
        "  column data bytea NULL\n"
        "  column at timestamp with time zone NOT NULL default clock_timestamp()\n"
        "  column planned timestamp with time zone NULL\n"
        "  column m public.mood NULL\n"
        "  foreign key kid_parent_id_fkey (parent_id) references public.parent (id)"
        " on update NO ACTION on delete CASCADE\n"
        "  check kid_parent_id_check ((parent_id > 0))\n"
        "  index kid_at USING btree (at) WHERE (parent_id IS NOT NULL)\n",
        'rows "Odd Name".kid\n  2 row(s)\n  row 1\n    parent_id = 1\n    tags = ["x", "y z"]\n'
        "    data = x'00ff'\n    at = <clock ####-##-## ##:##:##.######+##>\n"
        '    planned = "2026-01-01 00:00:03.000000+00"\n    m = "ok"\n',
        '\nschema public\n  comment "standard public schema"\n\ntype public.mood\n'
        '  enum ("sad", "ok")\n',
        "table public.parent\n"
        '  comment "parents"\n'
        "  column id integer NOT NULL default nextval('public.parent_id_seq'::regclass)\n"
        '  column name text NOT NULL collate C comment "the \\"name\\""\n'
        "  primary key parent_pkey (id)\n"
        "  unique parent_name_key (name)\n",
        "view public.names\n  definition\n     SELECT parent.name\n       FROM public.parent;\n",
        "sequence public.parent_id_seq\n"
        "  integer, start 1, increment 1, min 1, max 2147483647, cache 1, no cycle\n"
        "  owned by public.parent.id\n  last value 2, called true\n",
        "function public.up() returns trigger\n"
        "  language plpgsql, volatile, parallel unsafe\n"
        "  body\n    BEGIN\n        NEW.name := upper(NEW.name);  -- $$ inside\n"
        "        RETURN NEW;\n    END\n",
        "trigger parent_up on public.parent\n"
        "  CREATE TRIGGER parent_up BEFORE INSERT ON public.parent FOR EACH ROW"
        " EXECUTE FUNCTION public.up()\n",
        # Other tables' rows sorted by their rendered values.
        'rows public.parent\n  2 row(s)\n  row 1\n    id = 1\n    name = "B"\n'
        '  row 2\n    id = 2\n    name = "A"\n',
    ]
    for fragment in expected_fragments:
        assert fragment in text, fragment
    assert name not in text
