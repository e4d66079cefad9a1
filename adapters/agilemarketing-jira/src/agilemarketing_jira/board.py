"""A Jira board described as plain typed data: its columns as stages, their WIP limits, and its
sprints as cycles.

:meth:`JiraAdapter.board() <agilemarketing_jira.JiraAdapter.board>` turns it into the core's
board description; :func:`read_board_configuration` gives Jira's own view of it:

* ``GET /rest/agile/1.0/board/{id}`` (name and type: ``scrum``, ``kanban``, ``simple``);
* ``GET /rest/agile/1.0/board/{id}/configuration``: the columns in order, each with its statuses
  (ids, named through ``GET /status``) and its ``min``/``max`` issue counts, which are WIP
  limits when the board constrains issue counts;
* ``GET /rest/agile/1.0/board/{id}/sprint`` (paged, closed, active and future sprints) as
  cycles with their dates. A Kanban board has no sprints: its cycles are empty, and no sprint
  request is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

import attrs

from agilemarketing.errors import InvalidValue
from agilemarketing_jira.reading import MAX_PAGES
from agilemarketing_jira.site import Site
from agilemarketing_jira.sprints import parse_sprint
from agilemarketing_jira.transport import JiraTransport

__all__ = ["BoardConfiguration", "BoardCycle", "BoardStage", "read_board_configuration"]

_LIMITED = frozenset({"issueCount", "issueCountExclSubs"})


class _Connected(Protocol):
    """What describing a board needs of the adapter (a :class:`JiraAdapter`)."""

    board_id: int | None
    transport: JiraTransport

    @property
    def url(self) -> str: ...

    def site(self) -> Site: ...

    def redact(self, text: str) -> str: ...


@attrs.frozen
class BoardStage:
    """One column of the board.

    Attributes:
        name: the column's name.
        statuses: the names of the statuses mapped to it, in the board's order.
        wip_min: the column's minimum issue count, if the board sets one.
        wip_max: the column's maximum issue count (its WIP limit), if the board sets one.
    """

    name: str
    statuses: tuple[str, ...] = ()
    wip_min: int | None = None
    wip_max: int | None = None


@attrs.frozen
class BoardCycle:
    """One sprint of the board, as a cycle.

    Attributes:
        id: the sprint's id.
        name: its name.
        state: ``closed``, ``active`` or ``future``.
        start: when it started (or is planned to), None if not set.
        end: its planned end.
        complete: when it was completed (closed sprints only).
        goal: the sprint goal ("" if none).
    """

    id: int
    name: str
    state: str
    start: datetime | None = None
    end: datetime | None = None
    complete: datetime | None = None
    goal: str = ""


@attrs.frozen
class BoardConfiguration:
    """A board: its kind, its stages in column order and its cycles in the board's order."""

    id: int
    name: str
    type: str
    stages: tuple[BoardStage, ...]
    cycles: tuple[BoardCycle, ...]
    estimation_field: str | None = None

    @property
    def wip_limits(self) -> Mapping[str, int]:
        """The column maxima by stage name (stages without one are left out)."""
        return {s.name: s.wip_max for s in self.stages if s.wip_max is not None}


def _limit(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def read_board_configuration(adapter: _Connected, board: int | None = None) -> BoardConfiguration:
    """Describe ``board`` (default: the adapter URL's ``board=``) with typed values."""
    board_id = board if board is not None else adapter.board_id
    if board_id is None:
        raise InvalidValue(
            "no board to describe",
            where=adapter.redact(adapter.url),
            fix="add board=<id> to the adapter URL, or pass the board id",
        )
    transport = adapter.transport
    site = adapter.site()
    about = transport.get(f"/rest/agile/1.0/board/{board_id}")
    config = transport.get(f"/rest/agile/1.0/board/{board_id}/configuration")
    names = {str(s["id"]): str(s["name"]) for s in transport.get(f"{site.api}/status") or ()}
    column_config = config.get("columnConfig") or {}
    limited = column_config.get("constraintType") in _LIMITED
    stages = tuple(
        BoardStage(
            name=str(column.get("name", "")),
            statuses=tuple(
                names.get(str(s.get("id")), str(s.get("id"))) for s in column.get("statuses") or ()
            ),
            wip_min=_limit(column.get("min")) if limited else None,
            wip_max=_limit(column.get("max")) if limited else None,
        )
        for column in column_config.get("columns") or ()
    )
    kind = str(about.get("type") or config.get("type") or "")
    cycles: list[BoardCycle] = []
    if kind == "scrum":
        start = 0
        for _ in range(MAX_PAGES):
            page = transport.get(
                f"/rest/agile/1.0/board/{board_id}/sprint",
                {"startAt": start, "maxResults": 50, "state": "closed,active,future"},
            )
            values = list(page.get("values") or ())
            fresh = 0
            for value in values:
                sprint = parse_sprint(value)
                if any(c.id == sprint.id for c in cycles):
                    continue  # a page served again (a server ignoring startAt)
                fresh += 1
                cycles.append(
                    BoardCycle(
                        sprint.id,
                        sprint.name,
                        sprint.state,
                        sprint.start,
                        sprint.end,
                        sprint.complete,
                        sprint.goal,
                    )
                )
            start += len(values)
            if not fresh or page.get("isLast", True):
                break
    return BoardConfiguration(
        id=int(board_id),
        name=str(about.get("name") or config.get("name") or ""),
        type=kind,
        stages=stages,
        cycles=tuple(cycles),
        estimation_field=((config.get("estimation") or {}).get("field") or {}).get("displayName"),
    )
