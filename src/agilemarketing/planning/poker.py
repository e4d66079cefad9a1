"""Planning Poker: quick, relative sizing where everyone votes at once.

A :class:`PokerSession` sizes one item: each participant picks a card from a :class:`Deck`
(Fibonacci, modified Fibonacci, t-shirt or a custom deck) in secret; the votes are revealed
together only when everyone has voted (no vote is visible before); when they do not converge,
the outliers (the highest and lowest votes, and anyone who played ``?``) explain, then the team
votes again. A :class:`ConvergenceRule` decides when votes agree and which card wins; the
estimate becomes the item's :class:`~agilemarketing.items.Size`.

A :class:`PokerTable` runs one workshop over a whole list of items with the same people and deck.

>>> from agilemarketing.items import WorkItem
>>> table = PokerTable(["Ana", "Ben", "Cy"], Deck.fibonacci())
>>> result = table.play(
...     WorkItem("CAMP-1", "Banking app launch video"),
...     [{"Ana": "3", "Ben": "13", "Cy": "5"}, {"Ana": "5", "Ben": "8", "Cy": "5"}],
...     explanations={"Ana": "we have footage", "Ben": "subtitles in 4 languages"},
... )
>>> result.card.label, result.rounds, str(result.item.size)
('5', 2, '5 pt')
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from agilemarketing.errors import (
    AlreadyDecided,
    InvalidValue,
    NotConverged,
    NotFacilitator,
    NotFound,
    OutliersMustExplain,
    VotesHidden,
)
from agilemarketing.items import Size, TShirt, WorkItem
from agilemarketing.validators import instances, optional_number, texts

__all__ = [
    "AdjacentCards",
    "Card",
    "ConvergenceRule",
    "Deck",
    "Majority",
    "PokerResult",
    "PokerSession",
    "PokerTable",
    "Round",
    "Unanimous",
]

_UNSURE = "?"
_BREAK = "☕"


_CARD_VALUE = optional_number(
    "Card.value", finite=True, fix="give the card's points, or None for '?'"
)


def _card_value(value: Any) -> float | None:
    return _CARD_VALUE(value)


@attrs.frozen
class Card:
    """One card: its label and its value in points (None for ``?`` and ``☕``)."""

    label: str
    value: float | None = attrs.field(
        default=None,
        converter=_card_value,
    )

    @property
    def numeric(self) -> bool:
        """Whether the card is an estimate (not ``?`` or a break)."""
        return self.value is not None


_CARDS = instances(Card, "Deck.cards", fix='give Card values, e.g. [Card("1", 1), Card("2", 2)]')


def _cards(value: Any) -> tuple[Card, ...]:
    return _CARDS(value)


@attrs.frozen
class Deck:
    """An ordered set of cards, smallest estimate first.

    >>> Deck.modified_fibonacci().labels[:5]
    ('0', '½', '1', '2', '3')
    >>> Deck.custom("hours", [1, 2, 4, 8]).card("4").value
    4.0
    >>> Deck.modified_fibonacci().card(0.5).label
    '½'

    """

    name: str
    cards: tuple[Card, ...] = attrs.field(converter=_cards)
    tshirt: bool = False

    def __attrs_post_init__(self) -> None:
        labels = [c.label for c in self.cards]
        numeric = [c.value for c in self.cards if c.value is not None]
        if len(numeric) < 2 or len(set(labels)) != len(labels) or numeric != sorted(numeric):
            raise InvalidValue(
                "a deck needs at least two estimate cards, unique labels, smallest first",
                where=f"deck {self.name!r}",
                fix="list the cards in increasing order, e.g. 1, 2, 3, 5, 8",
                value=labels,
            )

    @classmethod
    def fibonacci(cls) -> Deck:
        """0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89 and ``?``."""
        values = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89]
        return cls("fibonacci", [*(Card(str(v), float(v)) for v in values), Card(_UNSURE)])

    @classmethod
    def modified_fibonacci(cls) -> Deck:
        """0, ½, 1, 2, 3, 5, 8, 13, 20, 40, 100, ``?`` and ``☕`` (the common planning deck)."""
        values: list[tuple[str, float]] = [("0", 0), ("½", 0.5)]
        values += [(str(v), float(v)) for v in (1, 2, 3, 5, 8, 13, 20, 40, 100)]
        cards = [Card(label, value) for label, value in values]
        return cls("modified fibonacci", [*cards, Card(_UNSURE), Card(_BREAK)])

    @classmethod
    def tshirt_sizes(cls) -> Deck:
        """XS, S, M, L, XL, XXL and ``?``; an estimate becomes a t-shirt :class:`Size`."""
        cards = [Card(t.value, t.points) for t in TShirt]
        return cls("t-shirt", [*cards, Card(_UNSURE)], tshirt=True)

    @classmethod
    def custom(cls, name: str, values: Iterable[float | str], *, unsure: bool = True) -> Deck:
        """A deck of your own numbers (``unsure`` adds a ``?`` card)."""
        cards = [Card(f"{float(v):g}", float(v)) for v in values]
        return cls(name, [*cards, Card(_UNSURE)] if unsure else cards)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every card label in deck order."""
        return tuple(c.label for c in self.cards)

    def card(self, label: str | float) -> Card:
        """The card with this label (``"5"``, ``5``, ``"m"`` for a t-shirt deck)."""
        text = f"{label:g}" if isinstance(label, int | float) else str(label).strip()
        for c in self.cards:
            if c.label.casefold() == text.casefold():
                return c
        if isinstance(label, int | float) and not isinstance(label, bool):
            for c in self.cards:
                if c.value is not None and c.value == float(label):
                    return c
        raise InvalidValue(
            "no such card",
            where=f"deck {self.name!r}",
            fix=f"play one of {', '.join(self.labels)}",
            value=label,
        )

    def step(self, card: Card) -> int:
        """The position of an estimate card among the estimate cards (0 = smallest)."""
        return [c for c in self.cards if c.numeric].index(card)

    def size(self, card: Card) -> Size:
        """The item :class:`Size` a card stands for."""
        if card.value is None:
            raise InvalidValue(
                "this card is not an estimate",
                where=f"deck {self.name!r}",
                fix="size the item with an estimate card; '?' and '☕' are not sizes",
                value=card.label,
            )
        return Size.tshirt(card.label) if self.tshirt else Size.points(card.value)


