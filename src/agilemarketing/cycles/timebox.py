"""Cycles as timeboxes: the clock a run reads, capacity and its units, the Cycle, capacity
overrides.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import attrs

from agilemarketing.errors import (
    InvalidValue,
)
from agilemarketing.items import WorkItem
from agilemarketing.utc import ensure_utc
from agilemarketing.validators import Choices, choice, number, one_line, required

FORTNIGHT = timedelta(days=14)
"""The default cycle length."""


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

    ``end`` is ``start + length``; the cycle covers ``start <= t < end``, so an instant on the
    boundary belongs to the cycle that starts there, and to one cycle only.

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
        """Whether ``at`` falls within the cycle: from its start (included) to its end (not).

        >>> from datetime import UTC
        >>> c = Cycle("Cycle 1", datetime(2026, 1, 5, tzinfo=UTC), Capacity.items(6))
        >>> c.contains(c.start), c.contains(c.end), c.following("Cycle 2").contains(c.end)
        (True, False, True)
        """
        moment = ensure_utc(at)
        return self.start <= moment < self.end

    def following(self, name: str, *, capacity: Capacity | None = None) -> Cycle:
        """The next cycle: starts at this one's end, same length, same capacity unless given."""
        return Cycle(name, self.end, capacity or self.capacity, self.length)


@attrs.frozen
class CapacityOverride:
    """A deliberate, recorded decision to commit beyond capacity: why, and who decided.

    >>> from agilemarketing.cycles import CycleRun
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
