"""kill -9 at any moment of a deploy: with the driver runner, never out of step.

- A 200-change SQLite deploy with ``--runner driver`` is SIGKILLed at random
  moments (after the N-th change's "ok" plus up to 30 ms, N random; one
  trial in ten at a random time from the start, which lands in start-up or
  registry creation), at least 30 times. After each kill every change the
  registry records has its table in the target and every table has its
  record (0 disagreements), both files pass ``integrity_check``, and a new
  ``deploy`` reaches all 200 changes. Trials run five at a time.
- The same with ``--runner client`` (Sqitch's way) over 10 kills: the
  disagreements are reported (a ``FaultReport`` warning), not asserted; a
  change applied without its record is expected there.
- Kill points: a deterministic SIGKILL at named moments (before a change's
  rows are written, before and after its commit, right after the registry
  script, where Sqitch would write the release row), for the windows
  random kills rarely hit.
- PostgreSQL (SQLITCH_TEST_PG_URI): 8 random kills of a driver-runner deploy.

``SQLITCH_FAULT_SEED`` replays a run (the seed is in every failure message);
``SQLITCH_FAULT_TRIALS`` changes the number of SQLite kills.
"""

from __future__ import annotations

import os
import random
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.support.servers import PG_VAR, pg_databases, require_server
from tests.support.servers import uri_with_database as with_database

from xt.faults.harness import (
    CHANGES,
    SQLITCH,
    TARGET,
    FaultReport,
    Killed,
    Place,
    State,
    killer_argv,
    pg_reset,
    pg_state,
    remove_sqlite_files,
    run_and_kill,
    sqlite_integrity,
    sqlite_state,
    write_chain,
)

KILLS = int(os.environ.get("SQLITCH_FAULT_TRIALS", "30"))
CLIENT_KILLS = 10
WORKERS = 5


@pytest.fixture(scope="module")
def seed() -> int:
    return int(os.environ.get("SQLITCH_FAULT_SEED") or random.SystemRandom().randrange(2**32))


@dataclass
class Trial:
    number: int
    after: int
    delay: float
    run: Killed
    state: State
    integrity: tuple[str, str]
    rerun: str = ""
    final: State | None = None
    #: Journal files the kill left (a write transaction was under way).
    journals: tuple[str, ...] = ()

    def describe(self) -> str:
        moment = (
            f"{self.delay:.3f}s after start"
            if self.after < 0
            else f"{self.delay * 1000:.0f} ms after ok #{self.after}"
        )
        return (
            f"trial {self.number} (killed {moment}; {self.run.oks} ok printed;"
            f" {len(self.state.recorded)} recorded, {len(self.state.tables)} tables)"
        )


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible timing, not secrets


def _moment(rng: random.Random, changes: int = CHANGES) -> tuple[int, float]:
    if rng.random() < 0.1:
        return -1, rng.uniform(0.0, 0.8)
    return rng.randrange(changes), rng.uniform(0.0, 0.03)


def _places(root: Path, count: int) -> list[Place]:
    places = []
    for i in range(count):
        place = Place.create(root / f"worker{i}")
        write_chain(place.project, CHANGES)
        places.append(place)
    return places


def _sqlite_trial(place: Place, number: int, rng: random.Random, runner: str) -> Trial:
    remove_sqlite_files(place.project)
    # The client runner's trials need no second run: kill in the first 120.
    after, delay = _moment(rng, CHANGES if runner == "driver" else 120)
    run = run_and_kill(
        place,
        [str(SQLITCH), "deploy", "--runner", runner, TARGET],
        after_oks=after,
        delay=delay,
    )
    project = place.project
    journals = tuple(sorted(p.name for p in project.glob("*.db-*")))
    integrity = (sqlite_integrity(project / "sqitch.db"), sqlite_integrity(project / "flipr.db"))
    trial = Trial(number, after, delay, run, sqlite_state(project), integrity, journals=journals)
    if runner == "driver":
        done = place.sqlitch("deploy", "--runner", "driver", TARGET)
        trial.rerun = f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
        trial.final = sqlite_state(project)
    elif not trial.state.agrees:
        # Does the next command name the change a kill may have half-done?
        status = place.sqlitch("status", TARGET)
        trial.rerun = status.stderr
    return trial


def _run_trials(
    places: list[Place], wanted: int, attempts: int, make: Callable[[Place, int], Trial]
) -> list[Trial]:
    """Trials on the places in parallel until ``wanted`` were really killed."""
    trials: list[Trial] = []
    number = 0
    with ThreadPoolExecutor(max_workers=len(places)) as pool:
        while sum(t.run.killed for t in trials) < wanted and number < attempts:
            batch = []
            for place in places:
                number += 1
                batch.append(pool.submit(make, place, number))
            trials += [future.result() for future in batch]
    return trials


