"""Throughput (per day, per week, windows, groups, the forecast sample) and net flow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from agilemarketing import metrics as m
from agilemarketing.errors import InvalidValue
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow


def test_throughput_counts_items_finished_per_day_without_abandoned_ones(log: FlowLog) -> None:
    tp = m.throughput(log)
    assert str(tp.days[0]) == "2026-01-05"
    assert str(tp.days[-1]) == "2026-01-11"
    assert tp.counts.tolist() == [0, 0, 1, 0, 1, 0, 0]
    assert tp.arrivals.tolist() == [4, 0, 0, 0, 0, 0, 0]
    assert tp.total == 2


def test_throughput_moves_weekend_completions_to_the_next_working_day(
    item: Callable[..., ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    h = item("S", (at(1), "Doing"), (at(5), "Done"))  # done on Saturday
    log = FlowLog.build([h], wf, as_of=at(8))
    assert m.throughput(log).counts.tolist()[5] == 1
    tp = m.throughput(log, calendar=WorkCalendar())
    assert tp.counts.tolist()[5:8] == [0, 0, 1]
    assert tp.sample().on_workdays(WorkCalendar()).total == 1


def test_throughput_window_and_sample_for_forecasts(log: FlowLog) -> None:
    tp = m.throughput(log, window=m.Window.last(days=3))
    assert tp.counts.tolist() == [1, 0, 0]
    between = m.throughput(log, window=m.Window.between("2026-01-06", "2026-01-09"))
    assert between.counts.tolist() == [0, 1, 0, 1]
    sample = between.sample()
    assert sample.total == 2
    assert sample.last_day == date(2026, 1, 9)


def test_throughput_by_type_and_label_adds_up(log: FlowLog) -> None:
    tp = m.throughput(log, by="type")
    assert sorted(tp.groups) == ["Blog", "Email"]
    assert sum(v.sum() for v in tp.groups.values()) == tp.total
    assert m.throughput(log, by="label").groups["webinar"].sum() == 1


def test_weekly_throughput_starts_weeks_on_monday(log: FlowLog) -> None:
    weeks, counts = m.throughput(log).weekly()
    assert [str(w) for w in weeks] == ["2026-01-05"]
    assert counts.tolist() == [2]


def test_unknown_grouping_is_an_invalid_value(log: FlowLog) -> None:
    with pytest.raises(InvalidValue, match="unknown grouping"):
        m.throughput(log, by="colour")


def test_net_flow_compares_items_started_with_items_finished(log: FlowLog) -> None:
    nf = m.net_flow(log)
    assert nf.arrivals.tolist() == [0, 3, 0, 1, 0, 0, 0]
    assert nf.departures.tolist() == [0, 0, 1, 0, 1, 0, 0]
    assert nf.net.sum() == 2
