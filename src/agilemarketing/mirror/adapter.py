"""The mirror's own board as an adapter: :class:`MirrorAdapter`, URL ``mirror:path/to/team.db``."""

from __future__ import annotations

import contextlib
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
    Rerank,
    apply_change,
    is_rank,
    rank_between,
    rank_order,
)
from agilemarketing.errors import AgileMarketingError, InvalidCursor, MirrorError
from agilemarketing.mirror.carrying import carry_history as carry
from agilemarketing.mirror.store import OWN_BOARD, Mirror
from agilemarketing.utc import utcnow

__all__ = ["MirrorAdapter", "rank_after"]


class MirrorAdapter(Adapter):
    """The mirror's own board as an adapter (name ``mirror``, URL ``mirror:path/to/team.db``).

    Syncing *into* ``mirror:team.db`` fills this board; ``agilemarketing report mirror:team.db``
    and :meth:`Mirror.histories` read it back. It is writable, ranked and incremental (a cursor is
    the board's revision), and keeps every record field and transition exactly as written.
    Every :meth:`write` is one transaction. Option ``create`` (default true): false makes a
    missing file an error rather than a new, empty mirror (use it to read). Items removed at
    their source are left out of a read and listed in its ``removed`` (an incremental read's:
    those removed since the cursor; a full read's: all of them);
    option ``finished_removed`` (default false, true for reports) keeps the finished ones in a
    full read, so their work stays in throughput.

    >>> from agilemarketing.adapter import CreateItem, MoveStatus
    >>> with MirrorAdapter(":memory:") as board:
    ...     results = board.write([CreateItem("MKT-1", "Spring webinar", status="To Do"),
    ...                            MoveStatus("MKT-1", "Doing", from_status="To Do")])
    ...     [r.status.value for r in results], [r.history.status for r in board.read()]
    (['applied', 'applied'], ['Doing'])
    """

    name: ClassVar[str] = "mirror"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True,
        incremental_read=True,
        write=True,
        rank=True,
        history=HistoryFidelity.EXACT,
        carries_history=True,
        board=True,
    )
    known_options: ClassVar[frozenset[str] | None] = frozenset({"create", "finished_removed"})

    def __init__(
        self,
        location: str = "",
        options: Mapping[str, object] | None = None,
        *,
        mirror: Mirror | None = None,
    ) -> None:
        super().__init__(location, options)
        if mirror is None and not location:
            raise MirrorError(
                "no database file given",
                where="adapter URL 'mirror:'",
                fix="name the file, e.g. mirror:team.db",
            )
        self._owns_mirror = mirror is None
        create = self.option("create", True)
        self._finished_removed = self.option("finished_removed", False)
        self.mirror = Mirror(location, create=create) if mirror is None else mirror
        self._clock: Callable[[], datetime] = utcnow
        # While a write runs, changed records collect here and are saved in one go at its end.
        self._pending: dict[str, ItemRecord] | None = None
        self._tail: str | None = None  # the greatest valid rank, pending records included
        self._known: dict[str, ItemRecord | None] = {}  # read up front by a write (None: absent)
        self._board = _Board(self)

    @classmethod
    def of(cls, mirror: Mirror) -> MirrorAdapter:
        """The adapter over an already open :class:`Mirror` (closing the adapter leaves it open).

        >>> with Mirror(":memory:") as m:
        ...     MirrorAdapter.of(m).url
        'mirror::memory:'
        """
        return cls(mirror.path, mirror=mirror)

    def close(self) -> None:
        """Close the database if this adapter opened it."""
        if self._owns_mirror:
            self.mirror.close()

    @property
    def identity(self) -> str:
        """``mirror:`` and the database file's resolved path (``mirror::memory:`` as it is)."""
        if self.location == ":memory:":
            return self.url
        return self.file_identity()

    def lock(self, wait: float = 0.0) -> contextlib.AbstractContextManager[None]:
        """Hold the mirror file for the block (:meth:`Mirror.lock`)."""
        return self.mirror.lock(wait)

    # --- reading ----------------------------------------------------------------------------------

    def _token(self, revision: int) -> str:
        return f"rev:{revision}"

    def read(self, since: Cursor | None = None) -> ReadResult:
        """Every item of the board in rank order, or those written since the cursor."""
        revision = self.mirror.revision(OWN_BOARD)
        cursor = Cursor(self._token(revision))
        if since is None:
            # A full read lists the removals it knows of too: a sync whose stored cursor is
            # gone (its first run was killed) still hears of a deletion made in between.
            records = self._ordered(None)
            held = {r.key for r in records}
            gone = sorted(k for k in self.mirror.removed(OWN_BOARD) if k not in held)
            return ReadResult(records, cursor, complete=True, removed=gone)
        prefix, _, number = since.token.partition(":")
        if prefix != "rev" or not number.isdigit() or int(number) > revision:
            raise InvalidCursor(self.name, since.token, why="it is not a revision of this mirror")
        removed = sorted(self.mirror.removed(OWN_BOARD, since=int(number)))
        return ReadResult(self._ordered(int(number)), cursor, complete=False, removed=removed)

    def current_cursor(self) -> Cursor | None:
        """The board's revision (every write, removal and restore bumps it) and the option
        that changes what a full read returns (see
        :meth:`~agilemarketing.adapter.Adapter.current_cursor`)."""
        revision = self.mirror.revision(OWN_BOARD)
        return Cursor(f"{self._token(revision)}:finished_removed={self._finished_removed}")

    def _ordered(self, since: int | None) -> list[ItemRecord]:
        records = {r.key: r for r in self.mirror.records(OWN_BOARD, since=since)}
        if self._finished_removed and since is None:  # a report's read: throughput keeps them
            finished = {h.key for h in self.mirror.histories(OWN_BOARD) if h.key not in records}
            records.update(
                (r.key, r)
                for r in self.mirror.records(OWN_BOARD, removed=True)
                if r.key in finished
            )
        if self._pending:
            records.update(self._pending)
        return sorted(records.values(), key=rank_order)

    def board(self) -> BoardDescription | None:
        """The description of the board synced into this mirror (stored by the last sync from
        a source that describes its board, its statuses in the mirror's vocabulary), or None."""
        return self.mirror.description(OWN_BOARD)

    # --- writing ----------------------------------------------------------------------------------

    def write(self, changes: Iterable[AnyChange]) -> list[ChangeResult]:
        """Apply ``changes`` in order in one transaction, one result each; the records they
        change are saved together at the end (one bulk write, one new revision)."""
        return self.write_carrying(changes, {})

    def write_carrying(
        self, changes: Iterable[AnyChange], histories: Mapping[str, ItemRecord]
    ) -> list[ChangeResult]:
        """:meth:`write` ``changes``, and carry onto the items the history and
        Definition-of-Done state of the records in ``histories`` (a source's, by key), which
        change types do not hold, in the same bulk write; an item a change failed for keeps
        its own. Items are read once, together, at the start.

        >>> from agilemarketing.adapter import CreateItem
        >>> from agilemarketing.history import ItemHistory, Transition
        >>> moved = Transition("2026-03-02T09:00:00Z", "To Do", "Doing")
        >>> source = ItemRecord(ItemHistory("MKT-1", status="Doing", transitions=[moved]))
        >>> with MirrorAdapter(":memory:") as board:
        ...     _ = board.write_carrying([CreateItem("MKT-1", "Webinar", status="Doing")],
        ...                              {"MKT-1": source})
        ...     [r.history.transitions == (moved,) for r in board.read()]
        [True]
        """
        planned = list(changes)
        for change in planned:
            self.check_supports(change)
        with self.mirror.transaction(), self._collecting():
            named = {k for c in planned for k in _named(c)} | histories.keys()
            found = self.mirror.board_items(OWN_BOARD, named)
            self._known = {key: found.get(key) for key in named}
            results = [self.apply(change) for change in planned]
            failed = {r.change.key for r in results if r.status is ChangeStatus.FAILED}
            for key, source in histories.items():
                current = self._get(key)
                carried = None if current is None or key in failed else carry(current, source)
                if carried is not None:
                    self._store(carried)
            return results

    @contextlib.contextmanager
    def _collecting(self) -> Iterator[None]:
        if self._pending is not None:  # inside write(): the outer block saves
            yield
            return
        self._pending = {}
        self._tail = next((rank for rank in self.mirror.ranks(OWN_BOARD) if is_rank(rank)), None)
        try:
            yield
            if self._pending:
                now = self._clock()
                version = str(self.mirror.revision(OWN_BOARD) + 1)
                self.mirror.save_board(
                    OWN_BOARD,
                    [attrs.evolve(r, version=version, updated=now) for r in self._pending.values()],
                    seen_at=now,
                )
        finally:
            self._pending = None
            self._known = {}

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change; see :meth:`agilemarketing.adapter.Adapter.apply`."""
        self.check_supports(change)
        if self._pending is not None:  # inside a write: its transaction and collection are open
            return self._applied(change)
        with self.mirror.transaction(), self._collecting():
            return self._applied(change)

    def _applied(self, change: AnyChange) -> ChangeResult:
        """Apply one change inside a write (its transaction and collection are open)."""
        if isinstance(change, Rerank):
            self._renumber_foreign_ranks(change)
        try:
            record = apply_change(
                change,
                self._board,
                now=self._clock(),
                where=self.url,
                new_rank=self._new_rank,
            )
        except AgileMarketingError as error:
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        if record is None:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
        self._store(record)
        return ChangeResult(change, ChangeStatus.APPLIED)

    def _new_rank(self) -> str:
        return rank_after(self._tail)

    def _get(self, key: str) -> ItemRecord | None:
        if self._pending is not None and key in self._pending:
            return self._pending[key]
        if key in self._known:
            return self._known[key]
        return self.mirror.board_item(OWN_BOARD, key)

    def _store(self, record: ItemRecord) -> None:
        assert self._pending is not None, "changes are stored inside _collecting()"
        self._pending[record.key] = record
        rank = record.history.rank
        if rank is not None and is_rank(rank) and (self._tail is None or rank > self._tail):
            self._tail = rank

    def _renumber_foreign_ranks(self, change: Rerank) -> None:
        """Give every item a fresh rank in the current order when some rank is not one
        :func:`rank_between` can split (Jira's ``0|hzzzzz:``, say) and ``change`` has to move an
        item, so that it can place the item anywhere."""
        if self._get(change.key) is None or self._get(change.neighbour) is None:
            return  # the change fails, and then nothing may change
        ordered = self._ordered(None)
        if all(r.history.rank and is_rank(r.history.rank) for r in ordered):
            return
        if change.satisfied_by_order([r.key for r in ordered]):
            return
        rank: str | None = None
        for record in ordered:
            rank = rank_after(rank)
            self._store(attrs.evolve(record, history=attrs.evolve(record.history, rank=rank)))


class _Board:
    """The mirror adapter's board as :func:`~agilemarketing.adapter.apply_change` reads it:
    records written in the current :meth:`MirrorAdapter.write` first, then the database."""

    def __init__(self, adapter: MirrorAdapter) -> None:
        self._adapter = adapter

    def get(self, key: str, /) -> ItemRecord | None:
        return self._adapter._get(key)

    def values(self) -> list[ItemRecord]:
        return self._adapter._ordered(None)


def _named(change: AnyChange) -> tuple[str, ...]:
    """The keys ``change`` names: its item, and a rerank's neighbours."""
    if isinstance(change, Rerank):
        return tuple(k for k in (change.key, change.before, change.after) if k is not None)
    return (change.key,)


def rank_after(last: str | None) -> str:
    """A rank just below ``last`` (the bottom of the board), where the mirror adapter puts a
    new item: :func:`~agilemarketing.adapter.rank_between` steps there.

    >>> rank_after(None), rank_after("i"), rank_after("i0000z"), rank_after("zzzzzz")
    ('i', 'i00001', 'i0001', 'zzzzzzi')
    """
    return rank_between(last, None)
