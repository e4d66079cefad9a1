"""Collaborative Planning Workshop, minimum viable launches, and Cycle Planning."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.backlog import Backlog
from agilemarketing.board import Board
from agilemarketing.cycles import Capacity, Cycle, CycleRun
from agilemarketing.errors import (
    DoesNotServeGuidepoint,
    InvalidInputGroup,
    InvalidValue,
    NotFound,
    NotMarketingOwner,
)
from agilemarketing.items import Size, WorkItem
from agilemarketing.planning.guidepoint import Guidepoint
from agilemarketing.planning.poker import Deck, PokerTable
from agilemarketing.planning.workshop import LaunchPlan, LaunchSlice, PlanningWorkshop, plan_cycle
from agilemarketing.prioritisation import MoSCoW
from agilemarketing.workflow import Workflow

START = datetime(2026, 4, 6, tzinfo=UTC)


@pytest.fixture
def workshop(guidepoint: Guidepoint) -> PlanningWorkshop:
    """Maya's workshop: five ideas from four participants, one serving no outcome."""
    ws = PlanningWorkshop(guidepoint, owner="Maya", participants=["Ana", "Ben", "Sam", "Priya"])
    ws.brainstorm(
        {"Ana": ["App videos", "Webinar"], "Sam": ["Sales one-pager"]}, outcome="pipeline"
    )
    ws.add_idea("Churn survey", by="Priya", outcome="retention")
    ws.add_idea("Billboard", by="Ben")
    return ws


def test_everyone_in_the_room_contributes_ideas(workshop: PlanningWorkshop) -> None:
    assert [(i.key, i.by) for i in workshop.ideas] == [
        ("I1", "Ana"), ("I2", "Ana"), ("I3", "Sam"), ("I4", "Priya"), ("I5", "Ben"),
    ]  # fmt: skip
    assert "Maya" in workshop.participants
    with pytest.raises(NotFound):
        workshop.add_idea("Skywriting", by="a passer-by")
    with pytest.raises(DoesNotServeGuidepoint):
        workshop.add_idea("Brand film", by="Ana", outcome="awareness")


def test_vote_based_prioritisation_reuses_borda_and_schulze(workshop: PlanningWorkshop) -> None:
    ballots = {
        "Ana": ["I1", "I2", "I3", "I4", "I5"],
        "Sam": ["I3", "I1", "I2", "I4", "I5"],
        "Priya": ["I4", "I1", "I3", "I2", "I5"],
    }
    result = workshop.prioritise_by_votes(ballots)
    assert result.order[0] == "I1"
    assert [i.key for i in workshop.ideas] == list(result.order)
    schulze = workshop.prioritise_by_votes(ballots, method="schulze")
    assert schulze.method == "schulze"
    with pytest.raises(NotFound):
        workshop.prioritise_by_votes({"Stranger": ["I1"]})


def test_moscow_sorts_an_existing_pile_and_wont_never_wins(workshop: PlanningWorkshop) -> None:
    with pytest.raises(InvalidValue, match="MoSCoW"):
        workshop.prioritise_by_moscow({"I1": "must"})
    ranking = workshop.prioritise_by_moscow(
        {"I1": "should", "I2": "could", "I3": "must", "I4": "must", "I5": "won't"}
    )
    assert ranking.keys() == ["I3", "I4", "I1", "I2", "I5"]
    assert [i.key for i in workshop.winners()] == ["I3", "I4", "I1", "I2"]
    assert workshop.idea("I5").moscow is MoSCoW.WONT


def test_the_owner_has_the_final_say_on_the_order(workshop: PlanningWorkshop) -> None:
    workshop.prioritise_by_votes({"Ana": ["I1", "I2", "I3", "I4", "I5"]})
    with pytest.raises(NotMarketingOwner):
        workshop.owner_orders(["I4"], by="Sam")
    workshop.owner_orders(["I4"], by="Maya")
    assert [i.key for i in workshop.ideas][:2] == ["I4", "I1"]


