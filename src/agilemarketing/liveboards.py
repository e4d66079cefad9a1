"""The live-board part of the adapter test kit: a board ranked per status, and the contract
tests real boards need (:class:`LiveBoardContract`, part of
:class:`agilemarketing.testing.AdapterContract`).

:class:`ListRankedAdapter` (name ``memory-lists``) is an in-memory board whose order is kept
within each status, as Trello orders cards within a list
(``Capabilities.rank_scope == RankScope.STATUS``): the reference for status-scoped adapters.

>>> from agilemarketing.history import ItemHistory
>>> board = ListRankedAdapter("demo")
>>> board.seed([ItemHistory("A", status="To Do"), ItemHistory("B", status="Done"),
...             ItemHistory("C", status="To Do")])
>>> board.apply(Rerank("C", before="A")).status.value
'applied'
>>> board.apply(Rerank("C", before="B")).status.value   # B is in another status
'failed'
>>> [r.key for r in board.read()]
['C', 'A', 'B']
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import attrs

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    MoveStatus,
    RankScope,
    ReadResult,
    Rerank,
    UpdateFields,
    apply_change,
    is_rank,
    rank_between,
    rank_order,
)
from agilemarketing.errors import AgileMarketingError, ChangeConflict
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.utc import utcnow

__all__ = ["ListRankedAdapter", "LiveBoardContract", "PageHook", "per_status"]

#: What :meth:`LiveBoardContract.edit_between_pages` is given: the edit to make mid-read.
PageHook = Callable[[], None]

_STATUSES = ("To Do", "In Progress", "Review")


def per_status(adapter: Adapter) -> dict[str, list[str]]:
    """Each status's keys in the adapter's order (what a status-scoped order is compared by).

    >>> board = ListRankedAdapter("demo")
    >>> board.seed([ItemHistory("A", status="To Do"), ItemHistory("B", status="Done")])
    >>> per_status(board)
    {'To Do': ['A'], 'Done': ['B']}
    """
    records = sorted(adapter.read(None), key=rank_order)
    lists: dict[str, list[str]] = {}
    for record in records:
        lists.setdefault(record.history.status, []).append(record.key)
    return lists


class ListRankedAdapter(Adapter):
    """An in-memory board ranked within each status (name ``memory-lists``): writable, with
    exact history, full reads only. A :class:`Rerank` names a neighbour in the item's own
    status (another status's item is a :class:`~agilemarketing.errors.ChangeConflict`), and is
    already applied when the item sits there among its status's items."""

    name: ClassVar[str] = "memory-lists"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True,
        write=True,
        rank=True,
        rank_scope=RankScope.STATUS,
        history=HistoryFidelity.EXACT,
    )
    known_options: ClassVar[frozenset[str] | None] = frozenset()

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        self._items: dict[str, ItemRecord] = {}
        self._applied: dict[str, str] = {}

    def seed(self, items: Iterable[ItemHistory | ItemRecord]) -> None:
        """Add items as they are; unranked ones go to the bottom."""
        for item in items:
            record = item if isinstance(item, ItemRecord) else ItemRecord(item)
            if record.history.rank is None or not is_rank(record.history.rank):
                ranks = [r.history.rank for r in self._items.values() if r.history.rank]
                rank = rank_between(max(ranks) if ranks else None, None)
                record = attrs.evolve(record, history=attrs.evolve(record.history, rank=rank))
            self._items[record.key] = record

    def read(self, since: Cursor | None = None) -> ReadResult:
        """Every item, in rank order (each status's items in their order)."""
        snapshot = sorted(self._items.values(), key=rank_order)
        return ReadResult(iter(snapshot), Cursor(str(len(self._applied))), complete=True)

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change; a rerank within the item's status only."""
        self.check_supports(change)
        done = self._applied.get(change.change_id)
        if done is not None:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED, key=done)
        board: dict[str, ItemRecord] = self._items
        try:
            if isinstance(change, Rerank):
                board = self._status_of_rerank(change)
            record = apply_change(change, board, now=utcnow(), where=self.url)
        except AgileMarketingError as error:
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        self._applied[change.change_id] = change.key
        if record is None:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
        self._items[record.key] = record
        return ChangeResult(change, ChangeStatus.APPLIED)

    def _status_of_rerank(self, change: Rerank) -> dict[str, ItemRecord]:
        """The records of the rerank's status (the board it is applied on); a neighbour in
        another status is a conflict. Unknown keys are left to apply_change (NotFound)."""
        item, neighbour = self._items.get(change.key), self._items.get(change.neighbour)
        if item is None or neighbour is None:
            return self._items
        status = item.history.status
        if neighbour.history.status != status:
            raise ChangeConflict(
                change.key,
                expected=f"neighbour {change.neighbour} in the item's status {status!r}",
                found=f"{change.neighbour} in {neighbour.history.status!r}",
                where=f"{self.url}, item {change.key} (ranked within its status)",
            )
        return {k: r for k, r in self._items.items() if r.history.status == status}


def _long_history(key: str, count: int) -> ItemHistory:
    """An item with ``count`` transitions, an hour apart, back and forth between statuses."""
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    transitions = [Transition(start, None, _STATUSES[0])]
    transitions += [
        Transition(start + timedelta(hours=n), _STATUSES[(n - 1) % 3], _STATUSES[n % 3])
        for n in range(1, count)
    ]
    return ItemHistory(
        key,
        summary="An item that went back and forth",
        type="Campaign",
        status=transitions[-1].to_status,
        created=start,
        transitions=transitions,
    )


def _pytest() -> Any:
    import pytest

    return pytest


