"""The flow log: every item's path through the workflow, as numpy columns, built once.

:meth:`FlowLog.build` takes histories (a :class:`~agilemarketing.historyio.HistoryTable`, a
history JSON Lines path, or :class:`~agilemarketing.history.ItemHistory` objects) and a
:class:`~agilemarketing.workflow.Workflow`, cleans the histories up according to a
:class:`FlowPolicy`, and records what it had to fix in a :class:`DataQualityReport`. Every metric
in :mod:`agilemarketing.metrics` is then computed from its arrays without looping over items.

Two tables make up the log:

* **segments**, one row per stay of an item in a stage: ``seg_item``, ``seg_stage`` (index into
  ``workflow.stages``; -1 for a status the workflow does not map), ``seg_enter``, ``seg_leave``
  (``NaT`` while the item is still there);
* **items**, one row per item: ``keys``, ``types``, ``points``, ``created``, ``start`` and
  ``done`` (cycle time runs from one to the other; ``NaT`` when not started / not done),
  ``abandoned``, ``current_stage``, labels, blocked periods and cycle memberships.

>>> from agilemarketing.history import ItemHistory, Transition
>>> from agilemarketing.workflow import Workflow
>>> wf = Workflow.from_shorthand("To Do,Doing,Done")
>>> h = ItemHistory("M-1", status="Done", created="2026-01-05T09:00Z", transitions=[
...     Transition("2026-01-06T09:00Z", "To Do", "Doing"),
...     Transition("2026-01-08T21:00Z", "Doing", "Done")])
>>> log = FlowLog.build([h], wf)
>>> log.seg_stage.tolist(), str(log.start[0]), str(log.done[0])
([0, 1, 2], '2026-01-06T09:00:00.000000', '2026-01-08T21:00:00.000000')
>>> log.quality.ok
True
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing._time import ensure_utc
from agilemarketing.errors import NotFound
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import CycleWindow, HistoryTable, read_history
from agilemarketing.workflow import Workflow

__all__ = [
    "Backwards",
    "DataQualityReport",
    "FlowLog",
    "FlowPolicy",
    "QualityIssue",
]

Times: TypeAlias = npt.NDArray[np.datetime64]
I64: TypeAlias = npt.NDArray[np.int64]
NEVER = np.iinfo(np.int64).max
"""int64 microseconds standing for "not (yet)": sorts after every real moment."""
_NAT_I = np.iinfo(np.int64).min
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Backwards(enum.StrEnum):
    """How moves backwards (and reopened items) affect when an item started and finished.

    Every stage has an *entry date* per item; with backward moves an item can enter a stage
    several times.

    * ``FIRST_ENTRY``: start is the first entry into the start stage, done the first entry into
      the done stages. Rework after a reopen is not counted.
    * ``LAST_ENTRY``: start is the last entry into the start stage, done the last entry into the
      done stages: the clock restarts when work restarts.
    * ``ADD_REOPENED``: start is the first entry, done the last: the whole span, rework included.

    >>> FlowPolicy("last").backwards is Backwards.LAST_ENTRY
    True
    """

    FIRST_ENTRY = "first"
    LAST_ENTRY = "last"
    ADD_REOPENED = "reopened"


@attrs.frozen
class FlowPolicy:
    """The clean-up rules the flow log applies to messy histories (see docs/metrics.md).

    Args:
        backwards: how backward moves and reopened items count (:class:`Backwards`).

    Fixed rules (documented, not optional): transitions are sorted by time (stable, so events
    at the same moment keep file order); an event repeated with the same time, from and to
    status is kept once; a skipped start stage counts from the first later stage entered (in
    board order); an item that reaches done without passing an in-progress stage counts in
    throughput but not in cycle time; an item whose last status is not in the workflow is
    abandoned (neither throughput nor cycle time).

    >>> FlowPolicy().backwards
    <Backwards.FIRST_ENTRY: 'first'>
    """

    backwards: Backwards = attrs.field(default=Backwards.FIRST_ENTRY, converter=Backwards)


# --------------------------------------------------------------------------------------------
# Data quality
# --------------------------------------------------------------------------------------------

ISSUES: Mapping[str, str] = {
    "unmapped_status": "moved to a status the workflow does not map",
    "abandoned": "ended in a status outside the workflow (e.g. Won't Do): not counted as done",
    "skipped_stage": "moved forward past one or more stages",
    "backwards_move": "moved back to an earlier stage",
    "reopened": "left a done stage for an earlier one",
    "out_of_order": "transitions not in time order in the input (sorted)",
    "duplicate_event": "the same transition twice at the same time (kept once)",
    "status_gap": "a transition's 'from' is not the previous transition's 'to'",
    "done_without_start": "done without passing an in-progress stage (no cycle time)",
    "created_done": "already done when first seen (no cycle time)",
    "truncated": "history looks cut short (starts mid-workflow, no created date, or the "
    "current status differs from the last transition)",
}


def _str_array(value: Any) -> npt.NDArray[np.str_]:
    return np.asarray(value, dtype=np.str_) if len(value) else np.empty(0, dtype=np.str_)


@attrs.frozen
class QualityIssue:
    """One kind of data problem and the items it affects.

    >>> QualityIssue("reopened", "left a done stage", ("M-2",)).count
    1
    """

    name: str
    description: str
    item_keys: npt.NDArray[np.str_] = attrs.field(converter=_str_array, eq=False, repr=False)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of the affected items, in item order."""
        return tuple(self.item_keys.tolist())

    @property
    def count(self) -> int:
        """How many items have this issue."""
        return len(self.item_keys)


