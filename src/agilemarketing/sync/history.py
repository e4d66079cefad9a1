"""History a sync keeps that change types do not carry.

A source without history (a plain CSV export) still accrues one in the mirror:
:func:`accrue_history` records each status change a sync sees, at the time it saw it, marked
``observed``. A mirror target gets the source's own history carried over
(:meth:`~agilemarketing.mirror.MirrorAdapter.write_carrying`), since the four change types
hold none.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from agilemarketing.adapter import ItemRecord
from agilemarketing.history import Transition
from agilemarketing.mirror.carrying import history_of

__all__ = ["accrue_history", "history_of"]


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
