"""Date formatting as Sqitch's App::Sqitch::DateTime does it.

Named formats (raw, iso, rfc, full, long, medium, short), ``strftime:`` with
DateTime's own strftime codes and ``cldr:`` with its CLDR pattern letters.
Locale-dependent output is always English (en-US): Sqitch resolves the C and
C.UTF-8 locales to en-US, and SQLitch carries no locale database.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, tzinfo

from sqlitch.errors import SqlitchError
from sqlitch.formatting.zones import local_zone

__all__ = ["DATE_FORMATS", "format_date", "validate_date_format"]

DATE_FORMATS = ("raw", "iso", "iso8601", "rfc", "rfc2822", "full", "long", "medium", "short")

_NNBSP = "\u202f"  # CLDR 42+ puts a narrow no-break space before AM/PM
_LOCALE_FORMATS = {
    "full": f"EEEE, MMMM d, y, h:mm:ss{_NNBSP}a zzzz",
    "long": f"MMMM d, y, h:mm:ss{_NNBSP}a z",
    "medium": f"MMM d, y, h:mm:ss{_NNBSP}a",
    "short": f"M/d/yy, h:mm{_NNBSP}a",
    "default": f"MMM d, y, h:mm:ss{_NNBSP}a",
}
_DATE_DEFAULT = "MMM d, y"
_TIME_DEFAULT = f"h:mm:ss{_NNBSP}a"

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_QUARTERS = ("1st quarter", "2nd quarter", "3rd quarter", "4th quarter")
_FIRST_DAY_OF_WEEK = 7  # en-US weeks start on Sunday


def _unknown(fmt: str) -> SqlitchError:
    return SqlitchError(f'Unknown date format "{fmt}"', ident="datetime")


def validate_date_format(fmt: str) -> None:
    """Fail as Sqitch does for a --date-format it does not know."""
    if fmt not in DATE_FORMATS and not fmt.startswith(("cldr:", "strftime:")):
        raise _unknown(fmt)


def _local(moment: datetime) -> datetime:
    """``moment`` in the zone Sqitch formats in (see :mod:`.zones`)."""
    zone = local_zone(os.environ.get("TZ"))
    if zone.fixed is not None:  # UTC or a fixed offset, under DateTime's name
        return _system_local(moment, zone.fixed)
    with _c_library_zone():
        return _system_local(moment)


@contextlib.contextmanager
def _c_library_zone() -> Iterator[None]:
    """TZ set, while the C library converts, to the zone DateTime would use:
    an alias resolved, or unset for the system's zone (see :mod:`.zones`)."""
    tz = os.environ.get("TZ")
    zone = local_zone(tz)
    wanted = zone.name if zone.kind == "named" else None
    if wanted == tz:
        yield
        return
    if wanted is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = wanted
    try:
        yield
    finally:
        if tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = tz
        if hasattr(time, "tzset"):
            time.tzset()


def _system_local(moment: datetime, fixed: tzinfo | None = None) -> datetime:
    """``moment`` in ``fixed``, or in the C library's local zone."""
    if fixed is None and hasattr(time, "tzset"):
        time.tzset()
    try:
        return moment.astimezone(fixed)
    except OverflowError:
        # West of UTC, the first hours of year 1 are local times in year 0,
        # which datetime cannot hold: convert the moment 400 years on, where
        # the calendar repeats, as a datetime that reports its true year.
        from sqlitch.plan.model import PlanDateTime

        utc = moment.astimezone(UTC)
        fields = (utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond)
        return PlanDateTime(utc.year + 400, *fields, tzinfo=UTC).astimezone(fixed)


def format_date(moment: datetime, fmt: str | None = None) -> str:
    """``moment`` (aware) in one of Sqitch's date formats; empty means raw."""
    fmt = fmt or "raw"
    if fmt == "raw":
        return _datetime(moment.astimezone(UTC)) + "Z"
    local = _local(moment)
    if fmt in ("iso", "iso8601"):
        return f"{_ymd(local)} {_hms(local)} {_offset(local)}"
    if fmt in ("rfc", "rfc2822"):
        text = strftime(local, "%a, %d %b %Y %H:%M:%S %z")
        return text[:-5] + "-0000" if text.endswith("+0000") else text
    if fmt.startswith("cldr:"):
        return format_cldr(local, fmt[5:])
    if fmt.startswith("strftime:"):
        return strftime(local, fmt[9:])
    pattern = _LOCALE_FORMATS.get(fmt)
    if pattern is None:
        raise _unknown(fmt)
    return format_cldr(local, pattern)


