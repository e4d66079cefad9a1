"""Prioritisation: MoSCoW, RICE, ICE, WSJF, value versus effort, and collaborative ranking.

A prioritiser scores one item at a time and explains the score in words; :func:`prioritise`
ranks many items by score (higher first, ties keep their current order), and
:meth:`Ranking.apply_to` writes the ranking back to a :class:`~agilemarketing.backlog.Backlog`
with the fewest moves.

>>> from agilemarketing.items import WorkItem
>>> items = [
...     WorkItem("MKT-1", "Webinar", fields={"reach": 800, "impact": 2, "confidence": "50%",
...                                          "effort": 2}),
...     WorkItem("MKT-2", "SEO refresh", fields={"reach": 2000, "impact": 1, "confidence": 0.8,
...                                              "effort": 4}),
... ]
>>> ranking = prioritise(items, RICE())
>>> print(ranking.table())
1. MKT-1 Webinar: RICE = reach 800 x impact 2 x confidence 50% / effort 2 = 400
2. MKT-2 SEO refresh: RICE = reach 2000 x impact 1 x confidence 80% / effort 4 = 400
>>> MoSCoW.parse("won't") is MoSCoW.WONT
True

Many people's orderings become one with :func:`consensus` (Borda count or Schulze), which also
reports how far each participant is from the result and how much the group agrees.
"""

from __future__ import annotations

import enum
import functools
import math
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, runtime_checkable

import attrs
import numpy as np

from agilemarketing.errors import (
    AgileMarketingError,
    DuplicateItem,
    InvalidBallot,
    InvalidInputGroup,
    InvalidPriorityInput,
    InvalidValue,
    raise_all,
)
from agilemarketing.items import WorkItem

if TYPE_CHECKING:
    from agilemarketing.backlog import Backlog, RankChange

__all__ = [
    "BUILTIN_PRIORITISERS",
    "ICE",
    "RICE",
    "WSJF",
    "Ballot",
    "Consensus",
    "MoSCoW",
    "MoSCoWPrioritiser",
    "PositionSpread",
    "Prioritiser",
    "RankedItem",
    "Ranking",
    "Score",
    "ValueVsEffort",
    "consensus",
    "prioritise",
]


_MOSCOW_EXPECTED = "one of Must, Should, Could, Won't (or M, S, C, W)"


@functools.total_ordering
class MoSCoW(enum.Enum):
    """The MoSCoW categories, ordered Must first and Won't last (``MoSCoW.MUST < MoSCoW.WONT``).

    Sorting a list of categories puts the most important first; :attr:`weight` gives the
    category as a number where higher means more important (Must 3 ... Won't 0).

    >>> sorted([MoSCoW.COULD, MoSCoW.MUST, MoSCoW.WONT])
    [<MoSCoW.MUST: 'Must'>, <MoSCoW.COULD: 'Could'>, <MoSCoW.WONT: "Won't">]
    >>> MoSCoW.parse("S"), MoSCoW.SHOULD.weight
    (<MoSCoW.SHOULD: 'Should'>, 2)
    """

    MUST = "Must"
    SHOULD = "Should"
    COULD = "Could"
    WONT = "Won't"

    @property
    def weight(self) -> int:
        """Must 3, Should 2, Could 1, Won't 0."""
        return _MOSCOW_WEIGHT[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, MoSCoW):
            return NotImplemented
        return self.weight > other.weight

    @classmethod
    def parse(cls, value: Any, *, key: str = "?") -> MoSCoW:
        """Read a category from a member, a name or a letter, ignoring case and spaces.

        Accepted: ``Must``/``M``, ``Should``/``S``, ``Could``/``C``, ``Won't``/``Wont``/
        ``Will not``/``W`` (straight or curly apostrophe). ``key`` names the item in the error.
        """
        if isinstance(value, MoSCoW):
            return value
        if isinstance(value, str):
            found = _MOSCOW_NAMES.get(value.strip().casefold().replace("\u2019", "'"))
            if found is not None:
                return found
        raise InvalidPriorityInput(
            key, "moscow", expected=_MOSCOW_EXPECTED, prioritiser="moscow", value=value
        )


