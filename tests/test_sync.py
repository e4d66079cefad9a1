"""The sync engine: plan then apply, idempotent, resumable, conflict-aware, history-accruing."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    MoveStatus,
    ReadResult,
    Rerank,
    UpdateFields,
)
from agilemarketing.errors import (
    InvalidValue,
    MirrorError,
    SyncConfigError,
    SyncConflictError,
    UnsupportedChange,
)
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.mirror import JournalEntry, JournalStatus, Mirror, MirrorAdapter
from agilemarketing.sync import (
    ConflictPolicy,
    ExitCode,
    FieldMapping,
    SyncConfig,
    SyncReport,
    accrue_history,
    apply,
    plan,
)
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories

SYNCED = ("summary", "type", "status", "points", "labels")


def synced(adapter: Adapter) -> dict[str, tuple[object, ...]]:
    """What a sync keeps equal: the compared fields of every item, by key."""
    return {
        key: tuple(
            sorted(r.get(f)) if f == "labels" else r.get(f)  # type: ignore[arg-type]
            for f in SYNCED
        )
        for key, r in read_state(adapter).items()
    }


def memory(label: str, histories: Sequence[ItemHistory] = ()) -> InMemoryAdapter:
    adapter = InMemoryAdapter(label)
    adapter.seed(histories)
    return adapter


def sync(
    source: Adapter,
    target: Adapter,
    mirror: Mirror,
    policy: ConflictPolicy | str | None = None,
    config: SyncConfig | None = None,
) -> SyncReport:
    return apply(plan(source, target, mirror, policy, config=config))


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    with Mirror(tmp_path / "state.db") as m:
        yield m


def commits_seen_by(path: Path) -> sqlite3.Connection:
    """A second connection: its PRAGMA data_version moves when anyone else commits."""
    return sqlite3.connect(path)


def data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


# --- one-way sync --------------------------------------------------------------------------


def test_a_first_sync_creates_every_source_item_on_the_target(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(6)), memory("copy")
    report = sync(source, target, mirror)
    assert synced(target) == synced(source)
    assert report.applied == 6
    assert report.by_kind == {"create": 6}
    assert report.exit_code is ExitCode.OK


def test_source_changes_reach_the_target_as_updates_and_moves(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(4)), memory("copy")
    sync(source, target, mirror)
    source.apply(UpdateFields("MKT-2", {"summary": "Retitled", "labels": ["q3"]}))
    source.apply(MoveStatus("MKT-3", "Done"))
    the_plan = plan(source, target, mirror)
    assert the_plan.counts == {
        "create": 0,
        "update": 1,
        "move": 1,
        "rerank": 0,
        "conflict": 0,
        "unchanged": 0,
    }
    apply(the_plan)
    assert synced(target) == synced(source)


def test_a_second_run_without_changes_writes_nothing(mirror: Mirror, tmp_path: Path) -> None:
    source, target = memory("board", sample_histories(8)), memory("copy")
    sync(source, target, mirror)
    journal_rows = len(mirror.journal())
    target_state = read_state(target)
    watcher = commits_seen_by(tmp_path / "state.db")
    before = data_version(watcher)
    again = plan(source, target, mirror)
    report = apply(again)
    assert again.changes == ()
    assert report.applied == report.already_applied == 0
    assert len(mirror.journal()) == journal_rows
    assert read_state(target) == target_state
    assert data_version(watcher) == before, "the mirror was written to"
    watcher.close()


def test_a_read_only_target_is_refused_before_anything_is_read(mirror: Mirror) -> None:
    with pytest.raises(UnsupportedChange, match="snapshot"):
        plan(memory("board"), Snapshot("export.csv", []), mirror)


def test_a_source_synced_with_another_target_in_this_mirror_is_refused(mirror: Mirror) -> None:
    source = memory("board", sample_histories(2))
    sync(source, memory("copy"), mirror)
    with pytest.raises(MirrorError, match="memory:copy") as info:
        plan(source, memory("elsewhere"), mirror)
    assert "--state" in str(info.value)


# --- conflicts -----------------------------------------------------------------------------


@pytest.fixture
def diverged(mirror: Mirror) -> tuple[InMemoryAdapter, InMemoryAdapter, Mirror]:
    """MKT-2's summary edited on both sides since the last sync; MKT-3 on the source only."""
    source, target = memory("board", sample_histories(4)), memory("copy")
    sync(source, target, mirror)
    source.apply(UpdateFields("MKT-2", {"summary": "Source title"}))
    target.apply(UpdateFields("MKT-2", {"summary": "Target title"}))
    source.apply(UpdateFields("MKT-3", {"summary": "Only the source changed this"}))
    return source, target, mirror


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
) -> None:
    source, target, mirror = diverged
    report = sync(source, target, mirror, ConflictPolicy.PREFER_SOURCE)
    assert [c.resolution for c in report.conflicts] == ["source"]
    assert read_state(target)["MKT-2"].history.summary == "Source title"
    assert synced(target) == synced(source)
    assert plan(source, target, mirror).changes == ()