@attrs.frozen
class DataQualityReport:
    """What the flow log found (and fixed) in the histories, with item keys per issue.

    ``unmapped_statuses`` maps each status the workflow does not know to the items that used it.

    >>> report = DataQualityReport(
    ...     n_items=3, issues=(QualityIssue("reopened", "left done", ("M-2",)),))
    >>> report["reopened"].keys, report.ok
    (('M-2',), False)
    """

    n_items: int
    issues: tuple[QualityIssue, ...]
    unmapped_statuses: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    def __getitem__(self, name: str) -> QualityIssue:
        for issue in self.issues:
            if issue.name == name:
                return issue
        if name in ISSUES:
            return QualityIssue(name, ISSUES[name], ())
        raise NotFound("data-quality issue", name, fix=f"use one of {', '.join(ISSUES)}")

    @property
    def ok(self) -> bool:
        """True when no issue affects any item."""
        return all(issue.count == 0 for issue in self.issues)

    def to_dict(self, *, max_keys: int = 50) -> dict[str, Any]:
        """A JSON-ready summary: counts plus up to ``max_keys`` example keys per issue."""
        return {
            "items": self.n_items,
            "issues": {
                i.name: {
                    "description": i.description,
                    "count": i.count,
                    "keys": i.item_keys[:max_keys].tolist(),
                }
                for i in self.issues
            },
            "unmapped_statuses": {
                status: {"count": len(keys), "keys": list(keys[:max_keys])}
                for status, keys in self.unmapped_statuses.items()
            },
        }

    def __str__(self) -> str:
        lines = [f"data quality: {self.n_items} items"]
        for issue in self.issues:
            if issue.count:
                shown = ", ".join(issue.item_keys[:5].tolist())
                shown += ", ..." if issue.count > 5 else ""
                lines.append(f"  {issue.name}: {issue.count} ({issue.description}): {shown}")
        for status, keys in self.unmapped_statuses.items():
            lines.append(f"  status {status!r} not in the workflow: {len(keys)} items")
        if len(lines) == 1:
            lines.append("  no issues")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The log
# --------------------------------------------------------------------------------------------


def _i(values: Times) -> I64:
    return values.astype("datetime64[us]", copy=False).view(np.int64)


def _t(values: I64) -> Times:
    """int64 microseconds (NEVER for "not") as datetime64 (NaT), converted in place."""
    values[values == NEVER] = _NAT_I
    return values.view("datetime64[us]")


