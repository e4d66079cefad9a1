"""Specification of the live board (agilemarketing.board): WIP limits, Done checks, the huddle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from agilemarketing.board import Board, WipOverride
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import InvalidValue, NotDone, NotFound, WipBreach
from agilemarketing.items import Size, WorkItem
from agilemarketing.workflow import Stage, StageCategory, WipLimit, Workflow

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def workflow() -> Workflow:
    return Workflow(
        [
            Stage("Backlog", "to do"),
            Stage("Ready", "to do", wip=WipLimit(3)),
            Stage("Doing", "in progress", wip=WipLimit(2)),
            Stage("Review", "in progress", active=False, wip=WipLimit(2, minimum=1)),
            Stage("Done", "done"),
        ]
    )


def board_with(n: int, dod: DefinitionOfDone | None = None) -> Board:
    board = Board(workflow(), dod)
    for i in range(1, n + 1):
        board.add(WorkItem(f"C-{i}", f"Campaign piece {i}", kind="email"), at=T0)
    return board


def snapshot(board: Board) -> object:
    return (
        [(p.key, p.stage, p.since, p.blocker, p.item) for p in board],
        board.counts(),
        board.overrides,
    )


def test_items_enter_the_first_stage_by_default() -> None:
    board = board_with(2)
    assert board.keys_in("Backlog") == ("C-1", "C-2")
    assert board.placement("C-1").since == T0


def test_an_item_can_be_added_straight_into_a_named_stage() -> None:
    board = Board(workflow())
    placement = board.add(WorkItem("C-1", "Post"), "ready", at=T0)
    assert placement.stage == "Ready"


def test_pull_moves_the_item_and_records_since_when() -> None:
    board = board_with(1)
    placement = board.pull("C-1", "Doing", at=T0 + DAY)
    assert placement.stage == "Doing"
    assert placement.since == T0 + DAY
    assert board.counts() == {"Backlog": 0, "Ready": 0, "Doing": 1, "Review": 0, "Done": 0}


def test_the_board_records_when_work_started_and_finished() -> None:
    board = board_with(1)
    board.pull("C-1", "Doing", at=T0 + DAY)
    board.pull("C-1", "Review", at=T0 + 2 * DAY)
    assert board.item("C-1").started_at == T0 + DAY
    board.pull("C-1", "Done", at=T0 + 3 * DAY)
    assert board.item("C-1").done_at == T0 + 3 * DAY
    board.pull("C-1", "Review", at=T0 + 4 * DAY)
    assert board.item("C-1").done_at is None
    assert board.item("C-1").started_at == T0 + DAY


def test_pulling_into_a_full_stage_is_a_wip_breach_naming_the_stage_and_items() -> None:
    board = board_with(3)
    board.pull("C-1", "Doing", at=T0)
    board.pull("C-2", "Doing", at=T0)
    with pytest.raises(WipBreach) as caught:
        board.pull("C-3", "Doing", at=T0)
    err = caught.value
    assert (err.key, err.stage, err.limit, err.keys) == ("C-3", "Doing", 2, ("C-1", "C-2"))
    assert "C-1, C-2" in str(err)
    assert "WIP limit of 2" in str(err)
    assert "WipOverride" in str(err)
    assert board.stage_of("C-3").name == "Backlog"


def test_adding_into_a_full_stage_is_a_breach_too() -> None:
    board = Board(workflow())
    for i in range(3):
        board.add(WorkItem(f"R-{i}", "Ready work"), "Ready", at=T0)
    with pytest.raises(WipBreach):
        board.add(WorkItem("R-9", "One too many"), "Ready", at=T0)
    assert "R-9" not in board


def test_an_override_lets_the_pull_through_and_is_recorded() -> None:
    board = board_with(3)
    board.pull("C-1", "Doing", at=T0)
    board.pull("C-2", "Doing", at=T0)
    override = WipOverride("trade show date is fixed", by="Marketing Owner")
    board.pull("C-3", "Doing", at=T0 + DAY, override=override)
    (record,) = board.overrides
    assert record.key == "C-3"
    assert record.stage == "Doing"
    assert record.limit == 2
    assert record.holding == ("C-1", "C-2")
    assert record.override == override
    assert record.at == T0 + DAY
    (load,) = board.over_limit()
    assert (load.stage, load.count, load.limit) == ("Doing", 3, 2)
    assert load.overrides == (record,)


def test_an_unneeded_override_is_not_recorded() -> None:
    board = board_with(1)
    board.pull("C-1", "Doing", at=T0, override=WipOverride("just in case", by="Sam"))
    assert board.overrides == ()


def test_an_override_needs_a_reason_and_a_decider() -> None:
    with pytest.raises(InvalidValue, match="reason"):
        WipOverride("  ", by="Sam")
    with pytest.raises(InvalidValue, match="by"):
        WipOverride("fixed launch date", by="")


def test_moving_into_done_checks_the_definition_of_done() -> None:
    dod = DefinitionOfDone(["Copy proofread"], per_kind={"email": ["Spam check passed"]})
    board = board_with(1, dod)
    board.pull("C-1", "Doing", at=T0)
    board.meet("C-1", "Copy proofread")
    with pytest.raises(NotDone) as caught:
        board.pull("C-1", "Done", at=T0 + DAY)
    assert caught.value.unmet == ("Spam check passed",)
    assert "'Done'" in str(caught.value)
    assert board.stage_of("C-1").name == "Doing"
    check = board.meet("C-1", "Spam check passed")
    assert check is not None
    assert check.is_done
    assert board.pull("C-1", "Done", at=T0 + DAY).stage == "Done"


def test_an_item_in_done_cannot_be_updated_into_one_that_is_not_done() -> None:
    dod = DefinitionOfDone(["Copy proofread"])
    board = board_with(1, dod)
    board.meet("C-1", "Copy proofread")
    board.pull("C-1", "Done", at=T0)
    with pytest.raises(NotDone, match="update"):
        board.update(WorkItem("C-1", "Campaign piece 1, retitled", kind="email"))
    assert board.done_check("C-1") is not None
    assert board.item("C-1").title == "Campaign piece 1"
    board.update(board.item("C-1").with_size(Size.points(3)))  # still done: fine


def test_a_board_without_a_definition_of_done_lets_items_finish() -> None:
    board = board_with(1)
    assert board.pull("C-1", "Done", at=T0).stage == "Done"
    assert board.done_check("C-1") is None


def test_a_move_back_in_time_is_refused() -> None:
    board = board_with(1)
    board.pull("C-1", "Doing", at=T0 + DAY)
    with pytest.raises(InvalidValue, match="before the item entered"):
        board.pull("C-1", "Review", at=T0)


def test_pulling_into_the_current_stage_changes_nothing() -> None:
    board = board_with(1)
    before = snapshot(board)
    board.pull("C-1", "backlog", at=T0 + DAY)
    assert snapshot(board) == before


def test_naive_timestamps_are_refused() -> None:
    board = board_with(1)
    with pytest.raises(InvalidValue, match="timezone"):
        board.pull("C-1", "Doing", at=datetime(2026, 3, 3))


def test_unknown_items_and_stages_are_not_found() -> None:
    board = board_with(1)
    with pytest.raises(NotFound, match="'C-9'"):
        board.pull("C-9", "Doing")
    with pytest.raises(NotFound, match="Doing"):
        board.pull("C-1", "Shipping")


def test_an_item_cannot_be_added_twice() -> None:
    board = board_with(1)
    with pytest.raises(InvalidValue, match="already on the board"):
        board.add(WorkItem("C-1", "Again"))


def test_blocking_records_reason_and_since_and_unblocking_closes_the_period() -> None:
    board = board_with(1)
    blocker = board.block("C-1", "waiting for legal approval", at=T0 + DAY)
    assert board.placement("C-1").blocker == blocker
    with pytest.raises(InvalidValue, match="already blocked"):
        board.block("C-1", "something else", at=T0 + DAY)
    period = board.unblock("C-1", at=T0 + 3 * DAY)
    assert (period.start, period.end) == (T0 + DAY, T0 + 3 * DAY)
    assert board.placement("C-1").blocker is None
    assert board.blocked_periods("C-1") == (period,)
    with pytest.raises(InvalidValue, match="not blocked"):
        board.unblock("C-1")


def test_remove_takes_the_item_off_the_board() -> None:
    board = board_with(2)
    assert board.remove("C-1").key == "C-1"
    assert "C-1" not in board
    assert len(board) == 1


def test_the_huddle_shows_in_progress_blocked_and_ageing_items() -> None:
    board = board_with(4)
    board.pull("C-1", "Doing", at=T0)
    board.pull("C-2", "Doing", at=T0 + 4 * DAY)
    board.pull("C-3", "Review", at=T0 + 5 * DAY)
    board.block("C-2", "waiting for the product team's screenshots", at=T0 + 5 * DAY)
    view = board.huddle(T0 + 7 * DAY, ageing_after=timedelta(days=5))
    assert [i.key for i in view.in_progress] == ["C-1", "C-2", "C-3"]
    assert view.in_progress[0].age == 7 * DAY
    assert [i.key for i in view.blocked] == ["C-2"]
    assert view.blocked[0].blocked_for == 2 * DAY
    assert [i.key for i in view.ageing] == ["C-1"]
    assert view.over_limit == ()
    assert view.starved == ()
    text = str(view)
    assert "In progress (3)" in text
    assert "Blocked (1)" in text
    assert "waiting for the product team's screenshots" in text
    assert "Ageing (1, older than 5d)" in text
    assert "C-4" not in text.split("Blocked")[0]


def test_the_huddle_can_judge_ageing_by_cycle_time_percentiles() -> None:
    board = board_with(3)
    board.pull("C-1", "Doing", at=T0)
    board.pull("C-2", "Doing", at=T0 + 6 * DAY)
    view = board.huddle(T0 + 10 * DAY, ageing_after={50: timedelta(days=3), 85: timedelta(days=8)})
    labels = {i.key: i.ageing for i in view.in_progress}
    assert labels == {"C-1": "p85 (8d)", "C-2": "p50 (3d)"}
    assert {i.key: i.over_by for i in view.ageing} == {"C-1": 2 * DAY, "C-2": DAY}
    ageing = str(view).split("Ageing (2, by cycle time)\n")[1].splitlines()
    assert ageing[0].split() == ["KEY", "STAGE", "AGE", "PAST", "OVER", "BY"]
    assert ageing[1].split() == ["C-1", "Doing", "10d", "p85", "(8d)", "2d"]
    assert ageing[2].split() == ["C-2", "Doing", "4d", "p50", "(3d)", "1d"]


def test_ageing_items_show_by_how_much_they_are_past_the_threshold() -> None:
    board = board_with(2)
    board.pull("C-1", "Doing", at=T0)
    board.pull("C-2", "Doing", at=T0 + 3 * DAY)
    view = board.huddle(T0 + 7 * DAY + timedelta(hours=6), ageing_after=timedelta(days=5))
    (item,) = view.ageing
    assert (item.key, item.ageing, item.over_by) == ("C-1", "5d", 2 * DAY + timedelta(hours=6))
    assert view.in_progress[1].over_by is None
    ageing = str(view).split("Ageing (1, older than 5d)\n")[1].splitlines()
    assert ageing[0].split() == ["KEY", "STAGE", "AGE", "OVER", "BY"]
    assert ageing[1].split() == ["C-1", "Doing", "7d", "6h", "2d", "6h"]


def test_ageing_percentiles_may_be_given_in_days_as_metrics_report_them() -> None:
    board = board_with(1)
    board.pull("C-1", "Doing", at=T0)
    (item,) = board.huddle(T0 + 4 * DAY, ageing_after={50: 2.5, 85: 6}).in_progress
    assert item.ageing == "p50 (2d 12h)"


def test_bad_ageing_percentiles_are_refused() -> None:
    with pytest.raises(InvalidValue, match="percentile"):
        board_with(1).huddle(T0, ageing_after={120: DAY})
    with pytest.raises(InvalidValue, match="percentile"):
        board_with(1).huddle(T0, ageing_after={85: "eight days"})  # type: ignore[dict-item]
    with pytest.raises(InvalidValue, match="negative"):
        board_with(1).huddle(T0, ageing_after=-DAY)


def test_the_huddle_reports_stages_over_maximum_and_under_minimum() -> None:
    wf = Workflow(
        [
            Stage("Ready", "to do"),
            Stage("Doing", "in progress", wip=WipLimit(1)),
            Stage("Review", "in progress", wip=WipLimit(minimum=1)),
            Stage("Done", "done"),
        ]
    )
    board = Board(wf)
    board.add(WorkItem("A-1", "One"), at=T0)
    board.add(WorkItem("A-2", "Two"), at=T0)
    board.pull("A-1", "Doing", at=T0)
    board.pull("A-2", "Doing", at=T0, override=WipOverride("launch week", by="Owner"))
    view = board.huddle(T0 + DAY)
    assert [(s.stage, s.count, s.limit) for s in view.over_limit] == [("Doing", 2, 1)]
    assert [(s.stage, s.count, s.limit) for s in view.starved] == [("Review", 0, 1)]
    text = view.to_text()
    assert "Over WIP limit (1)" in text
    assert "'launch week', by Owner" in text
    assert "Under WIP minimum (1)" in text


# --- properties -----------------------------------------------------------------------------------

STAGES = ["Backlog", "Ready", "Doing", "Review", "Done"]
REASON = WipOverride("deliberate exception", by="Marketing Owner")


class BoardMachine(RuleBasedStateMachine):
    """Random sequences of adds, pulls (some overridden), blocks and Done criteria."""

    def __init__(self) -> None:
        super().__init__()
        self.board = Board(workflow(), DefinitionOfDone(["Proofread"]))
        self.now = T0
        self.next_key = 1
        self.overridden = False

    @rule(stage=st.sampled_from(STAGES))
    def add(self, stage: str) -> None:
        item = WorkItem(f"K-{self.next_key}", "Work")
        self.next_key += 1
        before = snapshot(self.board)
        try:
            self.board.add(item, stage, at=self.now)
        except (WipBreach, NotDone):
            assert snapshot(self.board) == before

    @precondition(lambda self: len(self.board) > 0)
    @rule(data=st.data(), stage=st.sampled_from(STAGES), override=st.booleans())
    def pull(self, data: st.DataObject, stage: str, override: bool) -> None:
        key = data.draw(st.sampled_from(sorted(p.key for p in self.board)))
        self.now += timedelta(hours=1)
        before = snapshot(self.board)
        try:
            self.board.pull(key, stage, at=self.now, override=REASON if override else None)
        except (WipBreach, NotDone):
            assert snapshot(self.board) == before
        else:
            assert self.board.stage_of(key).name == stage
        self.overridden = bool(self.board.overrides)

    @precondition(lambda self: len(self.board) > 0)
    @rule(data=st.data())
    def meet(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(p.key for p in self.board)))
        self.board.meet(key, "Proofread")

    @invariant()
    def wip_counts_equal_items_in_each_stage(self) -> None:
        counts = self.board.counts()
        for stage in STAGES:
            in_stage = [p for p in self.board if p.stage == stage]
            assert counts[stage] == len(in_stage) == len(self.board.keys_in(stage))

    @invariant()
    def every_item_is_in_exactly_one_stage(self) -> None:
        keys = [p.key for p in self.board]
        assert len(keys) == len(set(keys)) == len(self.board)
        assert sum(self.board.counts().values()) == len(self.board)

    @invariant()
    def without_overrides_no_stage_exceeds_its_maximum(self) -> None:
        if not self.overridden:
            for stage in workflow().stages:
                assert stage.wip.allows(self.board.counts()[stage.name])
            assert self.board.over_limit() == ()

    @invariant()
    def items_in_done_stages_meet_the_definition_of_done(self) -> None:
        for placement in self.board:
            if self.board.stage_of(placement.key).category is StageCategory.DONE:
                assert "Proofread" in placement.item.done_criteria


TestBoardMachine = BoardMachine.TestCase


def test_meeting_a_criterion_that_is_not_on_the_checklist_is_refused_naming_the_closest() -> None:
    dod = DefinitionOfDone(["Copy proofread"], per_kind={"email": ["Spam check passed"]})
    board = board_with(1, dod)
    with pytest.raises(NotFound, match="did you mean 'Copy proofread'") as caught:
        board.meet("C-1", "Copy proofed")
    assert "'Spam check passed'" in str(caught.value)  # the item's whole checklist
    assert board.item("C-1").done_criteria == frozenset()
    check = board.meet("C-1", "copy  PROOFREAD")
    assert check is not None
    assert board.item("C-1").done_criteria == {"Copy proofread"}
