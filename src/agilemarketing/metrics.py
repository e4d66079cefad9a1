"""Team-level flow metrics, every one computed from a :class:`~agilemarketing.flow.FlowLog`
with numpy (no Python loop over items).

Each function returns a small typed result with ``to_dict()`` (plain JSON), ``to_pandas()``
(needs the ``pandas`` extra) and ``plot(ax=None)`` (needs the ``charts`` extra). Days are the
team's days: pass a :class:`~agilemarketing.workdays.WorkCalendar` to count in its time zone,
and to measure cycle time in working days. :meth:`FlowMetrics.compute` computes them all.

>>> from agilemarketing.history import ItemHistory, Transition
>>> from agilemarketing.flow import FlowLog
>>> from agilemarketing.workflow import Workflow
>>> wf = Workflow.from_shorthand("To Do,Doing,Done")
>>> def item(key, start, done):
...     moves = [Transition(f"2026-01-{start:02d}T09:00Z", "To Do", "Doing")]
...     if done:
...         moves.append(Transition(f"2026-01-{done:02d}T17:00Z", "Doing", "Done"))
...     return ItemHistory(key, status="Done" if done else "Doing",
...                        created="2026-01-01T09:00Z", transitions=moves)
>>> log = FlowLog.build([item("A", 5, 7), item("B", 5, 12), item("C", 8, None)], wf)
>>> ct = cycle_times(log)
>>> ct.calendar_days.tolist(), ct.percentile(85)
([3, 8], 8.0)
>>> throughput(log).total, wip(log).total.tolist()[-1]
(2, 1)

Anti-metrics are refused with an explanation (:class:`~agilemarketing.errors.AntiMetricError`):

>>> throughput(log, by="assignee")
Traceback (most recent call last):
...
agilemarketing.errors.AntiMetricError: throughput per person is not offered: ...
"""

from __future__ import annotations

import enum
import importlib.util
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing.errors import AntiMetricError, InvalidValue, MissingExtraError
from agilemarketing.flow import NEVER, FlowLog
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

    from agilemarketing.forecast import ThroughputSample

__all__ = [
    "ANTI_METRICS",
    "BUILTIN_METRICS",
    "PERCENTILES",
    "AgeingWip",
    "AgeingWipMetric",
    "BlockedTime",
    "BlockedTimeMetric",
    "Burnup",
    "BurnupMetric",
    "CfdMetric",
    "CumulativeFlow",
    "CycleReport",
    "CycleTimeMetric",
    "CycleTimes",
    "CyclesMetric",
    "FlowEfficiency",
    "FlowEfficiencyMetric",
    "FlowMetrics",
    "Metric",
    "NetFlow",
    "NetFlowMetric",
    "ProcessBehaviour",
    "Risk",
    "ServiceLevel",
    "SleMetric",
    "Throughput",
    "ThroughputMetric",
    "Window",
    "Wip",
    "WipBreaches",
    "WipBreachesMetric",
    "WipMetric",
    "XmrMetric",
    "ageing_wip",
    "blocked_time",
    "burnup",
    "compare_teams",
    "cumulative_flow",
    "cycle_report",
    "cycle_times",
    "flow_efficiency",
    "individual_utilisation",
    "net_flow",
    "percentiles",
    "process_behaviour",
    "refuse",
    "service_level",
    "throughput",
    "value_from_task_counts",
    "wip",
    "wip_breaches",
    "xmr",
]

PERCENTILES: tuple[int, ...] = (50, 70, 85, 95)
"""The percentiles every cycle-time summary reports."""

_DAY_US = 86_400_000_000
_NAT_I = np.iinfo(np.int64).min
_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]
_B = npt.NDArray[np.bool_]
_D = npt.NDArray[np.datetime64]


# --------------------------------------------------------------------------------------------
# Anti-metrics
# --------------------------------------------------------------------------------------------

ANTI_METRICS: Mapping[str, tuple[str, str]] = {
    "utilisation": (
        "individual utilisation pushes people to look busy instead of finishing customer-ready "
        "work, and the team (not one person) owns how work gets done",
        "team flow efficiency (flow_efficiency) and WIP (wip)",
    ),
    "throughput per person": (
        "counting finished items per person turns a team into competing individuals and "
        "hides the hand-offs and waiting that really slow delivery",
        "team throughput (throughput) and cycle time (cycle_times)",
    ),
    "story points compared between teams": (
        "story points are relative sizes a team calibrates for itself; another team's points "
        "measure something else, so comparing them only invites point inflation",
        "each team's own predictability (cycle_report) and throughput trend (throughput)",
    ),
    "task counts as value": (
        "the number of tasks done says nothing about the outcome it served",
        "outcomes against the Guidepoint and campaign success criteria",
    ),
}
"""What the library refuses to measure, why, and the team-level measure to use instead."""

_PERSON_FIELDS = frozenset(
    {"assignee", "person", "people", "owner", "user", "member", "reporter", "individual"}
)


def refuse(asked: str) -> AntiMetricError:
    """The :class:`~agilemarketing.errors.AntiMetricError` for one of :data:`ANTI_METRICS`.

    >>> print(refuse("utilisation").instead)
    team flow efficiency (flow_efficiency) and WIP (wip)
    """
    why, instead = ANTI_METRICS[asked]
    return AntiMetricError(asked, why=why, instead=instead)


def individual_utilisation(*_: Any, **__: Any) -> None:
    """Always refuses: individual utilisation is not a team measure (see :data:`ANTI_METRICS`).

    >>> individual_utilisation()
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AntiMetricError: utilisation is not offered: ...
    """
    raise refuse("utilisation")


def compare_teams(*_: Any, **__: Any) -> None:
    """Always refuses: velocity and story points are not comparable between teams.

    >>> compare_teams("team A", "team B")
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AntiMetricError: story points compared between teams is not offered: ...
    """
    raise refuse("story points compared between teams")


def value_from_task_counts(*_: Any, **__: Any) -> None:
    """Always refuses: how many tasks were done says nothing about the value delivered.

    >>> value_from_task_counts(FlowLog.example())
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AntiMetricError: task counts as value is not offered: ...
    """
    raise refuse("task counts as value")


