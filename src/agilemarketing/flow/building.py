"""How :meth:`FlowLog.build <agilemarketing.flow.FlowLog.build>` computes the log, step by step.

:func:`flow_columns` takes a :class:`~agilemarketing.historyio.HistoryTable` and a workflow and
returns the columns the log adds to the table's (:class:`FlowColumns`), in three steps: the
transitions cleaned up (sorted, de-duplicated), the stays in stages (placed, then merged where
one stage follows itself), and each item's entry dates, current stage, start and done. Every
step is vectorised; none loops over items in Python.

Timestamps are handled as int64 microseconds, with :data:`NEVER` for "not (yet)" so that
minimum and maximum need no special case.

>>> from agilemarketing.history import ItemHistory, Transition
>>> from agilemarketing.historyio import HistoryTable
>>> from agilemarketing.workflow import Workflow
>>> t = HistoryTable.from_histories([ItemHistory("A", status="Done", transitions=[
...     Transition("2026-01-05T09:00Z", "To Do", "Doing"),
...     Transition("2026-01-06T09:00Z", "Doing", "Done")])])
>>> built = flow_columns(t, Workflow.from_shorthand("To Do,Doing,Done"), FlowPolicy(), None)
>>> built.seg_stage.tolist(), str(built.done[0])
([1, 2], '2026-01-06T09:00:00.000000')
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt

from agilemarketing.flow.policy import Backwards, FlowPolicy
from agilemarketing.flow.quality import ISSUES, DataQualityReport, QualityIssue
from agilemarketing.historyio import HistoryTable
from agilemarketing.utc import ensure_utc
from agilemarketing.workflow import Workflow

__all__ = ["NEVER", "FlowColumns", "flow_columns"]

Times: TypeAlias = npt.NDArray[np.datetime64]
I64: TypeAlias = npt.NDArray[np.int64]
Mask: TypeAlias = npt.NDArray[np.bool_]
Issues: TypeAlias = dict[str, npt.NDArray[Any]]
"""Item rows per data-quality issue name, as the steps find them."""

NEVER = np.iinfo(np.int64).max
"""int64 microseconds standing for "not (yet)": sorts after every real moment."""
_NAT_I = np.iinfo(np.int64).min
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _i(values: Times) -> I64:
    return values.astype("datetime64[us]", copy=False).view(np.int64)


def _t(values: I64) -> Times:
    """int64 microseconds (NEVER for "not") as datetime64 (NaT), converted in place."""
    values[values == NEVER] = _NAT_I
    return values.view("datetime64[us]")


def _first_true(mask: Mask) -> tuple[npt.NDArray[np.intp], Mask]:
    """Column of the first True per row, and whether the row had one."""
    if mask.shape[1] == 0:
        return np.zeros(mask.shape[0], dtype=np.intp), np.zeros(mask.shape[0], dtype=bool)
    found: Mask = np.asarray(mask.any(axis=1))
    return np.asarray(np.argmax(mask, axis=1)), found


class FlowColumns(NamedTuple):
    """The columns the build computes; the flow log passes the table's other columns through.

    Timestamps are ``datetime64[us]``, ``NaT`` for "not (yet)" (see
    :class:`~agilemarketing.flow.FlowLog` for what each column means).
    """

    as_of: np.datetime64
    start: Times
    done: Times
    abandoned: Mask
    abandoned_at: Times
    current_stage: npt.NDArray[np.int16]
    seg_item: npt.NDArray[np.int32]
    seg_stage: npt.NDArray[np.int16]
    seg_enter: Times
    seg_leave: Times
    first_entry: Times
    quality: DataQualityReport


class _Stages(NamedTuple):
    """The workflow as the steps use it."""

    of_status: npt.NDArray[np.int16]  # status code -> stage index (-1: unmapped; last: no status)
    n_stages: int
    start: int  # index of the stage where cycle time starts
    done: int  # index of the first done stage


def flow_columns(
    t: HistoryTable, wf: Workflow, policy: FlowPolicy, as_of: datetime | str | None
) -> FlowColumns:
    """Clean up the histories of ``t`` under ``policy`` and compute the flow log's columns.

    ``as_of`` only sets the log's ``as_of`` (default: the latest moment in the data); rewinding
    the histories to it is the caller's job.
    """
    # status code -> stage index (-1: unmapped); code -1 ("no status") maps to the last slot.
    of_status = np.array(
        [-1 if (s := wf.index_for_status(name)) is None else s for name in t.status_names] + [-1],
        dtype=np.int16,
    )
    stages = _Stages(
        of_status, len(wf.stages), wf.index_of(str(wf.start)), wf.index_of(str(wf.done))
    )
    issues: Issues = {}
    # 1. Transitions: out-of-order detection, stable sort, de-duplication.
    tr = _transitions(t, issues)
    # 2. Segments: the stay before the first transition, one per transition, and one for items
    #    without transitions (in their current status since creation); then consecutive stays
    #    in one stage merged.
    stays = _place_stays(t, tr, stages)
    issues["truncated"] = _truncated(t, tr, stages)
    del tr  # the transition columns are not needed any more: free them before the next steps
    segs = _merge_stays(stays, stages.of_status)
    del stays
    unmapped_statuses = _move_issues(t, segs, stages, issues)
    # 3. Per item: entry dates per stage, current stage, start and done under the policy.
    dates = _item_dates(t, segs, stages, policy, issues)
    keys = t.keys
    report = DataQualityReport(
        n_items=len(t),
        issues=tuple(
            QualityIssue(name, text, keys[_distinct_rows(issues.get(name), len(t))])
            for name, text in ISSUES.items()
        ),
        unmapped_statuses=unmapped_statuses,
    )
    return FlowColumns(
        as_of=_as_of(t, segs.enter, as_of),
        start=_t(dates.start),
        done=_t(dates.done),
        abandoned=dates.abandoned,
        abandoned_at=_t(dates.abandoned_at),
        current_stage=dates.current,
        seg_item=segs.item.astype(np.int32, copy=False),
        seg_stage=segs.stage,
        seg_enter=segs.enter.view("datetime64[us]"),
        seg_leave=_t(segs.leave),
        first_entry=_t(dates.first_entry),
        quality=report,
    )


# --- 1. Transitions -------------------------------------------------------------------------------


class _Transitions(NamedTuple):
    """The transitions sorted by item then time, duplicates dropped."""

    item: npt.NDArray[np.int32]
    at: I64
    frm: npt.NDArray[np.int32]
    to: npt.NDArray[np.int32]
    first: Mask  # the item's first transition
    last: Mask  # the item's last transition


def _transitions(t: HistoryTable, issues: Issues) -> _Transitions:
    """Sort (stable) and de-duplicate the transitions; records ``out_of_order``,
    ``duplicate_event`` and ``status_gap`` in ``issues``."""
    n = len(t)
    item, at = t.tr_item, _i(t.tr_at)
    same = item[1:] == item[:-1]
    earlier = same & (at[1:] < at[:-1])
    issues["out_of_order"] = item[1:][earlier]
    frm, to = t.tr_from, t.tr_to
    if not bool(np.all(item[1:] >= item[:-1])):
        order: npt.NDArray[np.intp] | None = np.lexsort((at, item))
    elif earlier.any():
        # Items are contiguous: sort only the rows of items with out-of-order events, in place.
        bad = np.zeros(n, dtype=bool)
        bad[item[1:][earlier]] = True
        rows = np.flatnonzero(bad[item])
        order = np.arange(len(item))
        order[rows] = rows[np.lexsort((at[rows], item[rows]))]
    else:
        order = None  # already in order: the common case costs no sort
    if order is not None:
        item, at, frm, to = item[order], at[order], frm[order], to[order]
    same = item[1:] == item[:-1]
    dup = np.zeros(len(item), dtype=bool)
    dup[1:] = same & (at[1:] == at[:-1]) & (frm[1:] == frm[:-1]) & (to[1:] == to[:-1])
    issues["duplicate_event"] = item[dup]
    if dup.any():
        keep = ~dup
        item, at, frm, to = item[keep], at[keep], frm[keep], to[keep]
    m = len(item)
    first = np.ones(m, dtype=bool)
    first[1:] = item[1:] != item[:-1]
    last = np.ones(m, dtype=bool)
    last[:-1] = item[1:] != item[:-1]
    gap = ~first & (frm >= 0)
    gap[1:] &= frm[1:] != to[:-1]
    issues["status_gap"] = item[gap]
    issues["self_transition"] = item[(frm == to) & (frm >= 0)]
    return _Transitions(item, at, frm, to, first, last)


# --- 2. Stays in stages ---------------------------------------------------------------------------


class _Stays(NamedTuple):
    """One row per stay in a status, items in order, each item's stays in time order."""

    item: npt.NDArray[np.int32]
    status: npt.NDArray[np.int32]
    enter: I64
    leave: I64  # NEVER: still there


