"""The service level expectation and each item in progress's risk."""

from __future__ import annotations

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog


def test_service_level_given_and_derived_with_each_items_risk(log: FlowLog) -> None:
    derived = m.service_level(log)
    assert derived.days == 4.0
    assert derived.derived
    assert str(derived) == "85% of items done within 4 days"
    assert derived.status.tolist() == [m.Risk.ON_TRACK]
    assert derived.risk.tolist() == [0.0]  # the one past item that reached 4 days ended at 4
    tight = m.service_level(log, days=3)
    assert tight.status.tolist() == [m.Risk.BREACHED]
    assert tight.hit_rate == 0.5