_MOSCOW_WEIGHT = {MoSCoW.MUST: 3, MoSCoW.SHOULD: 2, MoSCoW.COULD: 1, MoSCoW.WONT: 0}
_MOSCOW_NAMES = {
    "must": MoSCoW.MUST,
    "m": MoSCoW.MUST,
    "must have": MoSCoW.MUST,
    "should": MoSCoW.SHOULD,
    "s": MoSCoW.SHOULD,
    "should have": MoSCoW.SHOULD,
    "could": MoSCoW.COULD,
    "c": MoSCoW.COULD,
    "could have": MoSCoW.COULD,
    "won't": MoSCoW.WONT,
    "wont": MoSCoW.WONT,
    "will not": MoSCoW.WONT,
    "w": MoSCoW.WONT,
    "won't have": MoSCoW.WONT,
}


# --------------------------------------------------------------------------- scores


def _number_text(value: float) -> str:
    """A number for an explanation: whole numbers plainly, others to about 4 significant digits.

    >>> [_number_text(v) for v in (800.0, 7.3333, 12345.678, 0.25, 2.5e9)]
    ['800', '7.333', '12345.7', '0.25', '2500000000']
    """
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.1f}"


def _float_map(value: Mapping[str, float]) -> dict[str, float]:
    return {str(k): float(v) for k, v in value.items()}


@attrs.frozen
class Score:
    """A prioritiser's verdict on one item: a number (higher ranks first) and why.

    Attributes:
        value: the score; higher means more important.
        explanation: the calculation in words, e.g.
            ``"RICE = reach 2000 x impact 2 x confidence 80% / effort 4 = 800"``.
        prioritiser: the prioritiser's ``name``.
        inputs: the numbers the score was computed from, by field name.
        label: a category, where the method has one (the MoSCoW category, a value/effort
            quadrant), else ``None``.

    >>> Score(800.0, "RICE = ... = 800", "rice", {"reach": 2000.0}).value
    800.0
    """

    value: float
    explanation: str
    prioritiser: str
    inputs: Mapping[str, float] = attrs.field(factory=dict, converter=_float_map)
    label: str | None = None

    def __str__(self) -> str:
        return self.explanation


@runtime_checkable
class Prioritiser(Protocol):
    """Anything that scores work items: a class with a unique ``name`` and a ``score`` method.

    Plugins register prioritiser classes under their ``name``; :data:`BUILTIN_PRIORITISERS`
    holds the built-in ones.

    >>> class ByReach:
    ...     name = "reach"
    ...     def score(self, item):
    ...         reach = float(item.fields["reach"])
    ...         return Score(reach, f"reach {reach:g}", self.name, {"reach": reach})
    >>> isinstance(ByReach(), Prioritiser)
    True
    """

    name: ClassVar[str]

    def score(self, item: WorkItem) -> Score:
        """Score one item; raise :class:`~agilemarketing.errors.InvalidPriorityInput` (all of
        an item's problems together, via :func:`~agilemarketing.errors.raise_all`) when its
        inputs are missing or unusable."""
        ...


Inputs = Mapping[str, Mapping[str, Any]]


def _inputs(value: Inputs | None) -> dict[str, dict[str, Any]]:
    return {str(k): dict(v) for k, v in (value or {}).items()}


class _Reader:
    """Reads one item's inputs (explicit inputs first, then ``item.fields``), collecting
    every problem so they are reported together."""

    def __init__(self, prioritiser: str, item: WorkItem, explicit: Mapping[str, Any]) -> None:
        self.prioritiser = prioritiser
        self.item = item
        self.explicit = explicit
        self.problems: list[AgileMarketingError] = []

    def raw(self, field: str) -> Any:
        if field in self.explicit:
            return self.explicit[field]
        return self.item.fields.get(field)

    def problem(self, field: str, expected: str, value: Any = None, *, missing: bool) -> None:
        self.problems.append(
            InvalidPriorityInput(
                self.item.key,
                field,
                expected=expected,
                prioritiser=self.prioritiser,
                value=value,
                missing=missing,
            )
        )

    def number(
        self,
        field: str,
        expected: str,
        *,
        low: float = 0.0,
        high: float = math.inf,
        above_low: bool = False,
        words: Mapping[str, float] | None = None,
        fallback: float | None = None,
    ) -> float:
        raw = self.raw(field)
        if raw is None:
            if fallback is not None:
                return fallback
            self.problem(field, expected, missing=True)
            return math.nan
        value = _to_number(raw, words)
        ok = (
            value is not None
            and math.isfinite(value)
            and (value > low if above_low else value >= low)
            and value <= high
        )
        if not ok or value is None:
            self.problem(field, expected, raw, missing=False)
            return math.nan
        return value

    def fraction(self, field: str, expected: str) -> float:
        raw = self.raw(field)
        if isinstance(raw, str) and raw.strip().endswith("%"):
            number = _to_number(raw.strip()[:-1], None)
            if number is not None and 0 <= number <= 100:
                return number / 100
            self.problem(field, expected, raw, missing=False)
            return math.nan
        return self.number(field, expected, low=0.0, high=1.0)

    def done(self, summary: str) -> None:
        raise_all(self.problems, summary)