def _place_stays(t: HistoryTable, tr: _Transitions, stages: _Stages) -> _Stays:
    """The stay before each item's first transition (when its created date and first "from"
    are known), one per transition, and one for each item without transitions: in its status
    since its creation, or, for a finished one (a done stage or later), since its resolution
    when the tool recorded one, not before the creation (a snapshot's finished items finish
    when the tool says, not when they were created)."""
    n = len(t)
    created = _i(t.created)
    has_tr = np.zeros(n, dtype=bool)
    has_tr[tr.item] = True
    f_item = tr.item[tr.first]
    f_created = created[f_item]
    # created at the moment of its first move: a stay of no length, but the item was first seen
    # in the move's "from" status (not already in its "to")
    init_ok = (tr.frm[tr.first] >= 0) & (f_created != _NAT_I) & (f_created <= tr.at[tr.first])
    lone = np.flatnonzero(~has_tr & (created != _NAT_I))
    lone_enter = created[lone]
    lone_resolved = _i(t.resolved)[lone]
    finished = stages.of_status[t.statuses[lone]] >= stages.done
    believed = finished & (lone_resolved != _NAT_I) & (lone_resolved >= lone_enter)
    lone_enter[believed] = lone_resolved[believed]
    # Place every stay at its final position (items in order, each item's stays in time
    # order) instead of sorting: counts per item -> offsets -> scatter.
    init_item = f_item[init_ok]
    n_init = np.zeros(n, dtype=np.int64)
    n_init[init_item] = 1
    n_tr = np.bincount(tr.item, minlength=n).astype(np.int64)
    n_lone = np.zeros(n, dtype=np.int64)
    n_lone[lone] = 1
    count = n_init + n_tr + n_lone
    offsets = np.cumsum(count) - count
    first_row = np.zeros(n, dtype=np.int64)
    first_row[f_item] = np.flatnonzero(tr.first)
    tr_pos = np.arange(len(tr.item), dtype=np.int64)
    tr_pos -= first_row[tr.item]
    tr_pos += offsets[tr.item]
    tr_pos += n_init[tr.item]
    total = int(count.sum())
    seg_item = np.repeat(np.arange(n, dtype=np.int32), count)
    seg_status = np.empty(total, dtype=np.int32)
    seg_enter = np.empty(total, dtype=np.int64)
    for pos, status, enter in (
        (offsets[init_item], tr.frm[tr.first][init_ok], f_created[init_ok]),
        (tr_pos, tr.to, tr.at),
        (offsets[lone], t.statuses[lone], lone_enter),
    ):
        seg_status[pos] = status
        seg_enter[pos] = enter
    # A stay ends when the item's next one starts; the last stay of an item is open.
    seg_leave = np.full(total, NEVER, dtype=np.int64)
    same_item = seg_item[1:] == seg_item[:-1]
    np.copyto(seg_leave[:-1], seg_enter[1:], where=same_item)
    return _Stays(seg_item, seg_status, seg_enter, seg_leave)


