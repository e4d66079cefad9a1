"""An item missing on the target is deleted only when the target says so; else re-created."""

from __future__ import annotations

from collections.abc import Callable

from agilemarketing.adapter import Capabilities, UpdateFields
from agilemarketing.mirror import Mirror
from agilemarketing.sync import SyncReport, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories


class LosingBoard(InMemoryAdapter):
    """A target whose lost items leave no trace (a file rewritten by someone): no deletions."""

    name = "losing"
    capabilities = Capabilities(read=True, write=True, rank=True, missing_is_deleted=False)

    def lose(self, key: str) -> None:
        del self._items[key]


def test_items_lost_by_a_target_without_deletions_are_re_created_and_said_so(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source, target = memory("team", sample_histories(4)), LosingBoard("copy")
    sync(source, target, mirror)
    target.lose("MKT-2")
    target.lose("MKT-3")
    source.apply(UpdateFields("MKT-3", {"summary": "changed at the source meanwhile"}))

    again = plan(source, target, mirror)

    assert [c.describe().split()[:2] for c in again.changes] == [
        ["create", "MKT-2"],
        ["create", "MKT-3"],
        ["rerank", "MKT-2"],  # back to its place (a create lands at the bottom)
        ["rerank", "MKT-3"],
    ]
    assert again.conflicts == ()
    assert again.recreated == ("MKT-2", "MKT-3")
    assert (
        "re-created 2 items missing on the target (no deletion record): MKT-2, MKT-3"
        in again.warnings()
    )
    assert again.as_dict()["recreated"] == ["MKT-2", "MKT-3"]
    sync(source, target, mirror)
    assert [r.key for r in target.read()] == ["MKT-1", "MKT-2", "MKT-3", "MKT-4"]
    assert plan(source, target, mirror).changes == ()


def test_an_item_a_target_deleted_stays_deleted(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source, target = memory("team", sample_histories(3)), memory("copy")
    assert target.capabilities.missing_is_deleted
    sync(source, target, mirror)
    target.remove("MKT-2")
    again = plan(source, target, mirror)
    assert again.changes == ()
    assert again.recreated == ()
    source.apply(UpdateFields("MKT-2", {"summary": "edited at the source"}))
    (conflict,) = plan(source, target, mirror).conflicts
    assert (conflict.key, conflict.field, conflict.target) == ("MKT-2", "item", "deleted")


def test_an_item_gone_from_both_sides_is_not_re_created(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source, target = memory("team", sample_histories(3)), LosingBoard("copy")
    sync(source, target, mirror)
    source.remove("MKT-2")  # the incremental read reports it removed
    target.lose("MKT-2")
    again = plan(source, target, mirror)
    assert again.changes == ()
    assert again.recreated == ()
