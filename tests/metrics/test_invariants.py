"""Invariants over random histories: throughput sums to the items done, cycle times are never
negative, WIP equals a naive count (the CFD's: test_cfd_board.py)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from naive_board import end_of_day, status_at

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.workdays import WorkCalendar

Case = tuple[list[ItemHistory], FlowLog]


@given(data=st.data())
def test_throughput_sums_to_the_items_done(
    random_logs: st.SearchStrategy[Case], data: st.DataObject
) -> None:
    _, log = data.draw(random_logs)
    assert m.throughput(log).total == int(log.is_done.sum())
    assert m.throughput(log, calendar=WorkCalendar()).total == int(log.is_done.sum())


@given(data=st.data())
def test_cycle_times_are_never_negative(
    random_logs: st.SearchStrategy[Case], data: st.DataObject
) -> None:
    _, log = data.draw(random_logs)
    ct = m.cycle_times(log, calendar=WorkCalendar())
    assert (ct.days >= 0).all()
    assert (ct.calendar_days >= 1).all()
    assert (ct.work_days >= 0).all()
    assert (ct.lead_days >= ct.days).all()


@given(data=st.data())
def test_wip_per_day_equals_a_naive_count(
    random_logs: st.SearchStrategy[Case], data: st.DataObject
) -> None:
    items, log = data.draw(random_logs)
    w = m.wip(log)
    for k, day in enumerate(w.days.tolist()):
        end = end_of_day(day, log.as_of_datetime())
        naive = sum(status_at(h, end) in {"Doing", "Review"} for h in items)
        assert w.total[k] == naive, day


@given(data=st.data())
def test_every_metric_runs_on_any_history(
    random_logs: st.SearchStrategy[Case], data: st.DataObject
) -> None:
    _, log = data.draw(random_logs)
    json.dumps(m.FlowMetrics.compute(log, calendar=WorkCalendar()).to_dict())
