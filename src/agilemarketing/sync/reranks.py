"""Planning reranks: the target's order follows the source's.

:func:`plan_reranks` compares the orders three-way, as fields are compared; :class:`KeyOrder`
simulates the target's order as the planned reranks change it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

import attrs

from agilemarketing.adapter import CreateItem, ItemRecord, Rerank, rank_order
from agilemarketing.sync.conflicts import Conflict, ConflictPolicy, resolution
from agilemarketing.sync.itemplan import ItemPlan

__all__ = ["KeyOrder", "plan_reranks"]


def _predecessors(keys: Iterable[str]) -> dict[str, str | None]:
    order = list(keys)
    return {key: (order[i - 1] if i else None) for i, key in enumerate(order)}


class KeyOrder:
    """A sequence of keys as a doubly linked list: O(1) neighbour, remove and insert."""

    def __init__(self, keys: list[str]) -> None:
        self.before: dict[str, str | None] = _predecessors(keys)
        self.after: dict[str | None, str | None] = {None: keys[0] if keys else None}
        for key, pred in self.before.items():
            self.after[pred] = key
        if keys:
            self.after[keys[-1]] = None

    @property
    def first(self) -> str:
        """The first key."""
        head = self.after[None]
        assert head is not None, "the order is empty"
        return head

    def remove(self, key: str) -> None:
        """Take ``key`` out of the sequence."""
        pred, succ = self.before.pop(key), self.after.pop(key)
        self.after[pred] = succ
        if succ is not None:
            self.before[succ] = pred

    def insert_after(self, pred: str | None, key: str) -> None:
        """Put ``key`` right after ``pred`` (at the top when ``pred`` is None)."""
        succ = self.after[pred]
        self.after[pred], self.after[key], self.before[key] = key, succ, pred
        if succ is not None:
            self.before[succ] = key

    def __iter__(self) -> Iterator[str]:
        key = self.after[None]
        while key is not None:
            yield key
            key = self.after[key]


def _kept_in_order(order: list[str], base: Mapping[str, int]) -> set[str]:
    """The keys of ``order`` that keep their base order: a longest increasing subsequence of
    their base positions (the fewest items to call "moved"); keys not in ``base`` are left out.
    """
    keys = [k for k in order if k in base]
    tails: list[int] = []  # tails[n]: index in keys of the smallest tail of a run of length n+1
    tail_positions: list[int] = []  # base positions of those tails, for bisect
    parent: list[int] = [-1] * len(keys)
    for i, key in enumerate(keys):
        position = base[key]
        n = bisect.bisect_left(tail_positions, position)
        parent[i] = tails[n - 1] if n else -1
        if n == len(tails):
            tails.append(i)
            tail_positions.append(position)
        else:
            tails[n] = i
            tail_positions[n] = position
    kept: set[str] = set()
    at = tails[-1] if tails else -1
    while at >= 0:
        kept.add(keys[at])
        at = parent[at]
    return kept


class _Orders(NamedTuple):
    """The keys a sync keeps in order, as the source, the base and the target order them."""

    source: list[str]
    base: list[str]
    target: list[str]


def _orders(
    items: list[ItemPlan],
    base_s: Mapping[str, ItemRecord],
    read_s: Mapping[str, ItemRecord],
    target_now: Mapping[str, ItemRecord],
) -> _Orders | None:
    """The orders of the items on both sides and planned creates (None: the source keeps no
    order); a new item is at the bottom of the target until it is placed."""
    source_now = {**base_s, **read_s}
    if not any(r.history.rank is not None for r in source_now.values()):
        return None
    creates = [i.key for i in items if any(isinstance(c, CreateItem) for c in i.changes)]
    synced = {k for k in source_now if k in target_now} | set(creates)
    order_s = [r.key for r in sorted(source_now.values(), key=rank_order) if r.key in synced]
    order_b = [r.key for r in sorted(base_s.values(), key=rank_order) if r.key in synced]
    order_t = [r.key for r in sorted(target_now.values(), key=rank_order) if r.key in synced]
    order_t += [k for k in creates if k not in target_now]  # new items land at the bottom
    return _Orders(order_s, order_b, order_t)


def plan_reranks(
    items: list[ItemPlan],
    base_s: Mapping[str, ItemRecord],
    read_s: Mapping[str, ItemRecord],
    target_now: Mapping[str, ItemRecord],
    policy: ConflictPolicy,
    src: str,
    revisions: Mapping[str, int],
    restored: Iterable[str] = (),
) -> tuple[list[ItemPlan], list[Conflict]]:
    """Plan :class:`~agilemarketing.adapter.Rerank` changes so the target's order follows the
    source's, three-way: ``items`` followed by the reranks, and the ``rank`` conflicts found (the
    items they concern are marked conflicted).

    The items the source moved since the last sync (those outside a longest run that kept the
    base order) and the new ones are placed on the target right after the item above them at
    the source; items only the target moved stay where the target put them; an item moved on
    both sides to different places is a ``rank`` conflict. Items brought back after a removal
    (``restored``) are placed like new ones: their base is where they were when removed, an
    order the source has since forgotten.
    """
    orders = _orders(items, base_s, read_s, target_now)
    if orders is None:
        return items, []  # the source keeps no order: nothing to follow
    blocked = {i.key for i in items if i.blocked}
    # Items the target lost are created again at its bottom: placed like new ones, and never
    # taken for a move on the target.
    recreated = {i.key for i in items if i.recreated} | set(restored)
    base_position = {key: n for n, key in enumerate(k for k in orders.base if k not in recreated)}
    moved_by_source = set(orders.source) - _kept_in_order(orders.source, base_position)
    moved_by_source |= recreated
    on_target = [k for k in orders.target if k not in recreated]
    moved_by_target = set(base_position) - recreated - _kept_in_order(on_target, base_position)
    pred_s, pred_b, pred_t = (_predecessors(o) for o in orders)
    simulated = KeyOrder(orders.target)  # the target's order as the reranks change it
    reranks: list[ItemPlan] = []
    conflicts: list[Conflict] = []
    conflicted: set[str] = set()
    for key in orders.source:
        if key not in moved_by_source or key in blocked:
            continue
        want = pred_s[key]
        if simulated.before[key] == want:
            continue
        # The target moved it too, or moved what was around it (which of two swapped items
        # moved cannot be told apart): a conflict, never a silent overwrite.
        target_moved = key not in recreated and (
            key in moved_by_target or (key in pred_b and pred_t[key] != pred_b[key])
        )
        if target_moved and pred_t[key] != want:
            conflicts.append(
                Conflict(
                    key,
                    "rank",
                    _place(pred_b[key]),
                    _place(want),
                    _place(pred_t[key]),
                    resolution(policy),
                )
            )
            conflicted.add(key)
            if policy is not ConflictPolicy.PREFER_SOURCE:
                continue
        simulated.remove(key)
        origin = f"{src}@{revisions.get(key, 0)}:order:{pred_b.get(key)}"
        if want is None:
            change = Rerank(key, before=simulated.first, origin=origin)
        else:
            change = Rerank(key, after=want, origin=origin)
        simulated.insert_after(want, key)
        reranks.append(ItemPlan(key, (change,), None, None, False, None))
    if conflicted:
        items = _mark_conflicted(items, conflicted, policy)
    return items + reranks, conflicts


def _mark_conflicted(
    items: list[ItemPlan], conflicted: set[str], policy: ConflictPolicy
) -> list[ItemPlan]:
    """``items`` with those in ``conflicted`` marked (and, under ``skip``, blocked)."""
    skip = policy is ConflictPolicy.SKIP
    return [
        attrs.evolve(
            i,
            conflicted=True,
            blocked=i.blocked or skip,
            source_base=None if skip else i.source_base,
        )
        if i.key in conflicted
        else i
        for i in items
    ]


def _place(pred: str | None) -> str:
    return "first" if pred is None else f"after {pred}"
