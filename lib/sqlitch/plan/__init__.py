"""Sqitch plan files: parsing, IDs, change references and writing.

Importing this package is cheap (stdlib ``re``/``hashlib`` only).
"""

from __future__ import annotations

from sqlitch.plan.core import Plan, load_plan, parse_plan
from sqlitch.plan.ids import change_info, object_id, script_hash, tag_info
from sqlitch.plan.model import (
    Blank,
    Change,
    Dependency,
    PlanContext,
    PlanLine,
    Pragma,
    Tag,
    format_timestamp,
)
from sqlitch.plan.parser import SYNTAX_VERSION
from sqlitch.plan.references import AmbiguousChangeError, split_offset
from sqlitch.plan.uri import canonical_uri

__all__ = [
    "SYNTAX_VERSION",
    "AmbiguousChangeError",
    "Blank",
    "Change",
    "Dependency",
    "Plan",
    "PlanContext",
    "PlanLine",
    "Pragma",
    "Tag",
    "canonical_uri",
    "change_info",
    "format_timestamp",
    "load_plan",
    "object_id",
    "parse_plan",
    "script_hash",
    "split_offset",
    "tag_info",
]
