"""Perl regex and truthiness semantics that the plan grammar depends on.

Sqitch's grammar is written with POSIX classes under Perl's Unicode rules;
these constants reproduce them so names are accepted or rejected exactly
as Sqitch does.
"""

from __future__ import annotations

import re

# Perl's [[:blank:]] (\h): horizontal whitespace only.
BLANK = "\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
#: The same characters, for membership tests.
BLANK_SET = frozenset(
    "\t \u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
)

# Perl's \s: the characters Sqitch trims from notes (not Python's isspace,
# which also counts the ASCII separators \x1c-\x1f).
SPACE = "\t\n\x0b\x0c\r \x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SPACE_SET = BLANK_SET | frozenset("\n\x0b\x0c\r\x85\u2028\u2029")

# Like [:punct:] but without "_".
PUNCT_CHARS = "-!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~"
PUNCT = re.escape(PUNCT_CHARS)
PUNCT_SET = frozenset(PUNCT_CHARS)

NAME = (
    rf"(?![{PUNCT}])"
    rf"(?:(?![~/=%^]\d+(?:$|[{BLANK}]))[^{BLANK}:@#\\])+"
    rf"(?<![{PUNCT}])\b"
)

NAME_RE = re.compile(rf"\A{NAME}\Z")
SHA1_PREFIX_RE = re.compile(r"\A[0-9a-f]{40}")

_LEADING_SPACE = re.compile(rf"\A[{SPACE}]+")
_TRAILING_SPACE = re.compile(rf"[{SPACE}]+\Z")


def is_valid_name(name: str) -> bool:
    """True when ``name`` is a legal change, tag or project name in a plan file."""
    return NAME_RE.match(name) is not None


def has_bracket(name: str) -> bool:
    """True when ``name`` holds "[" or "]", which new names may not (Sqitch 1.5.0, #829).

    Brackets enclose a change's dependencies in the plan, so a name with
    them can break the dependency lists that refer to it. Plans that
    already have such names are still read.
    """
    return "[" in name or "]" in name


def is_valid_new_name(name: str) -> bool:
    """True when ``name`` may be given to a new change, tag or project."""
    return is_valid_name(name) and not has_bracket(name)


def trim_space(text: str) -> str:
    """Strip Perl ``\\s`` characters from both ends."""
    return _TRAILING_SPACE.sub("", _LEADING_SPACE.sub("", text))