def _truncated(t: HistoryTable, tr: _Transitions, stages: _Stages) -> npt.NDArray[np.int64]:
    """Items whose history looks cut short: starting mid-workflow before the item was created
    (an item created in a doing stage, its first move from there, is a normal start), with no
    created date, or with a current status that disagrees with the last transition."""
    stage_of = stages.of_status
    f_item = tr.item[tr.first]
    f_stage = stage_of[tr.frm[tr.first]]
    before_created = _i(t.created)[f_item] > tr.at[tr.first]
    last_to = tr.to[tr.last]
    status_now = t.statuses[tr.item[tr.last]]
    differs = (status_now != last_to) & (stage_of[status_now] != stage_of[last_to])
    no_created = np.flatnonzero(np.isnat(t.created))
    mid_workflow = f_item[(f_stage >= stages.start) & before_created]
    return np.concatenate([mid_workflow, tr.item[tr.last][differs], no_created])


class _Segments(NamedTuple):
    """Stays merged where one stage follows itself: one row per stay in a stage."""

    item: npt.NDArray[np.int32]
    stage: npt.NDArray[np.int16]  # -1: a status the workflow does not map
    status: npt.NDArray[np.int32]
    enter: I64
    leave: I64  # NEVER: still there
    new_item: Mask  # the item's first stay
    prev: npt.NDArray[np.int16]  # the stage of the item's previous stay (-2: none)
    prev_mapped: npt.NDArray[np.int16]  # the stage of its previous stay in a stage (-2: none)


