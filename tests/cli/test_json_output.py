"""--json: every command's output is valid JSON that matches docs/json-schema.json.

On SQLite here (both runners where the sqlite3 client is installed); the
PostgreSQL and MySQL deploy/status checks at the end skip with a
ServerUnavailableWarning when their server is not configured. Every line a
command writes on stdout with --json must parse and validate, stdout must
hold nothing else, and errors must be one JSON object, the last line of
stderr, with the exit value of the plain command.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.cli import run_captured as sqlitch
from tests.support.json_schema import SCHEMA_PATH, Validator, assert_valid, load_validator
from tests.support.servers import (
    MYSQL_VAR,
    PG_VAR,
    mysql_connect,
    mysql_databases,
    pg_databases,
    require_server,
    uri_with_database,
)

PLANNER = "Marge N. O'Vera <marge@example.com>"
PLAN = f"""%syntax-version=1.0.0
%project=flipr
%uri=https://example.com/flipr/

users 2026-01-01T00:00:00Z {PLANNER} # Users: "quoted", back\\slash
posts [users] 2026-01-01T00:00:01Z {PLANNER} # Posts.
@v1 2026-01-01T00:00:02Z {PLANNER} # Tag v1.
comments [users posts !other:thing] 2026-01-01T00:00:03Z {PLANNER} # Comments.
"""
NAMES = ("users", "posts", "comments")
RUNNERS = ["driver"] + (["client"] if shutil.which("sqlite3") else [])


@pytest.fixture(scope="module")
def validator() -> Validator:
    return load_validator()


def write_project(project: Path, uri: str, engine: str = "sqlite", runner: str = "driver") -> None:
    (project / "sqitch.conf").write_text(
        f'[core]\n\tengine = {engine}\n[engine "{engine}"]\n\ttarget = {uri}\n'
        f"\trunner = {runner}\n[user]\n\tname = Tester\n\temail = t@example.com\n"
    )
    (project / "sqitch.plan").write_text(PLAN)
    for name in NAMES:
        for kind, sql in (
            ("deploy", f"CREATE TABLE {name} (x INTEGER);\n"),
            ("revert", f"DROP TABLE {name};\n"),
            ("verify", f"SELECT x FROM {name} WHERE 1 = 0;\n"),  # noqa: S608
        ):
            (project / kind).mkdir(exist_ok=True)
            (project / kind / f"{name}.sql").write_text(sql)


@pytest.fixture(params=RUNNERS)
def project(request: pytest.FixtureRequest, isolated_env: Path) -> Iterator[Path]:
    write_project(isolated_env, "db:sqlite:flipr.db", runner=request.param)
    # A script that prints: its output must not reach stdout in JSON mode.
    with (isolated_env / "deploy" / "users.sql").open("a") as script:
        script.write("SELECT 'printed by the script';\n")
    yield isolated_env


def objects(text: str, validator: Validator) -> list[dict[str, Any]]:
    """Every line of ``text`` as a JSON object that matches the schema."""
    assert text.endswith("\n") or not text
    found = []
    for line in text.splitlines():
        value = json.loads(line)
        assert_valid(value, validator)
        found.append(value)
    return found


def document(text: str, validator: Validator, command: str) -> dict[str, Any]:
    """The one document ``text`` holds; its data."""
    (value,) = objects(text, validator)
    assert value["sqlitch"] == 1 and value["command"] == command
    data: dict[str, Any] = value["data"]
    return data


def error(err: str, validator: Validator, command: str, code: int) -> dict[str, Any]:
    """The JSON error that ends stderr (human diagnostics may precede it)."""
    last = err.splitlines()[-1]
    value = json.loads(last)
    assert_valid(value, validator)
    assert value["command"] == command
    assert value["error"]["exitval"] == code
    found: dict[str, Any] = value["error"]
    return found


def json_sqlitch(
    capsys: pytest.CaptureFixture[str], validator: Validator, *args: str, stdin: str = ""
) -> tuple[int, list[dict[str, Any]], str]:
    code, out, err = sqlitch(capsys, *args, stdin=stdin)
    return code, objects(out, validator), err


# -- the schema and its validator ---------------------------------------------------
def test_schema_file_is_json_and_the_validator_catches_mistakes(validator: Validator) -> None:
    json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    good = {"sqlitch": 1, "command": "target", "data": {"targets": []}}
    assert validator.errors(good) == []
    assert validator.errors({**good, "sqlitch": 2})
    assert validator.errors({**good, "data": {"targets": [{"name": "x"}]}})
    assert validator.errors({**good, "data": {"targets": [], "more": 1}})
    bad_time = {"sqlitch": 1, "command": "plan", "data": {"project": "p", "uri": None}}
    assert validator.errors(bad_time)
    with pytest.raises(ValueError, match="unsupported"):
        Validator({"type": "object", "patternProperties": {}}).errors({})


# -- deploy, verify, revert ------------------------------------------------------------
def test_deploy_writes_one_line_per_change_then_a_summary(
    project: Path, capsys: pytest.CaptureFixture[str], validator: Validator
) -> None:
    code, lines, err = json_sqlitch(capsys, validator, "deploy", "--json")
    assert code == 0
    assert [line["event"] for line in lines] == ["start", "change", "change", "change", "summary"]
    assert all(line["command"] == "deploy" for line in lines)
    start = lines[0]["data"]
    assert start["destination"] == "db:sqlite:flipr.db"
    assert [c["change"] for c in start["changes"]] == list(NAMES)
    changes = [line["data"] for line in lines[1:-1]]
    assert [(c["action"], c["change"], c["tags"], c["ok"]) for c in changes] == [
        ("deploy", "users", [], True),
        ("deploy", "posts", ["@v1"], True),
        ("deploy", "comments", [], True),
    ]
    assert all(len(c["change_id"]) == 40 and c["error"] is None for c in changes)
    summary = lines[-1]["data"]
    assert summary["ok"] is True and summary["changes"] == 3 and summary["failed"] == 0
    # What the script printed went to stderr; the human text went nowhere.
    if "runner = client" in (project / "sqitch.conf").read_text():
        assert "printed by the script" in err
    assert "Deploying changes" not in err

    code, lines, _ = json_sqlitch(capsys, validator, "deploy", "--json")
    assert code == 0
    assert [line["event"] for line in lines] == ["summary"]
    assert lines[0]["data"]["changes"] == 0 and lines[0]["data"]["ok"] is True


def test_plain_output_is_unchanged(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = sqlitch(capsys, "deploy", "--to", "users")
    assert code == 0
    assert out.startswith(
        "Adding registry tables to db:sqlite:sqitch.db\n"
        "Deploying changes through users to db:sqlite:flipr.db\n"
        "  + users .. "
    )
    assert out.endswith("ok\n")
    code, out, _ = sqlitch(capsys, "status")
    assert code == 0 and out.startswith("# On database db:sqlite:flipr.db\n")
    assert "{" not in out


def test_a_failed_deploy_reports_the_change_the_rollback_and_the_error(
    project: Path, capsys: pytest.CaptureFixture[str], validator: Validator
) -> None:
    (project / "deploy" / "comments.sql").write_text("SELECT nosuch FROM nowhere;\n")
    code, lines, err = json_sqlitch(capsys, validator, "deploy", "--json")
    assert code == 2
    events = [
        (line["event"], line["data"].get("action"), line["data"].get("change")) for line in lines
    ]
    assert events == [
        ("start", "deploy", None),
        ("change", "deploy", "users"),
        ("change", "deploy", "posts"),
        ("change", "deploy", "comments"),
        ("change", "revert", "posts"),
        ("change", "revert", "users"),
        ("summary", "deploy", None),
    ]
    failed = lines[3]["data"]
    assert failed["ok"] is False and failed["error"]
    assert lines[-1]["data"]["ok"] is False and lines[-1]["data"]["failed"] == 1
    assert error(err, validator, "deploy", 2)["message"] == "Deploy failed"


def test_verify_and_revert(
    project: Path, capsys: pytest.CaptureFixture[str], validator: Validator
) -> None:
    assert sqlitch(capsys, "deploy")[0] == 0
    code, lines, _ = json_sqlitch(capsys, validator, "verify", "--json")
    assert code == 0
    assert [line["event"] for line in lines] == ["start", "change", "change", "change", "summary"]
    assert all(line["data"]["ok"] for line in lines[1:])

    (project / "verify" / "posts.sql").write_text("SELECT nosuch FROM posts;\n")
    code, lines, err = json_sqlitch(capsys, validator, "verify", "--json")
    assert code == 2
    assert [line["data"]["ok"] for line in lines[1:-1]] == [True, False, True]
    assert lines[2]["data"]["error"] == 'Verify script "verify/posts.sql" failed.'
    assert lines[-1]["data"] == {**lines[-1]["data"], "ok": False, "changes": 3, "failed": 1}
    assert error(err, validator, "verify", 2)["message"] == "Verify failed"

    # Declined: nothing on stdout, the question on stderr, then the error.
    code, out, err = sqlitch(capsys, "revert", "--json", stdin="n\n")
    assert code == 1 and out == ""
    assert err.startswith("Revert all changes from db:sqlite:flipr.db? [Yes] \n")
    assert error(err, validator, "revert", 1)["message"] == "Nothing reverted"

    code, lines, _ = json_sqlitch(
        capsys, validator, "revert", "--json", "--to", "users", stdin="y\n"
    )
    assert code == 0
    assert [line["data"].get("change") for line in lines] == [None, "comments", "posts", None]
    assert lines[0]["data"]["changes"][0]["change"] == "comments"
    code, lines, _ = json_sqlitch(capsys, validator, "revert", "-y", "--json")
    assert code == 0 and [line["event"] for line in lines] == ["start", "change", "summary"]
    code, lines, _ = json_sqlitch(capsys, validator, "revert", "-y", "--json")
    assert code == 0 and lines[0]["data"]["changes"] == 0


def _events(lines: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None]]:
    return [(line["event"], line["data"]["action"], line["data"].get("change")) for line in lines]


def test_rebase_writes_both_halves_then_one_summary(
    project: Path, capsys: pytest.CaptureFixture[str], validator: Validator
) -> None:
    assert sqlitch(capsys, "deploy")[0] == 0
    code, lines, _ = json_sqlitch(capsys, validator, "rebase", "-y", "--onto", "users", "--json")
    assert code == 0
    assert all(line["command"] == "rebase" for line in lines)
    assert _events(lines) == [
        ("start", "revert", None),
        ("change", "revert", "comments"),
        ("change", "revert", "posts"),
        ("start", "deploy", None),
        ("change", "deploy", "posts"),
        ("change", "deploy", "comments"),
        ("summary", "rebase", None),
    ]
    assert lines[-1]["data"] == {**lines[-1]["data"], "ok": True, "changes": 4, "failed": 0}

    # Nothing to revert, nothing to deploy: the summary alone.
    code, lines, _ = json_sqlitch(capsys, validator, "rebase", "-y", "--onto", "@HEAD", "--json")
    assert code == 0 and _events(lines) == [("summary", "rebase", None)]

    # A failing revert half ends the run: no deploy half.
    (project / "revert" / "comments.sql").write_text("DROP TABLE nosuch;\n")
    code, lines, err = json_sqlitch(capsys, validator, "rebase", "-y", "--onto", "users", "--json")
    assert code == 2
    assert _events(lines) == [
        ("start", "revert", None),
        ("change", "revert", "comments"),
        ("summary", "rebase", None),
    ]
    assert lines[-1]["data"] == {**lines[-1]["data"], "ok": False, "changes": 1, "failed": 1}
    error(err, validator, "rebase", 2)

    code, out, err = sqlitch(capsys, "rebase", "-y", "--dry-run", "--json")
    assert code == 2 and out == ""
    assert error(err, validator, "rebase", 2)["message"] == (
        "--json cannot be combined with --dry-run or --sql"
    )


def test_checkout_writes_both_halves_then_one_summary(
    project: Path, capsys: pytest.CaptureFixture[str], validator: Validator
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
            cwd=project,
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "main")
    git("checkout", "-q", "-b", "other")
    plan = (project / "sqitch.plan").read_text()
    (project / "sqitch.plan").write_text(
        plan.split("comments ")[0] + f"likes [users] 2026-01-02T00:00:00Z {PLANNER} # Likes.\n"
    )
    for kind, sql in (("deploy", "CREATE TABLE likes (x);\n"), ("revert", "DROP TABLE likes;\n")):
        (project / kind / "likes.sql").write_text(sql)
    git("add", "-A")
    git("commit", "-q", "-m", "other")
    git("checkout", "-q", "main")
    assert sqlitch(capsys, "deploy")[0] == 0

    code, lines, _ = json_sqlitch(capsys, validator, "checkout", "-y", "other", "--json")
    assert code == 0
    assert all(line["command"] == "checkout" for line in lines)
    assert _events(lines) == [
        ("start", "revert", None),
        ("change", "revert", "comments"),
        ("start", "deploy", None),
        ("change", "deploy", "likes"),
        ("summary", "checkout", None),
    ]
    assert lines[-1]["data"] == {**lines[-1]["data"], "ok": True, "changes": 2, "failed": 0}


def test_verify_reports_planned_changes_that_are_not_deployed(
    project: Path, capsys: pytest.CaptureFixture[str], validator: Validator
) -> None:
    assert sqlitch(capsys, "deploy", "--to", "posts")[0] == 0
    plan = (project / "sqitch.plan").read_text()
    # A change planned between two deployed ones was never deployed (and
    # the next one, its parent changed, is another change now).
    (project / "sqitch.plan").write_text(
        plan.replace("posts [", f"extra 2026-01-01T00:00:01Z {PLANNER} # Extra.\nposts [")
    )
    code, lines, _ = json_sqlitch(capsys, validator, "verify", "--json")
    assert code == 2
    changes = [line["data"] for line in lines if line["event"] == "change"]
    assert ("posts", "Not present in the plan") in [(c["change"], c["error"]) for c in changes]
    not_deployed = [c["change"] for c in changes if c["error"] == "Not deployed"]
    assert not_deployed == ["extra", "posts", "comments"]
    assert lines[-1]["data"]["failed"] == len(changes) - 1


# -- documents ---------------------------------------------------------------------------
def test_status(project: Path, capsys: pytest.CaptureFixture[str], validator: Validator) -> None:
    code, out, err = sqlitch(capsys, "status", "--json")
    assert code == 1 and out == ""
    assert error(err, validator, "status", 1) == {
        "message": "No changes deployed",
        "ident": "status",
        "exitval": 1,
    }
    assert sqlitch(capsys, "deploy", "--to", "@v1")[0] == 0
    code, out, _ = sqlitch(capsys, "status", "--json")
    assert code == 0
    data = document(out, validator, "status")
    assert data["project"] == "flipr" and data["destination"] == "db:sqlite:flipr.db"
    assert data["state"]["change"] == "posts" and data["state"]["tags"] == ["@v1"]
    assert data["state"]["committer_name"] == "Tester"
    assert [c["change"] for c in data["changes"]] == ["posts", "users"]
    assert [t["tag"] for t in data["tags"]] == ["@v1"]
    assert [(c["change"], c["requires"], c["conflicts"]) for c in data["undeployed"]] == [
        ("comments", ["users", "posts"], ["other:thing"])
    ]
    # A plan of another project: status unknown.
    code, out, _ = sqlitch(capsys, "status", "--json", "--project", "other")
    assert code == 1
    (project / "other.plan").write_text("%syntax-version=1.0.0\n%project=other\n\n")
    code, out, _ = sqlitch(capsys, "status", "--json", "--project", "flipr", "-f", "other.plan")
    assert code == 0 and document(out, validator, "status")["undeployed"] is None


def test_plan(project: Path, capsys: pytest.CaptureFixture[str], validator: Validator) -> None:
    code, out, _ = sqlitch(capsys, "plan", "--json")
    assert code == 0
    data = document(out, validator, "plan")
    assert (data["project"], data["uri"], data["file"]) == (
        "flipr",
        "https://example.com/flipr/",
        "sqitch.plan",
    )
    first = data["changes"][0]
    assert first["note"] == 'Users: "quoted", back\\slash'
    assert first["planned_at"] == "2026-01-01T00:00:00Z"
    assert first["planner_name"] == "Marge N. O'Vera"
    assert first["deploy_file"] == "deploy/users.sql"
    assert data["changes"][2]["requires"] == ["users", "posts"]
    assert data["changes"][2]["conflicts"] == ["other:thing"]
    # The listing options apply.
    code, out, _ = sqlitch(capsys, "plan", "--json", "--reverse", "--max-count", "1")
    assert [c["change"] for c in document(out, validator, "plan")["changes"]] == ["comments"]
    # %j prints the same objects; %{note}j makes a template valid JSON.
    code, out, _ = sqlitch(capsys, "plan", "--no-headers", "--format", "format:%j")
    assert [json.loads(line) for line in out.splitlines()] == data["changes"]
    template = 'format:{"note":%{note}j,"tags":%{tags}j,"at":%{planned_at}j}'
    code, out, _ = sqlitch(capsys, "plan", "--no-headers", "--format", template)
    assert code == 0
    assert json.loads(out.splitlines()[0]) == {
        "note": 'Users: "quoted", back\\slash',
        "tags": [],
        "at": "2026-01-01T00:00:00Z",
    }
    code, out, err = sqlitch(capsys, "plan", "--format", "format:%{nope}j")
    assert code == 2 and err == "nope is not a valid change attribute\n"


def test_log(project: Path, capsys: pytest.CaptureFixture[str], validator: Validator) -> None:
    code, out, err = sqlitch(capsys, "log", "--json")
    assert code == 1 and out == ""
    error(err, validator, "log", 1)
    assert sqlitch(capsys, "deploy")[0] == 0
    assert sqlitch(capsys, "revert", "-y", "--to", "users")[0] == 0
    code, out, _ = sqlitch(capsys, "log", "--json")
    assert code == 0
    data = document(out, validator, "log")
    events = [(e["event"], e["change"]) for e in data["events"]]
    assert events[:3] == [("revert", "posts"), ("revert", "comments"), ("deploy", "comments")]
    deploys = {e["change"]: e for e in data["events"] if e["event"] == "deploy"}
    assert deploys["comments"]["requires"] == ["users", "posts"]
    assert deploys["comments"]["conflicts"] == ["other:thing"]
    assert deploys["posts"]["tags"] == ["@v1"]
    assert deploys["users"]["note"] == 'Users: "quoted", back\\slash'
    code, out, _ = sqlitch(capsys, "log", "--no-headers", "--format", "format:%j")
    assert [json.loads(line) for line in out.splitlines()] == data["events"]
    code, out, _ = sqlitch(capsys, "log", "--json", "--event", "deploy", "-n", "1")
    assert [e["event"] for e in document(out, validator, "log")["events"]] == ["deploy"]


def test_check(project: Path, capsys: pytest.CaptureFixture[str], validator: Validator) -> None:
    assert sqlitch(capsys, "deploy")[0] == 0
    code, out, _ = sqlitch(capsys, "check", "--json")
    assert code == 0
    assert document(out, validator, "check") == {
        "destination": "db:sqlite:flipr.db",
        "ok": True,
        "failed": 0,
        "changes": 3,
        "diverged": None,
    }
    (project / "deploy" / "posts.sql").write_text("CREATE TABLE posts (y INTEGER);\n")
    code, out, err = sqlitch(capsys, "check", "--json")
    assert code == 1
    data = document(out, validator, "check")
    assert data["ok"] is False and data["failed"] == 1
    assert data["diverged"]["change"] == "posts" and data["diverged"]["tags"] == ["@v1"]
    assert error(err, validator, "check", 1)["message"] == "Failed one check"


def test_show(project: Path, capsys: pytest.CaptureFixture[str], validator: Validator) -> None:
    code, out, _ = sqlitch(capsys, "show", "--json", "change", "posts")
    assert code == 0
    data = document(out, validator, "show")
    assert data["type"] == "change" and data["change"] == "posts" and data["requires"] == ["users"]
    assert data["parent_id"] is not None and data["info"].startswith("project flipr\n")
    code, plain, _ = sqlitch(capsys, "show", "change", "posts")
    assert plain == data["info"] + "\n"

    code, out, _ = sqlitch(capsys, "show", "--json", "tag", "v1")
    data = document(out, validator, "show")
    assert (data["type"], data["tag"], data["change"]) == ("tag", "@v1", "posts")

    code, out, _ = sqlitch(capsys, "show", "--json", "deploy", "posts")
    data = document(out, validator, "show")
    assert data["script"] == "CREATE TABLE posts (x INTEGER);\n"
    assert data["path"] == "deploy/posts.sql"

    code, out, _ = sqlitch(capsys, "show", "--json", "-e", "verify", "users")
    assert code == 0
    assert document(out, validator, "show") == {"type": "verify", "key": "users", "exists": True}
    code, out, err = sqlitch(capsys, "show", "--json", "-e", "change", "nope")
    assert code == 2 and err == ""
    assert document(out, validator, "show")["exists"] is False

    code, out, err = sqlitch(capsys, "show", "--json", "change", "nope")
    assert code == 2 and out == ""
    assert error(err, validator, "show", 2)["message"] == 'Unknown change "nope"'


def test_target_engine_and_config_lists(
    project: Path, capsys: pytest.CaptureFixture[str], validator: Validator
) -> None:
    assert sqlitch(capsys, "target", "add", "prod", "db:sqlite:prod.db")[0] == 0
    for args in (["target", "--json"], ["target", "list", "--json"]):
        code, out, _ = sqlitch(capsys, *args)
        assert code == 0
        assert document(out, validator, "target") == {
            "targets": [{"name": "prod", "uri": "db:sqlite:prod.db"}]
        }
    code, out, _ = sqlitch(capsys, "engine", "--json")
    assert document(out, validator, "engine") == {
        "engines": [{"name": "sqlite", "target": "db:sqlite:flipr.db"}]
    }
    code, out, err = sqlitch(capsys, "target", "add", "x", "db:sqlite:x.db", "--json")
    assert code == 2 and out == ""
    assert error(err, validator, "target", 2)["ident"] == "usage"

    assert sqlitch(capsys, "config", "--add", "core.variables.many", "a")[0] == 0
    assert sqlitch(capsys, "config", "--add", "core.variables.many", "b")[0] == 0
    code, out, _ = sqlitch(capsys, "config", "-l", "--json")
    assert code == 0
    data = document(out, validator, "config")
    assert data["scope"] == "all"
    assert data["settings"]["core.engine"] == "sqlite"
    assert data["settings"]["core.variables.many"] == ["a", "b"]
    assert data["settings"]["target.prod.uri"] == "db:sqlite:prod.db"
    code, out, _ = sqlitch(capsys, "config", "--list", "--user", "--json")
    assert document(out, validator, "config") == {"scope": "user", "settings": {}}
    code, out, err = sqlitch(capsys, "config", "--json", "core.engine")
    assert code == 2 and out == ""
    assert error(err, validator, "config", 2)["message"] == "--json goes with --list only."


def test_errors_of_every_kind_are_json(
    project: Path, capsys: pytest.CaptureFixture[str], validator: Validator
) -> None:
    code, out, err = sqlitch(capsys, "deploy", "--json", "--bogus")
    assert code == 2 and out == ""
    assert error(err, validator, "deploy", 2) == {
        "message": "Unknown option: bogus",
        "ident": "usage",
        "exitval": 2,
    }
    # An abbreviated --json counts, as Getopt::Long reads it.
    code, out, err = sqlitch(capsys, "status", "--js", "--nope")
    assert code == 2 and error(err, validator, "status", 2)["message"] == "Unknown option: nope"
    code, out, err = sqlitch(capsys, "deploy", "--json", "--to", "nowhere")
    assert code == 2 and out == ""
    assert error(err, validator, "deploy", 2)["message"] == 'Unknown change: "nowhere"'
    code, out, err = sqlitch(capsys, "show", "--json", "change")
    assert code == 2 and error(err, validator, "show", 2)["message"].startswith("Usage:")
    # Help is still help.
    code, out, err = sqlitch(capsys, "plan", "--json", "-h")
    assert code == 0 and "--json" in out and "%j" in out


def test_json_mode_keeps_text_off_stdout_for_the_app() -> None:
    from sqlitch.app import App
    from sqlitch.config import Config

    app = App(Config.load())
    app.json = True
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    try:
        app.emit("text")
        app.info("info")
        app.comment("comment")
        sys.stdin = io.StringIO("maybe\nn\n")
        assert app.ask_yes_no("Sure?", True) is False
        out, err = sys.stdout.getvalue(), sys.stderr.getvalue()
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    assert out == ""
    assert err == 'Sure? [Yes] \nPlease answer "y" or "n".\nSure? [Yes] \n'


def test_internal_errors_are_json_too(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    validator: Validator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlitch.services.status as status

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(status, "run_status", broken)
    code, out, err = sqlitch(capsys, "status", "--json")
    assert code == 2 and out == ""
    assert error(err, validator, "status", 2) == {
        "message": "sqlitch: internal error: RuntimeError: boom",
        "ident": "internal",
        "exitval": 2,
    }

    def interrupted(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(status, "run_status", interrupted)
    code, out, err = sqlitch(capsys, "status", "--json")
    assert code == 130 and error(err, validator, "status", 130)["message"] == "Interrupted"


def test_encoding_details(validator: Validator) -> None:
    from datetime import datetime, timedelta, timezone

    from sqlitch.formatting.json_values import dumps, iso_utc
    from sqlitch.services.json_output import error_object, event_object, split_joined

    assert iso_utc(datetime(2026, 1, 1, 12)) == "2026-01-01T12:00:00Z"  # naive: UTC
    paris = timezone(timedelta(hours=1))
    assert iso_utc(datetime(2026, 1, 1, 12, 0, 0, 500, tzinfo=paris)) == "2026-01-01T11:00:00Z"
    assert dumps({"a": ("x", "é")}) == '{"a": ["x", "é"]}'
    # Bytes that are not UTF-8 (kept as surrogates) are escaped: valid JSON.
    text = dumps(b"caf\xe9".decode("utf-8", "surrogateescape"))
    assert text == '"caf\\udce9"' and text.isascii()
    assert split_joined(None, ",") == []
    assert split_joined(["a", "b"], ",") == ["a", "b"]
    assert split_joined("@v1,@v2", ", ") == ["@v1", "@v2"]
    assert event_object({"tags": "@a @b", "requires": "x,y", "conflicts": None}) == {
        "tags": ["@a", "@b"],
        "requires": ["x", "y"],
        "conflicts": [],
    }
    failure = error_object("deploy", "Ambiguous\n", ident="plan", exitval=2, details=["a", "b"])
    assert_valid(failure, validator)
    assert failure["error"] == {
        "message": "Ambiguous",
        "ident": "plan",
        "exitval": 2,
        "details": ["a", "b"],
    }


# -- PostgreSQL and MySQL -----------------------------------------------------------------
def _server_deploy_and_status(
    project: Path, capsys: pytest.CaptureFixture[str], validator: Validator, destination: str
) -> None:
    code, lines, _ = json_sqlitch(capsys, validator, "deploy", "--json")
    assert code == 0
    assert [line["event"] for line in lines] == ["start", "change", "change", "change", "summary"]
    assert lines[-1]["data"]["ok"] is True and lines[-1]["data"]["changes"] == 3
    code, out, _ = sqlitch(capsys, "status", "--json")
    assert code == 0
    data = document(out, validator, "status")
    assert data["destination"] == destination
    assert data["state"]["change"] == "comments" and data["undeployed"] == []
    code, out, _ = sqlitch(capsys, "log", "--json")
    deploys = {e["change"]: e for e in document(out, validator, "log")["events"]}
    assert deploys["comments"]["requires"] == ["users", "posts"]
    assert deploys["posts"]["tags"] == ["@v1"]
    code, lines, _ = json_sqlitch(capsys, validator, "revert", "-y", "--json")
    assert code == 0 and lines[-1]["data"]["changes"] == 3


@pytest.mark.parametrize("runner", ["driver", "client"])
def test_pg_deploy_and_status(
    isolated_env: Path, capsys: pytest.CaptureFixture[str], validator: Validator, runner: str
) -> None:
    server = require_server(PG_VAR)
    if runner == "client" and not shutil.which("psql"):
        pytest.skip("psql is not installed")
    with pg_databases(server, 1) as (database,):
        uri = uri_with_database(server, database)
        write_project(isolated_env, uri, engine="pg", runner=runner)
        _server_deploy_and_status(isolated_env, capsys, validator, uri)


@pytest.mark.parametrize("runner", ["driver", "client"])
def test_mysql_deploy_and_status(
    isolated_env: Path, capsys: pytest.CaptureFixture[str], validator: Validator, runner: str
) -> None:
    server = require_server(MYSQL_VAR)
    if runner == "client" and not shutil.which("mysql"):
        pytest.skip("mysql is not installed")
    with mysql_databases(server, 2) as (database, registry):
        # The registry database is created by the first deploy.
        mysql_connect(server).cursor().execute(f"DROP DATABASE `{registry}`")
        uri = uri_with_database(server, database)
        write_project(isolated_env, uri, engine="mysql", runner=runner)
        with (isolated_env / "sqitch.conf").open("a") as conf:
            conf.write(f'[engine "mysql"]\n\tregistry = {registry}\n')
        _server_deploy_and_status(isolated_env, capsys, validator, uri)
