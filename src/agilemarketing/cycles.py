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
...             WorkItem("C-2", "Invite email", size=Size.points(3))],
...            at="2026-02-27T15:00Z")  # Cycle Planning, the Friday before
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

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs
import numpy as np

from agilemarketing._checks import Choices, a, choice, instances, number
from agilemarketing._text import count, one_line, required, table
from agilemarketing._time import ensure_utc, utcnow
from agilemarketing.done import DefinitionOfDone, DoneCheck
from agilemarketing.errors import (
    CycleStateError,
    InvalidValue,
    NotDone,
    NotFound,
    OverCommitted,
    raise_all,
)
from agilemarketing.items import WorkItem

__all__ = [
    "FORTNIGHT",
    "Capacity",
    "CapacityOverride",
    "CapacityUnit",
    "Cycle",
    "CycleReport",
    "CycleRun",
    "ManualClock",
    "capacity_from_history",
]

FORTNIGHT = timedelta(days=14)
"""The default cycle length."""

_EPSILON = 1e-9


def _clock_time(value: datetime | str) -> datetime:
    return ensure_utc(value, where="ManualClock.now")


@attrs.define
class ManualClock:
    """A clock that says the time you set: for tests, examples and replaying a past cycle.

    A :class:`CycleRun` asks its clock (by default the current time) when a change is given no
    ``at=``; pass a ``ManualClock`` to run a cycle on a calendar of your own.

    >>> from datetime import UTC
    >>> clock = ManualClock(datetime(2026, 3, 13, 9, tzinfo=UTC))
    >>> clock().isoformat(), clock.advance(timedelta(days=3)).isoformat()
    ('2026-03-13T09:00:00+00:00', '2026-03-16T09:00:00+00:00')
    """

    now: datetime = attrs.field(converter=_clock_time)

    def __call__(self) -> datetime:
        """The time set."""
        return self.now

    def advance(self, by: timedelta) -> datetime:
        """Move the clock forward by ``by``; return the new time."""
        if not isinstance(by, timedelta) or by < timedelta(0):
            raise InvalidValue(
                "a clock only moves forward",
                where="ManualClock.advance",
                fix="give a duration of 0 or more, e.g. timedelta(days=1)",
                value=by,
            )
        self.now = self.now + by
        return self.now


class CapacityUnit(Choices):
    """What a capacity counts: story points, or whole items (throughput).

    >>> Capacity.items(6).unit is CapacityUnit.ITEMS, CapacityUnit("points")
    (True, <CapacityUnit.POINTS: 'points'>)
    """

    POINTS = "points"
    ITEMS = "items"


_CAPACITY_AMOUNT = number("Capacity.amount", fix="give the team's capacity as a number, e.g. 20")


def _capacity_amount(value: Any) -> float:
    return _CAPACITY_AMOUNT(value)


_CAPACITY_UNIT = choice(CapacityUnit, "Capacity.unit")


def _capacity_unit(value: Any) -> CapacityUnit:
    return _CAPACITY_UNIT(value)


