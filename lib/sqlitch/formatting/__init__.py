"""Output formatting shared by ``plan`` and ``log``: %-code templates, dates, colours.

Cheap to import (stdlib ``re``/``datetime`` only).
"""

from __future__ import annotations

from sqlitch.formatting.dates import DATE_FORMATS, format_date, validate_date_format
from sqlitch.formatting.items import COLOR_MODES, ITEM_KEYS, ItemFormatter, format_error

__all__ = [
    "COLOR_MODES",
    "DATE_FORMATS",
    "ITEM_KEYS",
    "ItemFormatter",
    "format_date",
    "format_error",
    "validate_date_format",
]
