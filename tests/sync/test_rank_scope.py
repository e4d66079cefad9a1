"""Rank scope (issue 11, point 6): a target that orders items within each status (Trello orders
cards within a list) gets reranks within a status only, and its order per status follows the
source's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agilemarketing.adapter import ChangeStatus, MoveStatus, RankScope, Rerank
from agilemarketing.errors import ChangeConflict
from agilemarketing.mirror import Mirror
from agilemarketing.sync import apply, plan
from agilemarketing.testing import InMemoryAdapter, ListRankedAdapter, read_state, sample_histories


def per_status(adapter: InMemoryAdapter) -> dict[str, list[str]]:
    """Each status's keys, in the adapter's order."""
    lists: dict[str, list[str]] = {}
    for record in adapter.read():
        lists.setdefault(record.history.status, []).append(record.key)
    return lists


def test_a_list_ranked_board_declares_status_scope() -> None:
    assert ListRankedAdapter("lists").capabilities.rank_scope is RankScope.STATUS
    assert InMemoryAdapter("board").capabilities.rank_scope is RankScope.BOARD


def test_a_rerank_next_to_an_item_of_another_status_fails_and_changes_nothing() -> None:
    board = ListRankedAdapter("lists")
    board.seed(sample_histories(6))  # MKT-1 To Do, MKT-2 In Progress, ...
    before = read_state(board)
    result = board.apply(Rerank("MKT-5", before="MKT-2"))
    assert result.status is ChangeStatus.FAILED
    assert isinstance(result.error, ChangeConflict)
    assert "MKT-2" in str(result.error)
    assert read_state(board) == before


def test_an_item_already_first_in_its_status_is_already_applied() -> None:
    board = ListRankedAdapter("lists")
    board.seed(sample_histories(6))
    # MKT-1 and MKT-5 are the To Do list, MKT-2..4 sit between them on the board
    assert board.apply(Rerank("MKT-1", before="MKT-5")).status is ChangeStatus.ALREADY_APPLIED
    assert board.apply(Rerank("MKT-5", before="MKT-1")).status is ChangeStatus.APPLIED
    assert per_status(board)["To Do"] == ["MKT-5", "MKT-1"]


def test_reranks_planned_for_a_status_scoped_target_stay_within_a_status(
    mirror: Mirror,
) -> None:
    source = InMemoryAdapter("board")
    source.seed(sample_histories(12))
    target = ListRankedAdapter("lists")
    apply(plan(source, target, mirror))
    for key, neighbour in (("MKT-9", "MKT-1"), ("MKT-2", "MKT-10"), ("MKT-12", "MKT-3")):
        source.apply(Rerank(key, before=neighbour))
    source.apply(MoveStatus("MKT-6", "To Do"))
    the_plan = plan(source, target, mirror)
    status = {k: r.history.status for k, r in read_state(source).items()}
    reranks = [c for c in the_plan.changes if isinstance(c, Rerank)]
    assert reranks
    assert all(status[c.key] == status[c.neighbour] for c in reranks)
    report = apply(the_plan)
    assert not report.failed
    assert per_status(target) == per_status(source)
    assert plan(source, target, mirror).changes == ()


@settings(max_examples=25, deadline=None)
@given(
    moves=st.lists(st.tuples(st.integers(1, 10), st.integers(1, 10), st.booleans()), max_size=8),
    statuses=st.lists(st.tuples(st.integers(1, 10), st.integers(0, 3)), max_size=4),
)
def test_any_reordering_reaches_a_status_scoped_target_per_status(
    moves: list[tuple[int, int, bool]], statuses: list[tuple[int, int]]
) -> None:
    """Whatever the source does to its order and statuses, one sync leaves the target with
    the source's order in every status, no rerank fails, and the next plan is empty."""
    names = ("To Do", "In Progress", "Review", "Done")
    with Mirror(":memory:") as mirror:
        source = InMemoryAdapter("board")
        source.seed(sample_histories(10))
        target = ListRankedAdapter("lists")
        apply(plan(source, target, mirror))
        for key, status in statuses:
            source.apply(MoveStatus(f"MKT-{key}", names[status]))
        for key, neighbour, before in moves:
            if key != neighbour:
                where = {"before": f"MKT-{neighbour}"} if before else {"after": f"MKT-{neighbour}"}
                source.apply(Rerank(f"MKT-{key}", **where))
        report = apply(plan(source, target, mirror))
        assert not report.failed
        assert per_status(target) == per_status(source)
        assert plan(source, target, mirror).changes == ()
