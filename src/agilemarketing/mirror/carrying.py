"""Carrying a source's history onto the mirror's own board, which change types cannot do.

The four change types hold fields and a status, not a history; a sync into the mirror carries
the source's created and resolved dates, cycles, transitions, blocked periods and
Definition-of-Done state over separately (:func:`carry_history`).
"""

from __future__ import annotations

from typing import Any

import attrs

from agilemarketing.adapter import ItemRecord

__all__ = ["carry_history", "history_of"]


def history_of(record: ItemRecord) -> tuple[Any, ...]:
    """What of ``record`` change types do not carry: created, resolved, cycles, transitions,
    blocked periods, and the Definition-of-Done state (the criteria met and the checklist's
    size); equal tuples: nothing to carry over."""
    h = record.history
    return (
        h.created,
        h.resolved,
        h.sprints,
        h.transitions,
        h.blocked,
        record.done_criteria,
        record.done_total,
    )


def carry_history(current: ItemRecord, source: ItemRecord) -> ItemRecord | None:
    """``current`` with the history and Definition-of-Done state of ``source``, or None when
    it holds them already.

    >>> from datetime import datetime, UTC
    >>> from agilemarketing.history import ItemHistory, Transition
    >>> moved = Transition(datetime(2026, 3, 2, tzinfo=UTC), "To Do", "Doing")
    >>> here = ItemRecord(ItemHistory("M-1", "Webinar", status="Doing"))
    >>> there = ItemRecord(ItemHistory("M-1", "Old title", status="Doing", transitions=(moved,)))
    >>> carried = carry_history(here, there)
    >>> carried.history.summary, carried.history.transitions == (moved,)
    ('Webinar', True)
    >>> carry_history(carried, there) is None
    True
    """
    if history_of(current) == history_of(source):
        return None
    h = source.history
    history = attrs.evolve(
        current.history,
        created=h.created,
        resolved=h.resolved,
        sprints=h.sprints,
        transitions=h.transitions,
        blocked=h.blocked,
    )
    return attrs.evolve(
        current, history=history, done_criteria=source.done_criteria, done_total=source.done_total
    )
