"""Invariants over random histories: throughput sums to the items done, cycle times are never
negative, WIP equals a naive count (the CFD's: test_cfd_board.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

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


def _stage_at(h: ItemHistory, moment: datetime) -> str | None:
    """The item's status at a moment, replaying its transitions one by one."""
    status = None
    if h.created is not None and h.created <= moment:
        status = h.transitions[0].from_status if h.transitions else h.status
    for t in h.transitions:
        if t.at <= moment:
            status = t.to_status
    return status


@given(data=st.data())
def test_wip_per_day_equals_a_naive_count(
    random_logs: st.SearchStrategy[Case], data: st.DataObject
) -> None:
    items, log = data.draw(random_logs)
    w = m.wip(log)
    for k, day in enumerate(w.days.tolist()):
        end = min(
            # the day's last moment: a move at the next 00:00 belongs to the next day
            datetime.combine(day, datetime.min.time(), UTC)
            + timedelta(days=1)
            - timedelta(microseconds=1),
            log.as_of_datetime(),
        )
        naive = sum(_stage_at(h, end) in {"Doing", "Review"} for h in items)
        assert w.total[k] == naive, day


@given(data=st.data())
def test_every_metric_runs_on_any_history(
    random_logs: st.SearchStrategy[Case], data: st.DataObject
) -> None:
    _, log = data.draw(random_logs)
    json.dumps(m.FlowMetrics.compute(log, calendar=WorkCalendar()).to_dict())
