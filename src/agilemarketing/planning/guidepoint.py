"""The Guidepoint: what success means this period, as outcomes and the KPIs that show them.

A :class:`Guidepoint` is the north-star statement a team agrees with its stakeholders at the
strategic level: a few :class:`Outcome` s, each shown by :class:`Kpi` s with targets and current
values. Work is judged by the outcome it serves (``WorkItem.outcome``); backlog items that serve
no current outcome are pruning candidates (:meth:`Guidepoint.unserved`). The three-month
calendar drawn against it is the Blueprint (:mod:`agilemarketing.planning.blueprint`).

>>> from datetime import date
>>> gp = Guidepoint(
...     "Sales has a pipeline it can follow up",
...     starts=date(2026, 4, 1), ends=date(2026, 6, 30),
...     outcomes=[Outcome("pipeline", kpis=[Kpi("qualified leads", target=50, current=12)])],
... )
>>> gp.serves("Pipeline"), str(gp.outcome("pipeline").kpis[0])
(True, 'qualified leads: 12 of 50')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

import attrs

from agilemarketing.errors import DoesNotServeGuidepoint, InvalidValue, NotFound, raise_all
from agilemarketing.items import WorkItem
from agilemarketing.pruning import OutsideOutcomes
from agilemarketing.validators import instances, number, optional_number, required, stripped, texts

__all__ = ["Guidepoint", "Kpi", "Outcome", "PruningReport"]


def _finite(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and value != value:  # NaN
        raise InvalidValue(
            f"{attribute.name} must be a number",
            where=type(instance).__name__,
            fix=f"give {attribute.name} as a number (NaN is not one)",
            value=value,
        )


_KPI_TARGET = number("Kpi.target", finite=True, fix="give the target as a number, e.g. 50")


def _kpi_target(value: Any) -> float:
    return _KPI_TARGET(value)


_KPI_CURRENT = optional_number("Kpi.current", finite=True, fix="give the value so far, e.g. 12")


def _kpi_current(value: Any) -> float | None:
    return _KPI_CURRENT(value)


@attrs.frozen
class Kpi:
    """A key performance indicator with a target and (optionally) its current value.

    ``higher_is_better=False`` is for KPIs such as cost per lead.

    >>> k = Kpi("qualified leads", target=50, current=20)
    >>> k.met, k.progress
    (False, 0.4)
    >>> k.with_current(55).met
    True
    """

    name: str = attrs.field(converter=stripped, validator=required)
    target: float = attrs.field(
        converter=_kpi_target,
        validator=_finite,
    )
    current: float | None = attrs.field(
        default=None,
        converter=_kpi_current,
        validator=_finite,
    )
    unit: str = ""
    higher_is_better: bool = True

    @property
    def met(self) -> bool:
        """Whether the current value reaches the target (False while unknown)."""
        if self.current is None:
            return False
        if self.higher_is_better:
            return self.current >= self.target
        return self.current <= self.target

    @property
    def progress(self) -> float | None:
        """Current over target (target over current when lower is better); None while unknown."""
        if self.current is None:
            return None
        if self.higher_is_better:
            return self.current / self.target if self.target else 1.0
        return self.target / self.current if self.current else 1.0

    def with_current(self, value: float) -> Kpi:
        """A copy with a new current value."""
        return attrs.evolve(self, current=value)

    def __str__(self) -> str:
        now = "?" if self.current is None else f"{self.current:g}"
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.name}: {now} of {self.target:g}{unit}"


_KPIS = instances(Kpi, "Outcome.kpis", fix='give Kpi values, e.g. [Kpi("qualified leads", 50)]')


def _kpis(value: Any) -> tuple[Kpi, ...]:
    return _KPIS(value)


@attrs.frozen
class Outcome:
    """A business outcome the Guidepoint names, shown by its KPIs.

    ``owner`` is the stakeholder who owns the business goal (optional).

    >>> Outcome("pipeline", "Sales can follow up", [Kpi("qualified leads", 50)]).kpis[0].target
    50.0
    """

    name: str = attrs.field(converter=stripped, validator=required)
    description: str = ""
    kpis: tuple[Kpi, ...] = attrs.field(factory=tuple, converter=_kpis)
    owner: str | None = None

    @property
    def met(self) -> bool:
        """Whether every KPI of the outcome meets its target (False without KPIs)."""
        return bool(self.kpis) and all(k.met for k in self.kpis)


_OUTCOMES = instances(
    Outcome, "Guidepoint.outcomes", fix='give Outcome values, e.g. [Outcome("pipeline")]'
)


def _outcomes(value: Any) -> tuple[Outcome, ...]:
    return _OUTCOMES(value)


def _names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(texts("Guidepoint.agreed_with", fix="name the stakeholders")(value))


def _day(where: str) -> Callable[[Any], date]:
    def convert(value: date | str) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise InvalidValue(
            "expected a date",
            where=where,
            fix="give a date, e.g. date(2026, 4, 1) or '2026-04-01' (a datetime: use .date())",
            value=value if isinstance(value, str) else type(value).__name__,
        )

    return convert


@attrs.frozen
class PruningReport:
    """Backlog items that serve no current Guidepoint outcome: candidates for pruning.

    Attributes:
        candidates: the items, in the order given.
        reasons: item key -> why it is a candidate.
        total: how many items were examined.
    """

    candidates: tuple[WorkItem, ...]
    reasons: Mapping[str, str]
    total: int

    @property
    def share(self) -> float:
        """The fraction of examined items that are candidates (0 for an empty backlog).

        >>> PruningReport((), {}, 0).share
        0.0
        """
        return len(self.candidates) / self.total if self.total else 0.0

    def __str__(self) -> str:
        lines = [
            f"{len(self.candidates)} of {self.total} items serve no current outcome "
            f"({self.share:.0%})"
        ]
        lines += [f"- {i.key} {i.title}: {self.reasons[i.key]}" for i in self.candidates]
        return "\n".join(lines)


_GUIDEPOINT_STARTS = _day("Guidepoint.starts")


def _guidepoint_starts(value: Any) -> date:
    return _GUIDEPOINT_STARTS(value)


_GUIDEPOINT_ENDS = _day("Guidepoint.ends")


def _guidepoint_ends(value: Any) -> date:
    return _GUIDEPOINT_ENDS(value)


@attrs.frozen
class Guidepoint:
    """The period's statement of success: outcomes and the KPIs that show them.

    Rules: at least one outcome; outcome names are unique; the period ends after it starts.

    >>> gp = Guidepoint("More pipeline", date(2026, 4, 1), date(2026, 6, 30),
    ...                 [Outcome("pipeline"), Outcome("retention")])
    >>> gp.serves("pipeline"), gp.serves("brand awareness"), gp.serves(None)
    (True, False, False)
    """

    statement: str = attrs.field(converter=stripped, validator=required)
    starts: date = attrs.field(converter=_guidepoint_starts)
    ends: date = attrs.field(converter=_guidepoint_ends)
    outcomes: tuple[Outcome, ...] = attrs.field(converter=_outcomes)
    agreed_with: frozenset[str] = attrs.field(factory=frozenset, converter=_names)

    def __attrs_post_init__(self) -> None:
        problems: list[InvalidValue] = []
        if not self.outcomes:
            problems.append(
                InvalidValue(
                    "a Guidepoint needs at least one outcome",
                    where="Guidepoint",
                    fix="name the outcomes the stakeholders want from marketing this period",
                )
            )
        seen: set[str] = set()
        for outcome in self.outcomes:
            if outcome.name.casefold() in seen:
                problems.append(
                    InvalidValue(
                        f"outcome {outcome.name!r} appears twice",
                        where="Guidepoint",
                        fix="give each outcome its own name",
                    )
                )
            seen.add(outcome.name.casefold())
        if self.ends <= self.starts:
            problems.append(
                InvalidValue(
                    f"the period ends ({self.ends}) before it starts ({self.starts})",
                    where="Guidepoint",
                    fix="check the dates",
                )
            )
        raise_all(problems, "invalid Guidepoint")

    @property
    def outcome_names(self) -> tuple[str, ...]:
        """The outcomes' names, in order."""
        return tuple(o.name for o in self.outcomes)

    def serves(self, outcome: str | None) -> bool:
        """Whether ``outcome`` names a current outcome (case-insensitive)."""
        if outcome is None:
            return False
        return outcome.strip().casefold() in {n.casefold() for n in self.outcome_names}

    def outcome(self, name: str) -> Outcome:
        """The outcome called ``name`` (case-insensitive).

        >>> Guidepoint("x", date(2026, 1, 1), date(2026, 3, 31), [Outcome("a")]).outcome("A").name
        'a'
        """
        for outcome in self.outcomes:
            if outcome.name.casefold() == name.strip().casefold():
                return outcome
        raise NotFound(
            "outcome", name, where="Guidepoint", fix=f"use one of {', '.join(self.outcome_names)}"
        )

    def require_serves(self, subject: str, outcome: str | None) -> str:
        """Return the canonical outcome name, or raise :class:`DoesNotServeGuidepoint`."""
        if not self.serves(outcome):
            raise DoesNotServeGuidepoint(subject, outcome=outcome, outcomes=self.outcome_names)
        assert outcome is not None
        return self.outcome(outcome).name

    def with_kpi(self, outcome: str, kpi: str, current: float) -> Guidepoint:
        """A copy where the KPI ``kpi`` of ``outcome`` has a new current value.

        >>> gp = Guidepoint("x", date(2026, 1, 1), date(2026, 3, 31),
        ...                 [Outcome("a", kpis=[Kpi("leads", 50)])])
        >>> gp.with_kpi("a", "leads", 51).outcome("a").met
        True
        """
        target = self.outcome(outcome)
        wanted = kpi.strip().casefold()
        if all(k.name.casefold() != wanted for k in target.kpis):
            raise NotFound(
                "KPI",
                kpi,
                where=f"outcome {target.name!r}",
                fix=(
                    f"use one of {', '.join(k.name for k in target.kpis)}"
                    if target.kpis
                    else "give the outcome its KPIs first (Outcome(..., kpis=[...]))"
                ),
            )
        kpis = [k.with_current(current) if k.name.casefold() == wanted else k for k in target.kpis]
        changed = attrs.evolve(target, kpis=kpis)
        return attrs.evolve(self, outcomes=[changed if o is target else o for o in self.outcomes])

    def prune_rule(self) -> OutsideOutcomes:
        """The backlog's prune rule for items outside this Guidepoint's outcomes.

        >>> from agilemarketing.backlog import Backlog
        >>> gp = Guidepoint("x", date(2026, 1, 1), date(2026, 3, 31), [Outcome("pipeline")])
        >>> backlog = Backlog([WorkItem("A", "Webinar", outcome="pipeline"), WorkItem("B", "Fax")])
        >>> backlog.plan_prune(gp.prune_rule()).keys
        ('B',)
        """
        return OutsideOutcomes(set(self.outcome_names))

    def unserved(self, items: Iterable[WorkItem]) -> PruningReport:
        """Items serving no current outcome (none named, or one no longer on the Guidepoint).

        The items are judged by the backlog's own prune rule (:meth:`prune_rule`), so this
        report and ``Backlog.plan_prune(gp.prune_rule())`` always select the same items.

        >>> gp = Guidepoint("x", date(2026, 1, 1), date(2026, 3, 31), [Outcome("pipeline")])
        >>> report = gp.unserved([WorkItem("A", "Webinar", outcome="pipeline"),
        ...                       WorkItem("B", "Old flyer"),
        ...                       WorkItem("C", "Trade fair", outcome="awareness 2025")])
        >>> [i.key for i in report.candidates], report.reasons["C"]
        (['B', 'C'], "serves 'awareness 2025', not a current Guidepoint outcome")
        """
        examined = list(items)
        rule = self.prune_rule()
        reasons = {item.key: why for item in examined if (why := rule(item)) is not None}
        candidates = tuple(item for item in examined if item.key in reasons)
        return PruningReport(candidates, reasons, len(examined))
