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
from agilemarketing.metrics.arrays import BoolArray, FloatArray, json_number
from agilemarketing.metrics.cycle_time import CycleTimes, cycle_times
from agilemarketing.metrics.rates import Throughput, throughput
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ProcessBehaviour", "process_behaviour", "xmr"]


@attrs.frozen(eq=False)
class ProcessBehaviour:
    """An XmR chart: values, their mean, the natural process limits (mean ± 2.66 × average
    moving range, the lower one floored at 0) and the signals.

    Signals: ``outside`` (a point beyond a limit), ``runs`` (8 or more successive points on
    one side of the mean, every point of the run flagged), ``moving_range_high`` (a moving
    range above 3.268 × its average).

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

    @property
    def signals(self) -> BoolArray:
        """Any signal per point."""
        return self.outside | self.runs | self.moving_range_high

    def to_dict(self) -> dict[str, Any]:
        """Limits and signal positions, see docs/metrics.md."""
        return {
            "label": self.label,
            "points": len(self.values),
            "mean": json_number(self.mean),
            "lower_limit": json_number(self.lower),
            "upper_limit": json_number(self.upper),
            "moving_range_mean": json_number(self.moving_range_mean),
            "outside": np.flatnonzero(self.outside).tolist(),
            "runs": np.flatnonzero(self.runs).tolist(),
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
    values: npt.ArrayLike, x: npt.ArrayLike | None = None, *, label: str = ""
) -> ProcessBehaviour:
    """An XmR process behaviour chart of a series.

    >>> chart = xmr([5, 6, 5, 7, 6, 5, 6, 30])
    >>> round(chart.upper, 2), chart.outside.tolist()[-1]
    (20.53, True)
    """
    v = np.asarray(values, dtype=np.float64)
    xs = np.arange(len(v)) if x is None else np.asarray(x)
    if v.size < 2:
        nan = float("nan")
        empty = np.zeros(v.size, dtype=bool)
        return ProcessBehaviour(
            label, xs, v, float(v.mean()) if v.size else nan, nan, nan, nan, empty, empty, empty
        )
    mean = float(v.mean())
    mr = np.abs(np.diff(v))
    mr_mean = float(mr.mean())
    upper = mean + 2.66 * mr_mean
    lower = max(mean - 2.66 * mr_mean, 0.0)
    outside = (v > upper) | (v < lower)
    side = np.sign(v - mean)
    # run length of equal non-zero sides ending at each point, then spread back over the run
    change = np.ones(len(v), dtype=bool)
    change[1:] = (side[1:] != side[:-1]) | (side[1:] == 0)
    run_id = np.cumsum(change) - 1
    run_len = np.bincount(run_id)
    runs = (run_len[run_id] >= 8) & (side != 0)
    high = np.zeros(len(v), dtype=bool)
    high[1:] = mr > 3.268 * mr_mean
    return ProcessBehaviour(label, xs, v, mean, lower, upper, mr_mean, outside, runs, high)


def process_behaviour(
    log: FlowLog,
    *,
    calendar: WorkCalendar | None = None,
    history: CycleTimes | None = None,
    series: Throughput | None = None,
) -> tuple[ProcessBehaviour, ProcessBehaviour]:
    """XmR charts of weekly throughput and of cycle time (items in order of finishing).

    ``history`` and ``series`` reuse cycle times and throughput already computed.

    >>> from agilemarketing.flow import FlowLog
    >>> weekly, cycle = process_behaviour(FlowLog.example())
    >>> weekly.values.tolist(), cycle.values.tolist()
    ([1.0, 1.0], [3.0, 8.0])
    """
    weeks, weekly = (series if series is not None else throughput(log, calendar=calendar)).weekly()
    ct = history if history is not None else cycle_times(log, calendar=calendar)
    order = np.argsort(ct.done, kind="stable")
    return (
        xmr(weekly, weeks, label="weekly throughput"),
        xmr(ct.calendar_days[order], ct.done[order], label="cycle time (calendar days)"),
    )