def test_sizing_with_planning_poker_and_winners_into_the_single_backlog(
    workshop: PlanningWorkshop,
) -> None:
    workshop.prioritise_by_votes({"Ana": ["I1", "I3", "I2", "I4", "I5"]})
    table = PokerTable(["Ana", "Ben"], Deck.fibonacci())
    for idea, card in zip(workshop.winners(3), [8, 3, 5], strict=True):
        table.play(WorkItem(idea.key, idea.title), [{"Ana": card, "Ben": card}])
    workshop.apply_estimates(table.results)
    assert [i.size.value if i.size else None for i in workshop.ideas][:4] == [8, 3, 5, None]
    backlog = Backlog([WorkItem("MKT-1", "Existing work", outcome="pipeline")])
    workshop.to_backlog(backlog, n=3)
    assert backlog.keys() == ["MKT-1", "I1", "I3", "I2"]
    assert backlog.find("I1").outcome == "pipeline"
    owned = Backlog([WorkItem("MKT-1", "Existing work", outcome="pipeline")], owner="Maya")
    with pytest.raises(NotMarketingOwner):
        workshop.to_backlog(owned, n=1, at=0, by="Ana")
    workshop.to_backlog(owned, n=2, at=0, by="Maya")
    assert [(m.key, m.by) for m in owned.moves] == [("I1", "Maya"), ("I3", "Maya")]


def test_blueprint_draft_fills_capacity_and_explains_what_is_left_out(
    workshop: PlanningWorkshop,
) -> None:
    workshop.prioritise_by_votes({"Ana": ["I1", "I5", "I3", "I2", "I4"]})
    sizes = {"I1": 13, "I5": 3, "I3": 20, "I2": 21, "I4": 5}
    for key, points in sizes.items():
        workshop.size(key, Size.points(points))
    draft = workshop.draft_blueprint("2026-04", capacity=15)
    names = [p.name for p in draft.blueprint.priorities]
    assert names == ["App videos", "Sales one-pager", "Churn survey"]
    # the sales one-pager (20) did not fit in April after the videos (13): it spreads over months
    assert draft.blueprint.priority("Sales one-pager").effort == (
        ("2026-04", 2.0), ("2026-05", 15.0), ("2026-06", 3.0),
    )  # fmt: skip
    reasons = {x.key: x.reason for x in draft.left_out}
    assert reasons["I5"] == "serves no Guidepoint outcome"
    assert reasons["I2"] == "needs 21 points, 12 left in the quarter"
    assert "Not in this Blueprint" in str(draft)


def test_blueprint_draft_starts_from_priorities_already_agreed(guidepoint: Guidepoint) -> None:
    from agilemarketing.planning.blueprint import Priority

    ws = PlanningWorkshop(guidepoint, owner="Maya", participants=["Ana"])
    ws.add_idea("Video", by="Ana", outcome="pipeline")
    ws.size("I1", Size.points(8))
    agreed = Priority("App launch", "pipeline", {"2026-04": 10})
    draft = ws.draft_blueprint("2026-04", 12, first=[agreed])
    assert [p.name for p in draft.blueprint.priorities] == ["App launch", "Video"]
    assert draft.blueprint.priority("Video").effort == (("2026-04", 2.0), ("2026-05", 6.0))


def test_blueprint_draft_keeps_to_a_few_priorities(guidepoint: Guidepoint) -> None:
    ws = PlanningWorkshop(guidepoint, owner="Maya", participants=["Ana"])
    for n in range(7):
        ws.add_idea(f"Idea {n}", by="Ana", outcome="pipeline")
    for idea in ws.ideas:
        ws.size(idea.key, Size.tshirt("XS"))
    draft = ws.draft_blueprint("2026-04", 100, max_priorities=3)
    assert len(draft.blueprint.priorities) == 3
    assert len(draft.left_out) == 4


# --- minimum viable launch ------------------------------------------------------------------------


def test_a_launch_must_be_split_into_valuable_slices() -> None:
    with pytest.raises(InvalidValue, match="all-or-nothing"):
        LaunchPlan("Big bang", "pipeline", [("Everything", "all of it")])
    with pytest.raises(InvalidInputGroup):
        LaunchPlan("x", "pipeline", [("A", ""), ("A", "value")])


def test_the_first_slice_goes_out_earliest_and_slices_become_ordered_items() -> None:
    plan = LaunchPlan(
        "App launch",
        "pipeline",
        [
            LaunchSlice("Teaser", "prospects see the app", Size.points(2)),
            LaunchSlice("Landing page", "prospects ask for a demo", Size.points(8)),
            LaunchSlice("Webinar", "prospects see it live", Size.points(5)),
        ],
    )
    assert plan.first.name == "Teaser"
    assert plan.release_cycles(per_cycle=6) == {"Teaser": 1, "Landing page": 2, "Webinar": 3}
    items = plan.items("APP")
    assert [i.key for i in items] == ["APP-1", "APP-2", "APP-3"]
    assert all(i.outcome == "pipeline" and "App launch" in i.labels for i in items)
    assert items[1].fields["value"] == "prospects ask for a demo"


