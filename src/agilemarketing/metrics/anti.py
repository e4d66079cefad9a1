"""Anti-metrics: what the library refuses to measure, why, and the team-level measure to use
instead (:class:`~agilemarketing.errors.AntiMetricError`).

>>> sorted(ANTI_METRICS)[0]
'story points compared between teams'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agilemarketing.errors import AntiMetricError, InvalidValue

__all__ = [
    "ANTI_METRICS",
    "check_group",
    "compare_teams",
    "individual_utilisation",
    "means_people",
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
    {
        "assignee",
        "assigned",
        "author",
        "colleague",
        "contributor",
        "creator",
        "designer",
        "dev",
        "developer",
        "employee",
        "engineer",
        "individual",
        "marketer",
        "member",
        "owner",
        "people",
        "person",
        "reporter",
        "teammate",
        "user",
        "worker",
        "writer",
    }
)
"""Words that name people: a grouping containing one (in any case, spacing or plural, e.g.
``"Team_Members"``, ``"assigned to"``, ``"developers"``) is refused as throughput per person."""


def _words(name: str) -> list[str]:
    """The lower-case words of a field name, split at spaces, ``_``, ``-``, ``.`` and camelCase.

    >>> _words("teamMember"), _words(" Assigned_To ")
    (['team', 'member'], ['assigned', 'to'])
    """
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[\s_.\-/]+", spaced.lower()) if w]


def means_people(name: str) -> bool:
    """Whether a grouping name means people (one of its words, singular or plural, names a
    person).

    >>> means_people("Developers"), means_people("team member"), means_people("type")
    (True, True, False)
    """
    return any(
        w in _PERSON_FIELDS or (w.endswith("s") and w[:-1] in _PERSON_FIELDS) for w in _words(name)
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
    is refused (:class:`~agilemarketing.errors.AntiMetricError`, see :func:`means_people`),
    anything else is invalid.

    >>> check_group(" Type "), check_group(None)
    ('type', None)
    """
    if by is None:
        return None
    key = by.strip().lower()
    if means_people(by):
        raise refuse("throughput per person")
    if key not in {"type", "label"}:
        raise InvalidValue(
            "unknown grouping",
            where="by=",
            fix="group by 'type' or 'label' (team-level groupings only)",
            value=by,
        )
    return key
