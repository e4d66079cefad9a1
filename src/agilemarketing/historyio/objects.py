"""Between :class:`~agilemarketing.history.ItemHistory` objects and history columns.

:func:`columns_from_histories` is how adapters' output reaches the metrics engine (one pass over
the objects into plain lists, then every column built at once); :func:`histories_of` is the way
back, for adapters and tools that want objects.

>>> from agilemarketing.history import ItemHistory
>>> from agilemarketing.historyio.columns import HistoryColumns
>>> t = columns_from_histories(HistoryColumns, [ItemHistory("A-1", status="Done")])
>>> [(h.key, h.status) for h in histories_of(t)]
[('A-1', 'Done')]
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from operator import attrgetter
from typing import NamedTuple, TypeVar

import numpy as np

from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.historyio.columns import (
    CycleWindow,
    HistoryColumns,
    intern_codes,
    rows_by_item,
)
from agilemarketing.historyio.timestamps import EPOCH, datetime64_column, datetimes

__all__ = ["columns_from_histories", "histories_of"]

T = TypeVar("T", bound=HistoryColumns)


class _Flat(NamedTuple):
    """Every field of the histories, flattened into plain lists (``*_n``: how many per item)."""

    keys: list[str]
    summaries: list[str]
    types: list[str]
    statuses: list[str]
    created: list[datetime | None]
    resolved: list[datetime | None]
    points: list[float]
    ranks: list[str | None]
    transitions: list[Transition]
    tr_n: list[int]
    labels: list[str]
    label_n: list[int]
    sprints: list[str]
    sprint_n: list[int]
    blocked: list[BlockedPeriod]
    blocked_n: list[int]


def _flatten(histories: Iterable[ItemHistory]) -> _Flat:
    """One pass over the objects into plain lists (local lists: this loop is the hot part)."""
    keys: list[str] = []
    summaries: list[str] = []
    types: list[str] = []
    statuses: list[str] = []
    created: list[datetime | None] = []
    resolved: list[datetime | None] = []
    points: list[float] = []
    ranks: list[str | None] = []
    transitions: list[Transition] = []
    tr_n: list[int] = []
    labels: list[str] = []
    label_n: list[int] = []
    sprints: list[str] = []
    sprint_n: list[int] = []
    blocked: list[BlockedPeriod] = []
    blocked_n: list[int] = []
    for h in histories:
        keys.append(h.key)
        summaries.append(h.summary)
        types.append(h.type)
        statuses.append(h.status)
        created.append(h.created)
        resolved.append(h.resolved)
        points.append(np.nan if h.points is None else h.points)
        ranks.append(h.rank)
        transitions.extend(h.transitions)
        tr_n.append(len(h.transitions))
        labels.extend(h.labels)
        label_n.append(len(h.labels))
        sprints.extend(h.sprints)
        sprint_n.append(len(h.sprints))
        blocked.extend(h.blocked)
        blocked_n.append(len(h.blocked))
    return _Flat(
        keys,
        summaries,
        types,
        statuses,
        created,
        resolved,
        points,
        ranks,
        transitions,
        tr_n,
        labels,
        label_n,
        sprints,
        sprint_n,
        blocked,
        blocked_n,
    )


def columns_from_histories(
    cls: type[T], histories: Iterable[ItemHistory], cycles: Iterable[CycleWindow] = ()
) -> T:
    """A table (of class ``cls``) of ``histories``; ``cycles`` are the cycle windows it defines.

    Cycle memberships are not part of ``ItemHistory``: the table has none.
    """
    lists = _flatten(histories)
    rows = np.arange(len(lists.keys), dtype=np.int32)
    transitions, m = lists.transitions, len(lists.transitions)
    codes: defaultdict[str | None, int] = defaultdict(itertools.count().__next__)
    codes[None] = -1
    statuses = np.fromiter(map(codes.__getitem__, lists.statuses), np.int32, len(lists.statuses))
    tr_to = np.fromiter(
        map(codes.__getitem__, map(attrgetter("to_status"), transitions)), np.int32, m
    )
    tr_from = np.fromiter(
        map(codes.__getitem__, map(attrgetter("from_status"), transitions)), np.int32, m
    )
    type_codes: dict[str, int] = {}
    label_codes: dict[str, int] = {}
    sprint_codes: dict[str, int] = {}
    nat = np.empty(0, dtype="datetime64[us]")
    empty = np.empty(0, dtype=np.int32)
    return cls(
        keys=np.array(lists.keys, dtype=np.str_),
        summaries=tuple(lists.summaries),
        types=intern_codes(type_codes, lists.types),
        type_names=tuple(type_codes),
        statuses=statuses,
        status_names=tuple(k for k in codes if k is not None),
        created=datetime64_column(lists.created),
        resolved=datetime64_column(lists.resolved),
        points=np.array(lists.points, dtype=np.float64),
        ranks=tuple(lists.ranks),
        tr_item=np.repeat(rows, lists.tr_n),
        tr_at=datetime64_column(list(map(attrgetter("at"), transitions))),
        tr_from=tr_from,
        tr_to=tr_to,
        tr_observed=np.fromiter(map(attrgetter("observed"), transitions), bool, m),
        label_item=np.repeat(rows, lists.label_n),
        label_code=intern_codes(label_codes, lists.labels),
        label_names=tuple(label_codes),
        sprint_item=np.repeat(rows, lists.sprint_n),
        sprint_code=intern_codes(sprint_codes, lists.sprints),
        sprint_names=tuple(sprint_codes),
        blk_item=np.repeat(rows, lists.blocked_n),
        blk_from=datetime64_column(list(map(attrgetter("start"), lists.blocked))),
        blk_to=datetime64_column(list(map(attrgetter("end"), lists.blocked))),
        cyc_item=empty,
        cyc_code=empty,
        cyc_joined=nat,
        cyc_left=nat,
        cycle_names=(),
        cycles=tuple(cycles),
    )


def histories_of(t: HistoryColumns) -> Iterator[ItemHistory]:
    """Each row of ``t`` as an :class:`~agilemarketing.history.ItemHistory` (cycle memberships
    are not part of it and are left out)."""
    n = len(t)
    # Columns to plain Python lists once; datetimes converted in bulk by numpy.
    names = [*t.status_names, None]  # code -1 ("no status") picks the None at the end
    tr_at = datetimes(t.tr_at)
    tr_from = [names[c] for c in t.tr_from.tolist()]
    tr_to = [names[c] for c in t.tr_to.tolist()]
    observed = t.tr_observed.tolist()
    created, resolved = datetimes(t.created), datetimes(t.resolved)
    blk_from, blk_to = datetimes(t.blk_from), datetimes(t.blk_to)
    labels = [t.label_names[c] for c in t.label_code.tolist()]
    sprints = [t.sprint_names[c] for c in t.sprint_code.tolist()]
    types = [t.type_names[c] for c in t.types.tolist()]
    statuses = [names[c] for c in t.statuses.tolist()]
    points = [None if np.isnan(v) else v for v in t.points.tolist()]
    tr, lab = rows_by_item(t.tr_item, n), rows_by_item(t.label_item, n)
    spr, blk = rows_by_item(t.sprint_item, n), rows_by_item(t.blk_item, n)
    for i, key in enumerate(t.keys.tolist()):
        yield ItemHistory(
            key=key,
            summary=t.summaries[i],
            type=types[i],
            status=statuses[i] or "",
            created=created[i],
            resolved=resolved[i],
            points=points[i],
            labels=[labels[k] for k in lab[i].tolist()],
            sprints=[sprints[k] for k in spr[i].tolist()],
            transitions=[
                Transition(tr_at[k], tr_from[k], tr_to[k] or "", observed=observed[k])
                for k in tr[i].tolist()
            ],
            blocked=[BlockedPeriod(blk_from[k] or EPOCH, blk_to[k]) for k in blk[i].tolist()],
            rank=t.ranks[i],
        )
