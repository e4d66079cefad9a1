"""The quarter of docs/quarter.md, step by step, with every outcome asserted.

The page's own code runs in tests/test_docs.py; this mirror pins down what each step must
produce, so a change that alters the story fails here with a clear message.
"""

from __future__ import annotations

import contextlib
import io
import re
import statistics
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from agilemarketing.backlog import Backlog, OutsideOutcomes
from agilemarketing.board import Board
from agilemarketing.cli import main
from agilemarketing.cycles import Capacity, Cycle, CycleRun, capacity_from_history
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import (
    BlueprintOverCapacity,
    DoesNotServeGuidepoint,
    InvalidValue,
    NotMarketingOwner,
    VotesHidden,
)
from agilemarketing.items import Size, WorkItem
from agilemarketing.planning.blueprint import Blueprint, Priority
from agilemarketing.planning.experiments import Decision, Experiment, SuccessCriterion, summarise
from agilemarketing.planning.file import BlueprintVersion, PlanningFile
from agilemarketing.planning.guidepoint import Guidepoint, Kpi, Outcome
from agilemarketing.planning.intake import Intake, Verdict
from agilemarketing.planning.poker import Deck, PokerTable
from agilemarketing.planning.serialise import dumps
from agilemarketing.planning.showcase import Retrospective, team_showcase
from agilemarketing.planning.stakeholders import Request, StakeholderRegister
from agilemarketing.planning.workshop import LaunchPlan, LaunchSlice, PlanningWorkshop, plan_cycle
from agilemarketing.workflow import Workflow

