"""Data-quality flags say only what is wrong: a move at the moment of creation, a card created
straight in a doing list and a move from a status to itself are normal histories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np

from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory, Transition

BuildLog = Callable[..., FlowLog]
MakeHistory = Callable[..., ItemHistory]
Iso = Callable[[np.datetime64], str]


def test_an_item_created_and_moved_at_the_same_moment_is_not_already_done_when_first_seen(
    build_log: BuildLog, day: Callable[[float], datetime]
) -> None:
    # closed the moment it was created (or a date-only source: both on the same 00:00)
    h = ItemHistory(
        "Q", status="Done", created=day(1), transitions=[Transition(day(1), "To Do", "Done")]
    )
    log = build_log(h)
    assert log.quality["created_done"].count == 0
    assert log.quality["done_without_start"].keys == ("Q",)  # seen in To Do, then done
    assert log.seg_stage.tolist() == [0, 3]


def test_a_card_created_in_a_doing_list_is_a_normal_start_not_truncated(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    # created on day 0 in Doing: its first move is from Doing
    log = build_log(make_history("C", (2, "Doing", "Done")))
    assert log.quality["truncated"].count == 0
    assert iso(log.start[0]) == "2026-01-05T09:00:00"  # the start is the creation
    assert log.has_cycle_time.tolist() == [True]


def test_a_card_created_in_a_doing_list_and_moved_at_once_is_not_truncated(
    build_log: BuildLog, day: Callable[[float], datetime], iso: Iso
) -> None:
    h = ItemHistory(
        "C",
        status="Done",
        created=day(0),
        transitions=[Transition(day(0), "Doing", "Review"), Transition(day(2), "Review", "Done")],
    )
    log = build_log(h)
    assert log.quality["truncated"].count == 0
    assert iso(log.start[0]) == "2026-01-05T09:00:00"


def test_a_history_starting_mid_workflow_without_a_created_date_is_still_truncated(
    build_log: BuildLog, day: Callable[[float], datetime]
) -> None:
    h = ItemHistory("T", status="Done", transitions=[Transition(day(3), "Review", "Done")])
    assert build_log(h).quality["truncated"].keys == ("T",)


def test_a_history_whose_first_move_is_before_its_creation_is_still_truncated(
    build_log: BuildLog, day: Callable[[float], datetime]
) -> None:
    h = ItemHistory(
        "T", status="Done", created=day(4), transitions=[Transition(day(3), "Review", "Done")]
    )
    assert build_log(h).quality["truncated"].keys == ("T",)


def test_self_transitions_are_merged_and_counted(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    log = build_log(
        make_history("S", (1, "To Do", "Doing"), (2, "Doing", "Doing"), (3, "Doing", "Done")),
        make_history("N", (1, "To Do", "Doing"), (3, "Doing", "Done")),
    )
    assert log.seg_stage.tolist() == [0, 1, 3, 0, 1, 3]  # one stay in Doing each
    assert iso(log.start[0]) == "2026-01-06T09:00:00"
    assert log.quality["self_transition"].keys == ("S",)
    assert log.quality.to_dict()["issues"]["self_transition"]["count"] == 1
    assert "self_transition: 1" in str(log.quality)
