"""The board order: the target's follows the source's, three-way, through reranks."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import Adapter, MoveStatus, Rerank, UpdateFields
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import Mirror
from agilemarketing.sync import SyncReport, apply, plan
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories


def test_a_reordered_source_reorders_the_target(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    order: Callable[[Adapter], list[str]],
) -> None:
    source, target = memory("board", sample_histories(6)), memory("copy")
    sync(source, target, mirror)
    source.apply(Rerank("MKT-5", before="MKT-1"))
    source.apply(Rerank("MKT-2", after="MKT-6"))
    the_plan = plan(source, target, mirror)
    assert the_plan.count("rerank") == the_plan.counts["rerank"] >= 2
    apply(the_plan)
    assert order(target) == order(source) == ["MKT-5", "MKT-1", "MKT-3", "MKT-4", "MKT-6", "MKT-2"]
    assert plan(source, target, mirror).changes == ()


def test_a_reorder_made_only_on_the_target_is_kept(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    order: Callable[[Adapter], list[str]],
) -> None:
    source, target = memory("board", sample_histories(4)), memory("copy")
    sync(source, target, mirror)
    target.apply(Rerank("MKT-4", before="MKT-1"))
    source.apply(UpdateFields("MKT-2", {"summary": "Changed at the source"}))
    apply(plan(source, target, mirror))
    assert order(target) == ["MKT-4", "MKT-1", "MKT-2", "MKT-3"]


def test_an_item_moved_differently_on_both_sides_is_a_rank_conflict(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    order: Callable[[Adapter], list[str]],
) -> None:
    source, target = memory("board", sample_histories(4)), memory("copy")
    sync(source, target, mirror)
    source.apply(Rerank("MKT-3", before="MKT-1"))
    target.apply(Rerank("MKT-3", after="MKT-4"))
    the_plan = plan(source, target, mirror, "prefer-source")
    (conflict,) = the_plan.conflicts
    assert (conflict.key, conflict.field) == ("MKT-3", "rank")
    assert (conflict.base, conflict.source, conflict.target) == (
        "after MKT-2",
        "first",
        "after MKT-4",
    )
    apply(the_plan)
    assert order(target)[0] == "MKT-3"


histories = st.lists(
    st.builds(
        ItemHistory,
        key=st.sampled_from([f"K-{i}" for i in range(8)]),
        summary=st.text(max_size=8),
        status=st.sampled_from(["To Do", "Doing", "Done"]),
        points=st.none() | st.sampled_from([1.0, 2.0, 3.0]),
        labels=st.lists(st.sampled_from(["a", "b", "c"]), max_size=2, unique=True),
    ),
    unique_by=lambda h: h.key,
    max_size=8,
)


edits = st.lists(
    st.tuples(
        st.sampled_from([f"K-{i}" for i in range(8)]),
        st.sampled_from(["Doing", "Done", "Review"]),
        st.text(max_size=5),
        st.sampled_from([f"K-{i}" for i in range(8)]),
    ),
    max_size=6,
)


@given(histories, edits)
def test_after_any_source_edits_a_sync_makes_the_target_equal_and_a_rerun_plans_nothing(
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    synced: Callable[[Adapter], dict[str, tuple[object, ...]]],
    order: Callable[[Adapter], list[str]],
    seed: list[ItemHistory],
    changes: list[tuple[str, str, str, str]],
) -> None:
    with Mirror(":memory:") as m:
        source, target = memory("s", seed), memory("t")
        sync(source, target, m)
        for key, status, summary, neighbour in changes:
            if key in read_state(source):
                source.apply(MoveStatus(key, status))
                source.apply(UpdateFields(key, {"summary": summary}))
                if neighbour != key and neighbour in read_state(source):
                    source.apply(Rerank(key, after=neighbour))
        sync(source, target, m)
        assert synced(target) == synced(source)
        assert order(target) == order(source)
        again = plan(source, target, m)
        assert again.changes == ()
        assert again.conflicts == ()


@given(
    st.lists(st.sampled_from("abcdefgh"), unique=True, min_size=1),
    st.lists(st.tuples(st.integers(0, 7), st.integers(-1, 7)), max_size=20),
)
def test_the_simulated_target_order_moves_items_like_a_list_does(
    order: Callable[[Adapter], list[str]], keys: list[str], moves: list[tuple[int, int]]
) -> None:
    from agilemarketing.sync.reranks import KeyOrder

    order, reference = KeyOrder(keys), list(keys)
    for pick, after in moves:
        key = reference[pick % len(reference)]
        reference.remove(key)
        pred = None if after < 0 or not reference else reference[after % len(reference)]
        reference.insert(0 if pred is None else reference.index(pred) + 1, key)
        order.remove(key)
        order.insert_after(pred, key)
        assert list(order) == reference
        assert order.first == reference[0]
        assert all(
            order.before[k] == (reference[i - 1] if i else None) for i, k in enumerate(reference)
        )
