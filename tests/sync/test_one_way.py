"""One-way sync: a first sync creates, later ones update and move, a re-run writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from agilemarketing.adapter import Adapter, MoveStatus, UpdateFields
from agilemarketing.errors import MirrorError, UnsupportedChange
from agilemarketing.mirror import Mirror, target_base
from agilemarketing.sync import ExitCode, SyncReport, apply, plan
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories


def test_a_first_sync_creates_every_source_item_on_the_target(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    synced: Callable[[Adapter], dict[str, tuple[object, ...]]],
) -> None:
    source, target = memory("board", sample_histories(6)), memory("copy")
    report = sync(source, target, mirror)
    assert synced(target) == synced(source)
    assert report.applied == 6
    assert report.by_kind == {"create": 6}
    assert report.exit_code is ExitCode.OK


def test_source_changes_reach_the_target_as_updates_and_moves(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    synced: Callable[[Adapter], dict[str, tuple[object, ...]]],
) -> None:
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
        "removed": 0,
        "restored": 0,
    }
    apply(the_plan)
    assert synced(target) == synced(source)


def test_a_second_run_without_changes_writes_nothing(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    data_version: Callable[[], int],
) -> None:
    source, target = memory("board", sample_histories(8)), memory("copy")
    sync(source, target, mirror)
    journal_rows = len(mirror.journal())
    target_state = read_state(target)
    before = data_version()
    again = plan(source, target, mirror)
    report = apply(again)
    assert again.changes == ()
    assert report.applied == report.already_applied == 0
    assert len(mirror.journal()) == journal_rows
    assert read_state(target) == target_state
    assert data_version() == before, "the mirror was written to"


def test_a_read_only_target_is_refused_before_anything_is_read(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    snapshot: Callable[[Mapping[str, str]], Adapter],
) -> None:
    with pytest.raises(UnsupportedChange, match="snapshot"):
        plan(memory("board"), snapshot({}), mirror)


def test_a_source_synced_with_another_target_in_this_mirror_is_refused(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source = memory("board", sample_histories(2))
    sync(source, memory("copy"), mirror)
    with pytest.raises(MirrorError, match="memory:copy") as info:
        plan(source, memory("elsewhere"), mirror)
    assert "--state" in str(info.value)


def test_board_to_board_mirroring_keeps_two_boards_in_step(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
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
    # the source's base, and the target's (kept apart from any base it has as a source)
    assert set(mirror.sources()) == {"memory:team", target_base("memory:agency")}


def test_the_same_edit_made_again_later_is_sent_again(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source, target = memory("board", sample_histories(2)), memory("copy")
    sync(source, target, mirror)
    for n, summary in enumerate(("B", "A", "B", "A")):
        source.apply(UpdateFields("MKT-1", {"summary": summary}, origin=f"edit {n}"))
        report = sync(source, target, mirror)
        assert report.applied == 1, summary  # not mistaken for the earlier, equal change
        assert read_state(target)["MKT-1"].history.summary == summary


def test_a_source_that_forgot_its_cursor_is_read_in_full(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    target = memory("copy")
    sync(memory("board", sample_histories(3)), target, mirror)
    restarted = memory("board", sample_histories(4))  # same URL, a new store: old cursor invalid
    the_plan = plan(restarted, target, mirror)
    assert [c.describe().split()[:2] for c in the_plan.changes] == [["create", "MKT-4"]]
    assert the_plan.unchanged == 3
