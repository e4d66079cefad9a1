"""The ``restart`` policy: the clock restarts only when an item goes back to a stage before
the start (the common definition of cycle time, and jira-agile-metrics' one). It is the
default; the older policy names keep working. A pass through a status outside the workflow
is no move at all for start and done: after done it is not a reopen unless reported as one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.flow import Backwards, FlowLog, FlowPolicy
from agilemarketing.history import ItemHistory
from agilemarketing.workflow import Workflow

BuildLog = Callable[..., FlowLog]
MakeHistory = Callable[..., ItemHistory]
Iso = Callable[[np.datetime64], str]
RESTART = FlowPolicy(Backwards.RESTART_FROM_TODO)


def test_the_clock_restarts_when_an_item_goes_back_to_to_do(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    # committed on day 1, parked back in To Do on day 2, started again on day 20
    parked = make_history(
        "P",
        (1, "To Do", "Doing"),
        (2, "Doing", "To Do"),
        (20, "To Do", "Doing"),
        (22, "Doing", "Done"),
    )
    log = build_log(parked, policy=RESTART)
    assert iso(log.start[0]) == "2026-01-25T09:00:00"
    assert iso(log.done[0]) == "2026-01-27T09:00:00"
    # the older policies count the parked weeks (first, reopened) or any rework (last)
    assert iso(build_log(parked, policy=FlowPolicy("first")).start[0]) == "2026-01-06T09:00:00"


def test_rework_inside_the_workflow_keeps_the_start(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    rework = make_history(
        "B",
        (1, "To Do", "Doing"),
        (2, "Doing", "Review"),
        (3, "Review", "Doing"),
        (6, "Doing", "Done"),
    )
    log = build_log(rework, policy=RESTART)
    assert iso(log.start[0]) == "2026-01-06T09:00:00"  # "last" would say day 3
    assert iso(build_log(rework, policy=FlowPolicy("last")).start[0]) == "2026-01-08T09:00:00"


def test_a_reopened_item_keeps_its_start_and_is_done_when_done_again(
    build_log: BuildLog, reopened: ItemHistory, iso: Iso
) -> None:
    log = build_log(reopened, policy=RESTART)
    assert iso(log.start[0]) == "2026-01-06T09:00:00"
    assert iso(log.done[0]) == "2026-01-13T09:00:00"


def test_a_reopen_back_to_to_do_restarts_the_clock(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    log = build_log(
        make_history(
            "R",
            (1, "To Do", "Doing"),
            (3, "Doing", "Done"),
            (5, "Done", "To Do"),
            (9, "To Do", "Doing"),
            (10, "Doing", "Done"),
        ),
        policy=RESTART,
    )
    assert iso(log.start[0]) == "2026-01-14T09:00:00"
    assert iso(log.done[0]) == "2026-01-15T09:00:00"


def test_restart_from_to_do_is_the_default_policy() -> None:
    assert FlowPolicy().backwards is Backwards.RESTART_FROM_TODO
    assert FlowPolicy("restart") == FlowPolicy()


@pytest.mark.parametrize("name", ["first", "last", "reopened", "restart"])
def test_every_policy_name_still_works(name: str) -> None:
    assert FlowPolicy(name).backwards.value == name


@pytest.mark.parametrize("policy", list(Backwards))
def test_passing_through_a_status_outside_the_workflow_after_done_is_not_a_reopen(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso, policy: Backwards
) -> None:
    log = build_log(
        make_history(
            "A",
            (1, "To Do", "Doing"),
            (3, "Doing", "Done"),
            (5, "Done", "Archived"),
            (6, "Archived", "Done"),
        ),
        policy=FlowPolicy(policy),
    )
    assert iso(log.done[0]) == "2026-01-08T09:00:00"
    assert log.quality["reopened"].count == 0


@pytest.mark.parametrize("policy", list(Backwards))
def test_leaving_done_through_a_status_outside_the_workflow_is_a_reported_reopen(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso, policy: Backwards
) -> None:
    log = build_log(
        make_history(
            "A",
            (1, "To Do", "Doing"),
            (3, "Doing", "Done"),
            (5, "Done", "Archived"),
            (6, "Archived", "Doing"),
            (8, "Doing", "Done"),
        ),
        policy=FlowPolicy(policy),
    )
    assert log.quality["reopened"].keys == ("A",)
    expected = "2026-01-08T09:00:00" if policy is Backwards.FIRST_ENTRY else "2026-01-13T09:00:00"
    assert iso(log.done[0]) == expected


def _peer_dates(h: ItemHistory, wf: Workflow) -> tuple[datetime | None, datetime | None]:
    """Start and done as jira-agile-metrics' cycle-time calculator computes them, step by step:
    each stage keeps its first entry, a move to a stage wipes the later stages' dates, statuses
    outside the workflow are ignored; then a missing date is filled from the next later stage."""
    names = wf.names
    dates: list[datetime | None] = [None] * len(names)
    moves = sorted(h.transitions, key=lambda t: t.at)  # stable, like the log
    first = moves[0].from_status if moves else h.status
    for at, status in [(h.created, first), *((t.at, t.to_status) for t in moves)]:
        k = wf.index_for_status(status) if status is not None else None
        if k is None or at is None:
            continue
        if dates[k] is None:
            dates[k] = at
        for j in range(k + 1, len(names)):
            dates[j] = None
    later: datetime | None = None
    for j in reversed(range(len(names))):
        later = dates[j] if dates[j] is not None else later
        dates[j] = later
    return dates[wf.index_of(str(wf.start))], dates[wf.index_of(str(wf.done))]


@given(data=st.data())
def test_restart_policy_gives_the_peers_start_and_done_on_random_histories(
    build_log: BuildLog,
    workflow: Workflow,
    random_histories: st.SearchStrategy[list[ItemHistory]],
    data: st.DataObject,
) -> None:
    items = data.draw(random_histories)
    log = build_log(*items, policy=RESTART)
    for row, h in enumerate(items):
        if log.abandoned[row]:
            continue  # the peer ignores a last status outside the workflow; the log does not
        start, done = _peer_dates(h, workflow)
        ours_done = None if np.isnat(log.done[row]) else log.done[row].item()
        assert ours_done == (None if done is None else done.replace(tzinfo=None)), h.key
        if log.has_cycle_time[row]:
            assert start is not None
            assert log.start[row].item() == start.replace(tzinfo=None), h.key
        elif log.is_done[row]:
            # done without passing an in-progress stage since the last return to to-do: the
            # peer fills the start from the done date (a zero cycle time); the log counts
            # throughput only (done_without_start)
            assert start == done, h.key
