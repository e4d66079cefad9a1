"""The views the report lacked: a cycle-time histogram, a burnup forecast cone, charts that say
"nothing to show", date ticks with their year, ageing columns from zero, the clearance gap."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import matplotlib
import numpy as np
import pytest

from agilemarketing import metrics as m
from agilemarketing.charts import plot_burnup, plot_cycle_time_histogram
from agilemarketing.flow import FlowLog
from agilemarketing.forecast import ThroughputSample, backlog_clearance, when_done
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.workflow import Workflow

matplotlib.use("Agg")
import matplotlib.pyplot as plt

WF = Workflow.from_shorthand("To Do,Doing,Review,Done", start="Doing")
T0 = datetime(2025, 11, 20, 9, tzinfo=UTC)


def _item(i: int, *, finished: bool = True, blocked: bool = False) -> ItemHistory:
    start = T0 + timedelta(days=3 * i)
    moves = [Transition(T0, None, "To Do"), Transition(start, "To Do", "Doing")]
    if finished:
        moves.append(Transition(start + timedelta(days=1 + i % 6), "Doing", "Done"))
    return ItemHistory(f"K-{i}", status=moves[-1].to_status, created=T0, transitions=moves)


@pytest.fixture(scope="module")
def metrics() -> m.FlowMetrics:
    """A board of 40 items over four months (from November 2025): 30 done, 10 in progress."""
    items = [_item(i, finished=i < 30) for i in range(40)]
    return m.FlowMetrics.compute(FlowLog.build(items, WF))


@pytest.fixture(scope="module")
def idle() -> m.FlowMetrics:
    """A board where nothing ever started: three items in To Do."""
    items = [
        ItemHistory(
            f"K-{i}", status="To Do", created=T0, transitions=[Transition(T0, None, "To Do")]
        )
        for i in range(3)
    ]
    return m.FlowMetrics.compute(FlowLog.build(items, WF))


@pytest.fixture(autouse=True)
def _close() -> Any:
    yield
    plt.close("all")


def test_the_cycle_time_histogram_has_a_bar_per_day_and_counts_every_finished_item(
    metrics: m.FlowMetrics,
) -> None:
    ct = metrics.cycle_times
    ax = plot_cycle_time_histogram(ct)
    heights = [bar.get_height() for bar in ax.patches]
    assert len(heights) == int(ct.calendar_days.max()) + 1
    assert sum(heights) == len(ct) == 30
    for day in range(len(heights)):
        assert heights[day] == int((ct.calendar_days == day).sum())
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [f"{p}th percentile: {v:g}" for p, v in ct.percentiles().items()]
    assert ax.get_xlabel() == "cycle time (calendar days)"
    assert ax.get_ylabel() == "items"


def test_the_burnup_cone_runs_from_today_to_the_scope_on_each_likely_date(
    metrics: m.FlowMetrics,
) -> None:
    b = metrics.burnup
    left = int(b.scope[-1] - b.done[-1])
    forecast = when_done(left, metrics.throughput.sample(), method="exact")
    ax = plot_burnup(b, forecast=forecast)
    cone = [line for line in ax.lines if "likely done by" in line.get_label()]
    assert [line.get_label() for line in cone] == [
        f"{p.confidence:.0%} likely done by {p.date}" for p in forecast.percentiles
    ]
    today = b.days[-1].astype("datetime64[D]").astype(object)
    for line, p in zip(cone, forecast.percentiles, strict=True):
        xs, ys = line.get_data()
        assert [x.date() for x in xs] == [today, p.date]
        assert list(ys) == [b.done[-1], b.scope[-1]]
    assert f"its {left} open items" in ax.get_title()


def test_the_burnup_without_a_forecast_draws_no_cone(metrics: m.FlowMetrics) -> None:
    ax = metrics.burnup.plot()
    assert [line.get_label() for line in ax.lines] == ["scope", "done"]


def _nothing(ax: Any) -> list[str]:
    assert not ax.axison
    assert not ax.patches
    assert not ax.lines
    assert not ax.collections
    return [t.get_text() for t in ax.texts]


def test_blocked_time_says_nothing_was_blocked_instead_of_an_empty_axis(
    metrics: m.FlowMetrics,
) -> None:
    assert not metrics.blocked.blocked_days.any()
    ax = metrics.blocked.plot()
    assert _nothing(ax) == ["Nothing was blocked."]
    assert ax.get_title() == "Blocked time per item"
    text = ax.texts[0]
    assert text.get_position() == (0.5, 0.5)
    assert (text.get_ha(), text.get_va()) == ("center", "center")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("cycle_times", "No item has finished yet: nothing to show."),
        ("throughput", "No item has finished yet: nothing to show."),
        ("wip", "Nothing was ever in progress."),
        ("ageing", "Nothing is in progress."),
        ("flow_efficiency", "No finished item to measure: nothing to show."),
        ("blocked", "Nothing was blocked."),
        ("sle", "Nothing is in progress."),
        ("xmr_cycle_time", "No values yet: nothing to show."),
        ("wip_breaches", "No stage has a WIP limit."),
    ],
)
def test_a_chart_with_nothing_to_show_says_so(idle: m.FlowMetrics, name: str, message: str) -> None:
    ax = getattr(idle, name).plot()
    assert _nothing(ax) == [message]
    assert ax.get_title()


def test_the_cycle_time_histogram_of_no_finished_item_says_so(idle: m.FlowMetrics) -> None:
    ax = plot_cycle_time_histogram(idle.cycle_times)
    assert _nothing(ax) == ["No item has finished yet: nothing to show."]


@pytest.mark.parametrize("name", ["burnup", "cycle_times", "throughput", "wip", "net_flow", "cfd"])
def test_the_first_date_tick_shows_its_year(metrics: m.FlowMetrics, name: str) -> None:
    ax = getattr(metrics, name).plot()
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    first = ax.xaxis.get_major_locator()()[0]
    year = matplotlib.dates.num2date(first).year
    assert str(year) in labels[0], labels


def test_a_short_span_of_days_names_the_first_day_in_full() -> None:
    items = [_item(0), _item(1)]
    ax = m.burnup(FlowLog.build(items, WF)).plot()
    ax.figure.canvas.draw()
    first = next(t.get_text() for t in ax.get_xticklabels() if t.get_text())
    assert first.endswith("Nov 2025"), first


def test_ageing_starts_at_zero_with_a_column_per_stage_in_workflow_order(
    metrics: m.FlowMetrics,
) -> None:
    ageing = metrics.ageing
    ax = ageing.plot()
    assert ax.get_ylim()[0] == 0
    stages = list(ageing.board)
    assert stages == ["Doing", "Review"]  # the in-progress stages, in workflow order
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == stages
    assert ax.get_xlim() == (-0.5, len(stages) - 0.5)
    columns = [p for p in ax.patches if p.get_width() == 1.0]  # one shaded span per stage
    assert sorted(p.get_x() for p in columns) == [k - 0.5 for k in range(len(stages))]
    xs = ax.collections[0].get_offsets()[:, 0]
    assert (np.abs(xs - np.rint(xs)) <= 0.3).all()  # every dot inside its stage's column


SWAMPED = ThroughputSample([1, 0, 1, 0, 1, 0, 1], date(2026, 3, 1), arrivals=[2, 1, 2, 1, 2, 1, 2])


def test_a_backlog_that_never_clears_draws_the_arrivals_throughput_gap() -> None:
    result = backlog_clearance(30, SWAMPED, scope_growth=True, seed=1, trials=500)
    assert result.never_clears
    ax = result.plot()
    arriving, finishing = ax.lines
    assert arriving.get_label() == "open backlog + requests arriving (11.0 a week)"
    assert finishing.get_label() == "items finished (4.0 a week)"
    assert arriving.get_ydata()[0] == 30
    assert finishing.get_ydata()[0] == 0
    gap = np.asarray(arriving.get_ydata()) - np.asarray(finishing.get_ydata())
    assert (np.diff(gap) > 0).all()  # the gap grows: no flat line at zero
    assert "never clears" in ax.get_title()
    assert any("still open after 26 weeks" in t.get_text() for t in ax.texts)


def test_a_backlog_that_clears_keeps_its_probability_curve() -> None:
    busy = ThroughputSample([3, 2, 4, 3], date(2026, 3, 1), arrivals=[1, 0, 1, 1])
    ax = backlog_clearance(20, busy, scope_growth=True, seed=1, trials=500).plot()
    assert ax.get_ylabel() == "probability cleared"
    assert ax.lines[0].get_ydata()[-1] == pytest.approx(1.0)