def _judge(trials: list[Trial]) -> list[str]:
    """The problems of driver trials (none expected)."""
    problems = []
    for trial in trials:
        if not all(check in ("ok", "absent") for check in trial.integrity):
            problems.append(f"{trial.describe()}: integrity {trial.integrity}")
        if not trial.state.agrees:
            problems.append(f"{trial.describe()}: {trial.state.difference}")
        final = trial.final
        if trial.state.unversioned_registry:
            # Tables without a release row (Sqitch's registry-creation window,
            # closed here: test_kill_right_after_the_registry_script).
            problems.append(f"{trial.describe()}: registry without a release row")
        if not trial.rerun.startswith("exit 0"):
            problems.append(f"{trial.describe()}: the next deploy failed: {trial.rerun}")
        elif final is None or len(final.recorded) != CHANGES or not final.agrees:
            problems.append(f"{trial.describe()}: after the next deploy: {final}")
    return problems


def test_kill_9_during_a_driver_deploy_never_separates_script_and_record(
    tmp_path: Path, seed: int
) -> None:
    places = _places(tmp_path, WORKERS)
    rngs = {id(p): _rng(seed + i) for i, p in enumerate(places)}
    trials = _run_trials(
        places,
        KILLS,
        KILLS * 2,
        lambda place, n: _sqlite_trial(place, n, rngs[id(place)], "driver"),
    )
    killed = [t for t in trials if t.run.killed]
    assert len(killed) >= KILLS, f"seed {seed}: only {len(killed)} runs were killed in time"
    problems = _judge(trials)
    assert not problems, f"seed {seed}:\n" + "\n".join(problems)
    spread = sorted(t.run.oks for t in killed)
    hot = sum(bool(t.journals) for t in killed)
    warnings.warn(
        f"driver runner: {len(killed)} kills (seed {seed}; changes done at the kill:"
        f" {spread[0]}..{spread[-1]}; {hot} left a journal to roll back), 0 disagreements",
        FaultReport,
        stacklevel=1,
    )


def test_kill_9_during_a_client_deploy_is_reported(tmp_path: Path, seed: int) -> None:
    """Sqitch's way: the script commits before its record; not asserted."""
    places = _places(tmp_path, WORKERS)
    rngs = {id(p): _rng(seed + 1000 + i) for i, p in enumerate(places)}
    trials = _run_trials(
        places,
        CLIENT_KILLS,
        CLIENT_KILLS * 3,
        lambda place, n: _sqlite_trial(place, n, rngs[id(place)], "client"),
    )
    killed = [t for t in trials if t.run.killed]
    apart = [t for t in killed if not t.state.agrees]
    named = [t for t in apart if "was interrupted" in t.rerun]
    for trial in killed:
        assert all(c in ("ok", "absent") for c in trial.integrity), trial.describe()
    warnings.warn(
        f"client runner: {len(apart)} of {len(killed)} kills left the registry and the target"
        f" disagreeing (seed {seed}); `sqlitch status` named the interrupted change in"
        f" {len(named)} of them"
        + "".join(f"\n  {t.describe()}: {t.state.difference}" for t in apart),
        FaultReport,
        stacklevel=1,
    )


# -- kill points -------------------------------------------------------------------------------
REGISTRY = "sqlitch.engines.registry:Registry"
KILL_POINTS = [
    # (arm, kill, when): all after the fifth change's rows were written or
    # (log_deploy_change itself) as they are about to be.
    (f"{REGISTRY}.log_deploy_change:5", f"{REGISTRY}.log_deploy_change", "before"),
    (f"{REGISTRY}.log_deploy_change:5", f"{REGISTRY}.log_deploy_change", "after"),
    (f"{REGISTRY}.log_deploy_change:5", f"{REGISTRY}.commit", "before"),
    (f"{REGISTRY}.log_deploy_change:5", f"{REGISTRY}.commit", "after"),
]


@pytest.fixture
def chain(tmp_path: Path) -> Place:
    place = Place.create(tmp_path / "chain")
    write_chain(place.project, 10)
    return place


@pytest.mark.parametrize(("arm", "kill", "when"), KILL_POINTS, ids=lambda v: str(v).split(".")[-1])
@pytest.mark.parametrize("atomic", [False, True], ids=["per-change", "atomic"])
def test_kill_points_of_a_driver_deploy(
    chain: Place, arm: str, kill: str, when: str, atomic: bool
) -> None:
    args = ["deploy", "--runner", "driver", *(["--atomic"] if atomic else []), TARGET]
    done = chain.run(killer_argv(arm, kill, when, *args))
    assert done.returncode == -9, done.stdout + done.stderr
    state = sqlite_state(chain.project)
    assert state.agrees, state.difference
    committed = kill.endswith("commit") and when == "after"
    if atomic:
        assert len(state.recorded) == (10 if committed else 0)
    else:
        assert len(state.recorded) == (5 if committed else 4)
    status = chain.sqlitch("status", TARGET)
    assert "was interrupted" not in status.stderr
    assert chain.sqlitch("deploy", "--runner", "driver", TARGET).returncode == 0
    final = sqlite_state(chain.project)
    assert final.agrees and len(final.recorded) == 10


