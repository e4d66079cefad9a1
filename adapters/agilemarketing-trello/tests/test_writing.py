"""Writing to a board: creates, MoSCoW, labels, ranks, and creates whose answer was lost."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from agilemarketing_trello.adapter import TrelloAdapter
from agilemarketing_trello.errors import TrelloRemoteError
from conftest import fast_limiter
from fake_trello import KEY, TOKEN, FakeTrello, Fault

from agilemarketing.adapter import ChangeStatus, CreateItem, Rerank, UpdateFields
from agilemarketing.testing import read_state, sample_histories

Connect = Callable[..., TrelloAdapter]


def test_moscow_labels_round_trip(fake: FakeTrello, connect: Connect) -> None:
    board = fake.seed(sample_histories(3))
    adapter = connect(board)
    for spelling, category in [("should", "Should"), ("Won't", "Won't"), ("MUST", "Must")]:
        result = adapter.apply(UpdateFields("MKT-2", {"moscow": spelling}))
        assert result.status is ChangeStatus.APPLIED, result.error
        record = read_state(adapter)["MKT-2"]
        assert record.fields["moscow"] == category
        assert record.history.labels == ("q1",)
        again = adapter.apply(UpdateFields("MKT-2", {"moscow": spelling}))
        assert again.status is ChangeStatus.ALREADY_APPLIED
    names = [fake.labels[i]["name"] for i in fake.card_by_short(board, 2)["idLabels"]]
    assert names.count("Must") == 1
    assert not {"Should", "Won't"} & set(names)


def test_a_create_makes_missing_labels_and_sets_points(fake: FakeTrello, connect: Connect) -> None:
    board = fake.seed(sample_histories(2))
    adapter = connect(board)
    change = CreateItem(
        "MKT-50",
        "Podcast launch",
        type="Content",
        status="Review",
        points=2.5,
        labels=["podcast", "q3"],
        fields={"moscow": "could", "description": "Three episodes."},
    )
    result = adapter.apply(change)
    assert result.status is ChangeStatus.APPLIED, result.error
    record = read_state(adapter)["MKT-50"]
    assert record.history.points == 2.5
    assert record.history.labels == ("podcast", "q3")
    assert record.history.type == "Content"
    assert record.fields["moscow"] == "Could"
    assert record.fields["description"] == "Three episodes."
    item = next(iter(fake.items[record.fields["trello_id"]].values()))  # type: ignore[index]
    assert item["value"] == {"number": "2.5"}


def test_an_unknown_status_or_field_fails_and_sends_nothing(
    fake: FakeTrello, connect: Connect
) -> None:
    adapter = connect(fake.seed(sample_histories(2)))
    writes_before = [e for e in fake.log if e.method != "GET"]
    bad = adapter.apply(CreateItem("MKT-60", "Nowhere", status="Archive shelf"))
    assert bad.status is ChangeStatus.FAILED
    assert "Archive shelf" in str(bad.error)
    odd = adapter.apply(UpdateFields("MKT-1", {"reach": 2000}))
    assert odd.status is ChangeStatus.FAILED
    assert "reach" in str(odd.error)
    assert [e for e in fake.log if e.method != "GET"] == writes_before


def test_a_rerank_puts_pos_between_the_neighbours_in_its_list(
    fake: FakeTrello, connect: Connect
) -> None:
    board = fake.seed(sample_histories(9))  # To Do holds MKT-1, MKT-5, MKT-9, in that order
    adapter = connect(board)
    cards = {c["idShort"]: c for c in fake.cards.values()}
    low, high = cards[1]["pos"], cards[5]["pos"]
    assert adapter.apply(Rerank("MKT-9", before="MKT-5")).status is ChangeStatus.APPLIED
    assert cards[9]["pos"] == (low + high) / 2
    put = fake.requests_to(r"^/1/cards/", "PUT")[-1]
    assert put.path == f"/1/cards/{cards[9]['id']}"


def test_a_rerank_next_to_a_card_of_another_list_is_a_conflict_and_sends_nothing(
    fake: FakeTrello, connect: Connect
) -> None:
    from agilemarketing.errors import ChangeConflict

    board = fake.seed(sample_histories(6))
    adapter = connect(board)
    assert adapter.capabilities.rank_scope == "status"
    for change in (Rerank("MKT-5", before="MKT-2"), Rerank("MKT-1", before="MKT-2")):
        result = adapter.apply(change)
        assert result.status is ChangeStatus.FAILED
        assert isinstance(result.error, ChangeConflict)
    assert fake.requests_to(r"^/1/cards/", "PUT") == []


def test_a_create_whose_answer_was_lost_exists_once(fake: FakeTrello, connect: Connect) -> None:
    board = fake.seed(sample_histories(2))
    fake.faults.append(Fault("POST", r"^/1/cards$", "drop_after"))
    adapter = connect(board)
    change = CreateItem("MKT-70", "Newsletter", status="To Do", points=3)
    result = adapter.apply(change)
    assert result.status is ChangeStatus.APPLIED, result.error
    named = [c for c in fake.cards.values() if c["name"] == "Newsletter"]
    assert len(named) == 1
    assert len(fake.requests_to(r"^/1/cards$", "POST")) == 1
    assert read_state(adapter)["MKT-70"].history.points == 3.0
    assert adapter.apply(change).status is ChangeStatus.ALREADY_APPLIED


def test_a_create_interrupted_before_its_points_is_finished_on_the_rerun(
    fake: FakeTrello, connect: Connect
) -> None:
    board = fake.seed(sample_histories(2))
    fake.faults.append(Fault("PUT", r"/customField/", "drop_before", times=10))
    adapter = connect(board, retries=1)
    change = CreateItem("MKT-71", "Case study", status="To Do", points=5)
    try:
        adapter.apply(change)
    except TrelloRemoteError:
        pass
    else:  # pragma: no cover
        raise AssertionError("the points request should have failed")
    fake.faults.clear()
    assert adapter.apply(change).status is ChangeStatus.APPLIED
    assert len([c for c in fake.cards.values() if c["name"] == "Case study"]) == 1
    assert read_state(adapter)["MKT-71"].history.points == 5.0


def test_a_create_dropped_before_it_reached_trello_is_sent_again_once(
    fake: FakeTrello, connect: Connect
) -> None:
    fake.faults.append(Fault("POST", r"^/1/cards$", "drop_before"))
    adapter = connect(fake.seed(sample_histories(1)))
    assert adapter.apply(CreateItem("MKT-72", "Banner", status="To Do")).status is (
        ChangeStatus.APPLIED
    )
    assert len([c for c in fake.cards.values() if c["name"] == "Banner"]) == 1
    assert len(fake.requests_to(r"^/1/cards$", "POST")) == 2


def test_300_creates_stay_under_the_limiter_without_a_429(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRELLO_KEY", KEY)
    monkeypatch.setenv("TRELLO_TOKEN", TOKEN)
    # Trello's 10 s window, shrunk for the test (the counts are Trello's); not below a second,
    # so that the limiter's 5% margin (50 ms) covers a busy machine's scheduling delays
    window = 1.0
    with FakeTrello(window=window) as fake:
        board = fake.add_board(lists=["To Do"])
        adapter = TrelloAdapter(
            board,
            {"api_url": fake.url, "key_prefix": "MKT", "limiter": fast_limiter(window * 1.05)},
        )
        started = time.monotonic()
        plan = [CreateItem(f"NEW-{i}", f"Ad variant {i}", status="To Do") for i in range(300)]
        results = adapter.write(plan)
        elapsed = time.monotonic() - started
        assert all(r.status is ChangeStatus.APPLIED for r in results)
        assert fake.rejected_429 == 0
        assert len(fake.cards) == 300
        requests = len(fake.log)
        # at 100 requests per window, the run cannot be quicker than the windows it needs
        assert elapsed >= (requests // 100 - 1) * window


def test_a_creates_result_key_is_the_key_the_card_reads_back_as(
    fake: FakeTrello, connect: Connect
) -> None:
    board = fake.seed(sample_histories(2))
    adapter = connect(board, key_prefix="")  # keys are short links: Trello assigns them
    result = adapter.apply(CreateItem("JIRA-7", "Webinar", status="To Do"))
    assert result.status is ChangeStatus.APPLIED, result.error
    card = next(c for c in fake.cards.values() if c["name"] == "Webinar")
    record = read_state(adapter)[result.key]
    assert record.fields["trello_id"] == card["id"]
    assert record.fields["short_link"] == card["shortLink"]
    again = adapter.apply(CreateItem("JIRA-7", "Webinar", status="To Do"))
    assert (again.status, again.key) == (ChangeStatus.ALREADY_APPLIED, result.key)


def test_the_process_wide_limiter_keeps_a_margin_so_300_creates_get_no_429(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server counts a request when it arrives, later than the client counted it, and by
    a delay that varies: a limiter whose window is exactly the server's lets the 101st request
    of a window arrive a little early. The shared limiter's window is a little longer."""
    from agilemarketing_trello.limiter import shared_limiter

    monkeypatch.setenv("TRELLO_KEY", KEY)
    monkeypatch.setenv("TRELLO_TOKEN", TOKEN)
    window = 1.0  # Trello's 10 s window, shrunk for the test; its 5% margin is then 50 ms
    with FakeTrello(window=window) as fake:
        board = fake.add_board(lists=["To Do"])
        limiter = shared_limiter(fake.url, KEY, TOKEN, window=window)
        assert limiter.token.window > window
        adapter = TrelloAdapter(board, {"api_url": fake.url, "limiter": limiter})
        plan = [CreateItem(f"NEW-{i}", f"Ad variant {i}", status="To Do") for i in range(300)]
        results = adapter.write(plan)
        assert all(r.status is ChangeStatus.APPLIED for r in results)
        assert fake.rejected_429 == 0


