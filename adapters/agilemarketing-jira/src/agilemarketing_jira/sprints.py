"""Sprint values in both of Jira's shapes.

Jira Cloud gives the sprint field as objects (``{"id": 1, "name": "Sprint 1", "state":
"closed", ...}``). Jira Data Center gives each sprint as the ``toString()`` of a Java object::

    com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=1,rapidViewId=1,state=CLOSED,
    name=Sprint 1, with comma,startDate=2026-01-05T09:00:00.000Z,endDate=<null>,...]

Names (and goals) may hold commas, so the string is not split on commas: a value runs until the
next ``,<known attribute>=``.

>>> s = parse_sprint("com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=1,rapidViewId=1,"
...                  "state=CLOSED,name=Launch, part 2,startDate=2026-01-05T09:00:00.000Z,"
...                  "endDate=<null>,completeDate=<null>,sequence=1,goal=]")
>>> s.id, s.name, s.state, s.start.isoformat(), s.end
(1, 'Launch, part 2', 'closed', '2026-01-05T09:00:00+00:00', None)
>>> parse_sprint({"id": 2, "name": "Sprint 2", "state": "active", "boardId": 1}).name
'Sprint 2'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from agilemarketing.errors import InvalidValue
from agilemarketing_jira.timestamps import parse_jira_time

__all__ = ["Sprint", "parse_sprint", "parse_sprints"]

#: The attributes Jira Data Center's sprint strings carry (Jira Software 7 to 10).
SPRINT_ATTRIBUTES = (
    "id",
    "rapidViewId",
    "state",
    "name",
    "goal",
    "startDate",
    "endDate",
    "completeDate",
    "activatedDate",
    "sequence",
    "synced",
    "autoStartStop",
    "incompleteIssuesDestinationId",
)
_BOUNDARY = re.compile(r",(?=(?:" + "|".join(SPRINT_ATTRIBUTES) + r")=)")
_SHAPE = re.compile(r"^[\w.$]+@[0-9a-fA-F]+\[(?P<body>.*)\]$", re.S)


@attrs.frozen
class Sprint:
    """One sprint as an issue's sprint field or a board's sprint list gives it."""

    id: int
    name: str
    state: str = ""
    board: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    complete: datetime | None = None
    goal: str = ""


def _time(value: Any, where: str) -> datetime | None:
    if value in (None, "", "<null>"):
        return None
    return parse_jira_time(value, where=where)


def _int(value: Any, where: str) -> int | None:
    if value in (None, "", "<null>"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidValue("a sprint id must be a number", where=where, value=value) from exc


def _from_string(text: str) -> Sprint:
    match = _SHAPE.match(text.strip())
    if match is None:
        raise InvalidValue(
            "not a Jira sprint value",
            where="sprint field",
            fix="expect objects (Cloud) or com.atlassian.greenhopper...Sprint@...[...] strings",
            value=text[:120],
        )
    values: dict[str, str] = {}
    for part in _BOUNDARY.split(match["body"]):
        name, sep, value = part.partition("=")
        if sep and name in SPRINT_ATTRIBUTES and name not in values:
            values[name] = value
    where = f"sprint {values.get('name', text[:40])!r}"
    sprint_id = _int(values.get("id"), where)
    if sprint_id is None or "name" not in values:
        raise InvalidValue("a sprint value without id or name", where="sprint field", value=text)
    goal = values.get("goal", "")
    return Sprint(
        id=sprint_id,
        name=values["name"],
        state=values.get("state", "").lower(),
        board=_int(values.get("rapidViewId"), where),
        start=_time(values.get("startDate"), where),
        end=_time(values.get("endDate"), where),
        complete=_time(values.get("completeDate"), where),
        goal="" if goal == "<null>" else goal,
    )


def _from_object(value: dict[str, Any]) -> Sprint:
    where = f"sprint {value.get('name')!r}"
    sprint_id = _int(value.get("id"), where)
    if sprint_id is None or not isinstance(value.get("name"), str):
        raise InvalidValue("a sprint object without id or name", where="sprint field", value=value)
    return Sprint(
        id=sprint_id,
        name=value["name"],
        state=str(value.get("state") or "").lower(),
        board=_int(value.get("boardId", value.get("originBoardId")), where),
        start=_time(value.get("startDate"), where),
        end=_time(value.get("endDate"), where),
        complete=_time(value.get("completeDate"), where),
        goal=str(value.get("goal") or ""),
    )


def parse_sprint(value: str | dict[str, Any]) -> Sprint:
    """One sprint from either shape."""
    if isinstance(value, dict):
        return _from_object(value)
    if isinstance(value, str):
        return _from_string(value)
    raise InvalidValue("not a Jira sprint value", where="sprint field", value=value)


def parse_sprints(value: Iterable[str | dict[str, Any]] | None) -> tuple[Sprint, ...]:
    """Every sprint of an issue's sprint field (None or empty: no sprint)."""
    if not value:
        return ()
    return tuple(parse_sprint(v) for v in value)
