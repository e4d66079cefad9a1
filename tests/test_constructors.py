"""Every public constructor of the model and the planning practices, walked with bad values.

Issue 15, point 7: whatever a caller passes, a constructor either accepts it or raises the
library's own error (an :class:`~agilemarketing.errors.AgileMarketingError`, or several together
as an :class:`~agilemarketing.errors.InvalidInputGroup`), never a bare ``ValueError``,
``TypeError`` or ``AttributeError``. Each class has a valid set of arguments below; hypothesis
replaces some of them with values of the wrong type or range. A new public class without an
entry here fails :func:`test_every_public_class_is_walked`.
"""

from __future__ import annotations

import contextlib
import enum
import importlib
import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agilemarketing.backlog import Backlog, BacklogMove
from agilemarketing.ballots import Ballot, Consensus, PositionSpread
from agilemarketing.board import (
    Blocker,
    Board,
    HuddleItem,
    HuddleView,
    OverrideRecord,
    Placement,
    StageLoad,
    WipOverride,
)
from agilemarketing.cycles import (
    Capacity,
    CapacityOverride,
    Cycle,
    CycleReport,
    CycleRun,
    ManualClock,
)
from agilemarketing.done import DefinitionOfDone, DoneCheck
from agilemarketing.errors import AgileMarketingError, InvalidInputGroup
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.items import CustomerStory, Size, SizeUnit, WorkItem
from agilemarketing.planning.blueprint import Blueprint, BlueprintDiff, CapacityCheck, Priority
from agilemarketing.planning.experiments import (
    CriterionResult,
    Decision,
    Evaluation,
    Experiment,
    ExperimentDecision,
    Measurement,
    SuccessCriterion,
)
from agilemarketing.planning.file import BlueprintVersion, PlanningFile
from agilemarketing.planning.guidepoint import Guidepoint, Kpi, Outcome, PruningReport
from agilemarketing.planning.intake import Intake, TriageDecision
from agilemarketing.planning.poker import (
    AdjacentCards,
    Card,
    Deck,
    Majority,
    PokerResult,
    PokerSession,
    PokerTable,
    Round,
    Unanimous,
)
from agilemarketing.planning.showcase import (
    CycleMetrics,
    FinishedWork,
    Retrospective,
    ShowcaseSummary,
)
from agilemarketing.planning.stakeholders import (
    ImperativeTactic,
    Request,
    RequestCheck,
    Stakeholder,
    StakeholderRegister,
)
from agilemarketing.planning.workshop import (
    BlueprintDraft,
    CyclePlan,
    Idea,
    LaunchPlan,
    LaunchSlice,
    LeftOut,
    PlanningWorkshop,
)
from agilemarketing.prioritisation import (
    ICE,
    RICE,
    WSJF,
    MoSCoWPrioritiser,
    RankedItem,
    Ranking,
    ValueVsEffort,
)
from agilemarketing.pruning import OutsideOutcomes, PruneCandidate, PrunePlan, Stale, WontHave
from agilemarketing.ranks import RankChange
from agilemarketing.scores import Score
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Stage, StageCategory, WipLimit, Workflow

MODULES = [
    "items", "history", "workflow", "workdays", "done", "ranks", "backlog", "prioritisation",
    "moscow", "scores", "ballots", "pruning", "board", "cycles", "planning.stakeholders",
    "planning.intake", "planning.guidepoint", "planning.blueprint", "planning.poker",
    "planning.workshop", "planning.experiments", "planning.showcase", "planning.file",
]  # fmt: skip