def _merge_stays(stays: _Stays, stage_of: npt.NDArray[np.int16]) -> _Segments:
    """Merge consecutive stays in the same stage (two statuses of one stage, or repeats);
    stays in unmapped statuses merge only with the same status."""
    seg_item, seg_status, seg_enter, seg_leave = stays
    seg_stage = stage_of[seg_status]
    k = len(seg_item)
    new_item = np.ones(k, dtype=bool)
    new_item[1:] = seg_item[1:] != seg_item[:-1]
    run = new_item.copy()
    run[1:] |= seg_stage[1:] != seg_stage[:-1]
    run[1:] |= (seg_stage[1:] < 0) & (seg_status[1:] != seg_status[:-1])
    if not run.all():
        starts = np.flatnonzero(run)
        ends = np.append(starts[1:], k) - 1
        seg_leave = seg_leave[ends]
        del ends
        seg_item = seg_item[starts]
        seg_stage = seg_stage[starts]
        seg_status = seg_status[starts]
        seg_enter = seg_enter[starts]
        new_item = new_item[starts]
        del starts
    del run
    prev = np.full(len(seg_item), -2, dtype=np.int16)
    prev[1:] = seg_stage[:-1]
    prev[new_item] = -2
    prev_mapped = _previous_mapped(seg_item, seg_stage)
    return _Segments(
        seg_item, seg_stage, seg_status, seg_enter, seg_leave, new_item, prev, prev_mapped
    )


def _previous_mapped(seg_item: npt.NDArray[np.int32], seg_stage: npt.NDArray[np.int16]) -> Any:
    """Per stay, the stage of the item's previous stay in a stage, skipping stays in statuses
    the workflow does not map (-2: none): a pass through such a status is no move."""
    k = len(seg_item)
    last = np.where(seg_stage >= 0, np.arange(k), -1)
    np.maximum.accumulate(last, out=last)
    before = np.full(k, -1, dtype=np.int64)
    before[1:] = last[:-1]
    ok = before >= 0
    ok[ok] = seg_item[before[ok]] == seg_item[ok]
    out = np.full(k, -2, dtype=np.int16)
    out[ok] = seg_stage[before[ok]]
    return out


