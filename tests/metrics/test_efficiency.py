"""Flow efficiency and blocked time."""

from __future__ import annotations

import pytest

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog


def test_flow_efficiency_is_active_time_over_cycle_time(log: FlowLog) -> None:
    fe = m.flow_efficiency(log)
    assert fe.keys.tolist() == ["A", "B"]
    assert fe.per_item.tolist() == [pytest.approx(1 / 3), 1.0]
    assert fe.overall == pytest.approx(2 / 4)


def test_blocked_time_merges_overlaps_and_clips_to_the_cycle(log: FlowLog) -> None:
    bt = m.blocked_time(log)
    blocked = dict(zip(bt.keys.tolist(), bt.blocked_days.tolist(), strict=True))
    assert blocked["A"] == pytest.approx(1 / 24 + 0.5)
    assert blocked["B"] == 0
    assert bt.share[0] == pytest.approx((1 / 24 + 0.5) / 3)