TEAM = ["Ana (content)", "Ben (design)", "Cy (digital)"]


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def play_quarter() -> SimpleNamespace:
    q = SimpleNamespace()
    errors: dict[str, Exception] = {}
    q.errors = errors

    # stakeholders
    register = StakeholderRegister()
    register.identify("Sam Ortiz", department="sales", asked_for_work=True, asked_for_status=True)
    register.identify("Priya Shah", department="product development", goals=["app adoption"])
    register.identify("Lee Wong", department="customer service", kept_informed=True)
    q.pat = register.identify("Pat Kim", department="facilities")
    q.register = register

    # guidepoint
    guidepoint = Guidepoint(
        "By the end of June, sales has a pipeline for the banking app it can follow up, "
        "and new app customers stay",
        starts=date(2026, 4, 1),
        ends=date(2026, 6, 30),
        outcomes=[
            Outcome("pipeline", "qualified prospects for the banking app",
                    [Kpi("qualified leads", 50, current=0)], owner="Sam Ortiz"),
            Outcome("adoption", "new customers use the app in their first month",
                    [Kpi("30-day active rate", 60, current=41, unit="%")], owner="Priya Shah"),
        ],
        agreed_with=["Sam Ortiz", "Priya Shah"],
    )  # fmt: skip

    # requests
    backlog = Backlog([
        WorkItem("MKT-1", "Branch poster refresh", outcome="adoption"),
        WorkItem("MKT-2", "Fax campaign for business customers"),
        WorkItem("MKT-3", "Trade fair 2025 follow-up", outcome="trade fair presence"),
    ])  # fmt: skip
    intake = Intake("Maya Berg", backlog, guidepoint, register=register)
    q.first_check = intake.submit(Request(
        "REQ-1", "Sam Ortiz",
        "I want you to send an email to everyone on our mailing list about the new banking app",
        received_at=at("2026-04-01T09:00"),
    ))  # fmt: skip
    q.sent_back = intake.send_back("REQ-1", by="Maya Berg", at=at("2026-04-01T10:00"))
    revised = Request(
        "REQ-1", "Sam Ortiz", "Prospects on our mailing list do not know the new banking app",
        customer="retail prospects on the mailing list",
        desired_outcome="build the sales pipeline for the app", serves="pipeline",
        success="at least 50 qualified new leads within 60 days",
        received_at=at("2026-04-02T09:00"),
    )  # fmt: skip
    q.revised_check = intake.submit(revised)
    q.accepted = intake.accept("REQ-1", by="Maya Berg", position=0, at=at("2026-04-02T11:00"))

    intake.submit(Request("REQ-2", "Lee Wong", "Post a tweet about our new fees"))
    intake.send_back("REQ-2", by="Maya Berg", at=at("2026-04-02T13:00"))
    intake.submit(Request(
        "REQ-3", "Priya Shah", "The brand feels old-fashioned to people under 30",
        customer="people under 30", desired_outcome="a younger brand image",
        serves="brand awareness", success="at least 10% more brand recall in the survey",
    ))  # fmt: skip
    try:
        intake.accept("REQ-3", by="Maya Berg")
    except DoesNotServeGuidepoint as exc:
        errors["REQ-3"] = exc
    q.declined = intake.decline(
        "REQ-3",
        by="Maya Berg",
        at=at("2026-04-03T09:00"),
        reason="brand awareness is not on this quarter's Guidepoint",
    )
    intake.submit(Request(
        "REQ-4", "Lee Wong", "New app users call us because they cannot find their statements",
        customer="new app customers", desired_outcome="fewer support calls in the first month",
        serves="adoption", success="at least 60% 30-day active rate",
    ))  # fmt: skip
    q.deferred = intake.defer(
        "REQ-4", by="Maya Berg", reason="decide at the planning workshop", at=at("2026-04-03T09:30")
    )
    try:
        intake.accept("REQ-4", by="Sam Ortiz")
    except NotMarketingOwner as exc:
        errors["Sam triages"] = exc

    # prune
    q.unserved = guidepoint.unserved(backlog)
    backlog.apply_prune(backlog.plan_prune(OutsideOutcomes(set(guidepoint.outcome_names))))
    q.after_prune = backlog.keys()

    # workshop
    workshop = PlanningWorkshop(
        guidepoint, owner="Maya Berg", participants=["Sam Ortiz", "Priya Shah", "Lee Wong", *TEAM]
    )
    workshop.brainstorm(
        {
            "Sam Ortiz": ["Webinar: banking on your phone"],
            "Ana (content)": ["Short app videos for social"],
            "Cy (digital)": ["Retargeting ads for mailing-list visitors"],
        },
        outcome="pipeline",
    )
    workshop.brainstorm(
        {
            "Lee Wong": ["In-app tour for statements"],
            "Priya Shah": ["First-month nurture emails"],
        },
        outcome="adoption",
    )
    workshop.add_idea("Branded umbrellas for the branches", by="Ben (design)")
    q.consensus = workshop.prioritise_by_votes({
        "Sam Ortiz": ["I1", "I3", "I2", "I5", "I4", "I6"],
        "Priya Shah": ["I5", "I4", "I2", "I1", "I3", "I6"],
        "Lee Wong": ["I4", "I5", "I2", "I1", "I3", "I6"],
        "Ana (content)": ["I2", "I1", "I5", "I4", "I3", "I6"],
        "Ben (design)": ["I6", "I2", "I4", "I5", "I1", "I3"],
        "Cy (digital)": ["I3", "I2", "I1", "I5", "I4", "I6"],
    })  # fmt: skip
    workshop.owner_orders(["I2", "I1"], by="Maya Berg")
    q.winners = [i.key for i in workshop.winners()]

    # poker
    table = PokerTable(TEAM, Deck.fibonacci())
    videos = table.session(workshop.winners()[0].to_item())
    videos.vote("Ana (content)", 3)
    try:
        _ = videos.votes
    except VotesHidden as exc:
        errors["peek"] = exc
    videos.vote("Ben (design)", 13)
    videos.vote("Cy (digital)", 5)
    q.poker_round_1 = videos.reveal()
    videos.explain("Ana (content)", "we can reuse the launch footage")
    videos.explain("Ben (design)", "subtitles and four aspect ratios")
    videos.revote()
    for who, card in zip(TEAM, [5, 8, 8], strict=True):
        videos.vote(who, card)
    q.poker_round_2 = videos.reveal()
    for idea, cards in zip(
        workshop.winners()[1:5], [(5, 5, 3), (8, 8, 8), (13, 8, 13), (3, 3, 2)], strict=True
    ):
        table.play(idea.to_item(), [dict(zip(TEAM, cards, strict=True))])
    q.estimates = {r.item.key: (r.card.label, r.rounds) for r in table.results}
    workshop.apply_estimates(table.results)

    # blueprint
    past_cycles = [11, 13, 12, 12, 10]
    capacity = Blueprint.from_throughput(guidepoint, "2026-04", past_cycles).capacity
    q.capacity = capacity
    app_launch = Priority("Banking app launch", "pipeline", {"2026-04": 8, "2026-05": 8})
    q.draft = workshop.draft_blueprint("2026-04", capacity, first=[app_launch])
    blueprint = q.draft.blueprint
    workshop.to_backlog(backlog, n=5, at=1)
    trade_fair = Priority("Regional trade fair", "pipeline", {"2026-05": 13})
    try:
        blueprint.add(trade_fair)
    except BlueprintOverCapacity as exc:
        errors["trade fair"] = exc
    q.workshop_blueprint = workshop_blueprint = blueprint

    # minimum viable launch
    launch = LaunchPlan("Banking app launch", "pipeline", [
        LaunchSlice("Landing page with demo sign-up", "prospects can ask for a demo",
                    Size.points(5)),
        LaunchSlice("Mailing-list announcement", "the list hears about the app and signs up",
                    Size.points(3)),
        LaunchSlice("Savings calculator", "prospects see what they would save", Size.points(8)),
    ])  # fmt: skip
    q.release = launch.release_cycles(per_cycle=12)
    backlog.remove("REQ-1")
    for offset, item in enumerate(launch.items("APP")):
        backlog.insert(item, at=offset)
    statements = intake.request("REQ-4").to_item()
    sized = table.play(statements, [dict(zip(TEAM, [2, 2, 3], strict=True))])
    intake.accept("REQ-4", by="Maya Berg", position=3, item=sized.item, at=at("2026-04-03T15:00"))
    q.backlog_before_cycle_1 = backlog.keys()

    # cycle 1
    dod = DefinitionOfDone(["Proofread", "Tracking in place"])
    board = Board(Workflow.from_shorthand("Ready,Doing,Done", wip={"Ready": 4, "Doing": 3}),
                  definition_of_done=dod)  # fmt: skip
    cycle_1 = Cycle("Cycle 1", at("2026-04-06T08:00"),
                    Capacity.points(statistics.median(past_cycles)))  # fmt: skip
    run_1 = CycleRun(cycle_1)
    q.plan_1 = plan_cycle(backlog, run_1, board=board, look_ahead=1, at=run_1.cycle.start)

    cold = Experiment(
        "EXP-1", "LinkedIn outreach to 2nd-degree contacts at 1,000+ employee firms",
        ["at least 20 replies within 7 days"], started_at=at("2026-04-06T09:00"),
        outcome="pipeline",
    )  # fmt: skip
    cold.record("replies", 2, at=at("2026-04-13T09:00"))
    q.stopped = cold.decide("Ana (content)", at=at("2026-04-13T09:00"),
                            learning="cold messages to large firms get no replies; "
                            "warm contacts first")  # fmt: skip
    micro = Experiment(
        "EXP-2", "Micro-outreach to webinar sign-ups",
        [SuccessCriterion("demo requests", 15, window=14)],
        started_at=at("2026-04-13T09:00"), outcome="pipeline",
    )  # fmt: skip
    micro.record("demo requests", 6, at=at("2026-04-17T09:00"))

    for key, finished in [("APP-1", "2026-04-09T15:00"), ("APP-2", "2026-04-15T11:00")]:
        board.pull(key, "Doing", at=at(finished) - timedelta(days=2))
        board.meet(key, "Proofread", "Tracking in place")
        board.pull(key, "Done", at=at(finished))
        run_1.complete(key, at=at(finished))
    landing_page = board.item("APP-1")
    link = "https://bank.example/app"
    board.update(attrs.evolve(landing_page, fields={**landing_page.fields, "link": link}))
    q.flyer = intake.submit(
        Request(
            "REQ-5", "Sam Ortiz", "How about a new product flyer for the trade event next week?"
        )
    )
    intake.send_back("REQ-5", by="Maya Berg", at=at("2026-04-08T10:00"))
    q.committed_after_ad_hoc = [i.key for i in run_1.committed]
    intake.submit(Request(
        "REQ-6", "Priya Shah", "The app store listing shows last year's fees",
        customer="people looking at the app in the store",
        desired_outcome="no wrong fees in public", serves="adoption",
        success="at most 0 complaints about wrong fees within 7 days",
    ))  # fmt: skip
    fix = intake.request("REQ-6").to_item(kind="content", size=Size.points(1))
    intake.accept_unplanned("REQ-6", by="Maya Berg", cycle=run_1, item=fix,
                            reason="the listing is wrong in public; it cannot wait",
                            at=at("2026-04-10T09:00"))  # fmt: skip
    board.add(fix, "Doing", at=at("2026-04-10T09:00"))
    board.meet("REQ-6", "Proofread", "Tracking in place")
    board.pull("REQ-6", "Done", at=at("2026-04-10T16:00"))
    run_1.complete("REQ-6", at=at("2026-04-10T16:00"))
    q.report_1 = report_1 = run_1.close()

    # showcase 1
    q.blueprint_1 = blueprint_1 = workshop_blueprint.reprioritise(
        trade_fair, move_out=["In-app tour for statements", "Webinar: banking on your phone"],
        rank=2,
        replacements=[Priority("In-app tour for statements", "adoption", {"2026-06": 13})],
    )  # fmt: skip
    suggestion = Request(
        "REQ-7", "Sam Ortiz",
        "How did small-business owners react to the landing page? Could they get their own "
        "version?",
        customer="small-business owners", desired_outcome="a pipeline of business accounts",
        serves="pipeline", success="at least 10 qualified business leads within 30 days",
        received_at=at("2026-04-20T15:00"),
    )  # fmt: skip
    q.showcase_1 = team_showcase(
        report_1, definition_of_done=dod, items=board, experiments=[cold, micro],
        blueprint_before=workshop_blueprint, blueprint_after=blueprint_1,
        suggestions=[suggestion], at=at("2026-04-20T15:00"),
    )  # fmt: skip
    q.showcase_1.submit_suggestions(intake)
    intake.accept("REQ-7", by="Maya Berg", at=at("2026-04-21T09:00"),
                  item=suggestion.to_item(size=Size.points(5)))  # fmt: skip
    q.retro_1 = Retrospective.for_cycle(
        report_1, keep=["launch slices small enough to finish"],
        change=["the store listing was not on anyone's checklist"],
        try_next=["add 'store listing checked' to the launch checklist"], experiments=[cold],
    )  # fmt: skip

    # cycle 2
    cycle_2 = cycle_1.following("Cycle 2", capacity=capacity_from_history([report_1]))
    run_2 = CycleRun(cycle_2)
    q.plan_2 = plan_cycle(backlog, run_2, board=board, look_ahead=0, at=run_2.cycle.start)
    board.pull("APP-3", "Doing", at=at("2026-04-21T09:00"))
    board.meet("APP-3", "Proofread", "Tracking in place")
    board.pull("APP-3", "Done", at=at("2026-04-30T17:00"))
    run_2.complete("APP-3", at=at("2026-04-30T17:00"))
    q.report_2 = report_2 = run_2.close()
    micro.record("demo requests", 19, at=at("2026-04-27T09:00"))
    q.scaled = micro.decide(
        "Cy (digital)",
        at=at("2026-04-27T09:00"),
        learning="people who signed up for the webinar answer personal notes",
    )
    guidepoint = guidepoint.with_kpi("pipeline", "qualified leads", 23)
    q.guidepoint = guidepoint

    # showcase 2
    landing_page = Priority("Small-business landing page", "pipeline", {"2026-06": 5})
    try:  # June has room, but the Blueprint holds its five priorities already
        blueprint_1.add(landing_page)
    except InvalidValue as refused:
        q.errors["sixth priority"] = refused
    q.blueprint_2 = blueprint_2 = blueprint_1.reprioritise(
        landing_page, move_out=["Short app videos for social"]
    )
    q.showcase_2 = team_showcase(
        report_2, definition_of_done=dod, items=board, experiments=[cold, micro],
        blueprint_before=blueprint_1, blueprint_after=blueprint_2, at=at("2026-05-04T15:00"),
    )  # fmt: skip
    q.summary = summarise([cold, micro])
    q.retro_2 = Retrospective.for_cycle(
        report_2, keep=["personal notes to warm contacts"],
        try_next=["size requests as they come in"], experiments=[micro],
    )  # fmt: skip

    q.planning = PlanningFile(
        team="Banking app marketing", guidepoint=guidepoint,
        blueprints=(
            BlueprintVersion("workshop", workshop_blueprint),
            BlueprintVersion("showcase 1", blueprint_1, cycle="Cycle 1"),
            BlueprintVersion("showcase 2", blueprint_2, cycle="Cycle 2"),
        ),
        stakeholders=tuple(register), requests=intake.requests, decisions=intake.decisions,
        experiments=(cold, micro), cycles=(report_1, report_2),
        retrospectives=(q.retro_1, q.retro_2), definition_of_done=dod,
        suggestions={"Cycle 1": ("REQ-7",)}, items=tuple(p.item for p in board),
    )  # fmt: skip
    q.intake = intake
    q.backlog = backlog
    return q