def _to_number(raw: Any, words: Mapping[str, float] | None) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        text = raw.strip().casefold()
        if words and text in words:
            return words[text]
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _size_points(item: WorkItem) -> float | None:
    return item.size.value if item.size is not None and item.size.value > 0 else None


def _percent(value: float) -> str:
    return f"{value * 100:.4g}%"


# --------------------------------------------------------------------------- the methods


@attrs.frozen
class MoSCoWPrioritiser:
    """Must first, Won't last: score = the category's weight (Must 3, Should 2, Could 1, Won't 0).

    Input: ``fields["moscow"]`` (see :meth:`MoSCoW.parse`). Items of one category keep their
    current order.

    >>> from agilemarketing.items import WorkItem
    >>> MoSCoWPrioritiser().score(WorkItem("M-1", "Webinar", fields={"moscow": "should"}))
    Score(value=2.0, explanation='MoSCoW = Should', prioritiser='moscow', inputs={'moscow': 2.0}, label='Should')
    """  # noqa: E501

    name: ClassVar[str] = "moscow"
    inputs: dict[str, dict[str, Any]] = attrs.field(factory=dict, converter=_inputs)

    def score(self, item: WorkItem) -> Score:
        """Score one item by its MoSCoW category."""
        raw = self.inputs.get(item.key, {}).get("moscow", item.fields.get("moscow"))
        if raw is None:
            raise InvalidPriorityInput(
                item.key, "moscow", expected=_MOSCOW_EXPECTED, prioritiser=self.name, missing=True
            )
        category = MoSCoW.parse(raw, key=item.key)
        return Score(
            float(category.weight),
            f"MoSCoW = {category.value}",
            self.name,
            {"moscow": float(category.weight)},
            label=category.value,
        )


_IMPACT_WORDS = {"massive": 3.0, "high": 2.0, "medium": 1.0, "low": 0.5, "minimal": 0.25}


@attrs.frozen
class RICE:
    """RICE = reach x impact x confidence / effort.

    Inputs (``item.fields`` or ``inputs[key]``):

    - ``reach``: how many people or events it touches per period (a number >= 0);
    - ``impact``: per person, on the conventional scale 3 massive, 2 high, 1 medium, 0.5 low,
      0.25 minimal (a number >= 0, or one of those words);
    - ``confidence``: a fraction 0..1 or a percentage string such as ``"80%"``;
    - ``effort``: team time, e.g. person-weeks (a number > 0).

    >>> from agilemarketing.items import WorkItem
    >>> rice = RICE(inputs={"M-1": {"reach": 2000, "impact": "high", "confidence": "80%",
    ...                            "effort": 4}})
    >>> print(rice.score(WorkItem("M-1", "Retargeting ads")))
    RICE = reach 2000 x impact 2 x confidence 80% / effort 4 = 800
    """

    name: ClassVar[str] = "rice"
    inputs: dict[str, dict[str, Any]] = attrs.field(factory=dict, converter=_inputs)

    def score(self, item: WorkItem) -> Score:
        """Score one item; every missing or invalid input is reported together."""
        read = _Reader(self.name, item, self.inputs.get(item.key, {}))
        reach = read.number("reach", "a number of people or events, 0 or more")
        impact = read.number(
            "impact",
            "a number 0 or more (3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal)",
            words=_IMPACT_WORDS,
        )
        confidence = read.fraction("confidence", "a fraction 0..1 or a percentage like '80%'")
        effort = read.number(
            "effort", "a number greater than 0 (e.g. person-weeks)", above_low=True
        )
        read.done(f"RICE inputs of {item.key}")
        value = reach * impact * confidence / effort
        return Score(
            value,
            f"RICE = reach {_number_text(reach)} x impact {_number_text(impact)} x confidence "
            f"{_percent(confidence)} / effort {_number_text(effort)} = {_number_text(value)}",
            self.name,
            {"reach": reach, "impact": impact, "confidence": confidence, "effort": effort},
        )


