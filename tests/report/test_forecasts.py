"""The report's forecasts: campaigns in rank order, no forecast without finished work, calendars."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from agilemarketing.history import ItemHistory
from agilemarketing.report import FlowReport, ReportSettings
from agilemarketing.simulate import simulate_board
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow


def test_campaigns_are_forecast_in_backlog_rank_order(
    done_item: Callable[..., ItemHistory], open_item: Callable[[str, str, str], ItemHistory]
) -> None:
    items = [done_item(f"D-{d}", d) for d in range(3, 40, 2)]
    items += [
        open_item("A-1", "campaign:autumn", "0|5"),
        open_item("A-2", "campaign:autumn", "0|6"),
        open_item("S-1", "campaign:spring", "0|1"),
        open_item("S-2", "campaign:spring", "0|9"),
        open_item("S-3", "campaign:spring", "0|8"),
        open_item("X-1", "channel:email", "0|0"),
    ]
    report = FlowReport.build(
        items, Workflow.from_shorthand("To Do,Doing,Done"), settings=ReportSettings(trials=500)
    )
    ranked = report.forecasts.ranked
    assert ranked is not None
    assert [(e.name, e.remaining, e.cumulative) for e in ranked.entries] == [
        ("spring", 3, 3),
        ("autumn", 2, 5),
    ]
    assert report.forecasts.clearance is not None
    assert report.forecasts.clearance.backlog == 6


def test_a_board_without_finished_work_still_reports_and_says_why_there_is_no_forecast(
    tmp_path: Path, open_item: Callable[[str, str, str], ItemHistory]
) -> None:
    items = [open_item(f"O-{k}", "campaign:x", f"0|{k}") for k in range(5)]
    report = FlowReport.build(
        items, Workflow.from_shorthand("To Do,Doing,Done"), settings=ReportSettings(trials=500)
    )
    assert report.forecasts.problem is not None
    assert "no item finished in the window" in report.forecasts.problem
    files = report.write(tmp_path / "out")
    page = files.html.read_text(encoding="utf-8")
    assert "No forecast: " in page
    doc = json.loads(files.metrics.read_text(encoding="utf-8"))
    assert doc["forecasts"]["when"] is None


def test_a_working_day_calendar_shapes_the_forecasts(board_report: FlowReport) -> None:
    board = simulate_board(items=90, seed=8)
    report = FlowReport.build(
        board.table,
        board.workflow,
        settings=ReportSettings(trials=1_000, calendar=WorkCalendar()),
    )
    when = report.forecasts.when
    assert when is not None
    days = np.array([p.date for p in when.percentiles if p.date], dtype="datetime64[D]")
    assert np.is_busday(days).all()
    assert report.summary()["throughput_per_week"] is not None
