"""Perl's idea of truth, which Sqitch's settings, plans and templates follow."""

from __future__ import annotations


def perl_true(value: object) -> bool:
    """Perl truthiness of a scalar: undef, "" and "0" are false."""
    return value is not None and value != "" and value != "0"