def _check_group(by: str | None) -> str | None:
    if by is None:
        return None
    key = by.strip().lower()
    if key in _PERSON_FIELDS:
        raise refuse("throughput per person")
    if key not in {"type", "label"}:
        raise InvalidValue(
            "unknown grouping",
            where="by=",
            fix="group by 'type' or 'label' (team-level groupings only)",
            value=by,
        )
    return key


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _require_pandas() -> None:
    if importlib.util.find_spec("pandas") is None:  # pragma: no cover - dev has pandas
        raise MissingExtraError("pandas", "to_pandas()")


def _charts() -> Any:
    try:
        from agilemarketing import charts
    except ImportError as exc:  # pragma: no cover
        raise MissingExtraError("charts", "plot()") from exc
    return charts


def _i(values: _D) -> _I:
    return values.astype("datetime64[us]").view(np.int64)


def _days_list(days: _D) -> list[str]:
    return [str(d) for d in days.astype("datetime64[D]").tolist()]


def _num(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 4)


def percentiles(values: npt.ArrayLike, ps: Sequence[int] = PERCENTILES) -> dict[int, float]:
    """Nearest-rank percentiles: for each ``p``, the smallest value with at least ``p`` % of the
    values at or below it (numpy's ``inverted_cdf``). Empty input gives NaN.

    "85 % of items finished within 12 days" is then literally true of the data.

    >>> percentiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    {50: 5.0, 70: 7.0, 85: 9.0, 95: 10.0}
    """
    data = np.asarray(values, dtype=np.float64)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return {p: float("nan") for p in ps}
    got = np.percentile(data, list(ps), method="inverted_cdf")
    return {p: float(v) for p, v in zip(ps, got, strict=True)}


@attrs.frozen
class _Axis:
    """Consecutive local days and the UTC moment each is observed at (its end, or as_of)."""

    days: _D
    snapshots: _I  # int64 us


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else WorkCalendar.every_day()


def _axis(log: FlowLog, cal: WorkCalendar, first: Any = None) -> _Axis:
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
    snapshots = np.minimum(ends, int(as_of.view(np.int64)))
    return _Axis(days, snapshots)


def _day_index(cal: WorkCalendar, moments: _D, axis: _Axis) -> tuple[_I, _B]:
    """Index into ``axis.days`` of each moment's local day, and which ones fall inside."""
    if moments.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    days = cal.local_days(moments)
    idx = (days - axis.days[0]).astype(np.int64)
    ok = ~np.isnat(days) & (idx >= 0) & (idx < len(axis.days))
    return idx, ok


def _count_by_day(cal: WorkCalendar, moments: _D, axis: _Axis, *, roll: bool = False) -> _I:
    moments = moments[~np.isnat(moments)]
    if roll:
        days = cal.roll_forward(cal.local_days(moments))
        idx = (days - axis.days[0]).astype(np.int64)
        ok = (idx >= 0) & (idx < len(axis.days))
    else:
        idx, ok = _day_index(cal, moments, axis)
    return np.bincount(idx[ok], minlength=len(axis.days)).astype(np.int64)


