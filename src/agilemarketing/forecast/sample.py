"""The sample every forecast resamples: a team's daily throughput over a window of past days
(:class:`ThroughputSample`), checked on the way in.

>>> ThroughputSample([1, 0, 2], last_day=date(2026, 1, 3)).first_day
datetime.date(2026, 1, 1)
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from agilemarketing._display import Summary, number, summary
from agilemarketing.errors import InvalidValue, NoThroughputError
from agilemarketing.workdays import WorkCalendar

__all__ = ["ThroughputSample", "as_date"]


def as_date(value: np.datetime64) -> date:
    """A ``datetime64`` day as a ``date``."""
    result = value.astype("datetime64[D]").astype(object)
    assert isinstance(result, date)
    return result


def _counts(value: ArrayLike, name: str) -> NDArray[np.int64]:
    array = np.asarray(value)
    if array.ndim != 1:
        raise InvalidValue(
            f"{name} must be a one-dimensional array of daily counts",
            where="ThroughputSample",
            fix="pass one count per day",
            value=array.shape,
        )
    if array.size and (not np.all(np.isfinite(array)) or np.any(array < 0)):
        raise InvalidValue(
            f"{name} must hold whole numbers of items, 0 or more",
            where="ThroughputSample",
            fix="count finished (or arrived) items per day",
        )
    if array.size and np.any(array != np.round(array)):
        raise InvalidValue(
            f"{name} must hold whole numbers of items",
            where="ThroughputSample",
            fix="count items per day; do not pass averages",
        )
    return array.astype(np.int64)


def _counts_converter(value: ArrayLike) -> NDArray[np.int64]:
    return _counts(value, "counts")


def _optional_counts(value: ArrayLike | None) -> NDArray[np.int64] | None:
    return None if value is None else _counts(value, "arrivals")


@attrs.frozen(eq=False)
class ThroughputSample:
    """Items finished per day over a window of consecutive past days, ending on ``last_day``.

    ``arrivals`` (optional) counts the items added to the backlog on the same days; it lets
    :func:`backlog_clearance` grow scope at the observed rate. Pick the window with
    :meth:`last` or :meth:`between`: the forecast assumes the future looks like it.

    >>> s = ThroughputSample([1, 0, 2, 3], last_day=date(2026, 1, 4))
    >>> s.first_day, s.days, s.total, s.mean
    (datetime.date(2026, 1, 1), 4, 6, 1.5)
    >>> s.last(days=2).counts.tolist()
    [2, 3]
    """

    counts: NDArray[np.int64] = attrs.field(converter=_counts_converter)
    last_day: date
    arrivals: NDArray[np.int64] | None = attrs.field(default=None, converter=_optional_counts)
    window_start: date | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.arrivals is not None and self.arrivals.shape != self.counts.shape:
            raise InvalidValue(
                "arrivals and throughput cover a different number of days",
                where="ThroughputSample",
                fix="count both over the same days",
                value=(self.arrivals.size, self.counts.size),
            )

    @classmethod
    def from_daily(
        cls,
        days: ArrayLike,
        counts: ArrayLike,
        arrivals: ArrayLike | None = None,
    ) -> ThroughputSample:
        """Build a sample from consecutive ``datetime64[D]`` (or ``date``) days and their counts.

        >>> d = np.arange("2026-01-01", "2026-01-04", dtype="datetime64[D]")
        >>> ThroughputSample.from_daily(d, [1, 2, 0]).last_day
        datetime.date(2026, 1, 3)
        """
        day_array = np.asarray(days, dtype="datetime64[D]")
        if day_array.size == 0:
            raise NoThroughputError(None, None, 0)
        if day_array.size > 1 and np.any(np.diff(day_array) != np.timedelta64(1, "D")):
            raise InvalidValue(
                "days must be consecutive calendar days",
                where="ThroughputSample.from_daily",
                fix="pass one entry per day, zero counts included",
            )
        return cls(counts, last_day=as_date(day_array[-1]), arrivals=arrivals)

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return int(self.counts.size)

    @property
    def first_day(self) -> date:
        """The window's first day (``window_start`` when days were filtered out)."""
        if self.window_start is not None:
            return self.window_start
        return self.last_day - timedelta(days=max(self.days - 1, 0))

    @property
    def total(self) -> int:
        """Items finished in the window."""
        return int(self.counts.sum())

    @property
    def mean(self) -> float:
        """Average items finished per day."""
        return float(self.counts.mean()) if self.days else 0.0

    @property
    def arrival_mean(self) -> float | None:
        """Average items added per day, if arrivals are known."""
        if self.arrivals is None or not self.days:
            return None
        return float(self.arrivals.mean())

    @property
    def day_dates(self) -> NDArray[np.datetime64]:
        """The window's days as ``datetime64[D]``."""
        self._require_consecutive()
        return np.datetime64(self.first_day, "D") + np.arange(self.days)

    def _require_consecutive(self) -> None:
        if self.window_start is not None:
            raise InvalidValue(
                "this sample holds working days only; its days are no longer consecutive",
                where="ThroughputSample",
                fix="pick the window (last(), between()) before keeping working days",
            )

    def _slice(self, lo: int, hi: int) -> ThroughputSample:
        self._require_consecutive()
        arrivals = None if self.arrivals is None else self.arrivals[lo:hi]
        return ThroughputSample(
            self.counts[lo:hi],
            last_day=self.first_day + timedelta(days=hi - 1),
            arrivals=arrivals,
        )

    def last(self, *, days: int | None = None, weeks: int | None = None) -> ThroughputSample:
        """The most recent ``days`` days (or ``weeks`` weeks) of the window."""
        if (days is None) == (weeks is None):
            raise InvalidValue(
                "give exactly one of days= or weeks=",
                where="ThroughputSample.last",
                fix="for example last(weeks=12)",
            )
        span = days if days is not None else 7 * int(weeks or 0)
        if span <= 0:
            raise InvalidValue(
                "the window must be at least one day",
                where="ThroughputSample.last",
                fix="ask for 1 day or more",
                value=span,
            )
        return self._slice(max(self.days - span, 0), self.days)

    def between(self, start: date, end: date) -> ThroughputSample:
        """The days from ``start`` to ``end`` inclusive (clipped to the window)."""
        if end < start:
            raise InvalidValue(
                f"window end {end} is before its start {start}",
                where="ThroughputSample.between",
                fix="swap the dates",
            )
        lo = max((start - self.first_day).days, 0)
        hi = min((end - self.first_day).days + 1, self.days)
        return self._slice(lo, max(hi, lo))

    def working_days(self, workdays: ArrayLike) -> ThroughputSample:
        """Keep only the days where the boolean mask ``workdays`` is true.

        Use it with a team calendar so weekends and holidays (zero throughput by definition)
        do not drag the forecast down; then forecast with the same calendar.
        """
        self._require_consecutive()
        mask = np.asarray(workdays, dtype=bool)
        if mask.shape != self.counts.shape:
            raise InvalidValue(
                "the working-day mask must have one entry per day of the window",
                where="ThroughputSample.working_days",
                fix="build it from sample.day_dates",
                value=(mask.size, self.days),
            )
        arrivals = None if self.arrivals is None else self.arrivals[mask]
        return ThroughputSample(
            self.counts[mask],
            last_day=self.last_day,
            arrivals=arrivals,
            window_start=self.first_day,
        )

    def on_workdays(self, calendar: WorkCalendar) -> ThroughputSample:
        """Keep only the calendar's working days (see :meth:`working_days`).

        >>> from agilemarketing.workdays import WorkCalendar
        >>> s = ThroughputSample([1, 2, 0, 0, 3], last_day=date(2026, 1, 12))  # Thu..Mon
        >>> s.on_workdays(WorkCalendar()).counts.tolist()
        [1, 2, 3]
        """
        return self.working_days(calendar.is_workday(self.day_dates))

    def require_throughput(self) -> None:
        """Raise :class:`~agilemarketing.errors.NoThroughputError` if nothing was finished."""
        if self.total == 0:
            raise NoThroughputError(
                self.first_day if self.days else None,
                self.last_day if self.days else None,
                self.days,
            )

    def _summary(self) -> Summary:
        first = self.first_day if self.days else None
        facts = [f"{self.days:,} days from {number(first)} to {number(self.last_day)}"]
        facts.append(f"{self.total:,} items finished")
        facts.append(f"{number(self.mean)} a day" if self.days else "no days")
        if self.window_start is not None:
            facts.append("working days only")
        return summary("ThroughputSample", facts)

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()
