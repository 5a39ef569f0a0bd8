"""Canonical form of the ``%uri`` pragma, as Perl's ``URI->new($s)->canonical``.

Change and tag IDs hash the canonical URI, so this must agree with the URI
module (v5.x) for the URIs people put in plans: scheme lower-cased,
needless percent-escapes decoded and the rest upper-cased, host
lower-cased and the scheme's default port dropped for server-style
schemes, and an empty HTTP path turned into "/".
"""

from __future__ import annotations

import re

from sqlitch.engines.names import URI_ENGINE_ALIASES

__all__ = ["canonical_uri", "parse_uri_value"]

_SCHEME = r"[a-zA-Z][a-zA-Z0-9.+\-]*"
_SCHEME_RE = re.compile(rf"\A({_SCHEME}):", re.DOTALL)
_RESERVED = ";/?:@&=+$,"
_MARK = "-_.!~*'()"
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + _MARK)
# Characters left alone when a URI is built; anything else gets %-escaped.
_URIC = set(_RESERVED) | _UNRESERVED | {"%", "#", "[", "]"}
_ESCAPE_RE = re.compile(r"%([0-9a-fA-F]{2})")
_AUTHORITY_RE = re.compile(rf"\A((?:{_SCHEME}:)?)(?://([^/?#]*))?(.*)\Z", re.DOTALL)

# Schemes whose URI class is server-based, with their default ports (None:
# server-based but without a default port). Taken from the URI module's
# scheme classes.
_SERVER_PORTS: dict[str, int | None] = {
    "cassandra": 9160,
    "cockroach": 26257,
    "cockroachdb": 26257,
    "couch": 5984,
    "couchdb": 5984,
    "cubrid": 33000,
    "db2": 50000,
    "derby": 1527,
    "exasol": 8563,
    "firebird": 3050,
    "ftp": 21,
    "gopher": 70,
    "hive": 10000,
    "http": 80,
    "https": 443,
    "impala": 21000,
    "informix": 1526,
    "ingres": 1524,
    "interbase": 3050,
    "ldap": 389,
    "ldapdb": None,
    "ldaps": 636,
    "maria": 3306,
    "mariadb": 3306,
    "max": 7673,
    "maxdb": 7673,
    "mms": 1755,
    "monet": 50000,
    "monetdb": 50000,
    "mongo": 27017,
    "mongodb": 27017,
    "mssql": 1433,
    "mysql": 3306,
    "news": 119,
    "nntp": 119,
    "nntps": 563,
    "oracle": 1521,
    "pg": 5432,
    "pgsql": 5432,
    "pgxc": 5432,
    "pop": 110,
    "postgres": 5432,
    "postgresql": 5432,
    "postgresxc": 5432,
    "redshift": 5432,
    "rlogin": 513,
    "rsync": 873,
    "rtsp": 554,
    "rtspu": 554,
    "sftp": 22,
    "sip": 5060,
    "sips": 5061,
    "snews": 563,
    "snowflake": 443,
    "sqlite": None,
    "sqlite3": None,
    "sqlserver": 1433,
    "ssh": 22,
    "sybase": 2638,
    "telnet": 23,
    "teradata": 1025,
    "tn3270": 23,
    "unify": 27117,
    "vertica": 5433,
    "yugabyte": 5433,
    "yugabytedb": 5433,
}
_HTTP_LIKE = {"http", "https"}


def _escape_char(char: str) -> str:
    return "".join(f"%{b:02X}" for b in char.encode("utf-8"))


def _host_to_ascii(host: str) -> str:
    """IDNA-encode a host holding characters a URI may not carry raw."""
    if all(c in _URIC for c in host):
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def parse_uri_value(value: str) -> str:
    """The string form of ``URI->new(value)``: unwrapped, trimmed, escaped."""
    text = re.sub(r"\A<(?:URL:)?(.*)>\Z", r"\1", value, flags=re.DOTALL)
    text = re.sub(r'\A"(.*)"\Z', r"\1", text, flags=re.DOTALL)
    text = text.strip()
    scheme_match = _SCHEME_RE.match(text)
    scheme = scheme_match.group(1).lower() if scheme_match else ""
    if scheme in _SERVER_PORTS:
        parts = re.match(rf"\A((?:{_SCHEME}:)?)//([^/?#]*)(.*)\Z", text, re.DOTALL)
        if parts:
            head, host, rest = parts.groups()
            userinfo = ""
            if "@" in host:
                userinfo, host = host[: host.rindex("@") + 1], host[host.rindex("@") + 1 :]
            port_match = re.search(r"(:\d+)\Z", host)
            port = port_match.group(1) if port_match else ""
            if port:
                host = host[: -len(port)]
            text = f"{head}//{userinfo}{_host_to_ascii(host)}{port}{rest}"
    return "".join(c if c in _URIC else _escape_char(c) for c in text)


def _unescape(text: str) -> str:
    raw = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


def canonical_uri(value: str) -> str:
    """``URI->new(value)->canonical`` as a string."""
    text = parse_uri_value(value)
    scheme_match = _SCHEME_RE.match(text)
    scheme = scheme_match.group(1) if scheme_match else ""
    if scheme != scheme.lower():
        text = scheme.lower() + text[len(scheme) :]
    scheme = scheme.lower()
    if scheme == "db" and _SCHEME_RE.match(text[3:]):
        # A db: URI canonicalizes to its engine URI.
        return canonical_uri(text[3:])
    if scheme in URI_ENGINE_ALIASES:
        # URI::db canonicalizes an engine alias to its engine's scheme.
        text = URI_ENGINE_ALIASES[scheme] + text[len(scheme) :]
        scheme = URI_ENGINE_ALIASES[scheme]

    def normalize(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    text = _ESCAPE_RE.sub(normalize, text)
    if scheme not in _SERVER_PORTS:
        return text

    parts = _AUTHORITY_RE.match(text)
    if parts is None or parts.group(2) is None:
        return text
    head, authority, rest = parts.groups()
    userinfo = authority[: authority.rindex("@") + 1] if "@" in authority else ""
    hostport = authority[len(userinfo) :]
    port_match = re.search(r":(\d*)\Z", hostport)
    port = port_match.group(1) if port_match else None
    host = hostport[: port_match.start()] if port_match else hostport
    shown_host = _unescape(host[1:-1] if host.startswith("[") and host.endswith("]") else host)
    if re.search("[A-Z]", shown_host):
        new_host = shown_host.lower().replace("@", "%40")
        if ":" in new_host and not new_host.startswith("["):
            new_host = f"[{new_host}]"
        host = _host_to_ascii(new_host)
    default = _SERVER_PORTS[scheme]
    # Perl compares the port as a number: "0443" is 443; digits are compared
    # as text so that no port is too long to read.
    if port is not None and (
        port == "" or (default is not None and (port.lstrip("0") or "0") == str(default))
    ):
        port = None
    authority = userinfo + host + (f":{port}" if port is not None else "")
    if scheme in _HTTP_LIKE and rest == "":
        rest = "/"
    elif scheme in _HTTP_LIKE and rest.startswith("#"):
        rest = "/" + rest
    return f"{head}//{authority}{rest}"
