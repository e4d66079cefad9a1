"""Anti-metrics: what the library refuses to measure, why, and the team-level measure to use
instead (:class:`~agilemarketing.errors.AntiMetricError`).

>>> sorted(ANTI_METRICS)[0]
'story points compared between teams'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agilemarketing.errors import AntiMetricError, InvalidValue

__all__ = [
    "ANTI_METRICS",
    "check_group",
    "compare_teams",
    "individual_utilisation",
    "refuse",
    "value_from_task_counts",
]

ANTI_METRICS: Mapping[str, tuple[str, str]] = {
    "utilisation": (
        "individual utilisation pushes people to look busy instead of finishing customer-ready "
        "work, and the team (not one person) owns how work gets done",
        "team flow efficiency (flow_efficiency) and WIP (wip)",
    ),
    "throughput per person": (
        "counting finished items per person turns a team into competing individuals and "
        "hides the hand-offs and waiting that really slow delivery",
        "team throughput (throughput) and cycle time (cycle_times)",
    ),
    "story points compared between teams": (
        "story points are relative sizes a team calibrates for itself; another team's points "
        "measure something else, so comparing them only invites point inflation",
        "each team's own predictability (cycle_report) and throughput trend (throughput)",
    ),
    "task counts as value": (
        "the number of tasks done says nothing about the outcome it served",
        "outcomes against the Guidepoint and campaign success criteria",
    ),
}
"""What the library refuses to measure, why, and the team-level measure to use instead."""

_PERSON_FIELDS = frozenset(
    {"assignee", "person", "people", "owner", "user", "member", "reporter", "individual"}
)


def refuse(asked: str) -> AntiMetricError:
    """The :class:`~agilemarketing.errors.AntiMetricError` for one of :data:`ANTI_METRICS`.

    >>> print(refuse("utilisation").instead)
    team flow efficiency (flow_efficiency) and WIP (wip)
    """
    why, instead = ANTI_METRICS[asked]
    return AntiMetricError(asked, why=why, instead=instead)


def individual_utilisation(*_: Any, **__: Any) -> None:
    """Always refuses: individual utilisation is not a team measure (see :data:`ANTI_METRICS`).

    >>> individual_utilisation()
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AntiMetricError: utilisation is not offered: ...
    """
    raise refuse("utilisation")


def compare_teams(*_: Any, **__: Any) -> None:
    """Always refuses: velocity and story points are not comparable between teams.

    >>> compare_teams("team A", "team B")
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AntiMetricError: story points compared between teams is not offered: ...
    """
    raise refuse("story points compared between teams")


def value_from_task_counts(*_: Any, **__: Any) -> None:
    """Always refuses: how many tasks were done says nothing about the value delivered.

    >>> from agilemarketing.flow import FlowLog
    >>> value_from_task_counts(FlowLog.example())
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AntiMetricError: task counts as value is not offered: ...
    """
    raise refuse("task counts as value")


def check_group(by: str | None) -> str | None:
    """The team-level grouping asked for (``"type"``, ``"label"`` or None); grouping by a person
    is refused (:class:`~agilemarketing.errors.AntiMetricError`), anything else is invalid.

    >>> check_group(" Type "), check_group(None)
    ('type', None)
    """
    if by is None:
        return None
    key = by.strip().lower()
    if key in _PERSON_FIELDS:
        raise refuse("throughput per person")
    if key not in {"type", "label"}:
        raise InvalidValue(
            "unknown grouping",
            where="by=",
            fix="group by 'type' or 'label' (team-level groupings only)",
            value=by,
        )
    return key