@pytest.fixture(scope="module")
def quarter() -> SimpleNamespace:
    return play_quarter()


def test_stakeholders_are_those_the_four_questions_find(quarter: Any) -> None:
    assert quarter.pat is None
    assert [s.name for s in quarter.register] == ["Sam Ortiz", "Priya Shah", "Lee Wong"]


def test_requests_are_sent_back_declined_deferred_and_accepted(quarter: Any) -> None:
    assert quarter.first_check.tactic_only
    assert "What do you want to achieve? What does success look like?" in (
        quarter.sent_back.message()
    )
    assert quarter.revised_check.ok
    assert quarter.accepted.position == 0
    assert isinstance(quarter.errors["REQ-3"], DoesNotServeGuidepoint)
    assert "brand awareness is not on this quarter's Guidepoint" in quarter.declined.message()
    assert "until the next planning" in quarter.deferred.message()
    assert isinstance(quarter.errors["Sam triages"], NotMarketingOwner)
    verdicts = {d.request: d.verdict for d in quarter.intake.decisions}
    assert verdicts == {
        "REQ-1": Verdict.ACCEPTED, "REQ-2": Verdict.SENT_BACK, "REQ-3": Verdict.DECLINED,
        "REQ-4": Verdict.ACCEPTED, "REQ-5": Verdict.SENT_BACK, "REQ-6": Verdict.UNPLANNED,
        "REQ-7": Verdict.ACCEPTED,
    }  # fmt: skip
    assert {d.by for d in quarter.intake.decisions} == {"Maya Berg"}