@runtime_checkable
class ConvergenceRule(Protocol):
    """Decides whether revealed votes agree, and which card is the estimate (None if not)."""

    def __call__(self, deck: Deck, votes: Mapping[str, Card]) -> Card | None:
        """The agreed card, or None when the team should discuss and vote again."""
        ...


def _pick(votes: Mapping[str, Card], deck: Deck) -> Card:
    counts = collections.Counter(votes.values())
    best = max(counts.values())
    return max((c for c, n in counts.items() if n == best), key=deck.step)


@attrs.frozen
class Unanimous:
    """Converged only when everyone played the same estimate card.

    >>> d = Deck.fibonacci()
    >>> Unanimous()(d, {"a": d.card(3), "b": d.card(3)}).label
    '3'
    """

    def __call__(self, deck: Deck, votes: Mapping[str, Card]) -> Card | None:
        """The common card, or None."""
        cards = set(votes.values())
        if len(cards) == 1 and next(iter(cards)).numeric:
            return next(iter(cards))
        return None


@attrs.frozen
class AdjacentCards:
    """Converged when every vote is an estimate within ``span`` neighbouring cards.

    The estimate is the most played card; on a tie, the larger one (the cautious choice).
    This is the default rule: 3 and 5 agree, 3 and 8 do not.

    >>> d = Deck.fibonacci()
    >>> AdjacentCards()(d, {"a": d.card(3), "b": d.card(5), "c": d.card(5)}).label
    '5'
    >>> AdjacentCards()(d, {"a": d.card(3), "b": d.card(8)}) is None
    True
    """

    span: int = 1

    def __call__(self, deck: Deck, votes: Mapping[str, Card]) -> Card | None:
        """The winning card, or None."""
        if not votes or not all(c.numeric for c in votes.values()):
            return None
        steps = [deck.step(c) for c in votes.values()]
        if max(steps) - min(steps) > self.span:
            return None
        return _pick(votes, deck)