class LiveBoardContract(abc.ABC):
    """The tests real boards add to the contract: long histories, paging under change, and the
    declared rank scope. Part of :class:`~agilemarketing.testing.AdapterContract`, which
    gives the two abstract methods below; override :meth:`edit_between_pages` to run the
    paging test.
    """

    large_count: ClassVar[int] = 250
    preserved_fields: ClassVar[frozenset[str]] = frozenset()

    @abc.abstractmethod
    def _adapter(self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]) -> Adapter:
        """An adapter over a few sample items, made by ``make_adapter``."""

    @abc.abstractmethod
    def _histories(self, count: int) -> list[ItemHistory]:
        """``count`` sample item histories."""

    def edit_between_pages(self, adapter: Adapter, edit: PageHook) -> bool:
        """Arrange for ``edit()`` to run once, after the first page of ``adapter``'s next full
        read and before the second (a fake server calls it when the second page is asked
        for); return True. The default returns False and the test is skipped. For a
        read-only adapter, the hook may change the source itself instead of calling ``edit``
        (which writes through the adapter)."""
        return False

    # --- long histories ---------------------------------------------------------------------------

    def test_an_item_with_150_transitions_round_trips(
        self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]
    ) -> None:
        """Every transition of a long history comes back, in order (a tool pages an issue's
        changelog: Jira 100 entries a page)."""
        history = _long_history("MKT-150", 150)
        adapter = make_adapter([history])
        fidelity = adapter.capabilities.history
        if fidelity is HistoryFidelity.NONE or "transitions" not in self.preserved_fields:
            _pytest().skip(f"{adapter.name} keeps no transitions")
        (record,) = list(adapter.read(None))
        got = record.history
        assert got.status == history.status
        assert len(got.transitions) == 150, f"{len(got.transitions)} of 150 transitions read back"
        if fidelity is HistoryFidelity.EXACT:
            assert got.transitions == history.transitions
        else:
            assert [(t.from_status, t.to_status) for t in got.transitions] == [
                (t.from_status, t.to_status) for t in history.transitions
            ]

    # --- paging under change ----------------------------------------------------------------------

    def test_a_read_changed_between_pages_skips_nothing_and_duplicates_nothing(
        self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]
    ) -> None:
        seeded = self._histories(self.large_count)
        adapter = make_adapter(seeded)
        edited: list[str] = []

        def edit() -> None:
            edited.extend(self._edit(adapter, [h.key for h in seeded]))

        if not self.edit_between_pages(adapter, edit):
            _pytest().skip(f"{type(self).__name__} defines no edit_between_pages hook")
        result = adapter.read(None)
        keys = [r.key for r in result]
        if adapter.capabilities.write:
            assert edited, "the edit_between_pages hook never ran during the read"
        twice = sorted({k for k in keys if keys.count(k) > 1})
        missing = sorted({h.key for h in seeded} - set(keys))
        assert not twice, f"read twice while the board changed between pages: {twice[:5]}"
        assert not missing, f"skipped while the board changed between pages: {missing[:5]}"
        if edited and adapter.capabilities.incremental_read:
            again = {r.key for r in adapter.read(result.cursor)}
            assert set(edited) <= again, "an item edited during a read is missed by the next one"

    def _edit(self, adapter: Adapter, keys: list[str]) -> list[str]:
        """Edits that move items across pages in the usual page orders (by rank, by last
        update): the first item retitled and moved, the last ranked to the top."""
        if not adapter.capabilities.write:
            return []
        first, last = keys[0], keys[-1]
        changes: list[AnyChange] = [
            UpdateFields(first, {"summary": "Edited while a read was paging"}),
            MoveStatus(first, "Review"),
        ]
        if adapter.capabilities.rank and adapter.capabilities.rank_scope is RankScope.BOARD:
            changes.append(Rerank(last, before=first))
        for change in changes:
            assert adapter.apply(change).ok, change.describe()
        return sorted({c.key for c in changes})

    # --- rank scope -------------------------------------------------------------------------------

    def test_a_rerank_orders_items_within_the_declared_rank_scope(
        self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]
    ) -> None:
        """MKT-1 and MKT-5 share a status, with other statuses' items between them; moving
        MKT-5 above MKT-1 reorders that status and leaves every other status's order."""
        adapter = self._adapter(make_adapter)
        caps = adapter.capabilities
        if not (caps.write and caps.rank):
            _pytest().skip(f"{adapter.name} does not re-rank")
        before = per_status(adapter)
        status = next(s for s, keys in before.items() if "MKT-1" in keys)
        assert before[status] == ["MKT-1", "MKT-5"], before
        assert adapter.apply(Rerank("MKT-5", before="MKT-1")).status is ChangeStatus.APPLIED
        after = per_status(adapter)
        assert after[status] == ["MKT-5", "MKT-1"]
        assert {s: k for s, k in after.items() if s != status} == {
            s: k for s, k in before.items() if s != status
        }

    def test_a_status_scoped_rerank_next_to_another_status_fails_and_changes_nothing(
        self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]
    ) -> None:
        adapter = self._adapter(make_adapter)
        caps = adapter.capabilities
        if not (caps.write and caps.rank) or caps.rank_scope is not RankScope.STATUS:
            _pytest().skip(f"{adapter.name} does not rank within a status")
        before = [(r.key, r.history.rank) for r in adapter.read(None)]
        result = adapter.apply(Rerank("MKT-5", before="MKT-2"))  # To Do next to In Progress
        assert result.status is ChangeStatus.FAILED
        assert isinstance(result.error, ChangeConflict)
        assert [(r.key, r.history.rank) for r in adapter.read(None)] == before
