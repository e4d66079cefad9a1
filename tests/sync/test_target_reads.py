"""Targets cost what they must (issue 11 point 9).

A target that reads incrementally is read from its own cursor (the mirror's ``target_cursors``),
stored past the sync's own writes; a target that can read its state without history is read
that way. Measured with a counting target: the records a sync reads from it over a few runs,
before (a full read with history every run) and after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from agilemarketing.adapter import Capabilities, HistoryFidelity, UpdateFields
from agilemarketing.mirror import Mirror
from agilemarketing.sync import SyncReport, plan
from agilemarketing.testing import CountingAdapter, InMemoryAdapter, sample_histories

Memory = Callable[..., InMemoryAdapter]
Sync = Callable[..., SyncReport]

ITEMS, RUNS, EDITS = 200, 5, 2


class FullReadTarget(CountingAdapter):
    """The same target read as before: in full, with history, on every run."""

    capabilities: ClassVar[Capabilities] = Capabilities(
        write=True, history=HistoryFidelity.EXACT, missing_is_deleted=True, carries_history=True
    )
    read_state = None  # type: ignore[assignment]  # no state-only read either


def _runs(memory: Memory, sync: Sync, mirror: Mirror, target: CountingAdapter) -> CountingAdapter:
    """A first sync of ITEMS items, then RUNS runs each editing EDITS items at the source."""
    source = memory("board", sample_histories(ITEMS))
    sync(source, target, mirror)
    for run in range(RUNS):
        for n in range(EDITS):
            key = f"MKT-{1 + (run * EDITS + n) % ITEMS}"
            source.apply(UpdateFields(key, {"summary": f"edit {run}.{n}"}))
        report = sync(source, target, mirror)
        assert report.by_kind == {"update": EDITS}
    assert plan(source, target, mirror, full=True).changes == ()
    return target


def test_an_incremental_target_is_read_from_its_own_cursor_and_as_state_only(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    target = _runs(memory, sync, mirror, CountingAdapter("target"))
    assert target.records_read == 0  # never with history
    # each run reads nothing at plan time (nothing changed there since its cursor) and reads
    # its own writes back once after applying them (to move the cursor past them); the final
    # full=True plan reads everything
    assert target.states_read == ITEMS + RUNS * EDITS + ITEMS
    assert mirror.target_cursor("memory:board", target.identity) is not None


def test_reading_the_target_from_its_cursor_costs_a_fraction_of_full_reads(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    after = _runs(memory, sync, mirror, CountingAdapter("target"))
    with Mirror(mirror.path.replace("state.db", "before.db")) as other:
        before = _runs(memory, sync, other, FullReadTarget("target"))
    # before: every run reads the whole target with history (plus the final full plan)
    assert before.records_read == ITEMS * (RUNS + 1)
    assert before.states_read == 0
    cost_after = after.records_read + after.states_read
    print(f"target records read: before {before.records_read}, after {cost_after}")
    assert cost_after * 2 < before.records_read


def test_a_target_only_edit_keeps_the_cursor_so_a_later_source_edit_of_that_field_conflicts(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source, target = memory("board", sample_histories(5)), CountingAdapter("target")
    sync(source, target, mirror)
    target.apply(UpdateFields("MKT-2", {"summary": "edited in the target"}))
    sync(source, target, mirror)  # nothing to send: the target's edit stands
    sync(source, target, mirror)
    source.apply(UpdateFields("MKT-2", {"summary": "edited at the source"}))
    the_plan = plan(source, target, mirror)
    assert [(c.key, c.field) for c in the_plan.conflicts] == [("MKT-2", "summary")]


def test_an_item_deleted_in_the_target_is_seen_by_its_incremental_read(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source, target = memory("board", sample_histories(5)), CountingAdapter("target")
    sync(source, target, mirror)
    target.remove("MKT-3")
    source.apply(UpdateFields("MKT-3", {"summary": "edited at the source"}))
    the_plan = plan(source, target, mirror, "prefer-source")
    assert [(c.key, c.field) for c in the_plan.conflicts] == [("MKT-3", "item")]
