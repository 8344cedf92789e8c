"""HL7 TS values ("CCYYMMDDhhmmss+ZZzz", or shorter for partial dates) to and from Python."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

# A date-like snapshot value: a date (day precision), an aware datetime (second precision) or an
# HL7 TS string for partial dates such as "2019" or "201906" that Python types cannot express.
DateLike = date | datetime | str

TS_RE = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,4})?([+-]\d{4})?$")


_DATES: dict[date, str] = {}


def format_ts(value: DateLike, *, seconds: bool = False) -> str:
    """Render a DateLike as an HL7 TS. Naive datetimes are taken as UTC (pv stores UTC)."""
    if isinstance(value, str):
        return value
    if type(value) is date and not seconds:
        # Plain dates recur in every ICSR (onset, receipt, dosage); strftime is the slow part.
        text = _DATES.get(value)
        if text is None:
            if len(_DATES) >= 4096:
                _DATES.clear()
            text = _DATES[value] = value.strftime("%Y%m%d")
        return text
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.strftime("%Y%m%d%H%M%S%z")
    if seconds:
        return value.strftime("%Y%m%d") + "000000+0000"
    return value.strftime("%Y%m%d")


def parse_ts(value: str) -> DateLike:
    """Turn an HL7 TS into a date (day precision), an aware datetime (seconds + zone) or keep
    the string (partial dates, minute precision, no zone) so a re-export is byte-identical."""
    match = TS_RE.match(value or "")
    if not match:
        return value
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if month and day and not hour:
        return date(int(year), int(month), int(day))
    if second and zone and not fraction:
        sign = 1 if zone[0] == "+" else -1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            tzinfo=timezone(offset),
        )
    return value


def ts_precision(value: str) -> int:
    """Number of date/time digits before any fraction or zone (8 = day, 14 = second)."""
    match = TS_RE.match(value or "")
    if not match:
        return 0
    return sum(len(part) for part in match.groups()[:6] if part)


def ts_to_datetime(value: str) -> datetime | None:
    """Earliest instant a TS can denote, in UTC (for ordering and "not in the future" checks)."""
    match = TS_RE.match(value or "")
    if not match:
        return None
    year, month, day, hour, minute, second, _fraction, zone = match.groups()
    try:
        moment = datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
            int(second or 0), tzinfo=UTC,
        )
    except ValueError:
        return None
    if zone:
        hours, minutes = int(zone[1:3]), int(zone[3:5])
        if hours > 14 or minutes > 59:  # UTC offsets run from -12:00 to +14:00
            return None
        sign = 1 if zone[0] == "+" else -1
        moment -= timedelta(hours=hours, minutes=minutes) * sign
    return moment


def is_valid_ts(value: str) -> bool:
    return ts_to_datetime(value) is not None