# --------------------------------------------------------------------------------------------
# Cycle time and lead time
# --------------------------------------------------------------------------------------------


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
    start: _D
    done: _D
    days: _F
    calendar_days: _I
    work_days: _F
    lead_days: _F

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
        key = _check_group(group)
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
            "calendar_days": {str(k): _num(v) for k, v in self.percentiles().items()},
            "days": {str(k): _num(v) for k, v in self.percentiles("days").items()},
            "work_days": {str(k): _num(v) for k, v in self.percentiles("work_days").items()},
            "lead_days": {str(k): _num(v) for k, v in self.percentiles("lead_days").items()},
            "by_type": {
                t: {str(k): _num(v) for k, v in ps.items()} for t, ps in self.by("type").items()
            },
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per finished item (the scatter-plot data)."""
        _require_pandas()
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
        return _charts().plot_cycle_times(self, ax)


def _rows_of(log: FlowLog, rows: _I) -> _I:
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
    cal = _calendar(calendar)
    rows = np.flatnonzero(log.has_cycle_time)
    start, done = log.start[rows], log.done[rows]
    elapsed = (_i(done) - _i(start)) / _DAY_US
    cal_days = (cal.local_days(done) - cal.local_days(start)).astype(np.int64) + 1
    created = log.created[rows]
    lead_from = np.where(np.isnat(created) | (created > start), start, created)
    lead = (_i(done) - _i(lead_from)) / _DAY_US
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


# --------------------------------------------------------------------------------------------
# Throughput, net flow
# --------------------------------------------------------------------------------------------


@attrs.frozen
class Window:
    """Which past days a throughput sample covers: the last ``days`` / ``weeks`` up to the data's
    last day, or the dates ``start`` to ``end`` inclusive. ``Window()`` is everything.

    >>> Window.last(weeks=12).days
    84
    """

    days: int | None = None
    start: date | None = None
    end: date | None = None

    @classmethod
    def last(cls, *, days: int | None = None, weeks: int | None = None) -> Window:
        """The most recent days (or weeks) of the data."""
        if (days is None) == (weeks is None) or (days or weeks or 0) <= 0:
            raise InvalidValue(
                "give exactly one positive days= or weeks=",
                where="Window.last",
                fix="for example Window.last(weeks=12)",
            )
        return cls(days=days if days is not None else 7 * int(weeks or 0))

    @classmethod
    def between(cls, start: date | str, end: date | str) -> Window:
        """The days from ``start`` to ``end`` inclusive."""
        s = start if isinstance(start, date) else date.fromisoformat(start)
        e = end if isinstance(end, date) else date.fromisoformat(end)
        if e < s:
            raise InvalidValue(
                f"window end {e} is before its start {s}", where="Window", fix="swap the dates"
            )
        return cls(start=s, end=e)

    def mask(self, days: _D) -> _B:
        """Which of the consecutive ``days`` the window keeps."""
        keep = np.ones(len(days), dtype=bool)
        if self.days is not None:
            keep[: max(len(days) - self.days, 0)] = False
        if self.start is not None:
            keep &= days >= np.datetime64(self.start, "D")
        if self.end is not None:
            keep &= days <= np.datetime64(self.end, "D")
        return keep


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

    days: _D
    counts: _I
    arrivals: _I
    groups: Mapping[str, _I] = attrs.field(factory=dict)

    @property
    def total(self) -> int:
        """Items finished over the days."""
        return int(self.counts.sum())

    def weekly(self) -> tuple[_D, _I]:
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
        from agilemarketing.forecast import ThroughputSample

        return ThroughputSample.from_daily(self.days, self.counts, self.arrivals)

    def to_dict(self) -> dict[str, Any]:
        """Daily counts and weekly totals, see docs/metrics.md."""
        weeks, weekly = self.weekly()
        return {
            "total": self.total,
            "days": _days_list(self.days),
            "daily": self.counts.tolist(),
            "arrivals": self.arrivals.tolist(),
            "weeks": _days_list(weeks),
            "weekly": weekly.tolist(),
            "groups": {k: v.tolist() for k, v in self.groups.items()},
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day: date, finished, created, and a column per group."""
        _require_pandas()
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
        return _charts().plot_throughput(self, ax)


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
    key = _check_group(by)
    cal = _calendar(calendar)
    axis = _axis(log, cal)
    roll = True  # weekend/holiday completions count on the next working day
    done_mask = log.is_done
    counts = _count_by_day(cal, log.done, axis, roll=roll)
    arrivals = _count_by_day(cal, log.created, axis)
    groups: dict[str, _I] = {}
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
            groups[name or "(none)"] = _count_by_day(
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

    days: _D
    arrivals: _I
    departures: _I

    @property
    def net(self) -> _I:
        """Arrivals minus departures per day (positive: WIP grows)."""
        return self.arrivals - self.departures

    def to_dict(self) -> dict[str, Any]:
        """Daily series, see docs/metrics.md."""
        return {
            "days": _days_list(self.days),
            "arrivals": self.arrivals.tolist(),
            "departures": self.departures.tolist(),
            "net": self.net.tolist(),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day."""
        _require_pandas()
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
        return _charts().plot_net_flow(self, ax)


def net_flow(log: FlowLog, *, calendar: WorkCalendar | None = None) -> NetFlow:
    """Items started vs items finished per local day.

    >>> nf = net_flow(FlowLog.example())
    >>> nf.arrivals.tolist(), nf.net.tolist()
    ([2, 0, 0, 1, 0, 0, 0, 0], [2, 0, -1, 1, 0, 0, 0, -1])
    """
    cal = _calendar(calendar)
    axis = _axis(log, cal)
    return NetFlow(
        axis.days, _count_by_day(cal, log.start, axis), _count_by_day(cal, log.done, axis)
    )


# --------------------------------------------------------------------------------------------
# WIP, CFD, ageing
# --------------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Wip:
    """Items in progress at the end of each local day (the last day: at ``as_of``), in total and
    per stage (``per_stage[day, stage]``; to-do and done stages are 0).

    >>> wip(FlowLog.example()).per_stage[-1].tolist()
    [0, 1, 0, 0]
    """

    days: _D
    total: _I
    per_stage: _I
    stages: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Daily totals and per-stage counts, see docs/metrics.md."""
        return {
            "days": _days_list(self.days),
            "total": self.total.tolist(),
            "per_stage": {s: self.per_stage[:, k].tolist() for k, s in enumerate(self.stages)},
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day, a column per stage plus ``wip``."""
        _require_pandas()
        import pandas as pd

        frame = pd.DataFrame(self.per_stage, columns=list(self.stages))
        frame.insert(0, "date", self.days.astype("datetime64[ns]"))
        frame["wip"] = self.total
        return frame

    def plot(self, ax: Any = None) -> Any:
        """WIP over time with WIP limits."""
        return _charts().plot_wip(self, ax)


def _stage_counts(log: FlowLog, axis: _Axis) -> _I:
    """Items in each stage at each snapshot: (days, stages)."""
    # A stay [enter, leave) covers the snapshots lo..hi-1: +1 at lo and -1 at hi in its
    # stage's row of a difference array, then a cumulative sum along the days.
    mapped = log.seg_stage >= 0
    leave = _i(log.seg_leave)[mapped]
    leave[leave == _NAT_I] = NEVER
    width = len(axis.days) + 1
    at_hi = log.seg_stage[mapped].astype(np.intp) * width
    at_lo = at_hi.copy()
    at_hi += np.searchsorted(axis.snapshots, leave, side="left")
    del leave
    at_lo += np.searchsorted(axis.snapshots, _i(log.seg_enter)[mapped], side="left")
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
    cal = _calendar(calendar)
    axis = _axis(log, cal)
    return _wip(log, axis, _stage_counts(log, axis))


def _wip(log: FlowLog, axis: _Axis, stage_counts: _I) -> Wip:
    counts = stage_counts.copy()
    counts[:, : log.start_index] = 0
    counts[:, log.done_index :] = 0
    return Wip(axis.days, counts.sum(axis=1), counts, log.stage_names)


@attrs.frozen(eq=False)
class CumulativeFlow:
    """Cumulative flow: ``cumulative[day, s]`` items had reached stage ``s`` or a later one by
    the end of the day. Every column never decreases and ``cumulative[:, s] >=
    cumulative[:, s + 1]``; the band between two lines is the stage's content (:attr:`bands`).
    Abandoned items are left out.

    >>> cumulative_flow(FlowLog.example()).bands[-1].tolist()
    [0, 1, 0, 2]
    """

    days: _D
    cumulative: _I
    stages: tuple[str, ...]

    @property
    def bands(self) -> _I:
        """Items whose furthest stage so far is each stage (the band thickness)."""
        nxt = np.zeros_like(self.cumulative)
        nxt[:, :-1] = self.cumulative[:, 1:]
        return self.cumulative - nxt

    def to_dict(self) -> dict[str, Any]:
        """Cumulative counts per stage, see docs/metrics.md."""
        return {
            "days": _days_list(self.days),
            "cumulative": {s: self.cumulative[:, k].tolist() for k, s in enumerate(self.stages)},
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day, a column of cumulative arrivals per stage."""
        _require_pandas()
        import pandas as pd

        frame = pd.DataFrame(self.cumulative, columns=list(self.stages))
        frame.insert(0, "date", self.days.astype("datetime64[ns]"))
        return frame

    def plot(self, ax: Any = None) -> Any:
        """The stacked cumulative flow diagram."""
        return _charts().plot_cfd(self, ax)


def cumulative_flow(log: FlowLog, *, calendar: WorkCalendar | None = None) -> CumulativeFlow:
    """Cumulative arrivals per stage (first entry into the stage or any later one).

    >>> cfd = cumulative_flow(FlowLog.example())
    >>> cfd.stages, cfd.cumulative[-1].tolist()
    (('To Do', 'Doing', 'Review', 'Done'), [3, 3, 2, 2])
    """
    cal = _calendar(calendar)
    axis = _axis(log, cal)
    entries = np.where(np.isnat(log.first_entry), NEVER, _i(log.first_entry))
    reached = np.minimum.accumulate(entries[:, ::-1], axis=1)[:, ::-1]
    reached = reached[~log.abandoned]
    reached.sort(axis=0)
    cumulative = np.stack(
        [
            np.searchsorted(reached[:, s], axis.snapshots, side="right")
            for s in range(reached.shape[1])
        ],
        axis=1,
    ).astype(np.int64)
    return CumulativeFlow(axis.days, cumulative, log.stage_names)


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
    start: _D
    age_days: _I
    beyond: _I
    thresholds: Mapping[int, float]
    board: tuple[str, ...] = ()
    """The in-progress stages in board order (the chart's columns)."""

    def to_dict(self) -> dict[str, Any]:
        """Items with age and percentile band, see docs/metrics.md."""
        return {
            "thresholds": {str(k): _num(v) for k, v in self.thresholds.items()},
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
        _require_pandas()
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
        return _charts().plot_ageing(self, ax)


def ageing_wip(
    log: FlowLog, *, calendar: WorkCalendar | None = None, history: CycleTimes | None = None
) -> AgeingWip:
    """Ages of the items in progress against the percentiles of past cycle times.

    >>> age = ageing_wip(FlowLog.example())
    >>> age.keys.tolist(), age.age_days.tolist(), age.beyond.tolist()
    (['C'], [5], [50])
    """
    cal = _calendar(calendar)
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


# --------------------------------------------------------------------------------------------
# Burnup
# --------------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Burnup:
    """Done vs total scope per day, in items and points; scope changes are visible as
    ``added`` (items created that day) and ``removed`` (items abandoned that day).

    >>> burnup(FlowLog.example()).done.tolist()
    [0, 0, 1, 1, 1, 1, 1, 2]
    """

    days: _D
    done: _I
    scope: _I
    added: _I
    removed: _I
    done_points: _F
    scope_points: _F

    def to_dict(self) -> dict[str, Any]:
        """Daily series, see docs/metrics.md."""
        return {
            "days": _days_list(self.days),
            "done": self.done.tolist(),
            "scope": self.scope.tolist(),
            "added": self.added.tolist(),
            "removed": self.removed.tolist(),
            "done_points": [_num(v) for v in self.done_points.tolist()],
            "scope_points": [_num(v) for v in self.scope_points.tolist()],
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day."""
        _require_pandas()
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
        return _charts().plot_burnup(self, ax)


def burnup(log: FlowLog, *, calendar: WorkCalendar | None = None) -> Burnup:
    """Cumulative done items vs scope (items created and not abandoned) per day.

    An item without a created date joins the scope when it is first seen in any stage.

    >>> b = burnup(FlowLog.example())
    >>> b.done.tolist()[-1], b.scope.tolist()[-1], b.done_points.tolist()[-1]
    (2, 3, 6.0)
    """
    cal = _calendar(calendar)
    axis = _axis(log, cal)
    seen = np.where(np.isnat(log.first_entry), NEVER, _i(log.first_entry)).min(axis=1)
    created = np.where(np.isnat(log.created), seen, _i(log.created))
    created = np.where(created == NEVER, np.iinfo(np.int64).min, created).view("datetime64[us]")
    points = np.nan_to_num(log.points)

    def cumulative(moments: _D, weights: _F | None = None) -> _F:
        ints = _i(moments)
        real = ~np.isnat(moments)
        order = np.argsort(ints[real])
        sorted_t = ints[real][order]
        if weights is None:
            return np.searchsorted(sorted_t, axis.snapshots, side="right").astype(np.float64)
        w = np.concatenate([[0.0], np.cumsum(weights[real][order])])
        return w[np.searchsorted(sorted_t, axis.snapshots, side="right")]

    removed_at = log.abandoned_at
    scope = cumulative(created) - cumulative(removed_at)
    scope_points = cumulative(created, points) - cumulative(removed_at, points)
    return Burnup(
        axis.days,
        done=cumulative(log.done).astype(np.int64),
        scope=scope.astype(np.int64),
        added=_count_by_day(cal, created, axis),
        removed=_count_by_day(cal, removed_at, axis),
        done_points=cumulative(log.done, points),
        scope_points=scope_points,
    )


# --------------------------------------------------------------------------------------------
# Cycles: velocity, predictability, unplanned work
# --------------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class CycleReport:
    """Per launch cycle: committed vs completed (predictability), unplanned share, velocity.

    ``committed``: items in the cycle when it started (within ``grace``); ``completed``: of
    those, finished before the cycle ended; ``unplanned``: items added after the start;
    ``done``/``velocity``: items/points of the cycle's members finished inside it. Without
    cycle windows, only ``done``/``velocity`` are known (per sprint name, from each finished
    item's last sprint) and the others are -1.

    >>> cycle_report(FlowLog.example()).names
    ()
    """

    names: tuple[str, ...]
    start: _D
    end: _D
    committed: _I
    completed: _I
    unplanned: _I
    done: _I
    velocity: _F

    @property
    def predictability(self) -> _F:
        """Completed / committed per cycle (NaN when nothing was committed)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.committed > 0, self.completed / self.committed, np.nan)

    @property
    def unplanned_share(self) -> _F:
        """Unplanned / (committed + unplanned) per cycle."""
        total = self.committed + self.unplanned
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, self.unplanned / total, np.nan)

    def to_dict(self) -> dict[str, Any]:
        """One entry per cycle, see docs/metrics.md."""
        rows = []
        for k, name in enumerate(self.names):
            rows.append(
                {
                    "name": name,
                    "start": None if np.isnat(self.start[k]) else str(self.start[k]) + "Z",
                    "end": None if np.isnat(self.end[k]) else str(self.end[k]) + "Z",
                    "committed": int(self.committed[k]),
                    "completed": int(self.completed[k]),
                    "unplanned": int(self.unplanned[k]),
                    "done": int(self.done[k]),
                    "velocity": _num(self.velocity[k]),
                    "predictability": _num(self.predictability[k]),
                    "unplanned_share": _num(self.unplanned_share[k]),
                }
            )
        return {"cycles": rows}

    def to_pandas(self) -> pd.DataFrame:
        """One row per cycle."""
        _require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "cycle": list(self.names),
                "start": self.start.astype("datetime64[ns]"),
                "end": self.end.astype("datetime64[ns]"),
                "committed": self.committed,
                "completed": self.completed,
                "unplanned": self.unplanned,
                "done": self.done,
                "velocity": self.velocity,
                "predictability": self.predictability,
                "unplanned_share": self.unplanned_share,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Committed vs completed bars per cycle."""
        return _charts().plot_cycles(self, ax)


def _us(moment: datetime) -> int:
    return int(np.datetime64(moment.replace(tzinfo=None), "us").astype(np.int64))


def cycle_report(log: FlowLog, *, grace: timedelta = timedelta(hours=24)) -> CycleReport:
    """Velocity, predictability and unplanned share per cycle.

    Uses the cycle windows and memberships of the history (``cycles`` lines and fields); an
    item listed in a cycle's ``sprints`` without a membership record counts as committed.

    >>> len(cycle_report(FlowLog.example()).names)  # the example has no cycles
    0
    """
    points = np.nan_to_num(log.points)
    done_i = np.where(np.isnat(log.done), NEVER, _i(log.done))
    if not log.cycles:
        # Velocity per sprint name: each finished item counts for its last sprint.
        if len(log.sprint_item) == 0:
            empty_i = np.zeros(0, dtype=np.int64)
            empty_d = np.zeros(0, dtype="datetime64[us]")
            return CycleReport(
                (), empty_d, empty_d, empty_i, empty_i, empty_i, empty_i, np.zeros(0)
            )
        last = np.ones(len(log.sprint_item), dtype=bool)
        last[:-1] = log.sprint_item[1:] != log.sprint_item[:-1]
        item, code = log.sprint_item[last], log.sprint_code[last]
        finished = log.is_done[item]
        n = len(log.sprint_names)
        done = np.bincount(code[finished], minlength=n).astype(np.int64)
        velocity = np.bincount(code[finished], weights=points[item[finished]], minlength=n)
        missing = np.full(n, -1, dtype=np.int64)
        nat = np.full(n, np.datetime64("NaT", "us"))
        return CycleReport(
            log.sprint_names, nat, nat, missing, missing, missing, done, velocity.astype(np.float64)
        )
    # Memberships: explicit records, plus sprint names without a record (joined unknown).
    every = {n: k for k, n in enumerate(dict.fromkeys((*log.cycle_names, *log.sprint_names)))}
    width = len(every)
    cyc_code = np.array([every[n] for n in log.cycle_names] + [0], dtype=np.int64)[log.cyc_code]
    spr_code = np.array([every[n] for n in log.sprint_names] + [0], dtype=np.int64)[log.sprint_code]
    recorded = log.cyc_item.astype(np.int64) * width + cyc_code
    listed = log.sprint_item.astype(np.int64) * width + spr_code
    extra = ~np.isin(listed, recorded)
    items = np.concatenate([log.cyc_item, log.sprint_item[extra]]).astype(np.int64)
    codes = np.concatenate([cyc_code, spr_code[extra]])
    unknown = np.iinfo(np.int64).min
    joined = np.concatenate([_i(log.cyc_joined), np.full(int(extra.sum()), unknown)])
    rows = []
    for window in log.cycles:  # one pass per cycle (tens), vectorised over memberships
        start, end = _us(window.start), _us(window.end)
        member = codes == every.get(window.name, -1)
        it = items[member]
        j = joined[member]
        committed = (j == unknown) | (j <= start + grace // timedelta(microseconds=1))
        unplanned = ~committed & (j < end)
        inside = (done_i[it] >= start) & (done_i[it] < end)
        rows.append(
            (
                int(committed.sum()),
                int((committed & inside).sum()),
                int(unplanned.sum()),
                int(inside.sum()),
                float(points[it[inside]].sum()),
            )
        )
    table = np.array(rows, dtype=np.float64).reshape(len(rows), 5)
    return CycleReport(
        names=tuple(w.name for w in log.cycles),
        start=np.array([_us(w.start) for w in log.cycles], dtype=np.int64).view("datetime64[us]"),
        end=np.array([_us(w.end) for w in log.cycles], dtype=np.int64).view("datetime64[us]"),
        committed=table[:, 0].astype(np.int64),
        completed=table[:, 1].astype(np.int64),
        unplanned=table[:, 2].astype(np.int64),
        done=table[:, 3].astype(np.int64),
        velocity=table[:, 4],
    )


# --------------------------------------------------------------------------------------------
# Flow efficiency, blocked time, WIP-limit breaches
# --------------------------------------------------------------------------------------------


def _clipped_durations(item: npt.NDArray[Any], enter: _I, leave: _I, lo: _I, hi: _I) -> _F:
    """Length in days of each [enter, leave) clipped to its item's [lo, hi)."""
    np.maximum(enter, lo[item], out=enter)
    np.minimum(leave, hi[item], out=leave)
    leave -= enter
    np.maximum(leave, 0, out=leave)
    days: _F = leave / _DAY_US
    return days


@attrs.frozen(eq=False)
class FlowEfficiency:
    """Active time over cycle time per finished item, and for the team overall (active time
    summed over all items / cycle time summed). Waiting stages are those with
    ``active=False`` in the workflow.

    >>> round(flow_efficiency(FlowLog.example()).overall, 2)
    0.86
    """

    keys: npt.NDArray[np.str_]
    active_days: _F
    total_days: _F

    @property
    def per_item(self) -> _F:
        """Efficiency of each item (NaN for a zero-length cycle)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.total_days > 0, self.active_days / self.total_days, np.nan)

    @property
    def overall(self) -> float:
        """Team flow efficiency: total active time over total cycle time."""
        total = float(self.total_days.sum())
        return float(self.active_days.sum()) / total if total > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """Overall value and the median per item, see docs/metrics.md."""
        return {
            "overall": _num(self.overall),
            "median_item": _num(float(np.nanmedian(self.per_item)))
            if np.isfinite(self.per_item).any()
            else None,
            "items": len(self.keys),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per finished item."""
        _require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "key": self.keys,
                "active_days": self.active_days,
                "total_days": self.total_days,
                "efficiency": self.per_item,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Histogram of per-item efficiency."""
        return _charts().plot_flow_efficiency(self, ax)


def flow_efficiency(log: FlowLog) -> FlowEfficiency:
    """Time in active stages over cycle time, for items with a cycle time.

    >>> fe = flow_efficiency(FlowLog.example())
    >>> fe.per_item.round(2).tolist(), round(fe.overall, 2)
    ([0.43, 1.0], 0.86)
    """
    has = log.has_cycle_time
    start = np.where(has, _i(log.start), 0)
    done = np.where(has, _i(log.done), 0)
    active_stage = np.array([s.active for s in log.workflow.stages] + [False])
    # Only stays in active stages of items with a cycle time matter.
    keep = active_stage[log.seg_stage] & has[log.seg_item]
    seg_item = log.seg_item[keep]
    leave = _i(log.seg_leave)[keep]
    leave[leave == _NAT_I] = NEVER
    dur = _clipped_durations(seg_item, _i(log.seg_enter)[keep], leave, start, done)
    active_days = np.bincount(seg_item, weights=dur, minlength=len(log)).astype(np.float64)
    rows = np.flatnonzero(has)
    return FlowEfficiency(log.keys[rows], active_days[rows], (done - start)[rows] / _DAY_US)


@attrs.frozen(eq=False)
class BlockedTime:
    """Blocked days per started item (overlapping periods counted once), within its cycle
    (start to done, or to ``as_of`` while in progress), and their share of that time.

    >>> blocked_time(FlowLog.example()).share.round(2).tolist()
    [0.0, 0.14, 0.0]
    """

    keys: npt.NDArray[np.str_]
    blocked_days: _F
    elapsed_days: _F
    done: _B

    @property
    def share(self) -> _F:
        """Blocked share of each item's elapsed cycle time."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.elapsed_days > 0, self.blocked_days / self.elapsed_days, np.nan)

    def to_dict(self) -> dict[str, Any]:
        """Totals and the share over finished items, see docs/metrics.md."""
        d = self.done
        total = float(self.elapsed_days[d].sum())
        return {
            "items_blocked": int((self.blocked_days > 0).sum()),
            "blocked_days": _num(float(self.blocked_days.sum())),
            "share_of_cycle_time": _num(float(self.blocked_days[d].sum()) / total)
            if total > 0
            else None,
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per started item."""
        _require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "key": self.keys,
                "blocked_days": self.blocked_days,
                "elapsed_days": self.elapsed_days,
                "share": self.share,
                "done": self.done,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Blocked share per item, most blocked first."""
        return _charts().plot_blocked(self, ax)


def blocked_time(log: FlowLog) -> BlockedTime:
    """Blocked time per started item, clipped to its cycle, overlaps merged (a sweep line).

    >>> bt = blocked_time(FlowLog.example())
    >>> bt.keys.tolist(), bt.blocked_days.tolist()
    (['A', 'B', 'C'], [0.0, 1.0, 0.0])
    """
    started = ~np.isnat(log.start) & ~log.abandoned
    as_of = int(log.as_of.astype("datetime64[us]").astype(np.int64))
    lo = np.where(started, _i(log.start), 0)
    hi = np.where(log.is_done, _i(log.done), as_of)
    hi = np.where(started, hi, 0)
    item = log.blk_item.astype(np.int64)
    b_to = np.where(np.isnat(log.blk_to), as_of, _i(log.blk_to))
    a = np.maximum(_i(log.blk_from), lo[item])
    b = np.minimum(b_to, hi[item])
    keep = b > a
    item, a, b = item[keep], a[keep], b[keep]
    # Sweep: +1 at each start, -1 at each end, per item; time where the count is > 0 is blocked.
    ev_item = np.concatenate([item, item])
    ev_t = np.concatenate([a, b])
    ev_d = np.concatenate([np.ones(len(a), np.int64), -np.ones(len(b), np.int64)])
    order = np.lexsort((-ev_d, ev_t, ev_item))  # starts before ends at the same moment
    ev_item, ev_t, ev_d = ev_item[order], ev_t[order], ev_d[order]
    depth = np.cumsum(ev_d)
    span = np.zeros(len(ev_t), dtype=np.float64)
    if len(ev_t) > 1:
        same = ev_item[1:] == ev_item[:-1]
        span[:-1] = np.where(same & (depth[:-1] > 0), (ev_t[1:] - ev_t[:-1]) / _DAY_US, 0.0)
    blocked = np.bincount(ev_item, weights=span, minlength=len(log)).astype(np.float64)
    rows = np.flatnonzero(started)
    return BlockedTime(log.keys[rows], blocked[rows], (hi - lo)[rows] / _DAY_US, log.is_done[rows])


@attrs.frozen(eq=False)
class WipBreaches:
    """Per stage with a WIP limit: the daily count, the limit, and the days above the maximum
    (or below the minimum).

    >>> wip_breaches(FlowLog.example()).to_dict()["Doing"]["days_over"]
    5
    """

    days: _D
    stages: tuple[str, ...]
    counts: _I
    maximum: _I
    minimum: _I

    @property
    def over(self) -> _B:
        """``over[day, k]``: stage ``k`` held more than its maximum at the end of the day."""
        return (self.maximum >= 0) & (self.counts > self.maximum)

    @property
    def under(self) -> _B:
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
                "over_on": _days_list(self.days[self.over[:, k]]),
            }
            for k, s in enumerate(self.stages)
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day and stage."""
        _require_pandas()
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
        return _charts().plot_wip_breaches(self, ax)


def wip_breaches(log: FlowLog, *, calendar: WorkCalendar | None = None) -> WipBreaches:
    """Days each stage with a WIP limit was over its maximum or under its minimum.

    >>> wb = wip_breaches(FlowLog.example())
    >>> wb.stages, int(wb.over.sum())
    (('Doing',), 5)
    """
    cal = _calendar(calendar)
    axis = _axis(log, cal)
    return _wip_breaches(log, axis, _stage_counts(log, axis))


def _wip_breaches(log: FlowLog, axis: _Axis, stage_counts: _I) -> WipBreaches:
    limited = [
        k
        for k, s in enumerate(log.workflow.stages)
        if s.wip.maximum is not None or s.wip.minimum is not None
    ]
    counts = stage_counts[:, limited]
    stages = log.workflow.stages
    return WipBreaches(
        axis.days,
        tuple(stages[k].name for k in limited),
        counts,
        np.array([-1 if (m := stages[k].wip.maximum) is None else m for k in limited], np.int64),
        np.array([-1 if (m := stages[k].wip.minimum) is None else m for k in limited], np.int64),
    )


# --------------------------------------------------------------------------------------------
# Service level expectation
# --------------------------------------------------------------------------------------------


class Risk(enum.StrEnum):
    """How an item in progress stands against the service level expectation.

    >>> str(Risk.AT_RISK)
    'at risk'
    """

    ON_TRACK = "on track"
    AT_RISK = "at risk"
    BREACHED = "breached"


@attrs.frozen(eq=False)
class ServiceLevel:
    """ "``percentile`` % of items finish within ``days`` calendar days" and each item in
    progress's risk of missing it.

    ``risk[i]`` is the share of past items that, having reached item ``i``'s age, went on past
    the SLE (the empirical conditional probability); 1 once the age is beyond the SLE.

    >>> [str(s) for s in service_level(FlowLog.example()).status]
    ['on track']
    """

    percentile: int
    days: float
    derived: bool
    hit_rate: float
    keys: npt.NDArray[np.str_]
    age_days: _I
    risk: _F

    @property
    def status(self) -> npt.NDArray[np.object_]:
        """On track (risk < 0.5), at risk, or breached (a :class:`Risk`), per item in progress."""
        on_track, at_risk, breached = range(3)  # the order of Risk
        pick = np.where(
            self.age_days > self.days, breached, np.where(self.risk >= 0.5, at_risk, on_track)
        )
        return np.array(list(Risk), dtype=object)[pick]

    def __str__(self) -> str:
        return f"{self.percentile}% of items done within {self.days:g} days"

    def to_dict(self) -> dict[str, Any]:
        """The SLE, its hit rate and each item's risk, see docs/metrics.md."""
        return {
            "statement": str(self),
            "percentile": self.percentile,
            "days": _num(self.days),
            "derived": self.derived,
            "hit_rate": _num(self.hit_rate),
            "items": [
                {"key": k, "age_days": int(a), "risk": _num(r), "status": str(s)}
                for k, a, r, s in zip(
                    self.keys.tolist(),
                    self.age_days.tolist(),
                    self.risk.tolist(),
                    self.status.tolist(),
                    strict=True,
                )
            ],
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per item in progress."""
        _require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "key": self.keys,
                "age_days": self.age_days,
                "risk": self.risk,
                "status": [str(s) for s in self.status.tolist()],
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Ages of items in progress against the SLE, coloured by risk."""
        return _charts().plot_service_level(self, ax)


def service_level(
    log: FlowLog,
    *,
    percentile: int = 85,
    days: float | None = None,
    calendar: WorkCalendar | None = None,
    history: CycleTimes | None = None,
    ageing: AgeingWip | None = None,
) -> ServiceLevel:
    """The service level expectation (given, or derived from past cycle times in calendar days)
    with the risk of every item in progress. ``history`` and ``ageing`` reuse results already
    computed with the same calendar.

    >>> sle = service_level(FlowLog.example())
    >>> str(sle), sle.keys.tolist(), sle.risk.tolist()
    ('85% of items done within 8 days', ['C'], [0.0])
    """
    if not 0 < percentile < 100:
        raise InvalidValue(
            "the SLE percentile must be between 0 and 100",
            where="service_level",
            fix="use e.g. 85",
            value=percentile,
        )
    ct = history if history is not None else cycle_times(log, calendar=calendar)
    past = np.sort(ct.calendar_days.astype(np.float64))
    derived = days is None
    target = percentiles(past, (percentile,))[percentile] if days is None else float(days)
    hit = float((past <= target).mean()) if past.size else float("nan")
    age = ageing if ageing is not None else ageing_wip(log, calendar=calendar, history=ct)
    # P(CT > target | CT >= age) from the finished items.
    reached = past.size - np.searchsorted(past, age.age_days, side="left")
    beyond = past.size - np.searchsorted(past, target, side="right")
    with np.errstate(invalid="ignore", divide="ignore"):
        risk = np.where(reached > 0, beyond / np.maximum(reached, 1), 1.0)
    risk = np.where(age.age_days > target, 1.0, np.minimum(risk, 1.0))
    return ServiceLevel(percentile, target, derived, hit, age.keys, age.age_days, risk)


# --------------------------------------------------------------------------------------------
# Process behaviour (XmR) charts
# --------------------------------------------------------------------------------------------


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
    values: _F
    mean: float
    lower: float
    upper: float
    moving_range_mean: float
    outside: _B
    runs: _B
    moving_range_high: _B

    @property
    def signals(self) -> _B:
        """Any signal per point."""
        return self.outside | self.runs | self.moving_range_high

    def to_dict(self) -> dict[str, Any]:
        """Limits and signal positions, see docs/metrics.md."""
        return {
            "label": self.label,
            "points": len(self.values),
            "mean": _num(self.mean),
            "lower_limit": _num(self.lower),
            "upper_limit": _num(self.upper),
            "moving_range_mean": _num(self.moving_range_mean),
            "outside": np.flatnonzero(self.outside).tolist(),
            "runs": np.flatnonzero(self.runs).tolist(),
            "moving_range_high": np.flatnonzero(self.moving_range_high).tolist(),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per point with its signals."""
        _require_pandas()
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
        return _charts().plot_xmr(self, ax)


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


# --------------------------------------------------------------------------------------------
# The metric protocol, the built-ins and everything at once
# --------------------------------------------------------------------------------------------


@runtime_checkable
class Metric(Protocol):
    """What a metric plugin provides: a unique ``name`` and ``compute(log, **options)``.

    The result should offer ``to_dict()``, and ideally ``to_pandas()`` and ``plot(ax=None)``.
    Metrics are team-level only (see :data:`ANTI_METRICS`).

    >>> CycleTimeMetric.name, isinstance(CycleTimeMetric(), Metric)
    ('cycle-time', True)
    """

    name: ClassVar[str]

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Compute the metric from a flow log."""
        ...


class CycleTimeMetric:
    """Cycle and lead time per finished item. (:func:`cycle_times`)

    >>> CycleTimeMetric.name
    'cycle-time'
    """

    name: ClassVar[str] = "cycle-time"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`cycle_times`."""
        return cycle_times(log, **options)


class ThroughputMetric:
    """Items finished per day. (:func:`throughput`)

    >>> ThroughputMetric.name
    'throughput'
    """

    name: ClassVar[str] = "throughput"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`throughput`."""
        return throughput(log, **options)


class NetFlowMetric:
    """Items started vs finished per day. (:func:`net_flow`)

    >>> NetFlowMetric.name
    'net-flow'
    """

    name: ClassVar[str] = "net-flow"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`net_flow`."""
        return net_flow(log, **options)


class WipMetric:
    """Items in progress per day and stage. (:func:`wip`)

    >>> WipMetric.name
    'wip'
    """

    name: ClassVar[str] = "wip"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`wip`."""
        return wip(log, **options)


class CfdMetric:
    """The cumulative flow diagram. (:func:`cumulative_flow`)

    >>> CfdMetric.name
    'cfd'
    """

    name: ClassVar[str] = "cfd"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`cumulative_flow`."""
        return cumulative_flow(log, **options)


class AgeingWipMetric:
    """Ages of the items in progress. (:func:`ageing_wip`)

    >>> AgeingWipMetric.name
    'ageing-wip'
    """

    name: ClassVar[str] = "ageing-wip"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`ageing_wip`."""
        return ageing_wip(log, **options)


class BurnupMetric:
    """Done vs scope over time. (:func:`burnup`)

    >>> BurnupMetric.name
    'burnup'
    """

    name: ClassVar[str] = "burnup"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`burnup`."""
        return burnup(log, **options)


class CyclesMetric:
    """Velocity, predictability and unplanned work per cycle. (:func:`cycle_report`)

    >>> CyclesMetric.name
    'cycles'
    """

    name: ClassVar[str] = "cycles"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`cycle_report`."""
        return cycle_report(log, **options)


class FlowEfficiencyMetric:
    """Active time over cycle time. (:func:`flow_efficiency`)

    >>> FlowEfficiencyMetric.name
    'flow-efficiency'
    """

    name: ClassVar[str] = "flow-efficiency"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`flow_efficiency`."""
        return flow_efficiency(log, **options)


class BlockedTimeMetric:
    """Blocked time per item. (:func:`blocked_time`)

    >>> BlockedTimeMetric.name
    'blocked-time'
    """

    name: ClassVar[str] = "blocked-time"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`blocked_time`."""
        return blocked_time(log, **options)


class WipBreachesMetric:
    """Days over or under WIP limits. (:func:`wip_breaches`)

    >>> WipBreachesMetric.name
    'wip-breaches'
    """

    name: ClassVar[str] = "wip-breaches"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`wip_breaches`."""
        return wip_breaches(log, **options)


class SleMetric:
    """Service level expectation and each item's risk. (:func:`service_level`)

    >>> SleMetric.name
    'sle'
    """

    name: ClassVar[str] = "sle"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`service_level`."""
        return service_level(log, **options)


class XmrMetric:
    """XmR charts of throughput and cycle time. (:func:`process_behaviour`)

    >>> XmrMetric.name
    'xmr'
    """

    name: ClassVar[str] = "xmr"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`process_behaviour`."""
        return process_behaviour(log, **options)


BUILTIN_METRICS: tuple[type[Metric], ...] = (
    CycleTimeMetric,
    ThroughputMetric,
    NetFlowMetric,
    WipMetric,
    CfdMetric,
    AgeingWipMetric,
    BurnupMetric,
    CyclesMetric,
    FlowEfficiencyMetric,
    BlockedTimeMetric,
    WipBreachesMetric,
    SleMetric,
    XmrMetric,
)
"""The metric classes the library registers as a plugin (each has a unique ``name``)."""


@attrs.frozen(eq=False)
class FlowMetrics:
    """Every built-in metric of one flow log; :meth:`to_dict` is the ``metrics.json`` document
    (schema in docs/metrics.md).

    >>> sorted(FlowMetrics.compute(FlowLog.example()).to_dict())[:3]
    ['ageing_wip', 'as_of', 'blocked_time']
    """

    as_of: np.datetime64
    quality: Any
    cycle_times: CycleTimes
    throughput: Throughput
    net_flow: NetFlow
    wip: Wip
    cfd: CumulativeFlow
    ageing: AgeingWip
    burnup: Burnup
    cycles: CycleReport
    flow_efficiency: FlowEfficiency
    blocked: BlockedTime
    wip_breaches: WipBreaches
    sle: ServiceLevel
    xmr_throughput: ProcessBehaviour
    xmr_cycle_time: ProcessBehaviour

    @classmethod
    def compute(
        cls,
        log: FlowLog,
        *,
        calendar: WorkCalendar | None = None,
        window: Window | None = None,
        sle_percentile: int = 85,
        sle_days: float | None = None,
    ) -> FlowMetrics:
        """Compute every metric once (cycle times are shared by ageing, SLE and XmR).

        ``window`` restricts the throughput series only (the sample forecasts use).
        """
        ct = cycle_times(log, calendar=calendar)
        everything = throughput(log, calendar=calendar)
        xmr_tp, xmr_ct = process_behaviour(log, calendar=calendar, history=ct, series=everything)
        axis = _axis(log, _calendar(calendar))
        stage_counts = _stage_counts(log, axis)
        ageing = ageing_wip(log, calendar=calendar, history=ct)
        return cls(
            as_of=log.as_of,
            quality=log.quality,
            cycle_times=ct,
            throughput=everything.window(window) if window is not None else everything,
            net_flow=net_flow(log, calendar=calendar),
            wip=_wip(log, axis, stage_counts),
            cfd=cumulative_flow(log, calendar=calendar),
            ageing=ageing,
            burnup=burnup(log, calendar=calendar),
            cycles=cycle_report(log),
            flow_efficiency=flow_efficiency(log),
            blocked=blocked_time(log),
            wip_breaches=_wip_breaches(log, axis, stage_counts),
            sle=service_level(
                log,
                percentile=sle_percentile,
                days=sle_days,
                calendar=calendar,
                history=ct,
                ageing=ageing,
            ),
            xmr_throughput=xmr_tp,
            xmr_cycle_time=xmr_ct,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``metrics.json`` document."""
        return {
            "schema": "agilemarketing.metrics/1",
            "as_of": str(self.as_of.astype("datetime64[s]")) + "Z",
            "data_quality": self.quality.to_dict(),
            "cycle_time": self.cycle_times.to_dict(),
            "throughput": self.throughput.to_dict(),
            "net_flow": self.net_flow.to_dict(),
            "wip": self.wip.to_dict(),
            "cfd": self.cfd.to_dict(),
            "ageing_wip": self.ageing.to_dict(),
            "burnup": self.burnup.to_dict(),
            "cycles": self.cycles.to_dict(),
            "flow_efficiency": self.flow_efficiency.to_dict(),
            "blocked_time": self.blocked.to_dict(),
            "wip_breaches": self.wip_breaches.to_dict(),
            "sle": self.sle.to_dict(),
            "xmr": {
                "throughput": self.xmr_throughput.to_dict(),
                "cycle_time": self.xmr_cycle_time.to_dict(),
            },
        }
