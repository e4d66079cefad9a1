"""Collaborative ranking: ballots, Borda and Schulze counts, and how much participants agree."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.backlog import Backlog
from agilemarketing.ballots import Ballot, consensus
from agilemarketing.errors import InvalidBallot, InvalidInputGroup, InvalidValue
from agilemarketing.items import WorkItem


def wikipedia_schulze_ballots() -> list[Ballot]:
    """The 45-voter example of the Schulze method's Wikipedia article: E > A > C > B > D."""
    groups = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    ballots = []
    for count, order in groups:
        ballots += [Ballot.ranking(f"{order}-{i}", list(order)) for i in range(count)]
    return ballots


def test_schulze_reproduces_the_textbook_example() -> None:
    result = consensus(wikipedia_schulze_ballots(), method="schulze")
    assert result.order == ("E", "A", "C", "B", "D")
    assert result.scores["E"] == 4


def test_borda_gives_points_for_every_item_ranked_below() -> None:
    result = consensus({"Ana": ["a", "b", "c"], "Ben": ["b", "a", "c"], "Cem": ["a", "c", "b"]})
    assert result.order == ("a", "b", "c")
    assert dict(result.scores) == {"a": 5.0, "b": 3.0, "c": 1.0}
    assert result.distances["Ana"] == 0
    assert result.distances["Ben"] == pytest.approx(1 / 3)


def test_a_reversed_participant_is_at_distance_one() -> None:
    result = consensus({"Ana": list("abcd"), "Ben": list("abcd"), "Cem": list("dcba")})
    assert result.distances["Cem"] == 1.0
    assert result.agreement == pytest.approx(2 / 3)
    assert result.spreads["a"].range == 3
    assert result.spreads["a"].best == 1


def test_approval_and_dot_votes_become_tiers() -> None:
    ballots = [
        Ballot.approval("Ana", ["webinar", "ebook"]),
        Ballot.approval("Ben", ["ebook"]),
        Ballot.dots("Cem", {"podcast": 1, "ebook": 4, "webinar": 0}),
    ]
    result = consensus(ballots, items=["webinar", "ebook", "podcast"])
    assert result.order == ("ebook", "webinar", "podcast")
    # Ana ties webinar and ebook: that pair is not hers to be overruled on.
    assert result.distances["Ana"] == 0.0
    assert result.spreads["ebook"].best == 1  # first for Ben and Cem
    assert result.spreads["ebook"].worst == 1.5  # Ana's tied first and second share rank 1.5


def test_ties_follow_the_given_item_order_then_the_key() -> None:
    ballots = {"Ana": ["x", "y"], "Ben": ["y", "x"]}
    assert consensus(ballots).order == ("x", "y")
    assert consensus(ballots, items=["y", "x"]).order == ("y", "x")
    assert consensus(ballots, method="schulze", items=["y", "x"]).order == ("y", "x")


def test_schulze_breaks_its_own_ties_by_borda_points() -> None:
    # A Condorcet cycle a > b > c > a of equal strength; Borda separates nothing either,
    # so the key order decides; adding a weak extra preference for c lifts it.
    cycle = {"P1": ["a", "b", "c"], "P2": ["b", "c", "a"], "P3": ["c", "a", "b"]}
    assert consensus(cycle, method="schulze").order == ("a", "b", "c")
    tilted = [*(Ballot.ranking(p, k) for p, k in cycle.items()), Ballot("P4", (("c",),))]
    assert consensus(tilted, method="schulze").order[0] == "c"


def test_ballot_problems_are_reported_together() -> None:
    ballots = [
        Ballot.ranking("Ana", ["a", "z"]),
        Ballot.ranking("Ben", ["a"]),
        Ballot.ranking("Ben", ["b"]),
    ]
    with pytest.raises(InvalidInputGroup) as caught:
        consensus(ballots, items=["a", "b"])
    messages = sorted(str(e) for e in caught.value.exceptions)
    assert "'Ana'" in messages[0]
    assert "unknown items z" in messages[0]
    assert "'Ben'" in messages[1]
    assert "more than one ballot" in messages[1]


