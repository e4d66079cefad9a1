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

The order is kept in blocks of a few hundred keys with a key -> block map, so looking up the
position of a key, inserting and moving cost O(sqrt(n)) rather than a scan of the whole list.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Literal, Protocol, overload, runtime_checkable

import attrs

from agilemarketing._time import ensure_utc, utcnow
from agilemarketing.errors import (
    AgileMarketingError,
    DuplicateItem,
    InvalidValue,
    ItemNotInBacklog,
    NotAReordering,
    PositionOutOfRange,
    SelfRelativeMove,
    StalePrunePlan,
    raise_all,
)
from agilemarketing.items import WorkItem
from agilemarketing.prioritization import MoSCoW

__all__ = [
    "Backlog",
    "OutsideOutcomes",
    "PruneCandidate",
    "PrunePlan",
    "PruneRule",
    "RankChange",
    "Stale",
    "WontHave",
    "rank_changes",
]


# --------------------------------------------------------------------------- rank changes


@attrs.frozen
class RankChange:
    """One item placed at a new rank: what an external board needs to reproduce the move.

    Positions are 0-based (0 is the top). ``after`` is the key of the item now directly above
    (Jira's ``rankAfterIssue``), ``before`` the key of the item now directly below (Jira's
    ``rankBeforeIssue``); for Trello, a numeric ``pos`` between the two neighbours' positions
    reproduces it. Either neighbour alone is enough to replay the change; ``None`` means the top
    (``after``) or the bottom (``before``) of the list.

    >>> RankChange("MKT-4", new_position=0, old_position=3, before="MKT-1").moved
    True
    >>> RankChange("MKT-9", new_position=5).inserted
    True
    """

    key: str
    new_position: int
    old_position: int | None = None
    after: str | None = None
    before: str | None = None

    @property
    def inserted(self) -> bool:
        """True when the item was new to the list (no old position)."""
        return self.old_position is None

    @property
    def moved(self) -> bool:
        """True when the order changed (an insert, or a move to a different position)."""
        return self.old_position != self.new_position


# --------------------------------------------------------------------------- blocked order

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


# --------------------------------------------------------------------------- pruning


@runtime_checkable
class PruneRule(Protocol):
    """A reason to prune: called with an item, returns why it should go, or ``None`` to keep it.

    Any callable of that shape is a rule; :class:`Stale`, :class:`OutsideOutcomes` and
    :class:`WontHave` are the ready ones. A rule raises
    :class:`~agilemarketing.errors.InvalidValue` (naming the item) when an item's data is
    unusable; :meth:`Backlog.plan_prune` reports all such problems together.

    >>> def no_owner(item):
    ...     return None if item.stakeholder else "nobody asked for it"
    >>> isinstance(no_owner, PruneRule)
    True
    """

    def __call__(self, item: WorkItem) -> str | None:
        """The reason to prune ``item``, or ``None`` to keep it."""
        ...


