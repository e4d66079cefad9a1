"""Per-cycle predictability: commitments, unplanned work and velocity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import attrs
import numpy as np
import pytest

from agilemarketing import metrics as m
from agilemarketing.cycles import CycleReport as LaunchCycleReport
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import CycleWindow, HistoryTable
from agilemarketing.workflow import Workflow


def _with_memberships(table: HistoryTable, *, items: list[int], joined: np.ndarray) -> HistoryTable:
    n = len(items)
    return attrs.evolve(
        table,
        cyc_item=np.array(items, dtype=np.int32),
        cyc_code=np.zeros(n, dtype=np.int32),
        cyc_joined=joined.astype("datetime64[us]"),
        cyc_left=np.full(n, np.datetime64("NaT", "us")),
        cycle_names=("C1",),
    )


def test_cycle_report_measures_commitment_unplanned_work_and_velocity(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    table = HistoryTable.from_histories(
        list(histories.values()), cycles=[CycleWindow("C1", at(0, 0), at(7, 0))]
    )
    # memberships: A and C committed at the start, B added on day 2 (unplanned)
    joined = np.array(
        [t.replace(tzinfo=None) for t in (at(0, 0), at(2), at(0, 0))], dtype="datetime64[us]"
    )
    table = _with_memberships(table, items=[0, 1, 2], joined=joined)
    report = m.cycle_report(FlowLog.build(table, wf, as_of=at(6)))
    assert report.names == ("C1",)
    assert report.committed.tolist() == [2]
    assert report.completed.tolist() == [1]
    assert report.unplanned.tolist() == [1]
    assert report.done.tolist() == [2]
    assert report.velocity.tolist() == [5.0]
    assert report.predictability.tolist() == [0.5]
    assert report.unplanned_share.tolist() == [pytest.approx(1 / 3)]


def test_without_cycle_windows_velocity_comes_from_each_items_last_sprint(
    item: Callable[..., ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    a = item("A", (at(1), "Doing"), (at(2), "Done"), points=3, sprints=("S1", "S2"))
    b = item("B", (at(1), "Doing"), (at(2), "Done"), points=5, sprints=("S1",))
    c = item("C", (at(1), "Doing"), points=8, sprints=("S2",))
    report = m.cycle_report(FlowLog.build([a, b, c], wf))
    assert report.names == ("S1", "S2")
    assert report.velocity.tolist() == [5.0, 3.0]
    assert report.done.tolist() == [1, 1]
    assert report.committed.tolist() == [-1, -1]


def test_the_per_cycle_result_keeps_its_former_name_for_a_release(log: FlowLog) -> None:
    assert isinstance(m.cycle_report(log), m.CyclePredictability)
    assert m.CycleReport is m.CyclePredictability
    assert m.CycleReport is not LaunchCycleReport  # the launch cycle's review is another thing
