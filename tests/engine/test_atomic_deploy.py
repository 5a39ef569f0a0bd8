"""``deploy --atomic`` and ``revert --atomic``: all of it, or none of it.

With the driver runner on SQLite and PostgreSQL an atomic run is one
transaction: every script, every verify and every registry row. These tests
hold SQLitch to what docs/PARITY.md promises:

- a failure anywhere leaves the registry and the target exactly as they were
  (SQLite: the same bytes in every file, or no file at all; PostgreSQL: the
  same dump and the same registry clock values), both on an empty database
  (the registry the run created is gone again) and after normal deploys;
  nothing is recorded (no ``fail`` event) and no revert script runs;
- a successful atomic deploy writes the rows a normal deploy writes, and
  normal ``status``/``verify``/``revert`` continue from it;
- a script's own ``BEGIN``/``COMMIT``/``ROLLBACK`` become savepoints: a
  script's ``COMMIT`` commits nothing, its ``ROLLBACK`` undoes its own work
  only, what it leaves open is rolled back as the client's exit would (the
  target ends as the client runner leaves it), and SQLite scripts may use
  savepoints of their own;
- refusals come before anything runs (exit 2, one line, nothing changed):
  MySQL, the client runner, ``--log-only``, a statement that cannot run in a
  transaction.

Parametrized over the engines; PostgreSQL skips with a
ServerUnavailableWarning without SQLITCH_TEST_PG_URI, MySQL likewise without
SQLITCH_TEST_MYSQL_URI.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.engine.txn_cases import (
    ENGINES,
    FAIL,
    NAMES,
    Case,
    Cases,
    PgCase,
    SqliteCase,
    default_scripts,
    make_cases,
    private_tmpdir,
    template_script,
)
from tests.support import sqlite_dump
from tests.support.servers import (
    MYSQL_VAR,
    mysql_connect,
    mysql_databases,
    pg_connect,
    require_server,
)
from tests.support.servers import uri_with_database as with_database

__all__ = ["private_tmpdir"]  # an autouse fixture: see txn_cases

ROLLED_BACK = "{} failed; nothing was deployed: the atomic deploy was rolled back\nDeploy failed\n"
REVERT_ROLLED_BACK = (
    "{} failed; nothing was reverted: the atomic revert was rolled back\nRevert failed\n"
)


@pytest.fixture(params=ENGINES)
def cases(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[Cases]:
    yield from make_cases(request.param, tmp_path, capsys)


@pytest.fixture
def case(cases: Cases) -> Case:
    project = cases()
    project.write()
    return project


def has_client(case: Case) -> bool:
    return shutil.which(case.client) is not None


# -- a failure rolls everything back ----------------------------------------------
def test_a_failure_on_an_empty_database_leaves_nothing(case: Case) -> None:
    case.put({"deploy/c.sql": FAIL})
    before = case.snapshot()
    code, out, err = case.sqlitch("deploy", "--atomic")
    assert code == 2
    assert out.endswith("  + a ...... ok\n  + b @v1 .. ok\n  + c ...... not ok\n")
    assert "Adding registry tables to" in out
    assert err.endswith(ROLLED_BACK.format("c"))
    assert case.snapshot() == before
    if isinstance(case, SqliteCase):
        # The registry file this run created is removed, and so is the
        # target file the driver's connection created.
        assert sorted(p.name for p in case.project.glob("*.db*")) == []
    # Nothing stands in the way of the next deploy.
    case.put(default_scripts())
    assert case.sqlitch("deploy", "--atomic")[0] == 0
    assert case.changes() == sorted(NAMES)
    assert case.tables() == set(NAMES)


@pytest.mark.parametrize("mode", ["all", "change"])
def test_a_failure_after_normal_deploys_leaves_both_databases_as_they_were(
    case: Case, mode: str
) -> None:
    case.ok("deploy", "--to", "a")
    case.put({"deploy/c.sql": FAIL})
    before = case.snapshot()
    # Deploy modes do not apply: even "change" keeps nothing of b.
    code, out, err = case.sqlitch("deploy", "--atomic", "--mode", mode)
    assert code == 2
    assert out.endswith("  + b @v1 .. ok\n  + c ...... not ok\n")
    assert err.endswith(ROLLED_BACK.format("c"))
    assert case.snapshot() == before
    assert case.events() == [("deploy", "a")]  # no "fail" event either
    code, out, _ = case.sqlitch("status")
    assert code == 0 and "# Name:     a\n" in out
    assert out.endswith("Undeployed changes:\n  * b @v1\n  * c\n  * d\n")


def test_a_failing_last_change_rolls_back_the_ones_before(case: Case) -> None:
    case.ok("deploy", "--to", "b")
    case.put({"deploy/d.sql": "CREATE TABLE d (x INTEGER);\n" + FAIL})
    before = case.snapshot()
    code, out, err = case.sqlitch("deploy", "--atomic")
    assert code == 2
    assert out.endswith("  + c .. ok\n  + d .. not ok\n")
    assert err.endswith(ROLLED_BACK.format("d"))
    assert case.snapshot() == before


def test_a_failing_verify_rolls_back_and_runs_no_revert_script(case: Case) -> None:
    case.ok("deploy", "--to", "a")
    case.put(
        {
            "verify/c.sql": "SELECT nosuch FROM c;\n",
            # Were it run, it would say so: the table is gone with the rollback.
            "revert/c.sql": "SELECT revert_script_of_c_ran FROM nowhere_at_all;\n",
        }
    )
    before = case.snapshot()
    code, out, err = case.sqlitch("deploy", "--atomic", "--verify")
    assert code == 2
    assert out.endswith("  + b @v1 .. ok\n  + c ...... not ok\n")
    assert 'Verify script "verify/c.sql" failed.' in err
    assert "revert_script_of_c_ran" not in err + out
    assert err.endswith(ROLLED_BACK.format("c"))
    assert case.snapshot() == before


def test_a_verify_that_passes_inside_the_atomic_run(case: Case) -> None:
    code, out, _ = case.sqlitch("deploy", "--atomic", "--verify")
    assert code == 0, out
    assert case.tables() == set(NAMES)
    assert [e for e, _ in case.events()] == ["deploy"] * 4


def test_an_atomic_revert_failure_leaves_both_databases_as_they_were(case: Case) -> None:
    case.ok("deploy")
    case.put({"revert/a.sql": FAIL})
    before = case.snapshot()
    code, out, err = case.sqlitch("revert", "--atomic", "-y")
    assert code == 2
    assert out.endswith(
        "  - d ...... ok\n  - c ...... ok\n  - b @v1 .. ok\n  - a ...... not ok\n"
    ), out
    assert err.endswith(REVERT_ROLLED_BACK.format("a"))
    assert case.snapshot() == before
    # --to, and the setting instead of the option.
    case.write(default_scripts() | {"revert/c.sql": FAIL}, extra_conf="[revert]\n\tatomic = true\n")
    code, out, err = case.sqlitch("revert", "-y", "--to", "a")
    assert code == 2
    assert out.endswith("  - d ...... ok\n  - c ...... not ok\n")
    assert err.endswith(REVERT_ROLLED_BACK.format("c"))
    assert case.snapshot() == before


def test_an_atomic_revert_that_succeeds(case: Case) -> None:
    case.ok("deploy")
    out = case.ok("revert", "--atomic", "-y", "--to", "@v1")
    assert "  - d .. ok\n  - c .. ok\n" in out
    assert case.changes() == ["a", "b"]
    assert case.tables() == {"a", "b"}
    assert case.events()[-2:] == [("revert", "d"), ("revert", "c")]


# -- what an atomic deploy leaves is what a normal deploy leaves ---------------------
def test_an_atomic_deploy_writes_normal_rows_that_status_and_revert_continue(
    cases: Cases,
) -> None:
    atomic, normal = cases("atomic"), cases("normal")
    atomic.write()
    normal.write()
    out = atomic.ok("deploy", "--atomic", "--verify")
    assert out == normal.ok("deploy", "--verify").replace(normal.uri, atomic.uri)
    assert atomic.registry_dump() == normal.registry_dump()
    assert atomic.target_dump() == normal.target_dump()

    code, out, _ = atomic.sqlitch("status")
    assert code == 0 and out.endswith("Nothing to deploy (up-to-date)\n")
    assert atomic.ok("verify").endswith("Verify successful\n")
    atomic.ok("revert", "-y", "--to", "@v1")
    atomic.ok("deploy")
    atomic.ok("revert", "-y")
    normal.ok("revert", "-y", "--to", "@v1")
    normal.ok("deploy")
    normal.ok("revert", "-y")
    assert atomic.registry_dump() == normal.registry_dump()
    assert atomic.tables() == set()
    assert [e for e, _ in atomic.events()] == ["deploy"] * 4 + ["revert"] * 2 + ["deploy"] * 2 + [
        "revert"
    ] * 4


def test_deploy_atomic_setting_and_no_atomic(case: Case) -> None:
    case.write(default_scripts() | {"deploy/c.sql": FAIL}, extra_conf="[deploy]\n\tatomic = true\n")
    code, _, err = case.sqlitch("deploy")
    assert code == 2 and err.endswith(ROLLED_BACK.format("c"))
    assert case.changes() == []
    # --no-atomic: each change on its own again, mode "change" keeps a and b.
    code, _, err = case.sqlitch("deploy", "--no-atomic", "--mode", "change")
    assert code == 2 and "nothing was deployed" not in err
    assert case.changes() == ["a", "b"]


# -- a script's own transaction statements inside the atomic transaction -------------
def test_template_scripts_commit_nothing_before_the_end(cases: Cases) -> None:
    case = cases()
    engine = case.engine
    scripts = {}
    for name in NAMES:
        scripts[f"deploy/{name}.sql"] = template_script(
            engine, "deploy", name, f"CREATE TABLE {name} (x INTEGER);\n"
        )
        scripts[f"revert/{name}.sql"] = template_script(
            engine, "revert", name, f"DROP TABLE {name};\n"
        )
        scripts[f"verify/{name}.sql"] = template_script(
            engine,
            "verify",
            name,
            f"SELECT x FROM {name} WHERE 1 = 0;\n",  # noqa: S608
        )
    failing_d = template_script(engine, "deploy", "d", "CREATE TABLE d (x INTEGER);\n" + FAIL)
    case.write(scripts | {"deploy/d.sql": failing_d})
    before = case.snapshot()
    code, _, err = case.sqlitch("deploy", "--atomic", "--verify")
    assert code == 2 and err.endswith(ROLLED_BACK.format("d"))
    # a, b and c each said COMMIT: none of it stayed.
    assert case.snapshot() == before
    case.put(scripts)
    case.ok("deploy", "--atomic", "--verify")
    assert case.tables() == set(NAMES)
    assert case.ok("verify").endswith("Verify successful\n")
    case.ok("revert", "--atomic", "-y")
    assert case.tables() == set() and case.changes() == []


# Scripts whose own transactions the atomic run must map as the client would.
OWN_TRANSACTIONS = {
    "rollback": (
        "BEGIN;\nCREATE TABLE b_gone (x INTEGER);\nROLLBACK;\nCREATE TABLE b (x INTEGER);\n"
    ),
    "two transactions": (
        "BEGIN;\nCREATE TABLE b (x INTEGER);\nCOMMIT;\n"
        "BEGIN;\nCREATE TABLE b_two (x INTEGER);\nCOMMIT;\n"
    ),
    "left open": "CREATE TABLE b (x INTEGER);\nBEGIN;\nCREATE TABLE b_open (x INTEGER);\n",
    "rollback then open": (
        "BEGIN;\nCREATE TABLE b_gone (x INTEGER);\nROLLBACK;\n"
        "CREATE TABLE b (x INTEGER);\nBEGIN;\nINSERT INTO b VALUES (1);\n"
    ),
}
SQLITE_SAVEPOINTS = {
    "nested savepoint": (
        "BEGIN;\nCREATE TABLE b (x INTEGER);\nSAVEPOINT inner_sp;\n"
        "CREATE TABLE b_inner (x INTEGER);\nROLLBACK TO inner_sp;\nRELEASE inner_sp;\n"
        "INSERT INTO b VALUES (2);\nCOMMIT;\n"
    ),
    "savepoint as transaction": (
        "SAVEPOINT outer_sp;\nCREATE TABLE b (x INTEGER);\nSAVEPOINT inner_sp;\n"
        "INSERT INTO b VALUES (3);\nROLLBACK TRANSACTION TO SAVEPOINT inner_sp;\n"
        "RELEASE SAVEPOINT outer_sp;\n"
    ),
    "trigger body": (
        "BEGIN;\nCREATE TABLE b (x INTEGER);\nCREATE TABLE b_log (x INTEGER);\n"
        "CREATE TRIGGER b_logger AFTER INSERT ON b BEGIN\n"
        "    INSERT INTO b_log VALUES (NEW.x);\nEND;\nINSERT INTO b VALUES (4);\nEND;\n"
    ),
}


def _own_transaction_cases() -> list[tuple[str, str]]:
    found = [(engine, name) for engine in ENGINES for name in OWN_TRANSACTIONS]
    return found + [("sqlite", name) for name in SQLITE_SAVEPOINTS]


@pytest.mark.parametrize(
    ("engine", "script"), _own_transaction_cases(), ids=lambda v: v.replace(" ", "-")
)
def test_a_scripts_own_transactions_end_as_with_the_client(
    engine: str, script: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = {**OWN_TRANSACTIONS, **SQLITE_SAVEPOINTS}[script]
    for cases in make_cases(engine, tmp_path, capsys):
        atomic = cases("atomic")
        atomic.write(default_scripts() | {"deploy/b.sql": text})
        code, out, err = atomic.sqlitch("deploy", "--atomic", "--verify")
        assert code == 0, out + err
        assert {"a", "b", "c", "d"} <= atomic.tables()
        assert atomic.changes() == sorted(NAMES)
        if not has_client(atomic):
            continue
        client = cases("client")
        client.write(default_scripts() | {"deploy/b.sql": text}, runner="client")
        client.ok("deploy", "--verify")
        assert atomic.target_dump() == client.target_dump()
        assert atomic.registry_dump() == client.registry_dump()


def test_a_failure_after_a_scripts_rollback_rolls_back_all(case: Case) -> None:
    case.put(
        {
            "deploy/b.sql": OWN_TRANSACTIONS["rollback then open"],
            "deploy/c.sql": "BEGIN;\nCREATE TABLE c (x INTEGER);\nCOMMIT;\n" + FAIL,
        }
    )
    before = case.snapshot()
    code, _, err = case.sqlitch("deploy", "--atomic")
    assert code == 2 and err.endswith(ROLLED_BACK.format("c"))
    assert case.snapshot() == before


# -- refusals, before anything runs ---------------------------------------------------
def _blocker(engine: str, name: str = "c") -> list[tuple[str, str]]:
    """(script text, the refusal's reason after "deploy/<name>.sql line 2: ")."""
    create = f"CREATE TABLE {name} (x INTEGER);\n"
    if engine == "sqlite":
        return [
            (create + "VACUUM;\n", "VACUUM cannot run inside a transaction"),
            (
                create + "PRAGMA foreign_keys = OFF;\n",
                "PRAGMA foreign_keys cannot be changed inside a transaction",
            ),
        ]
    return [
        (
            create + f"CREATE INDEX CONCURRENTLY {name}_x ON {name} (x);\n",
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction",
        ),
        # One table: a database-wide VACUUM run Sqitch's way would wait for the
        # registry's lock forever (as with Sqitch) if the refusal failed.
        (create + f"VACUUM {name};\n", f"VACUUM {name} cannot run inside a transaction"),
        (
            create + "SAVEPOINT mine;\nRELEASE mine;\n",
            "SAVEPOINT mine cannot run inside a transaction",
        ),
    ]


def _refusals(engine: str) -> list[tuple[list[str], dict[str, str], str]]:
    """(arguments, scripts to write, the one line refusing) for every refusal."""
    refusals: list[tuple[list[str], dict[str, str], str]] = [
        (
            ["deploy", "--atomic", "--runner", "client"],
            {},
            "Cannot deploy atomically: it needs the driver runner (--runner driver)",
        ),
        (
            ["deploy", "--atomic", "--log-only"],
            {},
            "Cannot deploy atomically: --log-only runs no scripts",
        ),
    ]
    for text, why in _blocker(engine):
        refusals.append(
            (
                ["deploy", "--atomic"],
                {"deploy/c.sql": text},
                f"Cannot deploy atomically: deploy/c.sql line 2: {why}",
            )
        )
    return refusals


def test_refusals_after_a_deploy_change_nothing(case: Case) -> None:
    case.ok("deploy", "--to", "a")
    before = case.snapshot()
    for args, scripts, message in _refusals(case.engine):
        case.put(default_scripts() | scripts)
        assert case.sqlitch(*args) == (2, "", message + "\n"), args
        assert case.snapshot() == before, args


def test_refusals_on_an_empty_database_create_no_registry(case: Case) -> None:
    before = case.snapshot()
    for args, scripts, message in _refusals(case.engine):
        case.put(default_scripts() | scripts)
        assert case.sqlitch(*args) == (2, "", message + "\n"), args
        assert case.changes() == [] and case.tables() == set()
        if isinstance(case, SqliteCase):
            # The lock leaves an empty registry file, as `sqlitch status` and
            # Sqitch's own connection do; no registry tables in it.
            assert case.registry_path.stat().st_size == 0
        else:
            assert case.snapshot() == before, args


def test_a_refusal_on_sqlite_creates_no_target_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for cases in make_cases("sqlite", tmp_path, capsys):
        case = cases()
        case.write(default_scripts() | {"deploy/c.sql": _blocker("sqlite")[0][0]})
        assert case.sqlitch("deploy", "--atomic")[0] == 2
        assert isinstance(case, SqliteCase)
        assert not case.target_path.exists()


def test_revert_refusals_change_nothing(case: Case) -> None:
    case.ok("deploy")
    before = case.snapshot()
    code, out, err = case.sqlitch("revert", "--atomic", "-y", "--runner", "client")
    assert (code, err) == (
        2,
        "Cannot revert atomically: it needs the driver runner (--runner driver)\n",
    )
    assert "  - " not in out
    code, out, err = case.sqlitch("revert", "--atomic", "-y", "--log-only")
    assert (code, err) == (2, "Cannot revert atomically: --log-only runs no scripts\n")
    (text, why), *_ = _blocker(case.engine)
    case.put({"revert/c.sql": text})
    code, out, err = case.sqlitch("revert", "--atomic", "-y")
    assert (code, err) == (2, f"Cannot revert atomically: revert/c.sql line 2: {why}\n")
    assert "  - " not in out
    assert case.snapshot() == before


def test_a_blocker_only_in_a_change_already_deployed_does_not_refuse(case: Case) -> None:
    (text, _why), *_ = _blocker(case.engine, "a")
    case.put({"deploy/a.sql": text})
    case.ok("deploy", "--to", "a")  # Sqitch's way, outside a transaction
    case.ok("deploy", "--atomic")
    assert case.tables() == set(NAMES)


# -- what a failed atomic run removes again ----------------------------------------------
def test_pg_registry_in_a_schema_that_existed_leaves_the_schema_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the registry's own tables go (and its COMMENT ON SCHEMA is put back)."""
    for cases in make_cases("pg", tmp_path, capsys):
        case = cases()
        assert isinstance(case, PgCase)
        case.registry = "meta"
        case.write(default_scripts() | {"deploy/c.sql": FAIL})
        with pg_connect(case.server, case.database) as conn:
            conn.execute("CREATE SCHEMA meta")
            conn.execute("COMMENT ON SCHEMA meta IS 'the users own'")
            conn.execute("CREATE TABLE meta.keep (x INTEGER)")
            conn.execute("INSERT INTO meta.keep VALUES (42)")
        before = case.snapshot()
        code, _, err = case.sqlitch("deploy", "--atomic")
        assert code == 2 and err.endswith(ROLLED_BACK.format("c"))
        assert case.snapshot() == before


@pytest.mark.parametrize("layout", ["target-is-registry", "registry-option"])
def test_sqlite_a_failed_atomic_deploy_keeps_a_file_that_existed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str
) -> None:
    for cases in make_cases("sqlite", tmp_path, capsys):
        case = cases()
        assert isinstance(case, SqliteCase)
        if layout == "target-is-registry":
            case.target_file = "sqitch.db"  # the documented db:sqlite:sqitch.db layout
        case.write(default_scripts() | {"deploy/c.sql": FAIL})
        conn = sqlite3.connect(case.registry_path)
        conn.execute("CREATE TABLE keep (x TEXT)")
        conn.execute("INSERT INTO keep VALUES ('precious')")
        conn.commit()
        conn.close()
        before = sqlite_dump.dump_database(case.registry_path)
        code, _, err = case.sqlitch("deploy", "--atomic")
        assert code == 2 and err.endswith(ROLLED_BACK.format("c"))
        assert case.registry_path.exists(), "the file and the user's table in it are gone"
        # The registry tables are dropped again: the same objects and rows
        # (the file's bytes differ: pages were used and freed).
        assert sqlite_dump.dump_database(case.registry_path) == before


