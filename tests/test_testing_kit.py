"""The test kit: the in-memory adapter passes the adapter contract, and the kit's helpers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import (
    Adapter,
    Capabilities,
    ChangeStatus,
    CreateItem,
    Cursor,
    MoveStatus,
    ReadResult,
    Rerank,
    UpdateFields,
)
from agilemarketing.errors import InvalidCursor, InvalidValue, NotFound
from agilemarketing.history import ItemHistory
from agilemarketing.testing import (
    AdapterContract,
    AdapterFactory,
    InMemoryAdapter,
    KeyAssigningAdapter,
    read_state,
    sample_histories,
)


class TestInMemoryAdapter(AdapterContract):
    large_count = 300

    @pytest.fixture
    def make_adapter(self) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            adapter = InMemoryAdapter("contract", {"page_size": 7})
            adapter.seed(histories)
            return adapter

        return make


class _ReadOnlyMemory(InMemoryAdapter):
    """The in-memory adapter with writing switched off, to run the read-only half."""

    name = "memory-readonly"
    capabilities = Capabilities(read=True, incremental_read=False, write=False, rank=False)

    def read(self, since: Cursor | None = None) -> ReadResult:
        full = super().read(None)
        return ReadResult(full.items, full.cursor, complete=True)


class TestReadOnlyAdapterUnderTheContract(AdapterContract):
    preserved_fields = AdapterContract.preserved_fields - {"rank"}

    @pytest.fixture
    def make_adapter(self) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            adapter = _ReadOnlyMemory("contract")
            adapter.seed(histories)
            return adapter

        return make


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def test_sample_histories_are_deterministic_and_ranked_in_key_order() -> None:
    first, second = sample_histories(40), sample_histories(40)
    assert first == second
    ranks = [h.rank or "" for h in first]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == 40


def test_transition_times_come_from_the_clock_option() -> None:
    clock = _Clock()
    adapter = InMemoryAdapter("demo", {"clock": clock})
    adapter.apply(CreateItem("MKT-1", "Launch email", status="To Do"))
    adapter.apply(MoveStatus("MKT-1", "Doing"))
    history = read_state(adapter)["MKT-1"].history
    assert [t.at.minute for t in history.transitions] == [1, 2]
    assert history.created == history.transitions[0].at


def test_a_cursor_from_another_store_is_refused() -> None:
    one, other = InMemoryAdapter("one"), InMemoryAdapter("other")
    cursor = one.read().cursor
    with pytest.raises(InvalidCursor, match="another store"):
        other.read(cursor)


def test_removed_items_are_reported_by_an_incremental_read() -> None:
    adapter = InMemoryAdapter()
    adapter.seed(sample_histories(3))
    cursor = adapter.read().cursor
    adapter.remove("MKT-2")
    result = adapter.read(cursor)
    assert list(result) == []
    assert result.removed == ("MKT-2",)
    assert len(adapter) == 2
    with pytest.raises(NotFound, match="MKT-2"):
        adapter.remove("MKT-2")


def test_seeding_refuses_a_rank_it_cannot_order() -> None:
    adapter = InMemoryAdapter()
    with pytest.raises(InvalidValue, match="MKT-1"):
        adapter.seed([ItemHistory("MKT-1", rank="0|hzzzzz:")])


def test_a_page_size_below_one_is_refused() -> None:
    with pytest.raises(InvalidValue, match="page_size"):
        InMemoryAdapter("x", {"page_size": "0"})


def test_clearing_an_extra_field_removes_it() -> None:
    adapter = InMemoryAdapter()
    adapter.apply(CreateItem("MKT-1", "Post", fields={"channel": "blog"}))
    adapter.apply(UpdateFields("MKT-1", {"channel": None}))
    assert read_state(adapter)["MKT-1"].fields == {}


@given(
    moves=st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 9), st.booleans()), min_size=1, max_size=25
    )
)
def test_reranking_is_always_a_permutation_in_rank_order(
    moves: list[tuple[int, int, bool]],
) -> None:
    adapter = InMemoryAdapter()
    adapter.seed(sample_histories(10))
    order = [f"MKT-{i}" for i in range(1, 11)]
    for step, (item, neighbour, before) in enumerate(moves):
        key, other = order[item], order[neighbour]
        if key == other:
            continue
        # a distinct origin per step: the same rerank planned again later is a new change
        origin = f"step {step}"
        change = (
            Rerank(key, before=other, origin=origin)
            if before
            else Rerank(key, after=other, origin=origin)
        )
        assert adapter.apply(change).ok
        order.remove(key)
        order.insert(order.index(other) + (0 if before else 1), key)
        assert [r.key for r in adapter.read()] == order


@given(count=st.integers(0, 60), page=st.integers(1, 20))
def test_paging_never_loses_or_repeats_an_item(count: int, page: int) -> None:
    adapter = InMemoryAdapter("p", {"page_size": page})
    adapter.seed(sample_histories(count))
    keys = [r.key for r in adapter.read()]
    assert keys == [h.key for h in sample_histories(count)]


def test_an_applied_change_id_is_recognised_even_after_the_state_moved_on() -> None:
    adapter = InMemoryAdapter()
    adapter.seed(sample_histories(2))
    to_done = MoveStatus("MKT-1", "Done")
    assert adapter.apply(to_done).status is ChangeStatus.APPLIED
    assert adapter.apply(MoveStatus("MKT-1", "To Do")).status is ChangeStatus.APPLIED
    # the journal answer of the first move was lost; re-sending it must not move the item again
    assert adapter.apply(to_done).status is ChangeStatus.ALREADY_APPLIED
    assert read_state(adapter)["MKT-1"].history.status == "To Do"


class TestKeyAssigningAdapter(AdapterContract):
    """The key-assigning in-memory board passes the contract, assigned-key checks included."""

    @pytest.fixture
    def make_adapter(self) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            adapter = KeyAssigningAdapter("contract")
            adapter.seed(histories)
            return adapter

        return make
