"""The flow log: one small hand-made history per clean-up policy, plus invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidValue, NotFound
from agilemarketing.flow import Backwards, FlowLog, FlowPolicy
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.historyio import CycleWindow, HistoryTable, write_history
from agilemarketing.workflow import Workflow

WF = Workflow.from_shorthand("To Do,Doing,Review,Done", start="Doing", waiting=["Review"])
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def item(key: str, *moves: tuple[float, str | None, str], status: str | None = None) -> ItemHistory:
    return ItemHistory(
        key=key,
        status=status or (moves[-1][2] if moves else "To Do"),
        created=day(0),
        transitions=[Transition(day(d), a, b) for d, a, b in moves],
    )


def build(*items: ItemHistory, **kw: object) -> FlowLog:
    return FlowLog.build(list(items), WF, **kw)  # type: ignore[arg-type]


def iso(value: np.datetime64) -> str:
    return str(value.astype("datetime64[s]"))


def test_a_straight_path_gives_one_segment_per_stage_and_start_and_done() -> None:
    log = build(item("A", (1, "To Do", "Doing"), (2, "Doing", "Review"), (4, "Review", "Done")))
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


def test_a_skipped_start_stage_counts_from_the_first_later_stage_entered() -> None:
    log = build(item("A", (1, "To Do", "Review"), (3, "Review", "Done")))
    assert iso(log.start[0]) == "2026-01-06T09:00:00"
    assert log.quality["skipped_stage"].keys == ("A",)


REOPENED = item(
    "R",
    (1, "To Do", "Doing"),
    (3, "Doing", "Done"),
    (5, "Done", "Doing"),
    (8, "Doing", "Done"),
)


@pytest.mark.parametrize(
    ("policy", "start", "done"),
    [
        (Backwards.FIRST_ENTRY, 1, 3),
        (Backwards.LAST_ENTRY, 5, 8),
        (Backwards.ADD_REOPENED, 1, 8),
    ],
)
def test_backwards_policy_decides_which_entries_start_and_end_a_reopened_item(
    policy: Backwards, start: int, done: int
) -> None:
    log = build(REOPENED, policy=FlowPolicy(policy))
    assert log.start[0] == np.datetime64(day(start).replace(tzinfo=None), "us")
    assert log.done[0] == np.datetime64(day(done).replace(tzinfo=None), "us")
    assert log.quality["reopened"].keys == ("R",)
    assert log.quality["backwards_move"].keys == ("R",)


def test_a_reopened_item_that_is_not_done_again_is_in_progress() -> None:
    log = build(item("R", (1, "To Do", "Doing"), (3, "Doing", "Done"), (5, "Done", "Doing")))
    assert not log.is_done[0]
    assert log.in_progress.tolist() == [True]


def test_an_item_moved_back_to_to_do_is_not_in_progress() -> None:
    log = build(item("P", (1, "To Do", "Doing"), (2, "Doing", "To Do")))
    assert iso(log.start[0]) == "2026-01-06T09:00:00"
    assert log.in_progress.tolist() == [False]


def test_backwards_within_progress_keeps_the_first_start_by_default() -> None:
    log = build(
        item(
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


def test_out_of_order_transitions_are_sorted_and_reported() -> None:
    log = build(item("O", (3, "Doing", "Done"), (1, "To Do", "Doing")))
    assert log.seg_stage.tolist() == [0, 1, 3]
    assert log.quality["out_of_order"].keys == ("O",)
    assert iso(log.done[0]) == "2026-01-08T09:00:00"


def test_duplicate_events_are_kept_once_and_reported() -> None:
    log = build(item("D", (1, "To Do", "Doing"), (1, "To Do", "Doing"), (2, "Doing", "Done")))
    assert log.seg_stage.tolist() == [0, 1, 3]
    assert log.quality["duplicate_event"].keys == ("D",)
    assert log.quality["status_gap"].count == 0


def test_an_item_ending_outside_the_workflow_is_abandoned_not_done() -> None:
    log = build(item("W", (1, "To Do", "Doing"), (2, "Doing", "Won't Do")))
    assert log.abandoned.tolist() == [True]
    assert not log.is_done[0]
    assert not log.in_progress[0]
    assert iso(log.abandoned_at[0]) == "2026-01-07T09:00:00"
    assert log.quality.unmapped_statuses == {"Won't Do": ("W",)}
    assert log.quality["abandoned"].keys == ("W",)
    assert log.seg_stage.tolist() == [0, 1, -1]


def test_an_unmapped_status_in_the_middle_does_not_abandon_the_item() -> None:
    log = build(item("U", (1, "To Do", "On Hold"), (2, "On Hold", "Doing"), (3, "Doing", "Done")))
    assert not log.abandoned[0]
    assert log.is_done[0]
    assert log.quality["unmapped_status"].keys == ("U",)


def test_an_item_created_done_counts_as_done_without_cycle_time() -> None:
    log = build(ItemHistory("C", status="Done", created=day(2)))
    assert iso(log.done[0]) == "2026-01-07T09:00:00"
    assert np.isnat(log.start[0])
    assert log.has_cycle_time.tolist() == [False]
    assert log.quality["created_done"].keys == ("C",)
    assert log.quality["done_without_start"].keys == ("C",)


def test_done_straight_from_to_do_has_no_start() -> None:
    log = build(item("S", (2, "To Do", "Done")))
    assert log.is_done[0]
    assert np.isnat(log.start[0])
    assert log.quality["done_without_start"].keys == ("S",)


def test_timezones_are_normalised_to_utc() -> None:
    h = ItemHistory(
        "Z",
        status="Done",
        created="2026-01-05T10:00:00+01:00",
        transitions=[
            Transition("2026-01-06T04:00:00-05:00", "To Do", "Doing"),
            Transition("2026-01-07T09:00:00Z", "Doing", "Done"),
        ],
    )
    log = build(h)
    assert iso(log.start[0]) == "2026-01-06T09:00:00"
    assert iso(log.created[0]) == "2026-01-05T09:00:00"


def test_a_history_starting_mid_workflow_is_reported_as_truncated() -> None:
    log = build(item("T", (3, "Review", "Done")), item("M", (1, "To Do", "Doing"), status="Done"))
    assert log.quality["truncated"].keys == ("T", "M")  # item order


def test_a_from_status_that_does_not_follow_the_previous_to_is_a_gap() -> None:
    log = build(item("G", (1, "To Do", "Doing"), (2, "Review", "Done")))
    assert log.quality["status_gap"].keys == ("G",)


def test_as_of_defaults_to_the_latest_timestamp_and_can_be_given() -> None:
    h = item("A", (1, "To Do", "Doing"))
    assert iso(build(h).as_of) == "2026-01-06T09:00:00"
    assert iso(build(h, as_of="2026-02-01T00:00:00Z").as_of) == "2026-02-01T00:00:00"


def test_building_from_a_jsonl_path_matches_building_from_objects(tmp_path: Path) -> None:
    items = [REOPENED, item("A", (1, "To Do", "Doing"))]
    write_history(items, tmp_path / "h.jsonl")
    a, b = FlowLog.build(tmp_path / "h.jsonl", WF), FlowLog.build(items, WF)
    for column in ("seg_item", "seg_stage", "seg_enter", "seg_leave", "start", "done"):
        np.testing.assert_array_equal(getattr(a, column), getattr(b, column))
    assert a.nbytes > 0


def test_asking_for_an_unknown_quality_issue_names_the_known_ones() -> None:
    with pytest.raises(NotFound, match="reopened"):
        build(REOPENED).quality["reopend"]


def test_quality_report_summarises_counts_and_keys() -> None:
    log = build(REOPENED, item("W", (1, "To Do", "Won't Do")))
    summary = log.quality.to_dict()
    assert summary["issues"]["reopened"] == {
        "description": "left a done stage for an earlier one",
        "count": 1,
        "keys": ["R"],
    }
    assert summary["unmapped_statuses"] == {"Won't Do": {"count": 1, "keys": ["W"]}}
    assert "reopened: 1" in str(log.quality)


STATUSES = ["To Do", "Doing", "Review", "Done", "Won't Do"]


@st.composite
def histories(draw: st.DrawFn) -> list[ItemHistory]:
    out = []
    for i in range(draw(st.integers(1, 8))):
        steps = draw(st.lists(st.tuples(st.floats(0, 30), st.sampled_from(STATUSES)), max_size=6))
        moves, previous = [], "To Do"
        for at, status in steps:
            moves.append((at, previous, status))
            previous = status
        out.append(item(f"K-{i}", *moves, status=previous))
    return out


@given(histories(), st.sampled_from(list(Backwards)))
def test_start_never_follows_done_and_done_items_are_in_a_done_stage(
    items: list[ItemHistory], policy: Backwards
) -> None:
    log = build(*items, policy=FlowPolicy(policy))
    both = log.has_cycle_time
    assert (log.start[both] <= log.done[both]).all()
    assert (log.current_stage[log.is_done] >= log.done_index).all()
    assert not (log.abandoned & log.is_done).any()
    # segments of one item are contiguous and ordered in time
    same = log.seg_item[1:] == log.seg_item[:-1]
    assert (log.seg_enter[1:][same] >= log.seg_enter[:-1][same]).all()
    assert (log.seg_leave[:-1][same] == log.seg_enter[1:][same]).all()


# -- the workflow file ------------------------------------------------------------------------

WORKFLOW_TOML = """
start = "Doing"
done = "Done"