@attrs.frozen
class ICE:
    """ICE = impact x confidence x ease, each on a 1..10 scale (so 1 to 1000).

    Inputs: ``impact``, ``confidence`` and ``ease``, numbers from 1 to 10. (RICE reads
    ``confidence`` as a fraction: a team using both should pass ICE's inputs explicitly.)

    >>> from agilemarketing.items import WorkItem
    >>> item = WorkItem("M-2", "Referral contest",
    ...                 fields={"impact": 8, "confidence": 6, "ease": 5})
    >>> print(ICE().score(item))
    ICE = impact 8 x confidence 6 x ease 5 = 240
    """

    name: ClassVar[str] = "ice"
    inputs: dict[str, dict[str, Any]] = attrs.field(factory=dict, converter=_inputs)

    def score(self, item: WorkItem) -> Score:
        """Score one item; every missing or invalid input is reported together."""
        read = _Reader(self.name, item, self.inputs.get(item.key, {}))
        expected = "a number from 1 to 10"
        impact = read.number("impact", expected, low=1, high=10)
        confidence = read.number("confidence", expected, low=1, high=10)
        ease = read.number("ease", expected, low=1, high=10)
        read.done(f"ICE inputs of {item.key}")
        value = impact * confidence * ease
        return Score(
            value,
            f"ICE = impact {_number_text(impact)} x confidence {_number_text(confidence)} "
            f"x ease {_number_text(ease)} = {_number_text(value)}",
            self.name,
            {"impact": impact, "confidence": confidence, "ease": ease},
        )


@attrs.frozen
class WSJF:
    """Weighted Shortest Job First: cost of delay / job size.

    Cost of delay = ``business_value`` (user-business value) + ``time_criticality`` +
    ``risk_reduction`` (risk reduction and/or opportunity enablement), each a relative number
    >= 0 (teams often use 1, 2, 3, 5, 8, 13, 20). ``job_size`` (> 0) defaults to the item's
    size in points when the field is absent.

    >>> from agilemarketing.items import Size, WorkItem
    >>> item = WorkItem("M-3", "Black Friday email", size=Size.points(3),
    ...                 fields={"business_value": 8, "time_criticality": 13, "risk_reduction": 1})
    >>> print(WSJF().score(item))
    WSJF = cost of delay (value 8 + time criticality 13 + risk reduction 1 = 22) / job size 3 = 7.333
    """  # noqa: E501

    name: ClassVar[str] = "wsjf"
    inputs: dict[str, dict[str, Any]] = attrs.field(factory=dict, converter=_inputs)

    def score(self, item: WorkItem) -> Score:
        """Score one item; every missing or invalid input is reported together."""
        read = _Reader(self.name, item, self.inputs.get(item.key, {}))
        relative = "a relative number 0 or more (e.g. 1, 2, 3, 5, 8, 13, 20)"
        value = read.number("business_value", relative)
        critical = read.number("time_criticality", relative)
        risk = read.number("risk_reduction", relative)
        size = read.number(
            "job_size",
            "a number greater than 0 (or give the item a size)",
            above_low=True,
            fallback=_size_points(item),
        )
        read.done(f"WSJF inputs of {item.key}")
        delay = value + critical + risk
        result = delay / size
        return Score(
            result,
            f"WSJF = cost of delay (value {_number_text(value)} + time criticality "
            f"{_number_text(critical)} + risk reduction {_number_text(risk)} = "
            f"{_number_text(delay)}) / job size {_number_text(size)} = {_number_text(result)}",
            self.name,
            {
                "business_value": value,
                "time_criticality": critical,
                "risk_reduction": risk,
                "cost_of_delay": delay,
                "job_size": size,
            },
        )


@attrs.frozen
class ValueVsEffort:
    """Value / effort, with the classic 2x2 quadrant as the label.

    Inputs: ``value`` (>= 0) and ``effort`` (> 0; defaults to the item's size in points), on
    the team's own scale (1..10 by default). The quadrant: *quick win* (value >= ``high_value``,
    effort < ``high_effort``), *big bet* (both high), *fill-in* (both low), *time sink* (low
    value, high effort).

    >>> from agilemarketing.items import WorkItem
    >>> score = ValueVsEffort().score(WorkItem("M-4", "FAQ page", fields={"value": 7,
    ...                                                                   "effort": 2}))
    >>> print(score), score.label
    value 7 / effort 2 = 3.5 (quick win)
    (None, 'quick win')
    """

    name: ClassVar[str] = "value-vs-effort"
    inputs: dict[str, dict[str, Any]] = attrs.field(factory=dict, converter=_inputs)
    high_value: float = 5.0
    high_effort: float = 5.0

    def quadrant(self, value: float, effort: float) -> str:
        """The 2x2 quadrant of a value and an effort."""
        if value >= self.high_value:
            return "big bet" if effort >= self.high_effort else "quick win"
        return "time sink" if effort >= self.high_effort else "fill-in"

    def score(self, item: WorkItem) -> Score:
        """Score one item; every missing or invalid input is reported together."""
        read = _Reader(self.name, item, self.inputs.get(item.key, {}))
        value = read.number("value", "a number 0 or more")
        effort = read.number(
            "effort",
            "a number greater than 0 (or give the item a size)",
            above_low=True,
            fallback=_size_points(item),
        )
        read.done(f"value/effort inputs of {item.key}")
        result = value / effort
        quadrant = self.quadrant(value, effort)
        return Score(
            result,
            f"value {_number_text(value)} / effort {_number_text(effort)} = "
            f"{_number_text(result)} ({quadrant})",
            self.name,
            {"value": value, "effort": effort},
            label=quadrant,
        )


