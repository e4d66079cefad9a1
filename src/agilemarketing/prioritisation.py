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

The parts live in modules of their own and are re-exported here: the MoSCoW categories
(:mod:`agilemarketing.moscow`), a prioritiser's score (:mod:`agilemarketing.scores`) and
collaborative ranking (:mod:`agilemarketing.ballots`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import attrs

from agilemarketing.ballots import Ballot, Consensus, PositionSpread, consensus
from agilemarketing.errors import (
    AgileMarketingError,
    DuplicateItem,
    InvalidInputGroup,
    InvalidPriorityInput,
    InvalidValue,
    raise_all,
)
from agilemarketing.items import WorkItem
from agilemarketing.moscow import EXPECTED as MOSCOW_EXPECTED
from agilemarketing.moscow import MoSCoW
from agilemarketing.scores import Score, number_text

if TYPE_CHECKING:
    from agilemarketing.backlog import Backlog
    from agilemarketing.ranks import RankChange

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
    given = value or {}
    if not isinstance(given, Mapping) or not all(isinstance(v, Mapping) for v in given.values()):
        raise InvalidValue(
            "expected inputs by item key",
            where="prioritiser inputs",
            fix='give {item key: {input name: value}}, e.g. {"MKT-1": {"reach": 800}}',
            value=type(given).__name__,
        )
    return {str(k): dict(v) for k, v in given.items()}


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


# --- the methods ----------------------------------------------------------------------------------


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
                item.key, "moscow", expected=MOSCOW_EXPECTED, prioritiser=self.name, missing=True
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
            f"RICE = reach {number_text(reach)} x impact {number_text(impact)} x confidence "
            f"{_percent(confidence)} / effort {number_text(effort)} = {number_text(value)}",
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
            f"ICE = impact {number_text(impact)} x confidence {number_text(confidence)} "
            f"x ease {number_text(ease)} = {number_text(value)}",
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
            f"WSJF = cost of delay (value {number_text(value)} + time criticality "
            f"{number_text(critical)} + risk reduction {number_text(risk)} = "
            f"{number_text(delay)}) / job size {number_text(size)} = {number_text(result)}",
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
            f"value {number_text(value)} / effort {number_text(effort)} = "
            f"{number_text(result)} ({quadrant})",
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


# --- rankings -------------------------------------------------------------------------------------


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

    def apply_to(self, backlog: Backlog, *, by: str | None = None) -> list[RankChange]:
        """Reorder ``backlog`` to this ranking with the fewest moves; return the moves.

        When the ranking covers only some of the backlog's items, they are rearranged among
        the positions they occupy and the rest stay put (see
        :meth:`~agilemarketing.backlog.Backlog.reorder`). A score suggests an order; ``by``
        is who adopts it (a backlog with an ``owner`` needs the Marketing Owner).
        """
        return backlog.reorder(self.keys(), by=by)


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
            score: object = prioritiser.score(item)  # a plug-in may return anything
        except InvalidInputGroup as group:
            problems.extend(e for e in group.exceptions if isinstance(e, AgileMarketingError))
            continue
        except AgileMarketingError as exc:
            problems.append(exc)
            continue
        if not isinstance(score, Score):
            name = getattr(prioritiser, "name", type(prioritiser).__name__)
            raise InvalidValue(
                f"the prioritiser returned a {type(score).__name__}, not a Score",
                where=f"prioritiser {name!r}, item {item.key}",
                fix="return Score(value, explanation, prioritiser name) from its score() "
                "method, so the ranking can say why",
                value=score if isinstance(score, int | float | str) else None,
            )
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
