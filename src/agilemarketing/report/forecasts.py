"""The report's forecasts: the throughput sample they resample, campaigns in rank order.

:func:`build_forecasts` answers every question of :mod:`agilemarketing.forecast` the report
shows (when, how many, ranked campaigns, backlog clearance) as one :class:`ReportForecasts`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs
import numpy as np

from agilemarketing.errors import NoThroughputError
from agilemarketing.flow import FlowLog
from agilemarketing.forecast import (
    ClearanceForecast,
    HowManyForecast,
    RankedForecast,
    ThroughputSample,
    WhenForecast,
    backlog_clearance,
    how_many_by,
    ranked_completion,
    when_done,
)
from agilemarketing.historyio import HistoryTable
from agilemarketing.metrics import FlowMetrics, Throughput, Window
from agilemarketing.report.settings import ReportSettings
from agilemarketing.workdays import WorkCalendar

__all__ = ["ReportForecasts", "build_forecasts", "open_campaigns", "throughput_sample"]


@attrs.frozen(eq=False)
class ReportForecasts:
    """The report's forecasts; ``problem`` says why they are missing when they are.

    ``burnup`` is when the burnup's open scope (scope minus done on its last day) is done,
    without new work arriving: the cone of the burnup chart."""

    sample: ThroughputSample | None
    when: WhenForecast | None = None
    how_many: HowManyForecast | None = None
    ranked: RankedForecast | None = None
    clearance: ClearanceForecast | None = None
    problem: str | None = None
    burnup: WhenForecast | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (each forecast's own ``to_dict``)."""
        sample = self.sample
        return {
            "problem": self.problem,
            "window": None
            if sample is None or not sample.days
            else {
                "first_day": sample.first_day.isoformat(),
                "last_day": sample.last_day.isoformat(),
                "days": sample.days,
                "items_finished": sample.total,
                "throughput_per_day": sample.mean,
                "arrivals_per_day": sample.arrival_mean,
            },
            "when": None if self.when is None else self.when.to_dict(),
            "how_many": None if self.how_many is None else self.how_many.to_dict(),
            "ranked": None if self.ranked is None else self.ranked.to_dict(),
            "clearance": None if self.clearance is None else self.clearance.to_dict(),
            "burnup": None if self.burnup is None else self.burnup.to_dict(),
        }


def _day_of(moment: np.datetime64, calendar: WorkCalendar | None) -> date:
    cal = calendar or WorkCalendar.every_day()
    day = cal.local_days(np.array([moment], dtype="datetime64[us]"))[0]
    value = day.astype("datetime64[D]").astype(object)
    assert isinstance(value, date)
    return value


def throughput_sample(
    series: Throughput, window: Window, calendar: WorkCalendar | None = None
) -> ThroughputSample | None:
    """The daily throughput forecasts resample: ``series`` within ``window``.

    With a calendar that has non-working days, only working days are kept (forecasts then
    count working days). None when the window holds no day of the history.

    >>> from agilemarketing.metrics import throughput
    >>> sample = throughput_sample(throughput(FlowLog.example()), Window.last(weeks=2))
    >>> sample.days, sample.total   # the example's 8 days, 2 items finished
    (8, 2)
    """
    days = series.window(window)
    if len(days.days) == 0:
        return None
    sample = days.sample()
    if calendar is not None and calendar.weekmask != "1111111":
        sample = sample.on_workdays(calendar)
    return sample


def open_campaigns(
    table: HistoryTable, log: FlowLog, prefix: str = "campaign:"
) -> list[tuple[str, int]]:
    """Open items per campaign, campaigns in the backlog rank order of their best open item.

    A campaign is a label starting with ``prefix`` (``campaign:spring-launch``); its name is
    the rest of the label. Open means neither done nor abandoned. Items without a rank come
    after ranked ones, oldest first. The result feeds
    :func:`~agilemarketing.forecast.ranked_completion`.

    >>> from agilemarketing.simulate import simulate_board
    >>> board = simulate_board(items=300, seed=4)
    >>> log = FlowLog.build(board.table, board.workflow)
    >>> open_campaigns(board.table, log)[0]   # the scope-added campaign jumps the queue
    ('competitor-response', 6)
    """
    if not prefix or len(table) != len(log) or not np.array_equal(table.keys, log.keys):
        return []
    open_items = ~log.is_done & ~log.abandoned
    codes = [k for k, name in enumerate(table.label_names) if name.startswith(prefix)]
    if not codes:
        return []
    ranks = np.array(["\U0010ffff" if r is None else r for r in table.ranks], dtype=np.str_)
    position = np.empty(len(table), dtype=np.int64)
    position[np.lexsort((table.created.astype(np.int64), ranks))] = np.arange(len(table))
    member = np.isin(table.label_code, codes) & open_items[table.label_item]
    item, code = table.label_item[member], table.label_code[member]
    counts = np.bincount(code, minlength=len(table.label_names))
    best = np.full(len(table.label_names), np.iinfo(np.int64).max)
    np.minimum.at(best, code, position[item])
    chosen = [c for c in codes if counts[c] > 0]
    chosen.sort(key=lambda c: int(best[c]))
    return [(table.label_names[c][len(prefix) :], int(counts[c])) for c in chosen]


def build_forecasts(
    table: HistoryTable, log: FlowLog, metrics: FlowMetrics, settings: ReportSettings
) -> ReportForecasts:
    """Every forecast the settings ask for, from the throughput of ``settings.window``.

    A window without finished work gives no forecast: ``problem`` says why.
    """
    calendar = settings.calendar
    sample = throughput_sample(metrics.throughput, settings.window, calendar)
    if sample is None:
        return ReportForecasts(None, problem="the history has no days to resample")
    start = _day_of(log.as_of, calendar) + timedelta(days=1)
    common: dict[str, Any] = {
        "start": start,
        "trials": settings.trials,
        "seed": settings.seed,
        "calendar": calendar,
    }
    open_items = int((~log.is_done & ~log.abandoned).sum())
    in_progress = int(log.in_progress.sum())
    items = settings.items or max(in_progress, 1)
    try:
        when = when_done(items, sample, **common)
        how_many = how_many_by(start + timedelta(days=settings.horizon_days - 1), sample, **common)
        campaigns = open_campaigns(table, log, settings.campaign_prefix)
        ranked = ranked_completion(campaigns, sample, **common) if campaigns else None
        clearance = (
            backlog_clearance(open_items, sample, scope_growth=True, **common)
            if open_items
            else None
        )
        b = metrics.burnup
        scope_left = int(b.scope[-1] - b.done[-1]) if len(b.days) else 0
        burnup = when_done(scope_left, sample, **common) if scope_left > 0 else None
    except NoThroughputError as exc:
        return ReportForecasts(sample, problem=str(exc))
    return ReportForecasts(sample, when, how_many, ranked, clearance, burnup=burnup)
