"""An adapter over a board held in memory (``memory:<name>``): the reference implementation the
contract kit (:mod:`agilemarketing.testing`) checks itself against, and a board for examples
and tests. Import it from :mod:`agilemarketing.testing`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import ClassVar

import attrs

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    BoardDescription,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    ReadResult,
    apply_change,
    is_rank,
    rank_between,
    rank_order,
)
from agilemarketing.errors import (
    AgileMarketingError,
    InvalidCursor,
    InvalidValue,
    NotFound,
)
from agilemarketing.history import ItemHistory
from agilemarketing.utc import ensure_utc, utcnow

__all__ = ["InMemoryAdapter"]


class InMemoryAdapter(Adapter):
    """A writable, ranked, incremental adapter that keeps its items in memory (name ``memory``).

    Options: ``page_size`` (records yielded per internal page, default 100) and ``clock`` (a
    function returning the current aware datetime, for deterministic transition times).

    Every change bumps a revision counter; a cursor is the revision a read started at (plus this
    store's id, so a cursor from another store is refused). A change already applied (same
    :attr:`~agilemarketing.adapter.Change.change_id`, or a state that already holds it) is
    reported ``ALREADY_APPLIED`` and changes nothing.

    >>> from agilemarketing.adapter import UpdateFields
    >>> from agilemarketing.testing import sample_histories
    >>> adapter = InMemoryAdapter("demo")
    >>> adapter.seed(sample_histories(2))
    >>> first = adapter.read()
    >>> _ = list(first)
    >>> adapter.apply(UpdateFields("MKT-2", {"summary": "Renamed"})).status.value
    'applied'
    >>> tuple(r.key for r in adapter.read(first.cursor))
    ('MKT-2',)
    """

    name: ClassVar[str] = "memory"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True,
        incremental_read=True,
        write=True,
        rank=True,
        history=HistoryFidelity.EXACT,
        missing_is_deleted=True,  # only remove() takes an item away
        carries_history=True,
        board=True,
    )
    known_options: ClassVar[frozenset[str] | None] = frozenset({"page_size", "clock"})

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        self._description: BoardDescription | None = None
        self._page_hook: Callable[[], None] | None = None
        self._page_size = self.option("page_size", 100)
        if self._page_size < 1:
            raise InvalidValue(
                "page_size must be 1 or more",
                where="memory adapter option 'page_size'",
                value=self._page_size,
            )
        clock = self.options.get("clock", utcnow)
        if not callable(clock):
            raise InvalidValue("clock must be a function", where="memory adapter option 'clock'")
        self._clock: Callable[[], datetime] = clock
        self._store = uuid.uuid4().hex[:12]
        self._revision = 0
        self._items: dict[str, ItemRecord] = {}
        self._changed: dict[str, int] = {}
        self._removed: dict[str, int] = {}
        self._applied: dict[str, str] = {}

    # --- seeding (tests build a starting state with these) ----------------------------------------

    def seed(self, items: Iterable[ItemHistory | ItemRecord]) -> None:
        """Add items as they are (histories kept verbatim); unranked ones go to the bottom.

        A rank :func:`~agilemarketing.adapter.rank_between` cannot work with is refused.
        """
        last = self._last_rank()
        for item in items:
            record = item if isinstance(item, ItemRecord) else ItemRecord(item)
            rank = record.history.rank
            if rank is None:
                rank = rank_between(last, None)
                record = attrs.evolve(record, history=attrs.evolve(record.history, rank=rank))
            elif not is_rank(rank):
                raise InvalidValue(
                    "the memory adapter keeps ranks as lower-case base-36 digits",
                    where=f"item {record.key}",
                    fix="seed it without a rank (it goes to the bottom) or use rank_between",
                    value=rank,
                )
            self._store_record(record)
            if last is None or rank > last:
                last = rank

    def remove(self, key: str) -> None:
        """Delete an item (an incremental read then reports its key in ``removed``)."""
        if key not in self._items:
            raise NotFound("item", key, where=self.url)
        self._revision += 1
        del self._items[key]
        self._changed.pop(key, None)
        self._removed[key] = self._revision

    def __len__(self) -> int:
        return len(self._items)

    def describe(self, description: BoardDescription | None) -> None:
        """Give the board a description (what :meth:`board` returns; None: none).

        >>> from agilemarketing.adapter import BoardStage
        >>> board = InMemoryAdapter("demo")
        >>> board.describe(BoardDescription([BoardStage("To Do"), BoardStage("Done")]))
        >>> board.board().workflow().names
        ('To Do', 'Done')
        """
        self._description = description

    def board(self) -> BoardDescription | None:
        """The description given with :meth:`describe` (None until then)."""
        return self._description

    # --- reading ----------------------------------------------------------------------------------

    def read(self, since: Cursor | None = None) -> ReadResult:
        """Every item in rank order, or (with a cursor) those changed since, plus removals."""
        cursor = Cursor(f"{self._store}:{self._revision}")
        if since is None:
            snapshot = self._ordered()
            return ReadResult(self._pages(snapshot), cursor, complete=True)
        revision = self._revision_of(since)
        changed = [r for r in self._ordered() if self._changed[r.key] > revision]
        removed = sorted(k for k, rev in self._removed.items() if rev > revision)
        return ReadResult(self._pages(changed), cursor, complete=False, removed=removed)

    def current_cursor(self) -> Cursor | None:
        """The store and its revision (every change bumps it; see
        :meth:`~agilemarketing.adapter.Adapter.current_cursor`). None for a subclass that reads
        in its own way: its reads may differ while the revision does not."""
        if type(self).read is not InMemoryAdapter.read:
            return None
        return Cursor(f"{self._store}:{self._revision}:{len(self._items)}")

    def between_pages(self, hook: Callable[[], None]) -> None:
        """Call ``hook()`` once, after the first page of the next read (for the contract's
        paging-under-change test: the read is a snapshot, so it still returns each item once)."""
        self._page_hook = hook

    def _pages(self, records: list[ItemRecord]) -> Iterator[ItemRecord]:
        for start in range(0, len(records), self._page_size):
            yield from records[start : start + self._page_size]
            hook, self._page_hook = self._page_hook, None
            if hook is not None:
                hook()

    def _revision_of(self, cursor: Cursor) -> int:
        store, _, number = cursor.token.partition(":")
        if store != self._store:
            raise InvalidCursor(self.name, cursor.token, why="it comes from another store")
        if not number.isdigit() or int(number) > self._revision:
            raise InvalidCursor(self.name, cursor.token, why="no such revision")
        return int(number)

    def _ordered(self) -> list[ItemRecord]:
        return sorted(self._items.values(), key=rank_order)

    def _last_rank(self) -> str | None:
        ranks = [r.history.rank for r in self._items.values() if r.history.rank]
        return max(ranks) if ranks else None

    # --- writing ----------------------------------------------------------------------------------

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change; see :class:`~agilemarketing.adapter.Adapter.apply`."""
        self.check_supports(change)
        change_id = change.change_id
        done = self._applied.get(change_id)
        if done is not None:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED, key=done)
        now = self._now()
        try:
            record = apply_change(change, self._items, now=now, where=self.url)
        except AgileMarketingError as error:
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        self._applied[change_id] = change.key
        if record is None:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
        self._store_record(record, now)
        return ChangeResult(change, ChangeStatus.APPLIED)

    def _store_record(self, record: ItemRecord, now: datetime | None = None) -> None:
        self._revision += 1
        if now is not None:
            record = attrs.evolve(record, version=str(self._revision), updated=now)
        self._items[record.key] = record
        self._changed[record.key] = self._revision
        self._removed.pop(record.key, None)

    def _now(self) -> datetime:
        return ensure_utc(self._clock(), where="memory adapter clock")
