"""The issue-12 fuzz properties, run longer (each bounded to ~25 seconds).

``.venv/bin/python -m pytest xt/test_fuzz_bad_input.py -p no:cacheprovider --no-cov -s``

Same inputs and checks as ``tests/regression/test_issue12_fuzz.py``
(``tests/regression/fuzz_inputs.py``), with more examples each; a property
stops drawing new work when its time is up. The last test prints how many
inputs and commands ran and the slow ones.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.regression import fuzz_inputs as fz

BUDGET = 25.0  # seconds per property
LONG = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_started: dict[str, float] = {}


def _in_time(name: str) -> bool:
    start = _started.setdefault(name, time.monotonic())
    return time.monotonic() - start < BUDGET


@LONG
@given(
    plan=fz.plans(),
    commands=st.lists(st.sampled_from(fz.PLAN_COMMANDS), min_size=1, max_size=4),
)
def test_malformed_plans(plan: bytes, commands: list[list[str]]) -> None:
    if _in_time("plans"):
        fz.run_in_project(commands, plan=plan)


@LONG
@given(
    conf=fz.configs(),
    commands=st.lists(st.sampled_from(fz.CONFIG_COMMANDS), min_size=1, max_size=4),
)
def test_malformed_configs(conf: bytes, commands: list[list[str]]) -> None:
    if _in_time("configs"):
        fz.run_in_project(commands, conf=conf)


@LONG
@given(commands=fz.uri_commands(), pragma=fz.URIS)
def test_odd_uris(commands: list[list[str]], pragma: str) -> None:
    if _in_time("uris"):
        fz.run_in_project(commands)
        plan = f"%syntax-version=1.0.0\n%project=fuzz\n%uri={pragma}\n\n".encode()
        fz.run_in_project([["add", "a", "-n", "a"], ["plan"]], plan=plan)


@settings(LONG, max_examples=1500)
@given(argv=fz.argvs())
def test_odd_command_lines(argv: list[str]) -> None:
    if _in_time("argv"):
        fz.run_in_project([argv])


def test_zz_report() -> None:
    print(f"\nfuzz: {fz.STATS['inputs']} inputs, {fz.STATS['commands']} commands")
    for seconds, where in sorted(fz.SLOW, reverse=True)[:20]:
        print(f"  slow {seconds:.1f}s: {where}")
