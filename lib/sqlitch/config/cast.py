"""Value typing as Config::GitLike's ``cast`` does for --bool, --int, --num, --bool-or-int.

Perl regexes anchor with ``$``, which also matches before a final newline;
the helpers below honour that so odd values classify the same way.
"""

from __future__ import annotations

import math
from typing import Literal

from sqlitch.errors import SqlitchError

CastAs = Literal["bool", "int", "num", "bool-or-int"]
Value = str | int | float | bool | None

_TRUE_WORDS = frozenset({"true", "yes", "on"})
_FALSE_WORDS = frozenset({"false", "no", "off"})


def _chomp(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text


def _is_true(text: str) -> bool:
    body = _chomp(text)
    if body.lower() in _TRUE_WORDS:
        return True
    digits = body[1:] if body.startswith("-") else body
    return digits.endswith("1") and set(digits[:-1]) <= {"0"}


def _is_false(text: str) -> bool:
    body = _chomp(text)
    return body.lower() in _FALSE_WORDS or set(body) <= {"0"}


def _is_number(text: str) -> bool:
    """Match ``^-?[0-9]*\\.?[0-9]*[kmg]?$`` (anything from "" to "-1.5k")."""
    body = _chomp(text)
    if body.startswith("-"):
        body = body[1:]
    if body[-1:] in ("k", "m", "g"):
        body = body[:-1]
    whole, _, frac = body.partition(".")
    return _digits_or_empty(whole) and _digits_or_empty(frac)


def _digits_or_empty(text: str) -> bool:
    return text == "" or (text.isascii() and text.isdigit())


_UNITS = {"k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024}


def _numify(text: str) -> int | float:
    """Perl's numeric value of a string that passed ``_is_number``."""
    body = _chomp(text)
    factor = 1
    if body[-1:] in _UNITS:
        factor = _UNITS[body[-1]]
        body = body[:-1]
    sign = -1 if body.startswith("-") else 1
    digits = body.lstrip("-")
    if "." in digits:
        mantissa = float(digits) if digits.strip(".") else 0.0
        return sign * mantissa * factor
    if len(digits) > 20:
        # Beyond Perl's unsigned integers: a double, as Perl reads it (Inf
        # past its range), and never Python's digit limit for int().
        return sign * float(digits) * factor
    number = int(digits) if digits else 0
    return sign * number * factor


def format_number(number: int | float) -> str:
    """Stringify a number as Perl prints it (integers exact, else %.15g)."""
    if isinstance(number, float):
        if number != number:
            return "NaN"
        if number in (float("inf"), float("-inf")):
            return "Inf" if number > 0 else "-Inf"
        if number.is_integer() and abs(number) < 2**63:
            return str(int(number))
        return f"{number:.15g}"
    if -(2**63) <= number < 2**64:
        return str(number)
    return f"{float(number):.15g}"


def cast(value: str | None, as_: CastAs | None, *, human: bool = False) -> Value:
    """Convert a raw config value; raise SqlitchError with GitLike's message if invalid.

    With ``human`` the result is the text Sqitch prints ("true", "1536", ...).
    """
    if as_ is None:
        return value
    if as_ == "bool-or-int":
        # An undefined value reads as "" here, which is a number (0).
        if _is_number(value or ""):
            as_ = "int"
        elif _is_true(value or "") or _is_false(value or ""):
            as_ = "bool"
        else:
            raise SqlitchError(f"Invalid bool-or-int '{value}'\n", ident="config")
    if as_ == "bool":
        if value is None:
            return "true" if human else True
        if _is_true(value):
            return "true" if human else True
        if _is_false(value):
            return "false" if human else False
        raise SqlitchError(f"Invalid bool '{value}'\n", ident="config")
    text = value or ""
    if not _is_number(text):
        raise SqlitchError(f"Invalid unit while casting to {as_}\n", ident="config")
    number = _numify(text)
    # Perl keeps integral numbers as integers when printing.
    integral = isinstance(number, float) and number.is_integer() and abs(number) < 2**63
    if (as_ == "int" and math.isfinite(number)) or integral:
        number = int(number)
    return format_number(number) if human else number
