"""Planning Poker: hidden votes, simultaneous reveal, outliers explain, re-vote, convergence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import (
    AlreadyDecided,
    InvalidValue,
    NotConverged,
    NotFacilitator,
    NotFound,
    OutliersMustExplain,
    VotesHidden,
)
from agilemarketing.items import SizeUnit, WorkItem
from agilemarketing.planning.poker import (
    AdjacentCards,
    ConvergenceRule,
    Deck,
    Majority,
    PokerSession,
    PokerTable,
    Unanimous,
)

ITEM = WorkItem("CAMP-1", "Banking app launch video")
TEAM = ["Ana", "Ben", "Cy"]


def test_standard_decks() -> None:
    assert Deck.fibonacci().labels == (
        "0", "1", "2", "3", "5", "8", "13", "21", "34", "55", "89", "?",
    )  # fmt: skip
    assert Deck.modified_fibonacci().card("½").value == 0.5
    assert Deck.modified_fibonacci().card("☕").value is None
    assert Deck.tshirt_sizes().labels == ("XS", "S", "M", "L", "XL", "XXL", "?")
    assert Deck.custom("days", [1, 2, 4]).labels == ("1", "2", "4", "?")


def test_a_deck_must_be_ordered_and_unique() -> None:
    with pytest.raises(InvalidValue):
        Deck.custom("bad", [5, 3, 8])
    with pytest.raises(InvalidValue):
        Deck.custom("dup", [1, 1, 2])
    with pytest.raises(InvalidValue, match="no such card"):
        Deck.fibonacci().card("4")


def test_no_vote_is_visible_before_everyone_has_voted() -> None:
    s = PokerSession(ITEM, TEAM)
    s.vote("Ana", 5)
    s.vote("Ben", 8)
    assert s.voted == ("Ana", "Ben")
    assert s.waiting_for == ("Cy",)
    with pytest.raises(VotesHidden) as caught:
        _ = s.votes
    assert caught.value.waiting_for == ("Cy",)
    with pytest.raises(VotesHidden):
        s.reveal()
    # not even the session's repr shows a hidden card
    assert "_hidden" not in repr(s)


def test_reveal_shows_every_vote_at_once() -> None:
    s = PokerSession(ITEM, TEAM)
    for who, card in zip(TEAM, ["5", "5", "8"], strict=True):
        s.vote(who, card)
    r = s.reveal()
    assert r.votes == {"Ana": "5", "Ben": "5", "Cy": "8"}
    assert s.votes == r.votes
    assert r.converged
    assert r.agreed == "5"


def test_outliers_explain_before_the_revote() -> None:
    s = PokerSession(ITEM, TEAM)
    for who, card in zip(TEAM, ["2", "5", "13"], strict=True):
        s.vote(who, card)
    first = s.reveal()
    assert not first.converged
    assert first.outliers == ("Ana", "Cy")
    with pytest.raises(OutliersMustExplain) as caught:
        s.revote()
    assert caught.value.outliers == ("Ana", "Cy")
    with pytest.raises(OutliersMustExplain):
        s.vote("Ben", 5)
    s.explain("Ana", "we reuse last year's footage")
    s.explain("Cy", "four languages of subtitles")
    s.revote()
    for who, card in zip(TEAM, ["5", "5", "8"], strict=True):
        s.vote(who, card)
    second = s.reveal()
    assert second.number == 2
    assert second.converged
    assert s.explanations[(1, "Cy")] == "four languages of subtitles"
    result = s.result()
    assert result.rounds == 2
    assert result.item.size is not None
    assert result.item.points == 5


def test_unsure_voters_are_asked_to_explain_too() -> None:
    s = PokerSession(ITEM, TEAM)
    for who, card in zip(TEAM, ["5", "5", "?"], strict=True):
        s.vote(who, card)
    assert s.reveal().outliers == ("Cy",)


def test_estimate_needs_convergence_or_a_recorded_settlement() -> None:
    s = PokerSession(ITEM, TEAM, max_rounds=1)
    for who, card in zip(TEAM, ["1", "8", "21"], strict=True):
        s.vote(who, card)
    s.reveal()
    with pytest.raises(NotConverged):
        s.result()
    s.explain("Ana", "a")
    s.explain("Cy", "c")
    with pytest.raises(NotConverged):
        s.revote()  # max rounds reached
    with pytest.raises(InvalidValue, match="reason"):
        s.settle("8", by="Agile Champion", reason=" ")
    settled = s.settle("8", by="Agile Champion", reason="split the difference, revisit in review")
    assert settled.settled_by == "Agile Champion"
    assert settled.item.points == 8
    with pytest.raises(AlreadyDecided):
        s.vote("Ana", 3)


def test_only_participants_vote_and_only_deck_cards_count() -> None:
    s = PokerSession(ITEM, TEAM)
    with pytest.raises(NotFound):
        s.vote("Sam from Sales", 3)
    with pytest.raises(InvalidValue):
        s.vote("Ana", "7")
    with pytest.raises(InvalidValue, match="two participants"):
        PokerSession(ITEM, ["Solo"])


def test_tshirt_estimates_become_tshirt_sizes() -> None:
    s = PokerSession(ITEM, ["Ana", "Ben"], Deck.tshirt_sizes())
    s.vote("Ana", "m")
    s.vote("Ben", "M")
    s.reveal()
    size = s.result().item.size
    assert size is not None
    assert size.unit is SizeUnit.TSHIRT
    assert size.label == "M"


def test_convergence_rules() -> None:
    d = Deck.fibonacci()
    three, five, eight = d.card(3), d.card(5), d.card(8)
    assert Unanimous()(d, {"a": three, "b": five}) is None
    assert AdjacentCards()(d, {"a": three, "b": five}) == five  # tie -> the larger card
    assert AdjacentCards(span=2)(d, {"a": three, "b": eight, "c": three}) == three
    assert Majority(0.6)(d, {"a": three, "b": three, "c": eight}) == three
    assert Majority(0.7)(d, {"a": three, "b": three, "c": eight}) is None
    assert isinstance(Unanimous(), ConvergenceRule)


def test_a_custom_rule_plugs_in() -> None:
    def lowest_wins(deck: Deck, votes: dict[str, object]) -> object:
        return min(votes.values(), key=lambda c: c.value)  # type: ignore[attr-defined]

    s = PokerSession(ITEM, ["Ana", "Ben"], rule=lowest_wins)  # type: ignore[arg-type]
    s.vote("Ana", 2)
    s.vote("Ben", 13)
    assert s.reveal().agreed == "2"


def test_a_table_sizes_a_whole_list_of_items() -> None:
    table = PokerTable(TEAM, Deck.modified_fibonacci())
    items = [WorkItem("A", "Webinar"), WorkItem("B", "Case study"), WorkItem("C", "Ads")]
    table.play(items[0], [{"Ana": 5, "Ben": 5, "Cy": 5}])
    table.play(items[1], [{"Ana": "½", "Ben": 1, "Cy": 1}])
    with pytest.raises(OutliersMustExplain):
        table.play(items[2], [{"Ana": 1, "Ben": 8, "Cy": 3}, {"Ana": 3, "Ben": 3, "Cy": 3}])
    table.play(
        items[2],
        [{"Ana": 3, "Ben": 3, "Cy": 3}],
        explanations={"Ana": "tiny budget", "Ben": "three audiences"},
    )
    assert [(i.key, i.points) for i in table.sized_items()] == [("A", 5), ("B", 1), ("C", 3)]


votes = st.lists(st.sampled_from(Deck.fibonacci().labels), min_size=2, max_size=6)


@given(votes)
def test_reveal_returns_exactly_the_cards_played_and_outliers_are_extremes(
    cards: list[str],
) -> None:
    people = [f"p{i}" for i in range(len(cards))]
    deck = Deck.fibonacci()
    s = PokerSession(ITEM, people, deck)
    for who, card in zip(people, cards, strict=True):
        s.vote(who, card)
    r = s.reveal()
    assert dict(r.votes) == dict(zip(people, cards, strict=True))
    numeric = [deck.card(c).value for c in cards if c != "?"]
    if r.converged:
        assert r.outliers == ()
        assert r.agreed in cards
    else:
        for who in r.outliers:
            card = r.votes[who]
            assert card == "?" or deck.card(card).value in (min(numeric), max(numeric))
        assert r.outliers  # somebody always explains a disagreement


@given(st.integers(min_value=2, max_value=7), st.data())
def test_no_vote_is_visible_until_the_last_one_is_cast(n: int, data: st.DataObject) -> None:
    people = [f"p{i}" for i in range(n)]
    s = PokerSession(ITEM, people)
    order = data.draw(st.permutations(people))
    for who in order[:-1]:
        s.vote(who, data.draw(st.sampled_from(Deck.fibonacci().labels)))
        with pytest.raises(VotesHidden):
            _ = s.votes
        with pytest.raises(VotesHidden):
            s.reveal()
    s.vote(order[-1], 5)
    assert set(s.reveal().votes) == set(people)


def test_revealing_the_same_round_twice_says_the_cards_are_already_up() -> None:
    s = PokerSession(ITEM, TEAM)
    for who, card in zip(TEAM, ["2", "5", "13"], strict=True):
        s.vote(who, card)
    s.reveal()
    with pytest.raises(AlreadyDecided, match="round 1: already decided") as caught:
        s.reveal()
    assert "vote again" in str(caught.value)


def test_settling_before_the_last_round_needs_the_facilitator_and_a_reason() -> None:
    # Issue 15: settle() was accepted after round 1 of max_rounds=3, by anyone.
    s = PokerSession(ITEM, TEAM, facilitator="Maya (Agile Champion)")
    for who, card in zip(TEAM, ["1", "8", "21"], strict=True):
        s.vote(who, card)
    s.reveal()
    with pytest.raises(NotFacilitator, match="Maya") as caught:
        s.settle("8", by="Ana", reason="we are out of time")
    assert (caught.value.who, caught.value.facilitator) == ("Ana", "Maya (Agile Champion)")
    with pytest.raises(InvalidValue, match="reason"):
        s.settle("8", by="Maya (Agile Champion)", reason=" ")
    settled = s.settle("8", by="Maya (Agile Champion)", reason="the workshop ran out of time")
    assert (settled.settled_by, settled.reason) == (
        "Maya (Agile Champion)",
        "the workshop ran out of time",
    )
    assert (settled.rounds, settled.early) == (1, True)


def test_without_a_facilitator_only_the_last_round_can_be_settled() -> None:
    s = PokerSession(ITEM, TEAM, max_rounds=2)
    for who, card in zip(TEAM, ["1", "8", "21"], strict=True):
        s.vote(who, card)
    s.reveal()
    with pytest.raises(NotFacilitator, match="facilitator="):
        s.settle("8", by="Ana", reason="we are out of time")
    s.explain("Ana", "reuse last year's footage")
    s.explain("Cy", "four languages")
    s.revote()
    with pytest.raises(NotFacilitator):  # the second round is under way: still not the last
        s.settle("8", by="Ana", reason="we are out of time")
    for who, card in zip(TEAM, ["2", "8", "21"], strict=True):
        s.vote(who, card)
    s.reveal()
    settled = s.settle("8", by="Ana", reason="two rounds without agreement; revisit in review")
    assert (settled.rounds, settled.early) == (2, False)


def test_a_table_passes_its_facilitator_to_every_session() -> None:
    table = PokerTable(TEAM, facilitator="Maya", max_rounds=3)
    s = table.session(ITEM)
    assert s.facilitator == "Maya"
    with pytest.raises(NotConverged):
        table.play(ITEM, [{"Ana": 1, "Ben": 8, "Cy": 21}])
    assert s.settle("8", by="Maya", reason="time").early