def test_mysql_refuses_before_touching_the_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = require_server(MYSQL_VAR)
    from tests.engine.txn_cases import Case as BaseCase

    with mysql_databases(server, 2, prefix="sqlitch_tx") as (database, registry):
        conn = mysql_connect(server)
        try:
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE `{registry}`")  # a first deploy would create it

            class MysqlCase(BaseCase):
                engine, client = "mysql", "mysql"

                @property
                def uri(self) -> str:
                    return with_database(server, database)

            case = MysqlCase(tmp_path / "mysql", capsys)
            case.registry = registry
            case.write()
            refusal = (
                "Cannot deploy or revert atomically on MySQL: its DDL statements commit"
                " implicitly, so a failure could not be rolled back\n"
            )
            for args in (
                ["deploy", "--atomic"],
                ["deploy", "--atomic", "--runner", "client"],
                ["revert", "--atomic", "-y"],
            ):
                assert case.sqlitch(*args) == (2, "", refusal), args
            with conn.cursor() as cur:
                cur.execute("SHOW DATABASES LIKE %s", (registry,))
                assert cur.fetchall() == ()
                cur.execute(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s",
                    (database,),
                )
                assert cur.fetchone() == (0,)
            # And after a normal deploy: still refused, nothing changed.
            case.ok("deploy", "--to", "a")
            with conn.cursor() as cur:
                cur.execute(f"SELECT COUNT(*) FROM `{registry}`.events")  # noqa: S608
                events = cur.fetchone()
            for args in (["deploy", "--atomic"], ["revert", "--atomic", "-y"]):
                assert case.sqlitch(*args) == (2, "", refusal), args
            with conn.cursor() as cur:
                cur.execute(f"SELECT COUNT(*) FROM `{registry}`.events")  # noqa: S608
                assert cur.fetchone() == events
                cur.execute(f"SHOW TABLES FROM `{database}`")
                assert [r[0] for r in cur.fetchall()] == ["a"]
        finally:
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{registry}`")
            conn.close()
