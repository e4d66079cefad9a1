"""Changes that carry what the source knows of an item's history, and applying them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from agilemarketing.adapter import (
    CarriedHistory,
    CreateItem,
    ItemRecord,
    MoveStatus,
    apply_change,
    change_from_dict,
)
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
NOW = datetime(2026, 3, 2, tzinfo=UTC)
SOURCE = ItemHistory(
    "MKT-1",
    summary="Launch",
    status="Done",
    created=T0,
    resolved=T0 + timedelta(days=4),
    sprints=("Sprint 4", "Sprint 5"),
    transitions=(
        Transition(T0, None, "To Do"),
        Transition(T0 + timedelta(days=1), "To Do", "Doing"),
        Transition(T0 + timedelta(days=4), "Doing", "Done", observed=True),
    ),
    blocked=(BlockedPeriod(T0 + timedelta(days=2), T0 + timedelta(days=3)),),
)


def _create(history: CarriedHistory | None) -> CreateItem:
    return CreateItem("MKT-1", "Launch", status="Done", history=history, origin="s@1:new")


def test_a_create_keeps_its_id_whatever_history_it_carries() -> None:
    plain = _create(None)
    carried = _create(CarriedHistory.of(SOURCE))
    assert carried.change_id == plain.change_id  # the ids of journals already written stay
    assert "history" not in plain.as_dict()
    again = change_from_dict(carried.as_dict())
    assert again == carried
    assert again.history == CarriedHistory.of(SOURCE)


def test_a_move_keeps_its_id_whatever_history_it_carries() -> None:
    plain = MoveStatus("MKT-1", "Done", from_status="Doing")
    carried = MoveStatus("MKT-1", "Done", from_status="Doing", history=CarriedHistory.of(SOURCE))
    assert carried.change_id == plain.change_id
    assert "history" not in plain.as_dict()
    assert change_from_dict(carried.as_dict()) == carried


def test_a_created_item_has_the_history_its_create_carries(
    make_board: Callable[..., dict[str, ItemRecord]],
) -> None:
    record = apply_change(_create(CarriedHistory.of(SOURCE)), make_board(), now=NOW, where="x")
    assert record is not None
    h = record.history
    assert (h.created, h.resolved, h.sprints, h.blocked) == (
        SOURCE.created,
        SOURCE.resolved,
        SOURCE.sprints,
        SOURCE.blocked,
    )
    assert h.transitions == SOURCE.transitions  # each with its own observed flag


def test_a_create_carrying_no_transitions_gets_an_observed_one_and_no_invented_created(
    make_board: Callable[..., dict[str, ItemRecord]],
) -> None:
    nothing_known = CarriedHistory.of(ItemHistory("MKT-1", status="To Do"))
    record = apply_change(
        CreateItem("MKT-1", "Launch", status="To Do", history=nothing_known),
        make_board(),
        now=NOW,
        where="x",
    )
    assert record is not None
    assert record.history.created is None
    assert record.history.transitions == (Transition(NOW, None, "To Do", observed=True),)


def test_a_create_without_history_is_created_now_exactly(
    make_board: Callable[..., dict[str, ItemRecord]],
) -> None:
    record = apply_change(_create(None), make_board(), now=NOW, where="x")
    assert record is not None
    assert record.history.created == NOW
    assert record.history.transitions == (Transition(NOW, None, "Done"),)


def test_a_move_appends_the_source_transitions_the_target_has_not_seen(
    make_board: Callable[..., dict[str, ItemRecord]],
) -> None:
    board = make_board(
        ItemHistory("MKT-1", status="To Do", transitions=(Transition(T0, None, "To Do"),))
    )
    move = MoveStatus("MKT-1", "Done", from_status="To Do", history=CarriedHistory.of(SOURCE))
    record = apply_change(move, board, now=NOW, where="x")
    assert record is not None
    assert record.history.transitions == SOURCE.transitions  # Doing and Done, with their times
    assert (record.history.resolved, record.history.sprints) == (SOURCE.resolved, SOURCE.sprints)


def test_a_move_the_source_has_no_newer_time_for_is_observed_now(
    make_board: Callable[..., dict[str, ItemRecord]],
) -> None:
    late = Transition(NOW - timedelta(days=1), None, "To Do", observed=True)
    board = make_board(ItemHistory("MKT-1", status="To Do", transitions=(late,)))
    old_news = CarriedHistory.of(ItemHistory("MKT-1", status="Doing"))
    move = MoveStatus("MKT-1", "Doing", from_status="To Do", history=old_news)
    record = apply_change(move, board, now=NOW, where="x")
    assert record is not None
    assert record.history.transitions == (late, Transition(NOW, "To Do", "Doing", observed=True))