def _first_true(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Column of the first True per row, and whether the row had one."""
    if mask.shape[1] == 0:
        return np.zeros(mask.shape[0], dtype=np.intp), np.zeros(mask.shape[0], dtype=bool)
    found: npt.NDArray[np.bool_] = np.asarray(mask.any(axis=1))
    return np.asarray(np.argmax(mask, axis=1)), found


@attrs.frozen(eq=False, repr=False)
class FlowLog:
    """Columnar flow data for a set of items in one workflow; build it with :meth:`build`.

    Timestamps are UTC ``datetime64[us]``; ``NaT`` means "not (yet)". ``as_of`` is the moment
    the data describes (open stays end there when a duration is needed).
    """

    workflow: Workflow
    policy: FlowPolicy
    as_of: np.datetime64
    keys: npt.NDArray[np.str_]
    types: npt.NDArray[np.int32]
    type_names: tuple[str, ...]
    points: npt.NDArray[np.float64]
    created: Times
    start: Times
    done: Times
    abandoned: npt.NDArray[np.bool_]
    abandoned_at: Times
    current_stage: npt.NDArray[np.int16]
    seg_item: npt.NDArray[np.int32]
    seg_stage: npt.NDArray[np.int16]
    seg_enter: Times
    seg_leave: Times
    first_entry: Times
    label_item: npt.NDArray[np.int32]
    label_code: npt.NDArray[np.int32]
    label_names: tuple[str, ...]
    sprint_item: npt.NDArray[np.int32]
    sprint_code: npt.NDArray[np.int32]
    sprint_names: tuple[str, ...]
    blk_item: npt.NDArray[np.int32]
    blk_from: Times
    blk_to: Times
    cyc_item: npt.NDArray[np.int32]
    cyc_code: npt.NDArray[np.int32]
    cyc_joined: Times
    cyc_left: Times
    cycle_names: tuple[str, ...]
    cycles: tuple[CycleWindow, ...]
    quality: DataQualityReport

    # -- derived views ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return (
            f"<FlowLog {len(self)} items, {self.n_segments} stays, "
            f"{int(self.is_done.sum())} done, as of {str(self.as_of)[:19]}Z>"
        )

    @property
    def n_segments(self) -> int:
        """How many stage stays the log holds."""
        return len(self.seg_item)

    @property
    def nbytes(self) -> int:
        """Bytes held by the log's numpy arrays."""
        fields = attrs.asdict(self, recurse=False).values()
        return sum(int(v.nbytes) for v in fields if isinstance(v, np.ndarray))

    @property
    def is_done(self) -> npt.NDArray[np.bool_]:
        """Items that finished (abandoned items never do)."""
        return ~np.isnat(self.done)

    @property
    def has_cycle_time(self) -> npt.NDArray[np.bool_]:
        """Done items with a known start: the ones cycle time is measured on."""
        return self.is_done & ~np.isnat(self.start)

    @property
    def in_progress(self) -> npt.NDArray[np.bool_]:
        """Items started and, at ``as_of``, in an in-progress stage (not moved back to a to-do
        stage, not done, not abandoned)."""
        stage = self.current_stage
        return ~np.isnat(self.start) & (stage >= self.start_index) & (stage < self.done_index)

    @property
    def start_index(self) -> int:
        """Index of the stage where cycle time starts."""
        return self.workflow.index_of(str(self.workflow.start))

    @property
    def done_index(self) -> int:
        """Index of the stage where cycle time ends (later stages are done too)."""
        return self.workflow.index_of(str(self.workflow.done))

    @property
    def stage_names(self) -> tuple[str, ...]:
        """Stage names in board order."""
        return self.workflow.names

    def as_of_datetime(self) -> datetime:
        """``as_of`` as an aware datetime."""
        return _EPOCH + timedelta(microseconds=int(self.as_of.astype(np.int64)))

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        histories: HistoryTable | str | os.PathLike[str] | Iterable[ItemHistory],
        workflow: Workflow,
        *,
        policy: FlowPolicy | None = None,
        as_of: datetime | str | None = None,
    ) -> FlowLog:
        """Build the log from histories and a workflow, applying ``policy``.

        Args:
            histories: a :class:`~agilemarketing.historyio.HistoryTable`, a path to history
                JSON Lines, or :class:`~agilemarketing.history.ItemHistory` objects.
            workflow: maps statuses to stages and says where cycle time starts and ends.
            policy: clean-up rules (default :class:`FlowPolicy`).
            as_of: the moment the data describes (for ageing and open stays); default the
                latest timestamp in the data. An earlier moment rewinds the histories to it
                (:meth:`~agilemarketing.historyio.HistoryTable.until`): the board as it was.
        """
        if isinstance(histories, HistoryTable):
            table = histories
        elif isinstance(histories, str | os.PathLike):
            table = read_history(histories)
        else:
            table = HistoryTable.from_histories(histories)
        if as_of is not None:
            cut = np.datetime64(ensure_utc(as_of).replace(tzinfo=None), "us")
            later = [table.tr_at, table.created, table.blk_from, table.cyc_joined]
            if any(bool((column > cut).any()) for column in later):
                table = table.until(as_of)
        return _build(table, workflow, policy or FlowPolicy(), as_of)

    @classmethod
    def example(cls) -> FlowLog:
        """A three-item flow log to try the metrics on (the docs' examples use it).

        A: Doing Jan 5, Review Jan 6, Done Jan 7; B: Doing Jan 5, blocked for a day, Done Jan 12;
        C: Doing Jan 8, still in progress at ``as_of`` (Jan 12 2026, 18:00 UTC). Review is a
        waiting stage; Doing has a WIP limit of 1.

        >>> FlowLog.example()
        <FlowLog 3 items, 9 stays, 2 done, as of 2026-01-12T18:00:00Z>
        """
        from agilemarketing.history import BlockedPeriod, Transition

        wf = Workflow.from_shorthand(
            "To Do,Doing,Review,Done", waiting=["Review"], wip={"Doing": 1}
        )

        def item(
            key: str, *moves: tuple[str, str], blocked: tuple[BlockedPeriod, ...] = ()
        ) -> ItemHistory:
            steps, previous = [], "To Do"
            for at, status in moves:
                steps.append(Transition(f"2026-01-{at}Z", previous, status))
                previous = status
            return ItemHistory(
                key,
                type="Email",
                status=previous,
                created="2026-01-05T08:00Z",
                transitions=steps,
                blocked=blocked,
                points=3,
            )

        return cls.build(
            [
                item("A", ("05T09:00", "Doing"), ("06T09:00", "Review"), ("07T17:00", "Done")),
                item(
                    "B",
                    ("05T09:00", "Doing"),
                    ("12T17:00", "Done"),
                    blocked=(BlockedPeriod("2026-01-06T09:00Z", "2026-01-07T09:00Z"),),
                ),
                item("C", ("08T09:00", "Doing")),
            ],
            wf,
            as_of="2026-01-12T18:00Z",
        )


