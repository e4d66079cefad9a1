"""The adapter contract's values: changes and their ids, records, results, URLs, the base class."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import (
    Adapter,
    AdapterUrl,
    AnyChange,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    MoveStatus,
    ReadResult,
    Rerank,
    UpdateFields,
    apply_change,
    change_from_dict,
    is_rank,
    parse_adapter_url,
    rank_between,
)
from agilemarketing.errors import (
    AdapterUrlError,
    ChangeConflict,
    InvalidValue,
    MissingSecret,
    NotFound,
    UnsupportedChange,
)
from agilemarketing.history import ItemHistory

ROOT = Path(__file__).resolve().parent.parent

# --- strategies ---------------------------------------------------------------------------

keys = st.from_regex(r"[A-Z]{2,4}-[1-9][0-9]{0,3}", fullmatch=True)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
labels = st.lists(st.text(min_size=1, max_size=8), max_size=3).map(tuple)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), text, st.floats(allow_nan=False)
)
field_maps = st.dictionaries(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), scalars, max_size=3)
origins = st.sampled_from(["", "sync 1", "sync 2"])


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
        )
    if kind == "update":
        values = draw(field_maps.map(lambda m: {f"x_{k}": v for k, v in m.items()}))
        values["summary"] = draw(text)
        return UpdateFields(key, values, origin=origin)
    if kind == "move":
        return MoveStatus(
            key, draw(text.filter(str.strip)), from_status=draw(st.none() | text), origin=origin
        )
    neighbour = draw(keys.filter(lambda k: k != key))
    if draw(st.booleans()):
        return Rerank(key, before=neighbour, origin=origin)
    return Rerank(key, after=neighbour, origin=origin)


# --- change ids ---------------------------------------------------------------------------


@given(changes())
def test_a_change_survives_its_dict_form_with_the_same_id(change: AnyChange) -> None:
    again = change_from_dict(change.as_dict())
    assert again == change
    assert type(again) is type(change)
    assert again.change_id == change.change_id


@given(changes(), changes())
def test_different_changes_have_different_ids(a: AnyChange, b: AnyChange) -> None:
    if a.as_dict() != b.as_dict():
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


# --- change validation --------------------------------------------------------------------


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


# --- records and results ------------------------------------------------------------------


def test_a_record_is_a_hashable_frozen_value() -> None:
    record = ItemRecord(ItemHistory("MKT-1", status="Done"), fields={"b": 1, "a": ["x"]})
    assert list(record.fields) == ["a", "b"]
    assert record.fields["a"] == ("x",)
    with pytest.raises(TypeError):
        record.fields["c"] = 3  # type: ignore[index]
    assert hash(record) == hash(ItemRecord(ItemHistory("MKT-1", status="Done"), fields={}))
    assert record.get("status") == "Done"
    assert record.key == "MKT-1"


def test_a_record_refuses_a_naive_update_time() -> None:
    from datetime import datetime

    with pytest.raises(InvalidValue, match="timezone"):
        ItemRecord(ItemHistory("MKT-1"), updated=datetime(2026, 1, 1))


def test_a_failed_result_carries_its_error_and_only_then() -> None:
    change = MoveStatus("MKT-1", "Done")
    error = NotFound("item", "MKT-1")
    failed = ChangeResult(change, ChangeStatus.FAILED, error=error)
    assert not failed.ok
    assert failed.key == "MKT-1"
    with pytest.raises(InvalidValue):
        ChangeResult(change, ChangeStatus.FAILED)
    with pytest.raises(InvalidValue):
        ChangeResult(change, ChangeStatus.APPLIED, error=error)
    created = ChangeResult(CreateItem("tmp-1", "X"), ChangeStatus.APPLIED, key="JIRA-77")
    assert created.key == "JIRA-77"


def test_a_read_result_is_iterated_once() -> None:
    result = ReadResult([ItemRecord(ItemHistory("MKT-1"))], Cursor(7), complete=False)
    assert result.cursor == Cursor("7")
    assert [r.key for r in result] == ["MKT-1"]
    assert list(result) == []


# --- capabilities -------------------------------------------------------------------------


def test_capabilities_decide_which_changes_are_supported() -> None:
    read_only = Capabilities()
    ranked = Capabilities(write=True, rank=True, history="observed")
    move, rerank = MoveStatus("A-1", "Done"), Rerank("A-1", before="A-2")
    assert not read_only.supports(move)
    assert not read_only.supports(rerank)
    assert ranked.supports(move)
    assert ranked.supports(rerank)
    assert ranked.history is HistoryFidelity.OBSERVED
    assert not Capabilities(rank=True).supports(rerank)


# --- URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name", "location"),
    [
        ("csv:exports/board.csv", "csv", "exports/board.csv"),
        ("mirror:", "mirror", ""),
        ("jira-csv:C:/exports/x.csv", "jira-csv", "C:/exports/x.csv"),
        ("jira:https://example.atlassian.net", "jira", "https://example.atlassian.net"),
    ],
)
def test_an_adapter_url_splits_at_the_first_colon(url: str, name: str, location: str) -> None:
    parsed = parse_adapter_url(url)
    assert parsed == AdapterUrl(name, location)
    assert str(parsed) == url


@pytest.mark.parametrize("url", ["board.csv", "C:\\exports\\x.csv", "CSV:x", ":x", ""])
def test_a_url_without_an_adapter_name_is_refused(url: str) -> None:
    with pytest.raises(AdapterUrlError) as caught:
        parse_adapter_url(url)
    assert caught.value.url == url
    assert "<adapter>:<location>" in str(caught.value)


# --- the base class -----------------------------------------------------------------------


class TokenAdapter(Adapter):
    """A read-only adapter that needs a token."""

    name: ClassVar[str] = "token-test"

    def __init__(self, location: str = "", options: dict[str, object] | None = None) -> None:
        super().__init__(location, options)
        self.closed = False

    def read(self, since: Cursor | None = None) -> ReadResult:
        token = self.secret(self.option("token_env", "TOKEN_TEST_TOKEN"))
        raise NotFound("board", f"{self.location}?token={token}", where=self.redact(self.url))

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("option", ["token", "password", "api_key", "client_secret"])
def test_secret_values_are_refused_as_options(option: str) -> None:
    with pytest.raises(InvalidValue, match=f"{option}_env") as caught:
        TokenAdapter("x", {option: "hunter2"})
    assert "hunter2" not in str(caught.value)


def test_a_secret_comes_from_the_environment_and_never_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    adapter = TokenAdapter("board-7", {"token_env": "MY_TOKEN"})
    monkeypatch.delenv("MY_TOKEN", raising=False)
    with pytest.raises(MissingSecret, match="MY_TOKEN") as caught:
        adapter.read()
    assert caught.value.variable == "MY_TOKEN"
    monkeypatch.setenv("MY_TOKEN", "s3cr3t-value")
    with pytest.raises(NotFound):
        adapter.read()
    assert adapter.secret("MY_TOKEN") == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(adapter)
    assert adapter.redact("GET ?token=s3cr3t-value") == "GET ?token=***"


def test_options_convert_to_the_type_of_their_default() -> None:
    adapter = TokenAdapter("x", {"page": "50", "strict": "no", "ratio": "0.5", "n": 3})
    assert adapter.option("page", 10) == 50
    assert adapter.option("strict", True) is False
    assert adapter.option("ratio", 1.0) == 0.5
    assert adapter.option("n", 1) == 3
    assert adapter.option("absent", "default") == "default"
    with pytest.raises(InvalidValue, match="'page'"):
        TokenAdapter("x", {"page": "many"}).option("page", 10)
    with pytest.raises(InvalidValue, match="'strict'"):
        TokenAdapter("x", {"strict": "perhaps"}).option("strict", False)


def test_options_are_a_read_only_copy() -> None:
    given_options: dict[str, object] = {"page": "5"}
    adapter = TokenAdapter("x", given_options)
    given_options["page"] = "6"
    assert adapter.options["page"] == "5"
    with pytest.raises(TypeError):
        adapter.options["page"] = "7"  # type: ignore[index]


def test_from_url_checks_the_adapter_name() -> None:
    assert TokenAdapter.from_url("token-test:board").location == "board"
    with pytest.raises(AdapterUrlError, match="not a 'token-test' adapter URL"):
        TokenAdapter.from_url("csv:board.csv")


def test_the_base_class_refuses_every_write_up_front() -> None:
    adapter = TokenAdapter("x")
    with pytest.raises(UnsupportedChange, match="token-test") as caught:
        adapter.write([MoveStatus("A-1", "Done")])
    assert caught.value.operation == "writing"
    with pytest.raises(UnsupportedChange, match="re-ranking"):
        adapter.apply(Rerank("A-1", before="A-2"))


def test_only_the_four_change_types_are_accepted() -> None:
    from agilemarketing.adapter import Change
    from agilemarketing.testing import InMemoryAdapter

    with pytest.raises(InvalidValue, match="Change is not a change this library defines"):
        InMemoryAdapter().apply(Change("MKT-1"))  # type: ignore[arg-type]


def test_an_adapter_is_a_context_manager_that_closes() -> None:
    with TokenAdapter("x") as adapter:
        assert not adapter.closed
    assert adapter.closed


# --- ranks --------------------------------------------------------------------------------

ranks = st.from_regex(r"[0-9a-z]{0,5}[1-9a-z]", fullmatch=True)


@given(ranks, ranks)
def test_rank_between_sorts_strictly_between(a: str, b: str) -> None:
    if a == b:
        return
    low, high = sorted([a, b])
    middle = rank_between(low, high)
    assert low < middle < high
    assert is_rank(middle)


@given(ranks)
def test_rank_between_opens_room_at_both_ends(rank: str) -> None:
    above, below = rank_between(None, rank), rank_between(rank, None)
    assert above < rank < below
    assert is_rank(above)
    assert is_rank(below)


def _always_first(count: int) -> Iterator[str]:
    rank: str | None = None
    for _ in range(count):
        rank = rank_between(None, rank)
        yield rank


def test_ranks_grow_slowly_when_inserting_at_the_top_again_and_again() -> None:
    placed = list(_always_first(200))
    assert placed == sorted(placed, reverse=True)
    assert max(len(r) for r in placed) <= 40


@pytest.mark.parametrize(("low", "high"), [("b", "a"), ("a", "a"), ("A", None), (None, "a0")])
def test_rank_between_refuses_bad_bounds(low: str | None, high: str | None) -> None:
    with pytest.raises(InvalidValue):
        rank_between(low, high)


# --- the template distribution ------------------------------------------------------------


def test_the_adapter_template_passes_its_own_tests_once_copied(tmp_path: Path) -> None:
    copy = tmp_path / "agilemarketing-mytool"
    shutil.copytree(ROOT / "adapters" / "_template", copy)
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert " passed" in completed.stdout


def test_records_are_comparable_after_evolve() -> None:
    record = ItemRecord(ItemHistory("MKT-1", status="To Do"))
    moved = attrs.evolve(record, history=attrs.evolve(record.history, status="Done"))
    assert moved != record
    assert moved.get("status") == "Done"


# --- apply_change: the change rules every record-keeping adapter shares ---------------------

AT = datetime(2026, 3, 2, tzinfo=UTC)


def _board(*histories: ItemHistory) -> dict[str, ItemRecord]:
    return {h.key: ItemRecord(h) for h in histories}


@given(st.lists(changes(), max_size=12))
def test_apply_change_never_touches_the_board_and_a_second_application_is_none(
    plan: list[AnyChange],
) -> None:
    board = _board(ItemHistory("MKT-1", summary="Launch", status="To Do", rank="i"))
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


def test_apply_change_appends_a_move_at_now_and_refuses_a_stale_one() -> None:
    board = _board(ItemHistory("MKT-1", status="Doing"))
    moved = apply_change(MoveStatus("MKT-1", "Done", from_status="Doing"), board, now=AT, where="x")
    assert moved is not None
    assert [(t.at, t.from_status, t.to_status) for t in moved.history.transitions] == [
        (AT, "Doing", "Done")
    ]
    with pytest.raises(ChangeConflict, match="'To Do'"):
        apply_change(MoveStatus("MKT-1", "Done", from_status="To Do"), board, now=AT, where="x")


def test_apply_change_names_a_missing_item_or_neighbour() -> None:
    board = _board(ItemHistory("MKT-1", rank="i"))
    with pytest.raises(NotFound, match="MKT-9"):
        apply_change(UpdateFields("MKT-9", {"summary": "x"}), board, now=AT, where="x")
    with pytest.raises(NotFound, match="MKT-7"):
        apply_change(Rerank("MKT-1", before="MKT-7"), board, now=AT, where="x")


def test_apply_change_ranks_new_items_last_or_as_told() -> None:
    board = _board(ItemHistory("MKT-1", rank="i"), ItemHistory("MKT-2", rank="0|hzz:"))
    created = apply_change(CreateItem("MKT-3", "New"), board, now=AT, where="x")
    assert created is not None
    assert created.history.rank is not None
    assert created.history.rank > "i"
    told = apply_change(CreateItem("MKT-4"), board, now=AT, where="x", new_rank=lambda: "k")
    assert told is not None
    assert told.history.rank == "k"


def test_apply_change_refuses_to_rank_between_foreign_ranks() -> None:
    board = _board(ItemHistory("A", rank="0|a:"), ItemHistory("B", rank="0|b:"), ItemHistory("C"))
    with pytest.raises(InvalidValue, match="ranks"):
        apply_change(Rerank("C", before="B"), board, now=AT, where="x")


def test_appending_at_the_bottom_keeps_ranks_short() -> None:
    # halving the room above the last rank would add a digit every few appends
    rank = rank_between(None, None)
    ranks = [rank]
    for _ in range(20_000):
        rank = rank_between(rank, None)
        ranks.append(rank)
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)
    assert max(len(r) for r in ranks) <= 6


def test_seeding_thousands_of_unranked_items_puts_them_at_the_bottom_in_order() -> None:
    from agilemarketing.testing import InMemoryAdapter

    board = InMemoryAdapter("seeded")
    board.seed(ItemHistory(f"K-{i}", summary=f"item {i}") for i in range(8_000))
    records = list(board.read().items)
    ranks = [r.history.rank or "" for r in records]
    assert len(ranks) == 8_000
    assert max(len(r) for r in ranks) <= 6
    by_rank = [r.key for r in sorted(records, key=lambda r: r.history.rank or "")]
    assert by_rank == [f"K-{i}" for i in range(8_000)]