def _move_issues(
    t: HistoryTable, segs: _Segments, stages: _Stages, issues: Issues
) -> dict[str, tuple[str, ...]]:
    """Record backward, skipping, reopening and unmapped moves and items created done in
    ``issues``; returns the keys of the items per unmapped status."""
    seg_item, seg_stage, seg_status = segs.item, segs.stage, segs.status
    prev = segs.prev_mapped  # a pass through an unmapped status is no move
    mapped = (seg_stage >= 0) & (prev >= 0)
    issues["backwards_move"] = seg_item[mapped & (seg_stage < prev)]
    issues["skipped_stage"] = seg_item[mapped & (seg_stage > prev + 1)]
    issues["reopened"] = seg_item[mapped & (prev >= stages.done) & (seg_stage < stages.done)]
    unmapped = seg_stage < 0
    issues["unmapped_status"] = seg_item[unmapped]
    unmapped_statuses: dict[str, tuple[str, ...]] = {}
    for code in np.unique(seg_status[unmapped]).tolist():
        name = "" if code < 0 else t.status_names[code]
        items = seg_item[unmapped & (seg_status == code)]
        unmapped_statuses[name] = tuple(t.keys[np.unique(items)].tolist())
    issues["created_done"] = seg_item[segs.new_item & (seg_stage >= stages.done)]
    return unmapped_statuses


# --- 3. Per item ----------------------------------------------------------------------------------


class _Dates(NamedTuple):
    """Per item: first entry per stage, current stage, abandonment, start and done."""

    first_entry: I64  # (items, stages); NEVER: never entered
    current: npt.NDArray[np.int16]
    abandoned: Mask
    abandoned_at: I64
    start: I64
    done: I64


def _item_dates(
    t: HistoryTable, segs: _Segments, stages: _Stages, policy: FlowPolicy, issues: Issues
) -> _Dates:
    """Entry dates per stage, current stage, start and done under ``policy``; records
    ``done_without_start`` and ``abandoned`` in ``issues``."""
    n, start_idx, done_idx = len(t), stages.start, stages.done
    first_entry, dates = _entry_dates(segs, n, stages, policy.backwards)
    current, abandoned, abandoned_at = _current_stage(t, segs, stages.of_status)
    work = dates[:, start_idx:done_idx]
    col, any_start = _first_true(work != NEVER)
    start = np.where(any_start, work[np.arange(n), col], NEVER)
    is_done = current >= done_idx
    if policy.backwards is Backwards.FIRST_ENTRY:
        done = first_entry[:, done_idx:].min(axis=1)
    else:
        done = _last_done_entry(segs, n, done_idx)
    done = np.where(is_done, done, NEVER)
    start = np.where(
        (start > done) & (start != NEVER), done, start
    )  # e.g. last restart logged after the done move
    issues["done_without_start"] = np.flatnonzero(is_done & (start == NEVER))
    issues["abandoned"] = np.flatnonzero(abandoned)
    return _Dates(first_entry, current, abandoned, abandoned_at, start, done)


