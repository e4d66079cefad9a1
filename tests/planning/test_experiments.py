"""Experiments: success criteria up front, results, stop / continue / scale, learnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import AlreadyDecided, InvalidValue, NotFound
from agilemarketing.planning.experiments import (
    Comparison,
    Decision,
    Experiment,
    SuccessCriterion,
    summarise,
)

START = datetime(2026, 4, 6, tzinfo=UTC)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def leads_experiment(**kwargs: object) -> Experiment:
    criterion = SuccessCriterion("qualified leads", 50, window=14, **kwargs)  # type: ignore[arg-type]
    return Experiment("EXP-1", "Short video series", [criterion], started_at=START)


@pytest.mark.parametrize(
    ("text", "comparison", "threshold", "metric", "days"),
    [
        ("at least 50 qualified leads", Comparison.AT_LEAST, 50, "qualified leads", 7),
        ("50 qualified new leads", Comparison.AT_LEAST, 50, "qualified new leads", 7),
        ("at most 40 EUR per lead within 30 days", Comparison.AT_MOST, 40, "EUR per lead", 30),
        (">= 10 replies in 2 weeks", Comparison.AT_LEAST, 10, "replies", 14),
        ("at least 2.5% click rate over 10 days", Comparison.AT_LEAST, 2.5, "% click rate", 10),
    ],
)
def test_criteria_are_read_the_way_people_say_them(
    text: str, comparison: Comparison, threshold: float, metric: str, days: int
) -> None:
    c = SuccessCriterion.parse(text)
    assert (c.comparison, c.threshold, c.metric, c.window.days) == (
        comparison,
        threshold,
        metric,
        days,
    )


@pytest.mark.parametrize("text", ["more leads", "lots of buzz", "", "leads 50"])
def test_unmeasurable_criteria_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match="measurable"):
        SuccessCriterion.parse(text)


def test_criterion_window_must_be_positive_and_scale_bar_beyond_threshold() -> None:
    with pytest.raises(InvalidValue, match="window"):
        SuccessCriterion("leads", 5, window=0)
    with pytest.raises(InvalidValue, match="scale_at"):
        SuccessCriterion("leads", 50, scale_at=40)
    with pytest.raises(InvalidValue, match="scale_at"):
        SuccessCriterion("cost", 40, Comparison.AT_MOST, scale_at=50)


def test_an_experiment_needs_criteria_up_front() -> None:
    with pytest.raises(InvalidValue, match="up front"):
        Experiment("E", "x", [], started_at=START)
    with pytest.raises(InvalidValue, match=r"same metric \('Replies'\)"):
        Experiment("E", "x", ["at least 1 replies", "at most 9 Replies"], started_at=START)


def test_results_below_the_criterion_after_the_window_mean_stop() -> None:
    e = leads_experiment()
    e.record("qualified leads", 20, at=day(14))
    evaluation = e.evaluate(day(14))
    assert evaluation.decision is Decision.STOP
    assert evaluation.reason.startswith("mission aborted")


def test_before_the_window_closes_the_decision_is_continue() -> None:
    e = leads_experiment()
    e.record("qualified leads", 5, at=day(3))
    assert e.evaluate(day(3)).decision is Decision.CONTINUE


def test_met_criteria_mean_scale_and_a_scale_bar_leaves_room_to_continue() -> None:
    e = leads_experiment()
    e.record("qualified leads", 55, at=day(14))
    assert e.evaluate(day(14)).decision is Decision.SCALE
    cautious = leads_experiment(scale_at=80)
    cautious.record("qualified leads", 55, at=day(14))
    assert cautious.evaluate(day(14)).decision is Decision.CONTINUE


def test_no_result_at_all_by_the_end_of_the_window_is_a_stop() -> None:
    assert leads_experiment().evaluate(day(15)).decision is Decision.STOP


def test_stopping_is_recorded_as_learning_and_closes_the_experiment() -> None:
    e = leads_experiment()
    e.record("qualified leads", 20, at=day(14))
    with pytest.raises(InvalidValue, match="learning"):
        e.decide("team", at=day(14))
    d = e.decide("team", at=day(14), learning="our audience does not watch long videos")
    assert d.decision is Decision.STOP
    assert e.status == "stopped"
    assert e.closed
    with pytest.raises(AlreadyDecided):
        e.record("qualified leads", 30, at=day(15))
    with pytest.raises(AlreadyDecided):
        e.decide("team", at=day(15), learning="again")
    assert "Learning: our audience does not watch long videos" in summarise([e])


def test_a_decision_cannot_contradict_the_agreed_criteria() -> None:
    e = leads_experiment()
    e.record("qualified leads", 20, at=day(14))
    with pytest.raises(InvalidValue, match="cannot scale"):
        e.decide("Head of Sales", at=day(14), decision="scale")


def test_the_team_may_stop_early_when_it_sees_a_campaign_fail() -> None:
    e = leads_experiment()
    e.record("qualified leads", 1, at=day(5))
    d = e.decide("team", at=day(5), decision=Decision.STOP, learning="nobody clicks")
    assert d.decision is Decision.STOP


def test_continue_opens_a_new_window() -> None:
    e = leads_experiment(scale_at=80)
    e.record("qualified leads", 60, at=day(14))
    e.decide("team", at=day(14))
    assert e.status == "running"
    assert e.window_start == day(14)
    e.record("qualified leads", 85, at=day(28))
    assert e.evaluate(day(28)).decision is Decision.SCALE
    e.decide("team", at=day(28), learning="video works for this segment")
    assert e.status == "scaled"
    assert [d.decision for d in e.decisions] == [Decision.CONTINUE, Decision.SCALE]


def test_results_must_name_a_criterion_metric_and_come_after_the_start() -> None:
    e = leads_experiment()
    with pytest.raises(NotFound, match="up front"):
        e.record("followers", 3, at=day(1))
    with pytest.raises(InvalidValue, match="before the experiment started"):
        e.record("qualified leads", 3, at=day(-1))


def test_status_line_and_summary_show_live_and_decided_experiments() -> None:
    live = leads_experiment()
    live.record("qualified leads", 12, at=day(2))
    assert live.status_line(day(2)) == (
        "Short video series: running; qualified leads: 12 "
        "(at least 50 qualified leads within 14 days; open)"
    )
    assert summarise({"x": live}) == "- **Short video series**: running, no decision yet"


@given(
    threshold=st.integers(min_value=0, max_value=1000),
    value=st.integers(min_value=0, max_value=1000),
    elapsed=st.integers(min_value=0, max_value=30),
)
def test_the_decision_follows_the_criterion_exactly(
    threshold: int, value: int, elapsed: int
) -> None:
    e = Experiment("E", "x", [SuccessCriterion("leads", threshold, window=14)], started_at=START)
    e.record("leads", value, at=day(min(elapsed, 14) / 2))
    decision = e.evaluate(day(elapsed)).decision
    if elapsed < 14:
        assert decision is Decision.CONTINUE
    elif value >= threshold:
        assert decision is Decision.SCALE
    else:
        assert decision is Decision.STOP


def test_an_earlier_status_line_does_not_know_later_decisions() -> None:
    e = leads_experiment()
    e.record("qualified leads", 10, at=day(3))
    e.record("qualified leads", 60, at=day(14))
    e.decide("team", at=day(14), learning="video works")
    assert e.status_line(day(5)).startswith("Short video series: running; qualified leads: 10")
    assert e.status_line(day(14)).startswith("Short video series: scaled")


def test_criteria_are_frozen_once_a_result_is_recorded() -> None:
    # Issue 15: reassigning the criteria after the results were in turned a stop into a scale.
    e = Experiment("EXP-2", "Outreach", ["at least 10 replies within 7 days"], started_at=START)
    e.criteria = ("at least 12 replies within 7 days",)  # type: ignore[assignment]
    assert e.criteria == (SuccessCriterion("replies", 12),)  # still being set up: fine
    e.record("replies", 3, at=day(7))
    with pytest.raises(AlreadyDecided, match="new experiment") as caught:
        e.criteria = (SuccessCriterion("replies", 1),)
    assert "criteria" in str(caught.value)
    with pytest.raises(AlreadyDecided, match="new experiment"):
        e.started_at = day(-30)
    assert e.criteria == (SuccessCriterion("replies", 12),)
    assert e.evaluate(day(7)).decision is Decision.STOP


def test_criteria_set_before_results_are_still_checked() -> None:
    e = Experiment("EXP-3", "Outreach", ["at least 10 replies within 7 days"], started_at=START)
    with pytest.raises(InvalidValue, match="up front"):
        e.criteria = ()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), "a lot"])
def test_a_result_must_be_a_finite_number(bad: object) -> None:
    e = Experiment("EXP-4", "Outreach", ["at least 10 replies within 7 days"], started_at=START)
    with pytest.raises(InvalidValue, match=r"Measurement\.value"):
        e.record("replies", bad, at=day(7))  # type: ignore[arg-type]
    assert e.measurements == ()