@attrs.frozen
class Majority:
    """Converged when one estimate card holds at least ``share`` of the votes.

    >>> d = Deck.fibonacci()
    >>> Majority(0.75)(d, {"a": d.card(2), "b": d.card(2), "c": d.card(2), "d": d.card(8)}).label
    '2'
    """

    share: float = 0.75

    def __call__(self, deck: Deck, votes: Mapping[str, Card]) -> Card | None:
        """The majority card, or None."""
        if not votes:
            return None
        card, count = collections.Counter(votes.values()).most_common(1)[0]
        return card if card.numeric and count / len(votes) >= self.share else None


@attrs.frozen
class Round:
    """One revealed round of votes.

    Attributes:
        number: 1 for the first vote, 2 for the first re-vote...
        votes: participant -> card label, all revealed at once.
        outliers: who must explain before a re-vote (empty once converged).
        agreed: the agreed card label, or None.
    """

    number: int
    votes: Mapping[str, str]
    outliers: tuple[str, ...]
    agreed: str | None

    @property
    def converged(self) -> bool:
        """Whether this round agreed on an estimate."""
        return self.agreed is not None


@attrs.frozen
class PokerResult:
    """The final estimate of one item.

    Attributes:
        item: the item, with its new size.
        card: the agreed (or settled) card.
        rounds: how many rounds of voting it took.
        settled_by: who settled a non-converging estimate (None when the votes converged).
        reason: why it was settled.
        early: settled by the facilitator before the last round (the vote was cut short).
    """

    item: WorkItem
    card: Card
    rounds: int
    settled_by: str | None = None
    reason: str = ""
    early: bool = False


def _names(value: Iterable[str]) -> tuple[str, ...]:
    names = texts("Planning Poker participants", fix="name the people who vote")(value)
    return tuple(dict.fromkeys(names))


def _optional_name(value: str | None) -> str | None:
    if value is None:
        return None
    name = " ".join(str(value).split())
    return name or None


