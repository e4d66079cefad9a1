"""A hostile user and an unlucky operator against the Trello adapter: each test here failed on
the adapter as it was, and pins the fix."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

import pytest
from agilemarketing_trello.adapter import TrelloAdapter
from agilemarketing_trello.errors import TrelloError, TrelloRemoteError
from fake_trello import KEY, TOKEN, FakeTrello, Fault

from agilemarketing.adapter import AnyChange, ChangeStatus, CreateItem, UpdateFields
from agilemarketing.testing import read_state, sample_histories

Connect = Callable[..., TrelloAdapter]


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and every exception linked to it (causes and contexts), bounded."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(found) < 20:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


@pytest.mark.parametrize(
    "bad", [TOKEN + "\r\n", TOKEN + "\n", " " + TOKEN], ids=["crlf", "lf", "leading space"]
)
def test_a_token_with_a_line_break_is_refused_by_name_and_never_shown(
    fake: FakeTrello, connect: Connect, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    """A token pasted with a line break (a file saved on Windows, ``export T=$(cat f)``):
    requests refuses the header with a message holding the whole header, key and token; that
    error must not ride along as the ``__context__`` of the adapter's error, and the error must
    say which variable to fix rather than blame the connection."""
    monkeypatch.setenv("TRELLO_TOKEN", bad)
    board = fake.seed(sample_histories(1))
    with pytest.raises(TrelloError) as caught:
        read_state(connect(board))
    error = caught.value
    assert "TRELLO_TOKEN" in str(error)
    assert "connection" not in str(error)
    for linked in _chain(error):
        shown = repr(linked) + str(linked) + repr(linked.args)
        assert TOKEN not in shown
        assert KEY not in shown
    assert TOKEN not in "".join(traceback.format_exception(error))
    assert fake.log == []  # nothing was sent


@pytest.mark.parametrize("points", [1234567.0, 12.3456789, 0.1, 1e-7, 2.0**60])
def test_points_reach_trello_with_every_digit(
    fake: FakeTrello, connect: Connect, points: float
) -> None:
    """The points were sent as ``f"{points:g}"``: six significant digits, so 1234567 became
    1.23457e+06 on the card, silently, and reads back as 1234570."""
    board = fake.seed(sample_histories(1))
    adapter = connect(board)
    assert adapter.apply(CreateItem("MKT-40", "Budgeted", status="To Do", points=points)).ok
    assert read_state(adapter)["MKT-40"].history.points == points
    assert adapter.apply(UpdateFields("MKT-1", {"points": points})).ok
    assert read_state(adapter)["MKT-1"].history.points == points
    again = adapter.apply(UpdateFields("MKT-1", {"points": points}))
    assert again.status is ChangeStatus.ALREADY_APPLIED


@pytest.mark.parametrize("points", [float("inf"), float("nan")])
def test_points_that_are_not_finite_fail_before_anything_is_sent(
    fake: FakeTrello, connect: Connect, points: float
) -> None:
    adapter = connect(fake.seed(sample_histories(1)))
    writes = len([e for e in fake.log if e.method != "GET"])
    for change in (
        CreateItem("MKT-41", "Endless", status="To Do", points=points),
        UpdateFields("MKT-1", {"points": points}),
    ):
        result = adapter.apply(change)
        assert result.status is ChangeStatus.FAILED
        assert "points" in str(result.error)
    assert len([e for e in fake.log if e.method != "GET"]) == writes


def _settled(fake: FakeTrello, method: str, pattern: str, count: int) -> None:
    """Wait (bounded in passes, not timed) until ``count`` matching requests were answered."""
    for _ in range(500):
        done = [e for e in fake.requests_to(pattern, method) if e.status != 0]
        if len(done) >= count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"the fake never answered {count} {method} {pattern}")


def test_a_create_whose_answer_is_late_is_not_sent_again(
    fake: FakeTrello, connect: Connect
) -> None:
    """Trello got the create but answered after the read time-out: the card is not there yet
    when the adapter looks for it, so sending the create again made a second card. The create
    now fails as not known to have reached Trello, and the run that repeats it finds the card
    by its marker."""
    board = fake.seed(sample_histories(1))
    fake.faults.append(Fault("POST", r"^/1/cards$", "slow", delay=0.6))
    adapter = connect(board, read_timeout=0.2)
    change = CreateItem("JIRA-5", "Press release", status="To Do")
    with pytest.raises(TrelloRemoteError) as caught:
        adapter.apply(change)
    assert "again" in str(caught.value)
    _settled(fake, "POST", r"^/1/cards$", 1)
    assert len(fake.requests_to(r"^/1/cards$", "POST")) == 1
    assert adapter.apply(change).status is ChangeStatus.ALREADY_APPLIED
    assert len([c for c in fake.cards.values() if c["name"] == "Press release"]) == 1


def test_a_create_answered_504_is_not_sent_again(fake: FakeTrello, connect: Connect) -> None:
    """A gateway time-out: the proxy gave up, Trello may still make the card."""
    board = fake.seed(sample_histories(1))
    fake.faults.append(Fault("POST", r"^/1/cards$", "504"))
    adapter = connect(board)
    with pytest.raises(TrelloRemoteError):
        adapter.apply(CreateItem("JIRA-6", "Press kit", status="To Do"))
    assert len(fake.requests_to(r"^/1/cards$", "POST")) == 1


@pytest.mark.parametrize(
    ("due", "read_back"),
    [
        ("2026-04-01T12:00:00.000Z", "2026-04-01T12:00:00+00:00"),
        ("2026-04-01T14:00:00+02:00", "2026-04-01T12:00:00+00:00"),
        ("2026-04-01", "2026-04-01T00:00:00+00:00"),
        ("2026-04-01T12:00:00.123456+00:00", "2026-04-01T12:00:00.123000+00:00"),
    ],
)
def test_a_due_date_is_written_as_it_reads_back_and_a_repeat_sends_nothing(
    fake: FakeTrello, connect: Connect, due: str, read_back: str
) -> None:
    """The due date went to Trello as given and compared as given: Trello's own spelling
    (``...Z``, milliseconds) never equals the text a change carried, so the same update was
    applied again on every run."""
    board = fake.seed(sample_histories(1))
    adapter = connect(board)
    assert adapter.apply(UpdateFields("MKT-1", {"due": due})).status is ChangeStatus.APPLIED
    assert read_state(adapter)["MKT-1"].fields["due"] == read_back
    writes = len([e for e in fake.log if e.method != "GET"])
    again = adapter.apply(UpdateFields("MKT-1", {"due": due}))
    assert again.status is ChangeStatus.ALREADY_APPLIED
    assert len([e for e in fake.log if e.method != "GET"]) == writes


def test_a_due_date_that_is_no_date_fails_before_anything_is_sent(
    fake: FakeTrello, connect: Connect
) -> None:
    adapter = connect(fake.seed(sample_histories(1)))
    for change in (
        UpdateFields("MKT-1", {"due": "next Tuesday"}),
        CreateItem("MKT-42", "Someday", status="To Do", fields={"due": "soon"}),
    ):
        result = adapter.apply(change)
        assert result.status is ChangeStatus.FAILED
        assert "due" in str(result.error)
    assert [e for e in fake.log if e.method != "GET"] == []


def test_moscow_and_type_labels_of_the_boards_own_spelling_are_reused(
    fake: FakeTrello, connect: Connect
) -> None:
    """A board whose MoSCoW labels are "Must have" and "Won’t" (a typographic apostrophe, as a
    Mac types it) reads them as Must and Won't; writing Must or Won't made a second label,
    "Must" or "Won't", next to the board's own, so the board had two labels of one meaning."""
    board = fake.add_board(lists=["To Do"])
    todo = fake.list_named(board, "To Do")
    own = {
        "Must": fake.add_label(board, "Must have"),
        "Won't": fake.add_label(board, "Won\u2019t"),
        "Email": fake.add_label(board, "Type: Email"),
    }
    fake.create_card(board, todo, "Webinar")
    fake.create_card(board, todo, "Newsletter")
    adapter = connect(board)
    labels_before = set(fake.labels)
    assert adapter.apply(UpdateFields("MKT-1", {"moscow": "must", "type": "Email"})).ok
    assert adapter.apply(UpdateFields("MKT-2", {"moscow": "wont"})).ok
    assert adapter.apply(CreateItem("MKT-3", "Case study", status="To Do", type="Email")).ok
    assert set(fake.labels) == labels_before
    assert fake.card_by_short(board, 1)["idLabels"] == [own["Email"], own["Must"]]
    assert fake.card_by_short(board, 2)["idLabels"] == [own["Won't"]]
    state = read_state(adapter)
    assert (state["MKT-1"].fields["moscow"], state["MKT-1"].history.type) == ("Must", "Email")
    assert state["MKT-2"].fields["moscow"] == "Won't"
    assert state["MKT-3"].history.type == "Email"