def test_pruning_removes_work_that_serves_no_outcome(quarter: Any) -> None:
    assert [i.key for i in quarter.unserved.candidates] == ["MKT-2", "MKT-3"]
    assert quarter.after_prune == ["REQ-1", "MKT-1"]


def test_the_workshop_ranks_together_and_the_owner_decides(quarter: Any) -> None:
    assert quarter.consensus.order == ("I2", "I5", "I1", "I4", "I3", "I6")
    assert quarter.winners[:3] == ["I2", "I1", "I5"]


def test_planning_poker_hides_votes_and_reaches_agreement(quarter: Any) -> None:
    assert isinstance(quarter.errors["peek"], VotesHidden)
    assert quarter.poker_round_1.outliers == ("Ana (content)", "Ben (design)")
    assert quarter.poker_round_2.agreed == "8"
    assert quarter.estimates["I2"] == ("8", 2)
    assert quarter.estimates["I4"] == ("13", 1)


def test_the_blueprint_refuses_the_trade_fair_until_something_moves_out(quarter: Any) -> None:
    assert quarter.capacity == (25.0, 26.0, 25.0)
    refused = quarter.errors["trade fair"]
    assert refused.shortfall == {"2026-05": 12.0}
    assert refused.must_move_out == (("In-app tour for statements", "2026-05", 12.0),)
    names = [p.name for p in quarter.workshop_blueprint.priorities]
    assert names[0] == "Banking app launch"
    assert "Regional trade fair" not in names
    assert {x.key for x in quarter.draft.left_out} == {"I3", "I6"}
    for bp in (quarter.workshop_blueprint, quarter.blueprint_1, quarter.blueprint_2):
        assert all(bp.load(m) <= c for m, c in zip(bp.months, bp.capacity, strict=True))


