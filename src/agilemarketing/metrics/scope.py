"""Burnup: done vs total scope per day, in items and points, with scope changes visible.

>>> from agilemarketing.flow import FlowLog
>>> burnup(FlowLog.example()).scope.tolist()[-1]
3
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from agilemarketing import charts
from agilemarketing._display import Summary, day_span, summary
from agilemarketing.extras import require_pandas
from agilemarketing.flow import NEVER, FlowLog
from agilemarketing.metrics.arrays import (
    DateArray,
    FloatArray,
    IntArray,
    as_us,
    day_strings,
    json_number,
)
from agilemarketing.metrics.days import DayAxis, count_by_day, day_axis, team_calendar
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Burnup", "burnup"]


@attrs.frozen(eq=False)
class Burnup:
    """Done vs total scope per day, in items and points; scope changes are visible as
    ``added`` (items created that day) and ``removed`` (items abandoned that day).

    >>> burnup(FlowLog.example()).done.tolist()
    [0, 0, 1, 1, 1, 1, 1, 2]
    """

    days: DateArray
    done: IntArray
    scope: IntArray
    added: IntArray
    removed: IntArray
    done_points: FloatArray
    scope_points: FloatArray

    def to_dict(self) -> dict[str, Any]:
        """Daily series, see docs/metrics.md."""
        return {
            "days": day_strings(self.days),
            "done": self.done.tolist(),
            "scope": self.scope.tolist(),
            "added": self.added.tolist(),
            "removed": self.removed.tolist(),
            "done_points": [json_number(v) for v in self.done_points.tolist()],
            "scope_points": [json_number(v) for v in self.scope_points.tolist()],
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day."""
        require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "date": self.days.astype("datetime64[ns]"),
                "done": self.done,
                "scope": self.scope,
                "added": self.added,
                "removed": self.removed,
                "done_points": self.done_points,
                "scope_points": self.scope_points,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Done and scope lines."""
        return charts.plot_burnup(self, ax)

    def _summary(self) -> Summary:
        if len(self.days) == 0:
            return summary("Burnup", ["no days"])
        done, scope = int(self.done[-1]), int(self.scope[-1])
        return summary(
            "Burnup",
            [day_span(self.days), f"{done:,} of {scope:,} items done"],
            ["at the end", "items", "points"],
            [
                ("done", done, self.done_points[-1]),
                ("scope", scope, self.scope_points[-1]),
                ("added", self.added.sum(), None),
                ("removed", self.removed.sum(), None),
            ],
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def _cumulative(
    axis: DayAxis, moments: DateArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """How many of ``moments`` happened by each snapshot, and the sum of their ``weights``."""
    ints = as_us(moments)
    real = ~np.isnat(moments)
    order = np.argsort(ints[real])
    sorted_t = ints[real][order]
    found = np.searchsorted(sorted_t, axis.snapshots, side="right")
    w = np.concatenate([[0.0], np.cumsum(weights[real][order])])
    return found.astype(np.float64), w[found]


def burnup(log: FlowLog, *, calendar: WorkCalendar | None = None) -> Burnup:
    """Cumulative done items vs scope (items created and not abandoned) per day.

    An item without a created date joins the scope when it is first seen in any stage.

    >>> b = burnup(FlowLog.example())
    >>> b.done.tolist()[-1], b.scope.tolist()[-1], b.done_points.tolist()[-1]
    (2, 3, 6.0)
    """
    cal = team_calendar(calendar)
    axis = day_axis(log, cal)
    seen = np.where(np.isnat(log.first_entry), NEVER, as_us(log.first_entry)).min(axis=1)
    created = np.where(np.isnat(log.created), seen, as_us(log.created))
    created = np.where(created == NEVER, np.iinfo(np.int64).min, created).view("datetime64[us]")
    points = np.nan_to_num(log.points)
    removed_at = log.abandoned_at
    (came, came_points), (went, went_points) = (
        _cumulative(axis, created, points),
        _cumulative(axis, removed_at, points),
    )
    done, done_points = _cumulative(axis, log.done, points)
    return Burnup(
        axis.days,
        done=done.astype(np.int64),
        scope=(came - went).astype(np.int64),
        added=count_by_day(cal, created, axis),
        removed=count_by_day(cal, removed_at, axis),
        done_points=done_points,
        scope_points=came_points - went_points,
    )