def test_a_copy_of_a_created_card_never_takes_its_key(fake: FakeTrello, connect: Connect) -> None:
    """Copying a card in Trello copies its description, marker and all. The key went to
    whichever of the two came first in the board's order, so a copy dragged above the
    original took its key, and the next update of the item changed the copy."""
    board = fake.add_board(lists=["To Do"])
    adapter = connect(board)
    assert adapter.apply(CreateItem("JIRA-9", "Original", status="To Do")).ok
    original = next(c for c in fake.cards.values() if c["name"] == "Original")
    copy = fake.create_card(
        board, original["idList"], "Original (copy)", desc=original["desc"], pos=1.0
    )
    state = read_state(adapter)
    assert state["JIRA-9"].fields["trello_id"] == original["id"]
    keys = {r.history.summary: r.key for r in state.values()}
    assert keys == {"Original": "JIRA-9", "Original (copy)": "MKT-2"}
    assert adapter.apply(UpdateFields("JIRA-9", {"summary": "Original, renamed"})).ok
    assert (original["name"], copy["name"]) == ("Original, renamed", "Original (copy)")


def test_a_name_or_description_beyond_trellos_limit_fails_before_anything_is_sent(
    fake: FakeTrello, connect: Connect
) -> None:
    """Trello takes at most 16,384 characters of name and of description, the marker a
    created card's description ends with included. Such a create made its new labels, then
    Trello refused the card (a 400 raised out of ``apply``); now the change fails unsent."""
    board = fake.seed(sample_histories(1))
    adapter = connect(board)
    writes = len([e for e in fake.log if e.method != "GET"])
    changes: list[AnyChange] = [
        CreateItem(
            "JIRA-1", "Brief", status="To Do", labels=["fresh"], fields={"description": "x" * 16384}
        ),
        CreateItem("JIRA-2", "y" * 16385, status="To Do"),
        UpdateFields("MKT-1", {"summary": "z" * 16385}),
        UpdateFields("MKT-1", {"description": "w" * 16385}),
    ]
    for change in changes:
        result = adapter.apply(change)
        assert result.status is ChangeStatus.FAILED, change
        assert "16384" in str(result.error) or "16,384" in str(result.error)
    assert len([e for e in fake.log if e.method != "GET"]) == writes
    fits = UpdateFields("MKT-1", {"description": "v" * 16384})
    assert adapter.apply(fits).status is ChangeStatus.APPLIED
    assert read_state(adapter)["MKT-1"].fields["description"] == "v" * 16384


