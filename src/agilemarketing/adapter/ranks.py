"""Backlog order as the adapter contract sees it: the order rank strings give a board's records.

The rank strings themselves (:func:`~agilemarketing.ranks.rank_between`,
:func:`~agilemarketing.ranks.is_rank`) belong to the model (:mod:`agilemarketing.ranks`); they
are re-exported here because adapters place items between ranks when they write.
"""

from __future__ import annotations

from agilemarketing.adapter.records import ItemRecord
from agilemarketing.ranks import is_rank, rank_between

__all__ = ["is_rank", "rank_between", "rank_order"]


def rank_order(record: ItemRecord) -> tuple[bool, str, str]:
    """Sort key of the backlog order: by rank (highest priority first), unranked items last,
    ties by key.

    >>> from agilemarketing.history import ItemHistory
    >>> records = [ItemRecord(ItemHistory(k, rank=r)) for k, r in [("A", None), ("B", "t"),
    ...                                                            ("C", "i")]]
    >>> [r.key for r in sorted(records, key=rank_order)]
    ['C', 'B', 'A']
    """
    rank = record.history.rank
    return (rank is None, rank or "", record.key)