# -- calendar values DateTime exposes -------------------------------------


def _year(year: int) -> str:
    """A year as DateTime's ymd writes it: four digits after any sign."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def _ymd(moment: datetime) -> str:
    return f"{_year(moment.year)}-{moment.month:02d}-{moment.day:02d}"


def _hms(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"


def _datetime(moment: datetime) -> str:
    return f"{_ymd(moment)}T{_hms(moment)}"


def _offset(moment: datetime, sep: str = "") -> str:
    delta = moment.utcoffset()
    seconds = int(delta.total_seconds()) if delta is not None else 0
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}{sep}{minutes:02d}"
    return text + f"{sep}{secs:02d}" if secs else text


def _tz_short(moment: datetime) -> str:
    return moment.tzname() or "UTC"


def _tz_long(moment: datetime) -> str:
    zone = local_zone(os.environ.get("TZ"))
    return zone.name if zone.kind != "system" else _tz_short(moment)


def _hour_12(moment: datetime) -> int:
    return moment.hour % 12 or 12


def _am_pm(moment: datetime) -> str:
    return "AM" if moment.hour < 12 else "PM"


def _quarter(moment: datetime) -> int:
    return (moment.month - 1) // 3 + 1


def _week_year(moment: datetime) -> int:
    return moment.isocalendar()[0]


def _week_number(moment: datetime) -> int:
    return moment.isocalendar()[1]


def _day_of_week(moment: datetime) -> int:
    return moment.isoweekday()


def _local_day_of_week(moment: datetime) -> int:
    return (moment.isoweekday() - _FIRST_DAY_OF_WEEK) % 7 + 1


def _day_of_year(moment: datetime) -> int:
    return moment.timetuple().tm_yday


def _week_of_month(moment: datetime) -> int:
    thursday = moment.day + 4 - moment.isoweekday()
    return (thursday + 6) // 7


def _rd_days(moment: datetime) -> int:
    """The Rata Die day number of ``moment``'s date (0001-01-01 is day 1)."""
    # A PlanDateTime (year 0) keeps its date 400 years (146097 days) later.
    cycles = (moment.date().year - moment.year) // 400
    return moment.toordinal() - cycles * 146097


