"""Target resolution and db: URI handling (expectations recorded from Sqitch 1.3.1 / URI::db)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from sqlitch.config import Config
from sqlitch.errors import SqlitchError
from sqlitch.target import DbUri, all_targets, default_target, is_db_uri, resolve_target


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("SQITCH_CONFIG", "SQITCH_TARGET", "SQLITCH_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SQITCH_USER_CONFIG", str(tmp_path / "user.conf"))
    monkeypatch.setenv("SQITCH_SYSTEM_CONFIG", str(tmp_path / "system.conf"))
    return tmp_path


def load(project: Path, text: str) -> Config:
    (project / "sqitch.conf").write_text(text, encoding="utf-8")
    return Config.load(env={"HOME": str(project / "home")}, cwd=project)


# Values printed by perl -MURI::db for each input.
@pytest.mark.parametrize(
    ("value", "text", "engine", "no_password", "user", "host", "port", "dbname"),
    [
        (
            "db:pg://me:secret@h/w",
            "db:pg://me:secret@h/w",
            "pg",
            "db:pg://me:@h/w",
            "me",
            "h",
            None,
            "w",
        ),
        ("db:pg://:pw@h/w", "db:pg://:pw@h/w", "pg", "db:pg://h/w", "", "h", None, "w"),
        (
            "db:sqlite:foo.db",
            "db:sqlite:foo.db",
            "sqlite",
            "db:sqlite:foo.db",
            None,
            None,
            None,
            "foo.db",
        ),
        (
            "db:sqlite:/abs/x.db",
            "db:sqlite:/abs/x.db",
            "sqlite",
            "db:sqlite:/abs/x.db",
            None,
            None,
            None,
            "/abs/x.db",
        ),
        (
            "db:sqlite:///abs.db",
            "db:sqlite:///abs.db",
            "sqlite",
            "db:sqlite:///abs.db",
            None,
            "",
            None,
            "abs.db",
        ),
        ("DB:PG://x/y", "DB:PG://x/y", "pg", "DB:PG://x/y", None, "x", None, "y"),
        ("db:pg://h:5432/", "db:pg://h:5432/", "pg", "db:pg://h:5432/", None, "h", 5432, ""),
        ("db:postgres://h/w", "db:postgres://h/w", "pg", "db:postgres://h/w", None, "h", None, "w"),
        ("db:sqlite3:x", "db:sqlite3:x", "sqlite", "db:sqlite3:x", None, None, None, "x"),
        ("db:mariadb://h/w", "db:mariadb://h/w", "mysql", "db:mariadb://h/w", None, "h", None, "w"),
        ("db:pg", "db:pg", None, "db:pg", None, None, None, "pg"),
        ("http://x", "db:http://x", "http", "db:http://x", None, "x", None, None),
        ("widgets", "db:widgets", None, "db:widgets", None, None, None, "widgets"),
        ("db:pg:a b", "db:pg:a%20b", "pg", "db:pg:a%20b", None, None, None, "a b"),
    ],
)
def test_db_uri_parts(
    value: str,
    text: str,
    engine: str | None,
    no_password: str,
    user: str | None,
    host: str | None,
    port: int | None,
    dbname: str | None,
) -> None:
    uri = DbUri.parse(value)
    assert str(uri) == text
    assert uri.canonical_engine == engine
    assert uri.without_password() == no_password
    assert uri.user == user
    assert uri.host == host
    assert uri.port == port
    assert uri.dbname == dbname


def test_query_params_and_password() -> None:
    uri = DbUri.parse("db:pg://u:p%40ss@h/w?sslmode=require&x=1")
    assert uri.password == "p@ss"
    assert uri.query_params == [("sslmode", "require"), ("x", "1")]


@pytest.mark.parametrize(
    ("value", "expected"), [("db:pg:", True), ("DB:x", True), ("pg:", False), ("x", False)]
)
def test_is_db_uri(value: str, expected: bool) -> None:
    assert is_db_uri(value) is expected


def test_default_from_core_engine(project: Path) -> None:
    config = load(project, "[core]\n\tengine = pg\n")
    target = resolve_target(config)
    assert (target.name, str(target.uri)) == ("db:pg:", "db:pg:")
    assert (target.registry, target.client, target.extension) == ("sqitch", "psql", "sql")
    assert target.plan_file == PurePosixPath("sqitch.plan")
    assert target.deploy_dir == PurePosixPath("deploy")
    assert target.reworked_verify_dir == PurePosixPath("verify")


def test_precedence_of_names(project: Path) -> None:
    config = load(
        project,
        '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:e.db\n'
        '[target "prod"]\n\turi = db:pg://prod/w\n',
    )
    assert resolve_target(config).name == "db:sqlite:e.db"
    assert resolve_target(config, {"SQITCH_TARGET": "prod"}).name == "prod"
    assert (
        str(resolve_target(config, {"SQITCH_TARGET": "prod"}, name="db:mysql:").uri) == "db:mysql:"
    )
    config = load(
        project, '[core]\n\tengine = sqlite\n\ttarget = prod\n[target "prod"]\n\turi = db:pg:\n'
    )
    assert resolve_target(config).name == "prod"


def test_setting_lookup_order(project: Path) -> None:
    config = load(
        project,
        "[core]\n\tengine = pg\n\tregistry = core\n\ttop_dir = top\n\textension = ddl\n"
        '[engine "pg"]\n\tregistry = eng\n\tclient = /bin/psql\n'
        '[target "t"]\n\turi = db:postgres://h/w\n\tregistry = tgt\n\treworked_dir = rw\n'
        '[engine "pg.variables"]\n\ta = 1\n\tb = 2\n[target "t.variables"]\n\tb = 3\n',
    )
    target = resolve_target(config, name="t")
    assert (target.registry, target.client, target.extension) == ("tgt", "/bin/psql", "ddl")
    assert target.plan_file == PurePosixPath("top/sqitch.plan")
    assert target.revert_dir == PurePosixPath("top/revert")
    assert target.reworked_deploy_dir == PurePosixPath("rw/deploy")
    assert target.variables == {"a": "1", "b": "3"}
    other = resolve_target(config, name="db:pg:x", overrides={"registry": "cli", "top_dir": "o"})
    assert (other.registry, other.deploy_dir) == ("cli", PurePosixPath("o/deploy"))


@pytest.mark.parametrize(
    ("conf", "name", "message"),
    [
        ("[core]\n\tengine = pg\n", "nowhere", 'Cannot find target "nowhere"'),
        ('[target "t"]\n\tregistry = x\n', "t", 'No URI associated with target "t"'),
        (
            "[core]\n\tengine = pg\n",
            "db:pg",
            'No engine specified by URI db:pg; URI must start with "db:$engine:"',
        ),
        ("[user]\n\tname = x\n", None, "No engine specified; specify via target or core.engine"),
    ],
)
def test_resolution_errors(project: Path, conf: str, name: str | None, message: str) -> None:
    with pytest.raises(SqlitchError) as info:
        resolve_target(load(project, conf), name=name)
    assert info.value.message == message
    assert info.value.exitval == 2


def test_no_project(project: Path) -> None:
    config = Config.load(env={"HOME": str(project / "home")}, cwd=project)
    with pytest.raises(SqlitchError, match="No project configuration found"):
        resolve_target(config)


def test_unsupported_engines_fail_at_once(project: Path) -> None:
    config = load(project, "[core]\n\tengine = oracle\n")
    with pytest.raises(
        SqlitchError, match=r'The Oracle engine \("oracle"\) is not supported by SQLitch'
    ):
        resolve_target(config)
    with pytest.raises(SqlitchError, match="not supported"):
        resolve_target(config, name="db:cockroachdb://h/w")


def test_unknown_engine_fails_when_used(project: Path) -> None:
    target = resolve_target(load(project, ""), name="db:nosuch:x")
    assert target.top_dir == PurePosixPath(".")
    with pytest.raises(SqlitchError, match="Unable to load App::Sqitch::Engine::nosuch"):
        _ = target.registry


def test_engineless_default(project: Path) -> None:
    config = load(project, "[user]\n\tname = x\n")
    target = default_target(config)
    assert (target.name, target.engine_key) == ("db:", None)
    with pytest.raises(SqlitchError, match="No engine specified"):
        _ = target.client


def test_all_targets(project: Path) -> None:
    config = load(
        project,
        '[core]\n\tengine = pg\n[target "a"]\n\turi = db:sqlite:a\n'
        '[engine "mysql"]\n\ttarget = db:mysql:m\n[engine "sqlite"]\n\tclient = x\n',
    )
    names = [t.name for t in all_targets(config)]
    assert names == ["db:pg:", "a", "db:mysql:m", "db:sqlite:"]


# URI::db's user/host/port/dbname setters, as recorded from Perl's URI::db 0.20.
@pytest.mark.parametrize(
    ("uri", "parts", "expected"),
    [
        ("db:mysql:", {"user": "bob"}, "db:mysql://bob@"),
        ("db:mysql:", {"port": 3307}, "db:mysql://:3307"),
        ("db:mysql:", {"dbname": "other"}, "db:mysql:other"),
        ("db:mysql:flipr", {"user": "bob"}, "db:mysql://bob@/flipr"),
        ("db:mysql:flipr", {"host": "db.example"}, "db:mysql://db.example/flipr"),
        ("db:mysql:flipr", {"dbname": "other"}, "db:mysql:other"),
        ("db:mysql://h/flipr", {"port": 3307}, "db:mysql://h:3307/flipr"),
        ("db:mysql://u:p@h:1234/flipr", {"user": "bob"}, "db:mysql://bob:p@h:1234/flipr"),
        ("db:mysql://u:p@h:1234/flipr", {"host": "x"}, "db:mysql://u:p@x:1234/flipr"),
        ("db:mysql:///flipr", {"dbname": "other"}, "db:mysql:///other"),
        (
            "db:mysql://u:p@h:1234/flipr",
            {"user": "bob", "host": "hh", "port": 1, "dbname": "d"},
            "db:mysql://bob:p@hh:1/d",
        ),
        ("db:sqlite:foo.db", {"dbname": "sub/x y?#.db"}, "db:sqlite:sub/x%20y%3F%23.db"),
        ("db:mysql://h/x?a=b#f", {"dbname": "y"}, "db:mysql://h/y?a=b#f"),
    ],
)
def test_uri_parts_are_replaced_as_uri_db_does(
    uri: str, parts: dict[str, Any], expected: str
) -> None:
    assert str(DbUri.parse(uri).with_parts(**parts)) == expected


def test_connection_options_rename_only_targets_named_by_uri(project: Path) -> None:
    from sqlitch.target import ConnectionParts, with_connection

    config = load(project, '[core]\n\tengine = mysql\n[target "dev"]\n\turi = db:mysql://h/d\n')
    parts = ConnectionParts(user="bob", port=1)
    by_uri = with_connection(resolve_target(config, name="db:mysql://u:pw@h/d"), parts)
    assert (by_uri.name, str(by_uri.uri)) == ("db:mysql://bob:@h:1/d", "db:mysql://bob:pw@h:1/d")
    named = with_connection(resolve_target(config, name="dev"), parts)
    assert (named.name, str(named.uri)) == ("dev", "db:mysql://bob@h:1/d")
    assert with_connection(named, ConnectionParts()) is named
