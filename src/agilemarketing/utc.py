"""Timezone rules: every timestamp inside the library is an aware ``datetime`` in UTC (public,
for adapters: ``from agilemarketing.utc import ensure_utc``).

Conversion happens at the edges (parsing files, talking to servers) with python-dateutil.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dateutil import parser as _dateparser

from agilemarketing.errors import InvalidValue

__all__ = ["ensure_utc", "optional_utc", "parse_timestamp", "utcnow"]


def utcnow() -> datetime:
    """The current time, aware, in UTC.

    >>> utcnow().tzinfo
    datetime.timezone.utc
    """
    return datetime.now(UTC)


def parse_timestamp(text: str, *, where: str | None = None) -> datetime:
    """Parse an ISO-8601 (or other unambiguous) timestamp with an offset into UTC.

    >>> parse_timestamp("2026-03-02T09:30:00+01:00")
    datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.timezone.utc)
    """
    try:  # the C parser first: ~40x faster, same result on every ISO string it accepts
        value = datetime.fromisoformat(text)
    except ValueError:
        try:
            value = _dateparser.isoparse(text)  # also 24:00 and a few other ISO forms
        except (ValueError, OverflowError):
            try:
                value = _dateparser.parse(text)
            except (ValueError, OverflowError) as exc:
                raise InvalidValue(
                    "not a timestamp",
                    where=where,
                    fix="write it as ISO 8601 with an offset, e.g. 2026-03-02T09:30:00Z",
                    value=text,
                ) from exc
    return ensure_utc(value, where=where)


def ensure_utc(value: datetime | str, *, where: str | None = None) -> datetime:
    """Return ``value`` as an aware UTC datetime; strings are parsed, naive datetimes refused.

    A naive datetime is ambiguous (whose local time?), so it is an error rather than a guess.

    >>> ensure_utc("2026-03-02T10:00:00+01:00")
    datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)
    """
    if type(value) is datetime and value.tzinfo is UTC:  # already right: the common, hot case
        return value
    if isinstance(value, str):
        return parse_timestamp(value, where=where)
    if not isinstance(value, datetime):
        raise InvalidValue(
            "expected a datetime",
            where=where,
            fix="pass an aware datetime or ISO string",
            value=value,
        )
    try:
        offset = None if value.tzinfo is None else value.tzinfo.utcoffset(value)
        if offset is not None:
            return value.astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # an offset over a day; year 1 or 9999 moved
        raise InvalidValue(
            "a timestamp outside what a date can hold (its offset or year)",
            where=where,
            fix="write it as ISO 8601 with an offset under a day, e.g. 2026-03-02T09:30:00Z",
            value=f"{value.replace(tzinfo=None).isoformat()} at {value.tzinfo!r}",
        ) from exc
    raise InvalidValue(
        "timestamp has no timezone",
        where=where,
        fix="attach a timezone (e.g. datetime(..., tzinfo=UTC)) or add an offset such as Z",
        value=value.isoformat(),
    )


def optional_utc(value: datetime | str | None) -> datetime | None:
    """attrs converter: ``None`` stays ``None``, anything else goes through :func:`ensure_utc`.

    >>> optional_utc(None), optional_utc("2026-03-02T09:00:00Z")
    (None, datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc))
    """
    if value is None or (type(value) is datetime and value.tzinfo is UTC):
        return value
    return ensure_utc(value)
