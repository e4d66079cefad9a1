"""JSON round-trip of every planning object (hypothesis), located errors, tagged protocols."""

from __future__ import annotations

import contextlib
import importlib
import string
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.backlog import Backlog
from agilemarketing.cycles import Capacity, Cycle, CycleReport, CycleRun, ManualClock
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import BlueprintOverCapacity, SerializationError
from agilemarketing.items import CustomerStory, Size, WorkItem
from agilemarketing.mirror import Mirror
from agilemarketing.planning.blueprint import Blueprint, Priority, month_of
from agilemarketing.planning.experiments import Experiment, SuccessCriterion
from agilemarketing.planning.file import BlueprintVersion, PlanningFile, load
from agilemarketing.planning.guidepoint import Guidepoint, Kpi, Outcome
from agilemarketing.planning.intake import Intake, TriageDecision, Verdict
from agilemarketing.planning.poker import (
    AdjacentCards,
    Deck,
    Majority,
    PokerSession,
    PokerTable,
    Unanimous,
)
from agilemarketing.planning.serialise import dumps, loads, register, structure, unstructure
from agilemarketing.planning.showcase import CycleMetrics, Retrospective, team_showcase
from agilemarketing.planning.stakeholders import (
    ImperativeTactic,
    Reason,
    Request,
    Stakeholder,
    StakeholderRegister,
    check_request,
)
from agilemarketing.planning.workshop import LaunchPlan, LaunchSlice, PlanningWorkshop, plan_cycle

words = st.text(alphabet=string.ascii_letters + string.digits + " -'é", min_size=1, max_size=20)
names = words.filter(lambda s: s.strip() and s == " ".join(s.split()))
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
json_values = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), words)
sizes = st.one_of(
    st.none(),
    st.builds(Size.points, st.integers(0, 40)),
    st.builds(Size.tshirt, st.sampled_from(["XS", "S", "M", "L", "XL", "XXL"])),
)
stories = st.one_of(st.none(), st.builds(CustomerStory, names, names, names))


@st.composite
def work_items(draw: st.DrawFn, key: str | None = None) -> WorkItem:
    return WorkItem(
        key or draw(names),
        draw(names),
        kind=draw(st.sampled_from(["campaign", "email", "event"])),
        story=draw(stories),
        size=draw(sizes),
        labels=draw(st.frozensets(names, max_size=3)),
        stakeholder=draw(st.none() | names),
        outcome=draw(st.none() | names),
        created_at=draw(st.none() | moments),
        done_criteria=draw(st.frozensets(names, max_size=2)),
        fields=draw(st.dictionaries(st.sampled_from(["link", "moscow", "n"]), json_values)),
    )


@st.composite
def guidepoints(draw: st.DrawFn) -> Guidepoint:
    outcome_names = draw(st.lists(names, min_size=1, max_size=4, unique_by=str.casefold))
    outcomes = [
        Outcome(
            n,
            draw(st.text(max_size=10)),
            [
                Kpi(k, draw(st.integers(0, 500)), draw(st.none() | st.integers(0, 500)),
                    higher_is_better=draw(st.booleans()))
                for k in draw(st.lists(names, max_size=2))
            ],
            draw(st.none() | names),
        )
        for n in outcome_names
    ]  # fmt: skip
    start = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 1, 1)))
    return Guidepoint(draw(names), start, start + timedelta(days=draw(st.integers(1, 120))),
                      outcomes, agreed_with=draw(st.frozensets(names, max_size=3)))  # fmt: skip


@st.composite
def blueprints(draw: st.DrawFn) -> Blueprint:
    gp = draw(guidepoints())
    bp = Blueprint(gp, month_of(gp.starts),
                   draw(st.lists(st.integers(0, 30), min_size=3, max_size=3)))  # fmt: skip
    horizon = [m for m in bp.months if m <= month_of(gp.ends)]  # the Guidepoint's months
    for n in range(draw(st.integers(0, 5))):
        effort = draw(st.dictionaries(st.sampled_from(horizon), st.integers(1, 10), min_size=1))
        with contextlib.suppress(BlueprintOverCapacity):
            bp = bp.add(Priority(f"P{n}", draw(st.sampled_from(gp.outcome_names)), effort))
    return bp


