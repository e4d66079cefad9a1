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


@pytest.mark.parametrize(
    "who",
    [
        "assignees",
        "Assignee",
        " ASSIGNEE ",
        "developer",
        "Developers",
        "team member",
        "team_member",
        "Team-Members",
        "teamMember",
        "owner",
        "owners",
        "reporter",
        "reporters",
        "people",
        "persons",
        "user",
        "engineer",
        "designer",
        "author",
        "assigned to",
        "assigned_to",
        "individuals",
    ],
)
def test_every_grouping_that_means_people_is_refused_as_an_anti_metric(
    who: str, log: FlowLog
) -> None:
    with pytest.raises(AntiMetricError, match="throughput per person") as caught:
        m.throughput(log, by=who)
    assert "team throughput" in caught.value.instead
    with pytest.raises(AntiMetricError, match="throughput per person"):
        m.cycle_times(log).by(who)


@pytest.mark.parametrize("grouping", ["colour", "epic", "priority"])
def test_a_grouping_that_is_neither_team_level_nor_a_person_is_unknown(
    grouping: str, log: FlowLog
) -> None:
    from agilemarketing.errors import InvalidValue

    with pytest.raises(InvalidValue, match="unknown grouping"):
        m.throughput(log, by=grouping)


@pytest.mark.parametrize("grouping", ["type", "Label", " TYPE "])
def test_team_level_groupings_are_accepted(grouping: str, log: FlowLog) -> None:
    assert m.anti.check_group(grouping) == grouping.strip().lower()
