"""Ageing WIP: the age of each item in progress against past cycle times."""

from __future__ import annotations

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog


def test_ageing_wip_compares_ages_with_past_cycle_times(log: FlowLog) -> None:
    age = m.ageing_wip(log)
    assert age.keys.tolist() == ["C"]
    assert age.stages.tolist() == ["Doing"]
    assert age.age_days.tolist() == [4]  # Jan 8 to Jan 11 inclusive
    assert age.beyond.tolist() == [50]  # older than the median (2), not than the 70th (4)
