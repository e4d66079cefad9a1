"""Rank strings: fractional indexes that sort between their neighbours and stay short.

(The rank-change tests, which replay changes on a backlog too, are in test_backlog.py.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidValue
from agilemarketing.ranks import is_rank, rank_between

ranks = st.from_regex(r"[0-9a-z]{0,5}[1-9a-z]", fullmatch=True)


@given(ranks, ranks)
def test_rank_between_sorts_strictly_between(a: str, b: str) -> None:
    if a == b:
        return
    low, high = sorted([a, b])
    middle = rank_between(low, high)
    assert low < middle < high
    assert is_rank(middle)


@given(ranks)
def test_rank_between_opens_room_at_both_ends(rank: str) -> None:
    above, below = rank_between(None, rank), rank_between(rank, None)
    assert above < rank < below
    assert is_rank(above)
    assert is_rank(below)


def _always_first(count: int) -> Iterator[str]:
    rank: str | None = None
    for _ in range(count):
        rank = rank_between(None, rank)
        yield rank


def test_ranks_grow_slowly_when_inserting_at_the_top_again_and_again() -> None:
    placed = list(_always_first(200))
    assert placed == sorted(placed, reverse=True)
    assert max(len(r) for r in placed) <= 40


@pytest.mark.parametrize(("low", "high"), [("b", "a"), ("a", "a"), ("A", None), (None, "a0")])
def test_rank_between_refuses_bad_bounds(low: str | None, high: str | None) -> None:
    with pytest.raises(InvalidValue):
        rank_between(low, high)