def test_deleting_a_card_never_reports_a_live_cards_key_removed(
    fake: FakeTrello, connect: Connect
) -> None:
    """A deleted card is reported under the key its number gives (``MKT-<idShort>``): for a
    card whose key came from its marker, that number may be another live card's key, and the
    sync marked that live item removed."""
    board = fake.seed(sample_histories(2))
    adapter = connect(board)
    assert adapter.apply(CreateItem("MKT-4", "Card number 3", status="To Do")).ok
    assert adapter.apply(CreateItem("MKT-3", "Card number 4", status="To Do")).ok
    first = adapter.read()
    assert {r.key: r.history.summary for r in first}["MKT-3"] == "Card number 4"
    fake.delete_card(fake.card_by_short(board, 3)["id"])  # MKT-4, by its marker
    fake.delete_card(fake.card_by_short(board, 1)["id"])  # MKT-1
    changed = adapter.read(first.cursor)
    assert "MKT-3" not in changed.removed
    assert "MKT-1" in changed.removed
    assert "MKT-3" in read_state(adapter)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", r"^/1/boards/[^/]+$"),
        ("GET", r"/actions$"),
        ("GET", r"^/1/batch$"),
        ("POST", r"^/1/cards$"),
        ("POST", r"^/1/labels$"),
    ],
)
def test_an_answer_that_is_not_trellos_json_is_the_adapters_error(
    fake: FakeTrello, connect: Connect, method: str, path: str
) -> None:
    """A proxy or captive portal answering 200 with a page of its own: msgspec's DecodeError
    went out of the adapter as it was, naming neither the request nor what to do."""
    board = fake.seed(sample_histories(2))
    adapter = connect(board)
    first = adapter.read()
    list(first)
    fake.move_card(fake.card_by_short(board, 1)["id"], fake.list_named(board, "Done"))
    fake.faults.append(Fault(method, path, "html"))
    create = CreateItem("JIRA-1", "Landing page", status="To Do", labels=["new"])
    run = (
        (lambda: list(adapter.read(first.cursor)))
        if method == "GET"
        else (lambda: adapter.apply(create))
    )
    with pytest.raises(TrelloRemoteError) as caught:
        run()
    assert "api_url" in str(caught.value)
    assert caught.value.path.startswith("/1/")


