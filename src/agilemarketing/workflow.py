"""A team's workflow: ordered stages, what each one means, and its WIP limits.

The same :class:`Workflow` drives the live board (:mod:`agilemarketing.board`) and the metrics
engine (:mod:`agilemarketing.flow`): which tool statuses map to which stage, which stages are
"to do", "in progress" or "done", which are active work and which are waiting, where cycle time
starts and ends.

>>> wf = Workflow.from_shorthand(
...     "Backlog,Ready,In Progress,Review,Done", start="Ready", done="Done"
... )
>>> [s.name for s in wf.stages]
['Backlog', 'Ready', 'In Progress', 'Review', 'Done']
>>> wf.stage_for_status("in progress").category
<StageCategory.IN_PROGRESS: 'in progress'>
>>> wf.start_stage.name, wf.done_stage.name
('Ready', 'Done')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from agilemarketing.errors import InvalidValue, NotFound, raise_all

__all__ = ["Stage", "StageCategory", "WipLimit", "Workflow"]


class StageCategory(enum.StrEnum):
    """The three kinds of stage every board has."""

    TODO = "to do"
    IN_PROGRESS = "in progress"
    DONE = "done"


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidValue(
            f"WIP limit {attribute.name} must be 0 or more",
            where="WipLimit",
            fix="use a whole number of items, or None for no limit",
            value=value,
        )


@attrs.frozen
class WipLimit:
    """How many items a stage may hold: at most ``maximum``, and at least ``minimum`` if given.

    >>> WipLimit(3).allows(3), WipLimit(3).allows(4)
    (True, False)
    """

    maximum: int | None = attrs.field(default=None, validator=_non_negative)
    minimum: int | None = attrs.field(default=None, validator=_non_negative)

    def __attrs_post_init__(self) -> None:
        if self.maximum is not None and self.minimum is not None and self.minimum > self.maximum:
            raise InvalidValue(
                f"WIP minimum {self.minimum} is greater than maximum {self.maximum}",
                where="WipLimit",
                fix="make the minimum less than or equal to the maximum",
            )

    def allows(self, count: int) -> bool:
        """Whether ``count`` items stay within the maximum."""
        return self.maximum is None or count <= self.maximum

    def is_under(self, count: int) -> bool:
        """Whether ``count`` items are fewer than the minimum (the stage is starved)."""
        return self.minimum is not None and count < self.minimum


def _statuses(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(s.strip() for s in value if s.strip())


def _stage_name(value: str) -> str:
    return str(value).strip()


def _category(value: StageCategory | str) -> StageCategory:
    return StageCategory(value)


@attrs.frozen
class Stage:
    """One column of the board.

    ``statuses`` are the names the tools use for it (matched case-insensitively); by default the
    stage's own name. ``active`` is False for waiting stages (queues, "waiting for approval"):
    flow efficiency is active time over total time.
    """

    name: str = attrs.field(converter=_stage_name)
    category: StageCategory = attrs.field(converter=_category)
    active: bool = True
    statuses: tuple[str, ...] = attrs.field(default=(), converter=_statuses)
    wip: WipLimit = attrs.field(factory=WipLimit)

    def __attrs_post_init__(self) -> None:
        if not self.name:
            raise InvalidValue("a stage needs a name", where="Stage", fix="name the stage")
        if not self.statuses:
            object.__setattr__(self, "statuses", (self.name,))


def _stage_tuple(value: Iterable[Stage]) -> tuple[Stage, ...]:
    return tuple(value)


@attrs.frozen
class Workflow:
    """Ordered stages, plus the stages where cycle time starts and ends.

    Rules: stage names are unique; a status maps to one stage only; the start stage comes before
    or is the done stage; the done stage has category ``done``.
    """

    stages: tuple[Stage, ...] = attrs.field(converter=_stage_tuple)
    start: str | None = None
    done: str | None = None
    _by_status: Mapping[str, int] = attrs.field(init=False, repr=False, eq=False)
    _by_name: Mapping[str, int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        problems: list[InvalidValue] = []
        if not self.stages:
            problems.append(
                InvalidValue(
                    "a workflow needs at least one stage",
                    where="Workflow",
                    fix="list the stages in board order",
                )
            )
        by_name: dict[str, int] = {}
        by_status: dict[str, int] = {}
        for index, stage in enumerate(self.stages):
            if stage.name.casefold() in by_name:
                problems.append(
                    InvalidValue(
                        f"stage {stage.name!r} appears twice",
                        where="Workflow",
                        fix="give each stage its own name",
                    )
                )
            by_name[stage.name.casefold()] = index
            for status in stage.statuses:
                other = by_status.get(status.casefold())
                if other is not None and other != index:
                    problems.append(
                        InvalidValue(
                            f"status {status!r} maps to both {self.stages[other].name!r} and "
                            f"{stage.name!r}",
                            where="Workflow",
                            fix="map each status to exactly one stage",
                        )
                    )
                by_status[status.casefold()] = index
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_status", by_status)
        raise_all(problems, "invalid workflow")
        start = self.start or self._first(StageCategory.IN_PROGRESS, default=0)
        done = self.done or self._first(StageCategory.DONE, default=len(self.stages) - 1)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "done", done)
        if self.index_of(start) > self.index_of(done):
            raise InvalidValue(
                f"start stage {start!r} comes after done stage {done!r}",
                where="Workflow",
                fix="cycle time starts at an earlier stage than it ends",
            )
        if self.stages[self.index_of(done)].category is not StageCategory.DONE:
            raise InvalidValue(
                f"done stage {done!r} is not in the 'done' category",
                where="Workflow",
                fix="set category='done' on that stage, or choose another done stage",
            )

    def _first(self, category: StageCategory, *, default: int) -> str:
        for stage in self.stages:
            if stage.category is category:
                return stage.name
        return self.stages[default].name

    @classmethod
    def from_shorthand(
        cls,
        stages: str | Iterable[str],
        *,
        start: str | None = None,
        done: str | None = None,
        wip: Mapping[str, int] | None = None,
        waiting: Iterable[str] = (),
    ) -> Workflow:
        """Build a workflow from stage names in board order (``"Backlog,Ready,Doing,Done"``).

        Stages before ``start`` are "to do", stages from ``done`` on are "done", the rest "in
        progress". ``wip`` gives maximum WIP per stage; ``waiting`` names the waiting stages.
        """
        names = [s.strip() for s in (stages.split(",") if isinstance(stages, str) else stages)]
        names = [n for n in names if n]
        if not names:
            raise InvalidValue(
                "no stages given",
                where="--stages",
                fix='list stages in order, e.g. "Backlog,Doing,Done"',
            )
        folded = [n.casefold() for n in names]

        def position(name: str | None, default: int, option: str) -> int:
            if name is None:
                return default
            try:
                return folded.index(name.strip().casefold())
            except ValueError:
                raise NotFound(
                    "stage", name, where=option, fix=f"use one of {', '.join(names)}"
                ) from None

        done_at = position(done, len(names) - 1, "done stage")
        start_at = position(start, min(1, done_at) if len(names) > 2 else 0, "start stage")
        limits = {k.casefold(): v for k, v in (wip or {}).items()}
        waiting_set = {w.casefold() for w in waiting}
        built = []
        for i, name in enumerate(names):
            category = (
                StageCategory.TODO
                if i < start_at
                else StageCategory.DONE
                if i >= done_at
                else StageCategory.IN_PROGRESS
            )
            built.append(
                Stage(
                    name,
                    category,
                    active=name.casefold() not in waiting_set,
                    wip=WipLimit(limits.get(name.casefold())),
                )
            )
        return cls(built, start=names[start_at], done=names[done_at])

    def index_of(self, stage: str) -> int:
        """Position of the stage called ``stage`` (case-insensitive)."""
        try:
            return self._by_name[stage.casefold()]
        except KeyError:
            raise NotFound(
                "stage",
                stage,
                where="workflow",
                fix=f"use one of {', '.join(s.name for s in self.stages)}",
            ) from None

    def stage(self, name: str) -> Stage:
        """The stage called ``name`` (case-insensitive)."""
        return self.stages[self.index_of(name)]

    def stage_for_status(self, status: str) -> Stage | None:
        """The stage a tool status maps to, or None for an unmapped status (e.g. "Won't Do")."""
        index = self._by_status.get(status.strip().casefold())
        return None if index is None else self.stages[index]

    def index_for_status(self, status: str) -> int | None:
        """Position of the stage a status maps to, or None when unmapped."""
        return self._by_status.get(status.strip().casefold())

    @property
    def start_stage(self) -> Stage:
        """Where cycle time starts."""
        return self.stage(str(self.start))

    @property
    def done_stage(self) -> Stage:
        """Where cycle time ends."""
        return self.stage(str(self.done))

    @property
    def names(self) -> tuple[str, ...]:
        """Stage names in board order."""
        return tuple(s.name for s in self.stages)
