"""A running cycle (:class:`CycleRun`): commitment at Cycle Planning, unplanned work, completions,
the close into a :class:`~agilemarketing.cycles.CycleReport`; capacity from the team's own past.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs
import numpy as np

from agilemarketing.cycles.report import CycleReport
from agilemarketing.cycles.timebox import (
    Capacity,
    CapacityOverride,
    CapacityUnit,
    Cycle,
)
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
from agilemarketing.utc import ensure_utc, utcnow
from agilemarketing.validators import one_line

_EPSILON = 1e-9


@attrs.define(repr=False)
class CycleRun:
    """A cycle in progress: plan (``commit``), run (``add_unplanned``, ``complete``), ``close``.

    The run knows the clock: every change takes an ``at=`` and, without one, asks ``clock``
    (the current time unless you inject one, e.g. a :class:`ManualClock`). The plan is open
    until the cycle starts, at ``cycle.start`` (or earlier, at its first completion or
    unplanned add); after that :meth:`commit` refuses, because work taken on mid-cycle is
    unplanned by definition: :meth:`add_unplanned` records it as such. Closing before the
    cycle's end needs a reason, which the report shows. A closed run refuses every change.

    >>> from agilemarketing.cycles import Capacity, Cycle, ManualClock
    >>> from datetime import UTC, timedelta
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

    >>> from agilemarketing.cycles import FORTNIGHT
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
