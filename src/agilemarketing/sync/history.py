"""History a sync keeps that change types do not carry.

A source without history (a plain CSV export) still accrues one in the mirror:
:func:`accrue_history` records each status change a sync sees, at the time it saw it, marked
``observed``. A mirror target gets the source's own history carried over
(:func:`adopt_histories`), since the four change types hold none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from agilemarketing.adapter import ItemRecord
from agilemarketing.history import Transition
from agilemarketing.mirror import OWN_BOARD, MirrorAdapter

__all__ = ["accrue_history", "adopt_histories", "history_of"]


def accrue_history(base: ItemRecord | None, now: ItemRecord, seen_at: datetime) -> ItemRecord:
    """``now`` with the history the mirror accrued for it: observed transitions kept from
    ``base`` (but an exact transition of the source with the same from/to, dated between the
    previous transition and the observation, replaces the observed one), plus one for a status
    change the source's own history does not explain, dated ``seen_at`` (or at the source's
    resolution date, when the tool set one since the last sync) and marked ``observed``.

    >>> from datetime import datetime, UTC
    >>> from agilemarketing.history import ItemHistory
    >>> t1, t2 = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)
    >>> first = accrue_history(None, ItemRecord(ItemHistory("M-1", status="To Do")), t1)
    >>> later = accrue_history(first, ItemRecord(ItemHistory("M-1", status="Doing")), t2)
    >>> [(t.from_status, t.to_status, t.at.day, t.observed) for t in later.history.transitions]
    [(None, 'To Do', 2, True), ('To Do', 'Doing', 9, True)]
    """
    own = list(now.history.transitions)
    known = set(own)
    before = base.history.transitions if base else ()
    carried = [
        t
        for i, t in enumerate(before)
        if t.observed and t not in known and not _explained(t, before[i - 1] if i else None, own)
    ]
    merged = sorted([*own, *carried], key=lambda t: t.at)
    status = now.history.status
    last = merged[-1].to_status if merged else None
    if status and last != status:
        floor = merged[-1].at if merged else None
        at = max(seen_at, floor) if floor is not None else seen_at
        merged.append(Transition(_resolved_at(base, now, floor, seen_at) or at, last, status, True))
    if merged == own:
        return now
    return attrs.evolve(now, history=attrs.evolve(now.history, transitions=merged))


def _resolved_at(
    base: ItemRecord | None, now: ItemRecord, floor: datetime | None, seen_at: datetime
) -> datetime | None:
    """The source's resolution date, when it dates the status change just observed: the tool
    recorded it since the last sync (new, or changed), after the item's last known transition
    and its creation, and not after the read. A first sync of a snapshot (a Jira CSV export)
    thus dates finished items when they finished, not all on the day of the sync."""
    resolved = now.history.resolved
    if resolved is None or (base is not None and base.history.resolved == resolved):
        return None
    created = now.history.created
    if resolved > seen_at or (floor is not None and resolved < floor):
        return None
    if created is not None and resolved < created:
        return None
    return resolved


def _explained(observed: Transition, previous: Transition | None, own: list[Transition]) -> bool:
    """Whether the source's own history now holds an exact transition with the observed one's
    from/to, between the previous transition and the observation: it replaces the observation
    (a read saw the status before the tool's history recorded it)."""
    since = previous.at if previous is not None else None
    return any(
        not t.observed
        and (t.from_status, t.to_status) == (observed.from_status, observed.to_status)
        and t.at <= observed.at
        and (since is None or t.at >= since)
        for t in own
    )


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


def adopt_histories(target: MirrorAdapter, sources: list[ItemRecord]) -> None:
    """Carry the source's history (created, resolved, cycles, transitions, blocked periods) and
    its Definition-of-Done state (criteria met, checklist size) onto the mirror's own board:
    change types carry neither, and the mirror keeps both."""
    board = target.mirror
    updated = []
    current_board = board.board(OWN_BOARD) if len(sources) > 50 else None  # one read for many
    for s in sources:
        current = (
            current_board.get(s.key)
            if current_board is not None
            else board.board_item(OWN_BOARD, s.key)
        )
        if current is None or history_of(current) == history_of(s):
            continue
        h = s.history
        history = attrs.evolve(
            current.history,
            created=h.created,
            resolved=h.resolved,
            sprints=h.sprints,
            transitions=h.transitions,
            blocked=h.blocked,
        )
        updated.append(
            attrs.evolve(
                current, history=history, done_criteria=s.done_criteria, done_total=s.done_total
            )
        )
    if updated:
        with board.transaction():
            board.save_board(OWN_BOARD, updated)
