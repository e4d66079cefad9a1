"""The journal is kept bounded (issue 11, point 10): applied entries older than both the last N
runs and the last D days are compacted; planned and failed ones always stay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from agilemarketing.adapter import UpdateFields
from agilemarketing.errors import SyncConfigError
from agilemarketing.mirror import JournalEntry, JournalStatus, Mirror
from agilemarketing.sync import SyncConfig, SyncReport, apply, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories
from agilemarketing.utc import utcnow


def edit_and_sync(
    runs: int, source: InMemoryAdapter, target: InMemoryAdapter, mirror: Mirror, config: SyncConfig
) -> list[SyncReport]:
    reports = []
    for run in range(runs):
        source.apply(UpdateFields("MKT-1", {"summary": f"Edit {run}"}))
        reports.append(apply(plan(source, target, mirror, config=config)))
    return reports


def test_a_nightly_job_keeps_only_the_last_runs_applied_entries(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter]
) -> None:
    source, target = memory("team", sample_histories(3)), memory("copy")
    config = SyncConfig.from_dict({"journal": {"keep_runs": 5, "keep_days": 0}})
    apply(plan(source, target, mirror, config=config))  # the first run: 3 creates
    reports = edit_and_sync(40, source, target, mirror, config)
    applied = mirror.journal("memory:copy", status=JournalStatus.APPLIED)
    assert len(applied) == 5  # one edit per run, the last five runs
    assert [e.payload["values"]["summary"] for e in applied] == [f"Edit {n}" for n in range(35, 40)]
    assert len(mirror.runs("memory:copy")) == 5
    assert sum(r.compacted for r in reports) == 3 + 35


def test_the_days_bound_keeps_recent_entries_beyond_the_runs_bound(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter]
) -> None:
    source, target = memory("team", sample_histories(3)), memory("copy")
    config = SyncConfig.from_dict({"journal": {"keep_runs": 2, "keep_days": 1}})
    apply(plan(source, target, mirror, config=config))
    edit_and_sync(6, source, target, mirror, config)
    assert len(mirror.journal("memory:copy", status=JournalStatus.APPLIED)) == 3 + 6


def test_planned_and_failed_entries_are_never_compacted(mirror: Mirror) -> None:
    old = utcnow() - timedelta(days=400)
    with mirror.transaction():
        mirror.record_planned(
            "memory:copy",
            [
                JournalEntry(
                    "memory:copy", f"id-{n}", "move", "MKT-1", {}, JournalStatus.PLANNED, old
                )
                for n in range(3)
            ],
        )
        mirror.record_results(
            "memory:copy",
            [("id-1", JournalStatus.FAILED, {"error": "x"}), ("id-2", JournalStatus.APPLIED, {})],
        )
        for n in range(4):
            mirror.record_run("memory:copy", utcnow() - timedelta(days=n), {"applied": 1})
        gone = mirror.compact_journal("memory:copy", keep_runs=1, keep_days=0)
    assert gone == 1
    assert {e.change_id for e in mirror.journal("memory:copy")} == {"id-0", "id-1"}


def test_a_run_with_nothing_to_do_records_no_run(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter]
) -> None:
    source, target = memory("team", sample_histories(3)), memory("copy")
    apply(plan(source, target, mirror))
    apply(plan(source, target, mirror))
    assert len(mirror.runs("memory:copy")) == 1


@pytest.mark.parametrize(
    "journal", [{"keep_runs": 0}, {"keep_runs": "many"}, {"keep_days": -1}, {"keep": 3}, "30"]
)
def test_bad_journal_bounds_are_configuration_errors(journal: object) -> None:
    with pytest.raises(SyncConfigError, match="journal"):
        SyncConfig.from_dict({"journal": journal})
