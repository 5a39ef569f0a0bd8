"""The one source of "now" for timestamps, so tests can fix the clock."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current time in UTC, truncated to whole seconds as Sqitch records it."""
    return datetime.now(UTC).replace(microsecond=0)
