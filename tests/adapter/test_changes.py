"""Changes: stable content-derived ids, validation, and the rules of applying one to records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import (
    AnyChange,
    CarriedHistory,
    CreateItem,
    ItemRecord,
    MoveStatus,
    Rerank,
    UpdateFields,
    apply_change,
    change_from_dict,
)
from agilemarketing.errors import ChangeConflict, InvalidValue, NotFound
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition

keys = st.from_regex(r"[A-Z]{2,4}-[1-9][0-9]{0,3}", fullmatch=True)


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


labels = st.lists(st.text(min_size=1, max_size=8), max_size=3).map(tuple)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), text, st.floats(allow_nan=False)
)


field_maps = st.dictionaries(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), scalars, max_size=3)


origins = st.sampled_from(["", "sync 1", "sync 2"])


moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


carried = st.none() | st.builds(
    CarriedHistory,
    created=st.none() | moments,
    resolved=st.none() | moments,
    sprints=labels,
    transitions=st.lists(
        st.builds(Transition, moments, st.none() | text, text, st.booleans()), max_size=3
    ),
    blocked=st.lists(st.builds(BlockedPeriod, moments, st.none() | moments), max_size=2),
)


@st.composite
def changes(draw: st.DrawFn) -> AnyChange:
    key = draw(keys)
    origin = draw(origins)
    kind = draw(st.sampled_from(["create", "update", "move", "rerank"]))
    if kind == "create":
        return CreateItem(
            key,
            draw(text),
            type=draw(text),
            status=draw(text),
            points=draw(st.none() | st.floats(0, 100)),
            labels=draw(labels),
            fields=draw(field_maps.map(lambda m: {f"x_{k}": v for k, v in m.items()})),
            origin=origin,
            history=draw(carried),
        )
    if kind == "update":
        values = draw(field_maps.map(lambda m: {f"x_{k}": v for k, v in m.items()}))
        values["summary"] = draw(text)
        return UpdateFields(key, values, origin=origin)
    if kind == "move":
        return MoveStatus(
            key,
            draw(text.filter(str.strip)),
            from_status=draw(st.none() | text),
            origin=origin,
            history=draw(carried),
        )
    neighbour = draw(keys.filter(lambda k: k != key))
    if draw(st.booleans()):
        return Rerank(key, before=neighbour, origin=origin)
    return Rerank(key, after=neighbour, origin=origin)


@given(changes())
def test_a_change_survives_its_dict_form_with_the_same_id(change: AnyChange) -> None:
    again = change_from_dict(change.as_dict())
    assert again == change
    assert type(again) is type(change)
    assert again.change_id == change.change_id


@given(changes(), changes())
def test_different_changes_have_different_ids(a: AnyChange, b: AnyChange) -> None:
    """The history a change carries is not part of its id (journals keep their ids)."""
    identity_a, identity_b = a.as_dict(), b.as_dict()
    identity_a.pop("history", None)
    identity_b.pop("history", None)
    if identity_a != identity_b:
        assert a.change_id != b.change_id
    else:
        assert a.change_id == b.change_id


def test_the_id_is_derived_from_content_not_identity() -> None:
    first = UpdateFields("MKT-1", {"summary": "A", "channel": "email"})
    second = UpdateFields("MKT-1", {"channel": "email", "summary": "A"})
    assert first.change_id == second.change_id
    assert len(first.change_id) == 32
    assert int(first.change_id, 16) >= 0


def test_the_origin_tells_two_equal_moves_apart() -> None:
    there = MoveStatus("MKT-1", "Doing", origin="source MKT-1 at 2026-01-05T10:00Z")
    back_again = MoveStatus("MKT-1", "Doing", origin="source MKT-1 at 2026-01-09T10:00Z")
    assert there.change_id != back_again.change_id


def test_the_id_of_a_known_change_never_changes() -> None:
    # a journal written by one release must be understood by the next
    change = MoveStatus("MKT-1", "Done", from_status="Review")
    assert change.as_dict() == {
        "kind": "move",
        "key": "MKT-1",
        "origin": "",
        "to_status": "Done",
        "from_status": "Review",
    }
    assert change.change_id == "f8cd71c69b1127e56e7ef6ff4671afb7"


def test_an_unknown_change_kind_is_refused_by_name() -> None:
    with pytest.raises(InvalidValue, match="delete"):
        change_from_dict({"kind": "delete", "key": "MKT-1"})
    with pytest.raises(InvalidValue, match="move change does not take"):
        change_from_dict({"kind": "move", "key": "MKT-1", "to_status": "Done", "colour": "red"})


@pytest.mark.parametrize("name", ["status", "rank", "key", "transitions"])
def test_update_fields_refuses_what_has_its_own_change(name: str) -> None:
    with pytest.raises(InvalidValue, match=name):
        UpdateFields("MKT-1", {name: "x"})


def test_update_fields_checks_core_field_types() -> None:
    with pytest.raises(InvalidValue, match="points"):
        UpdateFields("MKT-1", {"points": "five"})
    with pytest.raises(InvalidValue, match="labels"):
        UpdateFields("MKT-1", {"labels": "q2"})
    with pytest.raises(InvalidValue, match="at least one field"):
        UpdateFields("MKT-1", {})
    assert UpdateFields("MKT-1", {"points": 5}).values["points"] == 5.0


def test_a_field_value_must_be_plain_data() -> None:
    with pytest.raises(InvalidValue, match="field 'due'"):
        UpdateFields("MKT-1", {"due": object()})
    with pytest.raises(InvalidValue):
        ItemRecord(ItemHistory("MKT-1"), fields={"nested": {"a": 1}})


def test_a_change_needs_a_key() -> None:
    with pytest.raises(InvalidValue, match="key"):
        MoveStatus("  ", "Done")
    with pytest.raises(InvalidValue, match="to_status"):
        MoveStatus("MKT-1", "")


def test_a_rerank_names_exactly_one_other_neighbour() -> None:
    with pytest.raises(InvalidValue, match="exactly one"):
        Rerank("MKT-1")
    with pytest.raises(InvalidValue, match="exactly one"):
        Rerank("MKT-1", before="MKT-2", after="MKT-3")
    with pytest.raises(InvalidValue, match="itself"):
        Rerank("MKT-1", after="MKT-1")
    assert Rerank("MKT-1", after="MKT-2").neighbour == "MKT-2"


def test_a_rerank_knows_when_the_order_already_holds_it() -> None:
    order = ["A", "B", "C"]
    assert Rerank("A", before="B").satisfied_by_order(order)
    assert Rerank("C", after="B").satisfied_by_order(order)
    assert not Rerank("C", before="B").satisfied_by_order(order)
    assert not Rerank("A", before="Z").satisfied_by_order(order)


def test_changes_know_whether_a_record_already_holds_them() -> None:
    record = ItemRecord(
        ItemHistory("MKT-1", summary="Email", type="Email", status="Doing", labels=("q2",)),
        fields={"channel": "email"},
    )
    assert MoveStatus("MKT-1", "Doing").satisfied_by(record)
    assert not MoveStatus("MKT-1", "Done").satisfied_by(record)
    assert UpdateFields("MKT-1", {"summary": "Email", "channel": "email"}).satisfied_by(record)
    assert not UpdateFields("MKT-1", {"channel": "social"}).satisfied_by(record)
    assert CreateItem("MKT-1", "Email", type="Email", labels=["q2"]).satisfied_by(record)
    assert not CreateItem("MKT-1", "Other").satisfied_by(record)


def test_every_change_describes_itself_in_one_line() -> None:
    assert (
        CreateItem("MKT-2", "Post", status="To Do").describe() == "create MKT-2 'Post' in 'To Do'"
    )
    assert Rerank("MKT-2", after="MKT-1").describe() == "rerank MKT-2 after MKT-1"


AT = datetime(2026, 3, 2, tzinfo=UTC)


@given(st.lists(changes(), max_size=12))
def test_apply_change_never_touches_the_board_and_a_second_application_is_none(
    make_board: Callable[..., dict[str, ItemRecord]], plan: list[AnyChange]
) -> None:
    board = make_board(ItemHistory("MKT-1", summary="Launch", status="To Do", rank="i"))
    for change in plan:
        before = dict(board)
        try:
            record = apply_change(change, board, now=AT, where="memory:test")
        except (NotFound, ChangeConflict, InvalidValue):
            assert board == before
            continue
        assert board == before
        if record is not None:
            board[record.key] = record
            assert apply_change(change, board, now=AT, where="memory:test") is None


def test_apply_change_appends_a_move_at_now_and_refuses_a_stale_one(
    make_board: Callable[..., dict[str, ItemRecord]],
) -> None:
    board = make_board(ItemHistory("MKT-1", status="Doing"))
    moved = apply_change(MoveStatus("MKT-1", "Done", from_status="Doing"), board, now=AT, where="x")
    assert moved is not None
    assert [(t.at, t.from_status, t.to_status) for t in moved.history.transitions] == [
        (AT, "Doing", "Done")
    ]
    with pytest.raises(ChangeConflict, match="'To Do'"):
        apply_change(MoveStatus("MKT-1", "Done", from_status="To Do"), board, now=AT, where="x")


def test_apply_change_names_a_missing_item_or_neighbour(
    make_board: Callable[..., dict[str, ItemRecord]],
) -> None:
    board = make_board(ItemHistory("MKT-1", rank="i"))
    with pytest.raises(NotFound, match="MKT-9"):
        apply_change(UpdateFields("MKT-9", {"summary": "x"}), board, now=AT, where="x")
    with pytest.raises(NotFound, match="MKT-7"):
        apply_change(Rerank("MKT-1", before="MKT-7"), board, now=AT, where="x")


def test_apply_change_ranks_new_items_last_or_as_told(
    make_board: Callable[..., dict[str, ItemRecord]],
) -> None:
    board = make_board(ItemHistory("MKT-1", rank="i"), ItemHistory("MKT-2", rank="0|hzz:"))
    created = apply_change(CreateItem("MKT-3", "New"), board, now=AT, where="x")
    assert created is not None
    assert created.history.rank is not None
    assert created.history.rank > "i"
    told = apply_change(CreateItem("MKT-4"), board, now=AT, where="x", new_rank=lambda: "k")
    assert told is not None
    assert told.history.rank == "k"


def test_apply_change_refuses_to_rank_between_foreign_ranks(
    make_board: Callable[..., dict[str, ItemRecord]],
) -> None:
    board = make_board(
        ItemHistory("A", rank="0|a:"), ItemHistory("B", rank="0|b:"), ItemHistory("C")
    )
    with pytest.raises(InvalidValue, match="ranks"):
        apply_change(Rerank("C", before="B"), board, now=AT, where="x")
