"""The contract kit's tests for live boards (issue 11, point 8): a 150-transition history, paging
under change, and rank scope, proven on the in-memory boards, and shown to catch the bugs they
are for."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from agilemarketing.adapter import Adapter, Cursor, ItemRecord, ReadResult
from agilemarketing.history import ItemHistory
from agilemarketing.liveboards import PageHook
from agilemarketing.testing import (
    AdapterContract,
    AdapterFactory,
    InMemoryAdapter,
    ListRankedAdapter,
)


class TestInMemoryAdapterUnderChange(AdapterContract):
    """The reference adapter, with the page hook: each read is a snapshot."""

    large_count = 60

    @pytest.fixture
    def make_adapter(self) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            adapter = InMemoryAdapter("contract", {"page_size": 16})
            adapter.seed(histories)
            return adapter

        return make

    def edit_between_pages(self, adapter: Adapter, edit: PageHook) -> bool:
        assert isinstance(adapter, InMemoryAdapter)
        adapter.between_pages(edit)
        return True


class TestListRankedAdapter(AdapterContract):
    """The status-scoped reference passes the whole contract, rank scope included."""

    large_count = 60

    @pytest.fixture
    def make_adapter(self) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            adapter = ListRankedAdapter("contract")
            adapter.seed(histories)
            return adapter

        return make


class _OffsetPaged(InMemoryAdapter):
    """A planted bug: every page is asked for anew by offset in rank order, as a careless REST
    client does, so a re-rank during a read moves items across the page boundary."""

    name = "memory-offset"

    def read(self, since: Cursor | None = None) -> ReadResult:
        cursor = super().read(None).cursor  # its items are never read: no hook fires there
        return ReadResult(self._by_offset(), cursor, complete=True)

    def _by_offset(self) -> Iterator[ItemRecord]:
        offset = 0
        while offset < len(self):
            page = self._ordered()[offset : offset + 16]
            yield from page
            offset += len(page)
            hook, self._page_hook = self._page_hook, None
            if hook is not None:
                hook()


class _OffsetContract(AdapterContract):
    large_count = 60

    def edit_between_pages(self, adapter: Adapter, edit: PageHook) -> bool:
        assert isinstance(adapter, InMemoryAdapter)
        adapter.between_pages(edit)
        return True


def test_the_paging_test_catches_a_read_that_pages_by_offset() -> None:
    def make(histories: Sequence[ItemHistory]) -> Adapter:
        adapter = _OffsetPaged("bad")
        adapter.seed(histories)
        return adapter

    with pytest.raises(AssertionError, match="read twice"):
        _OffsetContract().test_a_read_changed_between_pages_skips_nothing_and_duplicates_nothing(
            make
        )


class _ShortChangelog(InMemoryAdapter):
    """A planted bug: only the first 100 changelog entries are read (one page of Jira's)."""

    name = "memory-short"

    def read(self, since: Cursor | None = None) -> ReadResult:
        import attrs

        full = super().read(since)
        records = [
            attrs.evolve(
                r, history=attrs.evolve(r.history, transitions=r.history.transitions[:100])
            )
            for r in full
        ]
        return ReadResult(iter(records), full.cursor, complete=full.complete)


def test_the_long_history_test_catches_a_changelog_cut_at_one_page() -> None:
    def make(histories: Sequence[ItemHistory]) -> Adapter:
        adapter = _ShortChangelog("short")
        adapter.seed(histories)
        return adapter

    with pytest.raises(AssertionError, match="100 of 150"):
        AdapterContract().test_an_item_with_150_transitions_round_trips(make)


class _BoardRankedClaimingLists(InMemoryAdapter):
    """A planted bug: declares status scope but ranks board-wide (accepts any neighbour)."""

    name = "memory-liar"
    capabilities = ListRankedAdapter.capabilities


def test_the_rank_scope_test_catches_an_adapter_that_ranks_across_statuses() -> None:
    def make(histories: Sequence[ItemHistory]) -> Adapter:
        adapter = _BoardRankedClaimingLists("liar")
        adapter.seed(histories)
        return adapter

    with pytest.raises(AssertionError):
        AdapterContract().test_a_status_scoped_rerank_next_to_another_status_fails_and_changes_nothing(
            make
        )
