"""Exact history wins over observed (issue 11 point 5): when a read saw a status before the
tool's history did, the exact transition that arrives later replaces the observed one."""

from __future__ import annotations

from datetime import UTC, datetime

from agilemarketing.adapter import ItemRecord
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import apply, plan
from agilemarketing.sync.history import accrue_history
from agilemarketing.testing import InMemoryAdapter

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
T9 = datetime(2026, 3, 2, 9, tzinfo=UTC)
T10 = datetime(2026, 3, 2, 10, tzinfo=UTC)


def _record(status: str, *transitions: Transition) -> ItemRecord:
    return ItemRecord(ItemHistory("MKT-1", summary="x", status=status, transitions=transitions))


def test_an_exact_transition_arriving_late_replaces_the_observed_one() -> None:
    seen = accrue_history(None, _record("Ready", Transition(T0, None, "Backlog")), T10)
    assert [(t.to_status, t.observed) for t in seen.history.transitions] == [
        ("Backlog", False),
        ("Ready", True),
    ]
    later = _record("Ready", Transition(T0, None, "Backlog"), Transition(T9, "Backlog", "Ready"))
    merged = accrue_history(seen, later, datetime(2026, 3, 2, 11, tzinfo=UTC))
    assert merged.history.transitions == (
        Transition(T0, None, "Backlog"),
        Transition(T9, "Backlog", "Ready"),
    )


def test_an_exact_transition_after_the_observation_does_not_replace_it() -> None:
    seen = accrue_history(None, _record("Ready", Transition(T0, None, "Backlog")), T9)
    later = _record("Ready", Transition(T0, None, "Backlog"), Transition(T10, "Backlog", "Ready"))
    merged = accrue_history(seen, later, T10)
    assert [(t.at, t.observed) for t in merged.history.transitions][1:] == [
        (T9, True),
        (T10, False),
    ]


def test_an_exact_transition_with_other_statuses_keeps_the_observed_one() -> None:
    seen = accrue_history(None, _record("Ready", Transition(T0, None, "Backlog")), T10)
    later = _record("Ready", Transition(T0, None, "Backlog"), Transition(T9, "Backlog", "Doing"))
    merged = accrue_history(seen, later, T10)
    assert any(t.observed and t.to_status == "Ready" for t in merged.history.transitions)


def test_the_mirror_holds_one_exact_transition_once_the_tools_history_catches_up() -> None:
    tool = InMemoryAdapter("lagging")
    tool.seed([_record("Ready", Transition(T0, None, "Backlog"))])
    mirror = Mirror(":memory:")
    target = MirrorAdapter.of(mirror)
    apply(plan(tool, target, mirror, seen_at=T10))
    tool.seed(
        [_record("Ready", Transition(T0, None, "Backlog"), Transition(T9, "Backlog", "Ready"))]
    )
    apply(plan(tool, target, mirror, seen_at=datetime(2026, 3, 2, 12, tzinfo=UTC)))
    (history,) = mirror.histories()
    assert [(t.from_status, t.to_status, t.at, t.observed) for t in history.transitions] == [
        (None, "Backlog", T0, False),
        ("Backlog", "Ready", T9, False),
    ]
    assert plan(tool, target, mirror).changes == ()
