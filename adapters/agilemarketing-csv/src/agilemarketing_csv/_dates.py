"""Strict, fast timestamps for CSV cells: Jira's ``05/Nov/25 5:16 PM``, ISO 8601, your formats.

A million-row export holds two million timestamps, so the common shapes are parsed by hand
(``str.split`` and a month table) rather than by a general parser, and repeated texts come from a
small cache. Nothing is guessed: a text that matches no accepted shape is an error that lists the
shapes accepted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agilemarketing.errors import InvalidValue

__all__ = ["DateParser", "resolve_timezone"]

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_CACHE_LIMIT = 16_384


def resolve_timezone(value: str | tzinfo) -> tzinfo:
    """The tzinfo for an IANA name (``"Europe/Berlin"``), ``"UTC"``, or a tzinfo as is.

    >>> resolve_timezone("Europe/Berlin")
    zoneinfo.ZoneInfo(key='Europe/Berlin')
    """
    if isinstance(value, tzinfo):
        return value
    if value.strip().upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValue(
            "unknown time zone",
            where="timezone",
            fix="use an IANA name such as 'Europe/Berlin' or 'America/New_York', or 'UTC'",
            value=value,
        ) from None


def _two_digit_year(year: int) -> int:
    # The strptime rule for %y: 69-99 are 1969-1999, 00-68 are 2000-2068.
    return year + (1900 if year >= 69 else 2000)


def _jira(text: str) -> datetime | None:
    """``05/Nov/25 5:16 PM``, ``5/Nov/2025 17:16``, ``05/Nov/25 5:16:07 PM``; else None."""
    parts = text.split("/")
    if len(parts) != 3:
        return None
    day_text, month_text, rest = parts
    month = _MONTHS.get(month_text.lower().rstrip("."))
    if month is None:
        return None
    pieces = rest.split()
    if not 1 <= len(pieces) <= 3:
        return None
    year = int(pieces[0])
    if len(pieces[0]) <= 2:
        year = _two_digit_year(year)
    hour = minute = second = 0
    if len(pieces) >= 2:
        clock = pieces[1].split(":")
        if not 2 <= len(clock) <= 3:
            return None
        hour, minute = int(clock[0]), int(clock[1])
        second = int(clock[2]) if len(clock) == 3 else 0
        if len(pieces) == 3:
            meridiem = pieces[2].upper()
            if meridiem not in ("AM", "PM") or not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem == "PM" else 0)
    return datetime(year, month, int(day_text), hour, minute, second)


class DateParser:
    """Parses timestamp cells into aware UTC datetimes.

    Accepted, in this order: each of ``formats`` (:meth:`datetime.strptime` patterns), Jira's
    ``dd/MMM/yy h:mm a`` family, then ISO 8601 (``2025-11-05T17:16:00+01:00``,
    ``2025-11-05 17:16``, ``2025-11-05``). A text without an offset is read in ``timezone``.

    >>> DateParser("Europe/Berlin").parse("05/Nov/25 5:16 PM")
    datetime.datetime(2025, 11, 5, 16, 16, tzinfo=datetime.timezone.utc)
    >>> DateParser().parse("2025-11-05T17:16:00Z")
    datetime.datetime(2025, 11, 5, 17, 16, tzinfo=datetime.timezone.utc)
    """

    def __init__(self, timezone: str | tzinfo = "UTC", formats: Sequence[str] = ()) -> None:
        self.timezone = resolve_timezone(timezone)
        self.formats = tuple(formats)
        self._utc = self.timezone is UTC
        # Jira dates are cached in halves: a few thousand days (as midnight), at most 1,440
        # times of day (as offsets from midnight); a cached date is one addition.
        self._days: dict[str, datetime] = {}
        self._clocks: dict[str, timedelta] = {}
        shapes = [*self.formats, "05/Nov/25 5:16 PM", "ISO 8601 such as 2025-11-05T17:16:00Z"]
        self.expected = "a timestamp like " + " or ".join(repr(s) for s in shapes[:-1])
        self.expected += f" or {shapes[-1]}"

    def parse(self, text: str) -> datetime:
        """The aware UTC datetime ``text`` stands for.

        Raises:
            ValueError: ``text`` matches none of the accepted shapes (or is not a real date).
        """
        if not self.formats:
            day, _, clock = text.partition(" ")
            midnight = self._days.get(day)
            offset = self._clocks.get(clock)
            if midnight is not None and offset is not None:
                if self._utc:
                    return midnight + offset
                return (midnight + offset).replace(tzinfo=self.timezone).astimezone(UTC)
        return self._parse_uncached(text)

    def _parse_uncached(self, text: str) -> datetime:
        value = self._parse(text.strip())
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.timezone)
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value

    def _parse(self, text: str) -> datetime:
        for pattern in self.formats:
            with contextlib.suppress(ValueError):
                return datetime.strptime(text, pattern)
        if "/" in text:
            value = _jira(text)
            if value is not None:
                if not self.formats and len(self._days) < _CACHE_LIMIT:
                    day, _, clock = text.partition(" ")
                    midnight = datetime(value.year, value.month, value.day)
                    self._days[day] = midnight.replace(tzinfo=UTC) if self._utc else midnight
                    self._clocks[clock] = value - midnight
                return value
        elif text[:4].isdigit():
            return datetime.fromisoformat(text)
        raise ValueError(text)
