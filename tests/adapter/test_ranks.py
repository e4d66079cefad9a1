"""Ranks on a board: appends at the bottom stay short, unranked seeds keep their order.

The rank strings themselves are specified in tests/test_ranks.py."""

from __future__ import annotations

from hypothesis import strategies as st

from agilemarketing.adapter import rank_between
from agilemarketing.history import ItemHistory

ranks = st.from_regex(r"[0-9a-z]{0,5}[1-9a-z]", fullmatch=True)


def test_appending_at_the_bottom_keeps_ranks_short() -> None:
    # halving the room above the last rank would add a digit every few appends
    rank = rank_between(None, None)
    ranks = [rank]
    for _ in range(20_000):
        rank = rank_between(rank, None)
        ranks.append(rank)
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)
    assert max(len(r) for r in ranks) <= 6


def test_seeding_thousands_of_unranked_items_puts_them_at_the_bottom_in_order() -> None:
    from agilemarketing.testing import InMemoryAdapter

    board = InMemoryAdapter("seeded")
    board.seed(ItemHistory(f"K-{i}", summary=f"item {i}") for i in range(8_000))
    records = list(board.read().items)
    ranks = [r.history.rank or "" for r in records]
    assert len(ranks) == 8_000
    assert max(len(r) for r in ranks) <= 6
    by_rank = [r.key for r in sorted(records, key=lambda r: r.history.rank or "")]
    assert by_rank == [f"K-{i}" for i in range(8_000)]
