"""The Collaborative Planning Workshop, minimum viable launches, and Cycle Planning.

**The workshop** (once a quarter or project): stakeholders and the team meet around the
:class:`~agilemarketing.planning.guidepoint.Guidepoint`, brainstorm ideas (everyone
contributes), rank them together (a vote combined by Borda or Schulze, or MoSCoW when sorting
an existing pile of requests; both from :mod:`agilemarketing.prioritisation`), size the winners
with Planning Poker (:mod:`agilemarketing.planning.poker`) and leave with a Blueprint draft. The
Marketing Owner has the final say on the order.

**Minimum viable launch**: a campaign is split into slices that are each valuable on their own,
released in order, the first one earliest (:class:`LaunchPlan`). Not all-or-nothing.

**Cycle Planning**: work is picked from the top of the backlog within the cycle's capacity
(from the team's own past, :func:`~agilemarketing.cycles.capacity_from_history`) and within the
WIP limit of the stage the committed work waits in; the :class:`CyclePlan` explains what did
not fit and why (:func:`plan_cycle`).

>>> from datetime import date
>>> from agilemarketing.planning.guidepoint import Guidepoint, Outcome
>>> gp = Guidepoint("Pipeline", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
>>> ws = PlanningWorkshop(gp, owner="Maya", participants=["Maya", "Ana", "Sam"])
>>> ws.brainstorm({"Ana": ["Short app videos"], "Sam": ["Branch posters", "Webinar"]},
...               outcome="pipeline")
>>> ws.prioritise_by_votes({"Ana": ["I1", "I3", "I2"], "Sam": ["I3", "I1", "I2"],
...                         "Maya": ["I1", "I2", "I3"]}).order
('I1', 'I3', 'I2')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Literal

import attrs

from agilemarketing.backlog import Backlog
from agilemarketing.board import Board
from agilemarketing.cycles import CapacityUnit, CycleRun
from agilemarketing.errors import (
    BlueprintOverCapacity,
    InvalidValue,
    NotFound,
    NotMarketingOwner,
    raise_all,
)
from agilemarketing.items import Size, WorkItem
from agilemarketing.planning.blueprint import MAX_PRIORITIES, Blueprint, Priority, month_of
from agilemarketing.planning.guidepoint import Guidepoint
from agilemarketing.planning.poker import PokerResult
from agilemarketing.prioritisation import (
    Ballot,
    Consensus,
    MoSCoW,
    MoSCoWPrioritiser,
    Ranking,
    consensus,
    prioritise,
)
from agilemarketing.utc import ensure_utc
from agilemarketing.validators import one_line, sequence, texts

__all__ = [
    "BlueprintDraft",
    "CyclePlan",
    "Idea",
    "LaunchPlan",
    "LaunchSlice",
    "LeftOut",
    "PlanningWorkshop",
    "plan_cycle",
]


@attrs.frozen
class Idea:
    """A brainstormed idea: who had it and which Guidepoint outcome it is for."""

    key: str
    title: str = attrs.field(converter=one_line)
    by: str = attrs.field(converter=one_line)
    outcome: str | None = None
    size: Size | None = None
    moscow: MoSCoW | None = None

    def to_item(self) -> WorkItem:
        """The idea as a backlog item (the MoSCoW category, if any, in ``fields["moscow"]``)."""
        fields: dict[str, object] = {"idea_by": self.by}
        if self.moscow is not None:
            fields["moscow"] = self.moscow.value
        return WorkItem(
            self.key, self.title, kind="campaign", size=self.size, outcome=self.outcome,
            fields=fields,
        )  # fmt: skip


@attrs.frozen
class LeftOut:
    """Something a plan did not take, and why."""

    key: str
    title: str
    reason: str

    def __str__(self) -> str:
        return f"{self.key} {self.title}: {self.reason}"


@attrs.frozen
class BlueprintDraft:
    """The workshop's Blueprint draft and the winners that did not fit into it."""

    blueprint: Blueprint
    left_out: tuple[LeftOut, ...]

    def __str__(self) -> str:
        lines = [self.blueprint.to_markdown()]
        if self.left_out:
            lines += ["", "Not in this Blueprint:"] + [f"- {x}" for x in self.left_out]
        return "\n".join(lines)


def _participants(value: Iterable[str]) -> tuple[str, ...]:
    names = texts("PlanningWorkshop.participants", fix="name the people in the room")(value)
    return tuple(dict.fromkeys(one_line(v) for v in names if one_line(v)))


