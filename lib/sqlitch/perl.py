"""Perl's idea of truth, which Sqitch's settings, plans and templates follow."""

from __future__ import annotations

import re

# The numeric prefix Perl reads from a string ("3abc" is 3, "abc" is 0).
_NUMBER = re.compile(r"\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)")


def perl_true(value: object) -> bool:
    """Perl truthiness of a scalar: undef, "" and "0" are false."""
    return value is not None and value != "" and value != "0"


def perl_number(value: object) -> float:
    """A scalar used as a number, as Perl converts it (never an error)."""
    match = _NUMBER.match(str(value))
    return float(match.group(1)) if match else 0.0
