"""Definition-of-Done state reaches the mirror's own board (issue 11, point 4): the criteria an
item meets, with the size of its checklist ("3 of 4"), through creates and later syncs."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from agilemarketing.adapter import ItemRecord
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import SyncReport
from agilemarketing.testing import InMemoryAdapter, sample_histories

CHECKLIST = ("Copy proofread", "Links tested", "Tracking in place", "Legal approved")


def checked(count: int) -> list[ItemRecord]:
    """``count`` items, item n meeting the first n % 5 criteria of a four-item checklist."""
    return [
        ItemRecord(h, done_criteria=CHECKLIST[: n % 5], done_total=len(CHECKLIST))
        for n, h in enumerate(sample_histories(count))
    ]


def with_state(mirror: Mirror) -> dict[str, str | None]:
    return {r.key: r.done_state for r in mirror.records() if r.done_total is not None}


def test_a_first_sync_brings_every_items_done_state_to_the_mirrors_board(
    mirror: Mirror, sync: Callable[..., SyncReport]
) -> None:
    source = InMemoryAdapter("team")
    source.seed(checked(20))
    sync(source, MirrorAdapter.of(mirror), mirror)
    state = with_state(mirror)
    assert len(state) == 20
    assert state["MKT-4"] == "3 of 4"
    assert state["MKT-5"] == "4 of 4"
    assert mirror.board()["MKT-3"].done_criteria == frozenset(CHECKLIST[:2])


def test_a_ticked_criterion_reaches_the_mirror_on_the_next_sync(
    mirror: Mirror, sync: Callable[..., SyncReport]
) -> None:
    source = InMemoryAdapter("team")
    source.seed(checked(5))
    sync(source, MirrorAdapter.of(mirror), mirror)
    record = next(r for r in source.read() if r.key == "MKT-1")  # 0 of 4
    source.seed([attrs.evolve(record, done_criteria=CHECKLIST[:1])])
    sync(source, MirrorAdapter.of(mirror), mirror)
    assert with_state(mirror)["MKT-1"] == "1 of 4"


def test_done_state_is_kept_exactly_by_the_mirror_as_an_adapter(mirror: Mirror) -> None:
    board = MirrorAdapter.of(mirror)
    with mirror.transaction():
        mirror.save_board("mirror", checked(3))
    read = {r.key: r for r in board.read()}
    assert read["MKT-3"].done_total == 4
    assert read["MKT-3"].done_state == "2 of 4"


def test_a_total_smaller_than_the_criteria_met_is_refused() -> None:
    import pytest

    from agilemarketing.errors import InvalidValue

    with pytest.raises(InvalidValue, match="done_total"):
        ItemRecord(sample_histories(1)[0], done_criteria=["a", "b"], done_total=1)
