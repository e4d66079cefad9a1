"""Burnup: done against a scope that changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.workflow import Workflow


def test_burnup_shows_scope_changes(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    late = ItemHistory("L", status="To Do", created=at(3))
    b = m.burnup(FlowLog.build([*histories.values(), late], wf, as_of=at(6)))
    assert b.scope.tolist() == [4, 4, 3, 4, 4, 4, 4]
    assert b.added.tolist() == [4, 0, 0, 1, 0, 0, 0]
    assert b.removed.tolist() == [0, 0, 1, 0, 0, 0, 0]
    assert b.done.tolist() == [0, 0, 1, 1, 2, 2, 2]
    assert b.done_points.tolist()[-1] == 5.0