[[stages]]
name = "To Do"
statuses = ["Backlog", "To Do"]

[[stages]]
name = "Doing"
wip = 3

[[stages]]
name = "Approval"
active = false
wip = {max = 2, min = 1}

[[stages]]
name = "Done"
statuses = ["Done", "Released"]
"""


def test_a_workflow_file_defines_stages_statuses_wip_and_waiting(tmp_path: Path) -> None:
    path = tmp_path / "workflow.toml"
    path.write_text(WORKFLOW_TOML, encoding="utf-8")
    wf = Workflow.from_toml(path)
    assert wf.names == ("To Do", "Doing", "Approval", "Done")
    assert wf.stage_for_status("backlog") == wf.stage("To Do")
    assert wf.stage("Approval").wip.maximum == 2
    assert wf.stage("Approval").wip.minimum == 1
    assert not wf.stage("Approval").active
    assert [s.category.value for s in wf.stages] == ["to do", "in progress", "in progress", "done"]


def test_a_workflow_file_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "workflow.toml"
    path.write_text(
        '[[stages]]\nname = "A"\nwip = "lots"\n[[stages]]\nname = "B"\ncategory = "later"\n',
        encoding="utf-8",
    )
    with pytest.raises(ExceptionGroup) as caught:
        Workflow.from_toml(path)
    messages = [str(e) for e in caught.value.exceptions]
    assert any("stage 1 (A), key 'wip'" in m for m in messages)
    assert any("stage 2 (B), key 'category'" in m for m in messages)


def test_a_workflow_file_with_an_unknown_start_stage_is_refused() -> None:
    with pytest.raises(InvalidValue, match="start stage 'Doing' is not one of the stages"):
        Workflow.from_mapping({"start": "Doing", "stages": [{"name": "A"}, {"name": "B"}]})


def test_a_broken_toml_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[[stages]\n", encoding="utf-8")
    with pytest.raises(InvalidValue, match=r"bad\.toml"):
        Workflow.from_toml(path)


# -- rewinding to an earlier moment -----------------------------------------------------------


def _status_at(h: ItemHistory, moment: datetime) -> str | None:
    """Replay one item's transitions up to a moment (None: not created yet)."""
    if h.created is not None and h.created > moment:
        return None
    status = h.transitions[0].from_status if h.transitions else h.status
    for t in h.transitions:
        if t.at <= moment:
            status = t.to_status
    return status


