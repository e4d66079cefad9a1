"""The day axis every daily series shares: the team's consecutive local days, the moment each
is observed at, and counting moments per day.

>>> from agilemarketing.flow import FlowLog
>>> axis = day_axis(FlowLog.example(), team_calendar(None))
>>> len(axis.days), str(axis.days[0])
(8, '2026-01-05')
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from agilemarketing.flow import FlowLog
from agilemarketing.metrics.arrays import BoolArray, DateArray, IntArray
from agilemarketing.workdays import WorkCalendar

__all__ = [
    "DayAxis",
    "count_by_day",
    "day_axis",
    "day_index",
    "snapshots_before",
    "team_calendar",
]


@attrs.frozen
class DayAxis:
    """Consecutive local days and the UTC moment each is observed at: its last microsecond (a
    day is [00:00, 24:00) local, so an event at 00:00 belongs to its own day), or ``as_of``.

    Every daily metric counts a moment ``t`` on day ``d`` when ``t <= snapshots[d]``."""

    days: DateArray
    snapshots: IntArray  # int64 us


def team_calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    """The calendar given, or every day in UTC."""
    return calendar if calendar is not None else WorkCalendar.every_day()


def day_axis(log: FlowLog, cal: WorkCalendar, first: Any = None) -> DayAxis:
    """The local days from ``first`` (default: the earliest moment known) to ``log.as_of``."""
    as_of = np.asarray(log.as_of, dtype="datetime64[us]")
    last_day: np.datetime64 = cal.local_days(as_of.reshape(1))[0]
    first_day: np.datetime64
    if first is None:
        # the earliest moment known (stays never start at NaT; created dates may be missing)
        created = log.created[~np.isnat(log.created)]
        moments = np.concatenate(
            [
                created.min(keepdims=True) if created.size else created,
                log.seg_enter.min(keepdims=True) if log.n_segments else created[:0],
            ]
        )
        first_day = cal.local_days(moments.min(keepdims=True))[0] if moments.size else last_day
    else:
        first_day = np.datetime64(first, "D")
    first_day = min(first_day, last_day)
    days = np.arange(first_day, last_day + 1, dtype="datetime64[D]")
    ends = cal.midnights(first_day + 1, last_day + 1).view(np.int64)
    # the last microsecond of each day: a move at the next 00:00 is the next day's
    snapshots = np.minimum(ends - 1, int(as_of.view(np.int64)))
    return DayAxis(days, snapshots)


def day_index(cal: WorkCalendar, moments: DateArray, axis: DayAxis) -> tuple[IntArray, BoolArray]:
    """Index into ``axis.days`` of each moment's local day, and which ones fall inside."""
    if moments.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    days = cal.local_days(moments)
    idx = (days - axis.days[0]).astype(np.int64)
    ok = ~np.isnat(days) & (idx >= 0) & (idx < len(axis.days))
    return idx, ok


def count_by_day(
    cal: WorkCalendar, moments: DateArray, axis: DayAxis, *, roll: bool = False
) -> IntArray:
    """How many of ``moments`` fall on each day of the axis (``roll``: non-working days count on
    the next working day)."""
    moments = moments[~np.isnat(moments)]
    if roll:
        days = cal.roll_forward(cal.local_days(moments))
        idx = (days - axis.days[0]).astype(np.int64)
        ok = (idx >= 0) & (idx < len(axis.days))
    else:
        idx, ok = day_index(cal, moments, axis)
    return np.bincount(idx[ok], minlength=len(axis.days)).astype(np.int64)


def snapshots_before(axis: DayAxis, moments: IntArray) -> IntArray:
    """How many snapshots of the axis come before each of ``moments`` (int64 us):
    ``np.searchsorted(axis.snapshots, moments, side="left")``, by arithmetic when the days
    before the last are all as long (no clock change): the snapshots are then evenly spaced.

    >>> axis = DayAxis(np.arange(4).astype("datetime64[D]"), np.array([10, 20, 30, 35]))
    >>> snapshots_before(axis, np.array([-5, 10, 11, 30, 31, 35, 36, 2**62])).tolist()
    [0, 0, 1, 2, 3, 3, 4, 4]
    """
    snaps = axis.snapshots
    n = len(snaps)
    if n >= 3:
        step, low = int(snaps[1] - snaps[0]), int(snaps[0])
        if step > 0 and bool((np.diff(snaps[:-1]) == step).all()):
            # clipped first, so that nothing overflows (a "never" is far in the future)
            t = np.clip(moments, low - step, int(snaps[-2]) + step)
            before = np.clip((t - low - 1) // step + 1, 0, n - 1)
            found: IntArray = before + (moments > snaps[-1])
            return found
    return np.searchsorted(snaps, moments, side="left")
