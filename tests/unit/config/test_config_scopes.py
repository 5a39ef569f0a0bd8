"""Layered scopes, file locations, lookups and per-scope views."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sqlitch.config import Config, system_dir
from sqlitch.errors import SqlitchError

FIXTURES = Path("/work/shared/sqitch-fixtures/conf")


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    out = {name: tmp_path / name for name in ("home", "etc", "project")}
    for path in out.values():
        path.mkdir(exist_ok=True)
    return out


def _env(dirs: dict[str, Path], **extra: str) -> dict[str, str]:
    env = {
        "HOME": str(dirs["home"]),
        "SQLITCH_CONFIG_ROOT": str(dirs["home"] / ".sqitch"),
        "SQITCH_SYSTEM_CONFIG": str(dirs["etc"] / "sqitch.conf"),
    }
    env.update(extra)
    return env


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_scopes_layer_in_order(dirs: dict[str, Path]) -> None:
    _write(dirs["etc"] / "sqitch.conf", "[core]\n\tengine = pg\n\tverbosity = 1\n[s]\n\tm = 1\n")
    _write(dirs["home"] / ".sqitch" / "sqitch.conf", "[core]\n\tengine = mysql\n[s]\n\tm = 2\n")
    _write(dirs["project"] / "sqitch.conf", "[core]\n\tengine = sqlite\n[s]\n\tm = 3\n\tm = 4\n")
    config = Config.load(_env(dirs), dirs["project"])
    assert config.get("core.engine") == "sqlite"
    assert config.get("core.verbosity", "int") == 1
    # A later file replaces, it does not add to, an earlier file's values.
    assert config.get_all("s.m") == ["3", "4"]
    assert config.is_multiple("s.m")
    assert config.dump() == "core.engine=sqlite\ncore.verbosity=1\ns.m=[3, 4]\n"
    assert config.dump("user") == "core.engine=mysql\ns.m=2\n"
    assert config.scope_items("system") == [
        ("core.engine", "pg"),
        ("core.verbosity", "1"),
        ("s.m", "1"),
    ]
    assert config.items()[-2:] == [("s.m", "3"), ("s.m", "4")]
    assert config.initialized
    assert len(config.loaded_files) == 3
    with pytest.raises(SqlitchError, match=r'More then one value for the key "s\.m"'):
        config.get("s.m")
    assert config.get("s.m", filter="4") == "4"


def test_file_locations(dirs: dict[str, Path]) -> None:
    config = Config.load(_env(dirs), dirs["project"])
    assert config.file_for("local") == dirs["project"] / "sqitch.conf"
    assert config.file_for("user") == dirs["home"] / ".sqitch" / "sqitch.conf"
    assert config.file_for("system") == dirs["etc"] / "sqitch.conf"
    assert config.display_name("local") == "sqitch.conf"
    assert not config.initialized
    assert not config.scope_exists("local")
    assert config.dump() == ""
    assert system_dir() == Path(sys.prefix) / "etc" / "sqlitch"


def test_default_user_dir_is_home(dirs: dict[str, Path]) -> None:
    config = Config.load({"HOME": str(dirs["home"])}, dirs["project"])
    assert config.user_dir() == dirs["home"] / ".sqitch"
    assert config.file_for("system") == system_dir() / "sqitch.conf"


def test_env_overrides(dirs: dict[str, Path]) -> None:
    user = _write(dirs["home"] / "u.conf", "[user]\n\tname = U\n")
    local = _write(dirs["home"] / "l.conf", "[user]\n\temail = e@x\n")
    env = _env(dirs, SQITCH_USER_CONFIG=str(user), SQITCH_CONFIG=str(local))
    config = Config.load(env, dirs["project"])
    assert config.get("user.name") == "U"
    assert config.get("user.email") == "e@x"
    assert config.file_for("user") == user
    assert config.display_name("local") == str(local)
    sqlitch_local = _write(dirs["home"] / "s.conf", "[user]\n\temail = s@x\n")
    env["SQLITCH_CONFIG"] = str(sqlitch_local)
    assert Config.load(env, dirs["project"]).get("user.email") == "s@x"


def test_empty_env_values_are_unset(dirs: dict[str, Path]) -> None:
    config = Config.load(_env(dirs, SQITCH_CONFIG="", SQITCH_USER_CONFIG="0"), dirs["project"])
    assert config.file_for("local") == dirs["project"] / "sqitch.conf"


def test_local_file_found_in_parent(dirs: dict[str, Path]) -> None:
    _write(dirs["project"] / "sqitch.conf", "[core]\n\tengine = pg\n")
    sub = dirs["project"] / "a" / "b"
    sub.mkdir(parents=True)
    config = Config.load(_env(dirs), sub)
    assert config.get("core.engine") == "pg"
    assert config.local_found == dirs["project"] / "sqitch.conf"
    # ...but the local file to write and to list alone is in the directory itself.
    assert config.file_for("local") == sub / "sqitch.conf"
    assert config.dump("local") == ""


def test_relative_sqitch_config_is_searched_upwards(dirs: dict[str, Path]) -> None:
    _write(dirs["project"] / "x.conf", "[core]\n\tengine = mysql\n")
    sub = dirs["project"] / "a"
    sub.mkdir()
    config = Config.load(_env(dirs, SQITCH_CONFIG="x.conf"), sub)
    assert config.get("core.engine") == "mysql"


def test_sqlitch_conf_accepted(dirs: dict[str, Path]) -> None:
    _write(dirs["project"] / "sqlitch.conf", "[core]\n\tengine = pg\n")
    _write(dirs["home"] / ".sqitch" / "sqlitch.conf", "[user]\n\tname = N\n")
    config = Config.load(_env(dirs), dirs["project"])
    assert config.get("core.engine") == "pg"
    assert config.get("user.name") == "N"
    assert config.file_for("local") == dirs["project"] / "sqlitch.conf"
    assert config.display_name("local") == "sqlitch.conf"


@pytest.mark.parametrize("where", ["project", "user"])
def test_both_names_in_one_scope_is_an_error(dirs: dict[str, Path], where: str) -> None:
    directory = dirs["project"] if where == "project" else dirs["home"] / ".sqitch"
    _write(directory / "sqitch.conf", "[a]\n\tb = 1\n")
    _write(directory / "sqlitch.conf", "[a]\n\tb = 2\n")
    with pytest.raises(SqlitchError) as err:
        Config.load(_env(dirs), dirs["project"])
    assert err.value.exitval == 2
    assert err.value.message == (
        f"Both sqitch.conf and sqlitch.conf exist in {directory}; remove one of them"
    )


def test_same_file_in_two_scopes_loads_once(dirs: dict[str, Path]) -> None:
    path = _write(dirs["project"] / "sqitch.conf", "[a]\n\tb = 1\n")
    config = Config.load(_env(dirs, SQITCH_USER_CONFIG=str(path)), dirs["project"])
    assert config.get("a.b") == "1"
    assert config.loaded_files == [str(path.resolve())]


def test_parse_error_on_load(dirs: dict[str, Path]) -> None:
    _write(dirs["project"] / "sqitch.conf", "[core]\n\tengine = pg\n  bad line here = \\q\n")
    with pytest.raises(SqlitchError) as err:
        Config.load(_env(dirs), dirs["project"])
    assert err.value.exitval == 255
    path = (dirs["project"] / "sqitch.conf").resolve()
    assert err.value.message == (
        f"Error parsing {path} at line 4, position 2.\nBad line was: '  bad line here = \\q'"
    )


def test_include_path(dirs: dict[str, Path]) -> None:
    _write(dirs["project"] / "inc" / "more.conf", "[core]\n\tengine = sqlite\n[x]\n\ty = 1\n")
    _write(
        dirs["project"] / "sqitch.conf",
        "[core]\n\tengine = pg\n[include]\n\tpath = inc/more.conf\n",
    )
    config = Config.load(_env(dirs), dirs["project"])
    assert config.get("core.engine") == "sqlite"
    assert config.get("x.y") == "1"
    assert config.dump().splitlines()[1] == "include.path=[inc/more.conf]"


def test_include_loop_is_an_error(dirs: dict[str, Path]) -> None:
    _write(dirs["project"] / "sqitch.conf", "[include]\n\tpath = sqitch.conf\n")
    with pytest.raises(SqlitchError, match="Exceeded maximum include depth"):
        Config.load(_env(dirs), dirs["project"])


def test_sections_and_subsections(dirs: dict[str, Path]) -> None:
    conf = FIXTURES / "target.conf"
    config = Config.load(_env(dirs, SQITCH_CONFIG=str(conf)), dirs["project"])
    assert config.subsections("target") == ["dev", "prod", "qa"]
    assert config.get_section("target.qa") == {
        "uri": "db:pg://qa.example.com/qa_widgets",
        "registry": "meta",
        "client": "/usr/sbin/psql",
    }
    assert config.get_section("Core") == {"engine": "pg"}
    assert config.get_section("nope") == {}
    assert config.get_regexp(r"^target\.[^.]+\.uri$") == [
        ("target.dev.uri", "db:pg:widgets"),
        ("target.prod.uri", "db:pg://prod.example.us/pr_widgets"),
        ("target.qa.uri", "db:pg://qa.example.com/qa_widgets"),
    ]


def test_get_section_multi_and_case(dirs: dict[str, Path]) -> None:
    conf = FIXTURES / "add_change.conf"
    config = Config.load(_env(dirs, SQITCH_CONFIG=str(conf)), dirs["project"])
    assert config.get_section("add.variables") == {"foo": "bar", "baz": "you"}
    assert config.get_section_all("add.variables")["baz"] == ["hi", "there", "you"]
    assert config.get("add.all", "bool") is True
    _write(dirs["project"] / "c.conf", "[Core]\n\tEngine = pg\n\tflag\n")
    config = Config.load(_env(dirs, SQITCH_CONFIG="c.conf"), dirs["project"])
    assert config.get_section("core") == {"Engine": "pg"}
    assert config.get("core.flag") is None
    assert config.get("core.flag", "bool") is True
    assert config.regexp_lines("flag") == ["core.flag"]


def test_editable_then_reload(dirs: dict[str, Path]) -> None:
    config = Config.load(_env(dirs), dirs["project"])
    user = config.editable("user")
    user.set("user.name", "Barack")
    user.save()
    local = config.editable("local")
    local.set("core.engine", "pg")
    local.save()
    assert config.get("core.engine") is None
    config.reload()
    assert config.get("core.engine") == "pg"
    assert config.get("user.name") == "Barack"
    assert (dirs["home"] / ".sqitch" / "sqitch.conf").read_text() == "[user]\n\tname = Barack\n"


def test_regexp_errors(dirs: dict[str, Path]) -> None:
    config = Config.load(_env(dirs), dirs["project"])
    with pytest.raises(SqlitchError):
        config.get_regexp("(")
    assert config.get_regexp("") == []
