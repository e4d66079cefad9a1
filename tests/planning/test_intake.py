"""The Marketing Owner's triage of requests: accept, defer, decline, send back, unplanned."""

from __future__ import annotations

from collections.abc import Callable
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
    NotMarketingOwner,
    RequestIncomplete,
)
from agilemarketing.items import Size, WorkItem
from agilemarketing.planning.guidepoint import Guidepoint
from agilemarketing.planning.intake import Intake, TriageDecision, Verdict
from agilemarketing.planning.stakeholders import Reason, Request, StakeholderRegister

AT = datetime(2026, 4, 2, 10, tzinfo=UTC)


def test_only_the_marketing_owner_triages(
    intake: Intake, good_request: Callable[..., Request]
) -> None:
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


def test_accept_puts_the_request_into_the_backlog_at_the_chosen_rank(
    intake: Intake, good_request: Callable[..., Request]
) -> None:
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


def test_accept_only_when_the_request_serves_the_guidepoint(
    intake: Intake, good_request: Callable[..., Request]
) -> None:
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


def test_accepting_needs_a_guidepoint(good_request: Callable[..., Request]) -> None:
    intake = Intake("Maya")
    intake.submit(good_request())
    with pytest.raises(InvalidValue, match="no Guidepoint"):
        intake.accept("REQ-1", by="Maya")


def test_an_incomplete_request_cannot_be_accepted_only_sent_back(
    intake: Intake, tactic_request: Request
) -> None:
    check = intake.submit(tactic_request)
    assert check.tactic_only
    with pytest.raises(RequestIncomplete):
        intake.accept("REQ-9", by="Maya")
    d = intake.send_back("REQ-9", by="Maya", at=AT)
    assert d.verdict is Verdict.SENT_BACK
    assert "What do you want to achieve? What does success look like?" in d.message()
    assert tactic_request not in intake.pending
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


def test_a_complete_request_is_not_sent_back(
    intake: Intake, good_request: Callable[..., Request]
) -> None:
    intake.submit(good_request())
    with pytest.raises(InvalidValue, match="already states"):
        intake.send_back("REQ-1", by="Maya")


def test_defer_until_a_date_or_the_next_planning_then_decide_again(
    intake: Intake, good_request: Callable[..., Request]
) -> None:
    intake.submit(good_request())
    d = intake.defer("REQ-1", by="Maya", until=date(2026, 5, 1), reason="after the launch", at=AT)
    assert "deferred until 2026-05-01" in d.message()
    assert intake.pending == (good_request(),)
    later = intake.defer("REQ-1", by="Maya", at=AT)
    assert "until the next planning" in later.message()
    intake.accept("REQ-1", by="Maya", at=AT)
    assert intake.pending == ()


def test_decline_needs_a_reason(intake: Intake, good_request: Callable[..., Request]) -> None:
    intake.submit(good_request())
    with pytest.raises(InvalidValue, match="reason"):
        intake.decline("REQ-1", by="Maya", reason="")


def test_decisions_record_who_and_when_in_utc(
    intake: Intake, good_request: Callable[..., Request]
) -> None:
    intake.submit(good_request())
    d = intake.defer("REQ-1", by="maya", at="2026-04-02T12:00:00+02:00")
    assert d.at == AT
    assert d.by == "maya"
    assert intake.decision_for("REQ-1") == d


def test_submitting_registers_the_requester_as_asking_for_work(
    guidepoint: Guidepoint, good_request: Callable[..., Request]
) -> None:
    reg = StakeholderRegister()
    reg.identify("Sam", kept_informed=True)
    intake = Intake("Maya", Backlog(), guidepoint, register=reg)
    intake.submit(good_request())
    intake.submit(Request("REQ-5", "Nia", "Customers ask for a pricing calculator"))
    assert Reason.ASKED_FOR_WORK in reg.get("Sam").reasons
    assert reg.get("Nia").reasons == {Reason.ASKED_FOR_WORK}


def test_a_decided_request_key_cannot_be_resubmitted(
    intake: Intake, good_request: Callable[..., Request]
) -> None:
    intake.submit(good_request())
    intake.decline("REQ-1", by="Maya", reason="no capacity this quarter")
    with pytest.raises(AlreadyDecided):
        intake.submit(good_request())


def running_cycle() -> CycleRun:
    run = CycleRun(Cycle("Cycle 3", datetime(2026, 4, 1, tzinfo=UTC), Capacity.points(10)))
    run.commit([WorkItem("MKT-7", "Webinar page", size=Size.points(5))], at=run.cycle.start)
    run.complete("MKT-7", at=AT)  # the cycle is running
    return run


def test_ad_hoc_requests_go_to_the_backlog_not_the_running_cycle(
    intake: Intake, good_request: Callable[..., Request]
) -> None:
    cycle = running_cycle()
    intake.submit(good_request())
    intake.accept("REQ-1", by="Maya")
    assert [i.key for i in cycle.committed] == ["MKT-7"]
    assert cycle.unplanned == ()
    assert "REQ-1" in intake.backlog


def test_unplanned_work_is_explicit_and_recorded(
    intake: Intake, good_request: Callable[..., Request]
) -> None:
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
    new_intake: Callable[[], Intake],
    good_request: Callable[..., Request],
    actions: list[tuple[str, str, int]],
) -> None:
    intake = new_intake()
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


def test_accepting_into_an_owned_backlog_records_the_owners_move(
    guidepoint: Guidepoint, good_request: Callable[..., Request]
) -> None:
    backlog = Backlog([WorkItem("MKT-1", "Webinar")], owner="Maya")
    intake = Intake("Maya", backlog, guidepoint)
    intake.submit(good_request())
    intake.accept("REQ-1", by="maya", position=0, at=datetime(2026, 4, 2, tzinfo=UTC))
    assert [str(m) for m in backlog.moves] == ["REQ-1 inserted at #1 by Maya"]
