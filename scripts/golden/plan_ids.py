#!/usr/bin/env python3
"""Regenerate tests/support/plan_ids/*.json from real Sqitch 1.3.1.

For each scenario, builds a plan with real ``sqitch`` commands (clock fixed
with ``faketime``, HOME isolated), storing the plan text after every step.
Then it asks Sqitch's own Perl classes (App::Sqitch::Plan) for every change
and tag ID and info text, how a set of change references resolve, and the
text Sqitch writes back for the plan. The same dump is taken for each of
Sqitch's fixture plans in /work/shared/sqitch-fixtures/plans, and for the
hand-made plans of REWRITE_PLANS (odd spacing, notes, pragmas, line endings),
whose written text is what any plan-editing command leaves behind.

Usage: scripts/golden/plan_ids.py [--rewrites]
(needs sqitch, perl and faketime on PATH; --rewrites: only sqitch_rewrites.json)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "support" / "plan_ids"
FIXTURE_PLANS = Path("/work/shared/sqitch-fixtures/plans")

# Dumps what App::Sqitch::Plan computes for the plan in the current directory.
DUMP_PL = r"""
use strict; use warnings; use utf8;
use App::Sqitch; use App::Sqitch::Target; use JSON::PP; use Encode; use Path::Class;
my $sqitch = App::Sqitch->new;
my $target = App::Sqitch::Target->new(sqitch => $sqitch);
my $out = {};
eval {
  my $plan = $target->plan;
  $plan->changes;
  my @changes;
  for my $c ($plan->changes) {
    push @changes, { name => $c->name, id => $c->id, info => $c->info,
      rework_tags => [map { $_->name } $c->rework_tags],
      tags => [map { +{ name => $_->name, id => $_->id, info => $_->info } } $c->tags] };
  }
  $out->{changes} = \@changes;
  my %refs;
  for my $raw (@ARGV) {
    my $key = decode_utf8($raw);
    my $r = eval { $plan->index_of($key) };
    $refs{$key} = $@ ? { error => (ref $@ ? $@->message : "$@") } : { index => $r };
  }
  $out->{references} = \%refs;
  my $tmp = file("_plan_written.tmp");
  $plan->write_to($tmp);
  $out->{written} = decode_utf8(scalar $tmp->slurp(iomode => '<:raw'));
  unlink "$tmp";
  1;
} or do {
  my $e = $@;
  $out->{error} = ref $e ? { message => $e->message, exitval => $e->exitval, ident => $e->ident }
                         : { message => "$e" };
};
print JSON::PP->new->canonical->utf8->encode($out);
"""

PLANNER = "Marge N. O\u2019Vera"
EMAIL = "marge@example.com"

# Each scenario: init args, then steps (sqitch argv); every step runs one
# minute after the previous one.
SCENARIOS: dict[str, dict[str, Any]] = {
    "flipr": {
        "init": ["init", "flipr", "--engine", "sqlite", "--uri", "https://Example.COM:443/flipr/"],
        "steps": [
            ["add", "users", "-n", "Creates table to track our users."],
            [
                "add",
                "widgets",
                "-r",
                "users",
                "-x",
                "dr_evil",
                "-n",
                "Widgets.",
                "-n",
                "Second para",
            ],
            ["add", "func/add_user", "-r", "users", "-r", "widgets", "-n", "Back\\slash # hash"],
            ["tag", "v1.0", "-n", "Tag v1.0."],
            [
                "add",
                "logs",
                "-r",
                "users@v1.0",
                "-r",
                "other:logger",
                "-r",
                "other:audit@beta",
                "-n",
                "Logs.",
            ],
            ["rework", "users", "-n", "Rework users."],
            ["tag", "v2.0", "-n", "v2"],
            ["add", "caf\u00e9", "-r", "flipr:logs", "-x", "other:evil", "-n", "UTF-8 \u2713"],
            ["tag", "@first", "widgets", "-n", "Tag an earlier change"],
            ["rework", "widgets", "-r", "logs", "-n", "0"],
        ],
        "references": [
            "users",
            "users@v1.0",
            "users@v2.0",
            "users@HEAD",
            "@v1.0",
            "@v2.0",
            "HEAD",
            "@HEAD",
            "ROOT",
            "@ROOT",
            "users^",
            "logs^",
            "logs^^",
            "logs~",
            "logs~~",
            "@HEAD^3",
            "@HEAD~3",
            "@ROOT~2",
            "@v1.0^",
            "@v1.0~2",
            "nonesuch",
            "users@nosuch",
            "@nosuch",
            "caf\u00e9",
            "widgets",
            "widgets@first",
            "@first",
            "HEAD^",
            "logs^9",
        ],
    },
    "plain": {
        "init": ["init", "plain", "--engine", "sqlite"],
        "env": {"SQITCH_FULLNAME": "", "SQITCH_EMAIL": ""},
        "config": "[user]\n\tname = Plain J\u00e4ne O\u2019Vera\n\temail = jane@example.org\n",
        "steps": [
            ["add", "one", "-n", "One"],
            ["add", "two", "-x", "one", "-n", "has\\nescaped newline"],
            ["tag", "alpha", "-n", "a"],
            ["add", "three", "-r", "two@alpha", "-r", "@alpha", "-n", "3"],
            ["tag", "beta", "-n", "multi\nline\n\ntag note"],
            ["rework", "two", "-n", "two again"],
            ["tag", "gamma", "-n", "g"],
            ["rework", "two", "-n", "two thrice"],
        ],
        "references": ["two", "two@alpha", "two@beta", "two@gamma", "two@HEAD", "two^", "@HEAD^"],
    },
    "uri-http": {
        "init": ["init", "withuri", "--engine", "sqlite", "--uri", "HTTP://Host.Example.ORG:80"],
        "steps": [["add", "only", "-n", "  padded note  "], ["tag", "v1", "-n", "v1"]],
        "references": ["only", "@v1"],
    },
}


_ENTRY = "2025-01-01T00:00:00Z Marge <marge@example.com>"

# Plans written by hand, as people edit them: what Sqitch writes back for
# each is what `add`, `tag` and `rework` leave of the existing lines.
REWRITE_PLANS: dict[str, str] = {
    "pragmas": (
        "  %  syntax-version  =  1.2.5   # the version  \n"
        "%uri = https://example.com/widgets/   \n"
        "%project=widgets\t# a\\nb C:\\dir  \n"
        "%foo\n%bar =  baz qux  \n%baz=x #\n\n"
        f"foo {_ENTRY}\n"
    ),
    "version-without-value": f"%project=widgets\n%syntax-version # none\n\nfoo {_ENTRY}\n",
    "version-missing-comment-first": "#top comment\n%project=widgets\n",
    "comments": (
        "#header\t \n%syntax-version=1.0.0\n  #  indented   \n%project=widgets\n"
        " \t \n\n#no space\n# C:\\path a\\nb a\\\\b\n#   0\n"
        f"foo {_ENTRY}\n   \n# end\n"
    ),
    "crlf-mixed": (
        "%syntax-version=1.0.0\r\n%project=widgets\r\n\r\n"
        f"foo {_ENTRY} # foo\r\n# c\n@v1 {_ENTRY}\r\n"
    ),
    "no-final-newline": f"%project=widgets\n\nfoo {_ENTRY}\n@v1 {_ENTRY} # v1",
    "notes": (
        "%project=widgets\n\n"
        f"a {_ENTRY}#tight\n"
        f"b {_ENTRY} #   padded  \t\n"
        f"c {_ENTRY}   # a\\nb C:\\dir a\\\\b x\\r\n"
        f"d {_ENTRY} #\n"
        f"e {_ENTRY}  #  0\n"
        f"f {_ENTRY} # a # b\n"
        f"@t1 {_ENTRY}#tag note   \n"
    ),
    "spacing": (
        "%project=widgets\n\n"
        "  a\t2025-01-01T00:00:00Z   Marge   <marge@example.com>   # a\n"
        " +  b  [a]\t 2025-01-02T00:00:00Z \t Marge <marge@example.com>\t \n"
        "  @v1\t 2025-01-03T00:00:00Z\u00a0 Marge <marge@example.com>\u2003\n"
        "\t-\tb 2025-01-04T00:00:00Z Marge <marge@example.com>\n"
        "c\u00a0[a]\u3000\u00a02025-01-05T00:00:00Z Marge\u00a0<marge@example.com>\n"
    ),
    "dependencies": (
        "%project=widgets\n\n"
        f"a {_ENTRY}\n"
        f"b [!nope  widgets:a\tother:x@v1  !widgets:nah  a ] {_ENTRY}\n"
        f"c [a]2025-01-03T00:00:00Z Marge <marge@example.com>\n"
        f"d [!other:y  c] {_ENTRY}\n"
    ),
    "unicode": (
        "%project=wïdgets\n%uri=https://例え.jp/\n\n"
        "ünï 2025-01-01T00:00:00Z Ünï Cödé <u@e.com> # ✓ note\n"
    ),
    "carriage-returns": (f"%project=widgets\n\na {_ENTRY} # note\r\r\n# c\r\r\n\r\n"),
}


def run(argv: list[str], cwd: Path, env: dict[str, str], when: str | None = None) -> str:
    cmd = (["faketime", "-f", f"@{when}"] if when else []) + argv
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0 and argv[0] == "sqitch":
        sys.exit(f"{' '.join(argv)} failed: {proc.stderr}")
    return proc.stdout


def base_env(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SQITCH_") and key not in ("EDITOR", "PAGER")
    }
    env.update(
        HOME=str(home),
        TZ="UTC",
        LC_ALL="C.UTF-8",
        LANG="C.UTF-8",
        SQITCH_SYSTEM_CONFIG=str(home / "no-system.conf"),
        SQITCH_FULLNAME=PLANNER,
        SQITCH_EMAIL=EMAIL,
        EDITOR="false",
    )
    return env


def dump(project: Path, env: dict[str, str], references: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run(["perl", "-e", DUMP_PL, *references], project, env))
    return data


def build_scenario(name: str, spec: dict[str, Any], tmp: Path) -> dict[str, Any]:
    home = tmp / name / "home"
    project = tmp / name / "project"
    home.mkdir(parents=True)
    project.mkdir(parents=True)
    env = base_env(home)
    for key, value in spec.get("env", {}).items():
        if value == "":
            env.pop(key, None)
        else:
            env[key] = value
    if "config" in spec:
        (home / ".sqitch").mkdir()
        (home / ".sqitch" / "sqitch.conf").write_text(spec["config"], encoding="utf-8")
    run(["sqitch", *spec["init"]], project, env, "2026-01-01 00:00:00")
    plan_file = project / "sqitch.plan"
    steps = [{"args": spec["init"], "time": "2026-01-01T00:00:00Z", "plan": plan_file.read_text()}]
    for minute, argv in enumerate(spec["steps"], start=1):
        when = f"2026-01-01 00:{minute:02d}:00"
        run(["sqitch", *argv], project, env, when)
        steps.append(
            {
                "args": argv,
                "time": when.replace(" ", "T") + "Z",
                "plan": plan_file.read_text(encoding="utf-8"),
            }
        )
    result = dump(project, env, spec.get("references", []))
    listing = run(["sqitch", "plan", "--format", "format:%H %n"], project, env)
    return {
        "scenario": name,
        "sqitch": "1.3.1",
        "planner_name": env.get("SQITCH_FULLNAME", ""),
        "planner_email": env.get("SQITCH_EMAIL", ""),
        "steps": steps,
        "plan": plan_file.read_text(encoding="utf-8"),
        "plan_listing": listing,
        **result,
    }


def dump_fixture(path: Path, tmp: Path) -> dict[str, Any]:
    home = tmp / "fixtures" / path.stem / "home"
    project = tmp / "fixtures" / path.stem / "project"
    home.mkdir(parents=True)
    project.mkdir(parents=True)
    shutil.copyfile(path, project / "sqitch.plan")
    (project / "sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    env = base_env(home)
    refs = ["HEAD", "ROOT", "hey", "@foo", "@bar", "users", "users@alpha", "dr_evil", "hey^"]
    data = dump(project, env, refs)
    data["plan_bytes_b64"] = __import__("base64").b64encode(path.read_bytes()).decode()
    return data


def dump_rewrite(name: str, text: str, tmp: Path) -> dict[str, Any]:
    home = tmp / "rewrites" / name / "home"
    project = tmp / "rewrites" / name / "project"
    home.mkdir(parents=True)
    project.mkdir(parents=True)
    (project / "sqitch.plan").write_bytes(text.encode("utf-8"))
    (project / "sqitch.conf").write_text("[core]\n\tengine = sqlite\n")
    data = dump(project, base_env(home), [])
    result = {"plan": text}
    for key in ("written", "error"):
        if key in data:
            result[key] = data[key]
    return result


def write_rewrites(tmp: Path) -> None:
    rewrites = {name: dump_rewrite(name, text, tmp) for name, text in REWRITE_PLANS.items()}
    target = OUT / "sqitch_rewrites.json"
    target.write_text(json.dumps(rewrites, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        write_rewrites(tmp)
        if sys.argv[1:] == ["--rewrites"]:
            return
        for name, spec in SCENARIOS.items():
            data = build_scenario(name, spec, tmp)
            target = OUT / f"{name}.json"
            target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            print(f"wrote {target.relative_to(ROOT)}")
        fixtures = {p.name: dump_fixture(p, tmp) for p in sorted(FIXTURE_PLANS.glob("*.plan"))}
        target = OUT / "sqitch_fixture_plans.json"
        target.write_text(json.dumps(fixtures, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