@attrs.frozen
class Stale:
    """Items without activity for more than ``days`` days before ``now``.

    An item's *last activity* (``by="activity"``, the default) is, in this order of preference:
    ``item.fields["updated_at"]`` (an aware datetime or an ISO-8601 string with an offset, as an
    adapter records the tool's "last updated" time), else ``started_at``, else ``created_at``.
    With ``by="created"`` only ``created_at`` counts (age since the idea was logged). Items with
    no usable timestamp are kept: staleness cannot be told.

    >>> from datetime import UTC, datetime
    >>> rule = Stale(90, now=datetime(2026, 6, 1, tzinfo=UTC))
    >>> rule(WorkItem("MKT-1", "Old idea", created_at=datetime(2025, 1, 5, tzinfo=UTC)))
    'no activity for 512 days (last: created 2025-01-05)'
    >>> rule(WorkItem("MKT-2", "Fresh idea", created_at=datetime(2026, 5, 1, tzinfo=UTC))) is None
    True
    """

    days: float = attrs.field(converter=float)
    now: datetime = attrs.field(factory=utcnow, converter=ensure_utc)
    by: Literal["activity", "created"] = attrs.field(default="activity")

    @days.validator
    def _check_days(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not value >= 0:
            raise InvalidValue(
                "days must be 0 or more", where="Stale", fix="give a number of days", value=value
            )

    @by.validator
    def _check_by(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in ("activity", "created"):
            raise InvalidValue(
                "unknown activity source",
                where="Stale.by",
                fix="use 'activity' or 'created'",
                value=value,
            )

    def last_activity(self, item: WorkItem) -> tuple[datetime, str] | None:
        """The timestamp this rule judges ``item`` by, and where it came from."""
        if self.by == "activity":
            updated = item.fields.get("updated_at")
            if updated is not None:
                at = ensure_utc(updated, where=f"item {item.key}, field 'updated_at'")
                return at, "updated"
            if item.started_at is not None:
                return item.started_at, "started"
        if item.created_at is not None:
            return item.created_at, "created"
        return None

    def __call__(self, item: WorkItem) -> str | None:
        """The reason to prune ``item``, or ``None``."""
        found = self.last_activity(item)
        if found is None:
            return None
        at, source = found
        age = self.now - at
        if age <= timedelta(days=self.days):
            return None
        return f"no activity for {age.days} days (last: {source} {at.date().isoformat()})"


class _HasOutcomes(Protocol):
    @property
    def outcome_names(self) -> tuple[str, ...]: ...


def _outcomes(value: Iterable[str] | _HasOutcomes) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    elif not isinstance(value, Iterable):
        value = value.outcome_names
    return frozenset(o.strip().casefold() for o in value if o.strip())


@attrs.frozen
class OutsideOutcomes:
    """Items whose ``outcome`` is not one of the current Guidepoint outcomes (or is unset).

    ``outcomes`` is a collection of outcome names or a
    :class:`~agilemarketing.guidepoint.Guidepoint` (anything with ``outcome_names``). Outcomes
    are compared ignoring case and surrounding spaces.

    >>> rule = OutsideOutcomes({"50 qualified leads", "Brand awareness in DACH"})
    >>> rule(WorkItem("MKT-1", "Lead magnet", outcome="50 Qualified Leads")) is None
    True
    >>> rule(WorkItem("MKT-2", "Old trade fair", outcome="Trade fair presence"))
    "serves 'Trade fair presence', not a current Guidepoint outcome"
    >>> rule(WorkItem("MKT-3", "Random idea"))
    'linked to no Guidepoint outcome'
    """

    outcomes: frozenset[str] = attrs.field(converter=_outcomes)

    def __call__(self, item: WorkItem) -> str | None:
        """The reason to prune ``item``, or ``None``."""
        if item.outcome is None:
            return "linked to no Guidepoint outcome"
        if item.outcome.casefold() in self.outcomes:
            return None
        return f"serves {item.outcome!r}, not a current Guidepoint outcome"


@attrs.frozen
class WontHave:
    """Items categorised *Won't* in MoSCoW (``item.fields["moscow"]``).

    Items without a MoSCoW category are kept; an unreadable category is reported as an error.

    >>> rule = WontHave()
    >>> rule(WorkItem("MKT-1", "Fax campaign", fields={"moscow": "won't"}))
    "categorised Won't (MoSCoW)"
    >>> rule(WorkItem("MKT-2", "Webinar", fields={"moscow": "must"})) is None
    True
    """

    def __call__(self, item: WorkItem) -> str | None:
        """The reason to prune ``item``, or ``None``."""
        raw = item.fields.get("moscow")
        if raw is None:
            return None
        category = MoSCoW.parse(raw, key=item.key)
        return "categorised Won't (MoSCoW)" if category is MoSCoW.WONT else None


@attrs.frozen
class PruneCandidate:
    """One item a prune plan would remove, and every reason that selected it.

    >>> backlog = Backlog([WorkItem("A-1", "Fax blast", fields={"moscow": "W"})])
    >>> (candidate,) = backlog.plan_prune(WontHave())
    >>> candidate.key, candidate.position, candidate.reasons
    ('A-1', 0, ("categorised Won't (MoSCoW)",))
    """

    key: str
    title: str
    position: int
    reasons: tuple[str, ...]


@attrs.frozen
class PrunePlan:
    """What :meth:`Backlog.plan_prune` would remove, and why; nothing is changed until
    :meth:`Backlog.apply_prune`.

    Attributes:
        candidates: the items to remove, in rank order, each with its reasons.
        total: how many items the backlog held when the plan was made.
        version: the backlog version the plan was made against.

    >>> backlog = Backlog([WorkItem("A-1", "Webinar", outcome="leads"), WorkItem("A-2", "Flyer")])
    >>> plan = backlog.plan_prune(OutsideOutcomes({"leads"}))
    >>> plan.keys, len(plan), plan.share
    (('A-2',), 1, 0.5)
    """

    candidates: tuple[PruneCandidate, ...]
    total: int
    version: int
    _backlog_id: int = attrs.field(alias="backlog_id", repr=False)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys to remove, in rank order."""
        return tuple(c.key for c in self.candidates)

    @property
    def share(self) -> float:
        """The fraction of the backlog the plan removes (0.0 for an empty backlog)."""
        return len(self.candidates) / self.total if self.total else 0.0

    def __len__(self) -> int:
        return len(self.candidates)

    def __iter__(self) -> Iterator[PruneCandidate]:
        return iter(self.candidates)

    def summary(self) -> str:
        """A human-readable report: one line per item with its reasons."""
        lines = [
            f"Prune {len(self.candidates)} of {self.total} items ({self.share:.0%}):",
            *(f"  {c.key} {c.title!r}: {'; '.join(c.reasons)}" for c in self.candidates),
        ]
        return "\n".join(lines)


# --------------------------------------------------------------------------- the backlog

_backlog_ids = itertools.count(1)


@attrs.define(init=False, eq=False, repr=False)
class Backlog:
    """The Marketing Backlog: one ranked list of work items with unique keys (0 is the top).

    Equality is identity (it is a mutable aggregate); compare ``keys()`` or ``list(backlog)`` to
    compare contents. Every change bumps :attr:`version`.

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

    def __init__(self, items: Iterable[WorkItem] = ()) -> None:
        self.__attrs_init__({}, _Order(), 0, next(_backlog_ids))
        self.extend(items)

    # -- reading ---------------------------------------------------------------------------

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

    # -- changing ----------------------------------------------------------------------------

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

    def insert(self, item: WorkItem, *, at: int | None = None) -> RankChange:
        """Add ``item`` at position ``at`` (``0`` is the top; default: the bottom)."""
        if item.key in self._items:
            raise DuplicateItem(item.key)
        size = len(self)
        position = size if at is None else at
        if not 0 <= position <= size:
            raise PositionOutOfRange(position, last=size)
        above, below = self._order.insert(position, item.key)
        self._items[item.key] = item
        self._bump()
        return RankChange(item.key, position, None, above, below)

    def _move(self, key: str, target: Callable[[], int]) -> RankChange:
        if key not in self._items:
            raise ItemNotInBacklog(key)
        old = self._order.remove(key)
        new = target()
        above, below = self._order.insert(new, key)
        if new != old:
            self._bump()
        return RankChange(key, new, old, above, below)

    def _anchor(self, key: str, other: str, relation: str) -> None:
        if key == other:
            raise SelfRelativeMove(key, relation=relation)
        for name in (key, other):
            if name not in self._items:
                raise ItemNotInBacklog(name)

    def move_to_top(self, key: str) -> RankChange:
        """Move ``key`` to position 0."""
        return self._move(key, lambda: 0)

    def move_to_bottom(self, key: str) -> RankChange:
        """Move ``key`` to the last position."""
        return self._move(key, lambda: len(self._order))

    def move_before(self, key: str, other: str) -> RankChange:
        """Move ``key`` directly above ``other`` (ranked higher than it)."""
        self._anchor(key, other, "before")
        return self._move(key, lambda: self._order.position(other))

    def move_after(self, key: str, other: str) -> RankChange:
        """Move ``key`` directly below ``other`` (ranked lower than it)."""
        self._anchor(key, other, "after")
        return self._move(key, lambda: self._order.position(other) + 1)

    def move_to(self, key: str, position: int) -> RankChange:
        """Move ``key`` so that it ends at ``position`` (0 .. len - 1)."""
        if key not in self._items:
            raise ItemNotInBacklog(key)
        if not 0 <= position < len(self):
            raise PositionOutOfRange(position, last=len(self) - 1)
        return self._move(key, lambda: position)

    def apply(self, change: RankChange) -> RankChange:
        """Replay a :class:`RankChange` (from another board or from :func:`rank_changes`).

        The change is replayed by its neighbour: after ``change.after`` if set, else before
        ``change.before``, else (a one-item list) in place. Returns the change as it happened here.
        """
        if change.after is not None:
            return self.move_after(change.key, change.after)
        if change.before is not None:
            return self.move_before(change.key, change.before)
        return self.move_to_top(change.key)

    def reorder(self, keys: Sequence[str]) -> list[RankChange]:
        """Reorder to ``keys`` with the fewest moves; return the moves, in the order applied.

        ``keys`` is either every key of the backlog in the new order, or a subset: then those
        items are rearranged among the positions they already occupy and the others stay put.

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
        for change in changes:
            self.apply(change)
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

    # -- pruning -----------------------------------------------------------------------------

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


# --------------------------------------------------------------------------- rank_changes


def _check_permutation(old: Sequence[str], new: Sequence[str]) -> None:
    if len(old) == len(new) and len(set(new)) == len(new) and set(old) == set(new):
        return
    old_set = set(old)
    new_set = set(new)
    seen: set[str] = set()
    repeated = []
    for key in new:
        if key in seen:
            repeated.append(key)
        seen.add(key)
    raise NotAReordering(
        missing=[k for k in old if k not in new_set],
        unknown=[k for k in new if k not in old_set],
        repeated=repeated,
        where="rank_changes",
    )


def _longest_increasing(values: Sequence[int]) -> list[int]:
    """Indices of one longest strictly increasing subsequence of ``values`` (patience sort)."""
    tails: list[int] = []  # tails[length - 1] = smallest tail value of an increasing run
    tail_index: list[int] = []
    parent = [-1] * len(values)
    for index, value in enumerate(values):
        length = bisect.bisect_left(tails, value)
        if length == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[length] = value
            tail_index[length] = index
        parent[index] = tail_index[length - 1] if length else -1
    out: list[int] = []
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        out.append(index)
        index = parent[index]
    out.reverse()
    return out


class _Fenwick:
    """Counts of present slots, for prefix sums and k-th lookups in O(log n)."""

    __slots__ = ("_size", "_tree")

    def __init__(self, present: Sequence[int]) -> None:
        self._size = len(present)
        tree = [0, *present]
        for i in range(1, self._size + 1):
            parent = i + (i & -i)
            if parent <= self._size:
                tree[parent] += tree[i]
        self._tree = tree

    def add(self, slot: int, delta: int) -> None:
        i = slot + 1
        while i <= self._size:
            self._tree[i] += delta
            i += i & -i

    def before(self, slot: int) -> int:
        """How many present slots lie before ``slot``."""
        total, i = 0, slot
        while i > 0:
            total += self._tree[i]
            i -= i & -i
        return total

    def kth(self, k: int) -> int:
        """The slot holding the ``k``-th present element (0-based)."""
        position, remaining = 0, k + 1
        step = 1 << self._size.bit_length()
        while step:
            nxt = position + step
            if nxt <= self._size and self._tree[nxt] < remaining:
                position = nxt
                remaining -= self._tree[nxt]
            step >>= 1
        return position


def rank_changes(old_order: Sequence[str], new_order: Sequence[str]) -> list[RankChange]:
    """The fewest moves that turn ``old_order`` into ``new_order``, to apply in the given order.

    The items on a longest increasing subsequence (of their new positions, read in old order)
    stay; every other item moves once, directly after its new upper neighbour (or to the top).
    That is ``n - LIS`` moves, the minimum possible, found in O(n log n). Each
    :class:`RankChange` carries the positions and neighbours at the moment it is applied, so an
    external board replays them one by one (e.g. Jira ``rankAfterIssue``).

    >>> [(c.key, c.after) for c in rank_changes(list("ABCDE"), list("BADEC"))]
    [('A', 'B'), ('C', 'E')]
    >>> rank_changes(["A", "B"], ["A", "B"])
    []
    """
    _check_permutation(old_order, new_order)
    n = len(new_order)
    new_index = {key: i for i, key in enumerate(new_order)}
    sequence = [new_index[key] for key in old_order]
    stay = {old_order[i] for i in _longest_increasing(sequence)}
    if len(stay) == n:
        return []
    # Lay out one "master" sequence of slots so that, at every step, the current order is the
    # subsequence of present slots. Each gap starts at a staying item (or the top) and holds the
    # new slots of the movers that land in it (new order), then the old slots of the movers that
    # were in it (old order): a mover is placed right after its new upper neighbour, ahead of
    # movers not yet moved.
    gap_of_old: list[int] = []
    gap = 0
    stay_rank: dict[str, int] = {}
    for key in old_order:
        if key in stay:
            gap += 1
            stay_rank[key] = gap
        gap_of_old.append(gap)
    gap_of_new: dict[str, int] = {}
    gap = 0
    for key in new_order:
        if key in stay:
            gap = stay_rank[key]
        else:
            gap_of_new[key] = gap
    # Sort slots by (gap, kind, order): kind 0 = the staying item, 1 = new slot, 2 = old slot.
    slots: list[tuple[int, int, int, str]] = []
    for i, key in enumerate(old_order):
        kind = 0 if key in stay else 2
        slots.append((gap_of_old[i], kind, i, key))
    for key, g in gap_of_new.items():
        slots.append((g, 1, new_index[key], key))
    slots.sort()
    old_slot: dict[str, int] = {}
    new_slot: dict[str, int] = {}
    for number, (_, kind, _, key) in enumerate(slots):
        (new_slot if kind == 1 else old_slot)[key] = number
    present = [0 if kind == 1 else 1 for (_, kind, _, _) in slots]
    tree = _Fenwick(present)
    slot_key = [key for (_, _, _, key) in slots]
    changes: list[RankChange] = []
    for key in new_order:
        if key in stay:
            continue
        source, target = old_slot[key], new_slot[key]
        old_position = tree.before(source)
        tree.add(source, -1)
        new_position = tree.before(target)
        tree.add(target, 1)
        after = slot_key[tree.kth(new_position - 1)] if new_position > 0 else None
        before = slot_key[tree.kth(new_position + 1)] if new_position + 1 < n else None
        changes.append(RankChange(key, new_position, old_position, after, before))
    return changes
