"""XmR process behaviour charts of a series, of throughput and of cycle time."""

from __future__ import annotations

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog


def test_xmr_finds_points_outside_the_limits_and_long_runs() -> None:
    chart = m.xmr([5, 6, 5, 7, 6, 5, 6, 30])
    assert chart.outside.tolist() == [False] * 7 + [True]
    runs = m.xmr([10, 0] * 4 + [6] * 8)  # mean 5.5: alternating, then 8 above
    assert runs.runs[8:].all()
    assert not runs.runs[:8].any()
    assert m.xmr([3.0]).to_dict()["points"] == 1


def test_process_behaviour_of_throughput_and_cycle_time(log: FlowLog) -> None:
    tp, ct = m.process_behaviour(log)
    assert tp.values.tolist() == [2.0]
    assert ct.values.tolist() == [2.0, 4.0]  # in order of finishing
