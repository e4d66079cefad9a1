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

import os
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from agilemarketing.errors import InvalidValue, NotFound, raise_all
from agilemarketing.validators import Choices, instances, optional_text, stripped, texts

__all__ = ["Stage", "StageCategory", "WipLimit", "Workflow"]


class StageCategory(Choices):
    """The three kinds of stage every board has.

    >>> StageCategory.parse("In Progress"), StageCategory.parse("to_do")
    (<StageCategory.IN_PROGRESS: 'in progress'>, <StageCategory.TODO: 'to do'>)
    """

    TODO = "to do"
    IN_PROGRESS = "in progress"
    DONE = "done"

    @classmethod
    def parse(cls, value: StageCategory | str, *, where: str = "Stage.category") -> StageCategory:
        """A category from its name, ignoring case, and ``_``/``-`` for spaces ("todo" too)."""
        if isinstance(value, StageCategory):
            return value
        text = " ".join(str(value).replace("_", " ").replace("-", " ").casefold().split())
        try:
            return cls("to do" if text == "todo" else text)
        except ValueError:
            raise InvalidValue(
                "unknown stage category",
                where=where,
                fix="use 'to do', 'in progress' or 'done'",
                value=value,
            ) from None


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not hasattr(value, "__index__")):
        raise InvalidValue(
            f"WIP limit {attribute.name} must be a whole number of items",
            where="WipLimit",
            fix="use a whole number such as 3 (not text or a fraction), or None for no limit",
            value=value if isinstance(value, str | int | float) else type(value).__name__,
        )
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


_STATUSES = texts("Stage.statuses", fix="list the tool's status names, e.g. ['In Progress']")


def _statuses(value: Any) -> tuple[str, ...]:
    return _STATUSES(value)


def _category(value: StageCategory | str) -> StageCategory:
    return StageCategory.parse(value)


@attrs.frozen
class Stage:
    """One column of the board.

    ``statuses`` are the names the tools use for it (matched case-insensitively); by default the
    stage's own name. ``active`` is False for waiting stages (queues, "waiting for approval"):
    flow efficiency is active time over total time.

    >>> review = Stage("Review", "In Progress", active=False, wip=WipLimit(2, minimum=1))
    >>> review.category.value, review.statuses, review.wip.allows(3)
    ('in progress', ('Review',), False)
    """

    name: str = attrs.field(converter=stripped)
    category: StageCategory = attrs.field(converter=_category)
    active: bool = True
    statuses: tuple[str, ...] = attrs.field(default=(), converter=_statuses)
    wip: WipLimit = attrs.field(factory=WipLimit)

    def __attrs_post_init__(self) -> None:
        if not self.name:
            raise InvalidValue("a stage needs a name", where="Stage", fix="name the stage")
        if not self.statuses:
            object.__setattr__(self, "statuses", (self.name,))


_STAGE_TUPLE = instances(Stage, "Workflow.stages", fix="list Stage values in board order")


def _stage_tuple(value: Any) -> tuple[Stage, ...]:
    return _STAGE_TUPLE(value)


_STAGE_NAME_OR_NONE = optional_text("Workflow start or done stage")


def _stage_name_or_none(value: Any) -> str | None:
    return _STAGE_NAME_OR_NONE(value)


def _default_start(done_at: int, count: int) -> int:
    """Where cycle time starts when no start stage is named: the second of three or more stages."""
    return min(1, done_at) if count > 2 else 0


def _default_category(index: int, start_at: int, done_at: int) -> StageCategory:
    """A stage's category from its position: "to do" before start, "done" from done on."""
    if index < start_at:
        return StageCategory.TODO
    return StageCategory.DONE if index >= done_at else StageCategory.IN_PROGRESS