@pytest.mark.parametrize("ms", ["99999999999999999999", "999999999999999999999999999"])
def test_a_cursor_whose_time_is_out_of_range_is_an_invalid_cursor(
    fake: FakeTrello, connect: Connect, ms: str
) -> None:
    """A cursor token edited by hand (or cut and pasted wrong) with a time past year 9999:
    ``datetime.fromtimestamp`` raised a bare OverflowError or OSError."""
    from agilemarketing.adapter import Cursor
    from agilemarketing.errors import InvalidCursor

    board = fake.seed(sample_histories(1))
    with pytest.raises(InvalidCursor):
        connect(board).read(Cursor(f"trello:{board}:{'a' * 24}:{ms}"))


def test_a_card_deleted_while_its_history_is_asked_for_does_not_fail_the_read(
    fake: FakeTrello, connect: Connect
) -> None:
    """The snapshot holds the card, and by the time its actions are asked for (the batch) it
    is deleted: Trello answers that route 404, and the whole read failed, telling the user to
    check the board id. The card is left for the next read, which sees its deletion."""
    board = fake.seed(sample_histories(3))
    adapter = connect(board)
    first = adapter.read()
    list(first)
    done = fake.list_named(board, "Done")
    doomed, kept = fake.card_by_short(board, 1)["id"], fake.card_by_short(board, 2)["id"]
    fake.move_card(doomed, done)
    fake.move_card(kept, done)
    fake.faults.append(Fault("GET", r"^/1/batch$", "hook", hook=lambda f: f.delete_card(doomed)))
    changed = adapter.read(first.cursor)
    assert [r.key for r in changed] == ["MKT-2"]
    assert changed.removed == ()
    after = adapter.read(changed.cursor)
    assert after.removed == ("MKT-1",)


def test_a_429_with_retry_after_waits_as_long_as_it_asks(
    fake: FakeTrello, connect: Connect
) -> None:
    """Trello's 429 carries no Retry-After, but a proxy's may: the client waited only for
    its own window (about 10 s) and spent its retries while the server still refused."""
    waits: list[float] = []
    board = fake.seed(sample_histories(2))
    fake.retry_after = "30"
    fake.faults.append(Fault("GET", r"/actions$", "429"))
    assert sorted(read_state(connect(board, sleep=waits.append))) == ["MKT-1", "MKT-2"]
    assert len(waits) == 1
    assert waits[0] >= 30


