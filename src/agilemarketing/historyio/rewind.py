"""Rewinding history columns to an earlier moment: the histories as they stood then.

>>> from agilemarketing.history import ItemHistory, Transition
>>> from agilemarketing.historyio import HistoryTable
>>> t = HistoryTable.from_histories([ItemHistory("A", status="Done", transitions=[
...     Transition("2026-01-02T09:00Z", "To Do", "Done")])])
>>> then = rewind(t, "2026-01-01T00:00Z")
>>> then.n_transitions, then.status_names[then.statuses[0]]
(0, 'To Do')
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing.historyio.columns import HistoryColumns, Ints
from agilemarketing.historyio.timestamps import NAT, Times, to_datetime64
from agilemarketing.utc import ensure_utc

__all__ = ["rewind"]

T = TypeVar("T", bound=HistoryColumns)
Mask = npt.NDArray[np.bool_]


def rewind(t: T, moment: datetime | str) -> T:
    """``t`` as it stood at ``moment`` (see :meth:`~agilemarketing.historyio.HistoryTable.until`).

    Items created later are dropped; so are later transitions, blocked periods and cycle
    memberships (a period or membership still running at ``moment`` is open again), and cycles
    starting later. Each item's status becomes the one it had at ``moment``.
    """
    moment = ensure_utc(moment)
    cut = to_datetime64(moment)
    keep_item = np.isnat(t.created) | (t.created <= cut)
    keep_tr = keep_item[t.tr_item] & (t.tr_at <= cut)
    status = _status_at(t, keep_tr)
    new_index = np.cumsum(keep_item) - 1

    def rows(owner: Ints, extra: Mask | None = None) -> Mask:
        mask = keep_item[owner]
        return mask if extra is None else mask & extra

    def reindex(owner: Ints, mask: Mask) -> Ints:
        return new_index[owner[mask]].astype(np.int32)

    def reopen(ends: Times, mask: Mask) -> Times:
        out = ends[mask].copy()
        out[out > cut] = NAT
        return out

    keep_blk = rows(t.blk_item, t.blk_from <= cut)
    keep_cyc = rows(t.cyc_item, np.isnat(t.cyc_joined) | (t.cyc_joined <= cut))
    keep_lab, keep_spr = rows(t.label_item), rows(t.sprint_item)
    picked = np.flatnonzero(keep_item).tolist()
    return attrs.evolve(
        t,
        keys=t.keys[keep_item],
        summaries=tuple(t.summaries[i] for i in picked),
        types=t.types[keep_item],
        statuses=status[keep_item],
        created=t.created[keep_item],
        resolved=reopen(t.resolved, keep_item),
        points=t.points[keep_item],
        ranks=tuple(t.ranks[i] for i in picked),
        tr_item=reindex(t.tr_item, keep_tr),
        tr_at=t.tr_at[keep_tr],
        tr_from=t.tr_from[keep_tr],
        tr_to=t.tr_to[keep_tr],
        tr_observed=t.tr_observed[keep_tr],
        label_item=reindex(t.label_item, keep_lab),
        label_code=t.label_code[keep_lab],
        sprint_item=reindex(t.sprint_item, keep_spr),
        sprint_code=t.sprint_code[keep_spr],
        blk_item=reindex(t.blk_item, keep_blk),
        blk_from=t.blk_from[keep_blk],
        blk_to=reopen(t.blk_to, keep_blk),
        cyc_item=reindex(t.cyc_item, keep_cyc),
        cyc_code=t.cyc_code[keep_cyc],
        cyc_joined=t.cyc_joined[keep_cyc],
        cyc_left=reopen(t.cyc_left, keep_cyc),
        cycles=tuple(w for w in t.cycles if w.start <= moment),
    )


def _status_at(t: HistoryColumns, keep_tr: Mask) -> Ints:
    """Each item's status code at the cut: its last kept transition's "to"; when every
    transition came later, the first one's "from"; without transitions, its status now."""
    order = np.lexsort((t.tr_at.view(np.int64), t.tr_item))
    item, kept = t.tr_item[order], keep_tr[order]
    status = t.statuses.copy()
    first = np.ones(len(item), dtype=bool)
    first[1:] = item[1:] != item[:-1]
    earliest_from = t.tr_from[order][first]
    had_any = item[first]
    known = earliest_from >= 0
    status[had_any[known]] = earliest_from[known]
    last_kept = np.ones(int(kept.sum()), dtype=bool)
    kept_items = item[kept]
    last_kept[:-1] = kept_items[1:] != kept_items[:-1]
    status[kept_items[last_kept]] = t.tr_to[order][kept][last_kept]
    return status
