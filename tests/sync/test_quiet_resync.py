"""An unchanged re-sync reads neither side (sync.quiet), and anything that changed still plans.

Each test syncs a history CSV into a mirror, then changes one thing (a byte of the file, the
target, the config, an interrupted or failed run, ``full``) and checks that the next plan reads
the source and plans what a full plan plans.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from agilemarketing_csv import CsvAdapter
from agilemarketing_csv.history import write_history_csv

from agilemarketing.adapter import (
    AnyChange,
    ChangeResult,
    ChangeStatus,
    Cursor,
    ReadResult,
    UpdateFields,
)
from agilemarketing.errors import ChangeConflict
from agilemarketing.mirror import JournalStatus, Mirror, MirrorAdapter
from agilemarketing.sync import FieldMapping, SyncConfig, SyncPlan, apply, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories


class CountingCsv(CsvAdapter):
    """A history CSV that counts its reads (a quiet plan makes none)."""

    reads = 0

    def read(self, since: Cursor | None = None) -> ReadResult:
        type(self).reads += 1
        return super().read(since)


class CountingMirror(MirrorAdapter):
    """The mirror's own board as a target that counts its reads, refuses the changes of the
    keys in ``refuse`` and can die before its next write."""

    reads = 0
    refuse: frozenset[str] = frozenset()
    dies = False

    def read(self, since: Cursor | None = None) -> ReadResult:
        type(self).reads += 1
        return super().read(since)

    def apply(self, change: AnyChange) -> ChangeResult:
        if self.dies:
            raise KeyboardInterrupt("killed")  # nothing in the engine catches it
        if change.key in self.refuse:
            error = ChangeConflict(change.key, expected="an open card", found="a locked one")
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        return super().apply(change)


@pytest.fixture
def board(tmp_path: Path) -> Iterator[tuple[Path, Mirror]]:
    """A 20-item history CSV synced once into a mirror (a clean run), and the mirror."""
    CountingCsv.reads = CountingMirror.reads = 0
    CountingMirror.refuse, CountingMirror.dies = frozenset(), False
    path = tmp_path / "board.csv"
    write_history_csv(path, sample_histories(20))
    with Mirror(tmp_path / "team.db") as team:
        apply(plan(CountingCsv(str(path)), CountingMirror.of(team), team))
        yield path, team


def _plan(path: Path, team: Mirror, **options: object) -> SyncPlan:
    return plan(CountingCsv(str(path)), CountingMirror.of(team), team, **options)  # type: ignore[arg-type]


def _reads() -> tuple[int, int]:
    return CountingCsv.reads, CountingMirror.reads


def _same_as_full(quiet: SyncPlan, path: Path, team: Mirror) -> None:
    full = _plan(path, team, full=True)
    assert [c.describe() for c in quiet.changes] == [c.describe() for c in full.changes]
    assert (quiet.removed, quiet.restored) == (full.removed, full.restored)


def test_an_unchanged_resync_reads_neither_side_and_writes_nothing(
    board: tuple[Path, Mirror],
) -> None:
    path, team = board
    before = _reads()
    again = _plan(path, team)
    assert _reads() == before, "an unchanged re-sync read a side"
    assert again.changes == ()
    assert again.unchanged == 20
    revision, journal = team.revision(), len(team.journal())
    report = apply(again)
    assert report.applied == 0
    assert team.revision() == revision
    assert len(team.journal()) == journal
    _same_as_full(again, path, team)


def test_one_byte_changed_in_the_file_plans_the_edit_even_with_size_and_time_kept(
    board: tuple[Path, Mirror],
) -> None:
    path, team = board
    stat = path.stat()
    text = path.read_bytes()
    assert b"Marketing work item 7," in text
    path.write_bytes(text.replace(b"Marketing work item 7,", b"Marketing work item X,"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # a stamp cannot tell
    assert path.stat().st_size == stat.st_size
    again = _plan(path, team)
    assert [c.describe() for c in again.changes] == ["update MKT-7: summary"]
    _same_as_full(again, path, team)


def test_an_edit_on_the_target_side_makes_a_real_plan(board: tuple[Path, Mirror]) -> None:
    path, team = board
    MirrorAdapter.of(team).write([UpdateFields("MKT-3", {"summary": "edited on the mirror"})])
    source_reads = CountingCsv.reads
    again = _plan(path, team)
    assert CountingCsv.reads == source_reads + 1, "the target changed: the plan must read"
    _same_as_full(again, path, team)
    # the source edits the same field: a conflict, which a quiet plan would have hidden
    records = [
        attrs.evolve(h, summary="edited in the file") if h.key == "MKT-3" else h
        for h in sample_histories(20)
    ]
    write_history_csv(path, records)
    assert [c.field for c in _plan(path, team).conflicts] == ["summary"]


def test_an_interrupted_run_is_resumed_even_when_the_file_is_back_as_it_was(
    board: tuple[Path, Mirror],
) -> None:
    path, team = board
    original = path.read_bytes()
    edited = [
        attrs.evolve(h, points=99) if h.key in {"MKT-2", "MKT-4"} else h
        for h in sample_histories(20)
    ]
    write_history_csv(path, edited)
    dying = CountingMirror.of(team)
    dying.dies = True
    with pytest.raises(KeyboardInterrupt):
        apply(plan(CountingCsv(str(path)), dying, team))
    assert team.journal(status=JournalStatus.PLANNED), "the killed batch stays planned"
    path.write_bytes(original)  # the source as the last clean run saw it, the target untouched
    again = _plan(path, team)
    assert again.interrupted, "the journal's planned entries must be settled"
    report = apply(again)
    assert report.resumed == len(again.interrupted)
    assert not team.journal(status=JournalStatus.PLANNED)
    assert _plan(path, team).changes == ()


def test_a_run_with_a_failed_change_leaves_nothing_to_skip_the_retry(
    board: tuple[Path, Mirror],
) -> None:
    path, team = board
    records = [
        attrs.evolve(h, summary="renamed") if h.key == "MKT-5" else h for h in sample_histories(20)
    ]
    write_history_csv(path, records)
    CountingMirror.refuse = frozenset({"MKT-5"})
    report = apply(_plan(path, team))
    assert [f.description for f in report.failed] == ["update MKT-5: summary"]
    CountingMirror.refuse = frozenset()
    retry = _plan(path, team)
    assert [c.describe() for c in retry.changes] == ["update MKT-5: summary"]
    apply(retry)
    assert team.board()["MKT-5"].history.summary == "renamed"


def test_full_reads_both_sides(board: tuple[Path, Mirror]) -> None:
    path, team = board
    before = _reads()
    assert _plan(path, team, full=True).changes == ()
    assert _reads() == (before[0] + 1, before[1] + 1)


def test_a_changed_config_makes_a_real_plan(board: tuple[Path, Mirror]) -> None:
    path, team = board
    for config, policy in [
        (SyncConfig(mapping=FieldMapping(status_map={"Done": "Finished"})), None),
        (SyncConfig(batch_size=7), None),
        (SyncConfig(), "prefer-source"),  # the policy alone counts too: a plan is made under it
    ]:
        source_reads = CountingCsv.reads
        again = _plan(path, team, config=config, policy=policy)
        assert CountingCsv.reads == source_reads + 1, (config, policy)
        assert again.changes == ()


def test_a_target_written_between_plan_and_apply_leaves_no_state(
    board: tuple[Path, Mirror],
) -> None:
    path, team = board
    records = [attrs.evolve(h, points=42) if h.key == "MKT-1" else h for h in sample_histories(20)]
    write_history_csv(path, records)
    the_plan = _plan(path, team)
    # someone writes the target after the plan read it: the apply cannot vouch for it
    MirrorAdapter.of(team).write([UpdateFields("MKT-9", {"summary": "written meanwhile"})])
    apply(the_plan)
    source_reads = CountingCsv.reads
    _plan(path, team)
    assert CountingCsv.reads == source_reads + 1


def test_a_plan_with_conflicts_leaves_no_state_so_the_next_run_reports_them_again(
    board: tuple[Path, Mirror],
) -> None:
    path, team = board
    MirrorAdapter.of(team).write([UpdateFields("MKT-3", {"summary": "on the mirror"})])
    records = [
        attrs.evolve(h, summary="in the file") if h.key == "MKT-3" else h
        for h in sample_histories(20)
    ]
    write_history_csv(path, records)
    apply(_plan(path, team, policy="skip"))
    assert [c.key for c in _plan(path, team, policy="skip").conflicts] == ["MKT-3"]


def test_a_memory_source_into_a_mirror_is_quiet_too(tmp_path: Path) -> None:
    source = InMemoryAdapter("board")
    source.seed(sample_histories(5))
    with Mirror(tmp_path / "team.db") as team:
        target = MirrorAdapter.of(team)
        apply(plan(source, target, team))
        assert team.sync_state(source.identity, target.identity) is not None
        source.apply(UpdateFields("MKT-2", {"summary": "moved on"}))
        assert [c.describe() for c in plan(source, target, team).changes] == [
            "update MKT-2: summary"
        ]


class SecretCursor(InMemoryAdapter):
    """A board whose current cursor quotes its token (what no adapter should do)."""

    def current_cursor(self) -> Cursor | None:
        return Cursor(f"rev:{self.secret('QUIET_TOKEN')}")


def test_a_current_cursor_holding_a_secret_is_never_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "tok-quiet-3f1e-never-stored"
    monkeypatch.setenv("QUIET_TOKEN", token)
    source = SecretCursor("board")
    source.seed(sample_histories(3))
    with Mirror(tmp_path / "team.db") as team:
        target = MirrorAdapter.of(team)
        apply(plan(source, target, team))
        assert team.sync_state(source.identity, target.identity) is None
    assert all(token.encode() not in path.read_bytes() for path in tmp_path.iterdir())


def test_a_csv_target_edited_by_hand_makes_a_real_plan(tmp_path: Path) -> None:
    with Mirror(tmp_path / "team.db") as team:
        with team.transaction():
            team.save_board("mirror", sample_histories(6))
        source = MirrorAdapter.of(team)
        out = tmp_path / "out.csv"
        with Mirror(tmp_path / "state.db") as state:
            apply(plan(source, CountingCsv(str(out)), state))
            CountingCsv.reads = 0
            assert plan(source, CountingCsv(str(out)), state).changes == ()
            assert CountingCsv.reads == 0, "an unchanged CSV target was read"
            text = out.read_bytes()
            assert b"Marketing work item 2," in text
            out.write_bytes(text.replace(b"Marketing work item 2,", b"Marketing work item Q,"))
            again = plan(source, CountingCsv(str(out)), state)
            assert CountingCsv.reads == 1, "the edited target must be read"
            assert again.changes == ()  # the target's own edit is kept, never overwritten
            with team.transaction():  # the source edits the same field: a conflict
                (record,) = [r for r in team.records() if r.key == "MKT-2"]
                edited = attrs.evolve(record.history, summary="edited at the source")
                team.save_board("mirror", [attrs.evolve(record, history=edited)])
            assert [c.key for c in plan(source, CountingCsv(str(out)), state).conflicts] == [
                "MKT-2"
            ]
