"""Every rule of /work/shared/DOMAIN.md, one test each, named after the rule.

DOMAIN.md: "Where a rule below says 'must', the library enforces it or reports its breach".
Each test below quotes (or closely paraphrases) the rule it checks and goes through the public
API of the module that owns it: the planning modules of this package, and the backlog, board,
Definition of Done, cycles, metrics and forecasts where the rule lives there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from agilemarketing import metrics
from agilemarketing.backlog import Backlog, OutsideOutcomes
from agilemarketing.board import Board
from agilemarketing.cycles import Capacity, Cycle, CycleRun, ManualClock, capacity_from_history
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import (
    AlreadyDecided,
    AntiMetricError,
    BlueprintOverCapacity,
    CycleStateError,
    DoesNotServeGuidepoint,
    DuplicateItem,
    InvalidValue,
    NotConverged,
    NotDone,
    NotFacilitator,
    NotFound,
    NotMarketingOwner,
    OutliersMustExplain,
    RequestIncomplete,
    VotesHidden,
    WipBreach,
)
from agilemarketing.flow import FlowLog
from agilemarketing.forecast import ThroughputSample, backlog_clearance
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.items import CustomerStory, Size, WorkItem
from agilemarketing.moscow import MoSCoW
from agilemarketing.planning.blueprint import Blueprint, Priority
from agilemarketing.planning.experiments import Decision, Experiment, SuccessCriterion, summarise
from agilemarketing.planning.file import BlueprintVersion, PlanningFile
from agilemarketing.planning.guidepoint import Guidepoint, Kpi, Outcome
from agilemarketing.planning.intake import Intake
from agilemarketing.planning.poker import PokerSession
from agilemarketing.planning.showcase import (
    CycleMetrics,
    Retrospective,
    ShowcaseSummary,
    team_showcase,
)
from agilemarketing.planning.stakeholders import (
    IDENTIFICATION_QUESTIONS,
    Reason,
    Request,
    StakeholderRegister,
    check_request,
)
from agilemarketing.planning.workshop import LaunchPlan, PlanningWorkshop, plan_cycle
from agilemarketing.prioritisation import MoSCoWPrioritiser
from agilemarketing.workflow import Workflow

GP = Guidepoint(
    "Sales has a pipeline it can follow up",
    date(2026, 4, 1),
    date(2026, 6, 30),
    [Outcome("pipeline", kpis=[Kpi("qualified leads", 50)])],
)
START = datetime(2026, 4, 6, tzinfo=UTC)


def problem(key: str = "REQ-1", serves: str = "pipeline") -> Request:
    return Request(
        key, "Sam", "Prospects do not know the banking app", customer="retail customers",
        desired_outcome="build the pipeline", serves=serves, success="50 qualified new leads",
    )  # fmt: skip


def intake() -> Intake:
    return Intake("Maya", Backlog(), GP)


# -- the people ---------------------------------------------------------------------------


def test_must_marketing_owner_alone_orders_the_backlog() -> None:
    # "The one person who orders the backlog ... the final say on priority is theirs."
    i = intake()
    i.submit(problem())
    with pytest.raises(NotMarketingOwner):
        i.accept("REQ-1", by="Ana", position=0)
    i.accept("REQ-1", by="Maya", position=0)
    ws = PlanningWorkshop(GP, owner="Maya", participants=["Ana", "Sam"])
    ws.add_idea("Video", by="Ana")
    with pytest.raises(NotMarketingOwner):
        ws.owner_orders(["I1"], by="Sam")
    backlog = Backlog([WorkItem("A", "a"), WorkItem("B", "b")], owner="Maya")
    with pytest.raises(NotMarketingOwner):  # a team can require the Owner on backlog moves too
        backlog.move_to_top("B", by="Ana")
    backlog.move_to_top("B", by="Maya")
    assert [(m.key, m.by) for m in backlog.moves] == [("B", "Maya")]


def test_must_marketing_owner_accepts_defers_or_declines_requests() -> None:
    i = intake()
    for n in range(3):
        i.submit(problem(f"REQ-{n}"))
    i.accept("REQ-0", by="Maya")
    i.defer("REQ-1", by="Maya")
    i.decline("REQ-2", by="Maya", reason="not this quarter")
    assert [d.verdict.value for d in i.decisions] == ["accepted", "deferred", "declined"]
    assert {d.by for d in i.decisions} == {"Maya"}


def test_must_owner_never_tell_the_team_how_requests_bring_problems() -> None:
    # The Owner passes problems on, not tactics: a prescribed tactic cannot be accepted.
    i = intake()
    i.submit(Request("REQ-9", "Sam", "Send an email to everyone on our list"))
    with pytest.raises(RequestIncomplete):
        i.accept("REQ-9", by="Maya")


def test_must_keep_metrics_about_the_team_never_one_person() -> None:
    with pytest.raises(AntiMetricError, match="utilisation"):
        metrics.individual_utilisation("Ana")
    assert not {"person", "assignee", "owner"} & {f.name for f in CycleMetrics.__attrs_attrs__}


def test_must_identify_stakeholders_by_the_four_questions() -> None:
    assert set(IDENTIFICATION_QUESTIONS) == set(Reason)
    reg = StakeholderRegister()
    assert reg.identify("Pat") is None
    assert reg.identify("Sam", asked_for_status=True) is not None


# -- planning -----------------------------------------------------------------------------


def test_must_judge_work_by_how_it_serves_the_guidepoint() -> None:
    i = intake()
    i.submit(problem(serves="awareness"))
    with pytest.raises(DoesNotServeGuidepoint):
        i.accept("REQ-1", by="Maya")
    report = GP.unserved([WorkItem("A", "a", outcome="pipeline"), WorkItem("B", "b")])
    assert [x.key for x in report.candidates] == ["B"]


def test_must_tie_every_blueprint_priority_to_a_guidepoint_outcome() -> None:
    with pytest.raises(DoesNotServeGuidepoint):
        Blueprint(GP, "2026-04", 10).add(Priority("Brand film", "awareness", {"2026-04": 2}))


def test_must_keep_the_blueprint_to_a_few_priorities_inside_the_guidepoints_horizon() -> None:
    # "a three-month calendar of a few high-level priorities ... Not a task list."
    bp = Blueprint(GP, "2026-04", 100)
    for n in range(5):
        bp = bp.add(Priority(f"P{n}", "pipeline", {"2026-04": 1}))
    with pytest.raises(InvalidValue, match="a few"):
        bp.add(Priority("P5", "pipeline", {"2026-04": 1}))
    with pytest.raises(InvalidValue, match="after the Guidepoint ends"):
        Blueprint(GP, "2026-05", 100).add(Priority("Later", "pipeline", {"2026-07": 1}))


def test_must_not_add_blueprint_work_without_something_moving_out() -> None:
    # "Changing it re-prioritises: no work is added without something else moving out".
    bp = Blueprint(GP, "2026-04", 10, [Priority("Launch", "pipeline", {"2026-04": 10})])
    with pytest.raises(BlueprintOverCapacity) as caught:
        bp.add(Priority("Webinar", "pipeline", {"2026-04": 4}))
    assert caught.value.must_move_out == (("Launch", "2026-04", 4.0),)
    assert (
        bp.reprioritise(Priority("Webinar", "pipeline", {"2026-04": 4}), move_out=["Launch"]).load(
            "2026-04"
        )
        == 4
    )


def test_must_review_the_blueprint_at_every_team_showcase() -> None:
    before = Blueprint(GP, "2026-04", 10, [Priority("Launch", "pipeline", {"2026-04": 5})])
    after = before.add(Priority("Webinar", "pipeline", {"2026-05": 4}))
    run = CycleRun(Cycle("Cycle 1", START, Capacity.items(2)))
    plan = PlanningFile(
        "t", GP, (BlueprintVersion("workshop", before), BlueprintVersion("s1", after, "Cycle 1")),
        cycles=(run.close(),),
    )  # fmt: skip
    assert plan.showcase("Cycle 1").blueprint_changes == ("added Webinar (pipeline; 2026-05 4)",)


def test_must_reveal_planning_poker_votes_all_at_once() -> None:
    s = PokerSession(WorkItem("A", "a"), ["Ana", "Ben"])
    s.vote("Ana", 5)
    with pytest.raises(VotesHidden):
        _ = s.votes
    with pytest.raises(VotesHidden):
        s.reveal()


def test_must_let_poker_outliers_explain_before_the_revote() -> None:
    s = PokerSession(WorkItem("A", "a"), ["Ana", "Ben", "Cy"])
    for who, card in [("Ana", 1), ("Ben", 13), ("Cy", 5)]:
        s.vote(who, card)
    s.reveal()
    with pytest.raises(OutliersMustExplain):
        s.revote()


def test_must_revote_until_the_votes_converge() -> None:
    s = PokerSession(WorkItem("A", "a"), ["Ana", "Ben"], facilitator="Cy")
    s.vote("Ana", 1)
    s.vote("Ben", 13)
    s.reveal()
    with pytest.raises(NotConverged):
        s.result()
    with pytest.raises(NotFacilitator):  # round 1 of 3: only the Agile Champion may cut it short
        s.settle(5, by="Ana", reason="we are out of time")
    assert s.settle(5, by="Cy", reason="we are out of time").early


def test_must_make_launches_not_all_or_nothing() -> None:
    with pytest.raises(InvalidValue, match="all-or-nothing"):
        LaunchPlan("Launch", "pipeline", [("Everything", "everything at once")])


def test_must_keep_one_single_prioritised_backlog() -> None:
    backlog = Backlog([WorkItem("I1", "Existing")])
    ws = PlanningWorkshop(GP, owner="Maya", participants=["Ana"])
    ws.add_idea("Video", by="Ana", outcome="pipeline")
    with pytest.raises(DuplicateItem):  # the same work cannot sit twice in the one list
        ws.to_backlog(backlog)


def test_must_forecast_how_long_the_backlog_takes_to_clear() -> None:
    sample = ThroughputSample(np.array([1, 0, 2, 1, 1, 0, 1]), last_day=date(2026, 3, 31))
    forecast = backlog_clearance(50, sample, method="exact")
    assert not forecast.never_clears
    assert forecast.forecast.likely(0.85) is not None
    assert forecast.expected_days is not None


def test_must_prune_what_no_longer_serves_an_outcome() -> None:
    backlog = Backlog([WorkItem("A", "a", outcome="pipeline"), WorkItem("B", "old flyer")])
    plan = backlog.plan_prune(OutsideOutcomes(set(GP.outcome_names)))
    assert plan.keys == ("B",)
    assert [i.key for i in GP.unserved(backlog).candidates] == ["B"]


# -- intake -------------------------------------------------------------------------------


def test_must_send_a_tactic_only_request_back_with_the_two_questions() -> None:
    check = check_request(Request("R", "Sam", "Send an email to everyone"))
    assert check.questions[:2] == ("What do you want to achieve?", "What does success look like?")


def test_must_route_requests_to_the_marketing_owner_not_a_team_member() -> None:
    i = intake()
    i.submit(problem())
    with pytest.raises(NotMarketingOwner):
        i.accept("REQ-1", by="a designer on the team")


def test_must_decline_with_a_reason() -> None:
    i = intake()
    i.submit(problem())
    with pytest.raises(InvalidValue, match="reason"):
        i.decline("REQ-1", by="Maya", reason="")


def test_must_not_interrupt_a_running_cycle_with_ad_hoc_requests() -> None:
    run = CycleRun(Cycle("Cycle 1", START, Capacity.points(10)))
    run.commit([WorkItem("A", "a", size=Size.points(3))], at=run.cycle.start)
    run.complete("A", at=START + timedelta(days=1))
    i = intake()
    i.submit(problem())
    i.accept("REQ-1", by="Maya")
    assert "REQ-1" in i.backlog
    assert [x.key for x in run.committed] == ["A"]
    with pytest.raises(CycleStateError):
        run.commit([WorkItem("B", "b", size=Size.points(1))])


def test_must_track_work_added_to_a_running_cycle_as_unplanned() -> None:
    # "Work added to a running cycle is tracked as unplanned": a cycle runs from its start, busy
    # or not, so work committed nine days into the fortnight is refused as a commitment.
    run = CycleRun(Cycle("Cycle 1", START, Capacity.points(10)))
    run.commit([WorkItem("A", "a", size=Size.points(3))], at=run.cycle.start)
    with pytest.raises(CycleStateError, match="unplanned"):
        run.commit([WorkItem("B", "b", size=Size.points(1))], at=START + timedelta(days=9))
    i = intake()
    i.submit(problem())
    i.accept_unplanned("REQ-1", by="Maya", cycle=run, reason="CEO demo", at=START)
    assert [x.key for x in run.unplanned] == ["REQ-1"]
    assert run.close().predictability == 0.0  # unplanned work never counts as committed


# -- delivery -----------------------------------------------------------------------------


def test_must_plan_a_cycle_from_the_top_of_the_backlog_within_capacity() -> None:
    run = CycleRun(Cycle("Cycle 1", START, Capacity.points(5)))
    backlog = [WorkItem(k, k, size=Size.points(p)) for k, p in [("A", 3), ("B", 3), ("C", 1)]]
    plan = plan_cycle(backlog, run, at=run.cycle.start)
    assert [x.key for x in plan.committed] == ["A"]
    assert plan.left_out[0].key == "B"


def test_must_take_capacity_from_the_teams_own_throughput() -> None:
    reports = []
    for n in range(3):
        run = CycleRun(Cycle(f"C{n}", START + timedelta(days=14 * n), Capacity.items(9)))
        run.commit(
            [WorkItem(f"K{n}-{j}", "x", size=Size.points(2)) for j in range(6)], at=run.cycle.start
        )
        for j in range(n + 3):
            run.complete(f"K{n}-{j}", at=START + timedelta(days=14 * n + 1))
        reports.append(run.close())
    assert capacity_from_history(reports, unit="items").amount == 4
    assert Blueprint.from_throughput(GP, "2026-04", [4, 5, 6], unit="items").capacity[0] == 10


def test_must_timebox_a_cycle_fortnightly_by_default() -> None:
    # "Cycle: a fixed timebox, fortnightly by default."
    cycle = Cycle("Cycle 1", START, Capacity.items(5))
    assert cycle.end - cycle.start == timedelta(days=14)
    assert cycle.following("Cycle 2").start == cycle.end
    with pytest.raises(InvalidValue, match="longer than zero"):
        Cycle("Cycle 0", START, Capacity.items(5), length=timedelta(0))


def test_must_keep_the_timebox_and_say_why_when_a_cycle_ends_early() -> None:
    clock = ManualClock(START - timedelta(days=3))
    run = CycleRun(Cycle("Cycle 1", START, Capacity.items(5)), clock=clock)
    run.commit([WorkItem("A", "a")])
    clock.advance(timedelta(days=8))
    with pytest.raises(InvalidValue, match="needs a reason"):
        run.close()
    report = run.close(reason="the product launch moved to June")
    assert report.early_close == "the product launch moved to June"
    assert "Closed early" in str(report)
    assert "launch moved to June" in str(report)


def test_must_show_in_progress_blocked_and_ageing_work_at_the_daily_huddle() -> None:
    board = Board(Workflow.from_shorthand("Ready,Doing,Done", start="Doing"))
    board.add(WorkItem("A", "Landing page"), "Doing", at=START)
    board.add(WorkItem("B", "Flyer"), "Doing", at=START + timedelta(days=4))
    board.block("B", "waiting on legal", at=START + timedelta(days=5))
    view = board.huddle(START + timedelta(days=6), ageing_after=timedelta(days=5))
    assert [i.key for i in view.in_progress] == ["A", "B"]
    assert [i.key for i in view.blocked] == ["B"]
    assert [i.key for i in view.ageing] == ["A"]


def test_must_phrase_work_around_customer_value() -> None:
    # "Customer stories: as a ... I want ... so that ..., not one person's task."
    story = CustomerStory("small-business owner", "a savings calculator", "I can plan cash")
    assert str(story) == (
        "As a small-business owner, I want a savings calculator, so that I can plan cash."
    )
    with pytest.raises(InvalidValue, match="so_that"):
        CustomerStory("small-business owner", "a savings calculator", " ")


def test_must_count_waiting_on_approvals_as_waste() -> None:
    # "Waiting on experts, approvals and hand-offs are waste": a waiting stage is not active
    # time, so one day of work and three days waiting for approval is 25% flow efficiency.
    workflow = Workflow.from_shorthand(
        "Ready,Doing,Approval,Done", start="Doing", done="Done", waiting=["Approval"]
    )
    moves = [
        Transition(START, "Ready", "Doing"),
        Transition(START + timedelta(days=1), "Doing", "Approval"),
        Transition(START + timedelta(days=4), "Approval", "Done"),
    ]
    log = FlowLog.build([ItemHistory("A", "a", status="Done", transitions=moves)], workflow)
    assert metrics.flow_efficiency(log).overall == pytest.approx(0.25)


def test_must_treat_pulling_into_a_full_stage_as_a_wip_breach() -> None:
    board = Board(Workflow.from_shorthand("Ready,Doing,Done", wip={"Doing": 1}))
    board.add(WorkItem("A", "a"), "Doing", at=START)
    board.add(WorkItem("B", "b"), at=START)
    with pytest.raises(WipBreach):
        board.pull("B", "Doing", at=START)


def test_must_only_call_an_item_done_when_its_definition_of_done_holds() -> None:
    dod = DefinitionOfDone(["Proofread"])
    board = Board(Workflow.from_shorthand("Ready,Doing,Done"), definition_of_done=dod)
    board.add(WorkItem("A", "a"), at=START)
    with pytest.raises(NotDone):
        board.pull("A", "Done", at=START)
    run = CycleRun(Cycle("C", START, Capacity.items(1)))
    run.commit([WorkItem("A", "a")], at=run.cycle.start)
    run.complete("A", at=START)
    summary = team_showcase(run.close(), definition_of_done=dod)
    assert summary.finished == ()
    # ... in every count: predictability, throughput and velocity say the same as the list
    assert (summary.metrics.completed_committed, summary.metrics.throughput) == (0, 0)
    assert summary.metrics.predictability == 0.0
    assert "done 0 of 1 committed" in summary.metrics.line()
    strict = CycleRun(Cycle("C2", START, Capacity.items(1)), definition_of_done=dod)
    strict.commit([WorkItem("B", "b")], at=START)
    with pytest.raises(NotDone):
        strict.complete("B", at=START)


def test_must_compare_story_points_within_a_team_only() -> None:
    with pytest.raises(AntiMetricError, match="between teams"):
        metrics.compare_teams("us", "them")


def test_must_showcase_finished_work_not_approve_it() -> None:
    assert not [f for f in ShowcaseSummary.__attrs_attrs__ if "approv" in f.name]
    run = CycleRun(Cycle("C", START, Capacity.items(1)))
    run.commit([WorkItem("A", "a")], at=run.cycle.start)
    run.complete("A", at=START)
    suggestion = Request("REQ-3", "Sam", "Make the button red")
    summary = team_showcase(run.close(), suggestions=[suggestion])
    i = intake()
    summary.submit_suggestions(i)
    assert [r.key for r in i.pending] == ["REQ-3"]  # a request for the Owner, nothing more
    assert [w.key for w in summary.finished] == ["A"]


def test_must_make_the_showcase_summary_ready_for_a_sales_update_call() -> None:
    run = CycleRun(Cycle("C", START, Capacity.items(40)))
    run.commit([WorkItem(f"K{n}", f"post {n}") for n in range(40)], at=run.cycle.start)
    for n in range(40):
        run.complete(f"K{n}", at=START)
    assert len(team_showcase(run.close()).to_markdown().splitlines()) <= 20


def test_must_link_team_improvement_to_the_cycles_measures() -> None:
    run = CycleRun(Cycle("C", START, Capacity.items(1)))
    report = run.close()
    retro = Retrospective.for_cycle(report, change=["fewer approvals"])
    assert retro.metrics == CycleMetrics.from_report(report)


# -- experiments --------------------------------------------------------------------------


def test_must_set_success_criteria_up_front() -> None:
    with pytest.raises(InvalidValue, match="up front"):
        Experiment("E", "outreach", [], started_at=START)
    e = Experiment("E", "outreach", ["at least 5 replies within 7 days"], started_at=START)
    with pytest.raises(NotFound, match="set up front"):
        e.record("likes", 100, at=START)
    e.record("replies", 1, at=START + timedelta(days=7))
    with pytest.raises(AlreadyDecided, match="new experiment"):  # up front: frozen once results
        e.criteria = (SuccessCriterion("replies", 1),)


def test_must_stop_a_campaign_that_falls_below_its_criteria() -> None:
    e = Experiment("E", "outreach", [SuccessCriterion("replies", 5)], started_at=START)
    e.record("replies", 1, at=START + timedelta(days=7))
    assert e.evaluate(START + timedelta(days=7)).decision is Decision.STOP


def test_must_follow_up_or_scale_a_campaign_that_holds_its_criteria() -> None:
    e = Experiment("E", "outreach", [SuccessCriterion("replies", 5)], started_at=START)
    e.record("replies", 9, at=START + timedelta(days=7))
    assert e.evaluate(START + timedelta(days=7)).decision is Decision.SCALE


def test_must_record_stopping_as_learning_not_failure() -> None:
    e = Experiment("E", "outreach", [SuccessCriterion("replies", 5)], started_at=START)
    e.record("replies", 1, at=START + timedelta(days=7))
    with pytest.raises(InvalidValue, match="good decision"):
        e.decide("team", at=START + timedelta(days=7))
    e.decide("team", at=START + timedelta(days=7), learning="large firms ignore cold messages")
    assert "Learning: large firms ignore cold messages" in summarise([e])


# -- metrics ------------------------------------------------------------------------------


def test_must_measure_predictability_as_committed_versus_completed() -> None:
    def predictability(committed: int, completed: int) -> float | None:
        run = CycleRun(Cycle("C", START, Capacity.items(20)))
        run.commit([WorkItem(f"K{n}", "x") for n in range(committed)], at=run.cycle.start)
        for n in range(completed):
            run.complete(f"K{n}", at=START)
        return run.close().predictability

    ten_of_ten, four_of_fifteen = predictability(10, 10), predictability(15, 4)
    assert ten_of_ten is not None
    assert four_of_fifteen is not None
    assert ten_of_ten > four_of_fifteen


def test_must_not_offer_task_counts_as_a_measure_of_value() -> None:
    err = metrics.refuse("task counts as value")
    assert isinstance(err, AntiMetricError)
    assert "outcome" in err.instead


# -- rules added for the DOMAIN.md planning and metrics sections ------------------------------


def test_must_sort_an_existing_pile_by_moscow_must_first_wont_last() -> None:
    # "MoSCoW: Must / Should / Could / Won't, the categorisation used when a team sorts an
    # existing pile of requests".
    pile = [
        WorkItem("M-1", "Banner", fields={"moscow": "won't"}),
        WorkItem("M-2", "Webinar", fields={"moscow": "Should"}),
        WorkItem("M-3", "Landing page", fields={"moscow": "M"}),
        WorkItem("M-4", "Podcast", fields={"moscow": "could have"}),
    ]
    scorer = MoSCoWPrioritiser()
    ranked = sorted(pile, key=lambda item: -scorer.score(item).value)
    assert [item.key for item in ranked] == ["M-3", "M-2", "M-4", "M-1"]
    assert [scorer.score(item).label for item in ranked] == ["Must", "Should", "Could", "Won't"]
    with pytest.raises(InvalidValue):
        MoSCoW.parse("urgent")


def test_must_show_a_burnup_of_done_versus_total_scope_with_scope_changes_visible() -> None:
    # "Progress toward a campaign or project date: a burnup (done versus total scope over time,
    # scope changes visible)": an item added on day 3 raises the scope line that day.
    workflow = Workflow.from_shorthand("Ready,Doing,Done", start="Doing", done="Done")
    a = ItemHistory(
        "A", "a", status="Done", created=START,
        transitions=[Transition(START, "Ready", "Doing"),
                     Transition(START + timedelta(days=1), "Doing", "Done")],
    )  # fmt: skip
    b = ItemHistory("B", "b", status="Ready", created=START + timedelta(days=2))
    burn = metrics.burnup(FlowLog.build([a, b], workflow))
    assert burn.scope.tolist()[:3] == [1, 1, 2]
    assert burn.added.tolist()[:3] == [1, 0, 1]
    assert burn.done.tolist()[:3] == [0, 1, 1]


def test_must_measure_delivery_by_throughput_and_cycle_time_of_finished_items() -> None:
    # "Delivery of customer-ready work: throughput of finished items; cycle time": only the two
    # finished items of the example count, each with its start-to-done time.
    log = FlowLog.example()
    assert int(metrics.throughput(log).counts.sum()) == 2
    times = metrics.cycle_times(log)
    assert times.keys.tolist() == ["A", "B"]
    assert times.days.tolist() == pytest.approx([7 / 3, 22 / 3])


def test_must_take_ideas_from_everyone_then_prioritise_together_top_are_winners() -> None:
    # "Brainstorm: ideas from everyone ..., then a collaborative prioritisation, top = winners".
    ws = PlanningWorkshop(GP, owner="Maya", participants=["Ana", "Sam"])
    ws.brainstorm({"Ana": ["Webinar"], "Sam": ["Case study"], "Maya": ["Podcast"]})
    ws.prioritise_by_votes({"Ana": ["I2", "I1", "I3"], "Sam": ["I2", "I3", "I1"], "Maya": ["I2"]})
    assert [idea.title for idea in ws.winners(1)] == ["Case study"]
    with pytest.raises(NotFound, match="participant"):
        ws.add_idea("Billboard", by="Stranger")
