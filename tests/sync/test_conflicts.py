"""Conflicts: a field changed on both sides, and what each policy does with it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import Adapter, MoveStatus, UpdateFields
from agilemarketing.errors import SyncConflictError
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import Mirror
from agilemarketing.sync import ConflictPolicy, SyncReport, apply, plan
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories


def test_a_field_changed_on_both_sides_is_reported_with_base_and_both_values(
    diverged: tuple[InMemoryAdapter, InMemoryAdapter, Mirror],
) -> None:
    source, target, mirror = diverged
    (conflict,) = plan(source, target, mirror).conflicts
    assert (conflict.key, conflict.field) == ("MKT-2", "summary")
    assert conflict.base == "Marketing work item 2"
    assert (conflict.source, conflict.target) == ("Source title", "Target title")
    assert "base 'Marketing work item 2'" in str(conflict)


def test_policy_fail_writes_nothing_and_raises(
    diverged: tuple[InMemoryAdapter, InMemoryAdapter, Mirror],
) -> None:
    source, target, mirror = diverged
    state, journal = read_state(target), mirror.journal()
    the_plan = plan(source, target, mirror, "fail")
    assert the_plan.blocked_by_conflicts
    with pytest.raises(SyncConflictError, match="MKT-2 summary") as info:
        apply(the_plan)
    assert info.value.conflicts == the_plan.conflicts
    assert read_state(target) == state
    assert mirror.journal() == journal


def test_policy_prefer_source_writes_the_source_value(
    diverged: tuple[InMemoryAdapter, InMemoryAdapter, Mirror],
    sync: Callable[..., SyncReport],
    synced: Callable[[Adapter], dict[str, tuple[object, ...]]],
) -> None:
    source, target, mirror = diverged
    report = sync(source, target, mirror, ConflictPolicy.PREFER_SOURCE)
    assert [c.resolution for c in report.conflicts] == ["source"]
    assert read_state(target)["MKT-2"].history.summary == "Source title"
    assert synced(target) == synced(source)
    assert plan(source, target, mirror).changes == ()


def test_policy_prefer_target_keeps_the_target_value_for_good(
    diverged: tuple[InMemoryAdapter, InMemoryAdapter, Mirror], sync: Callable[..., SyncReport]
) -> None:
    source, target, mirror = diverged
    sync(source, target, mirror, "prefer-target")
    state = read_state(target)
    assert state["MKT-2"].history.summary == "Target title"
    assert state["MKT-3"].history.summary == "Only the source changed this"
    again = plan(source, target, mirror, "fail")
    assert again.changes == ()
    assert again.conflicts == ()


def test_policy_skip_leaves_the_item_alone_and_reports_it_again(
    diverged: tuple[InMemoryAdapter, InMemoryAdapter, Mirror], sync: Callable[..., SyncReport]
) -> None:
    source, target, mirror = diverged
    report = sync(source, target, mirror, "skip")
    assert [c.resolution for c in report.conflicts] == ["skipped"]
    state = read_state(target)
    assert state["MKT-2"].history.summary == "Target title"
    assert state["MKT-3"].history.summary == "Only the source changed this"
    again = plan(source, target, mirror, "skip")
    assert [(c.key, c.field) for c in again.conflicts] == [("MKT-2", "summary")]


def test_a_target_only_edit_is_kept_not_overwritten(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source, target = memory("board", sample_histories(3)), memory("copy")
    sync(source, target, mirror)
    target.apply(UpdateFields("MKT-1", {"summary": "Edited on the copy"}))
    source.apply(MoveStatus("MKT-1", "Review"))
    the_plan = plan(source, target, mirror)
    assert [c.describe() for c in the_plan.changes] == ["move MKT-1 'To Do' -> 'Review'"]
    apply(the_plan)
    record = read_state(target)["MKT-1"].history
    assert (record.summary, record.status) == ("Edited on the copy", "Review")


def test_the_same_edit_on_both_sides_is_not_a_conflict(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source, target = memory("board", sample_histories(3)), memory("copy")
    sync(source, target, mirror)
    for side in (source, target):
        side.apply(UpdateFields("MKT-2", {"points": 13}))
    the_plan = plan(source, target, mirror)
    assert the_plan.conflicts == ()
    assert the_plan.changes == ()


def test_an_item_that_exists_on_both_sides_before_any_sync_is_a_conflict_when_they_differ(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter]
) -> None:
    source = memory("board", [ItemHistory("MKT-1", summary="Ours", status="To Do")])
    target = memory("copy", [ItemHistory("MKT-1", summary="Theirs", status="To Do")])
    (conflict,) = plan(source, target, mirror).conflicts
    assert (conflict.base, conflict.source, conflict.target) == (None, "Ours", "Theirs")


side_edits = st.lists(
    st.tuples(st.sampled_from(["source", "target"]), st.integers(1, 5), st.text(max_size=4)),
    max_size=8,
)


@given(side_edits, st.sampled_from(list(ConflictPolicy)))
def test_no_policy_but_prefer_source_ever_overwrites_an_edit_made_on_the_target(
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    edits: list[tuple[str, int, str]],
    policy: ConflictPolicy,
) -> None:
    with Mirror(":memory:") as m:
        source, target = memory("s", sample_histories(5)), memory("t")
        sync(source, target, m)
        target_edits: dict[str, str] = {}
        for n, (side, number, summary) in enumerate(edits):
            key = f"MKT-{number}"
            adapter = source if side == "source" else target
            adapter.apply(UpdateFields(key, {"summary": f"{side} {summary}"}, origin=str(n)))
            if side == "target":
                target_edits[key] = f"target {summary}"
        before = read_state(target)
        the_plan = plan(source, target, m, policy)
        if the_plan.blocked_by_conflicts:
            with pytest.raises(SyncConflictError):
                apply(the_plan)
            assert read_state(target) == before
            return
        apply(the_plan)
        after = read_state(target)
        conflicted = {c.key for c in the_plan.conflicts}
        for key, value in target_edits.items():
            if policy is ConflictPolicy.PREFER_SOURCE and key in conflicted:
                assert after[key].history.summary == source_summary(source, key)
            else:
                assert after[key].history.summary == value, (key, policy)


def source_summary(source: Adapter, key: str) -> str:
    return read_state(source)[key].history.summary