BUILTIN_PRIORITISERS: tuple[type[Prioritiser], ...] = (
    MoSCoWPrioritiser,
    RICE,
    ICE,
    WSJF,
    ValueVsEffort,
)
"""The built-in prioritiser classes, for the plugin system to register by ``name``."""


# --------------------------------------------------------------------------- rankings


@attrs.frozen
class RankedItem:
    """One line of a :class:`Ranking`: the 0-based position, the item and its score.

    >>> ebook = WorkItem("A", "Ebook", fields={"moscow": "must"})
    >>> top = prioritise([ebook], MoSCoWPrioritiser())[0]
    >>> top.position, top.key, top.score.explanation
    (0, 'A', 'MoSCoW = Must')
    """

    position: int
    item: WorkItem
    score: Score

    @property
    def key(self) -> str:
        """The item's key."""
        return self.item.key


@attrs.frozen
class Ranking:
    """Items ordered by score, highest first, each with its explanation.

    >>> ranking = prioritise(
    ...     [WorkItem("A", "Webinar", fields={"moscow": "should"}),
    ...      WorkItem("B", "Ebook", fields={"moscow": "must"})],
    ...     MoSCoWPrioritiser(),
    ... )
    >>> ranking.keys(), len(ranking)
    (['B', 'A'], 2)
    >>> print(ranking.table())
    1. B Ebook: MoSCoW = Must
    2. A Webinar: MoSCoW = Should
    """

    prioritiser: str
    entries: tuple[RankedItem, ...]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[RankedItem]:
        return iter(self.entries)

    def __getitem__(self, position: int) -> RankedItem:
        return self.entries[position]

    def keys(self) -> list[str]:
        """The keys, best first."""
        return [entry.key for entry in self.entries]

    def table(self) -> str:
        """One line per item, ``"1. KEY Title: explanation"`` (1 is the top)."""
        return "\n".join(
            f"{e.position + 1}. {e.key} {e.item.title}: {e.score.explanation}" for e in self.entries
        )

    def apply_to(self, backlog: Backlog) -> list[RankChange]:
        """Reorder ``backlog`` to this ranking with the fewest moves; return the moves.

        When the ranking covers only some of the backlog's items, they are rearranged among
        the positions they occupy and the rest stay put (see
        :meth:`~agilemarketing.backlog.Backlog.reorder`).
        """
        return backlog.reorder(self.keys())


def prioritise(items: Iterable[WorkItem], prioritiser: Prioritiser) -> Ranking:
    """Score every item and rank them, highest score first.

    ``items`` is a :class:`~agilemarketing.backlog.Backlog` (or any iterable of items) in its
    current order. Ties keep that current order (a stable sort); an unordered ``set`` of items
    is first put in key order, so ties there fall back to the key. Every item's missing or
    invalid inputs are reported together in one
    :class:`~agilemarketing.errors.InvalidInputGroup`.

    >>> from agilemarketing.items import WorkItem
    >>> items = [WorkItem(k, k, fields={"moscow": m})
    ...          for k, m in [("A", "could"), ("B", "must"), ("C", "could"), ("D", "won't")]]
    >>> prioritise(items, MoSCoWPrioritiser()).keys()
    ['B', 'A', 'C', 'D']
    """
    if isinstance(items, set | frozenset):
        ordered = sorted(items, key=lambda item: item.key)
    else:
        ordered = list(items)
    problems: list[AgileMarketingError] = []
    seen: set[str] = set()
    scored: list[tuple[float, int, WorkItem, Score]] = []
    for index, item in enumerate(ordered):
        if item.key in seen:
            problems.append(DuplicateItem(item.key, where="items to prioritise"))
            continue
        seen.add(item.key)
        try:
            score = prioritiser.score(item)
        except InvalidInputGroup as group:
            problems.extend(e for e in group.exceptions if isinstance(e, AgileMarketingError))
            continue
        except AgileMarketingError as exc:
            problems.append(exc)
            continue
        if not math.isfinite(score.value):
            problems.append(
                InvalidValue(
                    "score is not a finite number",
                    where=f"item {item.key}, prioritiser {prioritiser.name!r}",
                    fix="check the item's inputs",
                    value=score.value,
                )
            )
            continue
        scored.append((-score.value, index, item, score))
    raise_all(problems, f"cannot prioritise with {prioritiser.name!r}")
    scored.sort(key=lambda row: (row[0], row[1]))
    return Ranking(
        prioritiser.name,
        tuple(RankedItem(i, item, score) for i, (_, _, item, score) in enumerate(scored)),
    )