@given(
    st.lists(st.integers(min_value=0, max_value=20), min_size=2, max_size=8),
    st.integers(min_value=1, max_value=30),
)
def test_release_order_follows_slice_order(sizes: list[int], per_cycle: int) -> None:
    plan = LaunchPlan(
        "c", "pipeline", [(f"s{n}", f"value {n}", Size.points(v)) for n, v in enumerate(sizes)]
    )
    cycles = list(plan.release_cycles(per_cycle=per_cycle).values())
    assert cycles == sorted(cycles)
    assert cycles[0] == min(cycles)


# --- cycle planning -------------------------------------------------------------------------------


def sized(key: str, points: float | None) -> WorkItem:
    return WorkItem(key, f"work {key}", size=None if points is None else Size.points(points))


def test_cycle_planning_takes_the_top_within_capacity_and_explains_the_rest() -> None:
    run = CycleRun(Cycle("Cycle 1", START, Capacity.points(10)))
    backlog = Backlog([sized("A", 5), sized("B", 3), sized("C", 5), sized("D", 1)])
    plan = plan_cycle(backlog, run, at=run.cycle.start)
    assert [i.key for i in plan.committed] == ["A", "B"]
    assert [i.key for i in run.committed] == ["A", "B"]
    assert backlog.keys() == ["C", "D"]  # committed work moved from the backlog to the cycle
    assert plan.left_out[0].reason == "needs 5 pt, 2 pt of capacity left"
    assert "waits behind C" in plan.left_out[1].reason  # D would fit, but the order is the Owner's
    text = plan.explain()
    assert "Cycle 1 (capacity 10 pt): 2 committed" in text
    assert "Not this cycle:" in text


def test_cycle_planning_stops_at_unsized_work() -> None:
    run = CycleRun(Cycle("Cycle 1", START, Capacity.points(10)))
    plan = plan_cycle([sized("A", 2), sized("B", None), sized("C", 1)], run, at=run.cycle.start)
    assert [i.key for i in plan.committed] == ["A"]
    assert "not sized" in plan.left_out[0].reason


def test_cycle_planning_in_items_uses_throughput() -> None:
    run = CycleRun(Cycle("Cycle 1", START, Capacity.items(2)))
    plan = plan_cycle(
        [sized("A", None), sized("B", None), sized("C", None)], run, at=run.cycle.start
    )
    assert [i.key for i in plan.committed] == ["A", "B"]
    assert plan.left_out[0].reason == "needs 1 items, 0 items of capacity left"


def test_cycle_planning_respects_the_wip_limit_of_the_ready_stage() -> None:
    board = Board(Workflow.from_shorthand("Ready,Doing,Done", start="Doing", wip={"Ready": 3}))
    board.add(sized("OLD", 1), "Ready", at=START)
    run = CycleRun(Cycle("Cycle 1", START, Capacity.points(20)))
    plan = plan_cycle(
        [sized("A", 1), sized("B", 1), sized("C", 1)], run, board=board, at=run.cycle.start
    )
    assert [i.key for i in plan.committed] == ["A", "B"]
    assert plan.left_out[0].reason == "the WIP limit of 'Ready' (3) is reached"
    assert board.keys_in("Ready") == ("OLD", "A", "B")


@given(
    sizes=st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=13)), max_size=15),
    capacity=st.integers(min_value=0, max_value=40),
)
def test_a_plan_never_exceeds_capacity_and_is_a_prefix_of_the_backlog(
    sizes: list[int | None], capacity: int
) -> None:
    items = [sized(f"K{n}", s) for n, s in enumerate(sizes)]
    run = CycleRun(Cycle("C", START, Capacity.points(capacity)))
    plan = plan_cycle(items, run, at=run.cycle.start)
    assert sum(i.points for i in plan.committed) <= capacity
    assert list(plan.committed) == items[: len(plan.committed)]
    if len(plan.committed) < len(items):
        assert plan.left_out[0].key == items[len(plan.committed)].key


def test_dot_voting_ballots_work_too(workshop: PlanningWorkshop) -> None:
    from agilemarketing.prioritisation import Ballot

    result = workshop.prioritise_by_votes(
        [
            Ballot.dots("Ana", {"I4": 3, "I1": 1}),
            Ballot.dots("Sam", {"I4": 2, "I2": 2}),
            Ballot.approval("Priya", ["I4", "I5"]),
        ],
        method="schulze",
    )
    assert result.order[0] == "I4"
    assert workshop.ideas[0].key == "I4"