T = datetime(2026, 4, 6, 9, tzinfo=UTC)
ITEM = WorkItem("A", "Webinar", size=Size.points(3))
GP = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
CYCLE = Cycle("Cycle 1", T, Capacity.points(10))
STAGE = Stage("Doing", "in progress")
WORKFLOW = Workflow.from_shorthand("Ready,Doing,Done")
CRITERION = SuccessCriterion("replies", 5)
RESULT = CriterionResult(CRITERION, 3.0, closed=True, met=False)
EVALUATION = Evaluation("E", T, (RESULT,), Decision.STOP)
METRICS = CycleMetrics(1, 1, 0, 1, 3.0, 1.0)
BLUEPRINT = Blueprint(GP, "2026-04", 10)
SCORE = Score(1.0, "one", "test")
DECK = Deck.fibonacci()

GOOD: dict[type, Callable[[], dict[str, Any]]] = {
    # the model
    CustomerStory: lambda: {"as_a": "buyer", "i_want": "a demo", "so_that": "I decide"},
    Size: lambda: {"unit": SizeUnit.POINTS, "value": 3, "label": None},
    WorkItem: lambda: {
        "key": "A", "title": "Webinar", "kind": "event", "story": None, "size": Size.points(2),
        "labels": ["q2"], "stakeholder": "Sam", "outcome": "pipeline", "created_at": T,
        "started_at": T, "done_at": T, "done_criteria": ["Proofread"], "fields": {"x": 1},
    },
    BlockedPeriod: lambda: {"start": T, "end": T + timedelta(days=1)},
    Transition: lambda: {"at": T, "from_status": "Ready", "to_status": "Doing", "observed": False},
    ItemHistory: lambda: {
        "key": "A", "summary": "Webinar", "type": "Story", "status": "Done", "created": T,
        "resolved": T, "points": 3.0, "labels": ["q2"], "sprints": ["Cycle 1"],
        "transitions": [Transition(T, None, "Ready")], "blocked": [BlockedPeriod(T)],
        "rank": "0|a",
    },
    Stage: lambda: {
        "name": "Doing", "category": "in progress", "active": True, "statuses": ["Doing"],
        "wip": WipLimit(3),
    },
    WipLimit: lambda: {"maximum": 3, "minimum": 1},
    Workflow: lambda: {"stages": [Stage("Ready", "to do"), STAGE, Stage("Done", "done")],
                       "start": "Doing", "done": "Done"},
    WorkCalendar: lambda: {"weekmask": "1111100", "holidays": [date(2026, 12, 25)],
                           "timezone": "Europe/Berlin"},
    DefinitionOfDone: lambda: {"default": ["Proofread"], "per_kind": {"email": ["Spam check"]}},
    DoneCheck: lambda: {"key": "A", "met": ("Proofread",), "unmet": ()},
    RankChange: lambda: {"key": "A", "new_position": 0, "old_position": 1, "after": None,
                         "before": "B"},
    Backlog: lambda: {"items": [ITEM], "owner": "Maya"},
    BacklogMove: lambda: {"key": "A", "by": "Maya", "old_position": 1, "new_position": 0, "at": T},
    ICE: lambda: {"inputs": {"A": {"impact": 3}}},
    RICE: lambda: {"inputs": {"A": {"reach": 3}}},
    WSJF: lambda: {"inputs": {"A": {"business_value": 3}}},
    MoSCoWPrioritiser: lambda: {"inputs": {"A": {"moscow": "must"}}},
    ValueVsEffort: lambda: {"inputs": {"A": {"value": 3}}, "high_value": 5.0,
                            "high_effort": 5.0},
    RankedItem: lambda: {"position": 0, "item": ITEM, "score": SCORE},
    Ranking: lambda: {"prioritiser": "test", "entries": (RankedItem(0, ITEM, SCORE),)},
    Score: lambda: {"value": 1.0, "explanation": "one", "prioritiser": "test",
                    "inputs": {"x": 1.0}, "label": None},
    Ballot: lambda: {"participant": "Ana", "tiers": (("A",), ("B",))},
    Consensus: lambda: {"method": "borda", "order": ("A",), "scores": {"A": 1.0},
                        "distances": {"Ana": 0.0}, "spreads": {}, "agreement": 1.0},
    PositionSpread: lambda: {"key": "A", "best": 1.0, "worst": 2.0, "mean": 1.5, "stdev": 0.5},
    OutsideOutcomes: lambda: {"outcomes": {"pipeline"}},
    PruneCandidate: lambda: {"key": "A", "title": "a", "position": 0, "reasons": ("old",)},
    PrunePlan: lambda: {"candidates": (), "total": 0, "version": 0, "backlog_id": 1},
    Stale: lambda: {"days": 90, "now": T, "by": "activity"},
    WontHave: dict,
    Blocker: lambda: {"reason": "waiting for legal", "since": T},
    Board: lambda: {"workflow": WORKFLOW, "definition_of_done": DefinitionOfDone(["Proofread"])},
    HuddleItem: lambda: {
        "key": "A", "title": "a", "stage": "Doing", "category": StageCategory.IN_PROGRESS,
        "age": timedelta(days=1), "in_stage": timedelta(days=1),
    },
    HuddleView: lambda: {"at": T, "items": (), "over_limit": (), "starved": ()},
    OverrideRecord: lambda: {"key": "A", "stage": "Doing", "limit": 1, "holding": ("B",),
                             "override": WipOverride("date", "Maya"), "at": T},
    Placement: lambda: {"item": ITEM, "stage": "Doing", "since": T},
    StageLoad: lambda: {"stage": "Doing", "count": 2, "limit": 1, "keys": ("A", "B")},
    WipOverride: lambda: {"reason": "date is public", "by": "Maya"},
    Capacity: lambda: {"amount": 8, "unit": "points"},
    CapacityOverride: lambda: {"reason": "trade fair", "by": "Maya"},
    Cycle: lambda: {"name": "Cycle 1", "start": T, "capacity": Capacity.items(3),
                    "length": timedelta(days=14)},
    CycleReport: lambda: {
        "cycle": CYCLE, "closed_at": CYCLE.end, "committed": [ITEM], "unplanned": [],
        "completions": [("A", T)], "overrides": (), "early_close": None,
        "definition_of_done": DefinitionOfDone(["Proofread"]),
    },
    CycleRun: lambda: {"cycle": CYCLE, "definition_of_done": None, "clock": ManualClock(T)},
    ManualClock: lambda: {"now": T},
    # the planning practices
    ImperativeTactic: lambda: {"channels": frozenset({"email"})},
    Request: lambda: {
        "key": "R", "requester": "Sam", "summary": "Prospects do not know the app",
        "customer": "retail", "desired_outcome": "pipeline", "serves": "pipeline",
        "success": "50 leads", "details": "", "received_at": T,
    },
    RequestCheck: lambda: {"request": "R", "missing": (), "tactics": (), "off_guidepoint": None},
    Stakeholder: lambda: {"name": "Sam", "reasons": ["asked for work"], "department": "sales",
                          "goals": ["pipeline"]},
    StakeholderRegister: lambda: {"people": [Stakeholder("Sam", {"asked for work"})]},
    Intake: lambda: {"owner": "Maya", "backlog": Backlog(), "guidepoint": GP,
                     "register": StakeholderRegister(), "detectors": (ImperativeTactic(),)},
    TriageDecision: lambda: {
        "request": "R", "requester": "Sam", "verdict": "accepted", "by": "Maya", "at": T,
        "reason": "", "position": 0, "item": "R", "until": None, "questions": (),
        "cycle": None,
    },
    Guidepoint: lambda: {"statement": "x", "starts": date(2026, 4, 1),
                         "ends": date(2026, 6, 30), "outcomes": [Outcome("pipeline")],
                         "agreed_with": ["Sam"]},
    Kpi: lambda: {"name": "leads", "target": 50, "current": 10, "unit": "",
                  "higher_is_better": True},
    Outcome: lambda: {"name": "pipeline", "description": "", "kpis": [Kpi("leads", 50)],
                      "owner": "Sam"},
    PruningReport: lambda: {"candidates": (ITEM,), "reasons": {"A": "old"}, "total": 1},
    Blueprint: lambda: {"guidepoint": GP, "start": "2026-04", "capacity": [10, 10, 10],
                        "priorities": [Priority("Launch", "pipeline", {"2026-04": 5})],
                        "unit": "points"},
    BlueprintDiff: lambda: {"added": ("A",), "removed": (), "rescheduled": {}, "reranked": {},
                            "capacity": {}, "details": {"A": "pipeline; 2026-04 5"}},
    CapacityCheck: lambda: {"priority": "A", "shortfall": {}, "must_move_out": ()},
    Priority: lambda: {"name": "Launch", "outcome": "pipeline", "effort": {"2026-04": 5},
                       "note": ""},
    AdjacentCards: lambda: {"span": 1},
    Card: lambda: {"label": "5", "value": 5},
    Deck: lambda: {"name": "mine", "cards": [Card("1", 1), Card("2", 2)], "tshirt": False},
    Majority: lambda: {"share": 0.75},
    PokerResult: lambda: {"item": ITEM, "card": Card("5", 5), "rounds": 1},
    PokerSession: lambda: {"item": ITEM, "participants": ["Ana", "Ben"], "deck": DECK,
                           "rule": AdjacentCards(), "max_rounds": 3, "facilitator": "Cy"},
    PokerTable: lambda: {"participants": ["Ana", "Ben"], "deck": DECK, "rule": Unanimous(),
                         "max_rounds": 3, "facilitator": "Cy"},
    Round: lambda: {"number": 1, "votes": {"Ana": "5"}, "outliers": (), "agreed": "5"},
    Unanimous: dict,
    BlueprintDraft: lambda: {"blueprint": BLUEPRINT, "left_out": ()},
    CyclePlan: lambda: {"cycle": "C", "capacity": "8 pt", "committed": (ITEM,), "left_out": ()},
    Idea: lambda: {"key": "I1", "title": "Video", "by": "Ana", "outcome": "pipeline",
                   "size": None, "moscow": None},
    LaunchPlan: lambda: {"campaign": "App", "outcome": "pipeline",
                         "slices": [("Teaser", "see it"), ("Page", "sign up")]},
    LaunchSlice: lambda: {"name": "Teaser", "value": "see it", "size": Size.points(1)},
    LeftOut: lambda: {"key": "A", "title": "a", "reason": "too big"},
    PlanningWorkshop: lambda: {"guidepoint": GP, "owner": "Maya", "participants": ["Ana"]},
    CriterionResult: lambda: {"criterion": CRITERION, "value": 3.0, "closed": True,
                              "met": False},
    Evaluation: lambda: {"experiment": "E", "at": T, "results": (RESULT,),
                         "decision": Decision.STOP},
    Experiment: lambda: {"key": "E", "name": "Outreach", "criteria": [CRITERION],
                         "started_at": T, "hypothesis": "", "outcome": None},
    ExperimentDecision: lambda: {"experiment": "E", "decision": Decision.STOP, "by": "team",
                                 "at": T, "learning": "no", "evaluation": EVALUATION},
    Measurement: lambda: {"metric": "replies", "value": 3, "at": T},
    SuccessCriterion: lambda: {"metric": "replies", "threshold": 5, "comparison": "at least",
                               "window": 7, "scale_at": 10},
    CycleMetrics: lambda: {"committed": 1, "completed_committed": 1, "unplanned": 0,
                           "throughput": 1, "velocity": 3.0, "predictability": 1.0},
    FinishedWork: lambda: {"key": "A", "title": "a", "link": "https://example.com",
                           "outcome": None, "unplanned": False},
    Retrospective: lambda: {"cycle": "C", "metrics": METRICS, "keep": ["videos"],
                            "change": [], "try_next": [], "campaign_learnings": []},
    ShowcaseSummary: lambda: {"cycle": "C", "starts": T, "ends": T, "finished": [],
                              "metrics": METRICS, "not_ready": [], "campaigns": [],
                              "blueprint_changes": [], "suggestions": []},
    BlueprintVersion: lambda: {"label": "workshop", "blueprint": BLUEPRINT, "cycle": None},
    PlanningFile: lambda: {"team": "t", "guidepoint": GP},
}  # fmt: skip

