"""The team's working-day calendar: weekends, holidays and the team's time zone, vectorised.

Flow metrics count days the way the team lives them: an item finished at 23:30 in Berlin was
finished on that Berlin day, and a forecast of "ten working days" skips weekends and holidays.
:class:`WorkCalendar` does that for whole numpy arrays at once (``numpy.busday_count``,
``numpy.busday_offset``), and DST-correctly (local midnights are looked up, not assumed to be
24 hours apart).

>>> import numpy as np
>>> cal = WorkCalendar(holidays=["2026-01-06"], timezone="Europe/Berlin")
>>> moments = np.array(["2026-01-05T23:30", "2026-01-07T09:00"], dtype="datetime64[us]")  # UTC
>>> cal.local_days(moments).tolist()
[datetime.date(2026, 1, 6), datetime.date(2026, 1, 7)]
>>> cal.is_workday(cal.local_days(moments)).tolist()
[False, True]
>>> str(cal.add_workdays("2026-01-09", 1))  # Friday + 1 working day
'2026-01-12'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing.errors import InvalidValue
from agilemarketing.validators import sequence, texts

__all__ = ["WorkCalendar"]

Days: TypeAlias = npt.NDArray[np.datetime64]
_DAY_US = 86_400_000_000
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekmask(value: str | Iterable[str]) -> str:
    if isinstance(value, str) and len(value) == 7 and set(value) <= {"0", "1"}:
        mask = value
    else:
        names = (
            value.replace(",", " ").split()
            if isinstance(value, str)
            else list(texts("WorkCalendar.weekmask", fix=_DAYS)(value))
        )
        picked = {n.strip().lower()[:3] for n in names}
        unknown = picked - set(_WEEKDAYS)
        if unknown:
            raise InvalidValue(
                "unknown weekday in the week mask",
                where="WorkCalendar.weekmask",
                fix="use names like 'Mon Tue Wed Thu Fri' or a mask like '1111100'",
                value=sorted(unknown),
            )
        mask = "".join("1" if d in picked else "0" for d in _WEEKDAYS)
    if "1" not in mask:
        raise InvalidValue(
            "a calendar needs at least one working weekday",
            where="WorkCalendar.weekmask",
            fix="list the weekdays the team works",
            value=value,
        )
    return mask


_DAYS = "use names like 'Mon Tue Wed Thu Fri' or a mask like '1111100'"


def _holidays(value: Iterable[date | str]) -> tuple[date, ...]:
    days = sequence(value, "WorkCalendar.holidays", fix="list dates, e.g. ['2026-12-25']")
    return tuple(sorted({v if isinstance(v, date) else _holiday(str(v)) for v in days}))


def _holiday(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidValue(
            f"a holiday is not a date ({exc})",
            where="WorkCalendar.holidays",
            fix="write each holiday as an ISO date such as '2026-12-25'",
            value=text,
        ) from exc


def _zone(value: str) -> str:
    try:
        if not isinstance(value, str):
            raise ValueError("not a name")
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidValue(
            "unknown time zone",
            where="WorkCalendar.timezone",
            fix="use an IANA name such as 'UTC' or 'Europe/Berlin'",
            value=value,
        ) from exc
    return value


def _as_days(value: Any) -> Days:
    return np.asarray(value, dtype="datetime64[D]")


@attrs.frozen
class WorkCalendar:
    """Working weekdays, holidays and the time zone whose midnights separate the team's days.

    Args:
        weekmask: working weekdays, Monday first: ``"1111100"`` or ``"Mon Tue Wed Thu Fri"``.
        holidays: dates (or ISO date strings) nobody works.
        timezone: IANA time zone of the team (days start at local midnight).
    """

    weekmask: str = attrs.field(default="1111100", converter=_weekmask)
    holidays: tuple[date, ...] = attrs.field(default=(), converter=_holidays)
    timezone: str = attrs.field(default="UTC", validator=lambda _i, _a, v: _zone(v))
    _busdays: np.busdaycalendar = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        cal = np.busdaycalendar(
            weekmask=self.weekmask, holidays=np.array(self.holidays, dtype="datetime64[D]")
        )
        object.__setattr__(self, "_busdays", cal)

    @classmethod
    def every_day(cls, timezone: str = "UTC") -> WorkCalendar:
        """A calendar where every day is a working day (the default of the metrics).

        >>> WorkCalendar.every_day().is_workday(["2026-01-10"]).tolist()  # a Saturday
        [True]
        """
        return cls("1111111", (), timezone)

    # -- days ------------------------------------------------------------------------------

    def local_days(self, moments: npt.NDArray[np.datetime64]) -> Days:
        """The team's local date of each UTC moment (``NaT`` stays ``NaT``).

        >>> cal = WorkCalendar(timezone="America/New_York")
        >>> cal.local_days(np.array(["2026-01-06T03:00"], dtype="datetime64[us]")).tolist()
        [datetime.date(2026, 1, 5)]
        """
        values = np.asarray(moments, dtype="datetime64[us]")
        if self.timezone == "UTC" or values.size == 0:
            return values.astype("datetime64[D]")
        ints = values.view(np.int64)
        real = ~np.isnat(values)
        if not real.any():
            return values.astype("datetime64[D]")
        first = values[real].min().astype("datetime64[D]") - 2
        last = values[real].max().astype("datetime64[D]") + 2
        midnights = self.midnights(first, last)
        index = np.searchsorted(midnights.view(np.int64), ints, side="right") - 1
        out = first + index.astype("timedelta64[D]")
        return np.where(real, out, np.datetime64("NaT", "D"))

    def midnights(self, first: Any, last: Any) -> npt.NDArray[np.datetime64]:
        """UTC moments (``datetime64[us]``) of local midnight for each day ``first..last``.

        >>> WorkCalendar(timezone="Europe/Berlin").midnights("2026-01-05", "2026-01-05")
        array(['2026-01-04T23:00:00.000000'], dtype='datetime64[us]')
        """
        start, end = np.datetime64(first, "D"), np.datetime64(last, "D")
        if self.timezone == "UTC":
            return np.arange(start, end + 1, dtype="datetime64[D]").astype("datetime64[us]")
        cached = _local_midnights(
            self.timezone, int(start.astype(np.int64)), int(end.astype(np.int64))
        )
        return cached.copy()

    def is_workday(self, days: Any) -> npt.NDArray[np.bool_]:
        """Whether each date is a working day.

        >>> WorkCalendar().is_workday(["2026-01-09", "2026-01-10"]).tolist()
        [True, False]
        """
        d = _as_days(days)
        out = np.zeros(d.shape, dtype=bool)
        real = ~np.isnat(d)
        out[real] = np.is_busday(d[real], busdaycal=self._busdays)
        return out

    def workdays_between(self, start: Any, end: Any) -> npt.NDArray[np.int64]:
        """Working days in ``[start, end)`` for each pair of dates (negative if reversed).

        >>> WorkCalendar().workdays_between(["2026-01-05"], ["2026-01-12"]).tolist()
        [5]
        """
        return np.asarray(
            np.busday_count(_as_days(start), _as_days(end), busdaycal=self._busdays),
            dtype=np.int64,
        )

    def working_days(self, first: Any, last: Any) -> Days:
        """Every working date from ``first`` to ``last`` inclusive.

        >>> WorkCalendar().working_days("2026-01-09", "2026-01-12").tolist()
        [datetime.date(2026, 1, 9), datetime.date(2026, 1, 12)]
        """
        days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
        return days[self.is_workday(days)]

    def roll_forward(self, days: Any) -> Days:
        """Each date, or the next working date when it is not one.

        >>> str(WorkCalendar().roll_forward("2026-01-10"))
        '2026-01-12'
        """
        return np.busday_offset(_as_days(days), 0, roll="forward", busdaycal=self._busdays)

    def add_workdays(self, day: Any, count: Any) -> Any:
        """The date ``count`` working days after ``day`` (rolled forward first); vectorised.

        This is what turns "n working days from now" into a forecast date.
        """
        return np.busday_offset(
            _as_days(day), np.asarray(count), roll="forward", busdaycal=self._busdays
        )

    # -- durations -------------------------------------------------------------------------

    def elapsed_workdays(
        self, start: npt.NDArray[np.datetime64], end: npt.NDArray[np.datetime64]
    ) -> npt.NDArray[np.float64]:
        """Working time between UTC moments, in (fractional) working days.

        Only the part of the span that falls on working days counts: from Friday 12:00 to
        Monday 12:00 on a Monday-to-Friday calendar is one working day. ``NaT`` gives ``NaN``.

        >>> cal = WorkCalendar()
        >>> s = np.array(["2026-01-09T12:00"], dtype="datetime64[us]")
        >>> e = np.array(["2026-01-12T12:00"], dtype="datetime64[us]")
        >>> cal.elapsed_workdays(s, e).tolist()
        [1.0]
        """
        s = np.asarray(start, dtype="datetime64[us]")
        e = np.asarray(end, dtype="datetime64[us]")
        real = ~np.isnat(s) & ~np.isnat(e)
        out = np.full(np.broadcast(s, e).shape, np.nan)
        if not real.any():
            return out
        s_r, e_r = np.broadcast_to(s, out.shape)[real], np.broadcast_to(e, out.shape)[real]
        both = np.concatenate([s_r, e_r])
        first = both.min().astype("datetime64[D]") - 2
        last = both.max().astype("datetime64[D]") + 2
        mids = self.midnights(first, last).view(np.int64)
        lengths = np.diff(mids).astype(np.float64)

        def position(t: npt.NDArray[np.datetime64]) -> npt.NDArray[np.float64]:
            ints = t.view(np.int64)
            i = np.searchsorted(mids, ints, side="right") - 1
            days = first + i.astype("timedelta64[D]")
            frac = (ints - mids[i]) / lengths[i]
            counted = np.busday_count(first, days, busdaycal=self._busdays).astype(np.float64)
            result: npt.NDArray[np.float64] = counted + frac * np.is_busday(
                days, busdaycal=self._busdays
            )
            return result

        out[real] = position(e_r) - position(s_r)
        return out


@functools.lru_cache(maxsize=64)
def _local_midnights(timezone: str, first: int, last: int) -> npt.NDArray[np.datetime64]:
    """UTC moments of local midnight for days ``first..last`` (days since 1970), cached: every
    metric of one flow log asks for the same range."""
    days = np.arange(first, last + 1).astype("datetime64[D]")
    zone = ZoneInfo(timezone)
    offsets = [datetime.combine(d, datetime.min.time(), zone).utcoffset() for d in days.tolist()]
    shift = np.array([o.total_seconds() if o else 0 for o in offsets]) * 1_000_000
    moments = days.astype("datetime64[us]").view(np.int64) - shift.astype(np.int64)
    return moments.view("datetime64[us]")
