"""XmR process behaviour charts of a series, of throughput and of cycle time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.workflow import Workflow


def test_xmr_finds_points_outside_the_limits_and_long_runs() -> None:
    chart = m.xmr([5, 6, 5, 7, 6, 5, 6, 30])
    assert chart.outside.tolist() == [False] * 7 + [True]
    runs = m.xmr([10, 0] * 4 + [6] * 8)  # mean 5.5: alternating, then 8 above
    assert runs.runs.tolist() == [False] * 15 + [True]  # signalled at the 8th point of the run
    assert m.xmr([3.0]).to_dict()["points"] == 1


def test_process_behaviour_of_throughput_and_cycle_time(log: FlowLog) -> None:
    tp, ct = m.process_behaviour(log)
    assert tp.values.tolist() == [2.0]  # days 0-6: one complete week
    assert ct.values.tolist() == [2.0, 4.0]  # in order of finishing


def test_the_limits_come_from_the_baseline_points_only() -> None:
    stable = [5.0, 6, 5, 7, 6, 5, 6, 5, 6, 7]
    alone = m.xmr(stable, baseline=10)
    shifted = m.xmr(stable + [20.0] * 10, baseline=10)
    assert (shifted.mean, shifted.lower, shifted.upper) == (alone.mean, alone.lower, alone.upper)
    assert shifted.baseline == 10
    assert shifted.outside[10:].all()


def test_by_default_the_baseline_is_the_first_20_points() -> None:
    values = [5.0, 6] * 10 + [50.0] * 5
    assert m.xmr(values).baseline == m.BASELINE_POINTS == 20
    assert m.xmr(values).mean == 5.5
    assert m.xmr(values[:7]).baseline == 7  # fewer points: all of them


def test_three_of_four_points_beyond_one_and_a_half_sigma_signal() -> None:
    base = [10.0, 12] * 10  # mean 11, moving range 2, sigma 1.77: 1.5 sigma is 2.66
    chart = m.xmr([*base, 14.0, 11, 14, 14, 11], baseline=20)
    assert not chart.outside.any()
    assert not chart.runs.any()
    assert chart.zone.tolist()[20:] == [False, False, False, True, False]
    assert chart.signals[23]


def test_a_stable_process_rarely_signals() -> None:
    """200 weeks of a stationary Poisson throughput (mean 10): under 5% of points flagged."""
    weeks = np.random.default_rng(14).poisson(10, 200)
    chart = m.xmr(weeks)
    assert chart.signals.mean() < 0.05


def test_stationary_poisson_series_are_mostly_routine_variation() -> None:
    """Over 100 seeded series of 200 weeks (means 2 to 40), the typical one flags under 5% of
    its points and 95 in 100 flag under 15% (limits from 20 points vary with the sample)."""
    rng = np.random.default_rng(2026)
    shares = [m.xmr(rng.poisson(rng.uniform(2, 40), 200)).signals.mean() for _ in range(100)]
    assert np.median(shares) < 0.05
    assert np.quantile(shares, 0.95) < 0.15


def test_a_planted_shift_is_detected_soon_after_it_happens() -> None:
    rng = np.random.default_rng(7)
    weeks = np.concatenate([rng.poisson(10, 30), rng.poisson(18, 20)])
    chart = m.xmr(weeks)
    assert chart.signals[30:38].any()  # within 8 weeks of the shift
    assert chart.signals[30:].mean() > 0.5
    assert chart.signals[:30].mean() < 0.1


@given(
    st.lists(st.floats(0, 100), min_size=2, max_size=30),
    st.lists(st.floats(0, 100), max_size=30),
)
@settings(max_examples=60, deadline=None)
def test_points_after_the_baseline_never_move_the_limits(
    base: list[float], later: list[float]
) -> None:
    alone = m.xmr(base, baseline=len(base))
    chart = m.xmr(base + later, baseline=len(base))
    assert (chart.mean, chart.lower, chart.upper) == (alone.mean, alone.lower, alone.upper)
    assert chart.signals[: len(base)].tolist() == alone.signals.tolist()


def _done_on(key: str, day: datetime) -> ItemHistory:
    return ItemHistory(
        key,
        status="Done",
        created=day - timedelta(days=2),
        transitions=[
            Transition(day - timedelta(days=2), None, "To Do"),
            Transition(day - timedelta(days=1), "To Do", "Doing"),
            Transition(day, "Doing", "Done"),
        ],
    )


def test_weekly_xmr_leaves_out_the_weeks_before_the_first_completion_and_the_partial_last(
    wf: Workflow,
) -> None:
    monday = datetime(2026, 1, 5, tzinfo=UTC)
    starter = ItemHistory(
        "S", status="To Do", created=monday, transitions=[Transition(monday, None, "To Do")]
    )
    items = [starter] + [
        _done_on(f"K-{w}-{i}", monday + timedelta(weeks=w, days=i % 5, hours=10))
        for w in range(3, 9)
        for i in range(3)
    ]
    as_of = monday + timedelta(weeks=8, days=2, hours=18)  # Wednesday of week 8
    weekly, cycle = m.process_behaviour(FlowLog.build(items, wf, as_of=as_of))
    first = np.datetime64("2026-01-26")  # week 3, the first completion
    assert weekly.x.tolist()[0] == first.astype(weekly.x.dtype).tolist()
    assert weekly.values.tolist() == [3.0] * 5  # weeks 3-7; not weeks 0-2 or the running week 8
    assert not weekly.signals.any()
    assert len(cycle.values) == 18  # every finished item, the running week's too