odd_values = st.sampled_from(
    [[None], [1.5], ["x"], [object()], {"x": None}, {1: 2}, (("a",),), "", " ", "-1", "nan",
     -1, 0, 10**9, float("nan"), float("inf"), -0.5, True, date(2026, 1, 1),
     datetime(2026, 1, 1), timedelta(days=-1), b"x", set(), frozenset({3})]
)  # fmt: skip
bad_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.one_of(st.integers(), st.text(max_size=3), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=3), st.one_of(st.integers(), st.none()), max_size=2),
    st.builds(object),
    st.datetimes(timezones=st.none() | st.just(UTC)),
    odd_values,
)


def _public_classes() -> set[type]:
    found: set[type] = set()
    for name in MODULES:
        module = importlib.import_module(f"agilemarketing.{name}")
        for attr in module.__all__:
            obj = getattr(module, attr)
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                found.add(obj)
    return found


def _is_protocol(cls: type) -> bool:
    return bool(getattr(cls, "_is_protocol", False))


ENUMS = sorted((c for c in _public_classes() if issubclass(c, enum.Enum)), key=lambda c: c.__name__)


def test_every_public_class_is_walked() -> None:
    classes = {c for c in _public_classes() if not issubclass(c, enum.Enum)}
    unwalked = {c.__name__ for c in classes - set(GOOD) if not _is_protocol(c)}
    assert unwalked == set()