requests = st.builds(
    Request, names, names, names,
    customer=st.none() | names, desired_outcome=st.none() | names, serves=st.none() | names,
    success=st.none() | st.sampled_from(["50 qualified leads", "more buzz"]),
    details=st.text(max_size=20), received_at=st.none() | moments,
)  # fmt: skip
stakeholders = st.builds(
    Stakeholder, names,
    st.frozensets(st.sampled_from([r for r in Reason if r is not Reason.OWNS_BUSINESS_GOAL]),
                  min_size=1),
    department=st.sampled_from(["", "sales", "product"]), goals=st.lists(names, max_size=2),
)  # fmt: skip
decisions = st.builds(
    TriageDecision, names, names, st.sampled_from(list(Verdict)), names, moments,
    reason=st.text(max_size=10), position=st.none() | st.integers(0, 9),
    until=st.none() | st.dates(), questions=st.lists(names, max_size=2).map(tuple),
)  # fmt: skip


@st.composite
def experiments(draw: st.DrawFn) -> Experiment:
    start = draw(moments)
    criteria = [
        SuccessCriterion(m, draw(st.integers(0, 100)), window=draw(st.integers(1, 30)))
        for m in draw(st.lists(names, min_size=1, max_size=3, unique_by=str.casefold))
    ]
    e = Experiment(draw(names), draw(names), criteria, started_at=start, hypothesis="h")
    for _ in range(draw(st.integers(0, 4))):
        c = draw(st.sampled_from(criteria))
        e.record(
            c.metric, draw(st.integers(0, 200)), at=start + timedelta(days=draw(st.integers(0, 40)))
        )
    if draw(st.booleans()):
        e.decide("team", at=start + timedelta(days=draw(st.integers(0, 40))), learning="learnt")
    return e


@st.composite
def poker_sessions(draw: st.DrawFn) -> PokerSession:
    deck = draw(st.sampled_from([Deck.fibonacci(), Deck.modified_fibonacci(), Deck.tshirt_sizes(),
                                 Deck.custom("hours", [1, 2, 4, 8])]))  # fmt: skip
    people = draw(st.lists(names, min_size=2, max_size=4, unique=True))
    rule = draw(st.sampled_from([AdjacentCards(), Unanimous(), Majority(0.5)]))
    s = PokerSession(draw(work_items("ITEM")), people, deck, rule, max_rounds=5)
    for _ in range(draw(st.integers(0, 3))):
        for who in people:
            if draw(st.integers(0, 5)) == 0:
                return s  # stop mid-round: hidden votes must survive the round trip
            s.vote(who, draw(st.sampled_from(deck.labels)))
        if s.reveal().converged:
            return s
        for who in s.owed_explanations:
            s.explain(who, "because")
    return s


@st.composite
def cycle_reports(draw: st.DrawFn) -> CycleReport:
    start = draw(moments)
    # closed once the fortnight is over, whenever the test runs
    run = CycleRun(Cycle(draw(names), start, Capacity.items(10)),
                   clock=ManualClock(start + timedelta(days=15)))  # fmt: skip
    items = [draw(work_items(f"K{n}")) for n in range(draw(st.integers(0, 4)))]
    run.commit(items, at=run.cycle.start)
    for item in items:
        if draw(st.booleans()):
            run.complete(item.key, at=start + timedelta(hours=draw(st.integers(0, 300))))
    return run.close()


def round_trips(value: Any) -> Any:
    data = dumps(value)
    again = loads(data, type(value))
    assert dumps(again) == data
    return again


@given(work_items())
def test_work_items_round_trip(item: WorkItem) -> None:
    assert round_trips(item) == item


@given(guidepoints())
def test_guidepoints_round_trip(gp: Guidepoint) -> None:
    assert round_trips(gp) == gp


@given(blueprints())
def test_blueprints_round_trip(bp: Blueprint) -> None:
    assert round_trips(bp) == bp


@given(requests, stakeholders, decisions)
def test_intake_values_round_trip(r: Request, s: Stakeholder, d: TriageDecision) -> None:
    assert round_trips(r) == r
    assert round_trips(s) == s
    assert round_trips(d) == d


