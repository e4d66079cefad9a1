"""Throughput (items finished per day, the sample forecasts draw from) and net flow (items
started vs items finished).

>>> from agilemarketing.flow import FlowLog
>>> throughput(FlowLog.example()).total, int(net_flow(FlowLog.example()).net.sum())
(2, 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from agilemarketing import charts
from agilemarketing._display import MAX_ROWS, Summary, day_span, number, summary
from agilemarketing.extras import require_pandas
from agilemarketing.flow import FlowLog
from agilemarketing.forecast.sample import ThroughputSample
from agilemarketing.metrics.anti import check_group
from agilemarketing.metrics.arrays import DateArray, IntArray, day_strings
from agilemarketing.metrics.days import count_by_day, day_axis, team_calendar
from agilemarketing.metrics.window import Window
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NetFlow", "Throughput", "net_flow", "throughput"]


@attrs.frozen(eq=False)
class Throughput:
    """Items finished per day over consecutive local days (the sample forecasts draw from).

    ``counts[i]`` items were finished on ``days[i]``; ``arrivals[i]`` items were created that
    day. With a working-day calendar, an item finished on a weekend or holiday counts on the
    next working day, so non-working days hold 0 and
    ``sample().on_workdays(calendar)`` keeps every finished item.
    ``groups`` (when asked ``by=``) holds the counts per type or label.

    >>> throughput(FlowLog.example()).weekly()[1].tolist()
    [1, 1]
    """

    days: DateArray
    counts: IntArray
    arrivals: IntArray
    groups: Mapping[str, IntArray] = attrs.field(factory=dict)

    @property
    def total(self) -> int:
        """Items finished over the days."""
        return int(self.counts.sum())

    def weekly(self) -> tuple[DateArray, IntArray]:
        """Items finished per ISO week (weeks start on Monday): (week start days, counts)."""
        if len(self.days) == 0:
            return self.days, self.counts
        monday = self.days - ((self.days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
        weeks, index = np.unique(monday, return_inverse=True)
        return weeks, np.bincount(index, weights=self.counts).astype(np.int64)

    def window(self, window: Window) -> Throughput:
        """The same series restricted to a :class:`Window` (consecutive days stay consecutive)."""
        keep = window.mask(self.days)
        return Throughput(
            self.days[keep],
            self.counts[keep],
            self.arrivals[keep],
            {k: v[keep] for k, v in self.groups.items()},
        )

    def sample(self) -> ThroughputSample:
        """This series as a :class:`agilemarketing.forecast.ThroughputSample`."""
        return ThroughputSample.from_daily(self.days, self.counts, self.arrivals)

    def to_dict(self) -> dict[str, Any]:
        """Daily counts and weekly totals, see docs/metrics.md."""
        weeks, weekly = self.weekly()
        return {
            "total": self.total,
            "days": day_strings(self.days),
            "daily": self.counts.tolist(),
            "arrivals": self.arrivals.tolist(),
            "weeks": day_strings(weeks),
            "weekly": weekly.tolist(),
            "groups": {k: v.tolist() for k, v in self.groups.items()},
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day: date, finished, created, and a column per group."""
        require_pandas()
        import pandas as pd

        frame = pd.DataFrame(
            {
                "date": self.days.astype("datetime64[ns]"),
                "throughput": self.counts,
                "arrivals": self.arrivals,
            }
        )
        for name, values in self.groups.items():
            frame[name] = values
        return frame

    def plot(self, ax: Any = None) -> Any:
        """Weekly throughput bars (daily counts are mostly zeros)."""
        return charts.plot_throughput(self, ax)

    def _summary(self) -> Summary:
        weeks, weekly = self.weekly()
        per_week = self.total / len(self.days) * 7 if len(self.days) else float("nan")
        facts = [f"{self.total:,} items finished", day_span(self.days)]
        facts.append(f"{number(per_week)} per week")
        if self.groups:
            facts.append("by " + ", ".join(self.groups))
        latest = range(max(len(weeks) - MAX_ROWS, 0), len(weeks))
        return summary(
            "Throughput",
            facts,
            ["week starting (latest)", "finished"],
            [(weeks[i], weekly[i]) for i in reversed(latest)],
            total=len(weeks),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def throughput(
    log: FlowLog,
    *,
    calendar: WorkCalendar | None = None,
    window: Window | None = None,
    by: str | None = None,
) -> Throughput:
    """Items finished per local day (abandoned items never count).

    Args:
        log: the flow log.
        calendar: the team's calendar (time zone; weekend completions roll to the next
            working day). Default: every day, UTC.
        window: keep only these days (e.g. ``Window.last(weeks=12)``).
        by: ``"type"`` or ``"label"`` to add per-group counts. Grouping by a person
            (``"assignee"``...) raises :class:`~agilemarketing.errors.AntiMetricError`.
            An item with several labels counts in each of its labels.

    Examples:
        >>> tp = throughput(FlowLog.example())
        >>> tp.counts.tolist(), tp.total
        ([0, 0, 1, 0, 0, 0, 0, 1], 2)
        >>> throughput(FlowLog.example(), window=Window.last(days=2)).counts.tolist()
        [0, 1]
    """
    key = check_group(by)
    cal = team_calendar(calendar)
    axis = day_axis(log, cal)
    roll = True  # weekend/holiday completions count on the next working day
    done_mask = log.is_done
    counts = count_by_day(cal, log.done, axis, roll=roll)
    arrivals = count_by_day(cal, log.created, axis)
    groups: dict[str, IntArray] = {}
    if key is not None:
        if key == "type":
            members = [(name, log.types == code) for code, name in enumerate(log.type_names)]
        else:
            members = []
            for code, name in enumerate(log.label_names):
                mask = np.zeros(len(log), dtype=bool)
                mask[log.label_item[log.label_code == code]] = True
                members.append((name, mask))
        for name, mask in members:
            groups[name or "(none)"] = count_by_day(
                cal, log.done[mask & done_mask], axis, roll=roll
            )
    result = Throughput(axis.days, counts, arrivals, groups)
    return result.window(window) if window is not None else result


@attrs.frozen(eq=False)
class NetFlow:
    """Arrivals (items started: crossed the commitment point) vs departures (items finished).

    >>> int(net_flow(FlowLog.example()).net.sum())
    1
    """

    days: DateArray
    arrivals: IntArray
    departures: IntArray

    @property
    def net(self) -> IntArray:
        """Arrivals minus departures per day (positive: WIP grows)."""
        return self.arrivals - self.departures

    def to_dict(self) -> dict[str, Any]:
        """Daily series, see docs/metrics.md."""
        return {
            "days": day_strings(self.days),
            "arrivals": self.arrivals.tolist(),
            "departures": self.departures.tolist(),
            "net": self.net.tolist(),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day."""
        require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "date": self.days.astype("datetime64[ns]"),
                "arrivals": self.arrivals,
                "departures": self.departures,
                "net": self.net,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Weekly arrivals and departures."""
        return charts.plot_net_flow(self, ax)

    def _summary(self) -> Summary:
        started, finished = int(self.arrivals.sum()), int(self.departures.sum())
        return summary(
            "NetFlow",
            [day_span(self.days), f"{started:,} started", f"{finished:,} finished"],
            ["", "items"],
            [("started", started), ("finished", finished), ("net", started - finished)],
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def net_flow(log: FlowLog, *, calendar: WorkCalendar | None = None) -> NetFlow:
    """Items started vs items finished per local day.

    >>> nf = net_flow(FlowLog.example())
    >>> nf.arrivals.tolist(), nf.net.tolist()
    ([2, 0, 0, 1, 0, 0, 0, 0], [2, 0, -1, 1, 0, 0, 0, -1])
    """
    cal = team_calendar(calendar)
    axis = day_axis(log, cal)
    return NetFlow(axis.days, count_by_day(cal, log.start, axis), count_by_day(cal, log.done, axis))
