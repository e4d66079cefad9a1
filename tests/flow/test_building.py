"""Building the flow log: one small hand-made history per clean-up rule, plus invariants."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.flow import Backwards, FlowLog, FlowPolicy
from agilemarketing.history import ItemHistory, Transition

BuildLog = Callable[..., FlowLog]
MakeHistory = Callable[..., ItemHistory]
Iso = Callable[[np.datetime64], str]


def test_a_straight_path_gives_one_segment_per_stage_and_start_and_done(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    log = build_log(
        make_history("A", (1, "To Do", "Doing"), (2, "Doing", "Review"), (4, "Review", "Done"))
    )
    assert log.seg_stage.tolist() == [0, 1, 2, 3]
    assert [iso(v) for v in log.seg_enter] == [
        "2026-01-05T09:00:00",
        "2026-01-06T09:00:00",
        "2026-01-07T09:00:00",
        "2026-01-09T09:00:00",
    ]
    assert np.isnat(log.seg_leave[-1])
    assert iso(log.start[0]) == "2026-01-06T09:00:00"
    assert iso(log.done[0]) == "2026-01-09T09:00:00"
    assert log.quality.ok
    assert log.has_cycle_time.tolist() == [True]


def test_a_skipped_start_stage_counts_from_the_first_later_stage_entered(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    log = build_log(make_history("A", (1, "To Do", "Review"), (3, "Review", "Done")))
    assert iso(log.start[0]) == "2026-01-06T09:00:00"
    assert log.quality["skipped_stage"].keys == ("A",)


@pytest.mark.parametrize(
    ("policy", "start", "done"),
    [
        (Backwards.FIRST_ENTRY, 1, 3),
        (Backwards.LAST_ENTRY, 5, 8),
        (Backwards.ADD_REOPENED, 1, 8),
    ],
)
def test_backwards_policy_decides_which_entries_start_and_end_a_reopened_item(
    build_log: BuildLog,
    reopened: ItemHistory,
    day: Callable[[float], datetime],
    policy: Backwards,
    start: int,
    done: int,
) -> None:
    log = build_log(reopened, policy=FlowPolicy(policy))
    assert log.start[0] == np.datetime64(day(start).replace(tzinfo=None), "us")
    assert log.done[0] == np.datetime64(day(done).replace(tzinfo=None), "us")
    assert log.quality["reopened"].keys == ("R",)
    assert log.quality["backwards_move"].keys == ("R",)


def test_a_reopened_item_that_is_not_done_again_is_in_progress(
    build_log: BuildLog, make_history: MakeHistory
) -> None:
    log = build_log(
        make_history("R", (1, "To Do", "Doing"), (3, "Doing", "Done"), (5, "Done", "Doing"))
    )
    assert not log.is_done[0]
    assert log.in_progress.tolist() == [True]


def test_an_item_moved_back_to_to_do_is_not_in_progress(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    parked = make_history("P", (1, "To Do", "Doing"), (2, "Doing", "To Do"))
    log = build_log(parked)
    assert np.isnat(log.start[0])  # the default policy: not started any more
    assert log.in_progress.tolist() == [False]
    first = build_log(parked, policy=FlowPolicy(Backwards.FIRST_ENTRY))
    assert iso(first.start[0]) == "2026-01-06T09:00:00"
    assert first.in_progress.tolist() == [False]


def test_backwards_within_progress_keeps_the_first_start_by_default(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    log = build_log(
        make_history(
            "B",
            (1, "To Do", "Doing"),
            (2, "Doing", "Review"),
            (3, "Review", "Doing"),
            (4, "Doing", "Review"),
            (6, "Review", "Done"),
        )
    )
    assert iso(log.start[0]) == "2026-01-06T09:00:00"
    assert log.quality["backwards_move"].count == 1
    assert log.quality["reopened"].count == 0


def test_out_of_order_transitions_are_sorted_and_reported(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    log = build_log(make_history("O", (3, "Doing", "Done"), (1, "To Do", "Doing")))
    assert log.seg_stage.tolist() == [0, 1, 3]
    assert log.quality["out_of_order"].keys == ("O",)
    assert iso(log.done[0]) == "2026-01-08T09:00:00"


def test_duplicate_events_are_kept_once_and_reported(
    build_log: BuildLog, make_history: MakeHistory
) -> None:
    log = build_log(
        make_history("D", (1, "To Do", "Doing"), (1, "To Do", "Doing"), (2, "Doing", "Done"))
    )
    assert log.seg_stage.tolist() == [0, 1, 3]
    assert log.quality["duplicate_event"].keys == ("D",)
    assert log.quality["status_gap"].count == 0


def test_an_item_ending_outside_the_workflow_is_abandoned_not_done(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    log = build_log(make_history("W", (1, "To Do", "Doing"), (2, "Doing", "Won't Do")))
    assert log.abandoned.tolist() == [True]
    assert not log.is_done[0]
    assert not log.in_progress[0]
    assert iso(log.abandoned_at[0]) == "2026-01-07T09:00:00"
    assert log.quality.unmapped_statuses == {"Won't Do": ("W",)}
    assert log.quality["abandoned"].keys == ("W",)
    assert log.seg_stage.tolist() == [0, 1, -1]


def test_an_unmapped_status_in_the_middle_does_not_abandon_the_item(
    build_log: BuildLog, make_history: MakeHistory
) -> None:
    log = build_log(
        make_history("U", (1, "To Do", "On Hold"), (2, "On Hold", "Doing"), (3, "Doing", "Done"))
    )
    assert not log.abandoned[0]
    assert log.is_done[0]
    assert log.quality["unmapped_status"].keys == ("U",)


def test_an_item_created_done_counts_as_done_without_cycle_time(
    build_log: BuildLog, day: Callable[[float], datetime], iso: Iso
) -> None:
    log = build_log(ItemHistory("C", status="Done", created=day(2)))
    assert iso(log.done[0]) == "2026-01-07T09:00:00"
    assert np.isnat(log.start[0])
    assert log.has_cycle_time.tolist() == [False]
    assert log.quality["created_done"].keys == ("C",)
    assert log.quality["done_without_start"].keys == ("C",)


def test_done_straight_from_to_do_has_no_start(
    build_log: BuildLog, make_history: MakeHistory
) -> None:
    log = build_log(make_history("S", (2, "To Do", "Done")))
    assert log.is_done[0]
    assert np.isnat(log.start[0])
    assert log.quality["done_without_start"].keys == ("S",)


def test_timezones_are_normalised_to_utc(build_log: BuildLog, iso: Iso) -> None:
    h = ItemHistory(
        "Z",
        status="Done",
        created="2026-01-05T10:00:00+01:00",
        transitions=[
            Transition("2026-01-06T04:00:00-05:00", "To Do", "Doing"),
            Transition("2026-01-07T09:00:00Z", "Doing", "Done"),
        ],
    )
    log = build_log(h)
    assert iso(log.start[0]) == "2026-01-06T09:00:00"
    assert iso(log.created[0]) == "2026-01-05T09:00:00"


def test_a_history_starting_mid_workflow_is_reported_as_truncated(
    build_log: BuildLog, make_history: MakeHistory, day: Callable[[float], datetime]
) -> None:
    log = build_log(
        # no created date: nothing says it was created in Review (see test_quality_flags)
        ItemHistory("T", status="Done", transitions=[Transition(day(3), "Review", "Done")]),
        make_history("M", (1, "To Do", "Doing"), status="Done"),
    )
    assert log.quality["truncated"].keys == ("T", "M")  # item order


def test_a_from_status_that_does_not_follow_the_previous_to_is_a_gap(
    build_log: BuildLog, make_history: MakeHistory
) -> None:
    log = build_log(make_history("G", (1, "To Do", "Doing"), (2, "Review", "Done")))
    assert log.quality["status_gap"].keys == ("G",)


@given(data=st.data(), policy=st.sampled_from(list(Backwards)))
def test_start_never_follows_done_and_done_items_are_in_a_done_stage(
    build_log: BuildLog,
    random_histories: st.SearchStrategy[list[ItemHistory]],
    data: st.DataObject,
    policy: Backwards,
) -> None:
    items = data.draw(random_histories)
    log = build_log(*items, policy=FlowPolicy(policy))
    both = log.has_cycle_time
    assert (log.start[both] <= log.done[both]).all()
    assert (log.current_stage[log.is_done] >= log.done_index).all()
    assert not (log.abandoned & log.is_done).any()
    # segments of one item are contiguous and ordered in time
    same = log.seg_item[1:] == log.seg_item[:-1]
    assert (log.seg_enter[1:][same] >= log.seg_enter[:-1][same]).all()
    assert (log.seg_leave[:-1][same] == log.seg_enter[1:][same]).all()
