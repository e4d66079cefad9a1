"""The history table: built from objects, joined, cycle windows, exact timestamps."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidValue
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.historyio import CycleWindow, HistoryTable, read_history, write_history


def test_tables_from_objects_and_from_jsonl_agree(sample_histories: list[ItemHistory]) -> None:
    out = io.StringIO()
    write_history(sample_histories, out)
    from_file = read_history(io.StringIO(out.getvalue()))
    from_objects = HistoryTable.from_histories(sample_histories)
    for column in ("tr_at", "tr_from", "tr_to", "created", "blk_to", "points", "keys"):
        np.testing.assert_array_equal(getattr(from_file, column), getattr(from_objects, column))


def test_concat_remaps_codes_into_shared_names() -> None:
    a = HistoryTable.from_histories([ItemHistory("A", status="Doing")])
    b = HistoryTable.from_histories([ItemHistory("B", status="Done", labels=["x"])])
    both = HistoryTable.concat([a, b])
    assert [both.status_names[c] for c in both.statuses] == ["Doing", "Done"]
    assert both.label_item.tolist() == [1]


def test_cycle_window_refuses_an_end_before_the_start() -> None:
    with pytest.raises(InvalidValue, match="ends before"):
        CycleWindow("C1", datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))


@given(
    st.lists(
        st.datetimes(
            min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
        ),
        min_size=1,
        max_size=5,
    )
)
def test_in_memory_histories_keep_every_microsecond(
    us: Callable[[datetime], int], moments: list[datetime]
) -> None:
    history = ItemHistory(
        "A-1",
        transitions=[Transition(m, None if i == 0 else "x", "x") for i, m in enumerate(moments)],
    )
    table = HistoryTable.from_histories([history])
    assert table.tr_at.view(np.int64).tolist() == [us(m) for m in moments]