def test_kill_point_between_script_and_record_with_the_client(chain: Place) -> None:
    """Sqitch's window, which the driver closes: the table stays unrecorded,
    and ``status`` names the change."""
    args = ["deploy", "--runner", "client", TARGET]
    log = f"{REGISTRY}.log_deploy_change"
    done = chain.run(killer_argv(f"{log}:5", log, "before", *args))
    assert done.returncode == -9
    state = sqlite_state(chain.project)
    assert state.tables - state.recorded == {"t005"}
    status = chain.sqlitch("status", TARGET)
    assert 'The deploy of change "t005" was interrupted' in status.stderr


def test_an_interrupted_trace_belongs_to_its_own_registry(tmp_path: Path) -> None:
    shared = tmp_path / "system-tmp"
    shared.mkdir()
    here, elsewhere = Place.create(tmp_path / "here"), Place.create(tmp_path / "elsewhere")
    for place in (here, elsewhere):
        place.extra_env["TMPDIR"] = str(shared)  # one user, one temporary directory
        write_chain(place.project, 10)
    log = f"{REGISTRY}.log_deploy_change"
    done = here.run(killer_argv(f"{log}:5", log, "before", "deploy", "--runner", "client", TARGET))
    assert done.returncode == -9
    assert 'The deploy of change "t005" was interrupted' in here.sqlitch("status", TARGET).stderr
    elsewhere.sqlitch("deploy", "--runner", "driver", "--to", "t002", TARGET)
    status = elsewhere.sqlitch("status", TARGET)
    assert "was interrupted" not in status.stderr, status.stderr


@pytest.mark.parametrize("runner", ["driver", "client"])
def test_kill_right_after_the_registry_script(chain: Place, runner: str) -> None:
    # Sqitch records the registry's release after its creation script has
    # committed: killed in between, it leaves tables without a version, and
    # its next deploy runs the upgrade scripts over them and fails ("table
    # releases already exists"). SQLitch writes the release row inside the
    # script's own transaction, so there is no such moment.
    args = ["deploy", "--runner", runner, TARGET]
    point = "sqlitch.engines.base:Engine._run_registry_sql"
    done = chain.run(killer_argv(f"{point}:1", point, "after", *args))
    assert done.returncode == -9
    state = sqlite_state(chain.project)
    assert state.recorded == state.tables == frozenset()
    assert "releases" in state.registry_tables
    assert not state.unversioned_registry
    again = chain.sqlitch("deploy", "--runner", runner, TARGET)
    assert again.returncode == 0, again.stderr
    assert len(sqlite_state(chain.project).recorded) == 10


# -- PostgreSQL ------------------------------------------------------------------------------------
PG_KILLS = 8


@pytest.fixture
def pg_places(tmp_path: Path) -> Iterator[list[tuple[Place, str, str]]]:
    server = require_server(PG_VAR)
    with pg_databases(server, 3, prefix="sqlitch_xt_kill") as names:
        places = []
        for i, name in enumerate(names):
            place = Place.create(tmp_path / f"pg{i}")
            write_chain(place.project, CHANGES, engine="pg")
            places.append((place, server, name))
        yield places


def test_kill_9_during_a_pg_driver_deploy(
    pg_places: list[tuple[Place, str, str]], seed: int
) -> None:
    rng = _rng(seed + 2000)
    moments = {i: _moment(rng) for i in range(PG_KILLS * 3)}
    by_place = {id(p[0]): p for p in pg_places}

    def trial(place: Place, number: int) -> Trial:
        _, server, database = by_place[id(place)]
        uri = with_database(server, database)
        pg_reset(server, database)
        after, delay = moments[number % len(moments)]
        delay = delay * 0.4 if after >= 0 else delay  # changes are quicker here
        run = run_and_kill(
            place, [str(SQLITCH), "deploy", "--runner", "driver", uri], after_oks=after, delay=delay
        )
        result = Trial(number, after, delay, run, pg_state(server, database), ("ok", "ok"))
        done = place.sqlitch("deploy", "--runner", "driver", uri)
        result.rerun = f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
        result.final = pg_state(server, database)
        return result

    trials = _run_trials([p[0] for p in pg_places], PG_KILLS, PG_KILLS * 3, trial)
    killed = [t for t in trials if t.run.killed]
    assert len(killed) >= PG_KILLS
    problems = _judge(trials)
    assert not problems, f"seed {seed}:\n" + "\n".join(problems)
    warnings.warn(
        f"PostgreSQL driver runner: {len(killed)} kills (seed {seed}), 0 disagreements",
        FaultReport,
        stacklevel=1,
    )
