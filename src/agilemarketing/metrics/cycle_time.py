"""Cycle time (start to done) and lead time (created to done) of every finished item.

>>> from agilemarketing.flow import FlowLog
>>> cycle_times(FlowLog.example()).calendar_days.tolist()
[3, 8]
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
from agilemarketing.metrics.anti import check_group
from agilemarketing.metrics.arrays import (
    DAY_US,
    DateArray,
    FloatArray,
    IntArray,
    as_us,
    json_number,
)
from agilemarketing.metrics.days import team_calendar
from agilemarketing.metrics.percentile import percentiles
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CycleTimes", "cycle_times"]


@attrs.frozen(eq=False)
class CycleTimes:
    """Cycle and lead time of every finished item (those with a known start).

    ``days`` is elapsed time in fractional days; ``calendar_days`` counts the team's local days
    from the start day to the done day inclusive (finished the day it started = 1);
    ``work_days`` is fractional working days on the calendar; ``lead_days`` runs from creation.

    >>> cycle_times(FlowLog.example()).percentiles()
    {50: 3.0, 70: 8.0, 85: 8.0, 95: 8.0}
    """

    keys: npt.NDArray[np.str_]
    types: npt.NDArray[np.object_]
    label_row: npt.NDArray[np.int64]
    label_code: npt.NDArray[np.int32]
    label_names: tuple[str, ...]
    start: DateArray
    done: DateArray
    days: FloatArray
    calendar_days: IntArray
    work_days: FloatArray
    lead_days: FloatArray

    def __len__(self) -> int:
        return len(self.keys)

    def percentile(self, p: int, *, unit: str = "calendar_days") -> float:
        """One nearest-rank percentile of ``unit`` (a field name: ``days``, ``work_days``...)."""
        return percentiles(getattr(self, unit), (p,))[p]

    def percentiles(self, unit: str = "calendar_days") -> dict[int, float]:
        """The :data:`PERCENTILES` of ``unit``."""
        return percentiles(getattr(self, unit))

    def by(self, group: str, unit: str = "calendar_days") -> dict[str, dict[int, float]]:
        """Percentiles per item type (``"type"``) or per label (``"label"``)."""
        key = check_group(group)
        values = np.asarray(getattr(self, unit), dtype=np.float64)
        out: dict[str, dict[int, float]] = {}
        if key == "type":
            for name in sorted(set(self.types.tolist())):
                out[name] = percentiles(values[self.types == name])
        else:
            for code in np.unique(self.label_code).tolist():
                mask = np.zeros(len(self), dtype=bool)
                mask[self.label_row[self.label_code == code]] = True
                out[self.label_names[code]] = percentiles(values[mask])
        return out

    def to_dict(self) -> dict[str, Any]:
        """Counts and percentiles (overall, per type), see docs/metrics.md."""
        return {
            "items": len(self),
            "method": "nearest-rank (numpy inverted_cdf)",
            "calendar_days": {str(k): json_number(v) for k, v in self.percentiles().items()},
            "days": {str(k): json_number(v) for k, v in self.percentiles("days").items()},
            "work_days": {str(k): json_number(v) for k, v in self.percentiles("work_days").items()},
            "lead_days": {str(k): json_number(v) for k, v in self.percentiles("lead_days").items()},
            "by_type": {
                t: {str(k): json_number(v) for k, v in ps.items()}
                for t, ps in self.by("type").items()
            },
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per finished item (the scatter-plot data)."""
        require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "key": self.keys,
                "type": self.types,
                "start": self.start.astype("datetime64[ns]"),
                "done": self.done.astype("datetime64[ns]"),
                "days": self.days,
                "calendar_days": self.calendar_days,
                "work_days": self.work_days,
                "lead_days": self.lead_days,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Cycle-time scatter with percentile lines."""
        return charts.plot_cycle_times(self, ax)

    def _summary(self) -> Summary:
        units = ("calendar_days", "work_days", "lead_days")
        ps = {unit: self.percentiles(unit) for unit in units}
        p = ps["calendar_days"]
        return summary(
            "CycleTimes",
            [
                f"{len(self):,} finished items",
                f"50% within {number(p[50])} days",
                f"85% within {number(p[85])} days",
            ],
            ["percentile", "calendar days", "work days", "lead days"],
            [(f"{k}%", *(ps[unit][k] for unit in units)) for k in p],
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def _rows_of(log: FlowLog, rows: IntArray) -> IntArray:
    """Position of each item in ``rows`` (-1 when absent)."""
    where = np.full(len(log), -1, dtype=np.int64)
    where[rows] = np.arange(len(rows))
    return where


def cycle_times(log: FlowLog, *, calendar: WorkCalendar | None = None) -> CycleTimes:
    """Cycle time (start to done) and lead time (created to done) of every finished item.

    Items done without a known start (created done, or moved straight to done) and abandoned
    items are left out; the data-quality report lists them.

    >>> ct = cycle_times(FlowLog.example())
    >>> ct.keys.tolist(), ct.calendar_days.tolist(), ct.percentile(50)
    (['A', 'B'], [3, 8], 3.0)
    """
    cal = team_calendar(calendar)
    rows = np.flatnonzero(log.has_cycle_time)
    start, done = log.start[rows], log.done[rows]
    elapsed = (as_us(done) - as_us(start)) / DAY_US
    cal_days = (cal.local_days(done) - cal.local_days(start)).astype(np.int64) + 1
    created = log.created[rows]
    lead_from = np.where(np.isnat(created) | (created > start), start, created)
    lead = (as_us(done) - as_us(lead_from)) / DAY_US
    label_row = _rows_of(log, rows)[log.label_item]
    has_label = label_row >= 0
    return CycleTimes(
        keys=log.keys[rows],
        types=np.array(log.type_names, dtype=object)[log.types[rows]]
        if log.type_names
        else np.zeros(len(rows), dtype=object),
        label_row=label_row[has_label],
        label_code=log.label_code[has_label],
        label_names=log.label_names,
        start=start,
        done=done,
        days=elapsed,
        calendar_days=cal_days,
        work_days=cal.elapsed_workdays(start, done),
        lead_days=lead,
    )
