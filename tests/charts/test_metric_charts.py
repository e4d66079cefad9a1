"""Charts: every metric result draws a titled, labelled chart on the Agg backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import matplotlib
import pytest

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.workflow import Workflow

matplotlib.use("Agg")
import matplotlib.pyplot as plt

WF = Workflow.from_shorthand("To Do,Doing,Review,Done", start="Doing", wip={"Doing": 2})
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _history(i: int) -> ItemHistory:
    start = T0 + timedelta(days=i % 9, hours=i)
    moves = [Transition(start, "To Do", "Doing")]
    if i % 4:
        moves.append(Transition(start + timedelta(days=1 + i % 5), "Doing", "Done"))
    return ItemHistory(
        f"K-{i}",
        type="Email" if i % 2 else "Blog",
        status=moves[-1].to_status,
        created=T0,
        points=float(i % 5),
        sprints=[f"S{i % 3}"],
        transitions=moves,
        blocked=[BlockedPeriod(start, start + timedelta(hours=5))] if i % 3 == 0 else [],
    )


METRICS = m.FlowMetrics.compute(FlowLog.build([_history(i) for i in range(30)], WF))
RESULTS: list[Any] = [
    METRICS.cycle_times,
    METRICS.throughput,
    METRICS.net_flow,
    METRICS.wip,
    METRICS.cfd,
    METRICS.ageing,
    METRICS.burnup,
    METRICS.cycles,
    METRICS.flow_efficiency,
    METRICS.blocked,
    METRICS.wip_breaches,
    METRICS.sle,
    METRICS.xmr_throughput,
    METRICS.xmr_cycle_time,
]


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: type(r).__name__)
def test_every_result_plots_a_titled_chart_with_labelled_axes(result: Any) -> None:
    ax = result.plot()
    try:
        assert ax.get_title()
        assert ax.get_xlabel()
        assert ax.get_ylabel()
    finally:
        plt.close(ax.figure)


def test_a_chart_draws_on_the_axes_it_is_given() -> None:
    fig, ax = plt.subplots()
    try:
        assert METRICS.cycle_times.plot(ax) is ax
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert any(text.startswith("85th percentile") for text in labels)
    finally:
        plt.close(fig)


def test_a_chart_saves_as_svg(tmp_path: Any) -> None:
    ax = METRICS.cfd.plot()
    try:
        ax.figure.savefig(tmp_path / "cfd.svg")
    finally:
        plt.close(ax.figure)
    assert (tmp_path / "cfd.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.fixture(scope="module")
def big() -> m.FlowMetrics:
    from agilemarketing.simulate import stress_board

    board = stress_board(items=6_000, seed=3)
    return m.FlowMetrics.compute(FlowLog.build(board.table, board.workflow))


def test_the_sle_chart_shows_the_oldest_items_and_counts_them_all(big: m.FlowMetrics) -> None:
    ax = big.sle.plot()
    try:
        shown = len(ax.patches)  # one bar per item shown
        assert shown == 40
        assert f"(oldest 40 of {len(big.sle.keys):,})" in ax.get_title()
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        counts = [int(text.split(": ")[1].replace(",", "")) for text in legend[1:]]
        assert sum(counts) == len(big.sle.keys)
    finally:
        plt.close(ax.figure)


def test_the_ageing_chart_keeps_board_order_and_counts_each_stage(big: m.FlowMetrics) -> None:
    ax = big.ageing.plot()
    try:
        ticks = [t.get_text().split("\n") for t in ax.get_xticklabels()]
        assert [name for name, _ in ticks] == ["In Progress", "Review", "Approval"]
        counts = [int(n.strip("()").replace(",", "")) for _, n in ticks]
        assert sum(counts) == len(big.ageing.keys)
        assert ax.collections[0].get_sizes()[0] < 16  # smaller dots when there are thousands
    finally:
        plt.close(ax.figure)


def test_many_cycles_label_only_some_ticks(big: m.FlowMetrics) -> None:
    ax = big.cycles.plot()
    try:
        labels = [t.get_text() for t in ax.get_xticklabels()]
        started = int((~big.cycles.planned).sum())  # cycles planned ahead are not drawn
        assert len(big.cycles.names) == 60
        assert len(labels) == started >= 50
        assert 15 <= sum(1 for text in labels if text) <= 30
        assert labels[0] == big.cycles.names[0]
    finally:
        plt.close(ax.figure)


SMALL = m.FlowMetrics.compute(FlowLog.build([_history(i) for i in (1, 2, 3)], WF))


@pytest.mark.parametrize("name", [type(r).__name__ for r in RESULTS])
def test_an_axis_that_counts_items_has_whole_number_ticks(name: str) -> None:
    """A count of items is never 2.5, even on a board of three items: axes counting items
    tick at whole numbers only."""
    result = next(
        r
        for r in (getattr(SMALL, f.name) for f in attrs.fields(type(SMALL)))
        if type(r).__name__ == name
    )
    fig, ax = plt.subplots()
    result.plot(ax=ax)
    fig.canvas.draw()
    for axes in fig.axes:
        if axes.get_ylabel().startswith("item"):
            ticks = axes.get_yticks()
            assert all(float(t).is_integer() for t in ticks), (axes.get_ylabel(), ticks)
    plt.close(fig)