def _at_least_two(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if len(value) < 2:
        raise InvalidValue(
            "Planning Poker needs at least two participants",
            where="PokerSession",
            fix="invite the people doing the work (and stakeholders who want the cost)",
            value=value,
        )


@attrs.define
class PokerSession:
    """Planning Poker over one item.

    Votes stay secret until :meth:`reveal`, which only works once everyone has voted. When a
    round does not converge, the outliers :meth:`explain` and the team :meth:`revote` s until
    the votes converge. After ``max_rounds`` without convergence the estimate may be
    :meth:`settle` d with a reason; before that, only the ``facilitator`` (the Agile
    Champion) may settle it, and the result records that it was cut short.

    >>> from agilemarketing.items import WorkItem
    >>> s = PokerSession(WorkItem("A", "Trade-fair flyer"), ["Ana", "Ben"], Deck.tshirt_sizes())
    >>> s.vote("Ana", "M")
    >>> s.voted, s.waiting_for
    (('Ana',), ('Ben',))
    >>> s.vote("Ben", "L")
    >>> s.reveal().agreed
    'L'
    >>> str(s.result().item.size)
    'L'
    """

    item: WorkItem
    participants: tuple[str, ...] = attrs.field(converter=_names, validator=_at_least_two)
    deck: Deck = attrs.field(factory=Deck.fibonacci)
    rule: ConvergenceRule = attrs.field(factory=AdjacentCards)
    max_rounds: int = 3
    facilitator: str | None = attrs.field(default=None, converter=_optional_name)
    _hidden: dict[str, Card] = attrs.field(factory=dict, init=False, repr=False)
    _rounds: list[Round] = attrs.field(factory=list, init=False)
    _explanations: dict[tuple[int, str], str] = attrs.field(factory=dict, init=False)
    _result: PokerResult | None = attrs.field(default=None, init=False)
    _voting: bool = attrs.field(default=True, init=False)

    def _who(self, participant: str) -> str:
        name = participant.strip()
        if name not in self.participants:
            raise NotFound(
                "participant",
                participant,
                where=f"planning poker on {self.item.key}",
                fix=f"one of {', '.join(self.participants)} votes",
            )
        return name

    def _open(self) -> None:
        if self._result is not None:
            raise AlreadyDecided(
                f"planning poker on {self.item.key}",
                decision=f"estimated {self._result.card.label}",
            )

    @property
    def rounds(self) -> tuple[Round, ...]:
        """The revealed rounds, first to last."""
        return tuple(self._rounds)

    @property
    def voted(self) -> tuple[str, ...]:
        """Who has voted in the current round (their cards stay hidden)."""
        return tuple(p for p in self.participants if p in self._hidden)

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """Who has not voted yet in the current round."""
        return tuple(p for p in self.participants if p not in self._hidden)

    @property
    def votes(self) -> Mapping[str, str]:
        """The last revealed votes.

        Raises:
            VotesHidden: a round is under way and someone has not voted; nothing is shown.
        """
        if self._voting or not self._rounds:
            raise VotesHidden(self.item.key, waiting_for=self.waiting_for)
        return self._rounds[-1].votes

    def vote(self, participant: str, card: str | float) -> None:
        """Play a card, face down (playing again before the reveal replaces the card).

        The first vote after an unconverged reveal starts the re-vote (see :meth:`revote`), so
        it is refused while an outlier still owes an explanation.
        """
        self._open()
        who, chosen = self._who(participant), self.deck.card(card)
        if not self._voting:
            self.revote()
        self._hidden[who] = chosen

    @property
    def owed_explanations(self) -> tuple[str, ...]:
        """Outliers of the last round who have not explained their vote yet."""
        if not self._rounds:
            return ()
        last = self._rounds[-1]
        return tuple(p for p in last.outliers if (last.number, p) not in self._explanations)

    def reveal(self) -> Round:
        """Turn every card over at once.

        Raises:
            VotesHidden: someone has not voted yet.
            AlreadyDecided: this round's cards are already face up.
        """
        self._open()
        if not self._voting:
            raise AlreadyDecided(
                f"planning poker on {self.item.key}, round {len(self._rounds)}",
                decision="revealed without agreement",
                fix="let the outliers explain, then vote again (the first vote starts the re-vote)",
            )
        if self.waiting_for:
            raise VotesHidden(self.item.key, waiting_for=self.waiting_for)
        votes = {p: self._hidden[p] for p in self.participants}
        self._hidden = {}
        self._voting = False
        agreed = self.rule(self.deck, votes)
        outliers: tuple[str, ...] = ()
        if agreed is None:
            numeric = {p: self.deck.step(c) for p, c in votes.items() if c.numeric}
            extremes: set[str] = set()
            if numeric and max(numeric.values()) != min(numeric.values()):
                low, high = min(numeric.values()), max(numeric.values())
                extremes = {p for p, s in numeric.items() if s in (low, high)}
            unsure = {p for p, c in votes.items() if not c.numeric}
            outliers = tuple(p for p in self.participants if p in extremes | unsure)
        current = Round(
            len(self._rounds) + 1,
            {p: c.label for p, c in votes.items()},
            outliers,
            None if agreed is None else agreed.label,
        )
        self._rounds.append(current)
        if agreed is not None:
            self._result = PokerResult(
                self.item.with_size(self.deck.size(agreed)), agreed, current.number
            )
        return current

    def explain(self, participant: str, why: str) -> None:
        """Record why an outlier voted as they did (before the re-vote)."""
        self._open()
        who = self._who(participant)
        if not self._rounds:
            raise VotesHidden(self.item.key, waiting_for=self.waiting_for)
        if not why.strip():
            raise InvalidValue(
                "an explanation needs words",
                where=f"{who} on {self.item.key}",
                fix="say why you played that card",
            )
        self._explanations[(self._rounds[-1].number, who)] = why.strip()

    @property
    def explanations(self) -> Mapping[tuple[int, str], str]:
        """(round number, participant) -> what they said."""
        return dict(self._explanations)

    def revote(self) -> None:
        """Start the next round once the outliers have explained.

        Raises:
            OutliersMustExplain: an outlier has not explained yet.
            NotConverged: ``max_rounds`` were played without agreement; :meth:`settle` instead.
        """
        self._open()
        if self._voting:
            return
        if self.owed_explanations:
            raise OutliersMustExplain(self.item.key, outliers=self.owed_explanations)
        if len(self._rounds) >= self.max_rounds:
            raise NotConverged(self.item.key, votes=dict(self._rounds[-1].votes))
        self._hidden = {}
        self._voting = True

    def settle(self, card: str | float, *, by: str, reason: str) -> PokerResult:
        """Record an estimate the votes did not converge on, with who decided it and why.

        After the last round (``max_rounds``) the team may settle it; before, only the
        ``facilitator`` may, and the result says it was cut short (``early``).

        Raises:
            NotFacilitator: the vote is cut short by someone other than the facilitator.
            InvalidValue: no reason is given.
        """
        self._open()
        if not self._rounds:
            raise VotesHidden(self.item.key, waiting_for=self.waiting_for)
        who = " ".join(str(by).split())
        early = self._voting or len(self._rounds) < self.max_rounds
        if early and (self.facilitator is None or who.casefold() != self.facilitator.casefold()):
            played = f"round {len(self._rounds)} of {self.max_rounds}"
            raise NotFacilitator(
                who, facilitator=self.facilitator, item=self.item.key, rounds=played
            )
        if not reason.strip():
            raise InvalidValue(
                "settling without convergence needs a reason",
                where=f"planning poker on {self.item.key}",
                fix="say why the team accepts this estimate",
            )
        chosen = self.deck.card(card)
        self._result = PokerResult(
            self.item.with_size(self.deck.size(chosen)),
            chosen,
            len(self._rounds),
            settled_by=who,
            reason=reason.strip(),
            early=early,
        )
        return self._result

    def result(self) -> PokerResult:
        """The final estimate, with the item carrying its new size.

        Raises:
            NotConverged: no agreement (and no settled estimate) yet.
        """
        if self._result is None:
            last = dict(self._rounds[-1].votes) if self._rounds else {}
            raise NotConverged(self.item.key, votes=last)
        return self._result


@attrs.define
class PokerTable:
    """One Planning Poker workshop: the same people and deck over a list of items.

    >>> from agilemarketing.items import WorkItem
    >>> table = PokerTable(["Ana", "Ben"], Deck.fibonacci())
    >>> _ = table.play(WorkItem("A", "Webinar"), [{"Ana": 5, "Ben": 5}])
    >>> _ = table.play(WorkItem("B", "Case study"), [{"Ana": 2, "Ben": 3}])
    >>> [(i.key, i.points) for i in table.sized_items()]
    [('A', 5.0), ('B', 3.0)]
    """

    participants: tuple[str, ...] = attrs.field(converter=_names, validator=_at_least_two)
    deck: Deck = attrs.field(factory=Deck.fibonacci)
    rule: ConvergenceRule = attrs.field(factory=AdjacentCards)
    max_rounds: int = 3
    facilitator: str | None = attrs.field(default=None, converter=_optional_name)
    _sessions: dict[str, PokerSession] = attrs.field(factory=dict, init=False)

    def session(self, item: WorkItem) -> PokerSession:
        """The session for ``item`` (started on first use)."""
        if item.key not in self._sessions:
            self._sessions[item.key] = PokerSession(
                item, self.participants, self.deck, self.rule, self.max_rounds, self.facilitator
            )
        return self._sessions[item.key]

    def play(
        self,
        item: WorkItem,
        rounds: Sequence[Mapping[str, str | float]],
        *,
        explanations: Mapping[str, str] | None = None,
    ) -> PokerResult:
        """Play rounds of votes for ``item`` until they converge.

        Each mapping is one round (every participant's card). Between rounds the outliers'
        ``explanations`` are recorded; an outlier without one stops the game with
        :class:`~agilemarketing.errors.OutliersMustExplain`.
        """
        session = self.session(item)
        said = dict(explanations or {})
        for votes in rounds:
            if session.rounds:
                for who in session.owed_explanations:
                    if who in said:
                        session.explain(who, said[who])
                session.revote()
            for who, card in votes.items():
                session.vote(who, card)
            if session.reveal().converged:
                return session.result()
        return session.result()

    @property
    def results(self) -> tuple[PokerResult, ...]:
        """The estimates reached so far, in the order the items were played."""
        out = []
        for s in self._sessions.values():
            try:
                out.append(s.result())
            except NotConverged:
                continue
        return tuple(out)

    def sized_items(self) -> list[WorkItem]:
        """The estimated items, each carrying its agreed size."""
        return [r.item for r in self.results]