@given(experiments())
def test_experiments_round_trip_with_results_and_decisions(e: Experiment) -> None:
    again = round_trips(e)
    assert again.measurements == e.measurements
    assert again.decisions == e.decisions
    assert again.status == e.status


@given(poker_sessions())
def test_poker_sessions_resume_where_they_stopped(s: PokerSession) -> None:
    again = round_trips(s)
    assert again.voted == s.voted
    assert again.rounds == s.rounds
    assert again.rule == s.rule
    assert again.owed_explanations == s.owed_explanations


@given(cycle_reports())
def test_cycle_reports_showcases_and_retrospectives_round_trip(report: CycleReport) -> None:
    assert round_trips(report) == report
    summary = team_showcase(report)
    assert round_trips(summary) == summary
    retro = Retrospective.for_cycle(report, keep=["pairing"], try_next=["fewer approvals"])
    assert round_trips(retro) == retro


@given(st.lists(requests, max_size=4, unique_by=lambda r: r.key), guidepoints())
def test_an_intake_round_trips_with_its_backlog_and_decisions(
    reqs: list[Request], gp: Guidepoint
) -> None:
    intake = Intake("Maya", Backlog([WorkItem("MKT-1", "Webinar")]), gp,
                    register=StakeholderRegister())  # fmt: skip
    for r in reqs:
        intake.submit(r)
        with contextlib.suppress(Exception):
            intake.send_back(r.key, by="Maya")
    again = round_trips(intake)
    assert again.backlog.keys() == intake.backlog.keys()
    assert again.decisions == intake.decisions
    assert [again.decision_for(r.key) for r in reqs] == [intake.decision_for(r.key) for r in reqs]
    assert again.detectors == (ImperativeTactic(),)


def test_a_backlog_keeps_its_owner_and_record_of_moves() -> None:
    plain = Backlog([WorkItem("A", "a"), WorkItem("B", "b")])
    assert unstructure(plain) == [unstructure(i) for i in plain]  # the plain form stays a list
    owned = Backlog([WorkItem("A", "a"), WorkItem("B", "b")], owner="Maya")
    owned.move_to_top("B", by="Maya")
    again = round_trips(owned)
    assert (again.owner, again.keys(), again.moves) == ("Maya", ["B", "A"], owned.moves)


def test_workshops_launch_plans_and_cycle_plans_round_trip(pipeline_guidepoint: Guidepoint) -> None:
    gp = pipeline_guidepoint
    ws = PlanningWorkshop(gp, owner="Maya", participants=["Ana"])
    ws.add_idea("Video", by="Ana", outcome="pipeline")
    ws.prioritise_by_moscow({"I1": "must"})
    again = round_trips(ws)
    assert again.ideas == ws.ideas
    plan = LaunchPlan("App", "pipeline", [LaunchSlice("Teaser", "see it"), ("Page", "sign up")])
    assert round_trips(plan) == plan
    run = CycleRun(Cycle("C", datetime(2026, 4, 6, tzinfo=UTC), Capacity.items(1)))
    cycle_plan = plan_cycle([WorkItem("A", "a"), WorkItem("B", "b")], run, at=run.cycle.start)
    assert round_trips(cycle_plan) == cycle_plan
    assert round_trips(CycleMetrics(1, 1, 0, 1, 3.0, None)) == CycleMetrics(1, 1, 0, 1, 3.0, None)


@given(blueprints(), cycle_reports(), experiments(), st.lists(requests, max_size=3))
def test_a_planning_file_round_trips_through_disk(
    bp: Blueprint, report: CycleReport, e: Experiment, reqs: list[Request]
) -> None:
    planning = PlanningFile(
        "Demand gen", bp.guidepoint, (BlueprintVersion("workshop", bp),), requests=tuple(reqs),
        experiments=(e,), cycles=(report,), definition_of_done=DefinitionOfDone(["Proofread"]),
        suggestions={report.cycle.name: tuple(r.key for r in reqs)},
    )  # fmt: skip
    assert dumps(round_trips(planning)) == dumps(planning)


