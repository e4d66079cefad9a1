"""Reranks that respect the target's rank scope (:class:`~agilemarketing.adapter.RankScope`).

A target ranked board-wide gets the reranks of :func:`~agilemarketing.sync.reranks.
plan_reranks` as they are. A target that orders items within each status (Trello orders cards
within a list) gets them planned status by status: the items the source holds in one status
(in the target's vocabulary) are compared three-way among themselves only, so every
:class:`~agilemarketing.adapter.Rerank` names a neighbour in the item's own status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from agilemarketing.adapter import ItemRecord, RankScope
from agilemarketing.sync.conflicts import Conflict, ConflictPolicy
from agilemarketing.sync.itemplan import ItemPlan
from agilemarketing.sync.reranks import plan_reranks

__all__ = ["plan_scoped_reranks"]


def plan_scoped_reranks(
    items: list[ItemPlan],
    base_s: Mapping[str, ItemRecord],
    read_s: Mapping[str, ItemRecord],
    target_now: Mapping[str, ItemRecord],
    policy: ConflictPolicy,
    src: str,
    revisions: Mapping[str, int],
    *,
    scope: RankScope,
    status_of: Callable[[ItemRecord], str],
    restored: Iterable[str] = (),
) -> tuple[list[ItemPlan], list[Conflict]]:
    """:func:`~agilemarketing.sync.reranks.plan_reranks` within the target's ``scope``:
    board-wide, or once per status (``status_of`` gives a source record's status on the
    target). Returns ``items`` (conflicted ones marked) followed by the reranks."""
    if scope is RankScope.BOARD:
        return plan_reranks(items, base_s, read_s, target_now, policy, src, revisions, restored)
    source_now = {**base_s, **read_s}
    status = {key: status_of(record) for key, record in source_now.items()}
    updated: dict[str, ItemPlan] = {}
    reranks: list[ItemPlan] = []
    conflicts: list[Conflict] = []
    for group in sorted(set(status.values())):

        def inside(records: Mapping[str, ItemRecord], group: str = group) -> dict[str, ItemRecord]:
            return {k: r for k, r in records.items() if status.get(k) == group}

        mine = [i for i in items if status.get(i.key) == group]
        planned, found = plan_reranks(
            mine,
            inside(base_s),
            inside(read_s),
            inside(target_now),
            policy,
            src,
            revisions,
            restored,
        )
        updated.update((i.key, i) for i in planned[: len(mine)])
        reranks += planned[len(mine) :]
        conflicts += found
    return [updated.get(i.key, i) for i in items] + reranks, conflicts
