"""Collaborative ranking: participants' ballots combined into one order (Borda or Schulze).

Many people's orderings become one with :func:`consensus`, which also reports how far each
participant is from the result (:class:`Consensus`) and where they put each item
(:class:`PositionSpread`). A :class:`Ballot` is a strict ranking, an approval vote or dot votes.

>>> result = consensus({"Ana": ["webinar", "ebook"], "Ben": ["ebook", "webinar"],
...                     "Cy": ["webinar", "ebook"]})
>>> result.order, round(result.agreement, 2)
(('webinar', 'ebook'), 0.67)
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from agilemarketing.errors import AgileMarketingError, InvalidBallot, InvalidValue, raise_all
from agilemarketing.scores import number_text
from agilemarketing.validators import sequence

if TYPE_CHECKING:
    from agilemarketing.backlog import Backlog
    from agilemarketing.ranks import RankChange

__all__ = ["Ballot", "Consensus", "PositionSpread", "consensus"]


_TIERS = "give tiers of item keys, best first, e.g. (('MKT-1',), ('MKT-2', 'MKT-3'))"


@attrs.frozen
class Ballot:
    """One participant's view: tiers of item keys, best first; keys within a tier are tied.

    Build one with :meth:`ranking` (a strict order), :meth:`approval` (approved versus not) or
    :meth:`dots` (dot voting: more dots, higher tier). Items a ballot does not name count as
    tied below everything it names.

    >>> Ballot.dots("Ana", {"MKT-1": 3, "MKT-2": 1, "MKT-3": 3}).tiers
    (('MKT-1', 'MKT-3'), ('MKT-2',))
    """

    participant: str
    tiers: tuple[tuple[str, ...], ...]

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.participant, str) or not self.participant.strip():
            raise InvalidBallot(
                str(self.participant), "the participant has no name", fix="name every participant"
            )
        tiers = sequence(self.tiers, f"ballot of {self.participant!r}", fix=_TIERS)
        if not all(isinstance(t, tuple | list) for t in tiers):
            raise InvalidBallot(self.participant, "the tiers are not lists of keys", fix=_TIERS)
        listed = [key for tier in tiers for key in tier]
        repeated = sorted({k for k in listed if listed.count(k) > 1})
        if repeated:
            raise InvalidBallot(
                self.participant,
                f"names {', '.join(repeated)} more than once",
                fix="name each item at most once per ballot",
            )

    @classmethod
    def ranking(cls, participant: str, keys: Sequence[str]) -> Ballot:
        """A strict order, best first."""
        return cls(participant, tuple((key,) for key in keys))

    @classmethod
    def approval(cls, participant: str, approved: Iterable[str]) -> Ballot:
        """Approval voting: the approved items tie above all others."""
        keys = tuple(sorted(set(approved)))
        return cls(participant, (keys,) if keys else ())

    @classmethod
    def dots(cls, participant: str, dots: Mapping[str, int]) -> Ballot:
        """Dot voting: items with more dots rank higher; equal dots tie; 0 dots = not named.

        Dots only order one participant's own preferences, so putting every dot on one item
        does not outweigh anyone else's ballot.
        """
        bad = sorted(
            k for k, n in dots.items() if isinstance(n, bool) or not isinstance(n, int) or n < 0
        )
        if bad:
            raise InvalidBallot(
                participant,
                f"dots for {', '.join(bad)} are not whole numbers 0 or more",
                fix="give each item a whole number of dots",
            )
        counts = sorted({n for n in dots.values() if n > 0}, reverse=True)
        tiers = tuple(tuple(sorted(k for k, n in dots.items() if n == c)) for c in counts)
        return cls(participant, tiers)

    @property
    def listed(self) -> tuple[str, ...]:
        """Every key the ballot names, best tier first."""
        return tuple(key for tier in self.tiers for key in tier)


@attrs.frozen
class PositionSpread:
    """Where the participants put one item (ranks are 1-based; a tie shares its mean rank).

    >>> votes = {"Ana": ["webinar", "ebook"], "Ben": ["ebook", "webinar"], "Cy": ["webinar"]}
    >>> spread = consensus(votes).spreads["webinar"]
    >>> spread.best, spread.worst, spread.range
    (1.0, 2.0, 1.0)
    """

    key: str
    best: float
    worst: float
    mean: float
    stdev: float

    @property
    def range(self) -> float:
        """``worst - best``: 0 when everyone agrees on the item's place."""
        return self.worst - self.best


