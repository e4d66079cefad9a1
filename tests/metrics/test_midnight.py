"""A day is [00:00, 24:00) in the team's time zone, the same for every daily metric: an event at
exactly 00:00 counts on its own day in WIP, the CFD, burnup and throughput (issue 14, point 1)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.metrics import burnup, cumulative_flow, throughput, wip
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow

WF = Workflow.from_shorthand("To Do,Doing,Done", start="Doing")


def _log(doing: str, done: str, *, as_of: str = "2026-01-10T12:00Z") -> FlowLog:
    item = ItemHistory(
        "A",
        type="Task",
        status="Done",
        created="2026-01-05T00:00Z",
        transitions=[Transition(doing, "To Do", "Doing"), Transition(done, "Doing", "Done")],
    )
    return FlowLog.build([item], WF, as_of=as_of)


def _day(days: np.ndarray, series: np.ndarray, day: str) -> int:
    return int(series[list(days.astype(str)).index(day)])


def test_an_event_at_midnight_counts_on_its_own_day_in_every_metric() -> None:
    log = _log("2026-01-06T00:00Z", "2026-01-08T00:00Z")
    w, cfd, b, tp = wip(log), cumulative_flow(log), burnup(log), throughput(log)
    # Doing from Jan 6 00:00 to Jan 8 00:00: in progress at the end of Jan 6 and 7, not Jan 5
    assert _day(w.days, w.total, "2026-01-05") == 0
    assert _day(w.days, w.total, "2026-01-06") == 1
    assert _day(w.days, w.total, "2026-01-07") == 1
    assert _day(w.days, w.total, "2026-01-08") == 0
    done = cfd.stages.index("Done")
    assert _day(cfd.days, cfd.cumulative[:, done], "2026-01-07") == 0
    assert _day(cfd.days, cfd.cumulative[:, done], "2026-01-08") == 1
    assert _day(b.days, b.done, "2026-01-07") == 0
    assert _day(b.days, b.done, "2026-01-08") == 1
    assert _day(tp.days, tp.counts, "2026-01-08") == 1


def test_a_date_only_source_lands_on_the_dates_it_says() -> None:
    # a CSV of dates: the adapters read each date as that day's 00:00 UTC
    log = _log("2026-01-06T00:00Z", "2026-01-07T00:00Z")
    w, b, tp = wip(log), burnup(log), throughput(log)
    assert _day(w.days, w.total, "2026-01-06") == 1
    assert _day(w.days, w.total, "2026-01-07") == 0
    assert _day(b.days, b.done, "2026-01-06") == 0
    assert _day(b.days, b.done, "2026-01-07") == 1
    assert _day(tp.days, tp.counts, "2026-01-07") == 1


def test_local_midnight_counts_on_its_own_local_day() -> None:
    # 23:00 UTC on Jan 5 is 00:00 on Jan 6 in Berlin
    log = _log("2026-01-05T23:00Z", "2026-01-07T23:00Z")
    cal = WorkCalendar.every_day("Europe/Berlin")
    w, b, tp = wip(log, calendar=cal), burnup(log, calendar=cal), throughput(log, calendar=cal)
    assert _day(w.days, w.total, "2026-01-05") == 0
    assert _day(w.days, w.total, "2026-01-07") == 1
    assert _day(w.days, w.total, "2026-01-08") == 0
    assert _day(b.days, b.done, "2026-01-07") == 0
    assert _day(b.days, b.done, "2026-01-08") == 1
    assert _day(tp.days, tp.counts, "2026-01-08") == 1


def test_the_last_day_is_observed_at_as_of_inclusive() -> None:
    log = _log("2026-01-06T09:00Z", "2026-01-10T12:00Z", as_of="2026-01-10T12:00Z")
    assert burnup(log).done.tolist()[-1] == 1
    assert wip(log).total.tolist()[-1] == 0
    assert datetime(2026, 1, 10, 12, tzinfo=UTC) == log.as_of_datetime()