@attrs.define
class PlanningWorkshop:
    """One Collaborative Planning Workshop: ideas, a shared ranking, sizes, a Blueprint draft.

    ``participants`` are the stakeholders and team members in the room (the ``owner``, the
    Marketing Owner, is always one of them). Ideas get keys ``I1``, ``I2``... in the order they
    were contributed.
    """

    guidepoint: Guidepoint
    owner: str = attrs.field(converter=one_line)
    participants: tuple[str, ...] = attrs.field(converter=_participants)
    _ideas: dict[str, Idea] = attrs.field(factory=dict, init=False)
    _order: tuple[str, ...] = attrs.field(default=(), init=False)

    def __attrs_post_init__(self) -> None:
        if self.owner.casefold() not in {p.casefold() for p in self.participants}:
            self.participants = (self.owner, *self.participants)

    # --- brainstorm -------------------------------------------------------------------------------

    @property
    def ideas(self) -> tuple[Idea, ...]:
        """Every idea, in the current order (contribution order until prioritised)."""
        order = list(self._order) + [k for k in self._ideas if k not in self._order]
        return tuple(self._ideas[k] for k in order)

    def idea(self, key: str) -> Idea:
        """The idea with ``key``."""
        try:
            return self._ideas[key]
        except KeyError:
            raise NotFound("idea", key, where="planning workshop") from None

    def add_idea(self, title: str, *, by: str, outcome: str | None = None) -> Idea:
        """Put one idea on the wall. Anyone in the room contributes; ideas are not filtered yet.

        An ``outcome`` that is given must be on the Guidepoint (ideas are for its outcomes).
        """
        who = one_line(by)
        if who.casefold() not in {p.casefold() for p in self.participants}:
            raise NotFound(
                "participant", who, where="planning workshop",
                fix="invite them: PlanningWorkshop(participants=[...])",
            )  # fmt: skip
        canonical = None
        if outcome is not None:
            canonical = self.guidepoint.require_serves(f"idea {title!r}", outcome)
        idea = Idea(f"I{len(self._ideas) + 1}", title, who, canonical)
        self._ideas[idea.key] = idea
        return idea

    def brainstorm(self, ideas: Mapping[str, Sequence[str]], *, outcome: str | None = None) -> None:
        """Add many participants' ideas at once (participant -> titles)."""
        for who, titles in ideas.items():
            for title in titles:
                self.add_idea(title, by=who, outcome=outcome)

    def link(self, key: str, outcome: str) -> Idea:
        """Tie an idea to a Guidepoint outcome."""
        idea = self.idea(key)
        linked = attrs.evolve(idea, outcome=self.guidepoint.require_serves(key, outcome))
        self._ideas[key] = linked
        return linked

    # --- prioritise -------------------------------------------------------------------------------

    def prioritise_by_votes(
        self,
        ballots: Mapping[str, Sequence[str]] | Iterable[Ballot],
        *,
        method: Literal["borda", "schulze"] = "borda",
    ) -> Consensus:
        """Rank the ideas from everyone's ballots, by Borda count or the Schulze method.

        ``ballots`` maps each participant to idea keys, best first, or is a list of
        :class:`~agilemarketing.prioritisation.Ballot` (rankings, approval or dot votes). Only
        people in the room vote. The result becomes the workshop's order; the Owner can still
        adjust it with :meth:`owner_orders`.
        """
        if isinstance(ballots, Mapping):
            votes = [Ballot.ranking(who, keys) for who, keys in ballots.items()]
        else:
            votes = list(ballots)
        room = {p.casefold() for p in self.participants}
        strangers = [b.participant for b in votes if b.participant.casefold() not in room]
        if strangers:
            raise NotFound(
                "participant", ", ".join(strangers), where="planning workshop vote",
                fix="only people in the workshop vote",
            )  # fmt: skip
        result = consensus(votes, method=method, items=list(self._ideas))
        self._order = result.order
        return result

    def prioritise_by_moscow(self, categories: Mapping[str, MoSCoW | str]) -> Ranking:
        """Sort the pile with MoSCoW (Must first, Won't last; ties keep contribution order).

        Every idea needs a category; Won't ideas stay visible at the bottom and are never
        winners.
        """
        missing = [k for k in self._ideas if k not in categories]
        if missing:
            raise InvalidValue(
                "every idea needs a MoSCoW category",
                where="planning workshop",
                fix=f"categorise {', '.join(missing)}",
            )
        for key, raw in categories.items():
            self._ideas[key] = attrs.evolve(self.idea(key), moscow=MoSCoW.parse(raw, key=key))
        ranking = prioritise([i.to_item() for i in self._ideas.values()], MoSCoWPrioritiser())
        self._order = tuple(ranking.keys())
        return ranking

    def owner_orders(self, keys: Sequence[str], *, by: str) -> None:
        """The Marketing Owner's final say: a new order of (some of) the ideas, top first."""
        if one_line(by).casefold() != self.owner.casefold():
            raise NotMarketingOwner(one_line(by), owner=self.owner, action="order the ideas")
        for key in keys:
            self.idea(key)
        rest = [k for k in (self._order or tuple(self._ideas)) if k not in keys]
        self._order = (*keys, *rest)

    def winners(self, n: int | None = None) -> tuple[Idea, ...]:
        """The top ideas (Won't ideas never win)."""
        ranked = [i for i in self.ideas if i.moscow is not MoSCoW.WONT]
        return tuple(ranked if n is None else ranked[:n])

    # --- size -------------------------------------------------------------------------------------

    def apply_estimates(self, results: Iterable[PokerResult]) -> None:
        """Record Planning Poker estimates on the ideas they sized."""
        for result in results:
            idea = self.idea(result.item.key)
            self._ideas[idea.key] = attrs.evolve(idea, size=result.item.size)

    def size(self, key: str, size: Size) -> Idea:
        """Record a size reached another way (a quick t-shirt call, an earlier estimate)."""
        idea = attrs.evolve(self.idea(key), size=size)
        self._ideas[key] = idea
        return idea

    def items(self, n: int | None = None) -> list[WorkItem]:
        """The winners as backlog items, best first."""
        return [i.to_item() for i in self.winners(n)]

    def to_backlog(
        self,
        backlog: Backlog,
        *,
        n: int | None = None,
        at: int | None = None,
        by: str | None = None,
    ) -> None:
        """Put the winners into the single backlog, in order, starting at position ``at``.

        ``by`` is who places them; a backlog with an ``owner`` needs the Marketing Owner to
        place them anywhere but the bottom (:class:`~agilemarketing.backlog.Backlog`).
        """
        position = len(backlog) if at is None else at
        for offset, item in enumerate(self.items(n)):
            backlog.insert(item, at=position + offset, by=by)

    # --- blueprint --------------------------------------------------------------------------------

    def draft_blueprint(
        self,
        start: str,
        capacity: float | Sequence[float],
        *,
        first: Iterable[Priority] = (),
        max_priorities: int = MAX_PRIORITIES,
        unit: str = "points",
    ) -> BlueprintDraft:
        """A Blueprint draft from the sized winners, best first, each from the earliest month.

        ``first`` are priorities already agreed (accepted requests, running campaigns); they
        come first and must fit. A priority's effort then fills the free capacity of the
        earliest months (a large one spreads over consecutive months). Ideas that are unsized,
        serve no outcome, or do not fit into the remaining capacity, and winners beyond
        ``max_priorities`` (a Blueprint holds a *few* priorities), are listed as left out with
        the reason.
        """
        if not 1 <= max_priorities <= MAX_PRIORITIES:
            raise InvalidValue(
                f"a Blueprint holds 1 to {MAX_PRIORITIES} priorities",
                where="draft_blueprint(max_priorities=...)",
                fix=f"give a number from 1 to {MAX_PRIORITIES}; keep the rest in the backlog",
                value=max_priorities,
            )
        blueprint = Blueprint(self.guidepoint, month_of(start), capacity, first, unit=unit)
        left: list[LeftOut] = []
        for idea in self.winners():
            if idea.outcome is None:
                left.append(LeftOut(idea.key, idea.title, "serves no Guidepoint outcome"))
                continue
            if len(blueprint.priorities) >= max_priorities:
                left.append(
                    LeftOut(
                        idea.key,
                        idea.title,
                        f"beyond the {max_priorities} priorities a Blueprint holds",
                    )
                )
                continue
            if idea.size is None:
                left.append(LeftOut(idea.key, idea.title, "not sized yet"))
                continue
            need = idea.size.value if unit == "points" else 1.0
            effort: dict[str, float] = {}
            for month in blueprint.months:
                take = min(blueprint.free(month), need - sum(effort.values()))
                if take > 1e-9:
                    effort[month] = take
                if sum(effort.values()) >= need - 1e-9:
                    break
            if sum(effort.values()) < need - 1e-9 or need <= 0:
                free = sum(blueprint.free(m) for m in blueprint.months)
                left.append(
                    LeftOut(
                        idea.key, idea.title, f"needs {need:g} {unit}, {free:g} left in the quarter"
                    )
                )
                continue
            try:
                blueprint = blueprint.add(Priority(idea.title, idea.outcome, effort))
            except BlueprintOverCapacity as exc:  # pragma: no cover - guarded by the loop above
                left.append(LeftOut(idea.key, idea.title, str(exc)))
        return BlueprintDraft(blueprint, tuple(left))


