"""The journal: changes planned before they are sent, applied or failed after, one row each."""

from __future__ import annotations

from collections.abc import Callable

from agilemarketing.mirror import JournalEntry, JournalStatus, Mirror


def test_the_journal_records_planned_then_applied_changes(
    mirror: Mirror, entry: Callable[..., JournalEntry]
) -> None:
    with mirror.transaction():
        assert mirror.record_planned("memory:b", [entry("c1"), entry("c2", "A-2")]) == 2
    assert [e.status for e in mirror.journal("memory:b")] == ["planned", "planned"]
    with mirror.transaction():
        mirror.record_results(
            "memory:b",
            [("c1", JournalStatus.APPLIED, {"ok": True}), ("c2", JournalStatus.FAILED, None)],
        )
    applied = mirror.journal("memory:b", status="applied")
    assert [(e.change_id, e.result) for e in applied] == [("c1", {"ok": True})]
    assert applied[0].finished_at is not None
    assert [e.change_id for e in mirror.journal(status=JournalStatus.FAILED)] == ["c2"]


def test_planning_a_change_twice_keeps_one_journal_row(
    mirror: Mirror, entry: Callable[..., JournalEntry]
) -> None:
    with mirror.transaction():
        mirror.record_planned("memory:b", [entry("c1")])
    with mirror.transaction():
        assert mirror.record_planned("memory:b", [entry("c1"), entry("c3")]) == 1
    assert [e.change_id for e in mirror.journal()] == ["c1", "c3"]


def test_a_failed_change_planned_again_is_planned_before_it_is_retried(
    mirror: Mirror, entry: Callable[..., JournalEntry]
) -> None:
    with mirror.transaction():
        mirror.record_planned("memory:b", [entry("c1")])
        mirror.record_results("memory:b", [("c1", JournalStatus.FAILED, {"error": "locked"})])
    with mirror.transaction():
        assert mirror.record_planned("memory:b", [entry("c1")]) == 0
    (row,) = mirror.journal("memory:b")
    assert (row.status, row.result, row.finished_at) == (JournalStatus.PLANNED, None, None)


def test_journalling_many_changes_at_once_works_past_the_parameter_limit(
    mirror: Mirror, entry: Callable[..., JournalEntry]
) -> None:
    entries = [entry(f"c{i}", f"K-{i}") for i in range(1200)]
    with mirror.transaction():
        assert mirror.record_planned("memory:b", entries) == 1200
    with mirror.transaction():
        assert mirror.record_planned("memory:b", entries) == 0
    assert len(mirror.journal("memory:b", status="planned")) == 1200
