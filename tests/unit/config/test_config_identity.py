"""User name/email, editor and pager resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlitch.config import Config, identity
from sqlitch.errors import SqlitchError


def _config(tmp_path: Path, text: str = "") -> Config:
    conf = tmp_path / "id.conf"
    conf.write_text(text)
    env = {"HOME": str(tmp_path), "SQITCH_CONFIG": str(conf), "SQLITCH_CONFIG_ROOT": str(tmp_path)}
    return Config.load(env, tmp_path)


def test_env_beats_config(tmp_path: Path) -> None:
    config = _config(tmp_path, "[user]\n\tname = Conf Name\n\temail = conf@x\n")
    env = {"SQITCH_FULLNAME": "Env Name", "SQITCH_EMAIL": "env@x"}
    assert identity.user_name(config, env) == "Env Name"
    assert identity.user_email(config, env) == "env@x"
    assert identity.user_name(config, {"SQITCH_FULLNAME": ""}) == "Conf Name"
    assert identity.user_email(config, {}) == "conf@x"


def test_orig_variables_after_config(tmp_path: Path) -> None:
    config = _config(tmp_path)
    env = {"SQITCH_ORIG_FULLNAME": "Orig", "SQITCH_ORIG_EMAIL": "orig@x"}
    assert identity.user_name(config, env) == "Orig"
    assert identity.user_email(config, env) == "orig@x"


def test_system_fallbacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path)
    env = {"SQITCH_ORIG_SYSUSER": "marge"}
    monkeypatch.setattr(identity, "_full_name", lambda login: f"{login} full")
    monkeypatch.setattr("socket.gethostname", lambda: "host.example")
    assert identity.user_name(config, env) == "marge full"
    assert identity.user_email(config, env) == "marge@host.example"


def test_full_name_from_gecos(monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    class Entry:
        pw_gecos = "Marge Simpson,,,"

    monkeypatch.setattr(pwd, "getpwnam", lambda name: Entry())
    assert identity._full_name("marge") == "Marge Simpson,,,"
    Entry.pw_gecos = ""
    assert identity._full_name("marge") == "marge"


def test_no_user_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path)
    monkeypatch.setattr(identity, "sysuser", lambda env: None)
    with pytest.raises(SqlitchError, match="Cannot find your name; run sqitch config"):
        identity.user_name(config, {})
    with pytest.raises(SqlitchError, match="Cannot infer your email address"):
        identity.user_email(config, {})


def test_sysuser_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity, "_login_name", lambda: None)
    monkeypatch.setattr(identity, "_uid_name", lambda: None)
    assert identity.sysuser({"LOGNAME": "a", "USER": "b"}) == "a"
    assert identity.sysuser({"USERNAME": "c"}) == "c"
    assert identity.sysuser({"SQITCH_ORIG_SYSUSER": "o", "USER": "b"}) == "o"


def test_editor(tmp_path: Path) -> None:
    config = _config(tmp_path, "[core]\n\teditor = emacs\n")
    assert identity.editor(config, {"SQITCH_EDITOR": "nano", "VISUAL": "vim"}) == "nano"
    assert identity.editor(config, {"VISUAL": "vim"}) == "emacs"
    bare = _config(tmp_path)
    assert identity.editor(bare, {"VISUAL": "vim", "EDITOR": "ed"}) == "vim"
    assert identity.editor(bare, {"EDITOR": "ed"}) == "ed"
    assert identity.editor(bare, {}) == "vi"


def test_pager(tmp_path: Path) -> None:
    config = _config(tmp_path, "[core]\n\tpager = less -r\n")
    assert identity.pager_program(config, {"SQITCH_PAGER": "most"}) == "most"
    assert identity.pager_program(config, {"PAGER": "more"}) == "less -r"
    assert identity.pager_program(_config(tmp_path), {}) is None
    tool = tmp_path / "bin" / "mypager"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    env = {"SQITCH_PAGER": "mypager -x", "PATH": str(tool.parent)}
    assert identity.pager(config, env) == f"{tool} -x"
    assert identity.pager(config, {"SQITCH_PAGER": f"{tool}"}) == str(tool)
    assert identity.pager(_config(tmp_path), {"PATH": str(tmp_path / "none")})