def test_the_launch_goes_out_slice_by_slice(quarter: Any) -> None:
    assert quarter.release == {
        "Landing page with demo sign-up": 1, "Mailing-list announcement": 1,
        "Savings calculator": 2,
    }  # fmt: skip
    assert quarter.backlog_before_cycle_1[:4] == ["APP-1", "APP-2", "APP-3", "REQ-4"]


def test_cycle_1_plans_within_capacity_and_keeps_ad_hoc_work_out(quarter: Any) -> None:
    assert [i.key for i in quarter.plan_1.committed] == ["APP-1", "APP-2"]
    assert quarter.plan_1.left_out[0].reason == "needs 8 pt, 4 pt of capacity left"
    assert quarter.flyer.tactic_only
    assert quarter.committed_after_ad_hoc == ["APP-1", "APP-2"]
    report = quarter.report_1
    assert report.completed_unplanned == ("REQ-6",)
    assert report.predictability == 1.0
    assert report.velocity == 9


def test_one_experiment_is_stopped_and_one_scaled(quarter: Any) -> None:
    assert quarter.stopped.decision is Decision.STOP
    assert quarter.scaled.decision is Decision.SCALE
    assert "Learning: cold messages to large firms get no replies" in quarter.summary
    assert "Micro-outreach to webinar sign-ups**: scale" in quarter.summary


