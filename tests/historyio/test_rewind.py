"""Rewinding a table to an earlier moment (``HistoryTable.until``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.historyio import CycleWindow, HistoryTable

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def test_rewinding_reopens_blocked_periods_and_drops_later_cycles() -> None:
    h = ItemHistory(
        "B",
        status="Done",
        created=day(0),
        transitions=[Transition(day(1), "To Do", "Doing"), Transition(day(5), "Doing", "Done")],
        blocked=[BlockedPeriod(day(2), day(4)), BlockedPeriod(day(3.5), None)],
    )
    cycles = [CycleWindow("C1", day(0), day(7)), CycleWindow("C2", day(7), day(14))]
    table = HistoryTable.from_histories([h], cycles=cycles).until(day(3))
    assert table.blk_item.tolist() == [0]
    assert np.isnat(table.blk_to).all()
    assert [w.name for w in table.cycles] == ["C1"]
    assert table.status_names[table.statuses[0]] == "Doing"
