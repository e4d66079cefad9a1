"""Jira's timestamps in and out: the adapter's own small helpers (UTC inside, always).

Jira writes ``2026-03-02T09:30:00.000+0100`` (an offset without a colon); JQL takes
``"2026-03-02 09:30"`` in the *user's profile time zone*, to the minute.

>>> parse_jira_time("2026-03-02T09:30:00.000+0100")
datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.timezone.utc)
>>> from zoneinfo import ZoneInfo
>>> jql_time(parse_jira_time("2026-03-02T08:30:59.000+0000"), ZoneInfo("Europe/Berlin"))
'2026-03-02 09:30'
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from dateutil import parser as _dateparser

from agilemarketing.errors import InvalidValue

__all__ = ["iso", "jira_time", "jql_time", "parse_jira_time"]


def parse_jira_time(value: str | float | int, *, where: str | None = None) -> datetime:
    """A Jira timestamp as an aware UTC datetime.

    Strings are ISO 8601 with an offset (Jira's own form, ``+0000``, and ``Z`` all work);
    numbers are epoch milliseconds (seconds when they are too small to be milliseconds).

    >>> parse_jira_time(1772443800000)
    datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 100_000_000_000 else float(value)
        return datetime.fromtimestamp(seconds, UTC)
    if not isinstance(value, str):
        raise InvalidValue("not a Jira timestamp", where=where, value=value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = _dateparser.isoparse(value)
        except (ValueError, OverflowError) as exc:
            raise InvalidValue(
                "not a Jira timestamp",
                where=where,
                fix="Jira writes timestamps like 2026-03-02T09:30:00.000+0100",
                value=value,
            ) from exc
    if parsed.tzinfo is None:
        raise InvalidValue("a Jira timestamp without an offset", where=where, value=value)
    return parsed.astimezone(UTC)


def jira_time(value: datetime) -> str:
    """``value`` the way Jira writes timestamps (UTC, milliseconds, ``+0000``).

    >>> jira_time(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    '2026-03-02T09:30:00.000+0000'
    """
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def jql_time(value: datetime, zone: tzinfo) -> str:
    """``value`` as a JQL date-time literal in ``zone``, floored to the minute (JQL has no
    seconds, and a floor keeps a ``>=`` query on the safe, wider side).

    In the hour a clock falls back, a wall time happens twice and Jira may read it as the later
    one; the literal is then moved back by the shift, so either reading is on the safe side.

    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")  # clocks fell back at 03:00 on 2026-10-25
    >>> jql_time(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), berlin)  # 02:30, the first time
    '2026-10-25 01:30'
    >>> jql_time(datetime(2026, 10, 25, 3, 30, tzinfo=UTC), berlin)  # an ordinary hour
    '2026-10-25 04:30'
    """
    local = value.astimezone(zone)
    wall = local.replace(tzinfo=None)
    first = wall.replace(tzinfo=zone, fold=0).utcoffset()
    second = wall.replace(tzinfo=zone, fold=1).utcoffset()
    if first is not None and second is not None and first != second:
        local = (value - abs(first - second)).astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M")


def iso(value: datetime | None) -> str | None:
    """ISO 8601 text of an aware datetime, or None."""
    return None if value is None else value.isoformat()