@given(blueprints(), cycle_reports(), experiments(), st.lists(requests, max_size=3))
def test_a_planning_file_round_trips_through_the_sqlite_mirror(
    bp: Blueprint, report: CycleReport, e: Experiment, reqs: list[Request]
) -> None:
    planning = PlanningFile(
        "Demand gen", bp.guidepoint, (BlueprintVersion("workshop", bp),), requests=tuple(reqs),
        experiments=(e,), cycles=(report,), suggestions={report.cycle.name: ("REQ-1",)},
    )  # fmt: skip
    with Mirror(":memory:") as mirror:
        planning.save_to_mirror(mirror)
        assert dumps(PlanningFile.from_mirror(mirror)) == dumps(planning)


def test_errors_name_the_json_path_and_the_file(tmp_path: Path) -> None:
    with pytest.raises(SerializationError) as caught:
        loads(b'{"statement": "x", "starts": "2026-04-01", "ends": "2026-06-30",'
              b' "outcomes": [{"name": "a", "kpis": [{"name": "k", "target": "fifty"}]}]}',
              Guidepoint)  # fmt: skip
    assert caught.value.path == "$.outcomes[0].kpis[0].target"
    with pytest.raises(SerializationError, match="required"):
        loads(b'{"statement": "x"}', Guidepoint)
    with pytest.raises(SerializationError, match="expected JSON"):
        loads(b"{nope", Guidepoint)
    bad = tmp_path / "bad.json"
    bad.write_text('{"team": 5}', encoding="utf-8")
    with pytest.raises(SerializationError, match=r"file bad\.json, \$\.team"):
        load(bad)


def test_model_rules_apply_when_loading(pipeline_guidepoint: Guidepoint) -> None:
    data = unstructure(Blueprint(pipeline_guidepoint, "2026-04", 5))
    data["priorities"] = [{"name": "Big", "outcome": "pipeline", "effort": [["2026-04", 9]]}]
    with pytest.raises(SerializationError, match="overbooks"):
        structure(data, Blueprint)


def test_a_document_cannot_name_arbitrary_classes() -> None:
    s = PokerSession(WorkItem("A", "a"), ["x", "y"])
    data = unstructure(s)
    assert data["rule"] == {"type": "AdjacentCards", "span": 1}
    data["rule"] = {"type": "Popen", "args": "rm -rf /"}
    with pytest.raises(SerializationError, match=r"\$\.rule\.type"):
        structure(data, PokerSession)


def test_custom_protocol_implementations_are_registered() -> None:
    @attrs.frozen
    class LowestCard:
        def __call__(self, deck: Deck, votes: Any) -> Any:
            return min(votes.values(), key=lambda c: c.value)

    s = PokerSession(WorkItem("A", "a"), ["x", "y"], rule=LowestCard())
    with pytest.raises(SerializationError, match="register"):
        dumps(s)
    register(LowestCard)
    assert round_trips(s).rule == LowestCard()
    with pytest.raises(SerializationError):
        register(dict)  # type: ignore[arg-type]


def test_plain_functions_cannot_be_stored() -> None:
    s = PokerSession(WorkItem("A", "a"), ["x", "y"], rule=lambda deck, votes: None)  # type: ignore[arg-type]
    with pytest.raises(SerializationError, match="JSON can hold"):
        dumps(s)


def every_other_planning_value() -> list[Any]:
    gp = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
    bp = Blueprint(gp, "2026-04", 10, [Priority("Launch", "pipeline", {"2026-04": 8})])
    moved = bp.reprioritise(
        Priority("Video", "pipeline", {"2026-04": 5}),
        move_out=["Launch"],
        replacements=[Priority("Launch", "pipeline", {"2026-05": 8})],
    )
    table = PokerTable(["Ana", "Ben"], Deck.tshirt_sizes())
    table.play(WorkItem("A", "a"), [{"Ana": "M", "Ben": "L"}])
    ws = PlanningWorkshop(gp, owner="Maya", participants=["Ana"])
    ws.add_idea("Video", by="Ana", outcome="pipeline")
    ws.add_idea("Posters", by="Ana")
    ws.size("I1", Size.points(3))
    e = Experiment("E", "x", ["at least 3 replies within 7 days"], started_at=datetime(
        2026, 4, 1, tzinfo=UTC))  # fmt: skip
    return [
        check_request(Request("R", "Sam", "Send an email to everyone"), guidepoint=gp),
        gp.unserved([WorkItem("A", "a"), WorkItem("B", "b", outcome="pipeline")]),
        bp.diff(moved),
        bp.check(Priority("Fair", "pipeline", {"2026-04": 9})),
        table,
        ws.draft_blueprint("2026-04", 10),
        e.evaluate(datetime(2026, 4, 9, tzinfo=UTC)),
        BlueprintVersion("showcase 1", moved, "Cycle 1"),
        StakeholderRegister([Stakeholder("Sam", {"asked for work"})]),
    ]