def test_policy_prefer_target_keeps_the_target_value_for_good(
    diverged: tuple[InMemoryAdapter, InMemoryAdapter, Mirror],
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
    diverged: tuple[InMemoryAdapter, InMemoryAdapter, Mirror],
) -> None:
    source, target, mirror = diverged
    report = sync(source, target, mirror, "skip")
    assert [c.resolution for c in report.conflicts] == ["skipped"]
    state = read_state(target)
    assert state["MKT-2"].history.summary == "Target title"
    assert state["MKT-3"].history.summary == "Only the source changed this"
    again = plan(source, target, mirror, "skip")
    assert [(c.key, c.field) for c in again.conflicts] == [("MKT-2", "summary")]


def test_a_target_only_edit_is_kept_not_overwritten(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(3)), memory("copy")
    sync(source, target, mirror)
    target.apply(UpdateFields("MKT-1", {"summary": "Edited on the copy"}))
    source.apply(MoveStatus("MKT-1", "Review"))
    the_plan = plan(source, target, mirror)
    assert [c.describe() for c in the_plan.changes] == ["move MKT-1 'To Do' -> 'Review'"]
    apply(the_plan)
    record = read_state(target)["MKT-1"].history
    assert (record.summary, record.status) == ("Edited on the copy", "Review")


def test_the_same_edit_on_both_sides_is_not_a_conflict(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(3)), memory("copy")
    sync(source, target, mirror)
    for side in (source, target):
        side.apply(UpdateFields("MKT-2", {"points": 13}))
    the_plan = plan(source, target, mirror)
    assert the_plan.conflicts == ()
    assert the_plan.changes == ()


def test_an_item_that_exists_on_both_sides_before_any_sync_is_a_conflict_when_they_differ(
    mirror: Mirror,
) -> None:
    source = memory("board", [ItemHistory("MKT-1", summary="Ours", status="To Do")])
    target = memory("copy", [ItemHistory("MKT-1", summary="Theirs", status="To Do")])
    (conflict,) = plan(source, target, mirror).conflicts
    assert (conflict.base, conflict.source, conflict.target) == (None, "Ours", "Theirs")


# --- failures, crashes and resuming ------------------------------------------------------------


class Killed(RuntimeError):
    """Stands for the process dying: not an adapter error, nothing catches it."""


