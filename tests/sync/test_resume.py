"""Failures, crashes and resuming: nothing lost, nothing sent twice, no secret written."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest

from agilemarketing.adapter import Adapter, AnyChange, ChangeResult, ChangeStatus, MoveStatus
from agilemarketing.errors import UnsupportedChange
from agilemarketing.mirror import JournalEntry, JournalStatus, Mirror, MirrorAdapter
from agilemarketing.sync import ExitCode, SyncConfig, SyncReport, apply, plan
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories


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
    mirror: Mirror,
    crash_after: int,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    synced: Callable[[Adapter], dict[str, tuple[object, ...]]],
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
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
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


def test_a_refused_change_is_reported_and_tried_again_next_time(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    synced: Callable[[Adapter], dict[str, tuple[object, ...]]],
) -> None:
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


def test_a_sync_process_killed_mid_run_is_resumed_by_the_next_run(
    tmp_path: Path, synced: Callable[[Adapter], dict[str, tuple[object, ...]]]
) -> None:
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
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
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