@attrs.frozen
class Consensus:
    """One order made from many ballots, and how much the participants disagree with it.

    Attributes:
        method: ``"borda"`` or ``"schulze"``.
        order: every item, best first.
        scores: per item, its Borda points, or for Schulze the number of items it beats.
        distances: per participant, the normalised Kendall tau distance to the consensus: the
            share of the pairs they ordered (tied pairs do not count) that the consensus
            orders the other way; 0 = fully agrees, 1 = exactly reversed.
        spreads: per item, the ranks participants gave it.
        agreement: ``1 - mean(distances)``; 1 when everyone agrees with the consensus.

    >>> result = consensus({"Ana": ["webinar", "ebook"], "Ben": ["ebook", "webinar"],
    ...                     "Cy": ["webinar", "ebook"]})
    >>> print(result.report())
    Consensus (borda), agreement 67%:
      1. webinar (score 2; ranked 1..2)
      2. ebook (score 1; ranked 1..2)
    Distance to the consensus:
      Ana: 0.00
      Ben: 1.00
      Cy: 0.00
    """

    method: str
    order: tuple[str, ...]
    scores: Mapping[str, float]
    distances: Mapping[str, float]
    spreads: Mapping[str, PositionSpread]
    agreement: float

    def report(self) -> str:
        """The consensus and the disagreement, as text for the workshop wall."""
        lines = [f"Consensus ({self.method}), agreement {self.agreement:.0%}:"]
        for rank, key in enumerate(self.order, start=1):
            spread = self.spreads[key]
            lines.append(
                f"  {rank}. {key} (score {number_text(self.scores[key])}; ranked "
                f"{number_text(spread.best)}..{number_text(spread.worst)})"
            )
        lines.append("Distance to the consensus:")
        lines.extend(f"  {who}: {d:.2f}" for who, d in self.distances.items())
        return "\n".join(lines)

    def apply_to(self, backlog: Backlog) -> list[RankChange]:
        """Reorder ``backlog`` to the consensus with the fewest moves (see
        :meth:`~agilemarketing.backlog.Backlog.reorder`)."""
        return backlog.reorder(list(self.order))


Method = Literal["borda", "schulze"]
_Ints = np.ndarray[Any, np.dtype[np.int64]]


def _ballots(ballots: Iterable[Ballot] | Mapping[str, Sequence[str]]) -> list[Ballot]:
    if isinstance(ballots, Mapping):
        return [Ballot.ranking(who, keys) for who, keys in ballots.items()]
    return list(ballots)


def consensus(
    ballots: Iterable[Ballot] | Mapping[str, Sequence[str]],
    *,
    method: Method = "borda",
    items: Sequence[str] | None = None,
) -> Consensus:
    """Combine participants' ballots into one order, and measure the disagreement.

    Methods (both treat every participant equally and handle ties and partial ballots):

    - ``"borda"``: an item gets, from each ballot, one point for every item ranked below it and
      half a point for every item tied with it; most points first.
    - ``"schulze"``: the beat-path method. ``d[a][b]`` is how many participants prefer ``a`` to
      ``b``; the strength of a path is its weakest link, ``a`` beats ``b`` when its strongest
      path to ``b`` is stronger than the reverse; items are ordered by how many others they
      beat. It elects the Condorcet winner whenever one exists.

    Ties are broken deterministically: for Schulze first by Borda points; then, for both, by
    the order of ``items`` when given (e.g. the current backlog order, so a tie keeps the status
    quo), otherwise by key. ``items`` also fixes the set of items: a ballot naming anything else
    is refused; without it, the items are all those any ballot names.

    ``ballots`` is a list of :class:`Ballot` or a mapping participant -> ordered keys.

    >>> result = consensus({
    ...     "Ana": ["webinar", "ebook", "podcast"],
    ...     "Ben": ["ebook", "webinar", "podcast"],
    ...     "Caro": ["webinar", "podcast", "ebook"],
    ... })
    >>> result.order, dict(result.scores)
    (('webinar', 'ebook', 'podcast'), {'webinar': 5.0, 'ebook': 3.0, 'podcast': 1.0})
    >>> {who: round(d, 2) for who, d in result.distances.items()}, round(result.agreement, 2)
    ({'Ana': 0.0, 'Ben': 0.33, 'Caro': 0.33}, 0.78)
    """
    votes = _votes(ballots, method)
    universe = _universe(votes, items)
    ranks = _tier_ranks(votes, universe)
    order_index, scores = _count(ranks, method)
    order = tuple(universe[i] for i in order_index)
    distances = _distances(votes, ranks, order_index)
    spreads = _spreads(universe, votes, ranks)
    return Consensus(
        method,
        order,
        {universe[i]: float(scores[i]) for i in order_index},
        distances,
        {key: spreads[key] for key in order},
        1.0 - statistics.fmean(distances.values()),
    )