@attrs.frozen
class Capacity:
    """How much work the team can take into one cycle, in points or in items.

    >>> Capacity.points(21), Capacity.items(6)
    (Capacity(amount=21.0, unit=<CapacityUnit.POINTS: 'points'>), \
Capacity(amount=6.0, unit=<CapacityUnit.ITEMS: 'items'>))
    >>> print(Capacity.points(21))
    21 pt
    """

    amount: float = attrs.field(converter=_capacity_amount)
    unit: CapacityUnit = attrs.field(default=CapacityUnit.POINTS, converter=_capacity_unit)

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
    capacity: Capacity = attrs.field()
    length: timedelta = attrs.field(default=FORTNIGHT)

    @capacity.validator
    def _a_capacity(self, attribute: attrs.Attribute[Capacity], value: object) -> None:
        if not isinstance(value, Capacity):
            raise InvalidValue(
                "expected a Capacity",
                where=f"cycle {self.name!r}, capacity",
                fix="give Capacity.points(20) or Capacity.items(6)",
                value=type(value).__name__,
            )

    @length.validator
    def _positive(self, attribute: attrs.Attribute[timedelta], value: timedelta) -> None:
        if not isinstance(value, timedelta):
            raise InvalidValue(
                "expected a duration",
                where=f"cycle {self.name!r}, length",
                fix="give a timedelta, e.g. timedelta(days=14)",
                value=type(value).__name__,
            )
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
    >>> run.commit([WorkItem("A", "Webinar", size=Size.points(8))], at="2026-03-13T15:00Z",
    ...            override=CapacityOverride("the trade show date is fixed", by="Maya"))
    >>> run.planned, run.overrides[0].by
    (8.0, 'Maya')
    """

    reason: str = attrs.field(converter=one_line, validator=required)
    by: str = attrs.field(converter=one_line, validator=required)


_ITEMS = instances(WorkItem, "CycleReport items", fix="give the cycle's WorkItem values")


def _items(value: Any) -> tuple[WorkItem, ...]:
    return _ITEMS(value)


def _completions(value: Iterable[tuple[str, datetime]]) -> tuple[tuple[str, datetime], ...]:
    pairs = []
    for entry in instances(tuple, "CycleReport.completions", fix=_PAIRS)(value):
        if len(entry) != 2 or not isinstance(entry[0], str):
            raise InvalidValue("expected (key, time) pairs", where="CycleReport.completions",
                               fix=_PAIRS, value=entry)  # fmt: skip
        pairs.append((entry[0], ensure_utc(entry[1], where=f"completion of {entry[0]}")))
    return tuple(pairs)


def _closed_at(value: datetime | str) -> datetime:
    return ensure_utc(value, where="CycleReport.closed_at")


_PAIRS = "give (item key, completed at) pairs, as CycleRun.close() records them"


@attrs.frozen
class CycleReport:
    """What a closed cycle delivered: the input to the Team Showcase and to the next plan.

    ``committed`` is the plan made at Cycle Planning; ``unplanned`` is work added while the
    cycle ran. Unplanned work is never counted as committed, so it cannot flatter
    predictability; it shows up in velocity and throughput (it was delivered) and on its own line.

    **Completed means done.** ``completions`` are the items marked complete; when the report
    knows the team's ``definition_of_done`` (from the run, or :meth:`judged`), an item whose
    checklist does not hold is *not done* (:attr:`not_done`): it counts in none of
    :attr:`completed`, :attr:`predictability`, :attr:`velocity` or :attr:`throughput`, and is
    carried over. Without a Definition of Done every completion counts, and the text says so
    ("DoD not checked"). :attr:`marked_complete` keeps the count of everything marked complete.

    >>> from datetime import UTC
    >>> from agilemarketing.items import Size
    >>> run = CycleRun(Cycle("Cycle 8", datetime(2026, 3, 16, tzinfo=UTC), Capacity.points(8)))
    >>> run.commit([WorkItem("A", "Webinar", size=Size.points(5)),
    ...             WorkItem("B", "Ebook", size=Size.points(3))], at="2026-03-13T15:00Z")
    >>> run.complete("A", at="2026-03-20T10:00Z")
    >>> run.add_unplanned(WorkItem("U", "Typo fix", size=Size.points(1)), at="2026-03-21T10:00Z")
    >>> report = run.close(at="2026-03-30T09:00Z")
    >>> print(report)
    Cycle 8: 16 Mar - 30 Mar 2026, capacity 8 pt
      Committed     2 items  8 pt
      Completed     1 of 2   predictability 50%, DoD not checked
      Unplanned     1 item   0 completed
      Carried over  1 item   B
      Velocity      5 pt     throughput 1 item
    >>> len(report.committed) == len(report.completed_committed) + len(report.carried_over)
    True
    >>> from agilemarketing.done import DefinitionOfDone
    >>> judged = report.judged(DefinitionOfDone(["Proofread"]))
    >>> judged.completed, judged.not_done, judged.predictability, judged.marked_complete
    ((), ('A',), 0.0, ('A',))
    """

    cycle: Cycle = attrs.field(
        validator=a(Cycle, "CycleReport.cycle", fix="give the Cycle the report is about")
    )
    closed_at: datetime = attrs.field(converter=_closed_at)
    committed: tuple[WorkItem, ...] = attrs.field(default=(), converter=_items)
    unplanned: tuple[WorkItem, ...] = attrs.field(default=(), converter=_items)
    completions: tuple[tuple[str, datetime], ...] = attrs.field(default=(), converter=_completions)
    overrides: tuple[CapacityOverride, ...] = ()
    early_close: str | None = None
    definition_of_done: DefinitionOfDone | None = None

    def judged(
        self, definition_of_done: DefinitionOfDone, *, items: Iterable[WorkItem] | None = None
    ) -> CycleReport:
        """This report with every count judged by ``definition_of_done``.

        ``items`` are the items' current versions (what their checklists say now, e.g. from
        the board); the report's own copies are used for the others.
        """
        if not isinstance(definition_of_done, DefinitionOfDone):
            raise InvalidValue(
                "expected a DefinitionOfDone",
                where=f"cycle {self.cycle.name!r}, judged",
                fix="pass the team's DefinitionOfDone([...])",
                value=type(definition_of_done).__name__,
            )
        current = {i.key: i for i in items or () if isinstance(i, WorkItem)}

        def now(work: tuple[WorkItem, ...]) -> list[WorkItem]:
            return [current.get(i.key, i) for i in work]

        return attrs.evolve(
            self,
            committed=now(self.committed),
            unplanned=now(self.unplanned),
            definition_of_done=definition_of_done,
        )

    @property
    def marked_complete(self) -> tuple[str, ...]:
        """Keys of every item marked complete, done by the Definition of Done or not, in order."""
        return tuple(key for key, _ in self.completions)

    @property
    def not_done(self) -> tuple[str, ...]:
        """Keys marked complete whose Definition of Done does not hold (none without one)."""
        dod = self.definition_of_done
        if dod is None:
            return ()
        by_key = {i.key: i for i in (*self.committed, *self.unplanned)}
        return tuple(
            key
            for key in self.marked_complete
            if key in by_key and not dod.check(by_key[key]).is_done
        )

    @property
    def completed(self) -> tuple[str, ...]:
        """Keys of every item completed (and done) in the cycle, committed and unplanned."""
        gone = set(self.not_done)
        return tuple(key for key in self.marked_complete if key not in gone)

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
        return len(self.completed)

    def to_text(self) -> str:
        """A short, aligned summary for the Team Showcase or a chat message."""
        c = self.cycle
        pct = "-" if self.predictability is None else f"{self.predictability:.0%}"
        rows = [
            ["Committed", count(len(self.committed), "item"), f"{self.committed_points:g} pt"],
            [
                "Completed" if self.definition_of_done is None else "Done",
                f"{len(self.completed_committed)} of {len(self.committed)}",
                f"predictability {pct}"
                + (", DoD not checked" if self.definition_of_done is None else ""),
            ],
            [
                "Unplanned",
                count(len(self.unplanned), "item"),
                f"{len(self.completed_unplanned)} completed",
            ],
            ["Carried over", count(len(self.carried_over), "item"), ", ".join(self.carried_over)],
            *(
                [
                    [
                        "Not done",
                        count(len(self.not_done), "item"),
                        ", ".join(self.not_done) + " (completed, Definition of Done unmet)",
                    ]
                ]
                if self.not_done
                else []
            ),
            ["Velocity", f"{self.velocity:g} pt", f"throughput {count(self.throughput, 'item')}"],
        ]
        head = f"{c.name}: {c.start:%d %b} - {c.end:%d %b %Y}, capacity {c.capacity}" + (
            f", {count(len(self.overrides), 'capacity override')}" if self.overrides else ""
        )
        lines = [head, *table(["", "", ""], rows)[1:]]
        if self.closed_at < c.end:  # same width as the "Carried over" label above
            why = self.early_close or "no reason recorded"
            lines.append(f"  Closed early  {self.closed_at:%d %b %Y}: {why}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


@attrs.define(repr=False)
class CycleRun:
    """A cycle in progress: plan (``commit``), run (``add_unplanned``, ``complete``), ``close``.

    The run knows the clock: every change takes an ``at=`` and, without one, asks ``clock``
    (the current time unless you inject one, e.g. a :class:`ManualClock`). The plan is open
    until the cycle starts, at ``cycle.start`` (or earlier, at its first completion or
    unplanned add); after that :meth:`commit` refuses, because work taken on mid-cycle is
    unplanned by definition: :meth:`add_unplanned` records it as such. Closing before the
    cycle's end needs a reason, which the report shows. A closed run refuses every change.

    >>> from datetime import UTC
    >>> from agilemarketing.items import Size
    >>> clock = ManualClock(datetime(2026, 3, 13, 15, tzinfo=UTC))  # the Friday before
    >>> run = CycleRun(Cycle("Cycle 8", datetime(2026, 3, 16, tzinfo=UTC), Capacity.points(5)),
    ...                clock=clock)
    >>> [i.key for i in run.plan_from([WorkItem("A", "Webinar", size=Size.points(3)),
    ...                                WorkItem("B", "Ebook", size=Size.points(3))])]
    ['A']
    >>> run.remaining, run.state
    (2.0, 'planning')
    >>> _ = clock.advance(timedelta(days=4))
    >>> run.complete("A")
    >>> run.state, run
    ('running', <CycleRun 'Cycle 8' running: 1 committed, 0 unplanned, 1 completed>)
    """

    cycle: Cycle = attrs.field()
    definition_of_done: DefinitionOfDone | None = attrs.field(default=None, kw_only=True)
    clock: Callable[[], datetime] = attrs.field(default=utcnow, kw_only=True)
    _committed: dict[str, WorkItem] = attrs.field(init=False, factory=dict)
    _unplanned: dict[str, WorkItem] = attrs.field(init=False, factory=dict)
    _added_at: dict[str, datetime] = attrs.field(init=False, factory=dict)
    _completed: dict[str, datetime] = attrs.field(init=False, factory=dict)
    _overrides: list[CapacityOverride] = attrs.field(init=False, factory=list)
    _running: bool = attrs.field(init=False, default=False)
    _report: CycleReport | None = attrs.field(init=False, default=None)

    @cycle.validator
    def _a_cycle(self, attribute: attrs.Attribute[Cycle], value: object) -> None:
        if not isinstance(value, Cycle):
            raise InvalidValue(
                "expected a Cycle",
                where="CycleRun(cycle)",
                fix='give Cycle("Cycle 1", start, Capacity.points(20))',
                value=type(value).__name__,
            )

    @definition_of_done.validator
    def _a_checklist(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, DefinitionOfDone):
            raise InvalidValue(
                "expected a DefinitionOfDone",
                where=f"CycleRun of {self.cycle.name!r}, definition_of_done",
                fix="pass the team's DefinitionOfDone([...]), or leave it out",
                value=type(value).__name__,
            )

    @clock.validator
    def _callable(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not callable(value):
            raise InvalidValue(
                "clock must be a function that returns the current time",
                where=f"CycleRun of {self.cycle.name!r}, clock",
                fix="leave it out (the current time), or pass e.g. ManualClock(...)",
                value=type(value).__name__,
            )

    def now(self) -> datetime:
        """The time on the run's clock (aware, UTC)."""
        return ensure_utc(self.clock(), where=f"cycle {self.cycle.name!r}, clock")

    @property
    def state(self) -> str:
        """``"planning"``, ``"running"`` or ``"closed"``, by the clock and what was recorded."""
        if self._report is not None:
            return "closed"
        if self._running or self.now() > self.cycle.start:
            return "running"
        return "planning"

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

    def _planning_at(self, at: datetime | str | None, where: str) -> datetime:
        """When a commitment is made; refused once the cycle has started or runs."""
        self._refuse_unless("planning", "running")
        if self._running:
            self._refuse_unless("planning")
        moment = self.now() if at is None else ensure_utc(at, where=f"{where}(at=...)")
        if moment > self.cycle.start:
            raise CycleStateError(
                self.cycle.name,
                "running",
                f"the cycle started at {self.cycle.start.isoformat()}, so work taken on at "
                f"{moment.isoformat()} is unplanned, not committed",
                fix="add_unplanned(item, at=...) if the team takes it on now, or put it in the "
                "backlog for a later cycle; a commitment made at Cycle Planning takes at= "
                "the time of the planning",
            )
        return moment

    def commit(
        self,
        items: Iterable[WorkItem],
        *,
        at: datetime | str | None = None,
        override: CapacityOverride | None = None,
    ) -> None:
        """Commit ``items`` to the cycle at planning (adds to anything committed before).

        ``at`` is when the commitment is made (default: the run's clock); it must be no later
        than the cycle's start.

        Raises:
            OverCommitted: the plan would exceed the capacity and no ``override`` was given;
                the error says by how much.
            InvalidValue: an item is listed twice or, for a capacity in points, unsized.
            CycleStateError: the cycle has started (the work is unplanned: use
                :meth:`add_unplanned`), runs or is closed.
        """
        self._planning_at(at, "commit")
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

    def plan_from(
        self, ranked: Iterable[WorkItem], *, at: datetime | str | None = None
    ) -> tuple[WorkItem, ...]:
        """Commit items from the top of a ranked list while they fit the remaining capacity.

        Planning stops at the first item that does not fit: the order is the Marketing Owner's,
        so the plan does not skip ahead to smaller items further down. Returns what was
        committed. ``at`` is as for :meth:`commit`.
        """
        moment = self._planning_at(at, "plan_from")
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
        self.commit(taken, at=moment)
        return tuple(taken)

    def _moment(self, at: datetime | str | None, where: str) -> datetime:
        moment = self.now() if at is None else ensure_utc(at, where=where)
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

    def meet(self, key: str, *criteria: str) -> DoneCheck | None:
        """Record that the item ``key`` meets Definition-of-Done ``criteria``; return its check.

        Returns None when the run has no Definition of Done.
        """
        self._refuse_unless("planning", "running")
        pool = self._committed if key in self._committed else self._unplanned
        if key not in pool:
            raise NotFound(
                "item",
                key,
                where=f"cycle {self.cycle.name!r}",
                fix="only committed or unplanned items meet criteria here",
            )
        item = pool[key]
        if self.definition_of_done is not None:
            criteria = self.definition_of_done.criteria_named(criteria, item)
        pool[key] = item.with_criteria_met(*criteria)
        if self.definition_of_done is None:
            return None
        return self.definition_of_done.check(pool[key])

    def complete(self, key: str, *, at: datetime | str | None = None) -> None:
        """Record that the item ``key`` was finished at ``at`` (default: the clock).

        With a ``definition_of_done`` the item must meet it (:meth:`meet`): an item is only
        done when its Definition of Done holds.

        Raises:
            NotDone: its Definition of Done does not hold; the error lists what is unmet.
        """
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
        if self.definition_of_done is not None:
            item = self._committed.get(key) or self._unplanned[key]
            check = self.definition_of_done.check(item)
            if not check.is_done:
                raise NotDone(
                    key,
                    check.unmet,
                    check.met,
                    where=f"item {key}, complete in cycle {self.cycle.name!r}",
                )
        self._running = True
        self._completed[key] = moment

    def close(self, at: datetime | str | None = None, *, reason: str = "") -> CycleReport:
        """End the cycle and report what it delivered.

        Without ``at`` the cycle closes now by its clock, or at its end when that has passed
        (a timebox ends at its end, whenever the report is made). Closing before the end is
        an early close: it needs a ``reason``, which the report keeps and shows.

        Raises:
            InvalidValue: an early close without a reason, a reason for a close that is not
                early, or a close before the last completion.
        """
        self._refuse_unless("planning", "running")
        if at is None:
            moment = min(self.now(), self.cycle.end)
        else:
            moment = ensure_utc(at, where=f"cycle {self.cycle.name!r}, close")
        last = max(self._completed.values(), default=self.cycle.start)
        if moment < last:
            raise InvalidValue(
                "the cycle cannot close before its last completion",
                where=f"cycle {self.cycle.name!r}, close",
                fix=f"close at {last.isoformat()} or later",
                value=moment.isoformat(),
            )
        why = one_line(reason)
        early = moment < self.cycle.end
        if early and not why:
            raise InvalidValue(
                f"closing before the cycle's end ({self.cycle.end.isoformat()}) needs a reason",
                where=f"cycle {self.cycle.name!r}, close",
                fix='say why the timebox ends early, e.g. close(reason="the launch was '
                'cancelled"); the report shows it',
                value=moment.isoformat(),
            )
        if why and not early:
            raise InvalidValue(
                "a reason is only recorded for an early close, and this one is not early",
                where=f"cycle {self.cycle.name!r}, close",
                fix="leave reason out",
                value=why,
            )
        self._report = CycleReport(
            self.cycle,
            moment,
            self._committed.values(),
            self._unplanned.values(),
            sorted(self._completed.items(), key=lambda kv: kv[1]),
            tuple(self._overrides),
            why or None,
            self.definition_of_done,
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
    ...     run.commit([WorkItem(f"X{n}-{i}", "x", size=Size.points(2)) for i in range(6)],
    ...                at=cycle.start)
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