@pytest.mark.parametrize("cls", sorted(GOOD, key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_the_valid_arguments_are_valid(cls: type) -> None:
    cls(**GOOD[cls]())


@pytest.mark.parametrize("cls", sorted(GOOD, key=lambda c: c.__name__), ids=lambda c: c.__name__)
@given(data=st.data())
def test_bad_arguments_get_the_librarys_errors(cls: type, data: st.DataObject) -> None:
    walk(cls, GOOD[cls](), data)


def walk(cls: Callable[..., object], kwargs: dict[str, Any], data: st.DataObject) -> None:
    """Replace some of ``kwargs`` with bad values: only the library's errors may escape."""
    if not kwargs:
        return
    replaced = data.draw(st.lists(st.sampled_from(sorted(kwargs)), min_size=1, unique=True))
    for name in replaced:
        kwargs[name] = data.draw(bad_values, label=name)
    # the library's own error (it says what, where and what to do), or none at all
    with contextlib.suppress(AgileMarketingError, InvalidInputGroup):
        cls(**kwargs)


@attrs.frozen
class _Leaky:
    """A planted bug: a constructor whose converter lets a bare ValueError/TypeError out."""

    size: int = attrs.field(converter=int)


def test_the_walk_catches_a_constructor_that_lets_a_bare_error_out() -> None:
    @settings(max_examples=200, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def walk_the_leaky_class(data: st.DataObject) -> None:
        walk(_Leaky, {"size": 3}, data)

    with pytest.raises((ValueError, TypeError, ExceptionGroup)):  # hypothesis may find both
        walk_the_leaky_class()


@pytest.mark.parametrize("choices", ENUMS, ids=lambda c: c.__name__)
@given(value=bad_values)
def test_a_value_outside_a_set_of_choices_gets_the_librarys_error(
    choices: type[enum.Enum], value: object
) -> None:
    if any(value == m.value and type(value) is type(m.value) for m in choices):
        return
    with pytest.raises(AgileMarketingError) as caught:
        choices(value)
    assert caught.value.fix is not None
    assert choices.__name__ in str(caught.value)
