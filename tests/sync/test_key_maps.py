"""Keys the target assigns (issue 11 point 2).

A create pushed to a tool that gives the item its own key (Jira's MKT-123, a Trello card id)
is recorded in the mirror's key map of that tool once the apply succeeds, and every later plan
reads the tool through the map in both directions: a round trip mirror -> tool -> mirror holds
each item once, and a rename never forks an item.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lost_creates import LostAnswer, MarkedByChange

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    MoveStatus,
    Rerank,
    UpdateFields,
)
from agilemarketing.errors import AgileMarketingError
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import SyncConfig, SyncReport, plan
from agilemarketing.testing import InMemoryAdapter, KeyAssigningAdapter, sample_histories

Memory = Callable[..., InMemoryAdapter]
Sync = Callable[..., SyncReport]


def _pushed(
    memory: Memory, sync: Sync, mirror: Mirror
) -> tuple[InMemoryAdapter, KeyAssigningAdapter]:
    source, tool = memory("board", sample_histories(3)), KeyAssigningAdapter("tool")
    sync(source, tool, mirror)
    return source, tool


def test_a_create_the_target_gives_its_own_key_is_recorded_in_the_key_map(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    _, tool = _pushed(memory, sync, mirror)
    assert sorted(r.key for r in tool.read()) == ["T-1", "T-2", "T-3"]
    assert mirror.key_map(tool.identity) == {"MKT-1": "T-1", "MKT-2": "T-2", "MKT-3": "T-3"}


def test_a_second_sync_to_a_key_assigning_target_plans_nothing(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source, tool = _pushed(memory, sync, mirror)
    again = plan(source, tool, mirror, full=True)  # the whole source, against the tool
    assert again.changes == ()
    assert len(tool) == 3


def test_changes_to_a_mapped_item_are_sent_under_the_tools_key(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source, tool = _pushed(memory, sync, mirror)
    source.apply(UpdateFields("MKT-2", {"summary": "Renamed at the source"}))
    source.apply(MoveStatus("MKT-3", "Review"))
    sync(source, tool, mirror)
    state = {r.key: r for r in tool.read()}
    assert len(state) == 3
    assert state["T-2"].get("summary") == "Renamed at the source"
    assert state["T-3"].history.status == "Review"
    assert plan(source, tool, mirror).changes == ()


def test_a_mirror_tool_mirror_round_trip_holds_each_item_once(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    own = MirrorAdapter.of(mirror)
    source = memory("board", sample_histories(3))
    sync(source, own, mirror)  # the board into the mirror
    tool = KeyAssigningAdapter("tool")
    with Mirror(Path(mirror.path).with_name("push.db")) as state:
        sync(own, tool, state)  # mirror -> tool: T-1..T-3
        report = sync(tool, MirrorAdapter.of(mirror), state)  # tool -> mirror
        assert report.by_kind.get("create", 0) == 0
        assert sorted(mirror.board()) == ["MKT-1", "MKT-2", "MKT-3"]
        assert plan(tool, MirrorAdapter.of(mirror), state).changes == ()


def test_a_rename_in_the_tool_updates_the_item_and_never_forks_it(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    own = MirrorAdapter.of(mirror)
    sync(memory("board", sample_histories(3)), own, mirror)
    tool = KeyAssigningAdapter("tool")
    with Mirror(Path(mirror.path).with_name("push.db")) as state:
        sync(own, tool, state)
        sync(tool, MirrorAdapter.of(mirror), state)
        tool.apply(UpdateFields("T-2", {"summary": "Renamed in the tool"}))
        report = sync(tool, MirrorAdapter.of(mirror), state)
    assert report.by_kind == {"update": 1}
    board = mirror.board()
    assert sorted(board) == ["MKT-1", "MKT-2", "MKT-3"]
    assert board["MKT-2"].get("summary") == "Renamed in the tool"


def test_an_item_created_in_the_tool_itself_keeps_the_tools_key(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    _source, tool = _pushed(memory, sync, mirror)
    tool.seed(sample_histories(1, prefix="NEW"))
    with Mirror(Path(mirror.path).with_name("back.db")) as state:
        back = memory("back")
        sync(tool, back, state)
        assert sorted(r.key for r in back.read()) == ["NEW-1", "T-1", "T-2", "T-3"]


class _Crash(Exception):
    pass


class _CrashAfterWrite(KeyAssigningAdapter):
    """Writes, then dies before the sync hears back (the answer is lost)."""

    crash = True

    def write(self, changes):  # type: ignore[no-untyped-def]
        results = super().write(changes)
        if self.crash:
            raise _Crash("connection lost after the tool applied the batch")
        return results


def test_an_interrupted_apply_does_not_lose_the_mapping(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source, tool = memory("board", sample_histories(3)), _CrashAfterWrite("tool")
    with pytest.raises(_Crash):
        sync(source, tool, mirror)
    assert len(tool) == 3
    assert mirror.key_map(tool.identity) == {}
    tool.crash = False
    report = sync(source, tool, mirror)  # the retried creates are recognised by the tool
    assert report.already_applied == 3
    assert len(tool) == 3
    assert mirror.key_map(tool.identity) == {"MKT-1": "T-1", "MKT-2": "T-2", "MKT-3": "T-3"}
    assert plan(source, tool, mirror).changes == ()


def test_a_tool_that_keeps_the_keys_it_is_given_leaves_the_key_map_empty(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    target: Adapter = memory("copy")
    sync(memory("board", sample_histories(3)), target, mirror)
    assert mirror.key_map(target.identity) == {}


def test_a_new_item_ranked_in_the_same_run_is_ranked_under_the_key_the_tool_just_gave_it(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source, tool = _pushed(memory, sync, mirror)
    source.apply(CreateItem("MKT-4", "New at the top", type="Task", status="To Do"))
    source.apply(Rerank("MKT-4", before="MKT-1"))
    report = sync(source, tool, mirror)  # creates T-4, then puts it before T-1
    assert report.failed == ()
    assert [r.key for r in tool.read()] == ["T-4", "T-1", "T-2", "T-3"]
    assert plan(source, tool, mirror).changes == ()


def test_keys_a_tool_gave_in_one_batch_name_its_items_in_the_next(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    source, tool = memory("board", sample_histories(4)), KeyAssigningAdapter("tool")
    source.apply(Rerank("MKT-4", before="MKT-1"))  # the tool creates at the bottom: a rerank
    report = sync(source, tool, mirror, config=SyncConfig(batch_size=1))
    assert report.failed == ()
    keys = mirror.key_map(tool.identity)
    assert [r.key for r in tool.read()] == [keys[k] for k in ("MKT-4", "MKT-1", "MKT-2", "MKT-3")]
    assert plan(source, tool, mirror).changes == ()


class _Refusing(KeyAssigningAdapter):
    """A tool that gives keys like the sync's own (``MKT-<n>``) and refuses some creates."""

    refused: frozenset[str] = frozenset()

    def apply(self, change: AnyChange) -> ChangeResult:
        if isinstance(change, CreateItem) and change.key in self.refused:
            error = AgileMarketingError("the tool refused the create", where=change.key)
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        return super().apply(change)


