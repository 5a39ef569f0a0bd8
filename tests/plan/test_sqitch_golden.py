"""Plans, IDs, references and rewrites checked against data recorded from real Sqitch."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sqlitch.errors import SqlitchError
from sqlitch.plan import Plan, parse_plan

DATA = Path(__file__).resolve().parents[1] / "support" / "plan_ids"
FIXTURES: dict[str, Any] = json.loads((DATA / "sqitch_fixture_plans.json").read_text())
SCENARIOS = {p.stem: json.loads(p.read_text()) for p in sorted(DATA.glob("*.json"))}
SCENARIOS.pop("sqitch_fixture_plans")
REWRITES: dict[str, Any] = SCENARIOS.pop("sqitch_rewrites")


def check_against_dump(plan: Plan, dump: dict[str, Any]) -> None:
    changes = plan.changes
    assert [c.name for c in changes] == [c["name"] for c in dump["changes"]]
    for change, expected in zip(changes, dump["changes"], strict=True):
        assert change.info == expected["info"]
        assert change.id == expected["id"]
        assert [t.name for t in change.rework_tags] == expected["rework_tags"]
        assert [t.name for t in change.tags] == [t["name"] for t in expected["tags"]]
        for tag, exp_tag in zip(change.tags, expected["tags"], strict=True):
            assert tag.info == exp_tag["info"]
            assert tag.id == exp_tag["id"]
    for key, outcome in dump["references"].items():
        if "error" in outcome:
            with pytest.raises(SqlitchError) as err:
                plan.index_of(key)
            assert err.value.message == outcome["error"]
        else:
            assert plan.index_of(key) == outcome["index"], key
    assert plan.to_text() == dump["written"]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_sqitch_fixture_plan(name: str) -> None:
    dump = FIXTURES[name]
    text = base64.b64decode(dump["plan_bytes_b64"]).decode("utf-8")
    if "error" in dump:
        with pytest.raises(SqlitchError) as err:
            parse_plan(text, file="sqitch.plan")
        assert err.value.message == dump["error"]["message"]
        assert err.value.exitval == dump["error"]["exitval"] == 2
        return
    plan = parse_plan(text, file="sqitch.plan")
    check_against_dump(plan, dump)


@pytest.mark.parametrize("name", sorted(REWRITES))
def test_sqitch_rewrite(name: str) -> None:
    """Hand-edited plans are written back exactly as Sqitch writes them."""
    data = REWRITES[name]
    if "error" in data:
        with pytest.raises(SqlitchError) as err:
            parse_plan(data["plan"], file="sqitch.plan")
        assert err.value.message == data["error"]["message"]
        return
    assert parse_plan(data["plan"], file="sqitch.plan").to_text() == data["written"]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_ids(name: str) -> None:
    data = SCENARIOS[name]
    plan = parse_plan(data["plan"])
    check_against_dump(plan, data)
    listing = [line.split(" ", 1) for line in data["plan_listing"].splitlines()[3:] if line]
    assert [[c.id, c.name] for c in plan.changes] == listing


def _options(args: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    positional: list[str] = []
    opts: dict[str, list[str]] = {"-r": [], "-x": [], "-n": []}
    it = iter(args)
    for arg in it:
        if arg in opts:
            opts[arg].append(next(it))
        else:
            positional.append(arg)
    return positional, opts


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_replay(name: str) -> None:
    """Replaying each sqitch add/tag/rework through the API writes the same plan text."""
    data = SCENARIOS[name]
    steps = data["steps"]
    plan = parse_plan(steps[0]["plan"])
    planner_name = parse_plan(data["plan"]).changes[0].planner_name
    planner_email = parse_plan(data["plan"]).changes[0].planner_email
    for step in steps[1:]:
        command, *rest = step["args"]
        positional, opts = _options(rest)
        when = datetime.fromisoformat(step["time"])
        common: dict[str, Any] = {
            "note": "\n\n".join(opts["-n"]),
            "planner_name": planner_name,
            "planner_email": planner_email,
            "timestamp": when,
        }
        if command == "add":
            plan.add_change(positional[0], requires=opts["-r"], conflicts=opts["-x"], **common)
        elif command == "rework":
            plan.rework(positional[0], requires=opts["-r"], conflicts=opts["-x"], **common)
        else:
            assert command == "tag"
            change = positional[1] if len(positional) > 1 else None
            plan.add_tag(positional[0], change=change, **common)
        assert plan.to_text() == step["plan"], step["args"]
        # IDs computed in memory agree with a fresh parse of the written text.
        reparsed = parse_plan(step["plan"])
        assert [c.id for c in plan.changes] == [c.id for c in reparsed.changes]
        assert [t.id for t in plan.tags] == [t.id for t in reparsed.tags]
