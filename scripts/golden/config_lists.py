#!/usr/bin/env python3
"""Capture what real Sqitch reports for config files, for SQLitch's config tests.

Writes (under tests/unit/config/data/):
  config_lists.json  `sqitch config --list` for every conf fixture in
                     /work/shared/sqitch-fixtures/conf and for extra parse cases;
  config_edits.json  the file text after `sqitch config` edit actions, with
                     exit code and messages, for writer parity tests.

Run once after changing the cases below; tests only read the JSON.
Temporary paths in output are replaced by {DIR}.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path("/work/shared/sqitch-fixtures/conf")
DATA = ROOT / "tests" / "unit" / "config" / "data"

# Extra texts for the parser: name -> file content.
PARSE_CASES: dict[str, str] = {
    "comments_and_case": (
        "# comment\n; another\n[Core]  # trailing\n\tEngine = pg ; comment\n\tflag\n"
        '\tMulti = a\n\tmulti = "b  c" d   e  # x\n'
    ),
    "escapes": '[core]\n\tesc = "a\\tb\\nc\\\\d\\"e" \\b x\n\tq = it\\\'s\n\tbs = \\\\x\n',
    "continuation": '[core]\n\tcont = foo\\\nbar\n\tquoted = "a\\\nb"\n',
    "legacy_subsection": "[Section.SubSec]\n\tk = v\n",
    "quoted_subsection": '[section "Quoted \\"Sub\\" \\\\x"]\n\tk = w\n',
    "inline_key": '[sec "Case"] key = inline\n',
    "empty_values": '[empty]\n\te =\n\tq = "#not comment;"\n\tsp = x   \n',
    "empty_subsection": '[a ""]\n\tk = 1\n[b "0"]\n\tk = 2\n',
    "bare_then_comment": "[a]\n\tflag # a=b\n\tother;x=y\n",
    "crlf": "[core]\r\n\tengine = pg\r\n",
    "no_trailing_newline": "[core]\n\tengine = pg",
    "multi_line_quote": '[a]\n\tk = "x\ny"\n',
    "dotted_name": "[a]\n\tb.c = 1\n",
    "unicode": "[user]\n\tname = Marge N. O\u2019Vera\n",
    "bad_escape": "[core]\n\tengine = pg\n  bad line here = \\q\n",
    "bad_header": "[core\n",
    "key_before_section": "x = 1\n",
    "bare_word": "x\n",
    "unterminated_quote": '[a]\n\tk = "abc\n',
    "bad_subsection_escape": '[a "b\\c"]\n\tk = 1\n',
    "empty": "",
}

# Edit scenarios: (name, initial text or None for no file, [argv lists]).
EDIT_CASES: list[tuple[str, str | None, list[list[str]]]] = [
    ("set_new_file", None, [["core.engine", "pg"]]),
    ("set_empty_file", "", [["Core.Engine", "pg"]]),
    ("set_replace", "[core]\n\tengine = pg # old\n\ttop_dir = x\n", [["core.engine", "sqlite"]]),
    ("set_append_to_section", "[core]\n\tengine = pg\n[x]\n\ty = 1\n", [["core.top_dir", "db"]]),
    (
        "set_last_matching_section",
        "[core]\n\ta = 1\n[x]\n\ty = 1\n[core]\n\tb = 2\n\n# tail\n",
        [["core.c", "3"]],
    ),
    ("set_subsection", "[core]\n\tengine = pg\n", [["target.Prod.uri", "db:pg:x"]]),
    ("set_quoting", "[a]\n", [["a.lead", " x"], ["a.hash", "a#b"], ["a.semi", "a;b"]]),
    ("set_escapes", "[a]\n", [["a.q", 'say "hi"'], ["a.bs", "c:\\dir"]]),
    ("set_inline_header", "[a] k = 1\n", [["a.k", "2"]]),
    ("set_multi_error", "[a]\n\tk = 1\n\tk = 2\n", [["a.k", "3"]]),
    ("set_with_regex", "[a]\n\tk = one\n\tk = two\n", [["a.k", "deux", "^tw"]]),
    ("add", "[a]\n\tk = 1\n", [["--add", "a.k", "2"], ["--add", "a.new", "x"]]),
    ("replace_all", "[a]\n\tk = 1\n\tj = 0\n\tk = 2\n", [["--replace-all", "a.k", "9"]]),
    ("unset", "[a]\n\tk = 1\n\tj = 2\n", [["--unset", "a.k"]]),
    ("unset_inline", "[a] k = 1\n\tj = 2\n", [["--unset", "a.k"]]),
    ("unset_missing", "[a]\n\tk = 1\n", [["--unset", "a.nope"]]),
    ("unset_multi_error", "[a]\n\tk = 1\n\tk = 2\n", [["--unset", "a.k"]]),
    ("unset_all", "[a]\n\tk = 1\n\tj = 2\n\tk = 3\n", [["--unset-all", "a.k"]]),
    ("unset_all_regex", "[a]\n\tk = 1\n\tk = 22\n\tk = 3\n", [["--unset-all", "a.k", "2"]]),
    (
        "rename_section",
        "[a]\n\tk = 1\n[b]\n\tj = 2\n[A]\n\tm = 3\n",
        [["--rename-section", "a", "c.d"]],
    ),
    ("rename_missing", "[a]\n\tk = 1\n", [["--rename-section", "zz", "c"]]),
    (
        "remove_section_middle",
        "[a]\n\tk = 1\n\n[b]\n\tj = 2\n\n[c]\n\tm = 3\n",
        [["--remove-section", "b"]],
    ),
    (
        "remove_section_last",
        "[a]\n\tk = 1\n[b]\n\tj = 2\n# trailing\n",
        [["--remove-section", "b"]],
    ),
    (
        "remove_section_twice",
        "[b]\n\tx = 1\n[a]\n\tk = 1\n[b]\n\tj = 2\n[c]\n",
        [["--remove-section", "b"]],
    ),
    (
        "remove_subsection",
        '[target "dev"]\n\turi = db:pg:\n[core]\n\te = 1\n',
        [["--remove-section", "target.dev"]],
    ),
    ("crlf_set", "[core]\r\n\tengine = pg\r\n", [["core.top_dir", "x"]]),
    ("trailing_blank_lines", "[core]\n\tengine = pg\n\n\n\n", [["core.engine", "pg"]]),
    (
        "set_bool",
        "[a]\n",
        [["--bool", "a.b", "yes"], ["--bool", "a.c", "0"], ["--bool", "a.d", "maybe"]],
    ),
    (
        "set_int",
        "[a]\n",
        [["--int", "a.b", "1.5k"], ["--int", "a.c", "x"], ["--num", "a.d", "2.50"]],
    ),
    (
        "bad_keys",
        "[a]\n",
        [["foo", "x"], ["foo.", "x"], ["a b.c", "x"], [".foo", "x"], ["a.b c", "x"]],
    ),
    (
        "get_keys",
        "[a]\n\tb = 1\n\tm = 1\n\tm = 2\n\tt = on\n",
        [
            ["a.b"],
            ["foo"],
            [".foo"],
            ["A.B"],
            ["a.m"],
            ["--get-all", "a.m"],
            ["--bool", "a.t"],
            ["--int", "a.t"],
            ["--get-regexp", "^a\\.[bm]"],
            ["a.nope"],
            ["--get", "a.m", "2"],
        ],
    ),
]


def _env(tmp: Path, conf: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SQITCH_", "SQLITCH_"))}
    env.update(
        HOME=str(tmp / "home"),
        SQITCH_CONFIG=str(conf),
        SQITCH_USER_CONFIG=str(tmp / "nouser.conf"),
        SQITCH_SYSTEM_CONFIG=str(tmp / "nosystem.conf"),
        LC_ALL="C.UTF-8",
        LANG="C.UTF-8",
    )
    return env


def _run(args: list[str], tmp: Path, conf: Path) -> dict[str, object]:
    proc = subprocess.run(
        ["sqitch", "config", *args],
        cwd=tmp,
        env=_env(tmp, conf),
        capture_output=True,
        check=False,
    )

    def clean(raw: bytes) -> str:
        return raw.decode("utf-8", "replace").replace(str(tmp), "{DIR}")

    return {
        "args": args,
        "exit": proc.returncode,
        "stdout": clean(proc.stdout),
        "stderr": clean(proc.stderr),
    }


def lists() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    cases = {f"fixture:{p.name}": p.read_text("utf-8") for p in sorted(FIXTURES.glob("*.conf"))}
    cases.update(PARSE_CASES)
    for name, text in cases.items():
        with tempfile.TemporaryDirectory() as raw:
            tmp = Path(raw).resolve()
            (tmp / "home").mkdir()
            conf = tmp / "case.conf"
            conf.write_bytes(text.encode("utf-8"))
            result = _run(["--list"], tmp, conf)
            result["text"] = text
            out[name] = result
    return out


def edits() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for name, initial, steps in EDIT_CASES:
        with tempfile.TemporaryDirectory() as raw:
            tmp = Path(raw).resolve()
            (tmp / "home").mkdir()
            conf = tmp / "case.conf"
            if initial is not None:
                conf.write_bytes(initial.encode("utf-8"))
            results = []
            for args in steps:
                step = _run(args, tmp, conf)
                step["file"] = conf.read_bytes().decode("utf-8") if conf.exists() else None
                results.append(step)
            out[name] = {"initial": initial, "steps": results}
    return out


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name, data in (("config_lists.json", lists()), ("config_edits.json", edits())):
        (DATA / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {DATA / name}")


if __name__ == "__main__":
    main()
