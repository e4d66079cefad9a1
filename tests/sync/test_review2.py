"""Review findings on the sync engine (tests that failed before their fix)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from lost_creates import LostAnswer, MarkedByChange

from agilemarketing.adapter import (
    AnyChange,
    ChangeResult,
    CreateItem,
    Cursor,
    MoveStatus,
    ReadResult,
    UpdateFields,
)
from agilemarketing.errors import AgileMarketingError
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import FieldMapping, SyncConfig, SyncReport, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories

Memory = Callable[..., InMemoryAdapter]
Sync = Callable[..., SyncReport]


def test_an_item_found_made_on_resume_gets_the_sources_status_through_a_status_map(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    """The source's "Backlog" is the tool's "To Do", and its "To Do" the tool's "Doing". The
    lost create made the item in "To Do"; the source then moved it to its own "To Do". The item
    found on resume must end in "Doing": its merge base at the source side was the tool's
    record (the tool's "To Do" read as the source's, which maps to "Doing"), so the move
    looked like nothing the source had done, and was never sent."""
    config = SyncConfig(mapping=FieldMapping(status_map={"Backlog": "To Do", "To Do": "Doing"}))
    source = memory("board", [ItemHistory("MKT-1", summary="Webinar", status="Backlog")])
    tool = MarkedByChange("tool")
    tool.crash = True
    with pytest.raises(LostAnswer):
        sync(source, tool, mirror, config=config)
    tool.crash = False
    source.apply(MoveStatus("MKT-1", "To Do", from_status="Backlog"))

    resumed = sync(source, tool, mirror, config=config)
    assert "made T-1 (its answer was lost)" in resumed.failed[0].error
    again = sync(source, tool, mirror, config=config)
    assert again.failed == ()
    assert [(r.key, r.history.status) for r in tool.read()] == [("T-1", "Doing")]
    assert plan(source, tool, mirror, config=config).changes == ()


class _AuditedMirror(MirrorAdapter):
    """The mirror's own board with a write of its own: it notes every batch it is sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batches: list[list[AnyChange]] = []

    def write(self, changes: Iterable[AnyChange]) -> list[ChangeResult]:
        planned = list(changes)
        self.batches.append(planned)
        return super().write(planned)


def test_a_mirror_target_that_overrides_write_is_sent_its_changes_through_it(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    """The sync carries a source's history into a mirror target in the same write
    (``write_carrying``): a subclass's own ``write`` must still be the one the changes go
    through, and the history still be carried."""
    source = memory("team", sample_histories(4))
    target = _AuditedMirror.of(mirror)
    assert isinstance(target, _AuditedMirror)
    report = sync(source, target, mirror)
    assert report.failed == ()
    assert sum(len(batch) for batch in target.batches) == report.applied > 0
    held = {r.key: r.history.transitions for r in target.read()}
    assert held == {r.key: r.history.transitions for r in source.read()}
    assert plan(source, target, mirror).changes == ()


class _SearchDown(MarkedByChange):
    """:class:`MarkedByChange` whose search for a lost create can be down: for every create
    (``down``), or only for those it made nothing of (``down_unknown``)."""

    down = False
    down_unknown = False

    def find_created(self, change: CreateItem) -> str | None:
        if self.down or (self.down_unknown and change.change_id not in self.made):
            raise AgileMarketingError("the search is down", where="tool", fix="wait")
        return super().find_created(change)


def test_a_lost_create_found_stays_found_when_a_later_entry_of_the_item_cannot_be_asked(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    """Two creates of one item left planned: the lost one (it made T-2) and a later one a
    killed run journalled and never sent. Asked on resume, the first is found and the second
    cannot be asked: the item must still be mapped to T-2 (the first entry is settled as
    applied, so it is never asked again), else a later run makes it a second time."""
    source = memory("board", [ItemHistory("MKT-1", summary="Webinar", status="To Do")])
    tool = _SearchDown("tool")
    sync(source, tool, mirror)  # MKT-1 -> T-1
    source.apply(CreateItem("MKT-2", "Newsletter", status="To Do"))
    tool.crash = True
    with pytest.raises(LostAnswer):
        sync(source, tool, mirror)  # MKT-2 -> T-2, the answer lost
    source.apply(UpdateFields("MKT-2", {"summary": "Newsletter, May"}))
    source.apply(UpdateFields("MKT-1", {"summary": "Webinar, May"}))
    tool.down = True
    with pytest.raises(LostAnswer):
        sync(source, tool, mirror)  # the new create of MKT-2 journalled, never sent
    tool.crash = tool.down = False
    tool.down_unknown = True
    source.apply(UpdateFields("MKT-2", {"summary": "Newsletter, June"}))
    sync(source, tool, mirror)
    tool.down_unknown = False
    for _ in range(3):
        sync(source, tool, mirror)
    assert len(tool) == 2
    assert mirror.key_map(tool.identity) == {"MKT-1": "T-1", "MKT-2": "T-2"}
    assert {r.key: r.history.summary for r in tool.read()}["T-2"] == "Newsletter, June"


class _ProjectOnly(_SearchDown):
    """A tool whose reads show only the items of the sync's project (keys ``T-...``), as a
    Jira adapter reads one project, while a change can reach any item of the site: another
    project's issue may hold a key the sync uses for an item of its own."""

    def read(self, since: Cursor | None = None) -> ReadResult:
        result = super().read(since)
        mine = [r for r in result if r.key.startswith("T-")]
        return ReadResult(mine, result.cursor, result.complete, removed=result.removed)


def test_a_change_naming_an_item_whose_lost_create_cannot_be_asked_about_fails_unsent(
    mirror: Mirror, memory: Memory, sync: Sync
) -> None:
    """The create of MKT-2 lost its answer and the tool cannot be asked what it made: MKT-2 has
    no key in the tool yet, so the rerank placing it must fail unsent. Sent under the sync's
    key, it moved another project's issue that happens to be called MKT-2."""
    source = memory("board", [ItemHistory("MKT-1", "Webinar", status="To Do", rank="m")])
    tool = _ProjectOnly("tool")
    sync(source, tool, mirror)  # MKT-1 -> T-1
    tool.seed([ItemHistory("MKT-2", "Another project's issue", status="To Do", rank="zzzz")])
    source.seed([ItemHistory("MKT-2", "Newsletter", status="To Do", rank="a")])  # on top
    tool.crash = True
    with pytest.raises(LostAnswer):
        sync(source, tool, mirror)  # MKT-2 -> T-2, the answer lost
    tool.crash = False
    source.apply(UpdateFields("MKT-2", {"summary": "Newsletter, May"}))
    tool.down = True
    report = sync(source, tool, mirror)
    assert {f.description for f in report.failed} == {
        "create MKT-2 'Newsletter, May' in 'To Do'",
        "rerank MKT-2 before MKT-1",
    }
    ranks = {r.key: r.history.rank for r in InMemoryAdapter.read(tool)}
    assert ranks["MKT-2"] == "zzzz"  # the other project's issue did not move
