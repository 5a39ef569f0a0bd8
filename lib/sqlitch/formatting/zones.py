"""The local time zone as Sqitch finds it: ``TZ`` read the way DateTime does.

Sqitch formats dates in DateTime's "local" zone. DateTime takes ``TZ`` only
when it is a zone name it knows, written with word characters, ``/``, ``-``
and ``+``: an IANA name (its aliases resolved to the zone they name), ``UTC``
and its aliases (all called ``UTC``), ``Etc/GMT-5`` and the like (a fixed
offset, called ``+0500``), or an offset such as ``+0300`` or ``0530``.
Anything else (``UTC-3``, ``:Europe/Paris``, ``<+03>-3``, a name it does
not know) is ignored and the system's zone is used, so such a ``TZ`` is set
aside while SQLitch converts a time (the C library would read it).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import Literal

__all__ = ["LocalZone", "local_zone"]

#: Names DateTime resolves to its UTC zone.
_UTC_NAMES = frozenset(
    {"UTC", "Z", "GMT", "GMT+0", "GMT-0", "GMT0", "Greenwich", "UCT", "Universal", "Zulu"}
    | {
        f"Etc/{name}"
        for name in ("GMT", "GMT+0", "GMT-0", "GMT0", "Greenwich", "UCT", "UTC", "Universal")
    }
    | {"Etc/Zulu"}
)

#: tzdata's backward links whose names have no slash, as DateTime resolves
#: them (the system's tzdata may keep some as zones of their own).
_LINKS = {
    "AKST9AKDT": "America/Anchorage",
    "CET": "Europe/Brussels",
    "Cuba": "America/Havana",
    "EET": "Europe/Athens",
    "EST": "America/Panama",
    "Egypt": "Africa/Cairo",
    "Eire": "Europe/Dublin",
    "GB": "Europe/London",
    "GB-Eire": "Europe/London",
    "HST": "Pacific/Honolulu",
    "Hongkong": "Asia/Hong_Kong",
    "Iceland": "Africa/Abidjan",
    "Iran": "Asia/Tehran",
    "Israel": "Asia/Jerusalem",
    "JST-9": "Asia/Tokyo",
    "Jamaica": "America/Jamaica",
    "Japan": "Asia/Tokyo",
    "Kwajalein": "Pacific/Kwajalein",
    "Libya": "Africa/Tripoli",
    "MET": "Europe/Brussels",
    "MST": "America/Phoenix",
    "NZ": "Pacific/Auckland",
    "NZ-CHAT": "Pacific/Chatham",
    "Navajo": "America/Denver",
    "PRC": "Asia/Shanghai",
    "Poland": "Europe/Warsaw",
    "Portugal": "Europe/Lisbon",
    "ROC": "Asia/Taipei",
    "ROK": "Asia/Seoul",
    "Singapore": "Asia/Singapore",
    "Turkey": "Europe/Istanbul",
    "W-SU": "Europe/Moscow",
    "WET": "Europe/Lisbon",
}

#: Zones DateTime knows whose names have no slash.
_PLAIN_ZONES = frozenset({"CST6CDT", "EST5EDT", "MST7MDT", "PST8PDT"})

_ETC_OFFSET = re.compile(r"Etc/(?:GMT|UTC)([+-])(\d{1,2})", re.IGNORECASE)
_OFFSET = re.compile(r"([+-])?(\d\d)(\d\d)(\d\d)?")

Kind = Literal["system", "utc", "offset", "named"]


@dataclass(frozen=True)
class LocalZone:
    """How to convert to the local zone and what to call it.

    ``system``: TZ is unset, empty or not read (the system's zone);
    ``utc``: UTC under any of its names; ``offset``: a fixed offset
    (``fixed``), named like ``+0300``; ``named``: a zone the C library
    reads from TZ, whose long name is ``name``.
    """

    kind: Kind
    name: str = ""
    fixed: timezone | None = None


def _offset_zone(seconds: int) -> LocalZone:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    name = f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")
    return LocalZone("offset", name, timezone(timedelta(seconds=seconds), name))


@functools.cache
def local_zone(tz: str | None) -> LocalZone:
    """The zone Sqitch formats local times in, for a ``TZ`` of ``tz``."""
    if not tz or not re.fullmatch(r"[\w/+-]+", tz, re.ASCII):
        return LocalZone("system")
    name = _LINKS.get(tz, _LINKS.get(tz.upper(), tz))
    if name in _UTC_NAMES or name.upper() in _UTC_NAMES:
        return LocalZone("utc", "UTC", timezone(timedelta(0), "UTC"))
    if "/" not in name and name not in _PLAIN_ZONES:
        if name == "0":
            return _offset_zone(0)
        found = _OFFSET.fullmatch(name)
        if found is None:
            return LocalZone("system")
        sign, hours, minutes, secs = found.groups()
        if int(minutes) > 59 or int(secs or 0) > 59:
            return LocalZone("system")
        seconds = int(hours) * 3600 + int(minutes) * 60 + int(secs or 0)
        return _offset_zone(-seconds if sign == "-" else seconds)
    etc = _ETC_OFFSET.search(name)
    if etc is not None:
        if int(etc.group(2)) > 14:
            return LocalZone("system")
        # Etc/GMT+4 is four hours west of Greenwich: UTC-4.
        hours = int(etc.group(2))
        return _offset_zone(hours * 3600 if etc.group(1) == "-" else -hours * 3600)
    return LocalZone("named", _canonical(name)) if _known(name) else LocalZone("system")


def _known(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # not found, not a key, a directory
        return False
    return True


def _canonical(name: str) -> str:
    """The zone a link name points to, after the system tzdata's links."""
    return _system_links().get(name, name)


@functools.cache
def _system_links() -> dict[str, str]:
    """tzdata.zi's ``L <zone> <link>`` lines: link name -> zone name."""
    from zoneinfo import TZPATH

    for folder in TZPATH:
        try:
            with open(f"{folder}/tzdata.zi", encoding="utf-8") as data:
                return {
                    parts[2]: parts[1]
                    for parts in (line.split() for line in data if line.startswith("L "))
                    if len(parts) == 3
                }
        except OSError:
            continue
    return {}