def test_a_change_naming_an_item_whose_create_failed_fails_unsent_never_reaching_another_item(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    # The tool numbers its items as the source does, so MKT-1 is, in the tool, the key it gave
    # the source's MKT-3. A rerank of the uncreated MKT-1 must not move (or name) that item.
    source = memory("board", sample_histories(5))
    tool = _Refusing("tool", {"prefix": "MKT"})
    tool.refused = frozenset({"MKT-1", "MKT-2"})
    first = sync(source, tool, mirror)
    assert len(first.failed) == 2
    before = [(r.key, r.history.summary, r.history.rank) for r in tool.read()]
    again = sync(source, tool, mirror)  # the creates fail again; so must what names them
    described = " | ".join(f.description for f in again.failed)
    assert "create MKT-1" in described
    assert "create MKT-2" in described
    assert "rerank MKT-1" in described or "rerank MKT-2" in described
    assert all("create" in f.description or "not created" in f.error for f in again.failed)
    assert [(r.key, r.history.summary, r.history.rank) for r in tool.read()] == before
    tool.refused = frozenset()
    healed = sync(source, tool, mirror)
    assert healed.failed == ()
    keys = mirror.key_map(tool.identity)
    order = [keys.get(k, k) for k in ("MKT-1", "MKT-2", "MKT-3", "MKT-4", "MKT-5")]
    assert [r.key for r in tool.read()] == order
    assert plan(source, tool, mirror).changes == ()


def _lost_then_renamed(
    memory: Memory, sync: Sync, mirror: Mirror, items: int
) -> tuple[InMemoryAdapter, MarkedByChange]:
    """A first sync of ``items`` items whose answer is lost, then the last item renamed at the
    source (``MKT-<items>``: "Renamed meanwhile")."""
    source, tool = memory("board", sample_histories(items)), MarkedByChange("tool")
    tool.crash = True
    with pytest.raises(LostAnswer):
        sync(source, tool, mirror)
    tool.crash = False
    source.apply(UpdateFields(f"MKT-{items}", {"summary": "Renamed meanwhile"}))
    return source, tool


def test_a_create_whose_answer_was_lost_is_found_though_the_item_changed_since(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    """The create's answer is lost, then the item is renamed at the source: the new create is
    another change the tool does not recognise. The journal's lost create is looked for, found,
    mapped, and the new create not sent (saying why); the next run updates the item."""
    source, tool = _lost_then_renamed(memory, sync, mirror, 2)

    resumed = sync(source, tool, mirror)
    assert len(tool) == 2
    (failed,) = resumed.failed
    assert "made T-2 (its answer was lost)" in failed.error
    assert mirror.key_map(tool.identity) == {"MKT-1": "T-1", "MKT-2": "T-2"}

    again = sync(source, tool, mirror)
    assert again.failed == ()
    assert len(tool) == 2
    assert {r.key: r.history.summary for r in tool.read()}["T-2"] == "Renamed meanwhile"
    assert plan(source, tool, mirror).changes == ()


def test_a_lost_create_the_tool_cannot_look_for_is_made_again_only_once_known_absent(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    """A tool whose search for the lost create fails leaves the new create unsent (and the
    journal entry planned) until it can answer; then the lost create is found."""
    source, tool = _lost_then_renamed(memory, sync, mirror, 1)

    def refuse(change: CreateItem) -> str | None:
        raise AgileMarketingError("the search is down", where="tool", fix="wait")

    tool.find_created = refuse  # type: ignore[method-assign]
    waiting = sync(source, tool, mirror)
    (failed,) = waiting.failed
    assert "could not be asked" in failed.error
    assert "the search is down" in failed.error
    assert len(tool) == 1
    del tool.find_created
    found = sync(source, tool, mirror)
    assert "made T-1" in found.failed[0].error
    assert len(tool) == 1