def _keys_of(keys: npt.NDArray[np.str_], items: npt.NDArray[Any]) -> tuple[str, ...]:
    return tuple(keys[np.unique(items)].tolist())


def _build(
    t: HistoryTable, wf: Workflow, policy: FlowPolicy, as_of: datetime | str | None
) -> FlowLog:
    n, n_stages = len(t), len(wf.stages)
    start_idx, done_idx = wf.index_of(str(wf.start)), wf.index_of(str(wf.done))
    # status code -> stage index (-1: unmapped); code -1 ("no status") maps to the last slot.
    stage_of = np.array(
        [-1 if (s := wf.index_for_status(name)) is None else s for name in t.status_names] + [-1],
        dtype=np.int16,
    )
    issues: dict[str, npt.NDArray[Any]] = {}

    # 1. Transitions: out-of-order detection, stable sort, de-duplication.
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
    first_tr = np.ones(m, dtype=bool)
    first_tr[1:] = item[1:] != item[:-1]
    last_tr = np.ones(m, dtype=bool)
    last_tr[:-1] = item[1:] != item[:-1]
    gap = ~first_tr & (frm >= 0)
    gap[1:] &= frm[1:] != to[:-1]
    issues["status_gap"] = item[gap]

    # 2. Segments: the stay before the first transition, one per transition, and one for items
    #    without transitions (in their current status since creation).
    created = _i(t.created)
    has_tr = np.zeros(n, dtype=bool)
    has_tr[item] = True
    f_item = item[first_tr]
    f_at = at[first_tr]
    f_created = created[f_item]
    init_ok = (frm[first_tr] >= 0) & (f_created != _NAT_I) & (f_created < f_at)
    lone = np.flatnonzero(~has_tr & (created != _NAT_I))
    # Place every segment at its final position (items in order, each item's stays in time
    # order) instead of sorting: counts per item -> offsets -> scatter.
    init_item = f_item[init_ok]
    n_init = np.zeros(n, dtype=np.int64)
    n_init[init_item] = 1
    n_tr = np.bincount(item, minlength=n).astype(np.int64)
    n_lone = np.zeros(n, dtype=np.int64)
    n_lone[lone] = 1
    count = n_init + n_tr + n_lone
    offsets = np.cumsum(count) - count
    first_row = np.zeros(n, dtype=np.int64)
    first_row[f_item] = np.flatnonzero(first_tr)
    tr_pos = np.arange(m, dtype=np.int64)
    tr_pos -= first_row[item]
    tr_pos += offsets[item]
    tr_pos += n_init[item]
    total = int(count.sum())
    seg_item = np.repeat(np.arange(n, dtype=np.int32), count)
    seg_status = np.empty(total, dtype=np.int32)
    seg_enter = np.empty(total, dtype=np.int64)
    for pos, status, enter in (
        (offsets[init_item], frm[first_tr][init_ok], f_created[init_ok]),
        (tr_pos, to, at),
        (offsets[lone], t.statuses[lone], created[lone]),
    ):
        seg_status[pos] = status
        seg_enter[pos] = enter
    # A stay ends when the item's next one starts; the last stay of an item is open.
    seg_leave = np.full(total, NEVER, dtype=np.int64)
    same_item = seg_item[1:] == seg_item[:-1]
    np.copyto(seg_leave[:-1], seg_enter[1:], where=same_item)
    del same_item
    # Truncated histories: starting mid-workflow, no created date, or the current status
    # disagreeing with the last transition.
    f_stage = stage_of[frm[first_tr]]
    last_to = to[last_tr]
    status_now = t.statuses[item[last_tr]]
    differs = (status_now != last_to) & (stage_of[status_now] != stage_of[last_to])
    issues["truncated"] = np.concatenate(
        [f_item[f_stage >= start_idx], item[last_tr][differs], np.flatnonzero(created == _NAT_I)]
    )
    # The transition columns are not needed any more: free them before the next steps.
    del item, at, frm, to, tr_pos, first_tr, last_tr, f_at, f_created, init_ok
    seg_stage = stage_of[seg_status]
    # Merge consecutive stays in the same stage (two statuses of one stage, or repeats).
    k = len(seg_item)
    new_item = np.ones(k, dtype=bool)
    new_item[1:] = seg_item[1:] != seg_item[:-1]
    run = new_item.copy()
    run[1:] |= seg_stage[1:] != seg_stage[:-1]
    run[1:] |= (seg_stage[1:] < 0) & (seg_status[1:] != seg_status[:-1])
    if not run.all():
        starts = np.flatnonzero(run)
        ends = np.append(starts[1:], k) - 1
        # one array at a time, so that only one extra copy is alive at any moment
        seg_leave = seg_leave[ends]
        del ends
        seg_item = seg_item[starts]
        seg_stage = seg_stage[starts]
        seg_status = seg_status[starts]
        seg_enter = seg_enter[starts]
        new_item = new_item[starts]
        del starts
        k = len(seg_item)
    del run
    prev = np.full(k, -2, dtype=np.int16)
    prev[1:] = seg_stage[:-1]
    prev[new_item] = -2  # -2: no previous stay
    mapped = (seg_stage >= 0) & (prev >= 0)
    issues["backwards_move"] = seg_item[mapped & (seg_stage < prev)]
    issues["skipped_stage"] = seg_item[mapped & (seg_stage > prev + 1)]
    issues["reopened"] = seg_item[mapped & (prev >= done_idx) & (seg_stage < done_idx)]
    unmapped = seg_stage < 0
    issues["unmapped_status"] = seg_item[unmapped]
    unmapped_statuses: dict[str, tuple[str, ...]] = {}
    for code in np.unique(seg_status[unmapped]).tolist():
        name = "" if code < 0 else t.status_names[code]
        unmapped_statuses[name] = _keys_of(t.keys, seg_item[unmapped & (seg_status == code)])
    issues["created_done"] = seg_item[new_item & (seg_stage >= done_idx)]

    # 3. Per item: entry dates per stage, current stage, start and done under the policy.
    flat = seg_item.astype(np.int64)
    flat *= n_stages
    flat += seg_stage
    entered = seg_enter
    if unmapped.any():  # stays in unmapped statuses have no stage column
        flat, entered = flat[~unmapped], seg_enter[~unmapped]
    fe = np.full(n * n_stages, NEVER, dtype=np.int64)
    np.minimum.at(fe, flat, entered)
    first_entry = fe.reshape(n, n_stages)
    last_seg = np.append(np.flatnonzero(new_item)[1:], k)[: int(new_item.sum())] - 1
    current = np.full(n, -1, dtype=np.int16)
    current[seg_item[last_seg]] = seg_stage[last_seg]
    has_seg = np.zeros(n, dtype=bool)
    has_seg[seg_item] = True
    no_seg = ~has_seg
    current[no_seg] = stage_of[t.statuses[no_seg]]
    abandoned = current < 0
    abandoned_at = np.full(n, NEVER, dtype=np.int64)
    abandoned_at[seg_item[last_seg]] = seg_enter[last_seg]
    abandoned_at[~abandoned] = NEVER
    if policy.backwards is Backwards.LAST_ENTRY:
        le = np.full(n * n_stages, _NAT_I, dtype=np.int64)
        np.maximum.at(le, flat, entered)
        dates = np.where(le == _NAT_I, NEVER, le).reshape(n, n_stages)
    else:
        dates = first_entry
    del flat, entered, seg_status, mapped
    work = dates[:, start_idx:done_idx]
    col, any_start = _first_true(work != NEVER)
    start = np.where(any_start, work[np.arange(n), col], NEVER)
    is_done = current >= done_idx
    if policy.backwards is Backwards.FIRST_ENTRY:
        done = first_entry[:, done_idx:].min(axis=1)
    else:
        into_done = (seg_stage >= done_idx) & ((prev < done_idx) | new_item)
        last_done = np.full(n, _NAT_I, dtype=np.int64)
        np.maximum.at(last_done, seg_item[into_done], seg_enter[into_done])
        done = np.where(last_done == _NAT_I, NEVER, last_done)
    done = np.where(is_done, done, NEVER)
    start = np.where(
        (start > done) & (start != NEVER), done, start
    )  # e.g. last restart logged after the done move
    issues["done_without_start"] = np.flatnonzero(is_done & (start == NEVER))
    issues["abandoned"] = np.flatnonzero(abandoned)

    keys = t.keys
    report = DataQualityReport(
        n_items=n,
        issues=tuple(
            QualityIssue(name, text, keys[np.unique(issues.get(name, np.empty(0, np.int64)))])
            for name, text in ISSUES.items()
        ),
        unmapped_statuses=unmapped_statuses,
    )

    if as_of is None:
        candidates = [seg_enter.max(initial=_NAT_I), created.max(initial=_NAT_I)]
        blk = _i(t.blk_to)
        candidates.append(blk.max(initial=_NAT_I))
        as_of_i = max(candidates)
        if as_of_i == _NAT_I:
            as_of_i = 0
    else:
        as_of_i = (ensure_utc(as_of) - _EPOCH) // timedelta(microseconds=1)

    return FlowLog(
        workflow=wf,
        policy=policy,
        as_of=np.datetime64(int(as_of_i), "us"),
        keys=keys,
        types=t.types,
        type_names=t.type_names,
        points=t.points,
        created=t.created,
        start=_t(start),
        done=_t(done),
        abandoned=abandoned,
        abandoned_at=_t(abandoned_at),
        current_stage=current,
        seg_item=seg_item.astype(np.int32, copy=False),
        seg_stage=seg_stage,
        seg_enter=seg_enter.view("datetime64[us]"),
        seg_leave=_t(seg_leave),
        first_entry=_t(first_entry),
        label_item=t.label_item,
        label_code=t.label_code,
        label_names=t.label_names,
        sprint_item=t.sprint_item,
        sprint_code=t.sprint_code,
        sprint_names=t.sprint_names,
        blk_item=t.blk_item,
        blk_from=t.blk_from,
        blk_to=t.blk_to,
        cyc_item=t.cyc_item,
        cyc_code=t.cyc_code,
        cyc_joined=t.cyc_joined,
        cyc_left=t.cyc_left,
        cycle_names=t.cycle_names,
        cycles=t.cycles,
        quality=report,
    )