def test_a_429_asking_for_a_wait_of_hours_fails_at_once_and_says_how_long(
    fake: FakeTrello, connect: Connect
) -> None:
    waits: list[float] = []
    board = fake.seed(sample_histories(2))
    fake.retry_after = "7200"
    fake.faults.append(Fault("GET", r"/actions$", "429"))
    with pytest.raises(TrelloRemoteError) as caught:
        read_state(connect(board, sleep=waits.append))
    assert caught.value.status == 429
    assert "7200" in str(caught.value)
    assert waits == []


def test_a_card_position_beyond_what_a_rank_holds_names_the_card(
    fake: FakeTrello, connect: Connect
) -> None:
    """A card placed through the API at ``pos`` 1e16 (past 36**10): ``rank_from_pos`` raised a
    bare ValueError out of the read."""
    from agilemarketing_trello.errors import TrelloDataError

    board = fake.add_board(lists=["To Do"])
    card = fake.create_card(board, fake.list_named(board, "To Do"), "Far away", pos=1e16)
    with pytest.raises(TrelloDataError) as caught:
        read_state(connect(board))
    assert card["shortLink"] in str(caught.value)
    assert "position" in str(caught.value)


@pytest.mark.parametrize("text", ["Brief ", "Brief\n", "Steps:\n\n1. draft\n\n", "\t"])
def test_a_created_cards_description_reads_back_exactly(
    fake: FakeTrello, connect: Connect, text: str
) -> None:
    """The marker's pattern took every blank before it, so a description ending in a space or
    a line break read back without it: an update never held (applied again on each run), and
    a later change in the source was a false conflict with the target."""
    board = fake.seed(sample_histories(1))
    adapter = connect(board)
    create = CreateItem("JIRA-3", "Brief", status="To Do", fields={"description": text})
    assert adapter.apply(create).status is ChangeStatus.APPLIED
    assert read_state(adapter)["JIRA-3"].fields.get("description") == text
    assert adapter.apply(create).status is ChangeStatus.ALREADY_APPLIED
    update = UpdateFields("JIRA-3", {"description": text + "more "})
    assert adapter.apply(update).status is ChangeStatus.APPLIED
    assert adapter.apply(update).status is ChangeStatus.ALREADY_APPLIED


def test_a_read_only_token_writing_is_told_to_get_write_scope_not_that_it_expired(
    fake: FakeTrello, connect: Connect
) -> None:
    """Trello's authorise page gives a read-only token unless asked for ``scope=read,write``;
    a write with it is a 401 "unauthorized permission requested". The error said the token
    may be revoked or expired, sending the user after the wrong problem."""
    from agilemarketing_trello.errors import TrelloAuthenticationFailed

    board = fake.seed(sample_histories(1))
    fake.read_only = True
    adapter = connect(board)
    assert sorted(read_state(adapter)) == ["MKT-1"]
    with pytest.raises(TrelloAuthenticationFailed) as caught:
        adapter.apply(UpdateFields("MKT-1", {"summary": "Renamed"}))
    assert "write" in str(caught.value)
    assert "expire" not in str(caught.value)
    assert caught.value.variable == "TRELLO_TOKEN"


def test_a_trello_board_copies_into_another_trello_board(
    fake: FakeTrello, connect: Connect
) -> None:
    """Every card read from Trello carries its ``trello_id`` and ``short_link``: a sync from
    one board into another failed every create ("a Trello card has no field 'short_link',
    'trello_id'"), fields no card can be given since Trello assigns them."""
    from agilemarketing.mirror import Mirror
    from agilemarketing.sync import apply, plan

    source = connect(fake.seed(sample_histories(3)))
    target = connect(fake.add_board("Copy", lists=["To Do", "In Progress", "Review", "Done"]))
    with Mirror(":memory:") as mirror:
        report = apply(plan(source, target, mirror))
        assert (report.applied, report.failed) == (3, ())
        again = plan(source, target, mirror)
        assert (again.changes, again.conflicts) == ((), ())
    copied = read_state(target)
    assert sorted(copied) == ["MKT-1", "MKT-2", "MKT-3"]
    assert {r.fields["trello_id"] for r in copied.values()}.isdisjoint(
        r.fields["trello_id"] for r in read_state(source).values()
    )


