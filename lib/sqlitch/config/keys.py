"""Splitting and normalising configuration keys the way Config::GitLike does.

A key is ``section[.subsection].name``. Section and name compare
case-insensitively (stored lower case); the subsection keeps its case.
GitLike's splitting has quirks (quote stripping, reuse of earlier regex
captures when a match fails) that decide which error a bad key produces, so
they are reproduced here by hand rather than approximated.
"""

from __future__ import annotations

import functools

from sqlitch.errors import SqlitchError
from sqlitch.perl import perl_true

_QUOTES = "\"'"


def _strip_one_pair(token: str, quote: str) -> str:
    """Drop the first quote and the last one after it on the same line."""
    start = 0
    while True:
        first = token.find(quote, start)
        if first < 0:
            return token
        line_end = token.find("\n", first)
        if line_end < 0:
            line_end = len(token)
        last = token.rfind(quote, first + 1, line_end)
        if last > first:
            return token[:first] + token[first + 1 : last] + token[last + 1 :]
        start = first + 1


def _tokens(text: str, quote: str) -> list[str]:
    """Split into runs of dots, quoted runs and non-dot runs (GitLike's split)."""
    out: list[str] = []
    i = 0
    size = len(text)
    while i < size:
        if text[i] == ".":
            j = i
            while j < size and text[j] == ".":
                j += 1
        elif text[i] == quote and text.find(quote, i + 1) > i + 1:
            j = text.find(quote, i + 1) + 1
        else:
            j = text.find(".", i)
            if j < 0:
                j = size
        out.append(text[i:j])
        i = j
    return out


def remove_balanced_quotes(text: str) -> str:
    """Strip one pair of quotes from each dot-separated part ("a"."b" -> a.b)."""
    for quote in _QUOTES:
        text = "".join(
            tok if tok.startswith(".") else _strip_one_pair(tok, quote)
            for tok in _tokens(text, quote)
        )
    return text


def _no_inner_newline(text: str) -> bool:
    """True when Perl's ``.`` could span text (a final newline is allowed by ``$``)."""
    return "\n" not in (text[:-1] if text.endswith("\n") else text)


def split_key(key: str) -> tuple[str | None, str | None, str | None]:
    """Return (section, subsection, name) without changing case."""
    section: str | None
    name: str | None
    quoted = _quoted_name_start(key)
    if quoted is not None:
        start, end = quoted
        name = key[start + 2 : end]
        section = key[:start]
    else:
        body = key[:-1] if key.endswith("\n") else key
        dot = body.rfind(".")
        if dot < 0 or not _no_inner_newline(key):
            return None, None, None
        raw_section, raw_name = body[:dot], body[dot + 1 :]
        section = remove_balanced_quotes(raw_section)
        name = remove_balanced_quotes(raw_name)
    first = section.find(".")
    head = section if first < 0 else section[:first]
    if head:
        if first < 0:
            return head, None, name
        tail = section[first + 1 :]
        if _no_inner_newline(tail):
            return head, tail, name
    # An empty first part (".foo") leaves Sqitch with no section at all.
    return None, None, name


def _quoted_name_start(key: str) -> tuple[int, int] | None:
    """Find GitLike's ``\\.["'](.*)["']$``: (index of the dot, index of the end quote)."""
    end = len(key) - 1
    if key.endswith("\n"):
        end -= 1
    if end < 2 or key[end] not in _QUOTES:
        return None
    i = key.find(".")
    while 0 <= i < end - 1:
        if key[i + 1] in _QUOTES and "\n" not in key[i + 2 : end]:
            return i, end
        i = key.find(".", i + 1)
    return None


# Pure and hot (every config lookup); errors are not cached, so bad keys
# still raise every time.
@functools.lru_cache(maxsize=4096)
def canonical_key(key: str) -> str:
    """Lower-case section and name, keep the subsection (GitLike's canonical_case)."""
    section, subsection, name = split_key(key)
    if section is None or not perl_true(section):
        raise SqlitchError(f"No section given in key: {key}\n", ident="config")
    name = name.lower() if name is not None else None
    return ".".join(p for p in (section.lower(), subsection, name) if p is not None)


def section_key(section: str) -> str:
    """Normalise a section name for lookups: lower-case its first part only."""
    top, sub, name = split_key(section)
    if not top:
        return section.lower()
    return top.lower() + "." + ".".join(p for p in (sub, name) if p is not None)


def invalid_variable_name(name: str) -> bool:
    """GitLike's permissive rule: no '=' or newline, no leading '[', no edge blanks."""
    if not name or name[0] == "[":
        return True
    body = name[:-1] if name.endswith("\n") else name
    if "=" in body or "\n" in body:
        return True
    return name[0] in " \t" or name[-1] in " \t+"


def invalid_section_name(section: str) -> bool:
    """A section name may not hold whitespace, brackets or double quotes."""
    return any(ch in '[]"' or ch in _PERL_SPACE for ch in section)


_PERL_SPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def is_perl_space(ch: str) -> bool:
    """Whether Perl's ``\\s`` matches the character (Unicode strings)."""
    return ch in _PERL_SPACE
