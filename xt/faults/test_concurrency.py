"""Two deploys at once on one SQLite target.

SQLitch against SQLitch: SQLitch holds an exclusive ``flock`` on the
registry file for the whole command (Sqitch's SQLite engine has no lock), so
the second deploy says it is blocked and waits (then finds nothing to
deploy) or, past ``--lock-timeout``, gives up cleanly (exit 2) having
changed nothing. Either way the end state is the whole plan, consistent.

Sqitch against SQLitch: Sqitch takes no lock, so nothing stops it running
beside SQLitch. What these tests observed with Sqitch 1.3.1 and a 200-change
chain (and assert no more than the safe part of):

- SQLitch joins a running Sqitch deploy (once 20 changes are recorded):
  either SQLitch reaches a change Sqitch deployed meanwhile and fails on its
  script ("table tNNN already exists"; the driver runner rolls that change
  back, records a ``fail`` event and has nothing of its own run to revert)
  while Sqitch finishes; or Sqitch's ``sqlite3`` client, which does not wait
  for a lock, fails with "database is locked" while SQLitch's transaction
  holds the target, and Sqitch reverts its own run (its revert scripts can
  fail the same way: "The schema will need to be manually repaired") while
  SQLitch finishes, or fails in turn on a change Sqitch then reverted.
- Sqitch joins a running SQLitch deploy: Sqitch starts slowly (Perl), so by
  then SQLitch has recorded changes Sqitch planned to deploy and Sqitch
  refuses before running anything ("Changes have already been deployed",
  exit 2), or finds nothing to deploy. SQLitch finishes.
- Neither corrupts a file (``integrity_check``), the registry and the target
  agree throughout, and a final ``sqlitch deploy`` completes the plan.
- Readers beside a writer (``sqlitch status``/``log`` during a Sqitch
  deploy, ``sqitch status`` during a SQLitch deploy) wait for locks instead
  of failing: both tools wait up to 30 s for a busy SQLite database.

The outcomes of each run are reported in a FaultReport warning.
"""

from __future__ import annotations

import sqlite3
import time
import warnings
from pathlib import Path

import pytest

from xt.faults.harness import (
    CHANGES,
    SQLITCH,
    TARGET,
    FaultReport,
    Place,
    run_and_kill,
    sqlite_integrity,
    sqlite_state,
    write_chain,
)

DESTINATION = TARGET  # the target's name in the lock messages


@pytest.fixture
def place(tmp_path: Path) -> Place:
    found = Place.create(tmp_path / "shared")
    write_chain(found.project, CHANGES)
    return found


def _complete_and_consistent(place: Place) -> None:
    project = place.project
    for name in ("sqitch.db", "flipr.db"):
        assert sqlite_integrity(project / name) == "ok", name
    state = sqlite_state(project)
    assert state.agrees, state.difference
    assert len(state.recorded) == CHANGES


@pytest.mark.parametrize("runners", [("driver", "driver"), ("driver", "client")])
def test_the_second_sqlitch_deploy_waits(place: Place, runners: tuple[str, str]) -> None:
    _slow_second_change(place)
    leader, follower = ([str(SQLITCH), "deploy", "--runner", r, TARGET] for r in runners)
    lead_code, lead_out, follow_code, follow_out = _start_after(place, leader, follower, 1)
    assert (lead_code, follow_code) == (0, 0), (lead_out, follow_out)
    assert "Blocked" not in lead_out, lead_out
    assert follow_out == (
        f"Blocked by another instance of Sqitch working on {DESTINATION}; waiting 60 seconds...\n"
        "Nothing to deploy (up-to-date)\n"
    )
    _complete_and_consistent(place)


#: A statement SQLite takes seconds over (no sleep() in SQLite): it keeps the
#: leader inside the lock well past the follower's one-second timeout, on a
#: fast machine as on a loaded one.
SLOW_SQL = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000000)"
    " SELECT count(*) FROM n;\n"
)


def _slow_second_change(place: Place) -> None:
    slow = place.project / "deploy" / "t002.sql"
    slow.write_text(SLOW_SQL + slow.read_text())


def test_the_second_sqlitch_deploy_times_out_cleanly(place: Place) -> None:
    # Deterministic: the follower starts only once the leader holds the lock
    # (one change recorded) and is inside a change that runs for seconds.
    # (Started together, a fast leader could finish before the follower's
    # timeout, and the follower then rightly finds nothing to deploy.)
    _slow_second_change(place)
    command = [str(SQLITCH), "deploy", "--runner", "driver", "--lock-timeout", "1", TARGET]
    lead_code, lead_out, follow_code, follow_out = _start_after(place, command, command, 1)
    assert lead_code == 0, lead_out
    assert follow_code == 2, follow_out
    assert follow_out == (
        f"Blocked by another instance of Sqitch working on {DESTINATION}; waiting 1 seconds...\n"
        f"Timed out waiting 1 seconds for another instance of Sqitch to finish work on"
        f" {DESTINATION}\n"
    )
    _complete_and_consistent(place)


