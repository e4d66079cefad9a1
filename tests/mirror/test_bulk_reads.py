"""Reading many items at once: ``Mirror.board_items`` and the mirror adapter's writes, which read
the items a write names up front (a query per 500 keys) instead of two queries per change, and
carry a source's history in the same bulk write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agilemarketing.adapter import ChangeStatus, CreateItem, ItemRecord, MoveStatus, UpdateFields
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.mirror import OWN_BOARD, Mirror, MirrorAdapter

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _history(n: int) -> ItemHistory:
    moves = [
        Transition(T0 + timedelta(hours=i), None if i == 0 else "s", "s") for i in range(n % 4)
    ]
    return ItemHistory(f"MKT-{n}", summary=f"item {n}", status="s", transitions=moves)


@pytest.fixture(scope="module")
def board_of_1200() -> Iterator[Mirror]:
    with Mirror(":memory:") as mirror:
        with mirror.transaction():
            mirror.save_board(OWN_BOARD, [_history(n) for n in range(1200)])
            mirror.mark_removed(OWN_BOARD, ["MKT-7"], T0)
        yield mirror


@settings(max_examples=40, deadline=None)
@given(picked=st.lists(st.integers(0, 1300), max_size=1100))
def test_board_items_are_the_boards_items_among_the_keys(
    board_of_1200: Mirror, picked: list[int]
) -> None:
    """Over the 500-key chunks, with unknown and removed keys among them, and keys twice; the
    whole board is read another way (``board()``: one query, grouped)."""
    keys = [f"MKT-{n}" for n in picked]
    whole = board_of_1200.board(OWN_BOARD)
    expected = {k: whole[k] for k in keys if k in whole}
    assert board_of_1200.board_items(OWN_BOARD, keys) == expected


def test_board_items_reads_only_the_board_asked_for() -> None:
    with Mirror(":memory:") as mirror:
        with mirror.transaction():
            mirror.save_board(OWN_BOARD, [ItemHistory("MKT-1", summary="here")])
            mirror.save_board("csv:other.csv", [ItemHistory("MKT-1", summary="elsewhere")])
        assert mirror.board_items(OWN_BOARD, ["MKT-1"])["MKT-1"].history.summary == "here"
        assert mirror.board_items("csv:other.csv", ["MKT-2"]) == {}


def test_a_write_of_a_thousand_changes_makes_a_bounded_number_of_queries() -> None:
    """A write reads what it names in one go: the number of statements does not grow with the
    number of changes (it made two SELECTs per change)."""
    with MirrorAdapter(":memory:") as board:
        statements: list[str] = []
        board.mirror._conn.set_trace_callback(statements.append)
        creates = [CreateItem(f"MKT-{n}", f"item {n}", status="To Do") for n in range(1000)]
        results = board.write(creates)
        board.mirror._conn.set_trace_callback(None)
        assert {r.status for r in results} == {ChangeStatus.APPLIED}
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) < 20, selects[:25]
        assert len(list(board.read())) == 1000


def test_write_carrying_carries_the_source_history_onto_written_and_unwritten_items() -> None:
    moved = Transition(T0, "To Do", "Doing")
    source = {
        key: ItemRecord(
            ItemHistory(key, summary="at the source", status="Doing", transitions=[moved]),
            done_criteria={"approved"},
            done_total=3,
        )
        for key in ("MKT-1", "MKT-2")
    }
    with MirrorAdapter(":memory:") as board:
        board.write([CreateItem("MKT-2", "Old", status="Doing")])
        results = board.write_carrying([CreateItem("MKT-1", "New", status="Doing")], source)
        assert [r.status for r in results] == [ChangeStatus.APPLIED]
        held = {r.key: r for r in board.read()}
    for key, summary in (("MKT-1", "New"), ("MKT-2", "Old")):
        assert held[key].history.transitions == (moved,)
        assert held[key].history.summary == summary  # fields come from the changes only
        assert (held[key].done_criteria, held[key].done_total) == ({"approved"}, 3)


def test_an_item_whose_change_failed_keeps_its_own_history() -> None:
    moved = Transition(T0, "To Do", "Doing")
    source = ItemRecord(ItemHistory("MKT-1", status="Doing", transitions=[moved]))
    with MirrorAdapter(":memory:") as board:
        board.write([CreateItem("MKT-1", "Webinar", status="To Do")])
        before = next(iter(board.read())).history.transitions
        results = board.write_carrying(
            [MoveStatus("MKT-1", "Doing", from_status="Review")], {"MKT-1": source}
        )
        assert results[0].status is ChangeStatus.FAILED
        assert next(iter(board.read())).history.transitions == before


def test_a_write_sees_its_own_earlier_changes_to_an_item_it_read_up_front() -> None:
    with MirrorAdapter(":memory:") as board:
        board.write([CreateItem("MKT-1", "Webinar", status="To Do")])
        results = board.write(
            [
                UpdateFields("MKT-1", {"summary": "Spring webinar"}),
                MoveStatus("MKT-1", "Doing", from_status="To Do"),
                UpdateFields("MKT-1", {"summary": "Spring webinar, EMEA"}),
            ]
        )
        assert [r.status for r in results] == [ChangeStatus.APPLIED] * 3
        (record,) = board.read()
    assert (record.history.summary, record.history.status) == ("Spring webinar, EMEA", "Doing")
