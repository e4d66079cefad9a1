"""Implausible dates (issue 10 point 12): flagged and left out, never moving the report."""

from __future__ import annotations

import attrs
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.historyio import HistoryTable
from agilemarketing.historyio.plausible import implausible_items, plausible_window, within
from agilemarketing.workflow import Workflow

_WF = Workflow.from_shorthand("To Do,Doing,Done", start="Doing", done="Done")


def _board(*extra: ItemHistory) -> HistoryTable:
    items = [
        ItemHistory(
            f"M-{i}",
            status="Done",
            created=f"2026-01-{i + 1:02d}T00:00Z",
            transitions=[
                Transition(f"2026-01-{i + 1:02d}T09:00Z", "To Do", "Doing"),
                Transition(f"2026-01-{i + 2:02d}T09:00Z", "Doing", "Done"),
            ],
        )
        for i in range(20)
    ]
    return HistoryTable.from_histories([*items, *extra])


def test_a_created_date_years_after_the_data_is_flagged_and_does_not_move_as_of() -> None:
    log = FlowLog.build(
        _board(ItemHistory("TYPO", status="To Do", created="2030-06-01T00:00Z")), _WF
    )
    assert str(log.as_of)[:10] == "2026-01-21"
    assert log.quality["implausible_date"].keys == ("TYPO",)


def test_a_transition_decades_before_the_data_is_flagged_and_dropped() -> None:
    old = ItemHistory(
        "OLD",
        status="Doing",
        created="2026-01-03T00:00Z",
        transitions=[Transition("1990-01-01T00:00Z", "To Do", "Doing")],
    )
    t = _board(old)
    window = plausible_window(t)
    assert t.keys[implausible_items(t, window)].tolist() == ["OLD"]
    assert window is not None
    assert within(t, window).n_transitions == t.n_transitions - 1


def test_old_items_within_ten_years_of_the_data_are_plausible() -> None:
    legacy = ItemHistory("LEGACY", status="To Do", created="2018-01-01T00:00Z")
    log = FlowLog.build(_board(legacy), _WF)
    assert log.quality["implausible_date"].count == 0


def test_a_clean_board_has_no_implausible_dates() -> None:
    log = FlowLog.build(_board(), _WF)
    assert log.quality["implausible_date"].count == 0
    assert len(log) == 20


def test_a_few_timestamps_are_never_called_implausible() -> None:
    t = HistoryTable.from_histories(
        [
            ItemHistory("A", created="2026-01-01T00:00Z"),
            ItemHistory("B", created="2030-01-01T00:00Z"),
        ]
    )
    assert plausible_window(t) is None
    assert implausible_items(t, None).size == 0


def test_an_explicit_as_of_is_never_implausible() -> None:
    later = ItemHistory("LATE", status="To Do", created="2028-01-01T00:00Z")
    log = FlowLog.build(_board(later), _WF, as_of="2028-06-01T00:00Z")
    assert str(log.as_of)[:10] == "2028-06-01"
    assert log.quality["implausible_date"].count == 0
    assert "LATE" in np.asarray(log.keys).tolist()


@given(
    st.lists(st.integers(0, 10**17), min_size=0, max_size=300),
    st.lists(st.integers(0, 10**17), max_size=50),
)
def test_the_window_is_measured_from_the_trimmed_core_of_every_timestamp(
    created: list[int], moves: list[int]
) -> None:
    """The window's ends come from the 5% and 95% order statistics of every timestamp (the
    definition above, with a whole sort as the reference)."""
    stamps = np.array(created, dtype="datetime64[us]")
    moved = np.array(moves, dtype="datetime64[us]")
    table = attrs.evolve(
        HistoryTable.from_histories([]),
        keys=np.array([f"K-{i}" for i in range(len(created))]),
        created=stamps,
        resolved=np.full(len(created), np.datetime64("NaT", "us")),
        tr_at=moved,
        tr_item=np.zeros(len(moves), dtype=np.int32),
    )
    window = plausible_window(table)
    everything = np.sort(np.concatenate([stamps, moved]))
    n = len(everything)
    if n < 20:
        assert window is None
        return
    lo = everything[int(np.ceil(0.05 * (n - 1)))]
    hi = everything[int(np.floor(0.95 * (n - 1)))]
    day = np.timedelta64(86_400_000_000, "us")
    assert window == (lo - max(3650 * day, 2 * (hi - lo)), hi + max(365 * day, hi - lo))
