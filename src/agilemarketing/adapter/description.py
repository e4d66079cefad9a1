"""What a board says about itself: :class:`BoardDescription` (``Adapter.board()``).

A live tool knows its board: the columns in order and the statuses each holds, their WIP limits,
where work starts and where it is done, the statuses that mean "abandoned" (Won't Do), the
cycles (sprints) with their dates and goals, and the field estimates live in. An adapter that
can read this declares ``Capabilities(board=True)`` and returns it from
:meth:`~agilemarketing.adapter.Adapter.board`; a sync stores it in the mirror beside the items,
and ``report``, ``forecast`` and ``showcase`` take the workflow from it when no ``--workflow``
is given.

>>> board = BoardDescription(
...     stages=[BoardStage("To Do", statuses=["Backlog", "To Do"]),
...             BoardStage("Doing", statuses=["In Progress"], wip_max=3),
...             BoardStage("Review", waiting=True, wip_min=1, wip_max=2),
...             BoardStage("Done", statuses=["Done", "Released"])],
...     start="Doing", done="Done", abandoned=["Won't Do"],
...     cycles=[BoardCycle("Sprint 1", start="2026-03-02T09:00:00Z", end="2026-03-16T09:00:00Z",
...                        state="closed", goal="Launch the spring webinar")],
...     estimation_field="Story Points")
>>> flow = board.workflow()
>>> flow.names, flow.start, flow.done, flow.stage("Doing").wip.maximum
(('To Do', 'Doing', 'Review', 'Done'), 'Doing', 'Done', 3)
>>> flow.stage_for_status("won't do") is None   # abandoned: in no stage
True
>>> BoardDescription.from_dict(board.as_dict()) == board
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from agilemarketing.errors import InvalidValue
from agilemarketing.utc import optional_utc
from agilemarketing.workflow import Stage, StageCategory, WipLimit, Workflow

__all__ = ["BoardCycle", "BoardDescription", "BoardStage"]


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    return tuple(s for s in (str(v).strip() for v in value) if s)


def _optional_count(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidValue(
            "a WIP limit is a whole number of items, 0 or more",
            where="BoardStage",
            fix="give wip_min/wip_max as whole numbers, or None for no limit",
            value=value,
        )
    return value


def _stripped(value: object) -> str:
    return str(value).strip()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@attrs.frozen
class BoardStage:
    """One column of the board.

    Attributes:
        name: the column's name.
        statuses: the tool's statuses the column holds (default: its own name).
        wip_min: the fewest items it should hold (None: no minimum).
        wip_max: the most items it may hold, its WIP limit (None: no limit).
        waiting: True for a queue (work waits here, nobody works on it): flow efficiency
            counts it as inactive time.
    """

    name: str = attrs.field(converter=_stripped)
    statuses: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    wip_min: int | None = attrs.field(default=None, converter=_optional_count)
    wip_max: int | None = attrs.field(default=None, converter=_optional_count)
    waiting: bool = False

    def __attrs_post_init__(self) -> None:
        if not self.name:
            raise InvalidValue("a board stage needs a name", where="BoardStage")
        if not self.statuses:
            object.__setattr__(self, "statuses", (self.name,))


@attrs.frozen
class BoardCycle:
    """One cycle (sprint) of the board.

    Attributes:
        name: its name.
        start: when it started or is planned to (None: not set).
        end: when it ends or ended (None: not set).
        state: the tool's word for where it is (``"closed"``, ``"active"``, ``"future"``).
        goal: its goal ("" for none).
    """

    name: str = attrs.field(converter=str)
    start: datetime | None = attrs.field(default=None, converter=optional_utc)
    end: datetime | None = attrs.field(default=None, converter=optional_utc)
    state: str = attrs.field(default="", converter=str)
    goal: str = attrs.field(default="", converter=str)


def _stages(value: Iterable[BoardStage]) -> tuple[BoardStage, ...]:
    return tuple(value)


def _cycles(value: Iterable[BoardCycle]) -> tuple[BoardCycle, ...]:
    return tuple(value)


def _optional_name(value: str | None) -> str | None:
    return None if value is None or not str(value).strip() else str(value).strip()


@attrs.frozen
class BoardDescription:
    """A board as its tool describes it (what :meth:`Adapter.board` returns).

    Attributes:
        stages: the columns in board order, each with the statuses it holds.
        start: the stage where cycle time starts (None: the second of three or more).
        done: the stage where work is done (None: the last one).
        abandoned: statuses that end an item without finishing it (``Won't Do``); they belong
            to no stage, so the metrics count such items as abandoned.
        cycles: the board's cycles (sprints), in the board's order.
        estimation_field: the field estimates are read from (``"Story Points"``), if any.
        name: the board's own name ("" if unknown).

    Every stage name is unique, a status belongs to one stage, and an abandoned status to
    none; :meth:`workflow` then gives the team's :class:`~agilemarketing.workflow.Workflow`.
    """

    stages: tuple[BoardStage, ...] = attrs.field(converter=_stages)
    start: str | None = attrs.field(default=None, converter=_optional_name)
    done: str | None = attrs.field(default=None, converter=_optional_name)
    abandoned: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    cycles: tuple[BoardCycle, ...] = attrs.field(default=(), converter=_cycles)
    estimation_field: str | None = attrs.field(default=None, converter=_optional_name)
    name: str = attrs.field(default="", converter=str)

    def __attrs_post_init__(self) -> None:
        self.workflow()  # every rule of a workflow holds, or the description is refused
        held = {s.casefold() for stage in self.stages for s in stage.statuses}
        both = sorted(s for s in self.abandoned if s.casefold() in held)
        if both:
            raise InvalidValue(
                f"status {both[0]!r} is both abandoned and held by a stage",
                where="BoardDescription",
                fix="leave abandoned statuses out of every stage",
            )

    def workflow(self) -> Workflow:
        """The board's stages as a :class:`~agilemarketing.workflow.Workflow`: stages before
        ``start`` are "to do", those from ``done`` on are "done", the rest "in progress"."""
        if not self.stages:
            raise InvalidValue(
                "a board description needs at least one stage",
                where="BoardDescription",
                fix="list the board's columns in order",
            )
        names = [s.name.casefold() for s in self.stages]
        done_at = self._position(self.done, len(names) - 1, names, "done")
        start_default = min(1, done_at) if len(names) > 2 else 0
        start_at = self._position(self.start, start_default, names, "start")
        stages = []
        for index, stage in enumerate(self.stages):
            category = (
                StageCategory.TODO
                if index < start_at
                else StageCategory.DONE
                if index >= done_at
                else StageCategory.IN_PROGRESS
            )
            stages.append(
                Stage(
                    stage.name,
                    category,
                    active=not stage.waiting,
                    statuses=stage.statuses,
                    wip=WipLimit(stage.wip_max, stage.wip_min),
                )
            )
        return Workflow(stages, start=self.stages[start_at].name, done=self.stages[done_at].name)

    def _position(self, name: str | None, default: int, names: list[str], role: str) -> int:
        if name is None:
            return default
        try:
            return names.index(name.casefold())
        except ValueError:
            raise InvalidValue(
                f"the {role} stage {name!r} is not one of the stages",
                where="BoardDescription",
                fix=f"name one of {', '.join(s.name for s in self.stages)}",
            ) from None

    def renamed(self, status: Callable[[str], str]) -> BoardDescription:
        """The description with every status passed through ``status`` (a sync's
        ``status_map``, or a redaction); stage names stay."""
        return attrs.evolve(
            self,
            stages=[
                attrs.evolve(s, statuses=tuple(dict.fromkeys(status(x) for x in s.statuses)))
                for s in self.stages
            ],
            abandoned=tuple(dict.fromkeys(status(x) for x in self.abandoned)),
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (what the mirror stores); :meth:`from_dict` reads it back."""
        return {
            "name": self.name,
            "stages": [
                {
                    "name": s.name,
                    "statuses": list(s.statuses),
                    "wip_min": s.wip_min,
                    "wip_max": s.wip_max,
                    "waiting": s.waiting,
                }
                for s in self.stages
            ],
            "start": self.start,
            "done": self.done,
            "abandoned": list(self.abandoned),
            "cycles": [
                {
                    "name": c.name,
                    "start": _iso(c.start),
                    "end": _iso(c.end),
                    "state": c.state,
                    "goal": c.goal,
                }
                for c in self.cycles
            ],
            "estimation_field": self.estimation_field,
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, where: str = "board description"
    ) -> BoardDescription:
        """A description from :meth:`as_dict`'s form (a value that is not one is refused)."""
        try:
            return cls(
                stages=[
                    BoardStage(
                        s["name"],
                        s.get("statuses", ()),
                        s.get("wip_min"),
                        s.get("wip_max"),
                        bool(s.get("waiting", False)),
                    )
                    for s in data["stages"]
                ],
                start=data.get("start"),
                done=data.get("done"),
                abandoned=data.get("abandoned", ()),
                cycles=[
                    BoardCycle(
                        c["name"],
                        c.get("start"),
                        c.get("end"),
                        c.get("state", ""),
                        c.get("goal", ""),
                    )
                    for c in data.get("cycles", ())
                ],
                estimation_field=data.get("estimation_field"),
                name=data.get("name", ""),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise InvalidValue(
                f"not a board description ({type(exc).__name__}: {exc})",
                where=where,
                fix="write it with BoardDescription.as_dict()",
            ) from exc
