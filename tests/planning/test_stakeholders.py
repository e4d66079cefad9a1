"""Stakeholder register, requests that state problems, and the Marketing Owner's triage."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.backlog import Backlog
from agilemarketing.cycles import Capacity, Cycle, CycleRun
from agilemarketing.errors import (
    AlreadyDecided,
    DoesNotServeGuidepoint,
    InvalidValue,
    NotFound,
    NotMarketingOwner,
    RequestIncomplete,
)
from agilemarketing.items import Size, WorkItem
from agilemarketing.planning.guidepoint import Guidepoint, Outcome
from agilemarketing.planning.intake import Intake, TriageDecision, Verdict
from agilemarketing.planning.stakeholders import (
    IDENTIFICATION_QUESTIONS,
    ImperativeTactic,
    Reason,
    Request,
    Stakeholder,
    StakeholderRegister,
    TacticDetector,
    check_request,
)

AT = datetime(2026, 4, 2, 10, tzinfo=UTC)
GP = Guidepoint(
    "Pipeline for sales, customers who stay",
    date(2026, 4, 1),
    date(2026, 6, 30),
    [Outcome("pipeline"), Outcome("retention")],
)


def good_request(key: str = "REQ-1", serves: str = "pipeline") -> Request:
    return Request(
        key,
        "Sam",
        "Prospects do not know our new banking app",
        customer="retail banking customers",
        desired_outcome="build the sales pipeline",
        serves=serves,
        success="at least 50 qualified new leads within 30 days",
    )


TACTIC = Request(
    "REQ-9", "Sam", "I want you to send an email to everyone on our mailing list about the app"
)


@pytest.fixture
def intake() -> Intake:
    return Intake("Maya", Backlog([WorkItem("MKT-1", "Spring webinar", outcome="pipeline")]), GP)


# -- register ----------------------------------------------------------------------------


def test_the_four_identification_questions() -> None:
    assert len(IDENTIFICATION_QUESTIONS) == 4
    reg = StakeholderRegister()
    assert reg.identify("Pat") is None
    assert "Pat" not in reg
    sam = reg.identify("Sam", department="sales", asked_for_work=True, asked_for_status=True)
    assert sam is not None
    assert sam.reasons == {Reason.ASKED_FOR_WORK, Reason.ASKED_FOR_STATUS}
    lee = reg.identify("Lee", department="customer service", kept_informed=True)
    assert lee is not None
    assert lee.reasons == {Reason.KEPT_INFORMED}
    owner = reg.identify("Priya", department="product", goals=["retention"])
    assert owner is not None
    assert Reason.OWNS_BUSINESS_GOAL in owner.reasons
    assert [s.name for s in reg.owners_of("Retention")] == ["Priya"]
    assert len(reg) == 3
    assert {s.name for s in reg} == {"Sam", "Lee", "Priya"}


def test_a_stakeholder_needs_a_reason_and_owning_a_goal_needs_the_goal() -> None:
    with pytest.raises(InvalidValue, match="not a stakeholder"):
        Stakeholder("Pat", set())
    with pytest.raises(InvalidValue, match="no goal is named"):
        Stakeholder("Pat", {Reason.OWNS_BUSINESS_GOAL})


def test_registering_again_merges_reasons_and_goals() -> None:
    reg = StakeholderRegister([Stakeholder("Sam", {"asked for work"}, department="sales")])
    merged = reg.add(Stakeholder("sam", {"kept informed"}, goals=["pipeline"]))
    assert merged.name == "Sam"
    assert merged.department == "sales"
    assert merged.reasons == {
        Reason.ASKED_FOR_WORK,
        Reason.KEPT_INFORMED,
        Reason.OWNS_BUSINESS_GOAL,
    }
    with pytest.raises(NotFound):
        reg.get("Nobody")


# -- requests ----------------------------------------------------------------------------


def test_a_complete_request_states_a_problem() -> None:
    check = check_request(good_request(), guidepoint=GP)
    assert check.ok
    assert check.missing == ()
    assert check.questions == ()
    assert good_request().success_criterion is not None


def test_a_tactic_only_request_is_sent_back_with_the_seed_questions() -> None:
    check = check_request(TACTIC)
    assert check.tactic_only
    assert not check.ok
    assert check.questions[:2] == ("What do you want to achieve?", "What does success look like?")
    with pytest.raises(RequestIncomplete) as caught:
        check.raise_if_incomplete()
    assert "desired outcome" in caught.value.missing


def test_validation_reports_every_missing_part() -> None:
    check = check_request(Request("R", "Sam", "Our trial users churn after a week"))
    assert check.missing == (
        "desired outcome",
        "success criterion",
        "customer or market",
        "business goal or Guidepoint outcome",
    )
    assert not check.tactic_only
    assert "Who is the customer or market?" in check.questions


def test_an_unmeasurable_success_is_reported_as_such() -> None:
    r = Request(
        "R",
        "Sam",
        "x",
        customer="c",
        desired_outcome="d",
        serves="pipeline",
        success="lots more buzz",
    )
    assert check_request(r).missing == ("measurable success criterion",)


def test_a_request_for_an_outcome_off_the_guidepoint_is_reported() -> None:
    assert check_request(good_request(serves="brand awareness"), guidepoint=GP).off_guidepoint == (
        "brand awareness"
    )


@pytest.mark.parametrize(
    "summary",
    [
        "Send an email to everyone on our list",
        "Please post the new case study on LinkedIn",
        "Can you design a flyer for the trade event next week?",
        "We need to run a webinar on the new feature",
        "I'd like you to advertise in this new industry publication",
        "Let's make a video about the app",
        # the ad-hoc demands of the sales team in the seed article
        "How about a new product flyer for the trade event next week?",
        "How about arranging a webinar on a particular feature?",
        "Here's a great new industry publication - how about we advertise in the magazine?",
    ],
)
def test_the_tactic_heuristic_flags_imperative_channel_requests(summary: str) -> None:
    assert ImperativeTactic()(Request("R", "Sam", summary)) is not None


@pytest.mark.parametrize(
    "summary",
    [
        "Prospects do not know our banking app",
        "Trial users churn after a week",
        "Send me the numbers",  # a verb, but no channel
        "Email open rates are falling",  # a channel word, but not an imperative
        "How about lunch on Friday?",  # a suggestion, but no channel
    ],
)
def test_the_tactic_heuristic_leaves_problems_alone(summary: str) -> None:
    assert ImperativeTactic()(Request("R", "Sam", summary)) is None


def test_a_tactic_with_an_outcome_and_success_criterion_is_not_flagged() -> None:
    r = Request(
        "R",
        "Sam",
        "Send an email to everyone",
        desired_outcome="pipeline",
        success="50 qualified new leads",
    )
    assert ImperativeTactic()(r) is None


def test_teams_plug_in_their_own_detector() -> None:
    def german(request: Request) -> str | None:
        return "schreibt eine Taktik vor" if request.summary.lower().startswith("schick") else None

    assert isinstance(german, TacticDetector)
    r = Request("R", "Sam", "Schick eine E-Mail an alle")
    assert check_request(r, detectors=[german]).tactics == ("schreibt eine Taktik vor",)
    assert check_request(r).tactics == ()  # the English default does not understand it


# -- triage ------------------------------------------------------------------------------


def test_only_the_marketing_owner_triages(intake: Intake) -> None:
    intake.submit(good_request())
    for action in (
        lambda: intake.accept("REQ-1", by="Sam"),
        lambda: intake.defer("REQ-1", by="Ben"),
        lambda: intake.decline("REQ-1", by="Ben", reason="no"),
        lambda: intake.send_back("REQ-1", by="Ben"),
    ):
        with pytest.raises(NotMarketingOwner) as caught:
            action()
        assert caught.value.owner == "Maya"
    assert intake.decisions == ()
    assert intake.backlog.keys() == ["MKT-1"]


def test_accept_puts_the_request_into_the_backlog_at_the_chosen_rank(intake: Intake) -> None:
    intake.submit(good_request())
    d = intake.accept("REQ-1", by="Maya", position=0, at=AT)
    assert intake.backlog.keys() == ["REQ-1", "MKT-1"]
    item = intake.backlog.find("REQ-1")
    assert item.outcome == "pipeline"
    assert item.stakeholder == "Sam"
    assert item.fields["success"] == "at least 50 qualified new leads within 30 days"
    assert (d.verdict, d.by, d.at, d.position, d.item) == (Verdict.ACCEPTED, "Maya", AT, 0, "REQ-1")
    assert "rank 1" in d.message()
    with pytest.raises(AlreadyDecided):
        intake.accept("REQ-1", by="Maya")


def test_accept_only_when_the_request_serves_the_guidepoint(intake: Intake) -> None:
    intake.submit(good_request("REQ-2", serves="brand awareness"))
    with pytest.raises(DoesNotServeGuidepoint):
        intake.accept("REQ-2", by="Maya")
    d = intake.decline(
        "REQ-2", by="Maya", reason="brand awareness is not on this Guidepoint", at=AT
    )
    assert d.message() == (
        "Hi Sam, your request REQ-2 was declined by Maya on 2026-04-02: "
        "brand awareness is not on this Guidepoint."
    )


def test_accepting_needs_a_guidepoint() -> None:
    intake = Intake("Maya")
    intake.submit(good_request())
    with pytest.raises(InvalidValue, match="no Guidepoint"):
        intake.accept("REQ-1", by="Maya")


def test_an_incomplete_request_cannot_be_accepted_only_sent_back(intake: Intake) -> None:
    check = intake.submit(TACTIC)
    assert check.tactic_only
    with pytest.raises(RequestIncomplete):
        intake.accept("REQ-9", by="Maya")
    d = intake.send_back("REQ-9", by="Maya", at=AT)
    assert d.verdict is Verdict.SENT_BACK
    assert "What do you want to achieve? What does success look like?" in d.message()
    assert TACTIC not in intake.pending
    # the revised request comes back as a problem, and can now be accepted
    revised = Request(
        "REQ-9",
        "Sam",
        "Build the sales pipeline for the banking app",
        customer="people on our mailing list",
        desired_outcome="sales can follow up",
        serves="pipeline",
        success="50 qualified new leads",
    )
    assert intake.submit(revised).ok
    assert revised in intake.pending
    intake.accept("REQ-9", by="Maya", at=AT)
    assert [d.verdict for d in intake.decisions] == [Verdict.SENT_BACK, Verdict.ACCEPTED]


def test_a_complete_request_is_not_sent_back(intake: Intake) -> None:
    intake.submit(good_request())
    with pytest.raises(InvalidValue, match="already states"):
        intake.send_back("REQ-1", by="Maya")


def test_defer_until_a_date_or_the_next_planning_then_decide_again(intake: Intake) -> None:
    intake.submit(good_request())
    d = intake.defer("REQ-1", by="Maya", until=date(2026, 5, 1), reason="after the launch", at=AT)
    assert "deferred until 2026-05-01" in d.message()
    assert intake.pending == (good_request(),)
    later = intake.defer("REQ-1", by="Maya", at=AT)
    assert "until the next planning" in later.message()
    intake.accept("REQ-1", by="Maya", at=AT)
    assert intake.pending == ()


def test_decline_needs_a_reason(intake: Intake) -> None:
    intake.submit(good_request())
    with pytest.raises(InvalidValue, match="reason"):
        intake.decline("REQ-1", by="Maya", reason="")


def test_decisions_record_who_and_when_in_utc(intake: Intake) -> None:
    intake.submit(good_request())
    d = intake.defer("REQ-1", by="maya", at="2026-04-02T12:00:00+02:00")
    assert d.at == AT
    assert d.by == "maya"
    assert intake.decision_for("REQ-1") == d


def test_submitting_registers_the_requester_as_asking_for_work() -> None:
    reg = StakeholderRegister()
    reg.identify("Sam", kept_informed=True)
    intake = Intake("Maya", Backlog(), GP, register=reg)
    intake.submit(good_request())
    intake.submit(Request("REQ-5", "Nia", "Customers ask for a pricing calculator"))
    assert Reason.ASKED_FOR_WORK in reg.get("Sam").reasons
    assert reg.get("Nia").reasons == {Reason.ASKED_FOR_WORK}


def test_a_decided_request_key_cannot_be_resubmitted(intake: Intake) -> None:
    intake.submit(good_request())
    intake.decline("REQ-1", by="Maya", reason="no capacity this quarter")
    with pytest.raises(AlreadyDecided):
        intake.submit(good_request())


def running_cycle() -> CycleRun:
    run = CycleRun(Cycle("Cycle 3", datetime(2026, 4, 1, tzinfo=UTC), Capacity.points(10)))
    run.commit([WorkItem("MKT-7", "Webinar page", size=Size.points(5))])
    run.complete("MKT-7", at=AT)  # the cycle is running
    return run


def test_ad_hoc_requests_go_to_the_backlog_not_the_running_cycle(intake: Intake) -> None:
    cycle = running_cycle()
    intake.submit(good_request())
    intake.accept("REQ-1", by="Maya")
    assert [i.key for i in cycle.committed] == ["MKT-7"]
    assert cycle.unplanned == ()
    assert "REQ-1" in intake.backlog


def test_unplanned_work_is_explicit_and_recorded(intake: Intake) -> None:
    cycle = running_cycle()
    intake.submit(good_request())
    with pytest.raises(InvalidValue, match="reason"):
        intake.accept_unplanned("REQ-1", by="Maya", cycle=cycle, reason="")
    with pytest.raises(NotMarketingOwner):
        intake.accept_unplanned("REQ-1", by="Sam", cycle=cycle, reason="urgent")
    d = intake.accept_unplanned("REQ-1", by="Maya", cycle=cycle, reason="launch moved up", at=AT)
    assert [i.key for i in cycle.unplanned] == ["REQ-1"]
    assert [i.key for i in cycle.committed] == ["MKT-7"]  # never counted as committed
    assert (d.by, d.reason) == ("Maya", "launch moved up")
    assert "REQ-1" not in intake.backlog
    assert d.verdict is Verdict.UNPLANNED
    assert "running cycle Cycle 3" in d.message()


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["accept", "defer", "decline"]),
            st.sampled_from(["Maya", "Sam", "Ben"]),
            st.integers(min_value=0, max_value=10),
        ),
        max_size=12,
    )
)
def test_the_backlog_only_ever_changes_through_the_owners_accepts(
    actions: list[tuple[str, str, int]],
) -> None:
    intake = Intake("Maya", Backlog([WorkItem("MKT-1", "Webinar", outcome="pipeline")]), GP)
    accepted: list[str] = []
    for number, (action, who, position) in enumerate(actions):
        key = f"REQ-{number}"
        intake.submit(good_request(key))
        before = intake.backlog.keys()
        try:
            if action == "accept":
                intake.accept(key, by=who, position=min(position, len(intake.backlog)))
                accepted.append(key)
            elif action == "defer":
                intake.defer(key, by=who)
            else:
                intake.decline(key, by=who, reason="not now")
        except NotMarketingOwner:
            assert who != "Maya"
            assert intake.backlog.keys() == before
            continue
        assert who == "Maya"
        assert intake.decisions[-1].by == "Maya"
    keys = intake.backlog.keys()
    assert sorted(k for k in keys if k != "MKT-1") == sorted(accepted)
    assert all(d.by == "Maya" for d in intake.decisions)


def test_decision_verdict_text_values() -> None:
    d = TriageDecision("R", "Sam", "deferred", "Maya", AT)
    assert d.verdict is Verdict.DEFERRED


@given(
    summary=st.text(min_size=1, max_size=80).filter(str.strip),
    threshold=st.integers(min_value=1, max_value=10_000),
)
def test_a_request_with_an_outcome_and_a_measurable_success_is_never_a_tactic(
    summary: str, threshold: int
) -> None:
    r = Request("R", "Sam", summary, desired_outcome="more pipeline",
                success=f"at least {threshold} qualified leads")  # fmt: skip
    assert ImperativeTactic()(r) is None


@given(st.sampled_from(sorted(ImperativeTactic().verbs)),
       st.sampled_from(sorted(ImperativeTactic().channels)))  # fmt: skip
def test_every_verb_and_channel_pair_without_an_outcome_is_flagged(verb: str, channel: str) -> None:
    r = Request("R", "Sam", f"Please {verb} a {channel} for the launch")
    reason = ImperativeTactic()(r)
    assert reason is not None
    assert repr(verb) in reason
