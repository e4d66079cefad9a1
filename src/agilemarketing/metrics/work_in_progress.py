"""Work in progress per day and stage, the cumulative flow diagram, and the days each stage
spent over (or under) its WIP limit.

The per-stage daily counts (:func:`stage_counts`) are computed once and shared by
:func:`wip` and :func:`wip_breaches` (:class:`~agilemarketing.metrics.FlowMetrics` reuses
them for both).

>>> from agilemarketing.flow import FlowLog
>>> wip(FlowLog.example()).total.tolist()[-1], cumulative_flow(FlowLog.example()).stages[-1]
(1, 'Done')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from agilemarketing import charts
from agilemarketing._display import Summary, day_span, summary
from agilemarketing.extras import require_pandas
from agilemarketing.flow import NEVER, FlowLog
from agilemarketing.metrics.arrays import NAT_US, BoolArray, DateArray, IntArray, as_us, day_strings
from agilemarketing.metrics.days import DayAxis, day_axis, snapshots_before, team_calendar
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CumulativeFlow",
    "Wip",
    "WipBreaches",
    "breaches_from_counts",
    "cfd_from_counts",
    "cumulative_flow",
    "stage_counts",
    "wip",
    "wip_breaches",
    "wip_from_counts",
]

# --- WIP ------------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Wip:
    """Items in progress at the end of each local day (the last day: at ``as_of``), in total and
    per stage (``per_stage[day, stage]``; to-do and done stages are 0).

    >>> wip(FlowLog.example()).per_stage[-1].tolist()
    [0, 1, 0, 0]
    """

    days: DateArray
    total: IntArray
    per_stage: IntArray
    stages: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Daily totals and per-stage counts, see docs/metrics.md."""
        return {
            "days": day_strings(self.days),
            "total": self.total.tolist(),
            "per_stage": {s: self.per_stage[:, k].tolist() for k, s in enumerate(self.stages)},
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day, a column per stage plus ``wip``."""
        require_pandas()
        import pandas as pd

        frame = pd.DataFrame(self.per_stage, columns=list(self.stages))
        frame.insert(0, "date", self.days.astype("datetime64[ns]"))
        frame["wip"] = self.total
        return frame

    def plot(self, ax: Any = None) -> Any:
        """WIP over time with WIP limits."""
        return charts.plot_wip(self, ax)

    def _summary(self) -> Summary:
        now = int(self.total[-1]) if len(self.total) else 0
        used = [k for k in range(len(self.stages)) if self.per_stage[:, k].any()]
        return summary(
            "Wip",
            [day_span(self.days), f"{now:,} in progress at the end"],
            ["stage", "at the end", "most", "mean"],
            [
                (
                    self.stages[k],
                    self.per_stage[-1, k],
                    self.per_stage[:, k].max(),
                    self.per_stage[:, k].mean(),
                )
                for k in used
            ],
            total=len(used),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def stage_counts(log: FlowLog, axis: DayAxis) -> IntArray:
    """Items in each stage at each snapshot of the axis: shape (days, stages)."""
    # A stay [enter, leave) covers the snapshots lo..hi-1: +1 at lo and -1 at hi in its
    # stage's row of a difference array, then a cumulative sum along the days.
    mapped = log.seg_stage >= 0
    leave = as_us(log.seg_leave)[mapped]
    leave[leave == NAT_US] = NEVER
    width = len(axis.days) + 1
    at_hi = log.seg_stage[mapped].astype(np.intp) * width
    at_lo = at_hi.copy()
    at_hi += snapshots_before(axis, leave)
    del leave
    at_lo += snapshots_before(axis, as_us(log.seg_enter)[mapped])
    n_stages = len(log.stage_names)
    diff = np.bincount(at_lo, minlength=n_stages * width)
    diff -= np.bincount(at_hi, minlength=n_stages * width)
    counts = np.cumsum(diff.reshape(n_stages, width), axis=1)[:, :-1]
    return np.ascontiguousarray(counts.T, dtype=np.int64)


def wip(log: FlowLog, *, calendar: WorkCalendar | None = None) -> Wip:
    """Items in an in-progress stage (from the start stage up to, not including, done) at the
    end of each day, as the board showed them (backward moves included).

    >>> wip(FlowLog.example()).total.tolist()
    [2, 2, 1, 2, 2, 2, 2, 1]
    """
    cal = team_calendar(calendar)
    axis = day_axis(log, cal)
    return wip_from_counts(log, axis, stage_counts(log, axis))


def wip_from_counts(log: FlowLog, axis: DayAxis, counts_per_stage: IntArray) -> Wip:
    """:class:`Wip` from the :func:`stage_counts` of the same axis."""
    counts = counts_per_stage.copy()
    counts[:, : log.start_index] = 0
    counts[:, log.done_index :] = 0
    return Wip(axis.days, counts.sum(axis=1), counts, log.stage_names)


# --- Cumulative flow ------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class CumulativeFlow:
    """The cumulative flow diagram: the board's content, stacked. ``cumulative[day, s]`` items
    were in stage ``s`` or a later one at the end of the day (on the last day, at ``as_of``),
    so the band between two lines (:attr:`bands`) is exactly what the stage held: a reopened
    item leaves Done, a backward move shrinks the later bands, the in-progress bands are the
    :class:`Wip` series. With rework the lines can go down. Items in a status the workflow
    does not map (e.g. abandoned in Won't Do) are in no band.

    ``arrivals[day, s]`` is a separate series: the items that had *ever* reached stage ``s`` or
    a later one by the end of the day (their first entry; abandoned items left out). Arrival
    lines never decrease and never cross, but with rework they are not what the board held.

    >>> cfd = cumulative_flow(FlowLog.example())
    >>> cfd.bands[-1].tolist(), cfd.arrivals[-1].tolist()
    ([0, 1, 0, 2], [3, 3, 2, 2])
    """

    days: DateArray
    cumulative: IntArray
    stages: tuple[str, ...]
    arrivals: IntArray

    @property
    def bands(self) -> IntArray:
        """``bands[day, s]``: the items in stage ``s`` at the end of the day (band thickness)."""
        nxt = np.zeros_like(self.cumulative)
        nxt[:, :-1] = self.cumulative[:, 1:]
        return self.cumulative - nxt

    def to_dict(self) -> dict[str, Any]:
        """Stacked counts, stage contents and arrival lines per stage, see docs/metrics.md."""
        bands = self.bands
        return {
            "days": day_strings(self.days),
            "cumulative": {s: self.cumulative[:, k].tolist() for k, s in enumerate(self.stages)},
            "bands": {s: bands[:, k].tolist() for k, s in enumerate(self.stages)},
            "arrivals": {s: self.arrivals[:, k].tolist() for k, s in enumerate(self.stages)},
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day, a column per stage: the items in that stage or a later one."""
        require_pandas()
        import pandas as pd

        frame = pd.DataFrame(self.cumulative, columns=list(self.stages))
        frame.insert(0, "date", self.days.astype("datetime64[ns]"))
        return frame

    def plot(self, ax: Any = None) -> Any:
        """The stacked cumulative flow diagram."""
        return charts.plot_cfd(self, ax)

    def _summary(self) -> Summary:
        last = self.cumulative[-1] if len(self.days) else np.zeros(len(self.stages), np.int64)
        bands = self.bands[-1] if len(self.days) else last
        return summary(
            "CumulativeFlow",
            [day_span(self.days), f"{len(self.stages)} stages"],
            ["stage", "reached by the end", "in the band at the end"],
            [(s, last[k], bands[k]) for k, s in enumerate(self.stages)],
            total=len(self.stages),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def cumulative_flow(log: FlowLog, *, calendar: WorkCalendar | None = None) -> CumulativeFlow:
    """The board's content per day and stage, stacked (and the arrival lines, apart).

    >>> cfd = cumulative_flow(FlowLog.example())
    >>> cfd.stages, cfd.cumulative[-1].tolist()
    (('To Do', 'Doing', 'Review', 'Done'), [3, 3, 2, 2])
    """
    cal = team_calendar(calendar)
    axis = day_axis(log, cal)
    return cfd_from_counts(log, axis, stage_counts(log, axis))


def cfd_from_counts(log: FlowLog, axis: DayAxis, counts_per_stage: IntArray) -> CumulativeFlow:
    """:class:`CumulativeFlow` from the :func:`stage_counts` of the same axis."""
    stacked = np.cumsum(counts_per_stage[:, ::-1], axis=1)[:, ::-1]
    return CumulativeFlow(
        axis.days, np.ascontiguousarray(stacked), log.stage_names, _arrivals(log, axis)
    )


def _arrivals(log: FlowLog, axis: DayAxis) -> IntArray:
    """Items (not abandoned) that had reached each stage or a later one by each snapshot."""
    entries = np.where(np.isnat(log.first_entry), NEVER, as_us(log.first_entry))
    reached = np.minimum.accumulate(entries[:, ::-1], axis=1)[:, ::-1]
    reached = reached[~log.abandoned]
    # Each entry counts from the first snapshot at or after it: a histogram per stage, summed.
    n, stages = len(axis.snapshots), reached.shape[1]
    first = snapshots_before(axis, reached.T.ravel()) + np.repeat(
        np.arange(stages), len(reached)
    ) * (n + 1)
    counts = np.bincount(first, minlength=stages * (n + 1)).reshape(stages, n + 1)
    return np.ascontiguousarray(np.cumsum(counts, axis=1)[:, :n].T, dtype=np.int64)


# --- WIP-limit breaches ---------------------------------------------------------------------------


@attrs.frozen(eq=False)
class WipBreaches:
    """Per stage with a WIP limit: the daily count, the limit, and the days above the maximum
    (or below the minimum).

    >>> wip_breaches(FlowLog.example()).to_dict()["Doing"]["days_over"]
    5
    """

    days: DateArray
    stages: tuple[str, ...]
    counts: IntArray
    maximum: IntArray
    minimum: IntArray

    @property
    def over(self) -> BoolArray:
        """``over[day, k]``: stage ``k`` held more than its maximum at the end of the day."""
        return (self.maximum >= 0) & (self.counts > self.maximum)

    @property
    def under(self) -> BoolArray:
        """``under[day, k]``: stage ``k`` held fewer than its minimum."""
        return (self.minimum >= 0) & (self.counts < self.minimum)

    def to_dict(self) -> dict[str, Any]:
        """Breach-day counts and dates per stage, see docs/metrics.md."""
        return {
            s: {
                "maximum": int(self.maximum[k]) if self.maximum[k] >= 0 else None,
                "minimum": int(self.minimum[k]) if self.minimum[k] >= 0 else None,
                "days_over": int(self.over[:, k].sum()),
                "days_under": int(self.under[:, k].sum()),
                "over_on": day_strings(self.days[self.over[:, k]]),
            }
            for k, s in enumerate(self.stages)
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day and stage."""
        require_pandas()
        import pandas as pd

        n_days, n_stages = self.counts.shape
        return pd.DataFrame(
            {
                "date": np.repeat(self.days, n_stages).astype("datetime64[ns]"),
                "stage": np.tile(np.array(self.stages, dtype=object), n_days),
                "count": self.counts.ravel(),
                "maximum": np.tile(self.maximum, n_days),
                "over": self.over.ravel(),
                "under": self.under.ravel(),
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Counts per limited stage with the limit line."""
        return charts.plot_wip_breaches(self, ax)

    def _summary(self) -> Summary:
        over, under = self.over, self.under
        return summary(
            "WipBreaches",
            [f"{len(self.stages)} limited stages", f"{int(over.sum()):,} stage-days over"],
            ["stage", "maximum", "minimum", "days over", "days under"],
            [
                (
                    s,
                    self.maximum[k] if self.maximum[k] >= 0 else None,
                    self.minimum[k] if self.minimum[k] >= 0 else None,
                    over[:, k].sum(),
                    under[:, k].sum(),
                )
                for k, s in enumerate(self.stages)
            ],
            total=len(self.stages),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def wip_breaches(log: FlowLog, *, calendar: WorkCalendar | None = None) -> WipBreaches:
    """Days each stage with a WIP limit was over its maximum or under its minimum.

    >>> wb = wip_breaches(FlowLog.example())
    >>> wb.stages, int(wb.over.sum())
    (('Doing',), 5)
    """
    cal = team_calendar(calendar)
    axis = day_axis(log, cal)
    return breaches_from_counts(log, axis, stage_counts(log, axis))


def breaches_from_counts(log: FlowLog, axis: DayAxis, counts_per_stage: IntArray) -> WipBreaches:
    """:class:`WipBreaches` from the :func:`stage_counts` of the same axis."""
    limited = [
        k
        for k, s in enumerate(log.workflow.stages)
        if s.wip.maximum is not None or s.wip.minimum is not None
    ]
    counts = counts_per_stage[:, limited]
    stages = log.workflow.stages
    return WipBreaches(
        axis.days,
        tuple(stages[k].name for k in limited),
        counts,
        np.array([-1 if (m := stages[k].wip.maximum) is None else m for k in limited], np.int64),
        np.array([-1 if (m := stages[k].wip.minimum) is None else m for k in limited], np.int64),
    )
