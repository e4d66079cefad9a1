"""The Guidepoint: outcomes, KPIs, and the backlog items that serve none of them."""

from __future__ import annotations

from datetime import date

import pytest

from agilemarketing.errors import DoesNotServeGuidepoint, InvalidInputGroup, InvalidValue, NotFound
from agilemarketing.items import WorkItem
from agilemarketing.planning.guidepoint import Guidepoint, Kpi, Outcome


def test_kpi_progress_and_met_respect_direction() -> None:
    assert Kpi("leads", 50, current=25).progress == 0.5
    assert not Kpi("leads", 50).met
    assert Kpi("leads", 50).progress is None
    churn = Kpi("churn", 3, current=6, higher_is_better=False)
    assert churn.progress == 0.5
    assert not churn.met
    assert churn.with_current(3).met
    assert str(Kpi("leads", 50, current=12)) == "leads: 12 of 50"


def test_guidepoint_needs_outcomes_unique_names_and_a_forward_period() -> None:
    with pytest.raises(InvalidInputGroup) as caught:
        Guidepoint("x", date(2026, 6, 1), date(2026, 4, 1), [Outcome("a"), Outcome("A")])
    assert len(caught.value.exceptions) == 2
    with pytest.raises(InvalidValue, match="at least one outcome"):
        Guidepoint("x", date(2026, 4, 1), date(2026, 6, 1), [])


def test_serves_is_case_insensitive_and_none_serves_nothing(
    guidepoint: Guidepoint,
) -> None:
    assert guidepoint.serves(" Pipeline ")
    assert not guidepoint.serves("brand awareness")
    assert not guidepoint.serves(None)
    assert guidepoint.require_serves("item X", "PIPELINE") == "pipeline"
    with pytest.raises(DoesNotServeGuidepoint) as caught:
        guidepoint.require_serves("item X", "awareness")
    assert caught.value.outcomes == ("pipeline", "retention")


def test_with_kpi_updates_one_current_value(guidepoint: Guidepoint) -> None:
    updated = guidepoint.with_kpi("pipeline", "qualified leads", 50)
    assert updated.outcome("pipeline").met
    assert not guidepoint.outcome("pipeline").met
    with pytest.raises(NotFound):
        guidepoint.with_kpi("pipeline", "followers", 1)


def test_with_kpi_matches_the_kpi_name_as_it_checks_it(guidepoint: Guidepoint) -> None:
    # The name is checked ignoring case and surrounding spaces; the update must match it the same.
    updated = guidepoint.with_kpi("pipeline", "  Qualified Leads ", 50)
    assert updated.outcome("pipeline").met


def test_unserved_lists_items_without_a_current_outcome(guidepoint: Guidepoint) -> None:
    items = [
        WorkItem("A", "Webinar", outcome="pipeline"),
        WorkItem("B", "Old flyer"),
        WorkItem("C", "Trade fair 2025", outcome="awareness"),
        WorkItem("D", "Churn survey", outcome="Retention"),
    ]
    report = guidepoint.unserved(items)
    assert [i.key for i in report.candidates] == ["B", "C"]
    assert report.share == 0.5
    assert "2 of 4 items" in str(report)


def test_the_guidepoint_gives_the_backlog_its_prune_rule(guidepoint: Guidepoint) -> None:
    from agilemarketing.backlog import Backlog

    backlog = Backlog(
        [WorkItem("A", "Webinar", outcome="pipeline"), WorkItem("B", "Fax", outcome="fax")]
    )
    plan = backlog.plan_prune(guidepoint.prune_rule())
    assert plan.keys == ("B",)
    assert [i.key for i in guidepoint.unserved(backlog).candidates] == ["B"]


@pytest.mark.parametrize("bad", [float("inf"), -float("inf"), float("nan")])
def test_a_kpi_target_and_value_are_finite(bad: float) -> None:
    with pytest.raises(InvalidValue, match=r"Kpi\.target"):
        Kpi("qualified leads", target=bad)
    with pytest.raises(InvalidValue, match=r"Kpi\.current"):
        Kpi("qualified leads", target=50, current=bad)
