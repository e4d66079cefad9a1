"""Errors of the domain model: the backlog and prioritisation, Definition of Done, board, cycles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agilemarketing.errors.base import AgileMarketingError, InvalidValue, NotFound

__all__ = [
    "CycleStateError",
    "DuplicateItem",
    "InvalidBallot",
    "InvalidPriorityInput",
    "ItemNotInBacklog",
    "NotAReordering",
    "NotDone",
    "OverCommitted",
    "PositionOutOfRange",
    "SelfRelativeMove",
    "StalePrunePlan",
    "WipBreach",
]


# --- The ranked Marketing Backlog and prioritisation (backlog.py, prioritization.py) --------------


class ItemNotInBacklog(NotFound):
    """An item key named in a backlog operation is not in the backlog.

    Attributes:
        key: the key that was looked for (also ``name``).
    """

    def __init__(self, key: str, *, where: str = "backlog") -> None:
        self.key = key
        super().__init__(
            "item",
            key,
            where=where,
            fix="check the key (keys match exactly), or insert the item first",
        )


class DuplicateItem(InvalidValue):
    """An item was added to a backlog (or a ranking, or a ballot) that already holds its key.

    Attributes:
        key: the duplicated key.
    """

    def __init__(self, key: str, *, where: str = "backlog", fix: str | None = None) -> None:
        self.key = key
        super().__init__(
            f"item {key} is already there; keys must be unique",
            where=where,
            fix=fix
            or "use Backlog.replace() to store a new version of an item, "
            "or give the new item its own key",
        )


class SelfRelativeMove(InvalidValue):
    """An item was to be moved before or after itself.

    Attributes:
        key: the item's key.
    """

    def __init__(self, key: str, *, relation: str) -> None:
        self.key = key
        self.relation = relation
        super().__init__(
            f"cannot move {key} {relation} itself",
            where=f"backlog, item {key}",
            fix="name a different item as the anchor of the move",
        )


class PositionOutOfRange(InvalidValue, IndexError):
    """A backlog position outside ``0 .. len(backlog)`` (or ``len - 1`` for moves).

    Attributes:
        position: the position asked for.
        size: the number of valid positions' upper bound (inclusive).
    """

    def __init__(self, position: int, *, last: int, where: str = "backlog") -> None:
        self.position = position
        self.last = last
        super().__init__(
            "position is out of range",
            where=where,
            fix=f"use a position from 0 to {last} (0 is the top)",
            value=position,
        )


class NotAReordering(InvalidValue):
    """A new order is not a reordering of the backlog's items: keys are missing, extra or repeated.

    Attributes:
        missing: keys of the old order absent from the new one.
        unknown: keys of the new order that the old one does not have.
        repeated: keys named more than once in the new order.
    """

    def __init__(
        self,
        *,
        missing: Sequence[str] = (),
        unknown: Sequence[str] = (),
        repeated: Sequence[str] = (),
        where: str = "backlog reorder",
    ) -> None:
        self.missing = tuple(missing)
        self.unknown = tuple(unknown)
        self.repeated = tuple(repeated)
        parts = []
        for label, keys in (
            ("missing", self.missing),
            ("unknown", self.unknown),
            ("repeated", self.repeated),
        ):
            if keys:
                shown = ", ".join(keys[:10]) + (
                    f" (+{len(keys) - 10} more)" if len(keys) > 10 else ""
                )
                parts.append(f"{label}: {shown}")
        super().__init__(
            "the new order is not a reordering of the same items (" + "; ".join(parts) + ")",
            where=where,
            fix="name every item exactly once (a ranking of a subset must only name known keys)",
        )


class StalePrunePlan(AgileMarketingError):
    """A prune plan was applied to a backlog that changed (or is another backlog) since planning.

    Attributes:
        planned_version: the backlog version the plan was made against.
        current_version: the backlog's version now.
    """

    def __init__(self, *, planned_version: int, current_version: int, same_backlog: bool) -> None:
        self.planned_version = planned_version
        self.current_version = current_version
        self.same_backlog = same_backlog
        what = (
            f"the backlog changed since the plan was made (version {planned_version} "
            f"then, {current_version} now)"
            if same_backlog
            else "the plan was made for a different backlog"
        )
        super().__init__(
            what,
            where="apply_prune",
            fix="make a new plan with Backlog.plan_prune(...), review it, then apply that one",
        )


class InvalidPriorityInput(InvalidValue):
    """A prioritisation input of one item is missing or not usable.

    Attributes:
        key: the item's key.
        field: the input's name (``"reach"``, ``"moscow"``...).
        expected: what a valid input looks like.
        prioritiser: the prioritiser's name (``"rice"``...).
    """

    def __init__(
        self,
        key: str,
        field: str,
        *,
        expected: str,
        prioritiser: str,
        value: Any = None,
        missing: bool = False,
    ) -> None:
        self.key = key
        self.field = field
        self.expected = expected
        self.prioritiser = prioritiser
        self.missing = missing
        super().__init__(
            f"{prioritiser} input {field!r} is missing"
            if missing
            else f"{prioritiser} input {field!r} is not {expected}",
            where=f"item {key}, field {field!r}",
            fix=f"set item.fields[{field!r}] (or the explicit inputs for {key}) to {expected}",
            value=None if missing else value,
        )


class InvalidBallot(InvalidValue):
    """A participant's ballot in a collaborative ranking cannot be counted.

    Attributes:
        participant: whose ballot it is.
        problem: what is wrong with it.
    """

    def __init__(self, participant: str, problem: str, *, fix: str) -> None:
        self.participant = participant
        self.problem = problem
        super().__init__(problem, where=f"ballot of {participant!r}", fix=fix)


# --- Definition of Done, the live board, launch cycles (done.py, board.py, cycles.py) -------------


class NotDone(AgileMarketingError):
    """An item was treated as done while its Definition of Done does not hold.

    Attributes:
        key: the item's key.
        unmet: every criterion the item does not meet yet, in checklist order.
        met: the criteria it already meets.
    """

    def __init__(
        self,
        key: str,
        unmet: Sequence[str],
        met: Sequence[str] = (),
        *,
        where: str | None = None,
    ) -> None:
        self.key = key
        self.unmet = tuple(unmet)
        self.met = tuple(met)
        total = len(self.unmet) + len(self.met)
        listed = "; ".join(repr(c) for c in self.unmet)
        super().__init__(
            f"not done, {len(self.met)}/{total} Definition-of-Done criteria met; unmet: {listed}",
            where=where or f"item {key}",
            fix="finish the work each unmet criterion asks for and record it "
            "(item.with_criteria_met(...) or Board.meet(...)), then try again",
        )


class WipBreach(AgileMarketingError):
    """Pulling an item would take a stage over its WIP maximum.

    Attributes:
        key: the item that was to be pulled.
        stage: the full stage.
        limit: the stage's WIP maximum.
        keys: the items already in the stage.
    """

    def __init__(self, key: str, stage: str, limit: int, keys: Sequence[str]) -> None:
        self.key = key
        self.stage = stage
        self.limit = limit
        self.keys = tuple(keys)
        holding = ", ".join(self.keys) if self.keys else "nothing"
        super().__init__(
            f"pulling {key} would exceed the WIP limit of {limit} "
            f"(it already holds {len(self.keys)}: {holding})",
            where=f"stage {stage!r}",
            fix="finish or move on one of those items first (stop starting, start finishing), "
            "or pass override=WipOverride(reason, by) to record a deliberate exception",
        )


class OverCommitted(AgileMarketingError):
    """A cycle plan commits more work than the team's capacity.

    Attributes:
        cycle: the cycle's name.
        planned: the planned amount (points or items).
        capacity: the capacity amount, in the same unit.
        excess: how much the plan is over, ``planned - capacity``.
        unit: ``"points"`` or ``"items"``.
        keys: the keys of the planned items, in plan order.
    """

    def __init__(
        self,
        cycle: str,
        planned: float,
        capacity: float,
        unit: str,
        keys: Sequence[str],
    ) -> None:
        self.cycle = cycle
        self.planned = planned
        self.capacity = capacity
        self.excess = planned - capacity
        self.unit = unit
        self.keys = tuple(keys)

        def amount(value: float) -> str:
            if unit == "points":
                return f"{value:g} pt"
            return f"{value:g} item" if value == 1 else f"{value:g} items"

        super().__init__(
            f"the plan ({amount(planned)}) is {amount(self.excess)} over capacity "
            f"({amount(capacity)})",
            where=f"cycle {cycle!r}",
            fix="leave items at the bottom of the plan in the backlog for a later cycle, "
            "or pass override=CapacityOverride(reason, by) to record a deliberate exception",
        )


class CycleStateError(AgileMarketingError):
    """An operation does not fit the cycle's state (planning after it started, changes after close).

    Attributes:
        cycle: the cycle's name.
        state: the state the cycle is in (``"running"``, ``"closed"``).
    """

    def __init__(self, cycle: str, state: str, what: str, *, fix: str) -> None:
        self.cycle = cycle
        self.state = state
        super().__init__(what, where=f"cycle {cycle!r} ({state})", fix=fix)
