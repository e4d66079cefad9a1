"""Applying a plan (:func:`apply`): journalled batches, the new merge bases, resuming a crash.

Each batch is journalled as *planned* in the mirror (one transaction) before it is sent, and as
*applied* or *failed* after it (another transaction), together with the new merge base of its
items. A run that was killed is simply run again: journal entries it left *planned* are settled
(sent again if the new plan still has them, else found applied or superseded).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    ItemRecord,
    MoveStatus,
    Rerank,
    UpdateFields,
    change_from_dict,
)
from agilemarketing.errors import AgileMarketingError, SyncConflictError
from agilemarketing.mirror import (
    JournalEntry,
    JournalStatus,
    Mirror,
    MirrorAdapter,
    target_base,
)
from agilemarketing.sync.boards import store_boards
from agilemarketing.sync.itemplan import ItemPlan
from agilemarketing.sync.keymaps import KeyMap, new_pairs
from agilemarketing.sync.locking import holding_locks
from agilemarketing.sync.progress import Progress
from agilemarketing.sync.quiet import current, cursor_of, forget, remember
from agilemarketing.sync.removals import apply_removals
from agilemarketing.sync.report import FailedChange, SyncReport
from agilemarketing.sync.runs import finish_run
from agilemarketing.sync.syncplan import SyncPlan
from agilemarketing.sync.targetreads import cursor_after_apply, reads_incrementally
from agilemarketing.utc import utcnow

__all__ = ["apply"]


@holding_locks("the_plan.context.target_adapter", "the_plan.context.mirror")
def apply(the_plan: SyncPlan, *, progress: Progress | None = None) -> SyncReport:
    """Send the plan's changes to the target, journalled, and store the new merge base.

    Raises :class:`~agilemarketing.errors.SyncConflictError` (writing nothing) when the policy
    is ``fail`` and the plan has conflicts. If the target raises halfway (a crash, a lost
    connection), what was done so far is kept: run :func:`plan` and :func:`apply` again.
    """
    if the_plan.blocked_by_conflicts:
        raise SyncConflictError(the_plan.conflicts)
    work = the_plan.context
    pair = (work.source_board, work.target_board)
    target_at_start = cursor_of(work.target_adapter) if work.quiet is not None else None
    if _writes(the_plan):  # a run killed from here on leaves no state to skip the next one
        forget(work.mirror, pair)
    _rename_boards(the_plan)
    started_at = utcnow()
    apply_removals(
        work.removals,
        work.mirror,
        work.target_adapter,
        work.source_board,
        work.target_board,
        utcnow(),
    )
    resumed, recovered = _settle_interrupted(the_plan)
    tally = _Tally()
    # A mirror target takes the source's history in the write itself (change types hold none).
    carries = isinstance(work.target_adapter, MirrorAdapter)
    total, done = len(the_plan.changes), 0
    # A target that rewrites itself on every write (a CSV file) takes everything at once:
    # batches would rewrite it once each, a cost that grows with the square of the board.
    size = (len(the_plan.changes) or 1) if work.target_adapter.rewrites_whole_target else 0
    # grows with the keys the target assigns batch by batch (and those found on resume)
    keys = work.target_keys.with_pairs(_made(recovered))
    # Items the target has not created yet: a change naming one (as its item or neighbour)
    # cannot name it in the tool's keys, and the sync's key may be another item's there (an
    # item whose lost create the tool could not be asked about has no key there either).
    uncreated = (
        {c.key for c in the_plan.changes if isinstance(c, CreateItem)} - _made(recovered).keys()
        if work.target_adapter.capabilities.assigns_keys
        else set()
    )
    for batch in _batches(work.items, max(work.batch_size, size)):
        changes = [c for item in batch for c in item.changes]
        histories = {i.key: i.adopt for i in batch if i.adopt is not None} if carries else {}
        results = _send(
            changes,
            work.mirror,
            work.target_adapter,
            work.target_board,
            keys,
            (uncreated, recovered),
            histories,
        )
        keys = keys.with_pairs(new_pairs(results))
        failed_keys = tally.count(results, work.target_adapter)
        done_items = [i for i in batch if i.key not in failed_keys and not i.blocked]
        _record_batch(the_plan, results, done_items)
        done += len(changes)
        if progress is not None and changes:
            progress("apply", done, total)
    store_boards(work.mirror, work.boards)
    clean = not any(i.blocked for i in work.items) and not tally.failed
    if clean:
        _store_cursor(the_plan, wrote=bool(total))
    if work.quiet is not None:
        # Left behind only when the next run would find nothing to report, and the target
        # did not move between the plan's read and this apply (someone else wrote meanwhile).
        settled = clean and not the_plan.conflicts and not the_plan.unmapped_statuses
        untouched = target_at_start is not None and target_at_start == work.quiet.target
        state = current(work.quiet, cursor_of(work.target_adapter), work.mirror, pair)
        remember(state if settled and untouched else None, work.mirror, pair)
    compacted = 0
    if total:  # a run that wrote is noted, and the journal kept to its bounds
        summary = {"applied": tally.applied, "failed": len(tally.failed), **tally.by_kind}
        compacted = finish_run(work.mirror, the_plan.target, started_at, summary, work.journal)
    return SyncReport(
        source=the_plan.source,
        target=the_plan.target,
        applied=tally.applied,
        already_applied=tally.already_applied,
        failed=tuple(tally.failed),
        conflicts=the_plan.conflicts,
        resumed=resumed,
        by_kind=tally.by_kind,
        compacted=compacted,
        removed=len(work.removals.removed),
        restored=len(work.removals.restored),
    )


def _writes(the_plan: SyncPlan) -> bool:
    """Whether applying the plan writes anything (to the target, or to the mirror's bases)."""
    work = the_plan.context
    return bool(
        work.items
        or work.removals.removed
        or work.removals.restored
        or the_plan.interrupted
        or work.renames
    )


@attrs.define
class _Tally:
    """What the target did with the changes sent so far."""

    applied: int = 0
    already_applied: int = 0
    failed: list[FailedChange] = attrs.Factory(list)
    by_kind: dict[str, int] = attrs.Factory(dict)

    def count(self, results: Iterable[ChangeResult], target: Adapter) -> set[str]:
        """Count ``results`` in; return the keys of the items a change failed for."""
        failed_keys = set()
        for result in results:
            if result.status is ChangeStatus.FAILED:
                failed_keys.add(result.change.key)
                self.failed.append(
                    FailedChange(
                        result.change_id,
                        result.change.describe(),
                        target.redact(str(result.error)),
                    )
                )
                continue
            if result.status is ChangeStatus.APPLIED:
                self.applied += 1
            else:
                self.already_applied += 1
            self.by_kind[result.change.kind] = self.by_kind.get(result.change.kind, 0) + 1
        return failed_keys


def _batches(items: Iterable[ItemPlan], size: int) -> Iterator[list[ItemPlan]]:
    """Consecutive groups of whole items holding about ``size`` changes each."""
    batch: list[ItemPlan] = []
    count = 0
    for item in items:
        batch.append(item)
        count += len(item.changes)
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def _send(
    changes: list[AnyChange],
    mirror: Mirror,
    target: Adapter,
    tgt: str,
    keys: KeyMap,
    waiting: tuple[set[str], Mapping[str, _Recovered]],
    histories: Mapping[str, ItemRecord],
) -> list[ChangeResult]:
    """Journal ``changes`` as planned (one transaction), then send them to the target under
    its own keys (``keys``), with ``histories`` to carry onto a mirror target's items; the
    results name the changes as planned.

    To a target that assigns keys, a batch's creates go first, on their own: a later change
    of the batch (a rerank of a new item, or next to one) names the key the target gave. A
    change naming an item still ``uncreated`` (its create failed, or comes later) fails unsent:
    under the sync's key it could reach another item of the tool. Creates that succeed leave
    ``uncreated``. A create of an item ``recovered`` on resume (an earlier send of it made an
    item whose answer was lost) fails unsent: the next run updates that item instead."""
    uncreated, recovered = waiting
    if not changes:
        if histories:  # nothing to send, only histories to carry
            _written(target, [], keys, histories)
        return []
    planned_at = utcnow()
    with mirror.transaction():
        mirror.record_planned(
            tgt,
            [
                JournalEntry(
                    tgt, c.change_id, c.kind, c.key, c.as_dict(), JournalStatus.PLANNED, planned_at
                )
                for c in changes
            ],
        )
    creates = [c for c in changes if isinstance(c, CreateItem)]
    if not target.capabilities.assigns_keys:
        return _written(target, changes, keys, histories)
    # Creates come first in a batch (the plan orders them so); the rest follow them.
    sending = [c for c in creates if c.key not in recovered]
    done = _written(target, sending, keys) if sending else []
    done += [
        ChangeResult(c, ChangeStatus.FAILED, error=recovered[c.key].why(c))
        for c in creates
        if c.key in recovered
    ]
    uncreated.difference_update(r.change.key for r in done if r.ok)
    rest = [c for c in changes if not isinstance(c, CreateItem)]
    if not rest:
        return done
    held = [(c, _uncreated(c, uncreated)) for c in rest]  # (change, why it waits, or None)
    sent = iter(
        _written(target, [c for c, why in held if why is None], keys.with_pairs(new_pairs(done)))
    )
    return done + [
        next(sent) if why is None else ChangeResult(c, ChangeStatus.FAILED, error=why)
        for c, why in held
    ]


def _uncreated(change: AnyChange, uncreated: set[str]) -> AgileMarketingError | None:
    """Why ``change`` cannot be sent yet (it names an item the target has not created), or
    None."""
    named = [change.key]
    if isinstance(change, Rerank):
        named += [k for k in (change.before, change.after) if k is not None]
    missing = [k for k in named if k in uncreated]
    if not missing:
        return None
    return AgileMarketingError(
        f"{', '.join(missing)} not created in the target yet (its create failed, or is not "
        "sent yet), so the target has no key for it",
        where=change.describe(),
        fix="see why the create failed; the next sync sends this change once it has succeeded",
    )


def _written(
    target: Adapter,
    changes: Sequence[AnyChange],
    keys: KeyMap,
    histories: Mapping[str, ItemRecord] | None = None,
) -> list[ChangeResult]:
    """Send ``changes`` under the tool's keys; a mirror target also takes ``histories`` (the
    source's, to carry onto the items) in the same write, or, when its class has a ``write``
    of its own (which the changes must go through), in a write after it."""
    tool_changes = [keys.for_tool(c) for c in changes]
    if not histories or not isinstance(target, MirrorAdapter):
        results = target.write(tool_changes)
    elif type(target).write is MirrorAdapter.write:
        results = target.write_carrying(tool_changes, histories)
    else:
        results = target.write(tool_changes)
        failed = {r.change.key for r in results if r.status is ChangeStatus.FAILED}
        target.write_carrying([], {k: h for k, h in histories.items() if k not in failed})
    return [attrs.evolve(r, change=c) for r, c in zip(results, changes, strict=True)]


def _record_batch(
    the_plan: SyncPlan, results: list[ChangeResult], done_items: list[ItemPlan]
) -> None:
    """Journal what became of a batch's changes and store the new merge bases of the items
    done, in one transaction."""
    mirror, target = the_plan.context.mirror, the_plan.context.target_adapter
    rows = [_journal_row(result, target) for result in results]
    src, tgt = the_plan.context.source_board, the_plan.context.target_board
    assigned = new_pairs(results)  # keys the target gave the items it created
    with mirror.transaction():
        mirror.record_results(tgt, rows)
        if assigned:
            mirror.map_keys(tgt, assigned)
        mirror.save_board(src, [i.source_base for i in done_items if i.source_base is not None])
        mirror.save_board(  # fields and status: planning compares nothing else of a target
            target_base(tgt),
            [i.target_base for i in done_items if i.target_base is not None],
            transitions=False,
        )


def _store_cursor(the_plan: SyncPlan, *, wrote: bool) -> None:
    """Store where the next incremental reads of the source and of the target start (past
    this run's own writes), and the source's peer, if changed."""
    work = the_plan.context
    mirror, cursor = work.mirror, work.source_cursor
    src, tgt = work.source_board, work.target_board
    target_cursor = work.target_cursor
    incremental = reads_incrementally(work.target_adapter)
    if incremental and wrote:
        written = {i.key for i in work.items if i.changes}
        target_cursor = cursor_after_apply(
            work.target_adapter, target_cursor, written, KeyMap.of(mirror.key_map(tgt)).local
        )
    if incremental and mirror.target_cursor(src, tgt) != target_cursor:
        with mirror.transaction():
            mirror.set_target_cursor(src, tgt, target_cursor)
    if mirror.cursor(src) != cursor or mirror.peer(src) != tgt:
        with mirror.transaction():
            mirror.set_cursor(src, cursor, peer=tgt)


def _journal_row(
    result: ChangeResult, target: Adapter
) -> tuple[str, JournalStatus, Mapping[str, Any] | None]:
    if result.status is ChangeStatus.FAILED:
        return (
            result.change_id,
            JournalStatus.FAILED,
            {"error": target.redact(str(result.error))},
        )
    return (
        result.change_id,
        JournalStatus.APPLIED,
        {"status": result.status.value, "key": result.key},
    )


def _rename_boards(the_plan: SyncPlan) -> None:
    """Rename the boards an earlier release stored under the URL as typed to their identity."""
    mirror = the_plan.context.mirror
    if the_plan.context.renames:
        with mirror.transaction():
            for old, new in the_plan.context.renames:
                mirror.rename_board(old, new)


@attrs.frozen
class _Recovered:
    """What a resumed run learnt of a create an interrupted run sent without an answer, for an
    item the new plan creates again as another change: ``key``, the item the tool made of it
    (None: the tool could not be asked, ``error`` says why)."""

    earlier: str  # the earlier create's change id
    key: str | None
    error: str | None = None

    def why(self, change: CreateItem) -> AgileMarketingError:
        """Why ``change`` (the new create of the item) is not sent."""
        if self.key is None:
            return AgileMarketingError(
                f"an earlier run sent a create of {change.key} and got no answer, and the "
                f"target could not be asked whether it made the item ({self.error})",
                where=change.describe(),
                fix="run the sync again: it asks again, and creates the item only once it "
                "knows the earlier create made nothing",
            )
        return AgileMarketingError(
            f"an earlier run's create of {change.key} made {self.key} (its answer was lost); "
            f"{change.key} is now mapped to {self.key}, so it is not created a second time",
            where=change.describe(),
            fix=f"run the sync again: it brings {self.key} up to date",
        )


def _settle_interrupted(the_plan: SyncPlan) -> tuple[int, dict[str, _Recovered]]:
    """Settle journal entries an interrupted run left *planned*; return how many, and the
    creates found made without an answer (by the sync's key of their item).

    A change the new plan still contains is sent again (same id: the target recognises it).
    Any other was either applied before the interruption (the target holds it) or superseded.
    A create the target does not show under the sync's key may still have been made, its
    answer lost: a target that assigns keys is asked (:meth:`Adapter.find_created`), and what
    it made is mapped to the item, so the new plan's create of it is not sent.
    """
    if not the_plan.interrupted:
        return 0, {}
    work = the_plan.context
    planned_ids = {c.change_id for c in the_plan.changes}
    recreated = {c.key for c in the_plan.changes if isinstance(c, CreateItem)}
    rows: list[tuple[str, JournalStatus, Mapping[str, Any] | None]] = []
    recovered: dict[str, _Recovered] = {}
    for entry in the_plan.interrupted:
        if entry.change_id in planned_ids:
            continue
        try:
            change = change_from_dict(entry.payload)
        except AgileMarketingError:
            rows.append((entry.change_id, JournalStatus.FAILED, {"error": "unreadable entry"}))
            continue
        record = work.target_now.get(change.key)
        if record is not None and _holds(change, record):
            rows.append(
                (entry.change_id, JournalStatus.APPLIED, {"status": "found applied on resume"})
            )
            continue
        if isinstance(change, CreateItem) and change.key in recreated:
            found = _found_created(work.target_adapter, change, entry.change_id)
            if found is not None:
                earlier = recovered.get(change.key)
                if earlier is None or earlier.key is None:  # a create found made stays found
                    recovered[change.key] = found
                if found.key is None:
                    continue  # left planned: asked again next run
                result = {"status": "found applied on resume", "key": found.key}
                rows.append((entry.change_id, JournalStatus.APPLIED, result))
                continue
        rows.append(
            (
                entry.change_id,
                JournalStatus.FAILED,
                {"error": "not applied; superseded by a newer plan"},
            )
        )
    if rows or recovered:
        with work.mirror.transaction():
            work.mirror.record_results(work.target_board, rows)
            if _made(recovered):
                work.mirror.map_keys(work.target_board, _made(recovered))
                _base_on_found(the_plan, _made(recovered))
    return len(the_plan.interrupted), recovered


def _base_on_found(the_plan: SyncPlan, made: Mapping[str, str]) -> None:
    """Take the items found made on resume, as the target holds them, as the target's merge
    base of their items, and give them no source base: the sync made them, so each field where
    the source differs is the source's to write (the lost create may have stopped short of its
    status, say). The target's record is in the target's vocabulary: as the source's base it
    was translated again (a status map's "To Do" -> "Doing"), and a move could look undone."""
    work = the_plan.context
    found = [
        attrs.evolve(record, history=attrs.evolve(record.history, key=local))
        for local, tool in made.items()
        if (record := work.target_now.get(tool)) is not None
    ]
    work.mirror.save_board(target_base(work.target_board), found, transitions=False)


def _made(recovered: Mapping[str, _Recovered]) -> dict[str, str]:
    """The sync's keys of the items found made on resume, with the keys the tool gave them."""
    return {k: f.key for k, f in recovered.items() if f.key is not None}


def _found_created(target: Adapter, change: CreateItem, change_id: str) -> _Recovered | None:
    """What ``target`` made of an earlier send of ``change``, if it made something."""
    if not target.capabilities.assigns_keys:
        return None
    try:
        key = target.find_created(change)
    except AgileMarketingError as error:
        return _Recovered(change_id, None, target.redact(str(error)))
    return None if key is None else _Recovered(change_id, key)


def _holds(change: AnyChange, record: ItemRecord) -> bool:
    match change:
        case CreateItem() | UpdateFields() | MoveStatus():
            return change.satisfied_by(record)
    return False
