"""JSON text for machine-readable output: ``--json`` and the ``%j`` format code.

One encoding everywhere (docs/json-output.md): timestamps as ISO-8601 UTC
strings in whole seconds (``2026-01-01T00:00:00Z``, what jq's
``fromdateiso8601`` reads), tuples as arrays, UTF-8 text unescaped unless it
holds bytes that are not UTF-8 (then every non-ASCII character is escaped,
so the output is always valid JSON). ``json`` is imported only when a value
is written: commands that print no JSON never pay for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = ["JSON_VERSION", "dumps", "iso_utc", "json_ready"]

#: The version of the documents and events (the ``sqlitch`` key of each one).
JSON_VERSION = 1


def iso_utc(moment: datetime) -> str:
    """``moment`` as ISO-8601 UTC in whole seconds: ``2026-01-01T00:00:00Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    # By hand: %Y leaves years before 1000 unpadded.
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def json_ready(value: Any) -> Any:
    """``value`` with datetimes as ISO-8601 strings and tuples as lists."""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Mapping):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    return value


def dumps(value: Any) -> str:
    """One line of JSON text for ``value`` (no trailing newline)."""
    import json

    ready = json_ready(value)
    text = json.dumps(ready, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes kept as surrogates: escape them
        text = json.dumps(ready, ensure_ascii=True)
    return text
