"""The history a change carries from its source: :class:`CarriedHistory`.

A sync that creates or moves an item on a target knows more than the change's fields: when the
item was created and resolved, its sprints, every status change (each with its ``observed``
flag) and its blocked periods. :class:`~agilemarketing.adapter.CreateItem` and
:class:`~agilemarketing.adapter.MoveStatus` carry it in ``history``, so an adapter that keeps
history (:func:`~agilemarketing.adapter.apply_change`) writes what the source knows instead of
stamping the time of the write, and never marks a time exact that was only observed.

>>> from agilemarketing.history import ItemHistory, Transition
>>> carried = CarriedHistory.of(ItemHistory("MKT-1", status="To Do", transitions=[
...     Transition("2026-01-05T09:00:00Z", None, "To Do", observed=True)]))
>>> carried.as_dict()["transitions"]
[{'at': '2026-01-05T09:00:00+00:00', 'from': None, 'to': 'To Do', 'observed': True}]
>>> CarriedHistory.from_value(carried.as_dict()) == carried
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from agilemarketing.errors import InvalidValue
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.utc import optional_utc

__all__ = ["CarriedHistory"]


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _transitions(value: Iterable[Transition]) -> tuple[Transition, ...]:
    return tuple(value)


def _periods(value: Iterable[BlockedPeriod]) -> tuple[BlockedPeriod, ...]:
    return tuple(value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@attrs.frozen
class CarriedHistory:
    """What the source of a change knows of the item's history.

    Attributes:
        created: when the item was created at the source (None: unknown; never invented).
        resolved: when it was resolved there, if it was.
        sprints: its sprints (cycles), in order.
        transitions: every status change with its time, ``observed`` when the time is only
            when a sync saw it.
        blocked: its blocked periods.
    """

    created: datetime | None = attrs.field(default=None, converter=optional_utc)
    resolved: datetime | None = attrs.field(default=None, converter=optional_utc)
    sprints: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    transitions: tuple[Transition, ...] = attrs.field(default=(), converter=_transitions)
    blocked: tuple[BlockedPeriod, ...] = attrs.field(default=(), converter=_periods)

    @classmethod
    def of(cls, history: ItemHistory) -> CarriedHistory:
        """The history parts of ``history`` (created, resolved, sprints, transitions, blocked)."""
        return cls(
            history.created, history.resolved, history.sprints, history.transitions, history.blocked
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, timestamps in ISO 8601 (the journal stores it this way)."""
        return {
            "created": _iso(self.created),
            "resolved": _iso(self.resolved),
            "sprints": list(self.sprints),
            "transitions": [
                {
                    "at": t.at.isoformat(),
                    "from": t.from_status,
                    "to": t.to_status,
                    "observed": t.observed,
                }
                for t in self.transitions
            ],
            "blocked": [[b.start.isoformat(), _iso(b.end)] for b in self.blocked],
        }

    @classmethod
    def from_value(cls, value: object) -> CarriedHistory | None:
        """``value`` as a carried history: None, one already, an
        :class:`~agilemarketing.history.ItemHistory`, or the :meth:`as_dict` form."""
        if value is None or isinstance(value, CarriedHistory):
            return value
        if isinstance(value, ItemHistory):
            return cls.of(value)
        if isinstance(value, Mapping):
            try:
                return cls(
                    value.get("created"),
                    value.get("resolved"),
                    value.get("sprints", ()),
                    [
                        Transition(t["at"], t.get("from"), t["to"], bool(t.get("observed")))
                        for t in value.get("transitions", ())
                    ],
                    [BlockedPeriod(start, end) for start, end in value.get("blocked", ())],
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise InvalidValue(
                    f"not a carried history ({exc})",
                    where="change record, field 'history'",
                    fix="write change records with Change.as_dict()",
                ) from exc
        raise InvalidValue(
            "a change's history must be a CarriedHistory (or an ItemHistory)",
            where="change field 'history'",
            value=type(value).__name__,
        )
