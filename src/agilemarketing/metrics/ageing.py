"""Ageing work in progress: how old each item in progress is, against past cycle times.

>>> from agilemarketing.flow import FlowLog
>>> ageing_wip(FlowLog.example()).keys.tolist()
['C']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing import charts
from agilemarketing._display import Summary, summary
from agilemarketing.extras import require_pandas
from agilemarketing.flow import FlowLog
from agilemarketing.metrics.arrays import DateArray, IntArray, json_number
from agilemarketing.metrics.cycle_time import CycleTimes, cycle_times
from agilemarketing.metrics.days import team_calendar
from agilemarketing.metrics.percentile import PERCENTILES
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AgeingWip", "ageing_wip"]


@attrs.frozen(eq=False)
class AgeingWip:
    """Every item in progress at ``as_of``, its age, and how it compares with past cycle times.

    ``age_days`` counts local days from the start day to ``as_of`` inclusive (the unit of
    cycle-time ``calendar_days``); ``beyond`` is the highest percentile of past cycle time the
    age already exceeds (0 when none).

    >>> ageing_wip(FlowLog.example()).stages.tolist()
    ['Doing']
    """

    keys: npt.NDArray[np.str_]
    stages: npt.NDArray[np.object_]
    start: DateArray
    age_days: IntArray
    beyond: IntArray
    thresholds: Mapping[int, float]
    board: tuple[str, ...] = ()
    """The in-progress stages in board order (the chart's columns)."""

    def to_dict(self) -> dict[str, Any]:
        """Items with age and percentile band, see docs/metrics.md."""
        return {
            "thresholds": {str(k): json_number(v) for k, v in self.thresholds.items()},
            "items": [
                {"key": k, "stage": s, "age_days": int(a), "beyond_percentile": int(b)}
                for k, s, a, b in zip(
                    self.keys.tolist(),
                    self.stages.tolist(),
                    self.age_days.tolist(),
                    self.beyond.tolist(),
                    strict=True,
                )
            ],
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per item in progress."""
        require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "key": self.keys,
                "stage": list(self.stages),
                "start": self.start.astype("datetime64[ns]"),
                "age_days": self.age_days,
                "beyond_percentile": self.beyond,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Ages per stage against the cycle-time percentiles."""
        return charts.plot_ageing(self, ax)

    def _summary(self) -> Summary:
        order = np.argsort(-self.age_days, kind="stable")
        facts = [f"{len(self.keys):,} items in progress"]
        if len(order):
            facts.append(f"oldest {int(self.age_days[order[0]]):,} days")
        return summary(
            "AgeingWip",
            facts,
            ["item (oldest first)", "stage", "age days", "beyond percentile"],
            (
                (self.keys[i], self.stages[i], self.age_days[i], self.beyond[i] or None)
                for i in order
            ),
            total=len(order),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def ageing_wip(
    log: FlowLog, *, calendar: WorkCalendar | None = None, history: CycleTimes | None = None
) -> AgeingWip:
    """Ages of the items in progress against the percentiles of past cycle times.

    >>> age = ageing_wip(FlowLog.example())
    >>> age.keys.tolist(), age.age_days.tolist(), age.beyond.tolist()
    (['C'], [5], [50])
    """
    cal = team_calendar(calendar)
    ct = history if history is not None else cycle_times(log, calendar=calendar)
    thresholds = ct.percentiles()
    rows = np.flatnonzero(log.in_progress)
    start = log.start[rows]
    today = cal.local_days(np.array([log.as_of], dtype="datetime64[us]"))[0]
    age = (today - cal.local_days(start)).astype(np.int64) + 1
    limits = np.array([thresholds[p] for p in PERCENTILES])
    passed = age[:, None] > np.where(np.isnan(limits), np.inf, limits)[None, :]
    # highest percentile exceeded: the last True in the row
    last_true = passed.shape[1] - 1 - passed[:, ::-1].argmax(axis=1)
    beyond = np.where(passed.any(axis=1), np.array(PERCENTILES)[last_true], 0)
    names = np.array([*log.stage_names, ""], dtype=object)
    stages = names[log.current_stage[rows]]
    board = log.stage_names[log.start_index : log.done_index]
    return AgeingWip(log.keys[rows], stages, start, age, beyond.astype(np.int64), thresholds, board)
