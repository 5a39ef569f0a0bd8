"""A one-change SQLite project ("users"), planned by Ann, deployed with the
driver runner: the small project the bad-input regression tests start from."""

from __future__ import annotations

from pathlib import Path

import pytest

_CONF = '[core]\n\tengine = sqlite\n[engine "sqlite"]\n\ttarget = db:sqlite:dev.db\n'


def plan_text(project: str) -> str:
    return (
        f"%syntax-version=1.0.0\n%project={project}\n\n"
        "users 2026-01-01T00:00:00Z Ann <ann@example.com> # u\n"
    )


def write_users_project(root: Path, monkeypatch: pytest.MonkeyPatch, project: str) -> Path:
    """Write the project into ``root`` (the test's project directory)."""
    monkeypatch.setenv("SQITCH_FULLNAME", "Ann")
    monkeypatch.setenv("SQITCH_EMAIL", "ann@example.com")
    monkeypatch.setenv("SQLITCH_RUNNER", "driver")
    (root / "sqitch.conf").write_text(_CONF)
    (root / "sqitch.plan").write_text(plan_text(project))
    for kind, sql in (
        ("deploy", "CREATE TABLE users (id INTEGER);\n"),
        ("revert", "DROP TABLE users;\n"),
        ("verify", "SELECT id FROM users WHERE 0;\n"),
    ):
        (root / kind).mkdir()
        (root / kind / "users.sql").write_text(sql)
    return root
