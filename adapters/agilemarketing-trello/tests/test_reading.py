"""Reading a board: history paging, the translation conventions, incremental reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from agilemarketing_trello.adapter import TrelloAdapter
from agilemarketing_trello.errors import TrelloDataError
from fake_trello import FakeTrello, Fault

from agilemarketing.adapter import Cursor
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.testing import read_state, sample_histories

Connect = Callable[..., TrelloAdapter]
START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _pinball(moves: int) -> ItemHistory:
    """A card moved back and forth ``moves`` times."""
    statuses = ["To Do", "In Progress"]
    transitions = [Transition(START, None, "To Do")]
    for i in range(1, moves + 1):
        transitions.append(
            Transition(START + timedelta(minutes=i), statuses[(i - 1) % 2], statuses[i % 2])
        )
    return ItemHistory(
        "MKT-1",
        summary="Pinball",
        status=statuses[moves % 2],
        created=START,
        transitions=transitions,
    )


def test_a_card_of_2500_moves_reads_back_exactly_over_three_pages(
    fake: FakeTrello, connect: Connect
) -> None:
    history = _pinball(2499)  # + its createCard: 2,500 actions
    board = fake.seed([history])
    record = read_state(connect(board))["MKT-1"]
    assert record.history.transitions == history.transitions
    pages = fake.requests_to(r"/boards/[^/]+/actions$")
    assert len(pages) == 3
    assert [p.query.get("before") is None for p in pages] == [True, False, False]
    assert all(p.query["limit"] == "1000" for p in pages)


def test_a_read_is_one_snapshot_then_the_history(fake: FakeTrello, connect: Connect) -> None:
    board = fake.seed(sample_histories(5))
    read_state(connect(board))
    paths = [(e.method, e.path) for e in fake.log]
    assert paths[0] == ("GET", f"/1/boards/{board}")
    snapshot = fake.log[0].query
    assert snapshot["cards"] == "all"
    assert snapshot["lists"] == "all"
    assert snapshot["card_checklists"] == "all"
    assert snapshot["card_customFieldItems"] == "true"
    assert paths[1:] == [("GET", f"/1/boards/{board}/actions")]


def test_conventions_of_labels_fields_and_checklists(fake: FakeTrello, connect: Connect) -> None:
    board = fake.add_board(lists=["Ideas", "Doing [3]", "Done"])
    points = fake.add_field(board)
    ideas, doing = fake.list_named(board, "Ideas"), fake.list_named(board, "Doing [3]")
    labels = [fake.add_label(board, n) for n in ("webinar", "type:Email", "MUST", "", "Blocked")]
    card = fake.create_card(
        board,
        ideas,
        "Spring webinar",
        desc="The brief.",
        due="2026-04-01T12:00:00.000Z",
        labels=labels[:4],
    )
    fake.move_card(card["id"], doing)
    fake.set_labels(card["id"], labels)
    fake.set_item(card["id"], points, {"number": "5"})
    fake.add_checklist(card["id"], "Definition of Done", [("Proofread", True), ("Links", False)])
    fake.update_card(card["id"], closed=True)
    fake.rename_list(doing, "In Progress [2-4]")
    record = read_state(connect(board))["MKT-1"]
    h = record.history
    assert (h.summary, h.type, h.status, h.points) == (
        "Spring webinar",
        "Email",
        "In Progress",
        5.0,
    )
    assert h.labels == ("webinar",)
    assert [(t.from_status, t.to_status) for t in h.transitions] == [
        (None, "Ideas"),
        ("Ideas", "In Progress"),
    ]
    assert len(h.blocked) == 1
    assert h.blocked[0].end is None
    assert record.fields["moscow"] == "Must"
    assert record.fields["description"] == "The brief."
    assert record.fields["due"] == "2026-04-01T12:00:00+00:00"
    assert record.fields["archived"] is True
    assert record.done_criteria == frozenset({"Proofread"})
    assert record.fields["done_checklist"] == ("Proofread", "Links")
    assert h.resolved is None


def test_without_a_prefix_the_key_is_the_short_link(fake: FakeTrello, connect: Connect) -> None:
    board = fake.seed(sample_histories(2))
    keys = sorted(read_state(connect(board, key_prefix="")))
    assert keys == sorted(c["shortLink"] for c in fake.cards.values())


def test_more_than_50_labels_are_all_read(fake: FakeTrello, connect: Connect) -> None:
    board = fake.add_board(lists=["To Do"])
    labels = [fake.add_label(board, f"label {i:02d}") for i in range(60)]
    fake.create_card(board, fake.list_named(board, "To Do"), "Many labels", labels=labels)
    assert len(read_state(connect(board))["MKT-1"].history.labels) == 60


def test_points_that_are_not_a_number_name_the_card(fake: FakeTrello, connect: Connect) -> None:
    board = fake.add_board(lists=["To Do"])
    field = fake.add_field(board)
    card = fake.create_card(board, fake.list_named(board, "To Do"), "Odd points")
    fake.items[card["id"]][field] = {"idCustomField": field, "value": {"number": "three"}}
    with pytest.raises(TrelloDataError, match=card["shortLink"]) as caught:
        read_state(connect(board))
    assert "three" in str(caught.value)


@pytest.mark.parametrize("page", [0, 1], ids=["before the first page", "between pages"])
def test_a_move_while_the_history_is_paged_is_recorded_once_exactly(
    fake: FakeTrello, connect: Connect, page: int
) -> None:
    board = fake.seed([_pinball(1500)])
    card = fake.card_by_short(board, 1)
    done = fake.list_named(board, "Done")
    fake.faults.append(
        Fault("GET", r"/actions$", "hook", skip=page, hook=lambda f: f.move_card(card["id"], done))
    )
    adapter = connect(board)
    first = adapter.read()
    record = {r.key: r for r in first}["MKT-1"]
    assert record.history.status == "To Do"  # the snapshot came before the move
    assert all(t.to_status != "Done" for t in record.history.transitions)
    second = adapter.read(first.cursor)
    moved = {r.key: r for r in second}["MKT-1"]
    assert moved.history.status == "Done"
    assert [t.to_status for t in moved.history.transitions].count("Done") == 1
    last = fake.actions[-1]
    assert moved.history.transitions[-1].at.isoformat().startswith(last["date"][:19])
    assert list(adapter.read(second.cursor)) == []


def test_nothing_changed_is_one_request(fake: FakeTrello, connect: Connect) -> None:
    adapter = connect(fake.seed(sample_histories(4)))
    first = adapter.read()
    list(first)
    before = len(fake.log)
    again = adapter.read(first.cursor)
    assert list(again) == []
    assert again.cursor == first.cursor
    assert len(fake.log) == before + 1


def test_deleted_and_moved_off_cards_are_removed(fake: FakeTrello, connect: Connect) -> None:
    board = fake.seed(sample_histories(4))
    other = fake.add_board("Elsewhere", ["Inbox"])
    adapter = connect(board)
    first = adapter.read()
    list(first)
    fake.delete_card(fake.card_by_short(board, 2)["id"])
    fake.move_off_board(fake.card_by_short(board, 3)["id"], other)
    changed = adapter.read(first.cursor)
    assert list(changed) == []
    assert changed.removed == ("MKT-2", "MKT-3")
    assert sorted(read_state(adapter)) == ["MKT-1", "MKT-4"]


def test_an_incremental_read_gives_the_changed_card_its_whole_history(
    fake: FakeTrello, connect: Connect
) -> None:
    seeded = sample_histories(6)
    board = fake.seed(seeded)
    adapter = connect(board)
    first = adapter.read()
    list(first)
    card = fake.card_by_short(board, 4)
    fake.move_card(card["id"], fake.list_named(board, "Review"))
    changed = {r.key: r for r in adapter.read(first.cursor)}
    assert list(changed) == ["MKT-4"]
    transitions = changed["MKT-4"].history.transitions
    assert transitions[:-1] == seeded[3].transitions
    assert transitions[-1].to_status == "Review"
    assert len(fake.requests_to(r"^/1/batch$")) == 1


def test_a_cursor_of_another_board_is_refused(fake: FakeTrello, connect: Connect) -> None:
    from agilemarketing.errors import InvalidCursor

    board = fake.seed(sample_histories(2))
    with pytest.raises(InvalidCursor, match=r"another|board"):
        connect(board).read(Cursor(f"trello:zzzzzzzz:{'0' * 24}:0"))


def test_the_board_description_has_stages_and_wip_limits(
    fake: FakeTrello, connect: Connect
) -> None:
    board = fake.add_board(lists=["Backlog", "Doing [3]", "Review [1-2]"])
    fake.add_list(board, "Old", closed=True)
    fake.add_list(board, "Done", soft_limit="")
    limited = fake.list_named(board, "Review [1-2]")
    fake.lists[limited]["softLimit"] = "5"
    description = connect(board).board()
    assert [s.name for s in description.stages] == ["Backlog", "Doing", "Review", "Done"]
    assert [(s.wip_min, s.wip_max) for s in description.stages] == [
        (None, None),
        (None, 3),
        (None, 5),  # Trello's own list limit wins over the name's [1-2]
        (None, None),
    ]
    assert description.workflow().done == "Done"
    assert description.cycles == ()
    assert description.estimation_field == "Points"


def test_a_card_whose_list_is_newer_than_the_boards_history_gets_its_own_actions(
    fake: FakeTrello, connect: Connect
) -> None:
    board = fake.seed(sample_histories(4))
    card = fake.card_by_short(board, 2)
    fake.move_card(card["id"], fake.list_named(board, "Done"))
    move = fake.actions[-1]
    fake.board_lag.add(move["id"])  # the snapshot shows Done; the board's history not yet
    record = read_state(connect(board))["MKT-2"]
    assert record.history.status == "Done"
    last = record.history.transitions[-1]
    assert (last.to_status, last.observed) == ("Done", False)
    assert last.at.isoformat().startswith(move["date"][:19])
    assert len(fake.requests_to(r"^/1/batch$")) == 1  # the card's own actions, once


def test_a_card_moved_in_from_another_board_starts_in_the_list_it_arrived_in(
    fake: FakeTrello, connect: Connect
) -> None:
    board = fake.seed(sample_histories(2))
    other = fake.add_board("Elsewhere", ["Inbox", "Drafting"])
    card = fake.create_card(other, fake.list_named(other, "Inbox"), "Guest post")
    fake.move_card(card["id"], fake.list_named(other, "Drafting"))
    adapter = connect(board)
    first = adapter.read()
    list(first)
    fake.move_off_board(card["id"], board, fake.list_named(board, "In Progress"))
    arrival = fake.actions[-1]
    changed = {r.history.summary: r for r in adapter.read(first.cursor)}
    assert list(changed) == ["Guest post"]
    history = changed["Guest post"].history
    assert history.status == "In Progress"
    assert [(t.from_status, t.to_status) for t in history.transitions] == [(None, "In Progress")]
    assert history.transitions[0].at.isoformat().startswith(arrival["date"][:19])
    again = {r.history.summary: r for r in adapter.read()}["Guest post"]
    assert again.history.transitions == history.transitions