class CrashingTarget(InMemoryAdapter):
    """An in-memory target that dies after applying ``crash_after`` changes."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.crash_after: int | None = None
        self.sent: list[str] = []

    def apply(self, change: AnyChange) -> ChangeResult:
        if self.crash_after is not None and len(self.sent) >= self.crash_after:
            raise Killed("the sync process was killed")
        result = super().apply(change)
        self.sent.append(change.change_id)
        return result


@pytest.mark.parametrize("crash_after", [0, 1, 3, 5, 8])
def test_a_sync_killed_halfway_resumes_without_losing_or_repeating_anything(
    mirror: Mirror, crash_after: int
) -> None:
    source, target = memory("board", sample_histories(10)), CrashingTarget("copy")
    config = SyncConfig(batch_size=3)
    target.crash_after = crash_after
    with pytest.raises(Killed):
        sync(source, target, mirror, config=config)
    assert len(target) == crash_after
    assert mirror.journal(status=JournalStatus.PLANNED), "the interrupted batch stays planned"

    target.crash_after = None
    resumed_plan = plan(source, target, mirror, config=config)
    assert resumed_plan.interrupted
    assert len(resumed_plan.changes) == 10 - crash_after
    report = apply(resumed_plan)
    assert synced(target) == synced(source)
    assert len(target.sent) == len(set(target.sent)) == 10, "a change was sent twice"
    journal = mirror.journal()
    assert len(journal) == len({e.change_id for e in journal}) == 10
    assert {e.status for e in journal} == {JournalStatus.APPLIED}
    assert report.resumed == len(resumed_plan.interrupted)
    assert plan(source, target, mirror, config=config).changes == ()


def test_a_change_whose_answer_was_lost_is_recognised_as_already_applied(
    mirror: Mirror,
) -> None:
    source, target = memory("board", sample_histories(3)), memory("copy")
    sync(source, target, mirror)
    source.apply(MoveStatus("MKT-1", "Done"))
    interrupted = plan(source, target, mirror)
    (move,) = interrupted.changes
    # the process died after the target applied the move but before the journal heard back
    with mirror.transaction():
        mirror.record_planned("memory:copy", _entries(interrupted.target, [move]))
    target.apply(move)
    resumed = plan(source, target, mirror)
    assert resumed.changes == ()
    report = apply(resumed)
    assert report.resumed == 1
    (entry,) = [e for e in mirror.journal() if e.change_id == move.change_id]
    assert entry.status is JournalStatus.APPLIED
    assert entry.result == {"status": "found applied on resume"}


def _entries(target: str, changes: Sequence[AnyChange]) -> list[JournalEntry]:
    return [
        JournalEntry(
            target,
            c.change_id,
            c.kind,
            c.key,
            c.as_dict(),
            JournalStatus.PLANNED,
            datetime(2026, 3, 2, tzinfo=UTC),
        )
        for c in changes
    ]


class RefusingTarget(InMemoryAdapter):
    """Refuses every change to one key, like a board with a locked card."""

    locked = "MKT-2"

    def apply(self, change: AnyChange) -> ChangeResult:
        if change.key == self.locked:
            from agilemarketing.adapter import ChangeStatus
            from agilemarketing.errors import ChangeConflict

            error = ChangeConflict(change.key, expected="an unlocked card", found="a locked one")
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        return super().apply(change)


def test_a_refused_change_is_reported_and_tried_again_next_time(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(3)), RefusingTarget("copy")
    report = sync(source, target, mirror)
    assert report.exit_code is ExitCode.FAILED_CHANGES
    assert [f.description.split()[:2] for f in report.failed] == [["create", "MKT-2"]]
    assert "locked" in report.failed[0].error
    assert sorted(read_state(target)) == ["MKT-1", "MKT-3"]
    target.locked = "nothing"
    again = plan(source, target, mirror)
    assert [c.describe() for c in again.changes] == [
        "create MKT-2 'Marketing work item 2' in 'In Progress'",
        "rerank MKT-2 after MKT-1",  # created at the bottom, then put back in its place
    ]
    apply(again)
    assert synced(target) == synced(source)
    assert [r.key for r in target.read()] == ["MKT-1", "MKT-2", "MKT-3"]
    create = next(e for e in mirror.journal() if e.kind == "create" and e.item_key == "MKT-2")
    assert create.status is JournalStatus.APPLIED  # the failed row, retried and applied


# --- history for sources without one --------------------------------------------------------


class Snapshot(Adapter):
    """A read-only export with no history, like a plain CSV file: each read is a full one."""

    name: ClassVar[str] = "snapshot"
    capabilities: ClassVar[Capabilities] = Capabilities(history=HistoryFidelity.NONE)

    def __init__(self, location: str, items: Sequence[ItemHistory]) -> None:
        super().__init__(location)
        self.items = list(items)

    def read(self, since: Cursor | None = None) -> ReadResult:
        return ReadResult(iter([ItemRecord(h) for h in self.items]), Cursor("all"), True)


def snapshot(statuses: Mapping[str, str]) -> Snapshot:
    return Snapshot(
        "export.csv",
        [ItemHistory(key, summary=f"item {key}", status=s) for key, s in statuses.items()],
    )


def test_three_syncs_of_changing_snapshots_accrue_an_observed_history(
    mirror: Mirror,
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


def test_observed_transitions_carry_the_time_each_sync_read_the_source(mirror: Mirror) -> None:
    target = MirrorAdapter.of(mirror)
    days = {2: "To Do", 3: "Doing", 6: "Done"}
    for day, status in days.items():
        at = datetime(2026, 3, day, 9, tzinfo=UTC)
        apply(plan(snapshot({"MKT-1": status}), target, mirror, seen_at=at))
    (item,) = mirror.histories()
    assert [(t.at.day, t.to_status) for t in item.transitions] == list(days.items())


def test_a_snapshot_synced_again_unchanged_writes_nothing(mirror: Mirror, tmp_path: Path) -> None:
    target = MirrorAdapter.of(mirror)
    export = {"MKT-1": "To Do", "MKT-2": "Doing"}
    sync(snapshot(export), target, mirror)
    watcher = commits_seen_by(tmp_path / "state.db")
    before = data_version(watcher)
    the_plan = plan(snapshot(export), target, mirror)
    apply(the_plan)
    assert the_plan.unchanged == 2
    assert data_version(watcher) == before
    watcher.close()


def test_a_source_with_exact_history_brings_it_into_the_mirror(mirror: Mirror) -> None:
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


# --- board to board through the same engine -----------------------------------------------------


def test_board_to_board_mirroring_keeps_two_boards_in_step(mirror: Mirror) -> None:
    team, agency = memory("team", sample_histories(6)), memory("agency")
    sync(team, agency, mirror)
    team.apply(MoveStatus("MKT-1", "In Progress"))
    team.apply(UpdateFields("MKT-4", {"summary": "Trade show follow-up", "channel": "events"}))
    agency.apply(UpdateFields("MKT-6", {"labels": ["agency-note"]}))
    report = sync(team, agency, mirror)
    assert report.by_kind == {"move": 1, "update": 1}
    state = read_state(agency)
    assert state["MKT-1"].history.status == "In Progress"
    assert state["MKT-4"].fields["channel"] == "events"
    assert state["MKT-6"].history.labels == ("agency-note",)  # the agency's own edit stays
    assert set(mirror.sources()) == {"memory:team", "memory:agency"}


def order(adapter: Adapter) -> list[str]:
    return [record.key for record in adapter.read()]


def test_a_reordered_source_reorders_the_target(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(6)), memory("copy")
    sync(source, target, mirror)
    source.apply(Rerank("MKT-5", before="MKT-1"))
    source.apply(Rerank("MKT-2", after="MKT-6"))
    the_plan = plan(source, target, mirror)
    assert the_plan.count("rerank") == the_plan.counts["rerank"] >= 2
    apply(the_plan)
    assert order(target) == order(source) == ["MKT-5", "MKT-1", "MKT-3", "MKT-4", "MKT-6", "MKT-2"]
    assert plan(source, target, mirror).changes == ()


def test_a_reorder_made_only_on_the_target_is_kept(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(4)), memory("copy")
    sync(source, target, mirror)
    target.apply(Rerank("MKT-4", before="MKT-1"))
    source.apply(UpdateFields("MKT-2", {"summary": "Changed at the source"}))
    apply(plan(source, target, mirror))
    assert order(target) == ["MKT-4", "MKT-1", "MKT-2", "MKT-3"]


def test_an_item_moved_differently_on_both_sides_is_a_rank_conflict(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(4)), memory("copy")
    sync(source, target, mirror)
    source.apply(Rerank("MKT-3", before="MKT-1"))
    target.apply(Rerank("MKT-3", after="MKT-4"))
    the_plan = plan(source, target, mirror, "prefer-source")
    (conflict,) = the_plan.conflicts
    assert (conflict.key, conflict.field) == ("MKT-3", "rank")
    assert (conflict.base, conflict.source, conflict.target) == (
        "after MKT-2",
        "first",
        "after MKT-4",
    )
    apply(the_plan)
    assert order(target)[0] == "MKT-3"


def test_the_same_edit_made_again_later_is_sent_again(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(2)), memory("copy")
    sync(source, target, mirror)
    for n, summary in enumerate(("B", "A", "B", "A")):
        source.apply(UpdateFields("MKT-1", {"summary": summary}, origin=f"edit {n}"))
        report = sync(source, target, mirror)
        assert report.applied == 1, summary  # not mistaken for the earlier, equal change
        assert read_state(target)["MKT-1"].history.summary == summary


histories = st.lists(
    st.builds(
        ItemHistory,
        key=st.sampled_from([f"K-{i}" for i in range(8)]),
        summary=st.text(max_size=8),
        status=st.sampled_from(["To Do", "Doing", "Done"]),
        points=st.none() | st.sampled_from([1.0, 2.0, 3.0]),
        labels=st.lists(st.sampled_from(["a", "b", "c"]), max_size=2, unique=True),
    ),
    unique_by=lambda h: h.key,
    max_size=8,
)
edits = st.lists(
    st.tuples(
        st.sampled_from([f"K-{i}" for i in range(8)]),
        st.sampled_from(["Doing", "Done", "Review"]),
        st.text(max_size=5),
        st.sampled_from([f"K-{i}" for i in range(8)]),
    ),
    max_size=6,
)


@given(histories, edits)
def test_after_any_source_edits_a_sync_makes_the_target_equal_and_a_rerun_plans_nothing(
    seed: list[ItemHistory], changes: list[tuple[str, str, str, str]]
) -> None:
    with Mirror(":memory:") as m:
        source, target = memory("s", seed), memory("t")
        sync(source, target, m)
        for key, status, summary, neighbour in changes:
            if key in read_state(source):
                source.apply(MoveStatus(key, status))
                source.apply(UpdateFields(key, {"summary": summary}))
                if neighbour != key and neighbour in read_state(source):
                    source.apply(Rerank(key, after=neighbour))
        sync(source, target, m)
        assert synced(target) == synced(source)
        assert order(target) == order(source)
        again = plan(source, target, m)
        assert again.changes == ()
        assert again.conflicts == ()


# --- configuration and mapping -------------------------------------------------------------------


def test_the_config_maps_statuses_and_takes_points_from_a_named_field(mirror: Mirror) -> None:
    config = SyncConfig.from_toml(
        """
        [status_map]
        "In Progress" = "Doing"
        [fields]
        points = "Story Points"
        """
    )
    source = memory("board")
    source.seed(
        [
            ItemRecord(
                ItemHistory(
                    "MKT-1",
                    summary="Webinar",
                    status="In Progress",
                    transitions=[Transition("2026-03-02T09:00:00Z", None, "In Progress")],
                ),
                fields={"Story Points": "5"},
            )
        ]
    )
    sync(source, MirrorAdapter.of(mirror), mirror, config=config)
    (item,) = mirror.histories()
    assert (item.status, item.points) == ("Doing", 5.0)
    assert [t.to_status for t in item.transitions] == ["Doing"]
    assert "Story Points" not in mirror.board()["MKT-1"].fields


def test_a_points_field_that_is_not_a_number_names_the_item_and_field() -> None:
    mapping = FieldMapping(fields={"points": "Story Points"})
    record = ItemRecord(ItemHistory("MKT-7", status="To Do"), fields={"Story Points": "big"})
    with pytest.raises(InvalidValue, match="item MKT-7, field 'Story Points'"):
        mapping.translate(record)


def test_ignored_fields_are_neither_compared_nor_written(mirror: Mirror) -> None:
    source, target = memory("board", sample_histories(2)), memory("copy")
    config = SyncConfig(mapping=FieldMapping(ignore=["points"]))
    sync(source, target, mirror, config=config)
    assert [r.history.points for r in read_state(target).values()] == [None, None]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('on_conflict = "newest-wins"', "unknown conflict policy"),
        ("batch_size = 0", "batch_size"),
        ("colour = 1", "unknown key"),
        ('[fields]\nstatus = "State"', "cannot be mapped"),
        ("ignore = 3", "list of field names"),
        ("[source\n", "not valid TOML"),
    ],
)
def test_a_bad_config_file_names_the_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "sync.toml"
    path.write_text(toml)
    with pytest.raises(SyncConfigError, match=message) as info:
        SyncConfig.load(path)
    assert str(path) in str(info.value)


def test_a_secret_in_the_config_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    path = tmp_path / "sync.toml"
    path.write_text('[source]\napi_token = "s3cr3t-value"\n')
    with pytest.raises(SyncConfigError, match="environment variables only") as info:
        SyncConfig.load(path)
    assert "s3cr3t-value" not in str(info.value)
    assert "api_token_env" in str(info.value)


def test_a_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(SyncConfigError, match="cannot read"):
        SyncConfig.load(tmp_path / "nope.toml")


# --- printing -----------------------------------------------------------------------------------


def test_a_plan_prints_every_change_and_conflict_and_serialises_to_json(
    diverged: tuple[InMemoryAdapter, InMemoryAdapter, Mirror],
) -> None:
    import json

    source, target, mirror = diverged
    the_plan = plan(source, target, mirror)
    text = str(the_plan)
    assert "update MKT-3: summary" in text
    assert "conflict MKT-2 summary" in text
    data = json.loads(json.dumps(the_plan.as_dict()))
    assert data["counts"]["conflict"] == 1
    assert data["changes"][0]["change_id"] == the_plan.changes[0].change_id
    assert data["conflicts"][0]["base"] == "Marketing work item 2"


CHILD = """
import sys, time
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import SyncConfig, apply, plan

