"""Anti-metrics are refused, each with why and the team-level measure to use instead."""

from __future__ import annotations

import pytest

from agilemarketing import metrics as m
from agilemarketing.errors import AntiMetricError
from agilemarketing.flow import FlowLog


@pytest.mark.parametrize("who", ["assignee", "Person", "owner"])
def test_throughput_per_person_is_refused_with_the_team_measure_to_use(
    who: str, log: FlowLog
) -> None:
    with pytest.raises(AntiMetricError, match="throughput per person") as caught:
        m.throughput(log, by=who)
    assert "team throughput" in caught.value.instead


def test_cycle_time_per_person_is_refused_too(log: FlowLog) -> None:
    with pytest.raises(AntiMetricError):
        m.cycle_times(log).by("assignee")


def test_individual_utilisation_is_refused(log: FlowLog) -> None:
    with pytest.raises(AntiMetricError, match="utilisation") as caught:
        m.individual_utilisation(log, person="sam")
    assert "flow efficiency" in caught.value.instead


def test_comparing_two_teams_points_is_refused(log: FlowLog) -> None:
    with pytest.raises(AntiMetricError, match="between teams") as caught:
        m.compare_teams(m.cycle_report(log), m.cycle_report(log))
    assert "predictability" in caught.value.instead


def test_task_counts_as_a_value_measure_are_refused(log: FlowLog) -> None:
    with pytest.raises(AntiMetricError, match="task counts as value") as caught:
        m.value_from_task_counts(log)
    assert "outcome" in caught.value.why
    assert "Guidepoint" in caught.value.instead


@pytest.mark.parametrize("asked", sorted(m.ANTI_METRICS))
def test_every_refusal_says_why_and_what_to_use_instead(asked: str) -> None:
    error = m.refuse(asked)
    why, instead = m.ANTI_METRICS[asked]
    assert (error.asked, error.why, error.instead) == (asked, why, instead)
    assert why in str(error)
    assert f"use {instead} instead" in str(error)
