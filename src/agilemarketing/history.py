"""Item histories: the records every adapter produces and the metrics engine consumes.

An :class:`ItemHistory` is one work item as a tool knows it, with every status change it went
through. Adapters (CSV, Jira, Trello, the mirror) yield these; the metrics engine builds its
columnar flow log from them (or reads the same shape straight from *history JSON Lines*, see
:mod:`agilemarketing.historyio`). The engine therefore never knows where a history came from.

>>> from datetime import datetime, UTC
>>> h = ItemHistory(
...     key="MKT-1", summary="Launch email", type="Email", status="Done",
...     created="2026-01-05T09:00:00Z",
...     transitions=[Transition("2026-01-06T10:00:00+01:00", "To Do", "In Progress"),
...                  Transition("2026-01-08T16:00:00Z", "In Progress", "Done")],
... )
>>> h.transitions[0].at
datetime.datetime(2026, 1, 6, 9, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from agilemarketing.utc import ensure_utc, optional_utc
from agilemarketing.validators import instances, sequence

__all__ = ["BlockedPeriod", "ItemHistory", "Transition"]

# Adapters build millions of these, so the converters pass values that are already in their final
# shape (a datetime in UTC, a tuple of str) straight through and only normalise the rest.


def _tuple_of_str(value: Iterable[str] | None) -> tuple[str, ...]:
    kind = type(value)
    if kind is tuple or kind is list:  # exact types: the common, hot case
        if not value:
            return ()
        if all(type(v) is str for v in value):
            return tuple(value)  # a tuple as it is: the same object
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in sequence(value, "ItemHistory labels or sprints", fix=_NAMES))


_NAMES = "give a list of names, e.g. ['Cycle 1']"


@attrs.frozen
class Transition:
    """A status change at a moment. ``from_status`` is None for an item's first status.

    ``observed`` is True when the time is when a sync *saw* the change, not when it happened
    (sources without history, such as a plain CSV export, only allow that).

    >>> Transition("2026-03-02T10:00:00+01:00", "To Do", "In Progress").at.isoformat()
    '2026-03-02T09:00:00+00:00'
    """

    at: datetime = attrs.field(converter=ensure_utc)
    from_status: str | None
    to_status: str
    observed: bool = False


@attrs.frozen
class BlockedPeriod:
    """A time the item could not move (waiting on an expert, an approval...). Open if no end.

    >>> period = BlockedPeriod("2026-03-03T09:00:00Z", "2026-03-05T09:00:00Z")
    >>> period.end - period.start, BlockedPeriod("2026-03-03T09:00:00Z").end
    (datetime.timedelta(days=2), None)
    """

    start: datetime = attrs.field(converter=ensure_utc)
    end: datetime | None = attrs.field(default=None, converter=optional_utc)


_SOME_TRANSITIONS = instances(Transition, "ItemHistory.transitions", fix="give Transition values")


def _some_transitions(value: Any) -> tuple[Transition, ...]:
    return _SOME_TRANSITIONS(value)


_SOME_BLOCKED = instances(BlockedPeriod, "ItemHistory.blocked", fix="give BlockedPeriod values")


def _some_blocked(value: Any) -> tuple[BlockedPeriod, ...]:
    return _SOME_BLOCKED(value)


def _transitions(value: Iterable[Transition]) -> tuple[Transition, ...]:
    return value if type(value) is tuple else _some_transitions(value)


def _blocked(value: Iterable[BlockedPeriod]) -> tuple[BlockedPeriod, ...]:
    return value if type(value) is tuple else _some_blocked(value)


@attrs.frozen
class ItemHistory:
    """One item with its full status history, as the history JSON Lines format describes it.

    Transitions are kept as given (sorting, de-duplication and every other clean-up policy
    belong to the metrics engine, which reports what it had to fix).

    >>> h = ItemHistory("MKT-1", summary="Launch email", status="Done", labels=["email"],
    ...                 transitions=[Transition("2026-03-02T09:00:00Z", None, "To Do"),
    ...                              Transition("2026-03-04T09:00:00Z", "To Do", "Done")])
    >>> h.labels, [t.to_status for t in h.transitions]
    (('email',), ['To Do', 'Done'])
    """

    key: str
    summary: str = ""
    type: str = ""
    status: str = ""
    created: datetime | None = attrs.field(default=None, converter=optional_utc)
    resolved: datetime | None = attrs.field(default=None, converter=optional_utc)
    points: float | None = None
    labels: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    sprints: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    transitions: tuple[Transition, ...] = attrs.field(default=(), converter=_transitions)
    blocked: tuple[BlockedPeriod, ...] = attrs.field(default=(), converter=_blocked)
    rank: str | None = None