def _day_seconds(moment: datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


#: The UTC days at whose end a leap second was inserted (IERS bulletins C).
_LEAP_DAYS = tuple(
    date(int(d[:4]), int(d[4:6]), int(d[6:])).toordinal()
    for d in [
        "19720630",
        "19721231",
        "19731231",
        "19741231",
        "19751231",
        "19761231",
        "19771231",
        "19781231",
        "19791231",
        "19810630",
        "19820630",
        "19830630",
        "19850630",
        "19871231",
        "19891231",
        "19901231",
        "19920630",
        "19930630",
        "19940630",
        "19951231",
        "19970630",
        "19981231",
        "20051231",
        "20081231",
        "20120630",
        "20150630",
        "20161231",
    ]
)


def _leap_seconds(moment: datetime) -> int:
    """Leap seconds inserted before ``moment``'s UTC day, as DateTime counts them."""
    day = _rd_days(moment.astimezone(UTC))
    return sum(1 for leap in _LEAP_DAYS if leap < day)


def _mjd_value(moment: datetime) -> float:
    """DateTime's mjd: the modified Julian day with the time of day as a
    fraction of that UTC day (86401 seconds long when it had a leap second)."""
    utc = moment.astimezone(UTC)
    days = _rd_days(utc)
    length = 86401 if days in _LEAP_DAYS else 86400
    nanos = utc.microsecond * 1000
    return (days - 678576) + _day_seconds(utc) / length + nanos / length / 1_000_000_000


def _rd_seconds(moment: datetime) -> int:
    """Seconds since the Rata Die epoch, counted on ``moment``'s own clock."""
    return _rd_days(moment) * 86400 + _day_seconds(moment)


def _christian_era(moment: datetime) -> str:
    return "AD" if moment.year > 0 else "BC"


def _secular_era(moment: datetime) -> str:
    return "CE" if moment.year > 0 else "BCE"


def _ce_year(moment: datetime) -> int:
    """The year counted without a year 0 (1 BC is -1)."""
    return moment.year if moment.year > 0 else moment.year - 1


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _day_of_quarter(moment: datetime) -> int:
    first = 3 * (_quarter(moment) - 1) + 1
    before = sum(_month_length(moment.year, m) for m in range(first, moment.month))
    return before + moment.day


def _quarter_length(moment: datetime) -> int:
    first = 3 * (_quarter(moment) - 1) + 1
    return sum(_month_length(moment.year, m) for m in range(first, first + 3))


def _is_dst(moment: datetime) -> int:
    """Whether the local zone keeps summer time at ``moment`` (0 or 1)."""
    if local_zone(os.environ.get("TZ")).fixed is not None:
        return 0
    with _c_library_zone():
        if hasattr(time, "tzset"):
            time.tzset()
        try:
            return 1 if time.localtime(_epoch(moment)).tm_isdst > 0 else 0
        except (OverflowError, OSError, ValueError):  # beyond the C library's range
            return 0


def _perl_bool(value: bool) -> str:
    """A Perl comparison's result as text: 1, or the empty string."""
    return "1" if value else ""


def _rfc3339(moment: datetime) -> str:
    offset = _offset(moment, ":")
    return _datetime(moment) + ("Z" if offset == "+00:00" else offset)


def _mjd(moment: datetime) -> int:
    # As sprintf's %d takes it: truncated toward zero.
    return int(_mjd_value(moment))


def _perl_number(value: float) -> str:
    """A floating-point number as Perl prints it (15 significant digits)."""
    return format(value, ".15g")


def _nanosecs(moment: datetime, precision: int = 9) -> str:
    nanos = moment.microsecond * 1000
    exponent = 9 - precision
    value = nanos * 10**-exponent if exponent < 0 else nanos // 10**exponent
    return f"{int(value):0{precision}d}"


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


# -- DateTime's strftime ----------------------------------------------------

_Code = Callable[[datetime], str]

_STRFTIME: dict[str, _Code] = {
    "a": lambda d: _DAYS[d.weekday()][:3],
    "A": lambda d: _DAYS[d.weekday()],
    "b": lambda d: _MONTHS[d.month - 1][:3],
    "h": lambda d: _MONTHS[d.month - 1][:3],
    "B": lambda d: _MONTHS[d.month - 1],
    "c": lambda d: format_cldr(d, _LOCALE_FORMATS["default"]),
    "C": lambda d: str(int(d.year / 100)),
    "d": lambda d: f"{d.day:02d}",
    "D": lambda d: strftime(d, "%m/%d/%y"),
    "e": lambda d: f"{d.day:2d}",
    "F": lambda d: strftime(d, "%Y-%m-%d"),
    "g": lambda d: str(_week_year(d))[-2:],
    "G": lambda d: str(_week_year(d)),
    "H": lambda d: f"{d.hour:02d}",
    "I": lambda d: f"{_hour_12(d):02d}",
    "j": lambda d: f"{_day_of_year(d):03d}",
    "k": lambda d: f"{d.hour:2d}",
    "l": lambda d: f"{_hour_12(d):2d}",
    "m": lambda d: f"{d.month:02d}",
    "M": lambda d: f"{d.minute:02d}",
    "n": lambda d: "\n",
    "N": _nanosecs,
    "p": _am_pm,
    "P": lambda d: _am_pm(d).lower(),
    "r": lambda d: strftime(d, "%I:%M:%S %p"),
    "R": lambda d: strftime(d, "%H:%M"),
    "s": lambda d: str(_epoch(d)),
    "S": lambda d: f"{d.second:02d}",
    "t": lambda d: "\t",
    "T": lambda d: strftime(d, "%H:%M:%S"),
    "u": lambda d: str(_day_of_week(d)),
    "U": lambda d: f"{(_day_of_year(d) - (_day_of_week(d) + 7) % 7 + 6) // 7:02d}",
    "V": lambda d: f"{_week_number(d):02d}",
    "w": lambda d: str(_day_of_week(d) % 7),
    "W": lambda d: f"{(_day_of_year(d) - (_day_of_week(d) + 6) % 7 + 6) // 7:02d}",
    "x": lambda d: format_cldr(d, _DATE_DEFAULT),
    "X": lambda d: format_cldr(d, _TIME_DEFAULT),
    "y": lambda d: f"{int(str(d.year)[-2:]):02d}",
    "Y": lambda d: str(d.year),
    "z": _offset,
    "Z": _tz_short,
    "%": lambda d: "%",
}

# DateTime methods reachable through %{name}; others are left as written.
_METHODS: dict[str, _Code] = {
    "year": lambda d: str(d.year),
    "month": lambda d: str(d.month),
    "mon": lambda d: str(d.month),
    "month_0": lambda d: str(d.month - 1),
    "month_name": lambda d: _MONTHS[d.month - 1],
    "month_abbr": lambda d: _MONTHS[d.month - 1][:3],
    "day": lambda d: str(d.day),
    "day_of_month": lambda d: str(d.day),
    "mday": lambda d: str(d.day),
    "day_of_week": lambda d: str(_day_of_week(d)),
    "dow": lambda d: str(_day_of_week(d)),
    "day_name": lambda d: _DAYS[d.weekday()],
    "day_abbr": lambda d: _DAYS[d.weekday()][:3],
    "day_of_year": lambda d: str(_day_of_year(d)),
    "doy": lambda d: str(_day_of_year(d)),
    "quarter": lambda d: str(_quarter(d)),
    "hour": lambda d: str(d.hour),
    "hour_1": lambda d: str(d.hour or 24),
    "hour_12": lambda d: str(_hour_12(d)),
    "hour_12_0": lambda d: str(d.hour % 12),
    "minute": lambda d: str(d.minute),
    "min": lambda d: str(d.minute),
    "second": lambda d: str(d.second),
    "sec": lambda d: str(d.second),
    "nanosecond": lambda d: str(d.microsecond * 1000),
    "millisecond": lambda d: str(d.microsecond // 1000),
    "microsecond": lambda d: str(d.microsecond),
    "epoch": lambda d: str(_epoch(d)),
    "ymd": _ymd,
    "date": _ymd,
    "hms": _hms,
    "time": _hms,
    "iso8601": _datetime,
    "datetime": _datetime,
    "am_or_pm": _am_pm,
    "week_number": lambda d: str(_week_number(d)),
    "week_year": lambda d: str(_week_year(d)),
    "week_of_month": lambda d: str(_week_of_month(d)),
    "weekday_of_month": lambda d: str((d.day - 1) // 7 + 1),
    "time_zone_short_name": _tz_short,
    "time_zone_long_name": _tz_long,
    "offset": lambda d: str(int((d.utcoffset() or UTC.utcoffset(None)).total_seconds())),
    "mjd": lambda d: _perl_number(_mjd_value(d)),
    "era_abbr": _christian_era,
    "era_name": lambda d: "Anno Domini" if d.year > 0 else "Before Christ",
    "quarter_name": lambda d: _QUARTERS[_quarter(d) - 1],
    "quarter_abbr": lambda d: f"Q{_quarter(d)}",
    "quarter_0": lambda d: str(_quarter(d) - 1),
    "ce_year": lambda d: str(_ce_year(d)),
    "era": _christian_era,
    "christian_era": _christian_era,
    "secular_era": _secular_era,
    "year_with_era": lambda d: f"{abs(_ce_year(d))}{_christian_era(d)}",
    "year_with_christian_era": lambda d: f"{abs(_ce_year(d))}{_christian_era(d)}",
    "year_with_secular_era": lambda d: f"{abs(_ce_year(d))}{_secular_era(d)}",
    "mon_0": lambda d: str(d.month - 1),
    "day_0": lambda d: str(d.day - 1),
    "mday_0": lambda d: str(d.day - 1),
    "day_of_month_0": lambda d: str(d.day - 1),
    "wday": lambda d: str(_day_of_week(d)),
    "wday_0": lambda d: str(_day_of_week(d) - 1),
    "dow_0": lambda d: str(_day_of_week(d) - 1),
    "day_of_week_0": lambda d: str(_day_of_week(d) - 1),
    "local_day_of_week": lambda d: str(_local_day_of_week(d)),
    "doy_0": lambda d: str(_day_of_year(d) - 1),
    "day_of_year_0": lambda d: str(_day_of_year(d) - 1),
    "day_of_quarter": lambda d: str(_day_of_quarter(d)),
    "doq": lambda d: str(_day_of_quarter(d)),
    "day_of_quarter_0": lambda d: str(_day_of_quarter(d) - 1),
    "doq_0": lambda d: str(_day_of_quarter(d) - 1),
    "mdy": lambda d: f"{d.month:02d}-{d.day:02d}-{_year(d.year)}",
    "dmy": lambda d: f"{d.day:02d}-{d.month:02d}-{_year(d.year)}",
    "stringify": _datetime,
    "rfc3339": _rfc3339,
    # The call's list in scalar context: its last item, the week number.
    "week": lambda d: str(_week_number(d)),
    "is_leap_year": lambda d: str(int(_is_leap(d.year))),
    "month_length": lambda d: str(_month_length(d.year, d.month)),
    "quarter_length": lambda d: str(_quarter_length(d)),
    "year_length": lambda d: "366" if _is_leap(d.year) else "365",
    "is_last_day_of_month": lambda d: _perl_bool(d.day == _month_length(d.year, d.month)),
    "is_last_day_of_quarter": lambda d: _perl_bool(_day_of_quarter(d) == _quarter_length(d)),
    "is_last_day_of_year": lambda d: _perl_bool(d.month == 12 and d.day == 31),
    "is_dst": lambda d: str(_is_dst(d)),
    "is_finite": lambda d: "1",
    "is_infinite": lambda d: "0",
    "fractional_second": lambda d: _perl_number(d.second + d.microsecond * 1000 / 1e9),
    "hires_epoch": lambda d: _perl_number(_epoch(d) + d.microsecond * 1000 / 1e9),
    "jd": lambda d: _perl_number(_mjd_value(d) + 2_400_000.5),
    "leap_seconds": lambda d: str(_leap_seconds(d)),
    "local_rd_as_seconds": lambda d: str(_rd_seconds(d)),
    "utc_rd_as_seconds": lambda d: str(_rd_seconds(d.astimezone(UTC))),
    # DateTime's own bookkeeping: the UTC year, plus one.
    "utc_year": lambda d: str(d.astimezone(UTC).year + 1),
}

_STRFTIME_RE = re.compile(r"%\{(\w+)\}|%([%a-zA-Z])|%(\d+)N", re.S)


def strftime(moment: datetime, pattern: str) -> str:
    """DateTime's strftime: its own code table, unknown codes kept as written."""

    def replace(match: re.Match[str]) -> str:
        method, code, digits = match.groups()
        if method:
            found = _METHODS.get(method)
            return found(moment) if found else "%{" + method + "}"
        if code:
            handler = _STRFTIME.get(code)
            return handler(moment) if handler else "%" + code
        return _nanosecs(moment, int(digits))

    return _STRFTIME_RE.sub(replace, pattern)


# -- DateTime's CLDR patterns -------------------------------------------------


def _pad(run: str, value: int) -> str:
    return f"{value:0{len(run)}d}"


def _two_digit_year(d: datetime) -> str:
    # DateTime takes the last two characters of the year when it has more
    # than two, sign included, then negates negative years: -1 gives "01".
    text = str(d.year)
    short = int(text[-2:]) if len(text) > 2 else d.year
    return _pad("yy", -short if d.year < 0 else short)


_CldrCode = Callable[[datetime, re.Match[str]], str]

# Order matters: a run of letters takes the first entry whose regex matches it.
# Patterns stay uncompiled until used (re caches them): compiling all of them
# at import would cost every command that merely imports this module.
_CLDR: list[tuple[str, _CldrCode]] = [
    (p, f)
    for p, f in (
        ("GGGGG", lambda d, m: "A" if d.year > 0 else "B"),
        ("GGGG", lambda d, m: _METHODS["era_name"](d)),
        ("G{1,3}", lambda d, m: _METHODS["era_abbr"](d)),
        ("(y{3,5})", lambda d, m: _pad(m.group(1), d.year)),
        ("yy", lambda d, m: _two_digit_year(d)),
        ("y", lambda d, m: str(d.year)),
        ("(u+)", lambda d, m: _pad(m.group(1), d.year)),
        ("(Y+)", lambda d, m: _pad(m.group(1), _week_year(d))),
        ("QQQQ", lambda d, m: _QUARTERS[_quarter(d) - 1]),
        ("QQQ", lambda d, m: f"Q{_quarter(d)}"),
        ("(QQ?)", lambda d, m: _pad(m.group(1), _quarter(d))),
        ("qqqq", lambda d, m: _QUARTERS[_quarter(d) - 1]),
        ("qqq", lambda d, m: f"Q{_quarter(d)}"),
        ("(qq?)", lambda d, m: _pad(m.group(1), _quarter(d))),
        ("MMMMM", lambda d, m: _MONTHS[d.month - 1][0]),
        ("MMMM", lambda d, m: _MONTHS[d.month - 1]),
        ("MMM", lambda d, m: _MONTHS[d.month - 1][:3]),
        ("(MM?)", lambda d, m: _pad(m.group(1), d.month)),
        ("LLLLL", lambda d, m: _MONTHS[d.month - 1][0]),
        ("LLLL", lambda d, m: _MONTHS[d.month - 1]),
        ("LLL", lambda d, m: _MONTHS[d.month - 1][:3]),
        ("(LL?)", lambda d, m: _pad(m.group(1), d.month)),
        ("(ww?)", lambda d, m: _pad(m.group(1), _week_number(d))),
        ("W", lambda d, m: str(_week_of_month(d))),
        ("(dd?)", lambda d, m: _pad(m.group(1), d.day)),
        ("(D{1,3})", lambda d, m: _pad(m.group(1), _day_of_year(d))),
        ("F", lambda d, m: str((d.day - 1) // 7 + 1)),
        ("(g+)", lambda d, m: _pad(m.group(1), _mjd(d))),
        ("EEEEE", lambda d, m: _DAYS[d.weekday()][0]),
        ("EEEE", lambda d, m: _DAYS[d.weekday()]),
        ("E{1,3}", lambda d, m: _DAYS[d.weekday()][:3]),
        ("eeeee", lambda d, m: _DAYS[d.weekday()][0]),
        ("eeee", lambda d, m: _DAYS[d.weekday()]),
        ("eee", lambda d, m: _DAYS[d.weekday()][:3]),
        ("(ee?)", lambda d, m: _pad(m.group(1), _local_day_of_week(d))),
        ("ccccc", lambda d, m: _DAYS[d.weekday()][0]),
        ("cccc", lambda d, m: _DAYS[d.weekday()]),
        ("ccc", lambda d, m: _DAYS[d.weekday()][:3]),
        ("(cc?)", lambda d, m: _pad(m.group(1), _day_of_week(d))),
        ("a", lambda d, m: _am_pm(d)),
        ("(hh?)", lambda d, m: _pad(m.group(1), _hour_12(d))),
        ("(HH?)", lambda d, m: _pad(m.group(1), d.hour)),
        ("(KK?)", lambda d, m: _pad(m.group(1), d.hour % 12)),
        ("(kk?)", lambda d, m: _pad(m.group(1), d.hour or 24)),
        ("(jj?)", lambda d, m: _pad(m.group(1), _hour_12(d))),  # en-US: 12-hour clock
        ("(mm?)", lambda d, m: _pad(m.group(1), d.minute)),
        ("(ss?)", lambda d, m: _pad(m.group(1), d.second)),
        ("(S+)", lambda d, m: _nanosecs(d, len(m.group(1)))),
        (
            "A+",
            lambda d, m: str(
                (d.hour * 3600 + d.minute * 60 + d.second) * 1000 + d.microsecond // 1000
            ),
        ),
        ("zzzz", lambda d, m: _tz_long(d)),
        ("z{1,3}", lambda d, m: _tz_short(d)),
        ("ZZZZZ", lambda d, m: _offset(d, ":")),
        ("ZZZZ", lambda d, m: _tz_short(d) + _offset(d)),
        ("Z{1,3}", lambda d, m: _offset(d)),
        ("vvvv", lambda d, m: _tz_long(d)),
        ("v{1,3}", lambda d, m: _tz_short(d)),
        ("VVVV", lambda d, m: _tz_long(d)),
        ("V{1,3}", lambda d, m: _tz_short(d)),
    )
]

_CLDR_TOKEN = re.compile(r"'((?:[^']|'')*)'|(([a-zA-Z])\3*)|(.)", re.S)


def _cldr_run(moment: datetime, run: str) -> str:
    for regex, handler in _CLDR:
        match = re.search(regex, run)
        if match:
            return handler(moment, match)
    return run


def format_cldr(moment: datetime, pattern: str) -> str:
    """DateTime's format_cldr: quoted text, letter runs, everything else literal."""

    def replace(match: re.Match[str]) -> str:
        quoted, run, _letter, other = match.groups()
        if quoted is not None:
            return quoted
        if run is not None:
            return _cldr_run(moment, run)
        return other or ""

    return _CLDR_TOKEN.sub(replace, pattern).replace("''", "'")