# --------------------------------------------------------------------------- collaborative


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
        if not self.participant.strip():
            raise InvalidBallot(
                self.participant, "the participant has no name", fix="name every participant"
            )
        listed = [key for tier in self.tiers for key in tier]
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
                f"  {rank}. {key} (score {_number_text(self.scores[key])}; ranked "
                f"{_number_text(spread.best)}..{_number_text(spread.worst)})"
            )
        lines.append("Distance to the consensus:")
        lines.extend(f"  {who}: {d:.2f}" for who, d in self.distances.items())
        return "\n".join(lines)

    def apply_to(self, backlog: Backlog) -> list[RankChange]:
        """Reorder ``backlog`` to the consensus with the fewest moves (see
        :meth:`~agilemarketing.backlog.Backlog.reorder`)."""
        return backlog.reorder(list(self.order))


Method = Literal["borda", "schulze"]


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
    n = len(universe)
    index = {key: i for i, key in enumerate(universe)}
    # ranks[p, i]: the tier of item i on ballot p (unnamed items share the last tier).
    ranks = np.empty((len(votes), n), dtype=np.int64)
    for p, ballot in enumerate(votes):
        ranks[p, :] = len(ballot.tiers)
        for tier, keys in enumerate(ballot.tiers):
            for key in keys:
                ranks[p, index[key]] = tier
    prefer = np.zeros((n, n), dtype=np.int64)  # prefer[a, b]: how many rank a above b
    for row in ranks:
        prefer += row[:, None] < row[None, :]
    ties = len(votes) - prefer - prefer.T
    np.fill_diagonal(ties, 0)
    borda = prefer.sum(axis=1) + 0.5 * ties.sum(axis=1)
    tiebreak = np.arange(n)
    if method == "borda":
        scores = borda.astype(float)
        order_index = np.lexsort((tiebreak, -borda))
    else:
        wins = _schulze_wins(prefer)
        scores = wins.astype(float)
        order_index = np.lexsort((tiebreak, -borda, -wins))
    order = tuple(universe[i] for i in order_index)
    position = np.empty(n, dtype=np.int64)
    position[order_index] = np.arange(n)
    distances: dict[str, float] = {}
    for p, ballot in enumerate(votes):
        stated = ranks[p, :, None] < ranks[p, None, :]
        overruled = stated & (position[:, None] > position[None, :])
        total = int(stated.sum())
        distances[ballot.participant] = float(overruled.sum()) / total if total else 0.0
    spreads = _spreads(universe, votes, ranks)
    agreement = 1.0 - statistics.fmean(distances.values())
    return Consensus(
        method,
        order,
        {universe[i]: float(scores[i]) for i in order_index},
        distances,
        {key: spreads[key] for key in order},
        agreement,
    )


def _schulze_wins(prefer: np.ndarray[Any, np.dtype[np.int64]]) -> np.ndarray[Any, Any]:
    """How many items each item beats by the Schulze (widest path) method."""
    strength = np.where(prefer > prefer.T, prefer, 0)
    for k in range(len(strength)):
        strength = np.maximum(strength, np.minimum(strength[:, k : k + 1], strength[k : k + 1, :]))
    np.fill_diagonal(strength, 0)
    wins: np.ndarray[Any, Any] = (strength > strength.T).sum(axis=1)
    return wins


def _spreads(
    universe: list[str], votes: list[Ballot], ranks: np.ndarray[Any, np.dtype[np.int64]]
) -> dict[str, PositionSpread]:
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