# --- launches -------------------------------------------------------------------------------------


def _slice_text(value: str) -> str:
    return one_line(value)


@attrs.frozen
class LaunchSlice:
    """One launchable piece of a campaign and the value it delivers on its own."""

    name: str = attrs.field(converter=_slice_text)
    value: str = attrs.field(converter=_slice_text)
    size: Size | None = None


def _slices(
    value: Iterable[LaunchSlice | tuple[str, str] | tuple[str, str, Size]],
) -> tuple[LaunchSlice, ...]:
    slices = []
    for s in sequence(value, "LaunchPlan.slices", fix=_SLICES):
        if isinstance(s, LaunchSlice):
            slices.append(s)
            continue
        if not isinstance(s, tuple | list) or not 2 <= len(s) <= 3:
            raise InvalidValue(
                "expected a LaunchSlice or a (name, value[, size]) tuple",
                where="LaunchPlan.slices", fix=_SLICES,
                value=s if isinstance(s, str) else type(s).__name__,
            )  # fmt: skip
        slices.append(LaunchSlice(*s))
    return tuple(slices)


_SLICES = 'give slices such as [("Teaser video", "prospects see the app in 30 seconds"), ...]'


@attrs.frozen
class LaunchPlan:
    """A campaign split into launchable slices, in release order (a minimum viable launch).

    Rules: at least two slices (one slice is all-or-nothing: ask "what is the earliest part we
    can release?"), each with the value it delivers on its own, names unique.

    >>> plan = LaunchPlan("Banking app launch", "pipeline", [
    ...     ("Teaser video", "prospects see the app in 30 seconds", Size.points(3)),
    ...     ("Landing page + sign-up", "prospects can ask for a demo", Size.points(5)),
    ...     ("Email nurture", "sign-ups get a 3-step tour", Size.points(5)),
    ... ])
    >>> plan.first.name, plan.release_cycles(per_cycle=8)
    ('Teaser video', {'Teaser video': 1, 'Landing page + sign-up': 1, 'Email nurture': 2})
    """

    campaign: str = attrs.field(converter=one_line)
    outcome: str = attrs.field(converter=one_line)
    slices: tuple[LaunchSlice, ...] = attrs.field(converter=_slices)

    def __attrs_post_init__(self) -> None:
        problems: list[InvalidValue] = []
        if len(self.slices) < 2:
            problems.append(
                InvalidValue(
                    "a launch in one piece is all-or-nothing",
                    where=f"campaign {self.campaign!r}",
                    fix="ask: what is the earliest part of it we can put in front of customers?",
                )
            )
        names = [s.name.casefold() for s in self.slices]
        for s in self.slices:
            if not s.name or not s.value:
                problems.append(
                    InvalidValue(
                        "every slice needs a name and the value it delivers on its own",
                        where=f"campaign {self.campaign!r}, slice {s.name or '?'!r}",
                        fix='say what customers get from this slice alone ("value=...")',
                    )
                )
            if names.count(s.name.casefold()) > 1:
                problems.append(
                    InvalidValue(
                        f"slice {s.name!r} appears twice",
                        where=f"campaign {self.campaign!r}",
                        fix="name each slice once",
                    )
                )
        raise_all(problems, f"campaign {self.campaign!r} is not a minimum viable launch")

    @property
    def first(self) -> LaunchSlice:
        """The slice that goes out first: the minimum viable launch."""
        return self.slices[0]

    def items(self, prefix: str) -> list[WorkItem]:
        """One backlog item per slice, keys ``{prefix}-1``..., in release order."""
        return [
            WorkItem(
                f"{prefix}-{n}", f"{self.campaign}: {s.name}", kind="campaign", size=s.size,
                outcome=self.outcome, labels={self.campaign},
                fields={"slice": n, "value": s.value},
            )
            for n, s in enumerate(self.slices, start=1)
        ]  # fmt: skip

    def release_cycles(self, *, per_cycle: float) -> dict[str, int]:
        """The cycle (1, 2...) by which each slice can go out, at ``per_cycle`` points a cycle.

        Slices are built in order, so each goes out no later than the next; the first goes out
        earliest. Unsized slices count as zero.
        """
        if not per_cycle > 0:
            raise InvalidValue(
                "per-cycle capacity must be positive",
                where="release_cycles",
                fix="give the points the team finishes in one cycle, more than 0",
                value=per_cycle,
            )
        done = 0.0
        out: dict[str, int] = {}
        for s in self.slices:
            done += 0.0 if s.size is None else s.size.value
            out[s.name] = max(1, math.ceil(done / per_cycle - 1e-9))
        return out


