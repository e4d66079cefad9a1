"""Process behaviour (XmR) charts: natural process limits and signals of a series, and of a
team's weekly throughput and cycle time.

>>> xmr([5, 6, 5, 7, 6, 5, 6, 30]).outside.tolist()[-1]
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing import charts
from agilemarketing._display import Summary, number, summary
from agilemarketing.extras import require_pandas
from agilemarketing.flow import FlowLog
from agilemarketing.metrics.arrays import BoolArray, DateArray, FloatArray, IntArray, json_number
from agilemarketing.metrics.cycle_time import CycleTimes, cycle_times
from agilemarketing.metrics.rates import Throughput, throughput
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BASELINE_POINTS", "RUN_LENGTH", "ProcessBehaviour", "process_behaviour", "xmr"]


BASELINE_POINTS = 20
"""Points of a series that set its natural process limits by default: its first 20 (Wheeler's
advice: limits from 20 or more values are solid; fewer points give all of them)."""

RUN_LENGTH = 8
"""Successive points on one side of the centre line that signal a shift."""


@attrs.frozen(eq=False)
class ProcessBehaviour:
    """An XmR chart: values, the centre line and natural process limits computed from a
    **baseline** (the first ``baseline`` points: mean ± 2.66 × their average moving range, the
    lower limit floored at 0) and the signals of every point against them.

    Detection rules (each flags the point that completes the pattern, see docs/metrics.md):
    ``outside`` (a point beyond a limit), ``runs`` (the 8th and every further successive point
    on one side of the centre line), ``zone`` (3 of 4 successive points beyond 1.5 sigma on the
    same side, the last of them beyond). :attr:`signals` is their union. ``moving_range_high``
    (a moving range above 3.268 × the baseline's average) is reported but not counted as a
    signal: it mostly repeats the point outside the limits.

    >>> xmr([2, 3, 2, 4], label="weekly throughput").signals.tolist()
    [False, False, False, False]
    """

    label: str
    x: npt.NDArray[Any]
    values: FloatArray
    mean: float
    lower: float
    upper: float
    moving_range_mean: float
    outside: BoolArray
    runs: BoolArray
    moving_range_high: BoolArray
    zone: BoolArray = attrs.field(kw_only=True)
    baseline: int = attrs.field(kw_only=True)

    @property
    def signals(self) -> BoolArray:
        """Any signal per point: outside the limits, a run of 8, or 3 of 4 beyond 1.5 sigma."""
        return self.outside | self.runs | self.zone

    @property
    def sigma(self) -> float:
        """The baseline's dispersion, average moving range / 1.128 (the limits are 3 sigma)."""
        return self.moving_range_mean / 1.128

    def to_dict(self) -> dict[str, Any]:
        """Limits and signal positions, see docs/metrics.md."""
        return {
            "label": self.label,
            "points": len(self.values),
            "baseline_points": self.baseline,
            "mean": json_number(self.mean),
            "lower_limit": json_number(self.lower),
            "upper_limit": json_number(self.upper),
            "moving_range_mean": json_number(self.moving_range_mean),
            "signals": np.flatnonzero(self.signals).tolist(),
            "outside": np.flatnonzero(self.outside).tolist(),
            "runs": np.flatnonzero(self.runs).tolist(),
            "zone": np.flatnonzero(self.zone).tolist(),
            "moving_range_high": np.flatnonzero(self.moving_range_high).tolist(),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per point with its signals."""
        require_pandas()
        import pandas as pd

        x = self.x.astype("datetime64[ns]") if self.x.dtype.kind == "M" else self.x
        return pd.DataFrame(
            {
                "x": x,
                "value": self.values,
                "outside": self.outside,
                "run": self.runs,
                "zone": self.zone,
                "signal": self.signals,
                "moving_range_high": self.moving_range_high,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """The X chart with mean, limits and signals."""
        return charts.plot_xmr(self, ax)

    def _summary(self) -> Summary:
        signals = np.flatnonzero(self.signals)
        kinds = (("outside", self.outside), ("run", self.runs), ("range", self.moving_range_high))
        return summary(
            "ProcessBehaviour",
            [
                self.label or "values",
                f"{len(self.values):,} points",
                f"mean {number(self.mean)}",
                f"limits {number(self.lower)} to {number(self.upper)}",
                f"{len(signals):,} signals",
            ],
            ["point", "value", "signal"],
            (
                (self.x[i], self.values[i], ", ".join(n for n, flags in kinds if flags[i]))
                for i in signals
            ),
            total=len(signals),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def xmr(
    values: npt.ArrayLike,
    x: npt.ArrayLike | None = None,
    *,
    label: str = "",
    baseline: int = BASELINE_POINTS,
) -> ProcessBehaviour:
    """An XmR process behaviour chart of a series, its limits from the first ``baseline`` points.

    >>> chart = xmr([5, 6, 5, 7, 6, 5, 6, 30])
    >>> round(chart.upper, 2), chart.outside.tolist()[-1]
    (20.53, True)
    >>> shifted = xmr([5, 6, 5, 7, 6, 5, 6, 5] + [9] * 8, baseline=8)
    >>> shifted.upper < 9, int(shifted.signals.sum())
    (True, 8)
    """
    v = np.asarray(values, dtype=np.float64)
    xs = np.arange(len(v)) if x is None else np.asarray(x)
    n_base = min(max(int(baseline), 2), len(v))
    empty = np.zeros(v.size, dtype=bool)
    if v.size < 2:
        nan = float("nan")
        mean_ = float(v.mean()) if v.size else nan
        return ProcessBehaviour(
            label, xs, v, mean_, nan, nan, nan, empty, empty, empty, zone=empty, baseline=v.size
        )
    base = v[:n_base]
    mean = float(base.mean())
    mr_mean = float(np.abs(np.diff(base)).mean())
    upper = mean + 2.66 * mr_mean
    lower = max(mean - 2.66 * mr_mean, 0.0)
    outside = (v > upper) | (v < lower)
    high = np.zeros(len(v), dtype=bool)
    high[1:] = np.abs(np.diff(v)) > 3.268 * mr_mean
    return ProcessBehaviour(
        label,
        xs,
        v,
        mean,
        lower,
        upper,
        mr_mean,
        outside,
        _runs(v, mean),
        high,
        zone=_three_of_four(v, mean, 1.5 * mr_mean / 1.128),
        baseline=n_base,
    )


def _runs(v: FloatArray, centre: float) -> BoolArray:
    """The 8th and every further successive point on one side of the centre line (a point on
    the line breaks a run).

    >>> _runs(np.array([6.0] * 9 + [4.0]), 5.0).tolist()
    [False, False, False, False, False, False, False, True, True, False]
    """
    side = np.sign(v - centre)
    change = np.ones(len(v), dtype=bool)
    change[1:] = (side[1:] != side[:-1]) | (side[1:] == 0)
    run_id = np.cumsum(change) - 1
    starts = np.flatnonzero(change)
    position = np.arange(len(v)) - starts[run_id]  # 0 at the first point of its run
    flagged: BoolArray = (position >= RUN_LENGTH - 1) & (side != 0)
    return flagged


def _three_of_four(v: FloatArray, centre: float, distance: float) -> BoolArray:
    """Points beyond ``distance`` from the centre that make 3 of the last 4 beyond it on the
    same side.

    >>> _three_of_four(np.array([0.0, 2, 0, 2, 2, 0]), 0.0, 1.0).tolist()
    [False, False, False, False, True, False]
    """
    flagged = np.zeros(len(v), dtype=bool)
    if distance <= 0 or len(v) < 3:
        return flagged
    for beyond in (v > centre + distance, v < centre - distance):
        count = np.convolve(beyond.astype(np.int64), np.ones(4, dtype=np.int64))[: len(v)]
        flagged |= beyond & (count >= 3)
    return flagged


def _complete_weeks(series: Throughput) -> tuple[DateArray, IntArray]:
    """Weekly throughput from the week of the first completion on, complete weeks only (a first
    or last week with fewer than 7 days of data, such as the week still running, is left out).

    >>> from agilemarketing.flow import FlowLog
    >>> weeks, counts = _complete_weeks(throughput(FlowLog.example()))
    >>> len(weeks) == len(counts)
    True
    """
    weeks, counts = series.weekly()
    if len(weeks) == 0:
        return weeks, counts
    monday = series.days - ((series.days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
    days_in = np.unique(monday, return_counts=True)[1]
    keep = days_in == 7
    done = np.flatnonzero(counts > 0)
    if len(done):
        keep &= np.arange(len(weeks)) >= done[0]
    return weeks[keep], counts[keep]


def process_behaviour(
    log: FlowLog,
    *,
    calendar: WorkCalendar | None = None,
    history: CycleTimes | None = None,
    series: Throughput | None = None,
) -> tuple[ProcessBehaviour, ProcessBehaviour]:
    """XmR charts of weekly throughput and of cycle time (items in order of finishing), each
    with limits from a documented baseline period.

    Weekly throughput shows the complete weeks from the week of the first completion on (the
    weeks before it, and a partial first or last week such as the one still running, are left
    out); its limits come from the first :data:`BASELINE_POINTS` of those weeks. The cycle-time
    chart's limits come from the items finished within those same baseline weeks (at least the
    first :data:`BASELINE_POINTS` items). ``history`` and ``series`` reuse cycle times and
    throughput already computed.

    >>> from agilemarketing.flow import FlowLog
    >>> weekly, cycle = process_behaviour(FlowLog.example())
    >>> weekly.values.tolist(), cycle.values.tolist()  # the second week is partial
    ([1.0], [3.0, 8.0])
    """
    tp = series if series is not None else throughput(log, calendar=calendar)
    weeks, weekly = _complete_weeks(tp)
    ct = history if history is not None else cycle_times(log, calendar=calendar)
    order = np.argsort(ct.done, kind="stable")
    done = ct.done[order]
    base = min(len(weeks), BASELINE_POINTS)
    in_base = 0
    if base:
        base_end = (weeks[base - 1] + np.timedelta64(7, "D")).astype(done.dtype)
        in_base = int((done < base_end).sum())
    return (
        xmr(weekly, weeks, label="weekly throughput"),
        xmr(
            ct.calendar_days[order],
            done,
            label="cycle time (calendar days)",
            baseline=max(in_base, BASELINE_POINTS),
        ),
    )
