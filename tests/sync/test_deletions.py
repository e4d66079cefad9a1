"""Deletions reach the mirror (issue 11 point 1).

An item deleted in its tool is marked removed on the mirror, kept with its history and a
``removed_at``: it leaves WIP, ageing and forecasts, its finished work stays in throughput, the
plan and the summary line say how many, and an item that comes back is restored. Only evidence
counts: a key an incremental read reports in ``removed``, or a key missing from a complete read
of a tool that deletes on purpose (``Capabilities.missing_is_deleted``), never a row missing from
a CSV file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agilemarketing.adapter import Adapter, CreateItem, UpdateFields
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import SyncReport, apply, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories

Memory = Callable[..., InMemoryAdapter]
Sync = Callable[..., SyncReport]


def _first_sync(memory: Memory, sync: Sync, mirror: Mirror, count: int = 4) -> InMemoryAdapter:
    source = memory("board", sample_histories(count))
    sync(source, MirrorAdapter.of(mirror), mirror)
    return source


def test_an_item_deleted_in_its_tool_is_marked_removed_and_reported(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source = _first_sync(memory, sync, mirror)
    source.remove("MKT-2")
    the_plan = plan(source, MirrorAdapter.of(mirror), mirror)
    assert the_plan.removed == ("MKT-2",)
    assert the_plan.counts["removed"] == 1
    assert "1 removed" in the_plan.summary()
    report = apply(the_plan)
    assert report.removed == 1
    assert "1 removed" in report.summary()
    assert "MKT-2" not in mirror.board()  # not on the mirror's own board any more
    assert set(mirror.removed()) == {"MKT-2"}


def test_a_removed_item_keeps_its_history_but_leaves_wip_unless_it_was_finished(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source = _first_sync(memory, sync, mirror)
    unfinished, finished = "MKT-2", "MKT-4"  # In Progress, and Done
    assert mirror.board()[finished].history.resolved is not None
    source.remove(unfinished)
    source.remove(finished)
    sync(source, MirrorAdapter.of(mirror), mirror)
    histories = {h.key for h in mirror.histories()}
    assert unfinished not in histories  # no WIP, ageing or forecast counts it
    assert finished in histories  # its finished work stays in throughput
    kept = {r.key: r for r in mirror.records(removed=True)}
    assert kept[unfinished].history.transitions  # kept with its history


def test_a_rerun_after_a_removal_plans_nothing(mirror: Mirror, memory: Memory, sync: Sync) -> None:
    source = _first_sync(memory, sync, mirror)
    source.remove("MKT-3")
    sync(source, MirrorAdapter.of(mirror), mirror)
    again = plan(source, MirrorAdapter.of(mirror), mirror)
    assert again.changes == ()
    assert again.removed == again.restored == ()


def test_a_removed_item_that_comes_back_is_restored(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source = _first_sync(memory, sync, mirror)
    history = mirror.board()["MKT-2"].history
    source.remove("MKT-2")
    sync(source, MirrorAdapter.of(mirror), mirror)
    source.apply(
        CreateItem(
            "MKT-2",
            summary=history.summary,
            type=history.type,
            status=history.status,
            points=history.points,
            labels=history.labels,
        )
    )
    the_plan = plan(source, MirrorAdapter.of(mirror), mirror)
    assert the_plan.restored == ("MKT-2",)
    report = apply(the_plan)
    assert report.restored == 1
    assert "MKT-2" in mirror.board()
    assert mirror.removed() == {}
    assert plan(source, MirrorAdapter.of(mirror), mirror).changes == ()


def test_a_full_read_of_a_tool_that_deletes_on_purpose_marks_the_missing_removed(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source = _first_sync(memory, sync, mirror)
    # A fresh adapter over the board without MKT-1: an incremental read cannot say it went
    # (its cursor is from another adapter), a full one of a deleting tool can.
    fresh = memory("board", [h for h in sample_histories(4) if h.key != "MKT-1"])
    assert source.capabilities.missing_is_deleted
    the_plan = plan(fresh, MirrorAdapter.of(mirror), mirror, full=True)
    assert the_plan.removed == ("MKT-1",)


def test_a_row_missing_from_a_csv_file_is_not_a_deletion(
    mirror: Mirror, tmp_path: Path, sync: Sync
) -> None:
    from agilemarketing_csv import CsvAdapter

    path = tmp_path / "board.csv"
    board = CsvAdapter(str(path))
    board.write(
        [CreateItem(h.key, summary=h.summary, status=h.status) for h in sample_histories(3)]
    )
    sync(board, MirrorAdapter.of(mirror), mirror)
    rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(r for r in rows if "MKT-2" not in r) + "\n", encoding="utf-8")
    the_plan = plan(CsvAdapter(str(path)), MirrorAdapter.of(mirror), mirror, full=True)
    assert the_plan.removed == ()
    assert not CsvAdapter(str(path)).capabilities.missing_is_deleted


def test_a_removal_is_idempotent_when_applied_twice(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source = _first_sync(memory, sync, mirror)
    source.remove("MKT-2")
    the_plan = plan(source, MirrorAdapter.of(mirror), mirror)
    apply(the_plan)
    revision = mirror.revision()
    with mirror.transaction():
        assert mirror.mark_removed("mirror", ["MKT-2"]) == []  # already removed: nothing marked
    assert mirror.revision() == revision


def test_a_restored_item_takes_its_place_in_the_sources_order_not_its_old_one(
    mirror: Mirror, memory: Memory, sync: Sync, order: Callable[[Adapter], list[str]]
) -> None:
    source = _first_sync(memory, sync, mirror, count=2)
    source.remove("MKT-2")
    source.apply(CreateItem("MKT-3", "Takes the freed place", type="Task", status="To Do"))
    sync(source, MirrorAdapter.of(mirror), mirror)
    source.apply(CreateItem("MKT-2", "Back, at the bottom", type="Task", status="To Do"))
    sync(source, MirrorAdapter.of(mirror), mirror)
    assert order(source) == ["MKT-1", "MKT-3", "MKT-2"]
    assert order(MirrorAdapter.of(mirror)) == order(source)
    assert plan(source, MirrorAdapter.of(mirror), mirror).changes == ()


def test_a_new_item_is_never_placed_next_to_an_item_removed_in_the_same_run(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source = _first_sync(memory, sync, mirror, count=2)
    source.remove("MKT-1")
    source.remove("MKT-2")
    source.apply(CreateItem("MKT-3", "Alone on the board", type="Task", status="To Do"))
    the_plan = plan(source, MirrorAdapter.of(mirror), mirror)
    assert [c.describe() for c in the_plan.changes] == [
        "create MKT-3 'Alone on the board' in 'To Do'"
    ]
    assert apply(the_plan).failed == ()
    source.apply(UpdateFields("MKT-3", {"summary": "Renamed at the source"}))
    report = sync(source, MirrorAdapter.of(mirror), mirror)  # no conflict: the base was stored
    assert report.by_kind == {"update": 1}
    assert mirror.board()["MKT-3"].get("summary") == "Renamed at the source"