def test_a_field_no_card_has_fails_saying_how_to_leave_it_out(
    fake: FakeTrello, connect: Connect
) -> None:
    result = connect(fake.seed(sample_histories(1))).apply(UpdateFields("MKT-1", {"reach": 9}))
    assert result.status is ChangeStatus.FAILED
    assert "ignore" in str(result.error)


def test_an_archived_card_copies_as_an_archived_card(fake: FakeTrello, connect: Connect) -> None:
    """A card read from Trello archived carries ``archived: True``; writing it failed ("no field
    'archived'"), so an archived card of one board could not be copied into another."""
    board = fake.seed(sample_histories(1))
    adapter = connect(board)
    create = CreateItem("JIRA-8", "Old campaign", status="To Do", fields={"archived": True})
    assert adapter.apply(create).status is ChangeStatus.APPLIED
    card = next(c for c in fake.cards.values() if c["name"] == "Old campaign")
    assert card["closed"] is True
    assert read_state(adapter)["JIRA-8"].fields["archived"] is True
    assert adapter.apply(create).status is ChangeStatus.ALREADY_APPLIED
    restore = UpdateFields("JIRA-8", {"archived": None})
    assert adapter.apply(restore).status is ChangeStatus.APPLIED
    assert card["closed"] is False
    assert "archived" not in read_state(adapter)["JIRA-8"].fields
    assert adapter.apply(UpdateFields("JIRA-8", {"archived": False})).status is (
        ChangeStatus.ALREADY_APPLIED
    )
    bad = adapter.apply(UpdateFields("JIRA-8", {"archived": "soon"}))
    assert bad.status is ChangeStatus.FAILED


def test_a_missing_list_between_two_lists_of_one_position_fails_as_the_adapters_error(
    fake: FakeTrello, connect: Connect
) -> None:
    """Lists placed through the API at one position leave no position between them for a
    list the ``lists`` option makes: ``pos_between`` raised a bare ValueError out of apply."""
    board = fake.add_board("Copy")
    fake.add_list(board, "Backlog", pos=100.0)
    fake.add_list(board, "Done", pos=100.0)
    adapter = connect(board, lists="Backlog,Doing,Done")
    result = adapter.apply(CreateItem("JIRA-1", "Launch", status="Doing"))
    assert result.status is ChangeStatus.FAILED
    assert "Doing" in str(result.error)
    assert fake.requests_to(r"^/1/(cards|lists)$", "POST") == []


@pytest.mark.parametrize(
    ("option", "value"),
    [("retries", -1), ("read_timeout", 0), ("connect_timeout", -5.0), ("backoff", -0.5)],
)
def test_an_option_out_of_range_is_refused_by_name(
    fake: FakeTrello, connect: Connect, option: str, value: float
) -> None:
    """``retries = -1`` made the request loop run no pass and end in ``AssertionError
    ("unreachable")``; a time-out of 0 or below is requests' bare ValueError."""
    from agilemarketing.errors import InvalidValue

    board = fake.seed(sample_histories(1))
    with pytest.raises(InvalidValue, match=option):
        read_state(connect(board, **{option: value}))
    assert fake.log == []


def test_a_list_named_with_a_wip_limit_in_the_lists_option_is_made_once(
    fake: FakeTrello, connect: Connect
) -> None:
    """``lists = "Backlog,Doing [3],Done"`` (a WIP limit for the mirrored board): the list
    made reads as the status "Doing", never as "Doing [3]", so every create and move made
    another "Doing [3]" list."""
    board = fake.add_board("Copy")
    adapter = connect(board, lists="Backlog,Doing [3],Done")
    for n, status in enumerate(["Backlog", "Doing", "Done", "Doing"], start=1):
        result = adapter.apply(CreateItem(f"JIRA-{n}", f"Item {n}", status=status))
        assert result.status is ChangeStatus.APPLIED, result.error
    names = sorted(
        (x for x in fake.lists.values() if x["idBoard"] == board), key=lambda x: x["pos"]
    )
    assert [x["name"] for x in names] == ["Backlog", "Doing [3]", "Done"]
    assert adapter.board().stages[1].wip_max == 3
    assert read_state(adapter)["JIRA-2"].history.status == "Doing"