def test_showcase_1_summarises_the_cycle(quarter: Any) -> None:
    s = quarter.showcase_1
    assert [w.key for w in s.finished] == ["APP-1", "REQ-6", "APP-2"]
    assert s.finished[0].link == "https://bank.example/app"
    assert '<a href="https://bank.example/app">APP-1 Banking app launch' in s.to_html()
    assert s.blueprint_changes == (
        "added Regional trade fair (pipeline; 2026-05 13)",
        "moved out Webinar: banking on your phone (pipeline; 2026-04 5)",
        "rescheduled In-app tour for statements: 2026-05 13 -> 2026-06 13",
    )
    assert len(quarter.blueprint_1.priorities) == 5
    assert s.campaigns[1].startswith("Micro-outreach to webinar sign-ups: running")
    assert [r.key for r in s.suggestions] == ["REQ-7"]
    assert "REQ-7" in quarter.backlog
    assert quarter.retro_1.campaign_learnings[0].startswith("LinkedIn outreach")


def test_cycle_2_takes_capacity_from_cycle_1(quarter: Any) -> None:
    assert [i.key for i in quarter.plan_2.committed] == ["APP-3"]
    assert quarter.plan_2.left_out[0].reason == "needs 2 pt, 1 pt of capacity left"
    assert quarter.report_2.cycle.capacity == Capacity.points(9)


def test_showcase_2_and_the_kpi(quarter: Any) -> None:
    s = quarter.showcase_2
    assert [w.key for w in s.finished] == ["APP-3"]
    assert s.blueprint_changes == (
        "added Small-business landing page (pipeline; 2026-06 5)",
        "moved out Short app videos for social (pipeline; 2026-04 8)",
    )
    assert "at most 5 priorities" in str(quarter.errors["sixth priority"])
    # the cold outreach was stopped in cycle 1: it is history, not a campaign in the market
    assert len(s.campaigns) == 1
    assert s.campaigns[0].startswith("Micro-outreach to webinar sign-ups: scaled")
    assert str(quarter.guidepoint.outcome("pipeline").kpis[0]) == "qualified leads: 23 of 50"
    assert "<script" not in s.to_html()


def test_the_planning_file_and_the_command_line(quarter: Any, tmp_path: Path) -> None:
    path = quarter.planning.save(tmp_path / "quarter.json")
    loaded = PlanningFile.load(path)
    assert loaded.showcase("Cycle 1") == quarter.planning.showcase("Cycle 1")
    assert loaded.showcase("Cycle 1").finished == quarter.showcase_1.finished
    assert loaded.showcase("Cycle 1").campaigns == quarter.showcase_1.campaigns
    assert loaded.showcase("Cycle 1").blueprint_changes == quarter.showcase_1.blueprint_changes
    assert loaded.showcase("Cycle 2").finished == quarter.showcase_2.finished
    runner = CliRunner()
    shown = runner.invoke(main, ["showcase", str(path), "--cycle", "Cycle 1"])
    assert shown.exit_code == 0
    assert shown.output.startswith("## Team Showcase: Cycle 1 (06 Apr - 20 Apr 2026)")
    check = runner.invoke(main, ["blueprint", str(path), "--check", "Podcast series",
                                 "--outcome", "pipeline", "--effort", "2026-06=8"])  # fmt: skip
    assert check.exit_code == 1
    assert "move out Small-business landing page: 1 in 2026-06" in check.output


def test_the_page_tells_this_same_quarter(
    quarter: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project_root: Path
) -> None:
    # docs/quarter.md runs on its own in tests/test_docs.py; here its results must be the ones
    # asserted above, so the page and this specification cannot drift apart.
    page = project_root / "docs" / "quarter.md"
    blocks = re.findall(r"^```python\n(.*?)^```", page.read_text(encoding="utf-8"), re.S | re.M)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for block in blocks:
            if not block.startswith("# not-run"):
                exec(compile(block, page.name, "exec"), namespace)
    assert namespace["showcase_1"] == quarter.showcase_1
    assert namespace["showcase_2"] == quarter.showcase_2
    assert dumps(namespace["planning"]) == dumps(quarter.planning)