class SlowMirror(MirrorAdapter):
    def apply(self, change):
        time.sleep(0.02)
        return super().apply(change)

source = MirrorAdapter.from_url("mirror:" + sys.argv[1], {"create": False})
state = Mirror(sys.argv[2])
apply(plan(source, SlowMirror.of(state), state, config=SyncConfig(batch_size=5)))
"""


def test_a_sync_process_killed_mid_run_is_resumed_by_the_next_run(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    source_path, target_path = tmp_path / "team.db", tmp_path / "copy.db"
    with Mirror(source_path) as team, team.transaction():
        team.save_board("mirror", sample_histories(100))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(source_path), str(target_path)])
    applied = 0
    deadline = time.monotonic() + 60
    try:
        while applied < 10 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            if target_path.exists():
                with sqlite3.connect(target_path) as watch:
                    try:
                        applied = watch.execute(
                            "SELECT COUNT(*) FROM journal WHERE status = 'applied'"
                        ).fetchone()[0]
                    except sqlite3.OperationalError:  # the schema is still being created
                        applied = 0
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    with Mirror(target_path) as state:
        target = MirrorAdapter.of(state)
        with MirrorAdapter.from_url(f"mirror:{source_path}") as source:
            report = apply(plan(source, target, state))
            assert synced(target) == synced(source)
            assert [r.key for r in target.read()] == [r.key for r in source.read()]
            assert plan(source, target, state).changes == ()
        journal = state.journal()
        assert len(journal) == len({e.change_id for e in journal}) == 100
        assert {e.status for e in journal} == {JournalStatus.APPLIED}
        assert report.applied > 0, "the child finished before it was killed"
        assert state.count() == 100


@given(
    st.lists(st.sampled_from("abcdefgh"), unique=True, min_size=1),
    st.lists(st.tuples(st.integers(0, 7), st.integers(-1, 7)), max_size=20),
)
def test_the_simulated_target_order_moves_items_like_a_list_does(
    keys: list[str], moves: list[tuple[int, int]]
) -> None:
    from agilemarketing.sync.reranks import KeyOrder

    order, reference = KeyOrder(keys), list(keys)
    for pick, after in moves:
        key = reference[pick % len(reference)]
        reference.remove(key)
        pred = None if after < 0 or not reference else reference[after % len(reference)]
        reference.insert(0 if pred is None else reference.index(pred) + 1, key)
        order.remove(key)
        order.insert_after(pred, key)
        assert list(order) == reference
        assert order.first == reference[0]
        assert all(
            order.before[k] == (reference[i - 1] if i else None) for i, k in enumerate(reference)
        )


side_edits = st.lists(
    st.tuples(st.sampled_from(["source", "target"]), st.integers(1, 5), st.text(max_size=4)),
    max_size=8,
)


@given(side_edits, st.sampled_from(list(ConflictPolicy)))
def test_no_policy_but_prefer_source_ever_overwrites_an_edit_made_on_the_target(
    edits: list[tuple[str, int, str]], policy: ConflictPolicy
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


def test_a_source_that_forgot_its_cursor_is_read_in_full(mirror: Mirror) -> None:
    target = memory("copy")
    sync(memory("board", sample_histories(3)), target, mirror)
    restarted = memory("board", sample_histories(4))  # same URL, a new store: old cursor invalid
    the_plan = plan(restarted, target, mirror)
    assert [c.describe().split()[:2] for c in the_plan.changes] == [["create", "MKT-4"]]
    assert the_plan.unchanged == 3


def test_statuses_no_stage_of_the_workflow_holds_are_reported(
    mirror: Mirror, tmp_path: Path
) -> None:
    (tmp_path / "workflow.toml").write_text(
        'start = "Doing"\ndone = "Done"\n'
        '[[stages]]\nname = "To Do"\n'
        '[[stages]]\nname = "Doing"\nstatuses = ["In Progress"]\n'
        '[[stages]]\nname = "Done"\n'
    )
    (tmp_path / "sync.toml").write_text('workflow = "workflow.toml"\n')
    config = SyncConfig.load(tmp_path / "sync.toml")
    the_plan = plan(memory("board", sample_histories(8)), memory("copy"), mirror, config=config)
    assert the_plan.unmapped_statuses == {"Review": ("MKT-3", "MKT-7")}
    assert "warning: status 'Review' (2 item(s): MKT-3, MKT-7)" in str(the_plan)
    assert the_plan.as_dict()["unmapped_statuses"] == {"Review": ["MKT-3", "MKT-7"]}


def test_a_status_map_can_send_statuses_into_the_workflow(mirror: Mirror) -> None:
    config = SyncConfig.from_dict(
        {
            "status_map": {"Review": "Doing", "In Progress": "Doing"},
            "workflow": {
                "start": "Doing",
                "stages": [{"name": "To Do"}, {"name": "Doing"}, {"name": "Done"}],
            },
        }
    )
    the_plan = plan(memory("board", sample_histories(8)), memory("copy"), mirror, config=config)
    assert the_plan.unmapped_statuses == {}


def test_a_workflow_that_is_not_a_path_or_table_is_refused() -> None:
    with pytest.raises(SyncConfigError, match="workflow"):
        SyncConfig.from_toml("workflow = 3")


class LeakyTarget(InMemoryAdapter):
    """A target behind a token whose failures quote the request, token and all."""

    name: ClassVar[str] = "leaky"

    def apply(self, change: AnyChange) -> ChangeResult:
        token = self.secret("LEAKY_TOKEN")
        if change.key == "MKT-2":
            error = UnsupportedChange(self.name, f"POST /items?token={token}")
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        return super().apply(change)


def test_a_token_in_a_failed_write_reaches_neither_the_report_nor_the_mirror_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "tok-9b2e-never-written"
    monkeypatch.setenv("LEAKY_TOKEN", token)
    source, target = memory("board", sample_histories(3)), LeakyTarget("copy")
    with Mirror(tmp_path / "state.db") as state:
        report = sync(source, target, state)
        journal = state.journal()
    assert [f.description.split()[1] for f in report.failed] == ["MKT-2"]
    texts = [repr(report), report.summary(), json.dumps(report.as_dict()), repr(journal)]
    assert all(token not in text for text in texts)
    assert "token=***" in json.dumps(report.as_dict())
    assert all(token.encode() not in path.read_bytes() for path in tmp_path.iterdir())
