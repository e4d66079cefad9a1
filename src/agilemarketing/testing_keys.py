"""The part of the adapter test kit for tools that assign keys and delete items (issue 11).

:class:`KeyAssigningAdapter` (name ``memory-keys``) is an in-memory board that gives every item
created in it a key of its own (``T-1``, ``T-2``...), as Jira gives ``MKT-123`` and Trello a card
id: it reports that key in :attr:`~agilemarketing.adapter.ChangeResult.key`, keeps the key it was
asked for as the item's external reference and recognises a retried create by it.
:class:`KeysAndDeletionsContract` (part of :class:`agilemarketing.testing.AdapterContract`)
checks deletions and assigned keys, each only for an adapter whose capabilities declare it.

>>> from agilemarketing.adapter import CreateItem
>>> board = KeyAssigningAdapter("demo")
>>> board.apply(CreateItem("MKT-1", "Launch email", status="To Do")).key
'T-1'
>>> board.apply(CreateItem("MKT-1", "Launch email", status="To Do")).status.value  # a retry
'already applied'
>>> [r.key for r in board.read()]
['T-1']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import attrs

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    Cursor,
    ItemRecord,
    ReadResult,
)
from agilemarketing.adapter.memory import InMemoryAdapter
from agilemarketing.history import ItemHistory

__all__ = ["CountingAdapter", "KeyAssigningAdapter", "KeysAndDeletionsContract"]


class KeyAssigningAdapter(InMemoryAdapter):
    """An in-memory board that assigns its own keys (``<prefix>-<n>``, option ``prefix``,
    default ``T``) to the items created in it. Everything else is :class:`InMemoryAdapter`.
    """

    name: ClassVar[str] = "memory-keys"
    capabilities: ClassVar[Capabilities] = attrs.evolve(
        InMemoryAdapter.capabilities, board=False, assigns_keys=True
    )
    known_options: ClassVar[frozenset[str] | None] = frozenset({"page_size", "clock", "prefix"})

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        self._prefix = str(self.options.get("prefix", "T"))
        self._next = 1
        self._assigned: dict[str, str] = {}  # external reference (the key asked for) -> key

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change; a create gets the next key of this board (a retry, the same)."""
        if not isinstance(change, CreateItem):
            return super().apply(change)
        given = self._assigned.get(change.key)
        if given is not None:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED, key=given)
        key = f"{self._prefix}-{self._next}"
        result = super().apply(attrs.evolve(change, key=key))
        if not result.ok:
            return ChangeResult(change, result.status, error=result.error)
        self._next += 1
        self._assigned[change.key] = key
        return ChangeResult(change, result.status, key=key)


class CountingAdapter(InMemoryAdapter):
    """An in-memory target that keeps no order, counting what reading it costs (name
    ``memory-counting``): :attr:`reads` and :attr:`records_read` (with history), and
    :attr:`state_reads` and :attr:`states_read` (:meth:`read_state`: no history), the way a
    live target counts requests and history fetches.
    """

    name: ClassVar[str] = "memory-counting"
    capabilities: ClassVar[Capabilities] = attrs.evolve(
        InMemoryAdapter.capabilities, rank=False, board=False
    )

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        self.reads = self.records_read = self.state_reads = self.states_read = 0

    def read(self, since: Cursor | None = None) -> ReadResult:
        """As :meth:`InMemoryAdapter.read`, counted."""
        self.reads += 1
        result = super().read(since)
        return ReadResult(
            self._counted(result, "records_read"),
            result.cursor,
            result.complete,
            removed=result.removed,
        )

    def read_state(self, since: Cursor | None = None) -> ReadResult:
        """The items' state (status, fields, rank) without their transitions, counted."""
        self.state_reads += 1
        result = super().read(since)
        states = (
            attrs.evolve(r, history=attrs.evolve(r.history, transitions=()))
            for r in self._counted(result, "states_read")
        )
        return ReadResult(states, result.cursor, result.complete, removed=result.removed)

    def _counted(self, records: Iterable[ItemRecord], counter: str) -> Iterator[ItemRecord]:
        for record in records:
            setattr(self, counter, getattr(self, counter) + 1)
            yield record


def _pytest() -> Any:
    import pytest  # the kit needs pytest only when its tests run

    return pytest


class KeysAndDeletionsContract:
    """Contract tests for deletions (an adapter that can delete: :meth:`delete_item`) and for
    keys the tool assigns (``Capabilities.assigns_keys``). Adapters that declare neither skip
    them. Override :meth:`delete_item` to delete an item in the tool."""

    def delete_item(self, adapter: Adapter, key: str) -> bool:
        """Delete ``key`` in the tool behind ``adapter``; False (skip) when it cannot. The
        default calls the adapter's ``remove(key)`` when it has one (the in-memory boards)."""
        remove: Callable[[str], None] | None = getattr(adapter, "remove", None)
        if remove is None:
            return False
        remove(key)
        return True

    def _three(self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]) -> Adapter:
        return make_adapter(
            [
                ItemHistory(
                    f"MKT-{n}",
                    summary=f"Item {n}",
                    status="To Do",
                    created=datetime(2026, 1, 5, 9, tzinfo=UTC),
                )
                for n in (1, 2, 3)
            ]
        )

    def test_an_item_deleted_in_the_tool_is_absent_from_a_complete_read(
        self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]
    ) -> None:
        adapter = self._three(make_adapter)
        if not self.delete_item(adapter, "MKT-2"):
            _pytest().skip("the adapter cannot delete an item")
        result = adapter.read()
        keys = [record.key for record in result]
        assert result.complete
        assert keys == ["MKT-1", "MKT-3"]

    def test_an_item_deleted_since_a_cursor_is_reported_removed_by_an_incremental_read(
        self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]
    ) -> None:
        adapter = self._three(make_adapter)
        if not adapter.capabilities.incremental_read:
            _pytest().skip("the adapter reads in full only")
        first = adapter.read()
        _ = list(first)
        if not self.delete_item(adapter, "MKT-2"):
            _pytest().skip("the adapter cannot delete an item")
        later = adapter.read(first.cursor)
        assert "MKT-2" not in [record.key for record in later]
        assert not later.complete
        assert later.removed == ("MKT-2",)

    def test_a_create_reports_the_key_the_tool_assigned_and_a_retry_reports_it_again(
        self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]
    ) -> None:
        adapter = make_adapter([])
        if not (adapter.capabilities.assigns_keys and adapter.capabilities.write):
            _pytest().skip("the adapter keeps the keys it is given")
        create = CreateItem("SRC-1", "Launch email", status="To Do")
        first = adapter.write([create])[0]
        again = adapter.write([create])[0]
        assert first.status is ChangeStatus.APPLIED
        assert again.status is ChangeStatus.ALREADY_APPLIED
        assert first.key == again.key
        assert [record.key for record in adapter.read()] == [first.key]

    def test_two_creates_get_two_keys(
        self, make_adapter: Callable[[Sequence[ItemHistory]], Adapter]
    ) -> None:
        adapter = make_adapter([])
        if not (adapter.capabilities.assigns_keys and adapter.capabilities.write):
            _pytest().skip("the adapter keeps the keys it is given")
        results = adapter.write(
            [CreateItem("SRC-1", "One", status="To Do"), CreateItem("SRC-2", "Two", status="To Do")]
        )
        assert all(result.ok for result in results)
        assert len({result.key for result in results}) == 2
        assert {record.key for record in adapter.read()} == {result.key for result in results}