@attrs.frozen
class Workflow:
    """Ordered stages, plus the stages where cycle time starts and ends.

    Rules: stage names are unique; a status maps to one stage only; the start stage comes before
    or is the done stage; the done stage has category ``done``.

    >>> wf = Workflow([Stage("To Do", "to do"), Stage("Doing", "in progress", wip=WipLimit(3)),
    ...                Stage("Done", "done", statuses=["Done", "Released"])])
    >>> wf.names, wf.stage_for_status("released").name, wf.start_stage.name
    (('To Do', 'Doing', 'Done'), 'Done', 'Doing')
    """

    stages: tuple[Stage, ...] = attrs.field(converter=_stage_tuple)
    start: str | None = attrs.field(default=None, converter=_stage_name_or_none)
    done: str | None = attrs.field(default=None, converter=_stage_name_or_none)
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
        start_at = position(start, _default_start(done_at, len(names)), "start stage")
        limits = {k.casefold(): v for k, v in (wip or {}).items()}
        waiting_set = {w.casefold() for w in waiting}
        built = [
            Stage(
                name,
                _default_category(i, start_at, done_at),
                active=name.casefold() not in waiting_set,
                wip=WipLimit(limits.get(name.casefold())),
            )
            for i, name in enumerate(names)
        ]
        return cls(built, start=names[start_at], done=names[done_at])

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, where: str = "workflow") -> Workflow:
        """Build a workflow from plain data (the shape of the workflow TOML file).

        ``data`` has ``stages`` (or ``stage``): a list of tables with ``name`` and optional
        ``category`` (``"to do"``, ``"in progress"``, ``"done"``), ``statuses``, ``active``
        (False for a waiting stage) and ``wip`` (a maximum, or ``{max = 3, min = 1}``); and
        optional ``start`` / ``done`` stage names. Stages without a category are "to do" before
        ``start``, "done" from ``done`` on and "in progress" between. Every problem is
        reported at once.

        >>> wf = Workflow.from_mapping({"start": "Doing", "stages": [
        ...     {"name": "To Do", "statuses": ["Backlog", "To Do"]},
        ...     {"name": "Doing", "wip": 3},
        ...     {"name": "Approval", "active": False, "wip": {"max": 2}},
        ...     {"name": "Done", "statuses": ["Done", "Released"]}]})
        >>> wf.stage_for_status("released").name, wf.stage("Approval").active
        ('Done', False)
        >>> [s.category.value for s in wf.stages]
        ['to do', 'in progress', 'in progress', 'done']
        """
        raw = data.get("stages", data.get("stage"))
        if not isinstance(raw, list) or not raw:
            raise InvalidValue(
                "no stages defined",
                where=where,
                fix="add a [[stages]] table per stage, in board order, each with a name",
            )
        names = _stage_names(raw, where)
        start_at, done_at = _start_and_done(data, names, where)
        stages: list[Stage] = []
        problems: list[InvalidValue] = []
        for number, (entry, name) in enumerate(zip(raw, names, strict=True), start=1):
            default = _default_category(number - 1, start_at, done_at)
            try:
                stages.append(_stage_of_entry(entry, name, default, f"{where}, stage {number}"))
            except InvalidValue as exc:
                problems.append(exc)
        raise_all(problems, f"invalid workflow in {where}")
        return cls(stages, start=names[start_at], done=names[done_at])

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Workflow:
        """Read a workflow TOML file (see :meth:`from_mapping` for its shape).

        ```toml
        start = "Doing"
        done = "Done"

        [[stages]]
        name = "To Do"
        statuses = ["Backlog", "To Do"]

        [[stages]]
        name = "Doing"
        wip = 3
        ```
        """
        with open(path, "rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise InvalidValue(
                    f"not valid TOML: {exc}",
                    where=f"file {os.fspath(path)}",
                    fix="check the syntax of the workflow file",
                ) from exc
        return cls.from_mapping(data, where=f"file {os.fspath(path)}")

    def index_of(self, stage: str) -> int:
        """Position of the stage called ``stage`` (case-insensitive)."""
        try:
            return self._by_name[str(stage).casefold()]
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
        index = self.index_for_status(status)
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


# --- Reading a workflow from plain data (the TOML file) -------------------------------------------


def _stage_names(raw: list[Any], where: str) -> list[str]:
    """The name of each stage table; every stage without one is reported (all at once)."""
    problems: list[InvalidValue] = []
    names: list[str] = []
    for number, entry in enumerate(raw, start=1):
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            problems.append(
                InvalidValue(
                    "a stage has no name",
                    where=f"{where}, stage {number}",
                    fix='give every stage a name = "..."',
                )
            )
            name = f"#{number}"
        names.append(name.strip())
    raise_all(problems, f"invalid workflow in {where}")
    return names


def _start_and_done(data: Mapping[str, Any], names: list[str], where: str) -> tuple[int, int]:
    """Positions of the ``start`` and ``done`` stages (by default the second of three or more
    stages, and the last one); names that are not stages are reported (all at once)."""
    folded = [n.casefold() for n in names]
    start, done = data.get("start"), data.get("done")
    problems: list[InvalidValue] = []
    for option, value in (("start", start), ("done", done)):
        if value is not None and str(value).strip().casefold() not in folded:
            problems.append(
                InvalidValue(
                    f"{option} stage {value!r} is not one of the stages",
                    where=f"{where}, key {option!r}",
                    fix=f"use one of {', '.join(names)}",
                )
            )
    raise_all(problems, f"invalid workflow in {where}")
    done_at = folded.index(str(done).strip().casefold()) if done else len(names) - 1
    if start:
        return folded.index(str(start).strip().casefold()), done_at
    return _default_start(done_at, len(names)), done_at


def _stage_of_entry(entry: Any, name: str, default: StageCategory, where: str) -> Stage:
    """One stage table as a :class:`Stage` (``default``: its category when none is given)."""
    here = f"{where} ({name})"
    wip = entry.get("wip")
    if isinstance(wip, Mapping):
        limit = WipLimit(wip.get("max"), wip.get("min"))
    elif wip is None or (isinstance(wip, int) and not isinstance(wip, bool)):
        limit = WipLimit(wip)
    else:
        raise InvalidValue(
            "wip must be a whole number or a table {max = .., min = ..}",
            where=f"{here}, key 'wip'",
            fix="write wip = 3 or wip = {max = 3, min = 1}",
            value=wip,
        )
    category = StageCategory.parse(entry.get("category", default), where=f"{here}, key 'category'")
    statuses = entry.get("statuses", ())
    if isinstance(statuses, str):
        statuses = [statuses]
    return Stage(
        name, category, active=bool(entry.get("active", True)), statuses=statuses, wip=limit
    )