def _entry_dates(segs: _Segments, n: int, stages: _Stages, backwards: Backwards) -> tuple[I64, I64]:
    """First entry per item and stage (NEVER: never entered), and the entries the policy
    counts for the start: the first ones (``FIRST_ENTRY``, ``ADD_REOPENED``), the last ones
    (``LAST_ENTRY``; coming back from an unmapped status is no new entry), or the first ones
    since the item's last stay in a stage before the start (``RESTART_FROM_TODO``)."""
    n_stages = stages.n_stages
    flat = segs.item.astype(np.int64)
    flat *= n_stages
    flat += segs.stage
    entered = segs.enter
    mapped = segs.stage >= 0  # stays in unmapped statuses have no stage column
    fe = np.full(n * n_stages, NEVER, dtype=np.int64)
    np.minimum.at(fe, flat[mapped], entered[mapped])
    first_entry = fe.reshape(n, n_stages)
    if backwards in (Backwards.FIRST_ENTRY, Backwards.ADD_REOPENED):
        return first_entry, first_entry
    if backwards is Backwards.LAST_ENTRY:
        counted = mapped & (segs.prev_mapped != segs.stage)
        le = np.full(n * n_stages, _NAT_I, dtype=np.int64)
        np.maximum.at(le, flat[counted], entered[counted])
        return first_entry, np.where(le == _NAT_I, NEVER, le).reshape(n, n_stages)
    # RESTART_FROM_TODO: only the stays after the item's last one in a to-do stage count
    row = np.arange(len(segs.item), dtype=np.int64)
    to_do = mapped & (segs.stage < stages.start)
    last_to_do = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_to_do, segs.item[to_do], row[to_do])
    counted = mapped & (row > last_to_do[segs.item])
    since = np.full(n * n_stages, NEVER, dtype=np.int64)
    np.minimum.at(since, flat[counted], entered[counted])
    return first_entry, since.reshape(n, n_stages)


def _current_stage(
    t: HistoryTable, segs: _Segments, stage_of: npt.NDArray[np.int16]
) -> tuple[npt.NDArray[np.int16], Mask, I64]:
    """Each item's stage now (-1: an unmapped status), whether it is abandoned (its last
    status is not in the workflow) and since when."""
    n = len(t)
    last_seg = np.append(np.flatnonzero(segs.new_item)[1:], len(segs.item))
    last_seg = last_seg[: int(segs.new_item.sum())] - 1
    current = np.full(n, -1, dtype=np.int16)
    current[segs.item[last_seg]] = segs.stage[last_seg]
    has_seg = np.zeros(n, dtype=bool)
    has_seg[segs.item] = True
    no_seg = ~has_seg
    current[no_seg] = stage_of[t.statuses[no_seg]]
    abandoned = current < 0
    abandoned_at = np.full(n, NEVER, dtype=np.int64)
    abandoned_at[segs.item[last_seg]] = segs.enter[last_seg]
    abandoned_at[~abandoned] = NEVER
    return current, abandoned, abandoned_at


def _last_done_entry(segs: _Segments, n: int, done_idx: int) -> I64:
    """Each item's last move into a done stage from an earlier stage (NEVER: none); a pass
    through an unmapped status after done is no move."""
    into_done = (segs.stage >= done_idx) & (segs.prev_mapped < done_idx)
    last_done = np.full(n, _NAT_I, dtype=np.int64)
    np.maximum.at(last_done, segs.item[into_done], segs.enter[into_done])
    return np.where(last_done == _NAT_I, NEVER, last_done)


def _as_of(t: HistoryTable, seg_enter: I64, as_of: datetime | str | None) -> np.datetime64:
    """``as_of`` as datetime64; by default the latest moment in the data (1970 if none)."""
    if as_of is None:
        candidates = [seg_enter.max(initial=_NAT_I), _i(t.created).max(initial=_NAT_I)]
        candidates.append(_i(t.blk_to).max(initial=_NAT_I))
        as_of_i = max(candidates)
        if as_of_i == _NAT_I:
            as_of_i = 0
    else:
        as_of_i = (ensure_utc(as_of) - _EPOCH) // timedelta(microseconds=1)
    return np.datetime64(int(as_of_i), "us")


def _distinct_rows(rows: npt.NDArray[np.integer[Any]] | None, n: int) -> npt.NDArray[np.intp]:
    """The distinct item rows of ``rows``, in order (a mask over the ``n`` items: linear,
    where :func:`numpy.unique` sorts).

    >>> _distinct_rows(np.array([3, 1, 3, 0]), 5).tolist()
    [0, 1, 3]
    """
    if rows is None or not len(rows):
        return np.empty(0, dtype=np.intp)
    seen = np.zeros(n, dtype=bool)
    seen[rows] = True
    return np.flatnonzero(seen)