@pytest.mark.parametrize("value", every_other_planning_value(), ids=lambda v: type(v).__name__)
def test_every_other_planning_value_round_trips(value: Any) -> None:
    again = round_trips(value)
    if attrs.has(type(value)) and type(value).__eq__ is not object.__eq__:
        fields = [f.name for f in attrs.fields(type(value)) if f.init]
        assert [getattr(again, f) for f in fields] == [getattr(value, f) for f in fields]


def _classes_inside(value: Any, found: set[type]) -> set[type]:
    if attrs.has(type(value)):
        found.add(type(value))
        for field in attrs.fields(type(value)):
            _classes_inside(getattr(value, field.name), found)
    elif isinstance(value, list | tuple | set | frozenset):
        for element in value:
            _classes_inside(element, found)
    elif isinstance(value, dict):
        for key, element in value.items():
            _classes_inside(key, found)
            _classes_inside(element, found)
    return found


def test_every_public_planning_class_round_trips_inside_some_tested_value() -> None:
    # A new planning class that JSON cannot hold (or that no test stores) fails here.
    gp = Guidepoint(
        "x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline", kpis=[Kpi("leads", 50)])]
    )
    start = datetime(2026, 4, 6, tzinfo=UTC)
    run = CycleRun(Cycle("Cycle 1", start, Capacity.items(2)))
    run.commit(
        [WorkItem("A", "a", story=CustomerStory("owner", "a calculator", "I plan"))],
        at=run.cycle.start,
    )
    run.complete("A", at=start + timedelta(days=1))
    report = run.close()
    intake = Intake("Maya", Backlog(), gp, register=StakeholderRegister())
    intake.submit(Request("R-1", "Sam", "Send an email to everyone"))
    intake.send_back("R-1", by="Maya", at=start)
    ws = PlanningWorkshop(gp, owner="Maya", participants=["Ana"])
    ws.add_idea("Video", by="Ana", outcome="pipeline")
    e = Experiment("E", "x", [SuccessCriterion("replies", 3)], started_at=start)
    e.record("replies", 1, at=start + timedelta(days=7))
    e.decide("team", at=start + timedelta(days=7), learning="warm contacts first")
    votes = [
        PokerSession(WorkItem("P", "p"), ["Ana", "Ben"], rule=rule)
        for rule in (AdjacentCards(), Unanimous(), Majority(0.5))
    ]
    values = [
        *every_other_planning_value(),
        *votes,
        ws,
        LaunchPlan("App", "pipeline", [LaunchSlice("Teaser", "see it"), ("Page", "sign up")]),
        plan_cycle([WorkItem("B", "b")], CycleRun(Cycle("Cycle 2", start, Capacity.items(1))),
                   at=start),
        team_showcase(report, experiments=[e]),
        PlanningFile(
            "t", gp, stakeholders=(Stakeholder("Sam", {"asked for work"}),),
            requests=intake.requests, decisions=intake.decisions, experiments=(e,),
            cycles=(report,), retrospectives=(Retrospective.for_cycle(report, keep=["x"]),),
        ),
        intake,
    ]  # fmt: skip
    found: set[type] = set()
    for value in values:
        assert dumps(round_trips(value)) == dumps(value)
        _classes_inside(value, found)
    names = ("stakeholders", "intake", "guidepoint", "blueprint", "poker", "workshop")
    names += ("experiments", "showcase", "file", "serialise")
    modules = [importlib.import_module(f"agilemarketing.planning.{name}") for name in names]
    public = {
        cls
        for module in modules
        for cls in (getattr(module, name) for name in module.__all__)
        if isinstance(cls, type) and attrs.has(cls)
    }
    assert sorted(c.__name__ for c in public - found) == []