def test_the_lists_option_makes_missing_lists_between_their_neighbours(
    fake: FakeTrello, connect: Connect
) -> None:
    board = fake.add_board("Copy", lists=["Doing"])
    adapter = connect(board, lists="Backlog,Doing,Review,Done")
    result = adapter.apply(CreateItem("JIRA-1", "Launch", status="Review"))
    assert result.status is ChangeStatus.APPLIED, result.error
    lists = sorted(
        (x for x in fake.lists.values() if x["idBoard"] == board), key=lambda x: x["pos"]
    )
    assert [x["name"] for x in lists] == ["Backlog", "Doing", "Review", "Done"]
    assert read_state(adapter)["JIRA-1"].history.status == "Review"
    again = adapter.apply(CreateItem("JIRA-2", "Follow-up", status="Done"))
    assert again.ok
    assert len(fake.requests_to(r"^/1/lists$", "POST")) == 3


def test_a_status_with_no_list_outside_the_lists_option_fails_and_says_how_to_fix(
    fake: FakeTrello, connect: Connect
) -> None:
    board = fake.add_board("Copy", lists=["To Do"])
    result = connect(board).apply(CreateItem("JIRA-1", "Launch", status="Shipped"))
    assert result.status is ChangeStatus.FAILED
    assert "lists" in str(result.error)
    assert fake.requests_to(r"^/1/(cards|lists)$", "POST") == []


def test_a_card_made_by_hand_never_takes_the_key_a_created_card_keeps(
    fake: FakeTrello, connect: Connect
) -> None:
    board = fake.add_board(lists=["To Do"])
    adapter = connect(board)
    assert adapter.apply(CreateItem("MKT-2", "Planned", status="To Do")).ok  # card number 1
    by_hand = fake.create_card(board, fake.list_named(board, "To Do"), "By hand", id_short=2)
    keys = {r.history.summary: r.key for r in read_state(adapter).values()}
    assert keys == {"Planned": "MKT-2", "By hand": by_hand["shortLink"]}
