"""The Marketing Backlog: one single, ranked list of future work.

A :class:`Backlog` holds :class:`~agilemarketing.items.WorkItem` values in rank order (position 0
is the top) with unique keys. Every insert and move returns a :class:`RankChange`: the smallest
description of the change that an external board needs to reproduce it (Jira ranks an issue
*before* or *after* another one; Trello takes a numeric position between two neighbours).

>>> from agilemarketing.items import WorkItem
>>> backlog = Backlog(
...     [
...         WorkItem("MKT-1", "Spring webinar"),
...         WorkItem("MKT-2", "Customer case study"),
...         WorkItem("MKT-3", "Pricing page refresh"),
...     ]
... )
>>> change = backlog.move_to_top("MKT-3")
>>> change
RankChange(key='MKT-3', new_position=0, old_position=2, after=None, before='MKT-1')
>>> backlog.keys()
['MKT-3', 'MKT-1', 'MKT-2']

Re-prioritising a whole backlog writes back only what must move (:func:`rank_changes`): the items
on a longest increasing subsequence of the old order stay where they are.

Pruning is first-class: :meth:`Backlog.plan_prune` reports which items no longer belong and why,
without changing anything; :meth:`Backlog.apply_prune` removes exactly those, and refuses if the
backlog changed in between.

Rank changes live in :mod:`agilemarketing.ranks` and the prune rules in
:mod:`agilemarketing.pruning`; both are re-exported here.

The order is kept in blocks of a few hundred keys with a key -> block map, so looking up the
position of a key, inserting and moving cost O(sqrt(n)) rather than a scan of the whole list.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Literal, overload

import attrs

from agilemarketing.errors import (
    AgileMarketingError,
    DuplicateItem,
    InvalidValue,
    ItemNotInBacklog,
    NotAReordering,
    NotMarketingOwner,
    PositionOutOfRange,
    SelfRelativeMove,
    StalePrunePlan,
    raise_all,
)
from agilemarketing.items import WorkItem
from agilemarketing.pruning import (
    OutsideOutcomes,
    PruneCandidate,
    PrunePlan,
    PruneRule,
    Stale,
    WontHave,
)
from agilemarketing.ranks import RankChange, rank_changes
from agilemarketing.utc import utcnow
from agilemarketing.validators import sequence

__all__ = [
    "Backlog",
    "BacklogMove",
    "OutsideOutcomes",
    "PruneCandidate",
    "PrunePlan",
    "PruneRule",
    "RankChange",
    "Stale",
    "WontHave",
    "rank_changes",
]


# --- blocked order --------------------------------------------------------------------------------

_LOAD = 512  # target block size; a block splits above 2 * _LOAD and merges below _LOAD // 4


class _Block:
    __slots__ = ("index", "keys")

    def __init__(self, keys: list[str], index: int) -> None:
        self.keys = keys
        self.index = index


class _Order:
    """A list of keys in blocks, with key -> block, so positions cost O(B + n/B), not O(n)."""

    __slots__ = ("_blocks", "_dirty", "_lengths", "_offsets", "_size", "_where")

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self._blocks: list[_Block] = [_Block([], 0)]
        self._where: dict[str, _Block] = {}
        self._lengths: list[int] = [0]
        self._offsets: list[int] = [0]  # start position of each block, valid below _dirty
        self._dirty = 1
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __contains__(self, key: object) -> bool:
        return key in self._where

    def __iter__(self) -> Iterator[str]:
        for block in self._blocks:
            yield from block.keys

    def extend(self, keys: Sequence[str]) -> None:
        last = self._blocks[-1]
        room = 2 * _LOAD - len(last.keys)
        head, rest = keys[:room], keys[room:]
        last.keys.extend(head)
        for key in head:
            self._where[key] = last
        self._lengths[last.index] = len(last.keys)
        for start in range(0, len(rest), _LOAD):
            block = _Block(list(rest[start : start + _LOAD]), len(self._blocks))
            self._blocks.append(block)
            self._lengths.append(len(block.keys))
            self._where.update(dict.fromkeys(block.keys, block))
        self._size += len(keys)
        self._dirty = min(self._dirty, last.index + 1)

    def _fresh_offsets(self) -> list[int]:
        if self._dirty < len(self._blocks):
            start = self._dirty
            base = self._offsets[start - 1] + self._lengths[start - 1]
            del self._offsets[start:]
            self._offsets.extend(itertools.accumulate(self._lengths[start:-1], initial=base))
            self._dirty = len(self._blocks)
        return self._offsets

    def _touch(self, index: int) -> None:
        if index + 1 < self._dirty:
            self._dirty = index + 1

    def position(self, key: str) -> int:
        block = self._where[key]
        return self._fresh_offsets()[block.index] + block.keys.index(key)

    def locate(self, position: int) -> tuple[_Block, int]:
        """The block and index within it of ``position`` (``0 <= position <= size``)."""
        offsets = self._fresh_offsets()
        number = bisect.bisect_right(offsets, position) - 1
        return self._blocks[number], position - offsets[number]

    def at(self, position: int) -> str:
        block, index = self.locate(position)
        return block.keys[index]

    def neighbours(self, block: _Block, index: int) -> tuple[str | None, str | None]:
        """The keys just above and just below the key at ``index`` of ``block``."""
        above: str | None
        below: str | None
        # Only a lone block can be empty (small blocks merge), so a neighbour block has keys.
        if index > 0:
            above = block.keys[index - 1]
        else:
            above = self._blocks[block.index - 1].keys[-1] if block.index > 0 else None
        if index + 1 < len(block.keys):
            below = block.keys[index + 1]
        elif block.index + 1 < len(self._blocks):
            below = self._blocks[block.index + 1].keys[0]
        else:
            below = None
        return above, below

    def insert(self, position: int, key: str) -> tuple[str | None, str | None]:
        """Insert ``key`` at ``position``; return its new neighbours (above, below)."""
        block, index = self.locate(position)
        block.keys.insert(index, key)
        self._where[key] = block
        self._lengths[block.index] += 1
        self._size += 1
        self._touch(block.index)
        neighbours = self.neighbours(block, index)
        if len(block.keys) > 2 * _LOAD:
            self._split(block)
        return neighbours

    def remove(self, key: str) -> int:
        """Remove ``key``; return the position it had."""
        block = self._where.pop(key)
        index = block.keys.index(key)
        position = self._fresh_offsets()[block.index] + index
        del block.keys[index]
        self._lengths[block.index] -= 1
        self._size -= 1
        self._touch(block.index)
        if len(block.keys) < _LOAD // 4 and len(self._blocks) > 1:
            self._merge(block)
        return position

    def discard_many(self, keys: set[str]) -> None:
        """Remove every key of ``keys`` (all present) by rebuilding the blocks: O(n)."""
        kept = [key for key in self if key not in keys]
        self._clear()
        self.extend(kept)

    def _split(self, block: _Block) -> None:
        half = _Block(block.keys[_LOAD:], block.index + 1)
        del block.keys[_LOAD:]
        for key in half.keys:
            self._where[key] = half
        self._blocks.insert(half.index, half)
        self._renumber(half.index)

    def _merge(self, block: _Block) -> None:
        """Merge a small block into a neighbour (keeps the number of blocks O(n / B))."""
        if block.index + 1 < len(self._blocks):
            keep, gone = block, self._blocks[block.index + 1]
        else:
            keep, gone = self._blocks[block.index - 1], block
        keep.keys.extend(gone.keys)
        for key in gone.keys:
            self._where[key] = keep
        del self._blocks[gone.index]
        self._renumber(keep.index)
        if len(keep.keys) > 2 * _LOAD:
            self._split(keep)

    def _renumber(self, start: int) -> None:
        for number in range(start, len(self._blocks)):
            self._blocks[number].index = number
        self._lengths = [len(b.keys) for b in self._blocks]
        del self._offsets[len(self._blocks) :]
        self._touch(max(start - 1, 0))
        self._dirty = min(self._dirty, len(self._offsets))

    def slice(self, start: int, stop: int) -> list[str]:
        """Keys at positions ``start`` (inclusive) to ``stop`` (exclusive), both in range."""
        out: list[str] = []
        if start >= stop:
            return out
        block, index = self.locate(start)
        remaining = stop - start
        number = block.index
        while remaining > 0:
            chunk = self._blocks[number].keys[index : index + remaining]
            out.extend(chunk)
            remaining -= len(chunk)
            number += 1
            index = 0
        return out


# --- the backlog ----------------------------------------------------------------------------------

_backlog_ids = itertools.count(1)


@attrs.frozen
class BacklogMove:
    """One recorded change of the backlog's order: what moved where, who moved it, and when.

    ``old_position`` is None for an item inserted at a chosen position.

    >>> backlog = Backlog([WorkItem("A", "Webinar"), WorkItem("B", "Ebook")], owner="Maya")
    >>> _ = backlog.move_to_top("B", by="Maya")
    >>> move = backlog.moves[0]
    >>> print(move)
    B moved from #2 to #1 by Maya
    """

    key: str
    by: str
    old_position: int | None
    new_position: int
    at: datetime

    def __str__(self) -> str:
        if self.old_position is None:
            return f"{self.key} inserted at #{self.new_position + 1} by {self.by}"
        return (
            f"{self.key} moved from #{self.old_position + 1} to #{self.new_position + 1} "
            f"by {self.by}"
        )


@attrs.define(init=False, eq=False, repr=False)
class Backlog:
    """The Marketing Backlog: one ranked list of work items with unique keys (0 is the top).

    Equality is identity (it is a mutable aggregate); compare ``keys()`` or ``list(backlog)`` to
    compare contents. Every change bumps :attr:`version`.

    **The Marketing Owner orders the backlog.** A team that wants that checked names its
    ``owner``: then every change of order (a move, a reorder, an insert at a chosen position)
    needs ``by=`` the Owner, or raises :class:`~agilemarketing.errors.NotMarketingOwner`; adding
    at the bottom, removing and replacing do not. Every move made with a ``by`` is recorded in
    :attr:`moves` (who moved what, from where to where, when).

    >>> from agilemarketing.items import WorkItem
    >>> backlog = Backlog([WorkItem("A-1", "Webinar"), WorkItem("A-2", "Newsletter")])
    >>> backlog.insert(WorkItem("A-3", "Podcast"), at=1)
    RankChange(key='A-3', new_position=1, old_position=None, after='A-1', before='A-2')
    >>> [item.title for item in backlog], len(backlog), "A-3" in backlog
    (['Webinar', 'Podcast', 'Newsletter'], 3, True)
    >>> backlog.position("A-2"), backlog.find("A-2").title
    (2, 'Newsletter')
    """

    _items: dict[str, WorkItem]
    _order: _Order
    _version: int
    _id: int
    _owner: str | None
    _moves: list[BacklogMove]

    def __init__(self, items: Iterable[WorkItem] = (), *, owner: str | None = None) -> None:
        name = None if owner is None else " ".join(str(owner).split())
        if name == "":
            raise InvalidValue(
                "the Marketing Owner needs a name",
                where="Backlog(owner=...)",
                fix="name the Marketing Owner, or leave owner out",
                value=owner,
            )
        self.__attrs_init__({}, _Order(), 0, next(_backlog_ids), name, [])
        self.extend(sequence(items, "Backlog(items)", fix="give a list of WorkItem values"))

    @property
    def owner(self) -> str | None:
        """The Marketing Owner whose ``by=`` every change of order needs (None: not checked)."""
        return self._owner

    @property
    def moves(self) -> tuple[BacklogMove, ...]:
        """Every move made with a ``by=``, oldest first: who moved what."""
        return tuple(self._moves)

    def _actor(self, by: str | None, action: str) -> str | None:
        """Who makes a change of order; with an owner, it must be them."""
        who = None if by is None else (" ".join(str(by).split()) or None)
        owner = self._owner
        if owner is None:
            return who
        if who is None or who.casefold() != owner.casefold():
            raise NotMarketingOwner(
                who,
                owner=owner,
                action=action,
                where="backlog",
                fix=f"the Marketing Owner orders the backlog: pass by={owner!r} (adding an item "
                "at the bottom needs no one)",
            )
        return owner

    def _record(self, who: str | None, change: RankChange) -> None:
        if who is not None and change.old_position != change.new_position:
            self._moves.append(
                BacklogMove(change.key, who, change.old_position, change.new_position, utcnow())
            )

    # --- reading ----------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """A counter bumped by every change (insert, move, remove, replace)."""
        return self._version

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, key_or_item: object) -> bool:
        """``key in backlog`` or ``item in backlog`` (by key)."""
        if isinstance(key_or_item, WorkItem):
            key_or_item = key_or_item.key
        return key_or_item in self._items

    def __iter__(self) -> Iterator[WorkItem]:
        """The items in rank order; changing the backlog while iterating raises RuntimeError."""
        version = self._version
        items = self._items
        for key in self._order:
            if self._version != version:
                raise RuntimeError("backlog changed during iteration")
            yield items[key]

    @overload
    def __getitem__(self, index: int) -> WorkItem: ...
    @overload
    def __getitem__(self, index: slice) -> list[WorkItem]: ...
    def __getitem__(self, index: int | slice) -> WorkItem | list[WorkItem]:
        """The item at a position, or a list of items for a slice (``backlog[:10]``)."""
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1:
                keys = self._order.slice(start, stop)
            else:
                keys = list(self._order)[start:stop:step]
            return [self._items[k] for k in keys]
        size = len(self)
        position = index + size if index < 0 else index
        if not 0 <= position < size:
            raise PositionOutOfRange(index, last=size - 1)
        return self._items[self._order.at(position)]

    def __repr__(self) -> str:
        head = ", ".join(self._order.slice(0, min(3, len(self))))
        more = ", ..." if len(self) > 3 else ""
        return f"<Backlog of {len(self)} items: [{head}{more}] version={self._version}>"

    def keys(self) -> list[str]:
        """All keys in rank order."""
        return list(self._order)

    def top(self, n: int) -> list[WorkItem]:
        """The first ``n`` items (fewer if the backlog is shorter).

        >>> Backlog([WorkItem("A-1", "x"), WorkItem("A-2", "y")]).top(1)[0].key
        'A-1'
        """
        return self[: max(n, 0)]

    def find(self, key: str) -> WorkItem:
        """The item with ``key``; raises :class:`~agilemarketing.errors.ItemNotInBacklog`."""
        try:
            return self._items[key]
        except KeyError:
            raise ItemNotInBacklog(key) from None

    def get(self, key: str, default: WorkItem | None = None) -> WorkItem | None:
        """The item with ``key``, or ``default``."""
        return self._items.get(key, default)

    def position(self, key: str) -> int:
        """The 0-based rank of ``key`` (0 is the top), in O(sqrt(n))."""
        if key not in self._items:
            raise ItemNotInBacklog(key)
        return self._order.position(key)

    # --- changing ---------------------------------------------------------------------------------

    def _bump(self) -> None:
        self._version += 1

    def extend(self, items: Iterable[WorkItem]) -> None:
        """Append many items at the bottom, in the given order (fast bulk load).

        Duplicate keys (within ``items`` or against the backlog) are all reported together and
        nothing is added.
        """
        new = list(items)
        if not new:
            return
        if all(isinstance(item, WorkItem) for item in new):
            keys = [item.key for item in new]
            if len(set(keys)) == len(keys) and self._items.keys().isdisjoint(keys):
                self._order.extend(keys)
                self._items.update(zip(keys, new, strict=True))
                self._bump()
                return
        problems: list[AgileMarketingError] = []
        seen: set[str] = set()
        for item in new:
            value: object = item  # callers without a type checker pass anything
            if not isinstance(value, WorkItem):
                problems.append(
                    InvalidValue(
                        "not a WorkItem",
                        where="Backlog.extend",
                        fix="pass agilemarketing.items.WorkItem values",
                        value=type(item).__name__,
                    )
                )
            elif item.key in self._items or item.key in seen:
                problems.append(DuplicateItem(item.key))
            else:
                seen.add(item.key)
        raise_all(problems, "items not added to the backlog")

    def insert(self, item: WorkItem, *, at: int | None = None, by: str | None = None) -> RankChange:
        """Add ``item`` at position ``at`` (``0`` is the top; default: the bottom).

        Choosing a position (other than the bottom) orders the backlog: with an :attr:`owner`
        it needs ``by=`` the Owner, and it is recorded in :attr:`moves`.
        """
        if not isinstance(item, WorkItem):
            raise InvalidValue(
                "expected a WorkItem",
                where="Backlog.insert",
                fix='insert the item itself, e.g. Backlog.insert(WorkItem("MKT-9", "Webinar")); '
                "move an item that is already there with move_to()",
                value=item if isinstance(item, str | int) else type(item).__name__,
            )
        if item.key in self._items:
            raise DuplicateItem(item.key)
        size = len(self)
        position = size if at is None else at
        if not 0 <= position <= size:
            raise PositionOutOfRange(position, last=size)
        ranked = position < size
        who = self._actor(by, f"insert {item.key} at position {position}") if ranked else None
        above, below = self._order.insert(position, item.key)
        self._items[item.key] = item
        self._bump()
        change = RankChange(item.key, position, None, above, below)
        self._record(who, change)
        return change

    def _move(self, key: str, target: Callable[[], int], by: str | None = None) -> RankChange:
        if key not in self._items:
            raise ItemNotInBacklog(key)
        who = self._actor(by, f"move {key}") if by is not None or self._owner else None
        old = self._order.remove(key)
        new = target()
        above, below = self._order.insert(new, key)
        if new != old:
            self._bump()
        change = RankChange(key, new, old, above, below)
        self._record(who, change)
        return change

    def _anchor(self, key: str, other: str, relation: str) -> None:
        if key == other:
            raise SelfRelativeMove(key, relation=relation)
        for name in (key, other):
            if name not in self._items:
                raise ItemNotInBacklog(name)

    def move_to_top(self, key: str, *, by: str | None = None) -> RankChange:
        """Move ``key`` to position 0 (``by``: who moves it; see :attr:`owner`)."""
        return self._move(key, lambda: 0, by)

    def move_to_bottom(self, key: str, *, by: str | None = None) -> RankChange:
        """Move ``key`` to the last position."""
        return self._move(key, lambda: len(self._order), by)

    def move_before(self, key: str, other: str, *, by: str | None = None) -> RankChange:
        """Move ``key`` directly above ``other`` (ranked higher than it)."""
        self._anchor(key, other, "before")
        return self._move(key, lambda: self._order.position(other), by)

    def move_after(self, key: str, other: str, *, by: str | None = None) -> RankChange:
        """Move ``key`` directly below ``other`` (ranked lower than it)."""
        self._anchor(key, other, "after")
        return self._move(key, lambda: self._order.position(other) + 1, by)

    def move_to(self, key: str, position: int, *, by: str | None = None) -> RankChange:
        """Move ``key`` so that it ends at ``position`` (0 .. len - 1)."""
        if key not in self._items:
            raise ItemNotInBacklog(key)
        if not 0 <= position < len(self):
            raise PositionOutOfRange(position, last=len(self) - 1)
        return self._move(key, lambda: position, by)

    def apply(self, change: RankChange, *, by: str | None = None) -> RankChange:
        """Replay a :class:`RankChange` (from another board or from :func:`rank_changes`).

        The change is replayed by its neighbour: after ``change.after`` if set, else before
        ``change.before``, else (a one-item list) in place. Returns the change as it happened here.
        """
        if change.after is not None:
            return self.move_after(change.key, change.after, by=by)
        if change.before is not None:
            return self.move_before(change.key, change.before, by=by)
        return self.move_to_top(change.key, by=by)

    def reorder(self, keys: Sequence[str], *, by: str | None = None) -> list[RankChange]:
        """Reorder to ``keys`` with the fewest moves; return the moves, in the order applied.

        ``keys`` is either every key of the backlog in the new order, or a subset: then those
        items are rearranged among the positions they already occupy and the others stay put.
        With an :attr:`owner`, ``by`` must be the Owner (checked before anything moves).

        >>> backlog = Backlog([WorkItem(k, k) for k in "ABCDE"])
        >>> [c.key for c in backlog.reorder(["B", "C", "D", "E", "A"])]
        ['A']
        >>> backlog.keys()
        ['B', 'C', 'D', 'E', 'A']
        """
        old = self.keys()
        wanted = list(keys)
        if len(wanted) != len(old) or set(wanted) != self._items.keys():
            unknown = [k for k in wanted if k not in self._items]
            counts: dict[str, int] = {}
            for k in wanted:
                counts[k] = counts.get(k, 0) + 1
            repeated = [k for k, n in counts.items() if n > 1]
            if unknown or repeated:
                raise NotAReordering(unknown=unknown, repeated=repeated)
            chosen = iter(wanted)
            subset = counts.keys()
            wanted = [next(chosen) if k in subset else k for k in old]
        changes = rank_changes(old, wanted)
        if by is not None or self._owner is not None:
            self._actor(by, "reorder the backlog")
        for change in changes:
            self.apply(change, by=by)
        return changes

    def remove(self, key: str) -> WorkItem:
        """Take ``key`` out of the backlog; return the item."""
        if key not in self._items:
            raise ItemNotInBacklog(key)
        self._order.remove(key)
        self._bump()
        return self._items.pop(key)

    def replace(self, item: WorkItem) -> WorkItem:
        """Store a new version of an item (same key), keeping its rank; return the old version."""
        old = self.find(item.key)
        self._items[item.key] = item
        self._bump()
        return old

    # --- pruning ----------------------------------------------------------------------------------

    def plan_prune(self, *rules: PruneRule, match: Literal["any", "all"] = "any") -> PrunePlan:
        """Select what to prune, without changing anything.

        An item is selected when any rule gives a reason (``match="any"``, the default) or when
        every rule does (``match="all"``); each candidate lists every reason that applied.
        Problems in the items' data (an unreadable date or category) are all raised together.

        >>> backlog = Backlog([
        ...     WorkItem("A-1", "Webinar", outcome="leads"),
        ...     WorkItem("A-2", "Fax blast", outcome="leads", fields={"moscow": "won't"}),
        ...     WorkItem("A-3", "Billboard"),
        ... ])
        >>> plan = backlog.plan_prune(OutsideOutcomes({"leads"}), WontHave())
        >>> print(plan.summary())
        Prune 2 of 3 items (67%):
          A-2 'Fax blast': categorised Won't (MoSCoW)
          A-3 'Billboard': linked to no Guidepoint outcome
        >>> [item.key for item in backlog.apply_prune(plan)], backlog.keys()
        (['A-2', 'A-3'], ['A-1'])
        """
        if not rules:
            raise InvalidValue(
                "no prune rule given",
                where="Backlog.plan_prune",
                fix="pass rules such as Stale(90), OutsideOutcomes(...), WontHave()",
            )
        if match not in ("any", "all"):
            raise InvalidValue(
                "unknown match mode",
                where="Backlog.plan_prune",
                fix="use 'any' or 'all'",
                value=match,
            )
        need_all = match == "all"
        candidates: list[PruneCandidate] = []
        problems: list[AgileMarketingError] = []
        for position, key in enumerate(self._order):
            item = self._items[key]
            reasons: list[str] = []
            complete = True
            for rule in rules:
                try:
                    reason = rule(item)
                except AgileMarketingError as exc:
                    problems.append(exc)
                    reason = None
                if reason is None:
                    complete = False
                    if need_all:
                        break
                else:
                    reasons.append(reason)
            if reasons and (complete or not need_all):
                candidates.append(PruneCandidate(key, item.title, position, tuple(reasons)))
        raise_all(problems, "cannot plan the prune")
        return PrunePlan(tuple(candidates), len(self), self._version, backlog_id=self._id)

    def apply_prune(self, plan: PrunePlan) -> list[WorkItem]:
        """Remove exactly the items of ``plan``; refuse if the backlog changed since.

        Returns the removed items in rank order.
        """
        if plan._backlog_id != self._id or plan.version != self._version:
            raise StalePrunePlan(
                planned_version=plan.version,
                current_version=self._version,
                same_backlog=plan._backlog_id == self._id,
            )
        keys = plan.keys
        if len(keys) <= len(self) // 128:  # a few items: remove one by one, O(k sqrt(n))
            return [self.remove(key) for key in keys]
        self._order.discard_many(set(keys))  # many: one O(n) rebuild of the order
        self._bump()
        return [self._items.pop(key) for key in keys]
