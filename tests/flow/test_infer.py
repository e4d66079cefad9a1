"""The workflow inferred without --workflow: abandoned statuses are not done (issue 14 point 8)."""

from __future__ import annotations

import pytest

from agilemarketing.errors import InvalidValue
from agilemarketing.flow import FlowLog
from agilemarketing.flow.infer import infer_workflow, is_abandoned_status
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.metrics import throughput


def _h(key: str, *path: str, resolved: bool = False) -> ItemHistory:
    steps = ("To Do", *path)
    moves = [
        Transition(f"2026-01-{i + 5:02d}T09:00Z", a, b)
        for i, (a, b) in enumerate(zip(steps, path, strict=False))
    ]
    return ItemHistory(
        key,
        status=path[-1],
        created="2026-01-05T08:00Z",
        resolved="2026-01-09T09:00Z" if resolved else None,
        transitions=moves,
    )


@pytest.mark.parametrize(
    "status", ["Won't Do", "WONT DO", "won’t fix", "Cancelled", "Canceled", "Rejected", "Duplicate"]
)
def test_dropped_work_statuses_are_abandoned_in_any_case(status: str) -> None:
    assert is_abandoned_status(status)


@pytest.mark.parametrize("status", ["Done", "In Progress", "Review", "Closed", "Released"])
def test_ordinary_statuses_are_not_abandoned(status: str) -> None:
    assert not is_abandoned_status(status)


def test_a_resolved_wont_do_item_is_abandoned_not_done_and_not_throughput() -> None:
    items = [
        _h("A", "Doing", "Done", resolved=True),
        _h("B", "Doing", "Won't Do", resolved=True),
        _h("C", "Cancelled", resolved=True),
    ]
    inferred = infer_workflow(items)
    assert "Won't Do" not in inferred.workflow.names
    assert inferred.abandoned == ("Cancelled", "Won't Do")
    assert str(inferred.workflow.done) == "Done"
    log = FlowLog.build(items, inferred.workflow)
    assert throughput(log).total == 1
    assert int(log.abandoned.sum()) == 2


def test_the_inferred_shorthand_prints_the_abandoned_statuses() -> None:
    inferred = infer_workflow([_h("A", "Doing", "Done"), _h("B", "Doing", "Rejected")])
    assert inferred.shorthand().endswith('(abandoned: "Rejected")')


def test_no_done_status_is_an_input_error_that_says_how_to_give_the_workflow() -> None:
    with pytest.raises(InvalidValue, match="--workflow"):
        infer_workflow([_h("A", "Doing", "Won't Do")])
