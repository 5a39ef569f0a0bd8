"""Parity with real Sqitch: captured by scripts/golden/config_lists.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sqlitch.config import CastAs, Config, ConfigFile
from sqlitch.errors import SqlitchError

DATA = Path(__file__).parent / "data"
LISTS: dict[str, dict[str, Any]] = json.loads((DATA / "config_lists.json").read_text("utf-8"))
EDITS: dict[str, dict[str, Any]] = json.loads((DATA / "config_edits.json").read_text("utf-8"))


def _env(tmp: Path, conf: Path) -> dict[str, str]:
    return {
        "HOME": str(tmp / "home"),
        "SQITCH_CONFIG": str(conf),
        "SQITCH_USER_CONFIG": str(tmp / "nouser.conf"),
        "SQITCH_SYSTEM_CONFIG": str(tmp / "nosystem.conf"),
    }


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_matches_sqitch(name: str, tmp_path: Path) -> None:
    case = LISTS[name]
    conf = tmp_path / "case.conf"
    conf.write_bytes(case["text"].encode("utf-8"))
    env = _env(tmp_path, conf)
    if case["exit"] == 0:
        config = Config.load(env, tmp_path)
        assert config.dump() + "\n" == case["stdout"]
        return
    with pytest.raises(SqlitchError) as err:
        Config.load(env, tmp_path)
    assert err.value.exitval == case["exit"]
    assert err.value.message + "\n" == case["stderr"].replace("{DIR}", str(tmp_path))


_TYPES: dict[str, CastAs] = {"--bool": "bool", "--int": "int", "--num": "num"}


def _config_command(args: list[str], config: Config, file: ConfigFile) -> tuple[int, str, str]:
    """A minimal `sqitch config` on top of the library: (exit, stdout, stderr)."""
    args = list(args)
    as_: CastAs | None = None
    action = None
    while args and args[0].startswith("--"):
        flag = args.pop(0)
        if flag in _TYPES:
            as_ = _TYPES[flag]
        else:
            action = flag[2:]
    action = action or ("set" if len(args) > 1 else "get")
    try:
        out = ""
        if action == "get":
            value = config.get(args[0], as_, filter=args[1] if len(args) > 1 else None, human=True)
            if value is None:
                return 1, "\n", ""
            out = f"{value}\n"
        elif action == "get-all":
            out = "\n".join(str(v) for v in config.get_all(args[0], as_, human=True)) + "\n"
        elif action == "get-regexp":
            out = "\n".join(config.regexp_lines(args[0], as_)) + "\n"
        elif action == "set":
            file.set(args[0], args[1], filter=args[2] if len(args) > 2 else None, as_=as_)
        elif action == "add":
            file.add(args[0], args[1], as_=as_)
        elif action == "replace-all":
            file.replace_all(args[0], args[1], args[2] if len(args) > 2 else None, as_=as_)
        elif action == "unset":
            file.unset(args[0], args[1] if len(args) > 1 else None)
        elif action == "unset-all":
            file.unset_all(args[0], args[1] if len(args) > 1 else None)
        elif action == "rename-section":
            file.rename_section(args[0], args[1])
        elif action == "remove-section":
            file.remove_section(args[0])
        file.save()
    except SqlitchError as exc:
        return exc.exitval, "", exc.message + "\n"
    return 0, out, ""


@pytest.mark.parametrize("name", sorted(EDITS))
def test_edit_matches_sqitch(name: str, tmp_path: Path) -> None:
    case = EDITS[name]
    conf = tmp_path / "case.conf"
    if case["initial"] is not None:
        conf.write_bytes(case["initial"].encode("utf-8"))
    env = _env(tmp_path, conf)
    for step in case["steps"]:
        config = Config.load(env, tmp_path)
        file = config.editable("local")
        got = _config_command(step["args"], config, file)
        expected = (step["exit"], step["stdout"], step["stderr"].replace("{DIR}", str(tmp_path)))
        assert got == expected, step["args"]
        text = conf.read_bytes().decode("utf-8") if conf.exists() else None
        assert text == step["file"], step["args"]
