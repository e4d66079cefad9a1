"""The report page: every section, self-contained, text from the data escaped."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import resources
from pathlib import Path

import attrs
import numpy as np

from agilemarketing.history import ItemHistory, Transition
from agilemarketing.historyio import CycleWindow
from agilemarketing.report import SECTIONS, FlowReport, ReportSettings
from agilemarketing.simulate import simulate_board
from agilemarketing.workflow import Workflow


def test_the_page_has_every_section_and_embeds_every_chart(written: Path) -> None:
    page = (written / "report.html").read_text(encoding="utf-8")
    for anchor, title in SECTIONS:
        assert f'<section id="{anchor}"><h2>' in page, anchor
        assert f'href="#{anchor}"' in page
        assert title.split(",")[0].replace("'", "&#x27;") in page
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == len(list((written / "charts").glob("*.png")))


def test_the_page_needs_nothing_from_the_network(written: Path) -> None:
    page = (written / "report.html").read_text(encoding="utf-8")
    assert "://" not in page
    for attribute in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert attribute.startswith(("data:", "#")), attribute
    assert "<link" not in page
    assert "@import" not in page


def test_text_from_the_data_is_escaped(tmp_path: Path) -> None:
    items = [
        ItemHistory(
            "MKT-<1>",
            summary="<script>alert(1)</script>",
            status="Done",
            created="2026-03-02T09:00Z",
            transitions=[
                Transition("2026-03-02T09:00Z", None, "To Do"),
                Transition("2026-03-03T09:00Z", "To Do", "Doing"),
                Transition("2026-03-05T09:00Z", "Doing", "Done"),
            ],
        )
    ]
    report = FlowReport.build(
        items,
        Workflow.from_shorthand("To Do,Doing,Done"),
        settings=ReportSettings(title="<b>Q1</b>", trials=500),
    )
    page = report.to_html()
    assert "<b>Q1</b>" not in page
    assert "&lt;b&gt;Q1&lt;/b&gt;" in page
    assert "MKT-<1>" not in page


def test_the_stylesheet_is_a_package_file_inlined_in_the_page(written: Path) -> None:
    css = resources.files("agilemarketing.report").joinpath("report.css").read_text("utf-8")
    assert css.startswith(":root {")
    page = (written / "report.html").read_text(encoding="utf-8")
    assert f"<style>\n{css}</style>" in page


def test_the_cycle_still_running_is_shown_apart_and_not_in_the_average_predictability(
    board_report: FlowReport,
) -> None:
    cycles = board_report.metrics.cycles
    running = [cycles.names[k] for k in np.flatnonzero(cycles.running)]
    assert running == ["Cycle 27"]  # the simulated board ends mid-cycle
    ended = cycles.predictability[cycles.ended]
    mean = float(np.nanmean(ended))
    page = board_report.to_html()
    assert f"Average predictability of the {int(cycles.ended.sum())} ended cycles: " in page
    assert f"<strong>{mean:.0%}</strong>" in page
    assert "Cycle 27 is still running (ends 2026-11-30)" in page
    assert "Cycle 27 (running)" in page


def test_cycles_planned_ahead_are_counted_but_neither_charted_nor_listed() -> None:
    """A board's future sprints (a Jira board plans several ahead) start after the moment the
    report describes: one line says so, the table of the last cycles leaves them out."""
    board = simulate_board(items=90, seed=8)
    last = board.table.cycles[-1]
    ahead = [
        CycleWindow(
            f"Future {k}",
            last.end + timedelta(days=14 * k),
            last.end + timedelta(days=14 * (k + 1)),
        )
        for k in (1, 2)
    ]
    table = attrs.evolve(board.table, cycles=(*board.table.cycles, *ahead))
    page = FlowReport.build(table, board.workflow, settings=ReportSettings(trials=500)).to_html()
    first = (last.end + timedelta(days=14)).date().isoformat()
    assert f"2 cycles are planned ahead (the first, Future 1, starts {first})" in page
    assert "<td>Future 1</td>" not in page
    assert "Future 2" not in page
