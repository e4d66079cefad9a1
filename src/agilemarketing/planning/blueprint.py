"""The Blueprint: a three-month calendar of a few priorities against a fixed capacity.

A :class:`Blueprint` is the agreed three-month calendar of a *few* high-level priorities, each
tied to an outcome of the :class:`~agilemarketing.planning.guidepoint.Guidepoint`, drawn against
the team's fixed capacity per month. Capacity does not stretch: :meth:`Blueprint.add` refuses a
priority that does not fit and says what must move out, and by how much;
:meth:`Blueprint.reprioritise` is the only way to make room.

>>> from datetime import date
>>> from agilemarketing.planning.guidepoint import Guidepoint, Kpi, Outcome
>>> gp = Guidepoint(
...     "Sales has a pipeline it can follow up",
...     starts=date(2026, 4, 1), ends=date(2026, 6, 30),
...     outcomes=[Outcome("pipeline", kpis=[Kpi("qualified leads", target=50, current=12)])],
... )
>>> bp = Blueprint(gp, start="2026-04", capacity=20)
>>> bp = bp.add(Priority("Banking app launch", "pipeline", {"2026-04": 13, "2026-05": 8}))
>>> bp.free("2026-04"), bp.free("2026-05")
(7.0, 12.0)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import attrs

from agilemarketing.cycles import CycleReport, capacity_from_history
from agilemarketing.errors import (
    BlueprintOverCapacity,
    DoesNotServeGuidepoint,
    InvalidValue,
    NotFound,
    raise_all,
)
from agilemarketing.planning.guidepoint import Guidepoint
from agilemarketing.validators import a, instances, number, required, sequence, stripped

__all__ = ["MAX_PRIORITIES", "Blueprint", "BlueprintDiff", "CapacityCheck", "Priority", "month_of"]

MAX_PRIORITIES = 5
"""How many priorities a Blueprint holds at most: a *few* high-level ones, not a task list."""

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")
_NORMAL = frozenset(f"{y:04d}-{m:02d}" for y in range(1990, 2100) for m in range(1, 13))


def month_of(value: date | str) -> str:
    """Normalise a date or ``"YYYY-MM"`` / ``"YYYY-MM-DD"`` string to a ``"YYYY-MM"`` month.

    >>> month_of("2026-4"), month_of(date(2026, 11, 30)), month_of("2026-04-30")
    ('2026-04', '2026-11', '2026-04')
    >>> month_of("2026-04-31")
    Traceback (most recent call last):
    ...
    agilemarketing.errors.InvalidValue: Blueprint: not a month (got '2026-04-31'). Fix: write \