def test_a_ballot_cannot_name_an_item_twice_or_give_negative_dots() -> None:
    with pytest.raises(InvalidBallot, match="names a more than once"):
        Ballot.ranking("Ana", ["a", "b", "a"])
    with pytest.raises(InvalidBallot, match="dots for b"):
        Ballot.dots("Ana", {"a": 1, "b": -1})
    with pytest.raises(InvalidBallot, match="no name"):
        Ballot.ranking(" ", ["a"])


def test_consensus_needs_ballots_and_a_known_method() -> None:
    with pytest.raises(InvalidValue, match="no ballots"):
        consensus([])
    with pytest.raises(InvalidValue, match="'borda' or 'schulze'"):
        consensus({"Ana": ["a"]}, method="plurality")  # type: ignore[arg-type]


def test_a_consensus_can_be_written_to_the_backlog() -> None:
    backlog = Backlog([WorkItem(k, f"work {k}") for k in "abc"])
    result = consensus({"Ana": ["c", "a", "b"], "Ben": ["c", "b", "a"]}, items=backlog.keys())
    result.apply_to(backlog)
    assert backlog.keys() == ["c", "a", "b"]
    assert "1. c" in result.report()


ITEMS = list("abcdefg")
strict_ballot = st.permutations(ITEMS)
any_ballot = st.lists(
    st.lists(st.sampled_from(ITEMS), min_size=1, max_size=3, unique=True), max_size=4
)


@st.composite
def tiered_ballots(draw: st.DrawFn) -> list[Ballot]:
    count = draw(st.integers(1, 6))
    ballots = []
    for p in range(count):
        tiers = draw(any_ballot)
        seen: set[str] = set()
        clean = []
        for tier in tiers:
            kept = tuple(k for k in tier if k not in seen)
            seen.update(kept)
            if kept:
                clean.append(kept)
        ballots.append(Ballot(f"P{p}", tuple(clean)))
    return ballots


@given(tiered_ballots(), st.sampled_from(["borda", "schulze"]))
def test_consensus_is_a_permutation_of_all_items(ballots: list[Ballot], method: Any) -> None:
    result = consensus(ballots, method=method, items=ITEMS)
    assert sorted(result.order) == ITEMS
    assert set(result.distances) == {b.participant for b in ballots}
    assert all(0.0 <= d <= 1.0 for d in result.distances.values())
    assert 0.0 <= result.agreement <= 1.0


@given(strict_ballot, st.integers(1, 5), st.sampled_from(["borda", "schulze"]))
def test_unanimous_ballots_give_that_order_and_no_disagreement(
    order: list[str], voters: int, method: Any
) -> None:
    result = consensus({f"P{i}": order for i in range(voters)}, method=method)
    assert list(result.order) == list(order)
    assert set(result.distances.values()) == {0.0}
    assert result.agreement == 1.0
    assert all(spread.range == 0 for spread in result.spreads.values())


@given(st.lists(strict_ballot, min_size=1, max_size=7))
def test_schulze_elects_the_condorcet_winner_when_there_is_one(orders: list[list[str]]) -> None:
    def prefers(a: str, b: str) -> int:
        return sum(o.index(a) < o.index(b) for o in orders)

    winners = [a for a in ITEMS if all(prefers(a, b) > prefers(b, a) for b in ITEMS if b != a)]
    result = consensus({f"P{i}": o for i, o in enumerate(orders)}, method="schulze")
    if winners:
        assert result.order[0] == winners[0]


@given(tiered_ballots())
def test_borda_hands_out_every_pair_point_exactly_once(ballots: list[Ballot]) -> None:
    result = consensus(ballots, items=ITEMS)
    pairs = len(ITEMS) * (len(ITEMS) - 1) / 2
    assert sum(result.scores.values()) == pytest.approx(len(ballots) * pairs)
    assert list(result.scores.values()) == sorted(result.scores.values(), reverse=True)
