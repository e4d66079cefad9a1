"""Cycle and lead time: elapsed, calendar and working days, time zones, percentiles by group."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow


def test_cycle_time_in_elapsed_calendar_and_lead_days(log: FlowLog) -> None:
    ct = m.cycle_times(log)
    assert ct.keys.tolist() == ["A", "B"]
    assert ct.days.tolist() == [3.0, 1.0]
    assert ct.calendar_days.tolist() == [4, 2]
    assert ct.lead_days.tolist() == [4.0, pytest.approx(2.125)]
    assert ct.types.tolist() == ["Email", "Blog"]


def test_cycle_time_in_working_days_skips_the_weekend(
    item: Callable[..., ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    h = item("F", (at(4, 12), "Doing"), (at(7, 12), "Done"))  # Friday noon to Monday noon
    ct = m.cycle_times(FlowLog.build([h], wf), calendar=WorkCalendar())
    assert ct.work_days.tolist() == [1.0]
    assert ct.calendar_days.tolist() == [4]


def test_cycle_time_days_follow_the_team_time_zone(
    item: Callable[..., ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    # 23:30 UTC on Monday is already Tuesday in Berlin
    h = item("Z", (at(0, 8), "Doing"), (at(0, 23.5), "Done"))
    utc = m.cycle_times(FlowLog.build([h], wf))
    berlin = m.cycle_times(FlowLog.build([h], wf), calendar=WorkCalendar(timezone="Europe/Berlin"))
    assert utc.calendar_days.tolist() == [1]
    assert berlin.calendar_days.tolist() == [2]


def test_cycle_time_percentiles_per_type_and_label(log: FlowLog) -> None:
    ct = m.cycle_times(log)
    assert ct.percentiles() == {50: 2.0, 70: 4.0, 85: 4.0, 95: 4.0}
    assert ct.by("type") == {
        "Blog": {50: 2.0, 70: 2.0, 85: 2.0, 95: 2.0},
        "Email": {50: 4.0, 70: 4.0, 85: 4.0, 95: 4.0},
    }
    assert list(ct.by("label")) == ["webinar"]