# -- Sqitch beside SQLitch -----------------------------------------------------------------
#: How either tool may fail cleanly when the other got there first.
CLEAN_FAILURES = ("already exists", "already been deployed", "Deploy failed")
#: Never in SQLitch's output: it waits for a busy database.
SQLITCH_BAD = ("Traceback", "internal error", "malformed", "database is locked")
#: Never in Sqitch's.
SQITCH_BAD = ("malformed", "corrupt")


def _recorded(place: Place) -> int:
    try:
        return len(sqlite_state(place.project).recorded)
    except sqlite3.Error:  # being created
        return 0


def _start_after(
    place: Place, leader: list[str], follower: list[str], recorded: int
) -> tuple[int, str, int, str]:
    """Run ``leader``; start ``follower`` once the registry records
    ``recorded`` changes (polled: Sqitch's output comes in one block at its
    end when it is not a terminal). Both (exit, output)."""
    proc = place.start(leader)
    deadline = time.monotonic() + 120
    while proc.poll() is None and _recorded(place) < recorded and time.monotonic() < deadline:
        time.sleep(0.02)
    done = place.run(follower)
    out = proc.communicate(timeout=180)[0].decode()
    return proc.returncode, out, done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("leader", ["sqitch", "sqlitch"])
def test_sqitch_and_sqlitch_deploying_at_once(place: Place, leader: str, sqitch_path: str) -> None:
    sqitch = [sqitch_path, "deploy", TARGET]
    sqlitch = [str(SQLITCH), "deploy", "--runner", "driver", TARGET]
    first, then = (sqitch, sqlitch) if leader == "sqitch" else (sqlitch, sqitch)
    lead_code, lead_out, follow_code, follow_out = _start_after(place, first, then, 20)
    other = "sqlitch" if leader == "sqitch" else "sqitch"
    outputs = {leader: (lead_code, lead_out), other: (follow_code, follow_out)}
    report = " || ".join(
        f"{tool}{' (first)' if tool == leader else ''}: exit {code}: "
        + " | ".join(line for line in out.splitlines() if line and not line.endswith(" ok"))
        for tool, (code, out) in outputs.items()
    )
    for tool, (code, out) in outputs.items():
        bad = SQLITCH_BAD if tool == "sqlitch" else SQITCH_BAD
        assert not any(sign in out for sign in bad), (tool, out)
        assert code in (0, 2), (tool, out)
        if code:
            # Sqitch runs the sqlite3 client, which does not wait for a lock.
            reasons = CLEAN_FAILURES + (("database is locked",) if tool == "sqitch" else ())
            assert any(reason in out for reason in reasons), (tool, out)
    project = place.project
    state = sqlite_state(project)
    assert state.agrees, state.difference
    final = place.sqlitch("deploy", "--runner", "driver", TARGET)
    assert final.returncode == 0, final.stderr
    _complete_and_consistent(place)
    warnings.warn(report[:600], FaultReport, stacklevel=1)


def _read_while(place: Place, writer: list[str], reader: list[list[str]]) -> list[str]:
    """Run ``writer`` while the ``reader`` commands run over and over; what
    every read that failed said (exit 0 and 1 are answers: 1 is "not all deployed")."""
    proc = place.start(writer)
    problems: list[str] = []
    reads = 0
    while proc.poll() is None:
        for argv in reader:
            done = place.run(argv, timeout=120)
            reads += 1
            if done.returncode not in (0, 1) or done.stderr.strip():
                problems.append(f"{' '.join(argv[1:])}: exit {done.returncode}: {done.stderr}")
    out = proc.communicate()[0].decode()
    assert proc.returncode == 0, out
    assert reads >= 2, "the writer finished before anything was read"
    return problems


def test_sqlitch_reads_while_sqitch_deploys(place: Place, sqitch_path: str) -> None:
    place.sqlitch("deploy", "--runner", "driver", "--to", "t001", TARGET)
    problems = _read_while(
        place,
        [sqitch_path, "deploy", "--to", "t100", TARGET],
        [[str(SQLITCH), "status", TARGET], [str(SQLITCH), "log", "--oneline", TARGET]],
    )
    assert not problems, problems
    state = sqlite_state(place.project)
    assert state.agrees and len(state.recorded) == 100, state.difference


def test_sqitch_reads_while_sqlitch_deploys(place: Place, sqitch_path: str) -> None:
    place.sqlitch("deploy", "--runner", "driver", "--to", "t001", TARGET)
    problems = _read_while(
        place,
        [str(SQLITCH), "deploy", "--runner", "driver", TARGET],
        [[sqitch_path, "status", TARGET]],
    )
    assert not problems, problems
    _complete_and_consistent(place)


def test_a_kill_beside_a_reader(place: Place) -> None:
    """A reader opening the files right after a kill replays the hot journals
    itself; the registry and the target still agree."""
    run = run_and_kill(
        place, [str(SQLITCH), "deploy", "--runner", "driver", TARGET], after_oks=50, delay=0.005
    )
    assert run.killed
    status = place.sqlitch("status", TARGET)
    assert status.returncode == 0 and not status.stderr, status.stderr
    assert sqlite_state(place.project).agrees