def _votes(ballots: Iterable[Ballot] | Mapping[str, Sequence[str]], method: str) -> list[Ballot]:
    """The ballots as a list, once the method is known and there is at least one."""
    if method not in ("borda", "schulze"):
        raise InvalidValue(
            "unknown consensus method",
            where="consensus",
            fix="use 'borda' or 'schulze'",
            value=method,
        )
    votes = _ballots(ballots)
    if not votes:
        raise InvalidValue("no ballots", where="consensus", fix="collect at least one ballot")
    return votes


def _universe(votes: list[Ballot], items: Sequence[str] | None) -> list[str]:
    """The items to order: ``items`` when given (refusing ballots naming others), else every
    item a ballot names, by key; a participant's second ballot is refused too."""
    problems: list[AgileMarketingError] = []
    participants = [b.participant for b in votes]
    problems.extend(
        InvalidBallot(who, "has more than one ballot", fix="keep one ballot per participant")
        for who in sorted({p for p in participants if participants.count(p) > 1})
    )
    if items is not None:
        universe = list(dict.fromkeys(items))
        known = set(universe)
        for ballot in votes:
            unknown = [k for k in ballot.listed if k not in known]
            if unknown:
                problems.append(
                    InvalidBallot(
                        ballot.participant,
                        f"names unknown items {', '.join(unknown)}",
                        fix="vote only on the items being ranked",
                    )
                )
    else:
        universe = sorted({k for ballot in votes for k in ballot.listed})
    raise_all(problems, "ballots cannot be counted")
    return universe


def _tier_ranks(votes: list[Ballot], universe: list[str]) -> _Ints:
    """``ranks[p, i]``: the tier of item i on ballot p (unnamed items share the last tier)."""
    index = {key: i for i, key in enumerate(universe)}
    ranks = np.empty((len(votes), len(universe)), dtype=np.int64)
    for p, ballot in enumerate(votes):
        ranks[p, :] = len(ballot.tiers)
        for tier, keys in enumerate(ballot.tiers):
            for key in keys:
                ranks[p, index[key]] = tier
    return ranks


def _count(ranks: _Ints, method: str) -> tuple[_Ints, np.ndarray[Any, np.dtype[np.float64]]]:
    """The consensus order (as item indices, best first) and each item's score."""
    n = ranks.shape[1]
    prefer = np.zeros((n, n), dtype=np.int64)  # prefer[a, b]: how many rank a above b
    for row in ranks:
        prefer += row[:, None] < row[None, :]
    ties = len(ranks) - prefer - prefer.T
    np.fill_diagonal(ties, 0)
    borda = prefer.sum(axis=1) + 0.5 * ties.sum(axis=1)
    tiebreak = np.arange(n)
    if method == "borda":
        return np.lexsort((tiebreak, -borda)), borda.astype(float)
    wins = _schulze_wins(prefer)
    return np.lexsort((tiebreak, -borda, -wins)), wins.astype(float)


def _distances(votes: list[Ballot], ranks: _Ints, order_index: _Ints) -> dict[str, float]:
    """Per participant, the share of the pairs they ordered that the consensus reverses."""
    position = np.empty(len(order_index), dtype=np.int64)
    position[order_index] = np.arange(len(order_index))
    distances: dict[str, float] = {}
    for p, ballot in enumerate(votes):
        stated = ranks[p, :, None] < ranks[p, None, :]
        overruled = stated & (position[:, None] > position[None, :])
        total = int(stated.sum())
        distances[ballot.participant] = float(overruled.sum()) / total if total else 0.0
    return distances


def _schulze_wins(prefer: _Ints) -> np.ndarray[Any, Any]:
    """How many items each item beats by the Schulze (widest path) method."""
    strength = np.where(prefer > prefer.T, prefer, 0)
    for k in range(len(strength)):
        strength = np.maximum(strength, np.minimum(strength[:, k : k + 1], strength[k : k + 1, :]))
    np.fill_diagonal(strength, 0)
    wins: np.ndarray[Any, Any] = (strength > strength.T).sum(axis=1)
    return wins


def _spreads(universe: list[str], votes: list[Ballot], ranks: _Ints) -> dict[str, PositionSpread]:
    n = len(universe)
    given = np.empty((len(votes), n), dtype=float)
    for p in range(len(votes)):
        counts = np.bincount(ranks[p], minlength=int(ranks[p].max()) + 1)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        # A tier holding c items from rank s + 1 on gives each of them the mean rank s + (c+1)/2.
        given[p] = starts[ranks[p]] + (counts[ranks[p]] + 1) / 2
    return {
        key: PositionSpread(
            key,
            float(given[:, i].min()),
            float(given[:, i].max()),
            float(given[:, i].mean()),
            float(given[:, i].std()),
        )
        for i, key in enumerate(universe)
    }