@given(histories(), st.floats(0, 30))
def test_an_earlier_as_of_shows_the_board_as_it_was(items: list[ItemHistory], days: float) -> None:
    items = [attrs.evolve(h, transitions=sorted(h.transitions, key=lambda t: t.at)) for h in items]
    moment = day(days)
    log = build(*items, as_of=moment)
    existing = [h for h in items if _status_at(h, moment) is not None]
    assert log.keys.tolist() == [h.key for h in existing]
    for row, h in enumerate(existing):
        expected = WF.index_for_status(str(_status_at(h, moment)))
        assert log.current_stage[row] == (-1 if expected is None else expected), h.key
    assert (log.seg_enter <= np.datetime64(moment.replace(tzinfo=None), "us")).all()


def test_rewinding_reopens_blocked_periods_and_drops_later_cycles() -> None:
    h = ItemHistory(
        "B",
        status="Done",
        created=day(0),
        transitions=[Transition(day(1), "To Do", "Doing"), Transition(day(5), "Doing", "Done")],
        blocked=[BlockedPeriod(day(2), day(4)), BlockedPeriod(day(3.5), None)],
    )
    cycles = [CycleWindow("C1", day(0), day(7)), CycleWindow("C2", day(7), day(14))]
    table = HistoryTable.from_histories([h], cycles=cycles).until(day(3))
    assert table.blk_item.tolist() == [0]
    assert np.isnat(table.blk_to).all()
    assert [w.name for w in table.cycles] == ["C1"]
    assert table.status_names[table.statuses[0]] == "Doing"
