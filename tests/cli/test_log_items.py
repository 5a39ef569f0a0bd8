"""log: stored event lists are split as Sqitch 1.6 does; formats resolve as Sqitch's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlitch.engines.registry import Event
from sqlitch.formatting import ItemFormatter
from sqlitch.services.log import LOG_FORMATS, event_item, split_list

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _event(**kw: str) -> Event:
    base = dict(
        event="deploy",
        project="widgets",
        change_id="a" * 40,
        change="gadgets",
        note="Gadgets!",
        requires="users widgets",
        conflicts="",
        tags="@v1.0 @beta",
        committer_name="M",
        committer_email="m@x",
        planner_name="P",
        planner_email="p@x",
    )
    base.update(kw)
    return Event(committed_at=WHEN, planned_at=WHEN, **base)  # type: ignore[arg-type]


def test_split_list_blank_separated() -> None:
    assert split_list("") == []
    assert split_list(None) == []
    assert split_list("users,widgets") == ["users,widgets"]
    assert split_list("@a @b") == ["@a", "@b"]


def test_raw_format_does_not_crash_on_sqlite_text() -> None:
    fmt = ItemFormatter(color="never", env={})
    text = fmt.format(LOG_FORMATS["raw"], event_item(_event()))
    assert text.startswith("deploy " + "a" * 40 + " (@v1.0, @beta)\n")
    assert "requires  users, widgets\n" in text
    full = fmt.format(LOG_FORMATS["full"], event_item(_event(conflicts="x")))
    assert "Conflicts: x\n" in full
