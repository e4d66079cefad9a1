"""Launch cycles: fixed timeboxes (fortnightly by default), capacity, commitment and predictability.

At **Cycle Planning** the team commits to work from the top of the backlog within its capacity,
a capacity taken from its own past (:func:`capacity_from_history`). While the cycle runs,
ad-hoc requests go to the backlog; work that *is* added to the running cycle is tracked as
**unplanned**. At the end the cycle is closed into a :class:`CycleReport`: committed, completed,
unplanned, carried over, predictability and velocity, all team-level.

>>> from datetime import datetime, UTC
>>> from agilemarketing.items import Size, WorkItem
>>> cycle = Cycle("Cycle 7", datetime(2026, 3, 2, tzinfo=UTC), Capacity.points(8))
>>> cycle.end.date().isoformat()
'2026-03-16'
>>> run = CycleRun(cycle)
>>> run.commit([WorkItem("C-1", "Webinar page", size=Size.points(5)),
...             WorkItem("C-2", "Invite email", size=Size.points(3))])
>>> run.add_unplanned(WorkItem("C-9", "Fix pricing typo", size=Size.points(1)),
...                   at="2026-03-04T10:00Z")
>>> run.complete("C-1", at="2026-03-06T16:00Z")
>>> run.complete("C-9", at="2026-03-04T12:00Z")
>>> report = run.close()
>>> report.completed_committed, report.carried_over, report.predictability
(('C-1',), ('C-2',), 0.5)
>>> report.velocity
6.0
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import attrs
import numpy as np

from agilemarketing._text import count, one_line, required, table
from agilemarketing.errors import (
    CycleStateError,
    InvalidValue,
    NotFound,
    OverCommitted,
    raise_all,
)
from agilemarketing.items import WorkItem
from agilemarketing.utc import ensure_utc, utcnow

__all__ = [
    "FORTNIGHT",
    "Capacity",
    "CapacityOverride",
    "CapacityUnit",
    "Cycle",
    "CycleReport",
    "CycleRun",
    "capacity_from_history",
]

FORTNIGHT = timedelta(days=14)
"""The default cycle length."""

_EPSILON = 1e-9


class CapacityUnit(enum.StrEnum):
    """What a capacity counts: story points, or whole items (throughput).

    >>> Capacity.items(6).unit is CapacityUnit.ITEMS, CapacityUnit("points")
    (True, <CapacityUnit.POINTS: 'points'>)
    """

    POINTS = "points"
    ITEMS = "items"


@attrs.frozen
class Capacity:
    """How much work the team can take into one cycle, in points or in items.

    >>> Capacity.points(21), Capacity.items(6)
    (Capacity(amount=21.0, unit=<CapacityUnit.POINTS: 'points'>), \
Capacity(amount=6.0, unit=<CapacityUnit.ITEMS: 'items'>))
    >>> print(Capacity.points(21))
    21 pt
    """

    amount: float = attrs.field(converter=float)
    unit: CapacityUnit = attrs.field(default=CapacityUnit.POINTS, converter=CapacityUnit)

    @amount.validator
    def _check(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not math.isfinite(value) or value < 0:
            raise InvalidValue(
                "capacity must be a finite amount of 0 or more",
                where="Capacity",
                fix="give the team's capacity, e.g. Capacity.points(20) or Capacity.items(6)",
                value=value,
            )

    @classmethod
    def points(cls, amount: float) -> Capacity:
        """A capacity in story points (the team's own scale; never compare it across teams)."""
        return cls(amount, CapacityUnit.POINTS)

    @classmethod
    def items(cls, amount: float) -> Capacity:
        """A capacity in whole items (throughput)."""
        return cls(amount, CapacityUnit.ITEMS)

    def measure(self, items: Iterable[WorkItem]) -> float:
        """How much of this capacity ``items`` take: their points, or their number.

        >>> from agilemarketing.items import Size, WorkItem
        >>> work = [WorkItem("A", "a", size=Size.points(3)),
        ...         WorkItem("B", "b", size=Size.tshirt("L"))]
        >>> Capacity.points(10).measure(work), Capacity.items(10).measure(work)
        (8.0, 2.0)
        """
        if self.unit is CapacityUnit.ITEMS:
            return float(sum(1 for _ in items))
        return float(sum(item.points for item in items))

    def __str__(self) -> str:
        if self.unit is CapacityUnit.POINTS:
            return f"{self.amount:g} pt"
        return f"{self.amount:g} items"


def _utc(value: datetime | str) -> datetime:
    return ensure_utc(value, where="Cycle.start")


@attrs.frozen
class Cycle:
    """A launch cycle: a fixed timebox with a name, a start, a length and the team's capacity.

    ``end`` is ``start + length``; the cycle covers ``start <= t <= end``.

    >>> from datetime import datetime, UTC
    >>> c = Cycle("Cycle 1", datetime(2026, 1, 5, tzinfo=UTC), Capacity.items(6))
    >>> c.length.days, c.following("Cycle 2").start == c.end
    (14, True)
    """

    name: str = attrs.field(converter=one_line, validator=required)
    start: datetime = attrs.field(converter=_utc)
    capacity: Capacity
    length: timedelta = attrs.field(default=FORTNIGHT)

    @length.validator
    def _positive(self, attribute: attrs.Attribute[timedelta], value: timedelta) -> None:
        if value <= timedelta(0):
            raise InvalidValue(
                "a cycle must last longer than zero",
                where=f"cycle {self.name!r}",
                fix="use a positive length such as timedelta(days=14)",
                value=value,
            )

    @property
    def end(self) -> datetime:
        """When the cycle ends: ``start + length``."""
        return self.start + self.length

    def contains(self, at: datetime | str) -> bool:
        """Whether ``at`` falls within the cycle (start and end included)."""
        moment = ensure_utc(at)
        return self.start <= moment <= self.end

    def following(self, name: str, *, capacity: Capacity | None = None) -> Cycle:
        """The next cycle: starts at this one's end, same length, same capacity unless given."""
        return Cycle(name, self.end, capacity or self.capacity, self.length)


@attrs.frozen
class CapacityOverride:
    """A deliberate, recorded decision to commit beyond capacity: why, and who decided.

    >>> from datetime import UTC
    >>> from agilemarketing.items import Size
    >>> run = CycleRun(Cycle("Cycle 8", datetime(2026, 3, 16, tzinfo=UTC), Capacity.points(5)))
    >>> run.commit([WorkItem("A", "Webinar", size=Size.points(8))],
    ...            override=CapacityOverride("the trade show date is fixed", by="Maya"))
    >>> run.planned, run.overrides[0].by
    (8.0, 'Maya')
    """

    reason: str = attrs.field(converter=one_line, validator=required)
    by: str = attrs.field(converter=one_line, validator=required)


def _items(value: Iterable[WorkItem]) -> tuple[WorkItem, ...]:
    return tuple(value)


def _completions(value: Iterable[tuple[str, datetime]]) -> tuple[tuple[str, datetime], ...]:
    return tuple(value)


@attrs.frozen
class CycleReport:
    """What a closed cycle delivered: the input to the Team Showcase and to the next plan.

    ``committed`` is the plan made at Cycle Planning; ``unplanned`` is work added while the
    cycle ran. Unplanned work is never counted as committed, so it cannot flatter
    predictability; it shows up in velocity and throughput (it was delivered) and on its own line.

    >>> from datetime import UTC
    >>> from agilemarketing.items import Size
    >>> run = CycleRun(Cycle("Cycle 8", datetime(2026, 3, 16, tzinfo=UTC), Capacity.points(8)))
    >>> run.commit([WorkItem("A", "Webinar", size=Size.points(5)),
    ...             WorkItem("B", "Ebook", size=Size.points(3))])
    >>> run.complete("A", at="2026-03-20T10:00Z")
    >>> run.add_unplanned(WorkItem("U", "Typo fix", size=Size.points(1)), at="2026-03-21T10:00Z")
    >>> report = run.close(at="2026-03-30T09:00Z")
    >>> print(report)
    Cycle 8: 16 Mar - 30 Mar 2026, capacity 8 pt
      Committed     2 items  8 pt
      Completed     1 of 2   predictability 50%
      Unplanned     1 item   0 completed
      Carried over  1 item   B
      Velocity      5 pt     throughput 1 item
    >>> len(report.committed) == len(report.completed_committed) + len(report.carried_over)
    True
    """

    cycle: Cycle
    closed_at: datetime
    committed: tuple[WorkItem, ...] = attrs.field(default=(), converter=_items)
    unplanned: tuple[WorkItem, ...] = attrs.field(default=(), converter=_items)
    completions: tuple[tuple[str, datetime], ...] = attrs.field(default=(), converter=_completions)
    overrides: tuple[CapacityOverride, ...] = ()

    @property
    def completed(self) -> tuple[str, ...]:
        """Keys of every item completed in the cycle (committed and unplanned), in order."""
        return tuple(key for key, _ in self.completions)

    @property
    def completed_committed(self) -> tuple[str, ...]:
        """Keys of committed items that were completed."""
        done = set(self.completed)
        return tuple(i.key for i in self.committed if i.key in done)

    @property
    def completed_unplanned(self) -> tuple[str, ...]:
        """Keys of unplanned items that were completed."""
        done = set(self.completed)
        return tuple(i.key for i in self.unplanned if i.key in done)

    @property
    def carried_over(self) -> tuple[str, ...]:
        """Keys of committed items not completed: they go back to the backlog or the next plan."""
        done = set(self.completed)
        return tuple(i.key for i in self.committed if i.key not in done)

    @property
    def unfinished(self) -> tuple[WorkItem, ...]:
        """Every item not completed, committed or unplanned, in that order."""
        done = set(self.completed)
        return tuple(i for i in (*self.committed, *self.unplanned) if i.key not in done)

    @property
    def predictability(self) -> float | None:
        """Completed committed items over committed items, from 0.0 to 1.0 (None if none).

        This is the team's reliability as stakeholders feel it: a team that commits to 10 items
        and finishes all 10 (1.0) lets them plan around it; one that starts 15 and finishes 4
        (0.27) leaves eleven promises broken, however busy it was. Unplanned work does not count
        either way, so taking on extra work mid-cycle cannot hide a missed plan.
        """
        if not self.committed:
            return None
        return len(self.completed_committed) / len(self.committed)

    @property
    def committed_points(self) -> float:
        """Points committed at planning."""
        return float(sum(i.points for i in self.committed))

    @property
    def velocity(self) -> float:
        """Points completed in the cycle, committed and unplanned (team-level, this team only)."""
        done = set(self.completed)
        return float(sum(i.points for i in (*self.committed, *self.unplanned) if i.key in done))

    @property
    def throughput(self) -> int:
        """Items completed in the cycle, committed and unplanned."""
        return len(self.completions)

    def to_text(self) -> str:
        """A short, aligned summary for the Team Showcase or a chat message."""
        c = self.cycle
        pct = "-" if self.predictability is None else f"{self.predictability:.0%}"
        rows = [
            ["Committed", count(len(self.committed), "item"), f"{self.committed_points:g} pt"],
            [
                "Completed",
                f"{len(self.completed_committed)} of {len(self.committed)}",
                f"predictability {pct}",
            ],
            [
                "Unplanned",
                count(len(self.unplanned), "item"),
                f"{len(self.completed_unplanned)} completed",
            ],
            ["Carried over", count(len(self.carried_over), "item"), ", ".join(self.carried_over)],
            ["Velocity", f"{self.velocity:g} pt", f"throughput {count(self.throughput, 'item')}"],
        ]
        head = f"{c.name}: {c.start:%d %b} - {c.end:%d %b %Y}, capacity {c.capacity}" + (
            f", {count(len(self.overrides), 'capacity override')}" if self.overrides else ""
        )
        return "\n".join([head, *table(["", "", ""], rows)[1:]])

    def __str__(self) -> str:
        return self.to_text()


@attrs.define(repr=False)
class CycleRun:
    """A cycle in progress: plan (``commit``), run (``add_unplanned``, ``complete``), ``close``.

    The plan is open until the cycle starts running, which is when the first item is completed
    or added as unplanned work; after that :meth:`commit` refuses, because work taken on
    mid-cycle is unplanned by definition. A closed run refuses every change.

    >>> from datetime import UTC
    >>> from agilemarketing.items import Size
    >>> run = CycleRun(Cycle("Cycle 8", datetime(2026, 3, 16, tzinfo=UTC), Capacity.points(5)))
    >>> [i.key for i in run.plan_from([WorkItem("A", "Webinar", size=Size.points(3)),
    ...                                WorkItem("B", "Ebook", size=Size.points(3))])]
    ['A']
    >>> run.remaining, run.state
    (2.0, 'planning')
    >>> run.complete("A", at="2026-03-20T10:00Z")
    >>> run.state, run
    ('running', <CycleRun 'Cycle 8' running: 1 committed, 0 unplanned, 1 completed>)
    """

    cycle: Cycle
    _committed: dict[str, WorkItem] = attrs.field(init=False, factory=dict)
    _unplanned: dict[str, WorkItem] = attrs.field(init=False, factory=dict)
    _added_at: dict[str, datetime] = attrs.field(init=False, factory=dict)
    _completed: dict[str, datetime] = attrs.field(init=False, factory=dict)
    _overrides: list[CapacityOverride] = attrs.field(init=False, factory=list)
    _running: bool = attrs.field(init=False, default=False)
    _report: CycleReport | None = attrs.field(init=False, default=None)

    @property
    def state(self) -> str:
        """``"planning"``, ``"running"`` or ``"closed"``."""
        if self._report is not None:
            return "closed"
        return "running" if self._running else "planning"

    def __repr__(self) -> str:
        return (
            f"<CycleRun {self.cycle.name!r} {self.state}: {len(self._committed)} committed, "
            f"{len(self._unplanned)} unplanned, {len(self._completed)} completed>"
        )

    @property
    def committed(self) -> tuple[WorkItem, ...]:
        """The committed items, in plan order."""
        return tuple(self._committed.values())

    @property
    def unplanned(self) -> tuple[WorkItem, ...]:
        """Items added while the cycle ran, in the order they were added."""
        return tuple(self._unplanned.values())

    @property
    def planned(self) -> float:
        """How much of the capacity the plan takes (points or items)."""
        return self.cycle.capacity.measure(self._committed.values())

    @property
    def remaining(self) -> float:
        """Capacity left in the plan (negative after an override)."""
        return self.cycle.capacity.amount - self.planned

    @property
    def overrides(self) -> tuple[CapacityOverride, ...]:
        """Every capacity override recorded at planning."""
        return tuple(self._overrides)

    def _refuse_unless(self, *states: str) -> None:
        if self.state in states:
            return
        if self.state == "closed":
            raise CycleStateError(
                self.cycle.name,
                "closed",
                "the cycle is closed",
                fix="plan the work into the next cycle (Cycle.following)",
            )
        raise CycleStateError(
            self.cycle.name,
            self.state,
            "the plan is locked once the cycle runs",
            fix="put the work in the backlog for a later cycle, or add_unplanned() it "
            "if the team takes it on now",
        )

    def _check_new(self, items: Sequence[WorkItem], where: str) -> None:
        problems: list[InvalidValue] = []
        seen: set[str] = set()
        for item in items:
            if item.key in self._committed or item.key in self._unplanned or item.key in seen:
                problems.append(
                    InvalidValue(
                        "the item is already in the cycle",
                        where=f"item {item.key}, {where}",
                        fix="list each item once",
                    )
                )
            seen.add(item.key)
            if self.cycle.capacity.unit is CapacityUnit.POINTS and item.size is None:
                problems.append(
                    InvalidValue(
                        "the item has no size, so it cannot be planned against a capacity "
                        "in points",
                        where=f"item {item.key}, {where}",
                        fix="size it first (Planning Poker), or plan with Capacity.items(...)",
                    )
                )
        raise_all(problems, f"cannot {where} in cycle {self.cycle.name!r}")

    def commit(
        self, items: Iterable[WorkItem], *, override: CapacityOverride | None = None
    ) -> None:
        """Commit ``items`` to the cycle at planning (adds to anything committed before).

        Raises:
            OverCommitted: the plan would exceed the capacity and no ``override`` was given;
                the error says by how much.
            InvalidValue: an item is listed twice or, for a capacity in points, unsized.
            CycleStateError: the cycle is already running or closed.
        """
        self._refuse_unless("planning")
        batch = list(items)
        self._check_new(batch, "commit")
        capacity = self.cycle.capacity
        planned = capacity.measure([*self._committed.values(), *batch])
        if planned > capacity.amount + _EPSILON:
            if override is None:
                raise OverCommitted(
                    self.cycle.name,
                    planned,
                    capacity.amount,
                    capacity.unit.value,
                    [*self._committed, *(i.key for i in batch)],
                )
            self._overrides.append(override)
        for item in batch:
            self._committed[item.key] = item

    def plan_from(self, ranked: Iterable[WorkItem]) -> tuple[WorkItem, ...]:
        """Commit items from the top of a ranked list while they fit the remaining capacity.

        Planning stops at the first item that does not fit: the order is the Marketing Owner's,
        so the plan does not skip ahead to smaller items further down. Returns what was
        committed.
        """
        self._refuse_unless("planning")
        capacity = self.cycle.capacity
        taken: list[WorkItem] = []
        room = self.remaining
        for item in ranked:
            self._check_new([*taken, item], "plan")
            need = capacity.measure([item])
            if need > room + _EPSILON:
                break
            taken.append(item)
            room -= need
        self.commit(taken)
        return tuple(taken)

    def _moment(self, at: datetime | str | None, where: str) -> datetime:
        moment = utcnow() if at is None else ensure_utc(at, where=where)
        if not self.cycle.contains(moment):
            raise InvalidValue(
                f"the time is outside the cycle ({self.cycle.start.isoformat()} to "
                f"{self.cycle.end.isoformat()})",
                where=where,
                fix="record it in the cycle it happened in",
                value=moment.isoformat(),
            )
        return moment

    def add_unplanned(self, item: WorkItem, *, at: datetime | str | None = None) -> None:
        """Add work to the running cycle; it is tracked as unplanned, never as committed.

        Ad-hoc requests normally go to the backlog for a later cycle; use this only when the
        team decides to take the work on now.
        """
        self._refuse_unless("planning", "running")
        moment = self._moment(at, f"item {item.key}, add_unplanned")
        if item.key in self._committed or item.key in self._unplanned:
            raise InvalidValue(
                "the item is already in the cycle",
                where=f"item {item.key}, add_unplanned",
                fix="list each item once",
            )
        self._running = True
        self._unplanned[item.key] = item
        self._added_at[item.key] = moment

    def complete(self, key: str, *, at: datetime | str | None = None) -> None:
        """Record that the item ``key`` was finished at ``at`` (default: now)."""
        self._refuse_unless("planning", "running")
        if key not in self._committed and key not in self._unplanned:
            raise NotFound(
                "item",
                key,
                where=f"cycle {self.cycle.name!r}",
                fix="only committed or unplanned items can be completed; add_unplanned() it",
            )
        moment = self._moment(at, f"item {key}, complete")
        if key in self._completed:
            raise InvalidValue(
                f"the item was already completed at {self._completed[key].isoformat()}",
                where=f"item {key}",
                fix="complete each item once",
            )
        added = self._added_at.get(key)
        if added is not None and moment < added:
            raise InvalidValue(
                "completed before it was added to the cycle",
                where=f"item {key}",
                fix=f"give a time after {added.isoformat()}",
                value=moment.isoformat(),
            )
        self._running = True
        self._completed[key] = moment

    def close(self, at: datetime | str | None = None) -> CycleReport:
        """End the cycle (at its end unless ``at`` is given) and report what it delivered."""
        self._refuse_unless("planning", "running")
        moment = self.cycle.end if at is None else ensure_utc(at, where="close")
        last = max(self._completed.values(), default=self.cycle.start)
        if moment < last:
            raise InvalidValue(
                "the cycle cannot close before its last completion",
                where=f"cycle {self.cycle.name!r}, close",
                fix=f"close at {last.isoformat()} or later",
                value=moment.isoformat(),
            )
        self._report = CycleReport(
            self.cycle,
            moment,
            self._committed.values(),
            self._unplanned.values(),
            sorted(self._completed.items(), key=lambda kv: kv[1]),
            tuple(self._overrides),
        )
        return self._report


def capacity_from_history(
    reports: Iterable[CycleReport],
    *,
    unit: CapacityUnit | str = CapacityUnit.POINTS,
    percentile: float = 50.0,
    last: int | None = None,
) -> Capacity:
    """The team's capacity for the next cycle, from what it actually completed before.

    Takes the completed points (velocity) or completed items (throughput) of past cycles and
    returns a percentile of them: the median by default; a low percentile (say 20) for a plan
    the team meets four cycles out of five. Only this team's history counts: story points mean
    nothing across teams.

    Args:
        reports: past cycle reports of this team.
        unit: ``"points"`` or ``"items"``.
        percentile: which percentile of past cycles to plan on, 0 to 100.
        last: only the most recent ``last`` cycles (by start).

    >>> from datetime import datetime, timedelta, UTC
    >>> from agilemarketing.items import Size, WorkItem
    >>> reports = []
    >>> start = datetime(2026, 1, 5, tzinfo=UTC)
    >>> for n, done in enumerate([4, 6, 5], start=1):
    ...     cycle = Cycle(f"C{n}", start + (n - 1) * FORTNIGHT, Capacity.items(6))
    ...     run = CycleRun(cycle)
    ...     run.commit([WorkItem(f"X{n}-{i}", "x", size=Size.points(2)) for i in range(6)])
    ...     for i in range(done):
    ...         run.complete(f"X{n}-{i}", at=cycle.start + timedelta(days=1))
    ...     reports.append(run.close())
    >>> print(capacity_from_history(reports), capacity_from_history(reports, unit="items"))
    10 pt 5 items
    """
    measure = CapacityUnit(unit)
    if not 0 <= percentile <= 100:
        raise InvalidValue(
            "the percentile must be between 0 and 100",
            where="capacity_from_history",
            fix="use 50 for the median, or a lower value such as 20 for a safer plan",
            value=percentile,
        )
    past = sorted(reports, key=lambda r: r.cycle.start)
    if last is not None:
        if last < 1:
            raise InvalidValue(
                "last must be 1 or more",
                where="capacity_from_history",
                fix="give how many recent cycles to use",
                value=last,
            )
        past = past[-last:]
    if not past:
        raise InvalidValue(
            "there is no past cycle to learn capacity from",
            where="capacity_from_history",
            fix="start with a cautious guess, e.g. Capacity.items(5), and refine it after a cycle",
        )
    values = np.array(
        [r.velocity if measure is CapacityUnit.POINTS else r.throughput for r in past],
        dtype=float,
    )
    return Capacity(float(np.percentile(values, percentile)), measure)