months as YYYY-MM, e.g. 2026-04.
    """
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str) and value in _NORMAL:
        return value
    match = _MONTH.match(str(value))
    if not match or not _real_day(match):
        raise InvalidValue(
            "not a month",
            where="Blueprint",
            fix="write months as YYYY-MM, e.g. 2026-04",
            value=value,
        )
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def _real_day(match: re.Match[str]) -> bool:
    """Whether the month (and the day, when one is given) exist in the calendar."""
    year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
    try:
        date(year, month, int(day) if day else 1)
    except ValueError:
        return False
    return True


def _next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def _effort(
    value: Mapping[str, float] | Iterable[tuple[str, float]],
) -> tuple[tuple[str, float], ...]:
    pairs = (
        value.items()
        if isinstance(value, Mapping)
        else sequence(value, "Priority.effort", fix=_EFFORT)
    )
    merged: dict[str, float] = {}
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise InvalidValue(
                "expected (month, effort) pairs", where="Priority.effort", fix=_EFFORT, value=pair
            )
        key = month_of(pair[0])
        merged[key] = merged.get(key, 0.0) + _points(pair[1])
    return tuple(sorted(merged.items()))


_EFFORT = 'give effort per month, e.g. {"2026-04": 5}'
_POINTS = number("Priority.effort", fix=_EFFORT)


def _points(value: Any) -> float:
    return _POINTS(value)


@attrs.frozen
class Priority:
    """One high-level priority of a Blueprint: a bucket of work, not a task list.

    ``effort`` maps months (``"YYYY-MM"``) to the capacity the priority takes in each, in the
    Blueprint's unit (points or items).

    >>> p = Priority("Spring webinar series", "pipeline", {"2026-04": 5, "2026-05": 3})
    >>> p.total, p.effort_in("2026-05"), p.months
    (8.0, 3.0, ('2026-04', '2026-05'))
    """

    name: str = attrs.field(converter=stripped, validator=required)
    outcome: str = attrs.field(converter=stripped, validator=required)
    effort: tuple[tuple[str, float], ...] = attrs.field(converter=_effort)
    note: str = ""

    @effort.validator
    def _check_effort(
        self, attribute: attrs.Attribute[Any], value: tuple[tuple[str, float], ...]
    ) -> None:
        if not value or any(not p == p or p < 0 for _, p in value) or sum(p for _, p in value) <= 0:
            raise InvalidValue(
                "a priority needs a positive effort in at least one month",
                where=f"priority {self.name!r}",
                fix='give effort per month, e.g. {"2026-04": 5}',
                value=dict(value),
            )

    @property
    def total(self) -> float:
        """The whole effort over all months."""
        return sum(p for _, p in self.effort)

    @property
    def months(self) -> tuple[str, ...]:
        """The months the priority takes capacity in."""
        return tuple(m for m, _ in self.effort)

    def effort_in(self, month: str | date) -> float:
        """The effort in one month (0 when none)."""
        key = month_of(month)
        return sum(p for m, p in self.effort if m == key)


@attrs.frozen
class CapacityCheck:
    """Whether a priority fits the Blueprint, and if not what must move out.

    Attributes:
        priority: the checked priority's name.
        shortfall: month -> points missing (empty when it fits).
        must_move_out: ``(priority, month, points)``: the lowest-ranked priorities whose effort
            would make room, the last one possibly only in part ("by how much").
    """

    priority: str
    shortfall: Mapping[str, float]
    must_move_out: tuple[tuple[str, str, float], ...]

    @property
    def fits(self) -> bool:
        """True when no month is overbooked."""
        return not self.shortfall

    def __str__(self) -> str:
        if self.fits:
            return f"{self.priority!r} fits"
        lines = [f"{self.priority!r} does not fit:"]
        lines += [f"- {m}: {p:g} over capacity" for m, p in self.shortfall.items()]
        lines += [f"- move out {n}: {p:g} in {m}" for n, m, p in self.must_move_out]
        return "\n".join(lines)


def _capacity(value: float | Sequence[float]) -> tuple[float, float, float]:
    each = number("Blueprint.capacity", fix="give one number (the same each month) or three")
    if isinstance(value, int | float | str):
        values = [each(value)] * 3
    else:
        values = [each(v) for v in sequence(value, "Blueprint.capacity", fix=_THREE)]
    if len(values) != 3 or any(not v == v or v < 0 for v in values):
        raise InvalidValue(
            "capacity is three non-negative numbers, one per month",
            where="Blueprint.capacity",
            fix="give one number (the same each month) or three",
            value=value,
        )
    return (values[0], values[1], values[2])


_THREE = "give one number (the same each month) or three"
_PRIORITIES = instances(Priority, "Blueprint.priorities", fix="give Priority values, best first")


def _priorities(value: Any) -> tuple[Priority, ...]:
    return _PRIORITIES(value)


@attrs.frozen
class BlueprintDiff:
    """What changed between two Blueprints (for example between two Team Showcases).

    Attributes:
        added: priorities only in the newer Blueprint.
        removed: priorities only in the older one.
        rescheduled: name -> (old effort, new effort) where the months or amounts changed.
        reranked: name -> (old rank, new rank), 1-based, for priorities in both.
        capacity: month -> (old, new) where the capacity changed.
        details: name -> ``"outcome; month effort, ..."`` of each added or removed priority,
            so a showcase reader sees what came in or went out without the calendar.
    """

    added: tuple[str, ...]
    removed: tuple[str, ...]
    rescheduled: Mapping[str, tuple[dict[str, float], dict[str, float]]]
    reranked: Mapping[str, tuple[int, int]]
    capacity: Mapping[str, tuple[float, float]]
    details: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def unchanged(self) -> bool:
        """True when nothing changed."""
        return not (
            self.added or self.removed or self.rescheduled or self.reranked or self.capacity
        )

    def lines(self) -> list[str]:
        """One human sentence per change."""

        def noted(name: str) -> str:
            return f"{name} ({self.details[name]})" if name in self.details else name

        out = [f"added {noted(n)}" for n in self.added]
        out += [f"moved out {noted(n)}" for n in self.removed]
        for name, (old, new) in self.rescheduled.items():
            out.append(f"rescheduled {name}: {_fmt_effort(old)} -> {_fmt_effort(new)}")
        for name, (old_rank, new_rank) in self.reranked.items():
            out.append(f"re-ranked {name}: #{old_rank} -> #{new_rank}")
        for month, (old_cap, new_cap) in self.capacity.items():
            out.append(f"capacity {month}: {old_cap:g} -> {new_cap:g}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines()) or "no changes"


def _fmt_effort(effort: Mapping[str, float]) -> str:
    return ", ".join(f"{m} {p:g}" for m, p in effort.items()) or "none"


@attrs.frozen
class Blueprint:
    """A three-month calendar of a few high-level priorities against a fixed capacity.

    ``priorities`` are in priority order (first = most important); there are at most
    :data:`MAX_PRIORITIES` of them, each must serve an outcome of the ``guidepoint`` and take
    effort only within the three months from ``start`` and within the Guidepoint's period. The
    Blueprint is never overbooked: constructing one whose load exceeds a month's ``capacity``
    raises :class:`~agilemarketing.errors.BlueprintOverCapacity`.

    >>> from datetime import date
    >>> from agilemarketing.planning.guidepoint import Outcome
    >>> gp = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
    >>> bp = Blueprint(gp, "2026-04", capacity=[10, 10, 8])
    >>> bp.months
    ('2026-04', '2026-05', '2026-06')
    >>> bp.check(Priority("Big launch", "pipeline", {"2026-06": 9})).shortfall
    {'2026-06': 1.0}
    """

    guidepoint: Guidepoint = attrs.field(
        validator=a(Guidepoint, "Blueprint(guidepoint)", fix="give the Guidepoint it serves")
    )
    start: str = attrs.field(converter=month_of)
    capacity: tuple[float, float, float] = attrs.field(converter=_capacity)
    priorities: tuple[Priority, ...] = attrs.field(factory=tuple, converter=_priorities)
    unit: str = "points"

    def __attrs_post_init__(self) -> None:
        problems: list[Exception] = []
        seen: set[str] = set()
        months = set(self.months)
        for p in self.priorities:
            if p.name.casefold() in seen:
                problems.append(
                    InvalidValue(
                        f"priority {p.name!r} appears twice",
                        where="Blueprint",
                        fix="give each priority its own name",
                    )
                )
            seen.add(p.name.casefold())
            if not self.guidepoint.serves(p.outcome):
                problems.append(
                    DoesNotServeGuidepoint(
                        f"Blueprint priority {p.name!r}",
                        outcome=p.outcome,
                        outcomes=self.guidepoint.outcome_names,
                    )
                )
            horizon = self._outside_guidepoint(p)
            if horizon:
                problems.append(horizon)
            outside = [m for m in p.months if m not in months]
            if outside:
                problems.append(
                    InvalidValue(
                        f"effort in {', '.join(outside)}, outside the Blueprint's months "
                        f"{', '.join(self.months)}",
                        where=f"priority {p.name!r}",
                        fix="a Blueprint covers three months; plan later work in the next one",
                    )
                )
        if len(self.priorities) > MAX_PRIORITIES:
            problems.append(
                InvalidValue(
                    f"a Blueprint holds a few high-level priorities, at most {MAX_PRIORITIES} "
                    f"priorities, not {len(self.priorities)}",
                    where="Blueprint",
                    fix="move one out to make room (Blueprint.reprioritise(new, move_out=[...])), "
                    "or keep the smaller work in the backlog",
                )
            )
        raise_all(
            [p for p in problems if isinstance(p, InvalidValue | DoesNotServeGuidepoint)],
            "invalid Blueprint",
        )
        over = {
            m: self.load(m) - c
            for m, c in zip(self.months, self.capacity, strict=True)
            if self.load(m) > c + 1e-9
        }
        if over:
            last = self.priorities[-1].name
            check = attrs.evolve(self, priorities=self.priorities[:-1]).check(self.priorities[-1])
            raise BlueprintOverCapacity(last, shortfall=over, must_move_out=check.must_move_out)

    def _outside_guidepoint(self, priority: Priority) -> InvalidValue | None:
        """A problem when ``priority`` takes effort outside the Guidepoint's period."""
        first, last = month_of(self.guidepoint.starts), month_of(self.guidepoint.ends)
        mine = [m for m in priority.months if m in self.months]  # the others: reported apart
        before = [m for m in mine if m < first]
        after = [m for m in mine if m > last]
        if not (before or after):
            return None
        what = []
        if before:
            what.append(
                f"in {', '.join(before)}, before the Guidepoint starts ({self.guidepoint.starts})"
            )
        if after:
            what.append(
                f"in {', '.join(after)}, after the Guidepoint ends ({self.guidepoint.ends})"
            )
        return InvalidValue(
            "effort " + " and ".join(what),
            where=f"priority {priority.name!r}",
            fix=f"plan it within {first} to {last}; later work belongs to the next Guidepoint "
            "and its Blueprint",
        )

    @classmethod
    def from_throughput(
        cls,
        guidepoint: Guidepoint,
        start: str | date,
        per_cycle: Sequence[float],
        *,
        cycle_days: int = 14,
        unit: str = "points",
    ) -> Blueprint:
        """An empty Blueprint whose monthly capacity comes from the team's own past cycles.

        The median of ``per_cycle`` (points or items finished per cycle) is scaled to each
        month's length in days (a fortnightly cycle is 14 days), rounded down to whole units:
        capacity is a forecast from the team's own history, never a stretch goal.

        >>> from datetime import date
        >>> from agilemarketing.planning.guidepoint import Outcome
        >>> gp = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
        >>> Blueprint.from_throughput(gp, "2026-04", [10, 12, 8, 11]).capacity
        (22.0, 23.0, 22.0)
        """
        import calendar
        import statistics

        history = [float(v) for v in per_cycle]
        if not history or any(v < 0 for v in history):
            raise InvalidValue(
                "capacity needs at least one past cycle with a non-negative amount",
                where="Blueprint.from_throughput",
                fix="pass what the team finished in each of its last cycles",
                value=per_cycle,
            )
        if cycle_days < 1:
            raise InvalidValue(
                "cycle_days must be 1 or more",
                where="Blueprint.from_throughput",
                fix="give the length of one cycle in days, e.g. 14",
                value=cycle_days,
            )
        per_day = statistics.median(history) / cycle_days
        first = month_of(start)
        months = [first, _next_month(first), _next_month(_next_month(first))]
        caps = [
            float(int(per_day * calendar.monthrange(int(m[:4]), int(m[5:]))[1] + 1e-9))
            for m in months
        ]
        return cls(guidepoint, first, caps, unit=unit)

    @classmethod
    def from_history(
        cls,
        guidepoint: Guidepoint,
        start: str | date,
        reports: Iterable[CycleReport],
        *,
        unit: str = "points",
        percentile: float = 50.0,
        last: int | None = None,
    ) -> Blueprint:
        """An empty Blueprint whose capacity comes from the team's closed cycles.

        The per-cycle capacity is :func:`~agilemarketing.cycles.capacity_from_history` (velocity
        in points or throughput in items, the median by default) and the cycle length is that of
        the most recent cycle; see :meth:`from_throughput` for the scaling to months.

        >>> from datetime import datetime, UTC
        >>> from agilemarketing.cycles import Capacity, Cycle, CycleRun
        >>> from agilemarketing.items import WorkItem
        >>> from agilemarketing.planning.guidepoint import Outcome
        >>> run = CycleRun(Cycle("C1", datetime(2026, 3, 2, tzinfo=UTC), Capacity.items(9)))
        >>> run.commit([WorkItem(f"K{i}", "x") for i in range(7)], at="2026-02-27T15:00:00Z")
        >>> for i in range(7):
        ...     run.complete(f"K{i}", at="2026-03-05T10:00:00Z")
        >>> gp = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
        >>> Blueprint.from_history(gp, "2026-04", [run.close()], unit="items").capacity
        (15.0, 15.0, 15.0)
        """
        past = sorted(reports, key=lambda r: r.cycle.start)
        per_cycle = capacity_from_history(past, unit=unit, percentile=percentile, last=last)
        days = max(1, round(past[-1].cycle.length / timedelta(days=1)))
        return cls.from_throughput(guidepoint, start, [per_cycle.amount], cycle_days=days,
                                   unit=unit)  # fmt: skip

    @property
    def months(self) -> tuple[str, str, str]:
        """The three months of the calendar."""
        second = _next_month(self.start)
        return (self.start, second, _next_month(second))

    def capacity_in(self, month: str | date) -> float:
        """The capacity of one month of the calendar."""
        key = month_of(month)
        if key not in self.months:
            raise NotFound("month", key, where="Blueprint", fix=f"use {', '.join(self.months)}")
        return self.capacity[self.months.index(key)]

    def load(self, month: str | date) -> float:
        """The effort planned in one month."""
        return sum(p.effort_in(month) for p in self.priorities)

    def free(self, month: str | date) -> float:
        """Capacity left in one month."""
        return self.capacity_in(month) - self.load(month)

    def priority(self, name: str) -> Priority:
        """The priority called ``name`` (case-insensitive)."""
        for p in self.priorities:
            if p.name.casefold() == name.strip().casefold():
                return p
        raise NotFound(
            "priority",
            name,
            where="Blueprint",
            fix=f"use one of {', '.join(p.name for p in self.priorities) or '(none)'}",
        )

    def check(self, priority: Priority, *, without: Iterable[str] = ()) -> CapacityCheck:
        """Whether ``priority`` fits (after removing the priorities named in ``without``).

        When it does not fit, ``must_move_out`` names the lowest-ranked priorities whose effort
        in each overbooked month would make room; the last one may only need to give up part
        of its effort (the points are "by how much").
        """
        gone = {n.strip().casefold() for n in without}
        kept = [
            p
            for p in self.priorities
            if p.name.casefold() not in gone and p.name.casefold() != priority.name.casefold()
        ]
        shortfall: dict[str, float] = {}
        moves: list[tuple[str, str, float]] = []
        for month, cap in zip(self.months, self.capacity, strict=True):
            need = priority.effort_in(month)
            if not need:
                continue
            load = sum(p.effort_in(month) for p in kept)
            missing = load + need - cap
            if missing <= 1e-9:
                continue
            shortfall[month] = missing
            remaining = missing
            for p in reversed(kept):
                take = min(p.effort_in(month), remaining)
                if take > 0:
                    moves.append((p.name, month, take))
                    remaining -= take
                if remaining <= 1e-9:
                    break
        return CapacityCheck(priority.name, shortfall, tuple(moves))

    def add(self, priority: Priority, *, rank: int | None = None) -> Blueprint:
        """A copy with ``priority`` added at ``rank`` (1-based; default last), if it fits.

        Raises:
            BlueprintOverCapacity: it does not fit; the error lists what must move out.
            DoesNotServeGuidepoint: it serves no Guidepoint outcome.
        """
        self.guidepoint.require_serves(f"Blueprint priority {priority.name!r}", priority.outcome)
        same = [p for p in self.priorities if p.name.casefold() == priority.name.casefold()]
        if same:
            raise InvalidValue(
                f"priority {same[0].name!r} is already on the Blueprint",
                where="Blueprint.add",
                fix=f"change its effort with Blueprint.reschedule({same[0].name!r}, effort), or "
                "give the new priority its own name",
            )
        check = self.check(priority)
        if not check.fits:
            raise BlueprintOverCapacity(
                priority.name, shortfall=dict(check.shortfall), must_move_out=check.must_move_out
            )
        return self._with(priority, rank)

    def _with(self, priority: Priority, rank: int | None) -> Blueprint:
        items = list(self.priorities)
        position = len(items) if rank is None else max(0, min(rank - 1, len(items)))
        items.insert(position, priority)
        return attrs.evolve(self, priorities=items)

    def reprioritise(
        self,
        add: Priority,
        *,
        move_out: Iterable[str],
        rank: int | None = None,
        replacements: Iterable[Priority] = (),
    ) -> Blueprint:
        """Make room for ``add`` by moving the named priorities out (the only way to add work).

        ``replacements`` are smaller or later versions of moved-out priorities that still fit
        (for example the part of a priority that moves to a later month).

        >>> from datetime import date
        >>> from agilemarketing.planning.guidepoint import Outcome
        >>> gp = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
        >>> bp = Blueprint(gp, "2026-04", 10, [Priority("Flyers", "pipeline", {"2026-04": 10})])
        >>> bp = bp.reprioritise(Priority("Video", "pipeline", {"2026-04": 6}),
        ...                      move_out=["Flyers"], rank=1,
        ...                      replacements=[Priority("Flyers", "pipeline", {"2026-04": 4})])
        >>> [(p.name, p.total) for p in bp.priorities]
        [('Video', 6.0), ('Flyers', 4.0)]
        """
        names = [n.strip() for n in move_out]
        for name in names:
            self.priority(name)
        gone = {n.casefold() for n in names}
        kept = attrs.evolve(
            self, priorities=[p for p in self.priorities if p.name.casefold() not in gone]
        )
        result = kept.add(add, rank=rank)
        for replacement in replacements:
            result = result.add(replacement)
        return result

    def reschedule(
        self, name: str, effort: Mapping[str, float] | Iterable[tuple[str, float]]
    ) -> Blueprint:
        """A copy where the priority called ``name`` takes ``effort`` instead, keeping its rank.

        The new effort must fit the capacity left by the other priorities.

        >>> from datetime import date
        >>> from agilemarketing.planning.guidepoint import Outcome
        >>> gp = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
        >>> bp = Blueprint(gp, "2026-04", 10, [Priority("Flyers", "pipeline", {"2026-04": 8})])
        >>> print(bp.diff(bp.reschedule("flyers", {"2026-05": 8})))
        rescheduled Flyers: 2026-04 8 -> 2026-05 8

        Raises:
            NotFound: no priority has that name.
            BlueprintOverCapacity: the new effort does not fit; the error says what must move out.
        """
        old = self.priority(name)
        new = attrs.evolve(old, effort=effort)
        check = self.check(new)
        if not check.fits:
            raise BlueprintOverCapacity(
                new.name, shortfall=dict(check.shortfall), must_move_out=check.must_move_out
            )
        return attrs.evolve(self, priorities=[new if p is old else p for p in self.priorities])

    def remove(self, name: str) -> Blueprint:
        """A copy without the priority called ``name``."""
        target = self.priority(name)
        return attrs.evolve(self, priorities=[p for p in self.priorities if p is not target])

    def diff(self, newer: Blueprint) -> BlueprintDiff:
        """What changed from this Blueprint to ``newer``.

        >>> from datetime import date
        >>> from agilemarketing.planning.guidepoint import Outcome
        >>> gp = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
        >>> a = Blueprint(gp, "2026-04", 10, [Priority("Flyers", "pipeline", {"2026-04": 8})])
        >>> b = a.reprioritise(Priority("Video", "pipeline", {"2026-04": 5}), move_out=["Flyers"])
        >>> print(a.diff(b))
        added Video (pipeline; 2026-04 5)
        moved out Flyers (pipeline; 2026-04 8)
        """
        old_rank = {p.name: i for i, p in enumerate(self.priorities, start=1)}
        new_rank = {p.name: i for i, p in enumerate(newer.priorities, start=1)}
        old_by = {p.name: p for p in self.priorities}
        new_by = {p.name: p for p in newer.priorities}
        both = [n for n in new_rank if n in old_rank]
        rescheduled = {
            n: (dict(old_by[n].effort), dict(new_by[n].effort))
            for n in both
            if old_by[n].effort != new_by[n].effort
        }
        # rank changes that are not merely caused by additions or removals around them
        old_order = [n for n in old_rank if n in new_rank]
        new_order = [n for n in new_rank if n in old_rank]
        reranked = {
            n: (old_rank[n], new_rank[n]) for n in both if old_order.index(n) != new_order.index(n)
        }
        capacity = {
            m: (old, new)
            for m, old, new in zip(
                newer.months, self._capacity_for(newer.months), newer.capacity, strict=True
            )
            if old != new
        }
        added = tuple(n for n in new_rank if n not in old_rank)
        removed = tuple(n for n in old_rank if n not in new_rank)
        details = {
            p.name: f"{p.outcome}; {_fmt_effort(dict(p.effort))}"
            for p in (*(new_by[n] for n in added), *(old_by[n] for n in removed))
        }
        return BlueprintDiff(added, removed, rescheduled, reranked, capacity, details)

    def _capacity_for(self, months: Sequence[str]) -> list[float]:
        return [self.capacity_in(m) if m in self.months else 0.0 for m in months]

    def to_markdown(self) -> str:
        """The calendar as a Markdown table: one row per priority, one column per month."""
        head = f"| priority | outcome | {' | '.join(self.months)} |"
        rule = "|---|---|" + "---:|" * 3
        rows = [
            f"| {p.name} | {p.outcome} | "
            + " | ".join(f"{p.effort_in(m):g}" if p.effort_in(m) else "" for m in self.months)
            + " |"
            for p in self.priorities
        ]
        load = (
            "| **load / capacity** | | "
            + " | ".join(
                f"{self.load(m):g} / {c:g}" for m, c in zip(self.months, self.capacity, strict=True)
            )
            + " |"
        )
        return "\n".join([head, rule, *rows, load])
