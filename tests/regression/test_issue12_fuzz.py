"""Issue 12: random malformed plans, config files, URIs and command lines
never crash sqlitch (bounded: a few hundred inputs, well under 30 seconds).

The inputs and the check are in ``fuzz_inputs``; ``xt/test_fuzz_bad_input.py``
runs the same properties longer. Slow inputs are reported as warnings.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.regression import fuzz_inputs as fz

FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _report_slow() -> object:
    yield
    for seconds, where in fz.SLOW:
        warnings.warn(f"slow input ({seconds:.1f}s): {where}", stacklevel=1)
    fz.SLOW.clear()


@FAST
@given(
    plan=fz.plans(),
    commands=st.lists(st.sampled_from(fz.PLAN_COMMANDS), min_size=1, max_size=3),
)
def test_malformed_plans(plan: bytes, commands: list[list[str]]) -> None:
    fz.run_in_project(commands, plan=plan)


@FAST
@given(
    conf=fz.configs(),
    commands=st.lists(st.sampled_from(fz.CONFIG_COMMANDS), min_size=1, max_size=3),
)
def test_malformed_configs(conf: bytes, commands: list[list[str]]) -> None:
    fz.run_in_project(commands, conf=conf)


@FAST
@given(commands=fz.uri_commands(), pragma=fz.URIS)
def test_odd_uris(commands: list[list[str]], pragma: str) -> None:
    fz.run_in_project(commands)
    plan = f"%syntax-version=1.0.0\n%project=fuzz\n%uri={pragma}\n\n".encode()
    fz.run_in_project([["add", "a", "-n", "a"], ["plan"], ["tag", "v1", "-n", "t"]], plan=plan)


@settings(FAST, max_examples=120)
@given(argv=fz.argvs())
def test_odd_command_lines(argv: list[str]) -> None:
    fz.run_in_project([argv])


def test_fixed_corpus() -> None:
    """Inputs that once crashed (issue 12), kept as plain examples."""
    huge = "9" * 5000
    cases: list[tuple[list[list[str]], bytes | None, bytes | None]] = [
        ([["log", "--skip", huge]], None, None),
        ([["deploy"], ["log", "--max-count", huge]], None, None),
        ([["add", "zz", "-n", "\udcff"]], None, None),
        ([["add", "x/../../../../tmp/esc", "-n", "a"]], None, None),
        ([["status", "--top-dir", "x" * 300]], None, None),
        (
            [["add", "a", "-n", "a"]],
            f"%syntax-version=1.0.0\n%project=p\n%uri=https://x:{huge}/\n\n".encode(),
            None,
        ),
        (
            [["deploy"], ["add", "b", "-n", "b"]],
            None,
            f"[core]\n\tengine = sqlite\n\tverbosity = {huge}\n".encode(),
        ),
        ([["config", "--int", "core.v"]], None, f"[core]\n\tv = {huge}\n".encode()),
        ([["status", f"db:pg://h:{huge}/x"]], None, None),
    ]
    for commands, plan, conf in cases:
        fz.run_in_project(commands, plan=plan, conf=conf)
