"""What a sync writes to a target that keeps history: the source's, never an invented one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from agilemarketing.adapter import Adapter, MoveStatus
from agilemarketing.mirror import Mirror
from agilemarketing.sync import SyncReport
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories

AT = datetime(2026, 2, 2, 9, tzinfo=UTC)


def test_a_copy_of_a_board_has_its_history_exactly(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source, copy = memory("team", sample_histories(12)), memory("copy")
    sync(source, copy, mirror)
    wanted = {k: r.history for k, r in read_state(source).items()}
    got = {k: r.history for k, r in read_state(copy).items()}
    for key, h in wanted.items():
        c = got[key]
        assert (c.created, c.resolved, c.sprints, c.transitions, c.blocked) == (
            h.created,
            h.resolved,
            h.sprints,
            h.transitions,
            h.blocked,
        ), key


def test_a_copy_of_a_snapshot_claims_no_exact_time(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    snapshot: Callable[[Mapping[str, str]], Adapter],
) -> None:
    copy = memory("copy")
    sync(snapshot({"MKT-1": "To Do", "MKT-2": "Doing"}), copy, mirror)
    sync(snapshot({"MKT-1": "Doing", "MKT-2": "Done"}), copy, mirror)
    for record in read_state(copy).values():
        assert record.history.created is None  # the snapshot does not say: none is invented
        assert record.history.transitions
        assert all(t.observed for t in record.history.transitions), record.history.transitions


def test_moves_at_the_source_arrive_with_their_own_times(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    times = iter([AT, AT.replace(day=3)])
    source = InMemoryAdapter("team", {"clock": lambda: next(times)})
    source.seed(sample_histories(1))  # MKT-1 in To Do
    copy = memory("copy")
    sync(source, copy, mirror)
    source.apply(MoveStatus("MKT-1", "In Progress"))
    source.apply(MoveStatus("MKT-1", "Review"))  # two moves between syncs

    assert sync(source, copy, mirror).by_kind == {"move": 1}

    moves = [(t.to_status, t.at, t.observed) for t in read_state(copy)["MKT-1"].history.transitions]
    assert moves[-2:] == [("In Progress", AT, False), ("Review", AT.replace(day=3), False)]
