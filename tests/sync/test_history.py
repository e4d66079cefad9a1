"""History for sources without one: each sync records the status changes it sees."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import Adapter, ItemRecord
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import ExitCode, SyncReport, accrue_history, apply, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories


def test_three_syncs_of_changing_snapshots_accrue_an_observed_history(
    mirror: Mirror,
    sync: Callable[..., SyncReport],
    snapshot: Callable[[Mapping[str, str]], Adapter],
) -> None:
    target = MirrorAdapter.of(mirror)
    exports = [
        {"MKT-1": "To Do", "MKT-2": "To Do"},
        {"MKT-1": "Doing", "MKT-2": "To Do", "MKT-3": "Doing"},
        {"MKT-1": "Done", "MKT-2": "To Do", "MKT-3": "Doing"},
    ]
    for export in exports:
        report = sync(snapshot(export), target, mirror)
        assert report.exit_code is ExitCode.OK
    board = {h.key: h for h in mirror.histories()}
    moves = {key: [(t.from_status, t.to_status) for t in h.transitions] for key, h in board.items()}
    assert moves == {
        "MKT-1": [(None, "To Do"), ("To Do", "Doing"), ("Doing", "Done")],
        "MKT-2": [(None, "To Do")],
        "MKT-3": [(None, "Doing")],
    }
    assert all(t.observed for h in board.values() for t in h.transitions)
    times = [t.at for t in board["MKT-1"].transitions]
    assert times == sorted(times)
    assert len(set(times)) == 3
    # the source's own board in the mirror holds the same accrued history (the merge base)
    assert {h.key: h.transitions for h in mirror.histories("snapshot:export.csv")} == {
        k: h.transitions for k, h in board.items()
    }


def test_observed_transitions_carry_the_time_each_sync_read_the_source(
    mirror: Mirror, snapshot: Callable[[Mapping[str, str]], Adapter]
) -> None:
    target = MirrorAdapter.of(mirror)
    days = {2: "To Do", 3: "Doing", 6: "Done"}
    for day, status in days.items():
        at = datetime(2026, 3, day, 9, tzinfo=UTC)
        apply(plan(snapshot({"MKT-1": status}), target, mirror, seen_at=at))
    (item,) = mirror.histories()
    assert [(t.at.day, t.to_status) for t in item.transitions] == list(days.items())


def test_a_snapshot_synced_again_unchanged_writes_nothing(
    mirror: Mirror,
    sync: Callable[..., SyncReport],
    snapshot: Callable[[Mapping[str, str]], Adapter],
    data_version: Callable[[], int],
) -> None:
    target = MirrorAdapter.of(mirror)
    export = {"MKT-1": "To Do", "MKT-2": "Doing"}
    sync(snapshot(export), target, mirror)
    before = data_version()
    the_plan = plan(snapshot(export), target, mirror)
    apply(the_plan)
    assert the_plan.unchanged == 2
    assert data_version() == before


def test_a_source_with_exact_history_brings_it_into_the_mirror(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source = memory("board", sample_histories(60))  # over 50: the board is read in one go
    sync(source, MirrorAdapter.of(mirror), mirror)
    got = {h.key: h for h in mirror.histories()}
    for want in sample_histories(60):
        assert got[want.key].transitions == want.transitions
        assert got[want.key].created == want.created
        assert got[want.key].resolved == want.resolved


def test_accrue_history_adds_nothing_when_the_source_history_explains_the_status() -> None:
    (h,) = sample_histories(1)
    record = ItemRecord(h)
    assert accrue_history(None, record, datetime(2030, 1, 1, tzinfo=UTC)) == record


@given(st.lists(st.sampled_from(["To Do", "Doing", "Review", "Done"]), min_size=1, max_size=8))
def test_accrued_history_has_one_observed_transition_per_status_change(
    statuses: list[str],
) -> None:
    record = None
    for day, status in enumerate(statuses, start=1):
        seen = ItemRecord(ItemHistory("M-1", status=status))
        record = accrue_history(record, seen, datetime(2026, 3, day, tzinfo=UTC))
    assert record is not None
    changes = [statuses[0]] + [b for a, b in itertools.pairwise(statuses) if a != b]
    assert [t.to_status for t in record.history.transitions] == changes
    assert all(t.observed for t in record.history.transitions)
    chain = [t.from_status for t in record.history.transitions[1:]]
    assert chain == [t.to_status for t in record.history.transitions[:-1]]


# --- a snapshot's resolution date: the tool's own record of when an item finished ----------------


def _seen(status: str, resolved: datetime | None = None) -> ItemRecord:
    created = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return ItemRecord(ItemHistory("M-1", status=status, created=created, resolved=resolved))


def test_an_item_first_seen_resolved_is_dated_at_its_resolution_not_at_the_sync() -> None:
    # a first sync of a Jira CSV export: without this, every item finished in the past years
    # would count as finished on the day of the sync (one spike of throughput, no cycle times)
    resolved = datetime(2026, 3, 12, 16, 15, tzinfo=UTC)
    record = accrue_history(None, _seen("Done", resolved), datetime(2026, 12, 4, tzinfo=UTC))
    assert [(t.to_status, t.at, t.observed) for t in record.history.transitions] == [
        ("Done", resolved, True)
    ]


def test_a_change_seen_with_a_new_resolution_is_dated_at_the_resolution() -> None:
    monday, friday = datetime(2026, 3, 9, tzinfo=UTC), datetime(2026, 3, 13, tzinfo=UTC)
    resolved = datetime(2026, 3, 11, 15, tzinfo=UTC)
    doing = accrue_history(None, _seen("Doing"), monday)
    done = accrue_history(doing, _seen("Done", resolved), friday)
    assert [(t.to_status, t.at) for t in done.history.transitions] == [
        ("Doing", monday),
        ("Done", resolved),
    ]


@given(
    resolved_day=st.integers(min_value=1, max_value=28),
    seen_day=st.integers(min_value=1, max_value=28),
    earlier_day=st.integers(min_value=1, max_value=28),
)
def test_a_resolution_dates_an_observation_only_inside_what_the_mirror_already_knows(
    resolved_day: int, seen_day: int, earlier_day: int
) -> None:
    # never before the previous transition (history stays in order), never after the sync
    # read the source, and a resolution already known before does not date a later change
    earlier, seen = (
        datetime(2026, 2, earlier_day, tzinfo=UTC),
        datetime(2026, 3, seen_day, tzinfo=UTC),
    )
    resolved = datetime(2026, 2 if resolved_day % 2 else 3, resolved_day, tzinfo=UTC)
    first = accrue_history(None, _seen("Doing"), earlier)
    record = accrue_history(first, _seen("Done", resolved), seen)
    at = record.history.transitions[-1].at
    if earlier <= resolved <= seen:
        assert at == resolved
    else:
        assert at == seen
    times = [t.at for t in record.history.transitions]
    assert times == sorted(times)
    archived = accrue_history(record, _seen("Archived", resolved), seen + timedelta(days=1))
    assert archived.history.transitions[-1].at == seen + timedelta(days=1)