# --- cycle planning -------------------------------------------------------------------------------


@attrs.frozen
class CyclePlan:
    """What Cycle Planning committed, and what it did not take and why."""

    cycle: str
    capacity: str
    committed: tuple[WorkItem, ...]
    left_out: tuple[LeftOut, ...]

    def explain(self) -> str:
        """The plan in words, for the team and the Marketing Owner."""
        lines = [f"{self.cycle} (capacity {self.capacity}): {len(self.committed)} committed"]
        lines += [f"  + {i.key} {i.title} ({i.size or 'unsized'})" for i in self.committed]
        if self.left_out:
            lines.append("Not this cycle:")
            lines += [f"  - {x}" for x in self.left_out]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()


def plan_cycle(
    backlog: Backlog | Sequence[WorkItem],
    run: CycleRun,
    *,
    board: Board | None = None,
    stage: str | None = None,
    look_ahead: int = 5,
    at: datetime | str | None = None,
) -> CyclePlan:
    """Commit work from the top of the backlog within capacity and the WIP limit; explain the rest.

    Items are taken strictly in backlog order (the order is the Marketing Owner's): planning
    stops at the first item that does not fit the capacity left, is unsized (for a capacity in
    points), or would take ``stage`` of ``board`` over its WIP limit (``stage`` defaults to the
    board's first stage, where committed work waits). That item and the next ``look_ahead``
    items are reported as left out, each with its reason. The committed items go into ``run``
    (:meth:`~agilemarketing.cycles.CycleRun.commit`) and, with a board, onto it in ``stage``.
    ``at`` is when the planning happens (default: the run's clock); planning after the cycle
    has started is refused, because work taken on then is unplanned
    (:class:`~agilemarketing.errors.CycleStateError`).

    >>> from datetime import datetime, UTC
    >>> from agilemarketing.cycles import Capacity, Cycle
    >>> run = CycleRun(Cycle("Cycle 1", datetime(2026, 4, 6, tzinfo=UTC), Capacity.points(8)))
    >>> plan = plan_cycle([WorkItem("A", "Video", size=Size.points(5)),
    ...                    WorkItem("B", "Landing page", size=Size.points(5)),
    ...                    WorkItem("C", "Post", size=Size.points(1))], run,
    ...                   at="2026-04-03T14:00:00Z")
    >>> [i.key for i in plan.committed], [x.key for x in plan.left_out]
    (['A'], ['B', 'C'])
    >>> print(plan.left_out[0].reason)
    needs 5 pt, 3 pt of capacity left
    """
    moment = run.now() if at is None else ensure_utc(at, where="plan_cycle(at=...)")
    capacity = run.cycle.capacity
    room = run.remaining
    wip_room: float = math.inf
    target = None
    if board is not None:
        target = board.workflow.stage(stage) if stage else board.workflow.stages[0]
        if target.wip.maximum is not None:
            wip_room = target.wip.maximum - len(board.keys_in(target.name))
    taken: list[WorkItem] = []
    left: list[LeftOut] = []
    blocker: str | None = None
    unit = "pt" if capacity.unit is CapacityUnit.POINTS else "items"
    for item in backlog:
        if blocker is not None:
            if len(left) > look_ahead:
                break
            left.append(
                LeftOut(
                    item.key,
                    item.title,
                    f"waits behind {blocker} (the backlog "
                    "order is the Marketing Owner's; planning does not skip ahead)",
                )
            )
            continue
        if item.key in {i.key for i in run.committed}:
            continue
        reason = None
        if capacity.unit is CapacityUnit.POINTS and item.size is None:
            reason = "not sized yet (size it with Planning Poker first)"
        else:
            need = capacity.measure([item])
            if need > room + 1e-9:
                reason = f"needs {need:g} {unit}, {max(room, 0):g} {unit} of capacity left"
            elif len(taken) + 1 > wip_room:
                assert target is not None
                reason = f"the WIP limit of {target.name!r} ({target.wip.maximum}) is reached"
        if reason is not None:
            left.append(LeftOut(item.key, item.title, reason))
            blocker = item.key
            continue
        taken.append(item)
        room -= capacity.measure([item])
    run.commit(taken, at=moment)
    if isinstance(backlog, Backlog):
        for item in taken:
            backlog.remove(item.key)
    if board is not None and target is not None:
        for item in taken:
            board.add(item, target.name, at=run.cycle.start)
    return CyclePlan(run.cycle.name, str(capacity), tuple(taken), tuple(left))
