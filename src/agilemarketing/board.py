"""The live board: which item is in which stage since when, WIP limits, blockers, the Daily Huddle.

A :class:`Board` holds the current state of a team's work over a
:class:`~agilemarketing.workflow.Workflow`. It enforces two rules of agile marketing:

* **WIP limits.** Pulling an item into a stage whose maximum is reached raises
  :class:`~agilemarketing.errors.WipBreach`, unless the caller records a deliberate exception
  with a :class:`WipOverride` (kept in :attr:`Board.overrides` and shown at the huddle).
* **Definition of Done.** Moving an item into a done stage checks the board's
  :class:`~agilemarketing.done.DefinitionOfDone` and raises
  :class:`~agilemarketing.errors.NotDone` listing every unmet criterion.

A refused move never changes the board.

>>> from datetime import datetime, UTC
>>> from agilemarketing.items import WorkItem
>>> from agilemarketing.workflow import Workflow
>>> monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
>>> board = Board(Workflow.from_shorthand("Ready,Doing,Done", wip={"Doing": 1}))
>>> board.add(WorkItem("C-1", "Webinar landing page"), at=monday).stage
'Ready'
>>> board.add(WorkItem("C-2", "Webinar invite email"), at=monday).stage
'Ready'
>>> board.pull("C-1", "Doing", at=monday).stage
'Doing'
>>> board.pull("C-2", "Doing", at=monday)
Traceback (most recent call last):
...
agilemarketing.errors.WipBreach: stage 'Doing': pulling C-2 would exceed the WIP limit of 1 \
(it already holds 1: C-1). Fix: ...
>>> board.counts()
{'Ready': 1, 'Doing': 1, 'Done': 0}
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta

import attrs

from agilemarketing._text import duration, table
from agilemarketing.done import DefinitionOfDone, DoneCheck
from agilemarketing.errors import InvalidValue, NotDone, NotFound, WipBreach
from agilemarketing.history import BlockedPeriod
from agilemarketing.items import WorkItem
from agilemarketing.utc import ensure_utc, utcnow
from agilemarketing.validators import a, one_line, required
from agilemarketing.workflow import Stage, StageCategory, Workflow

__all__ = [
    "Blocker",
    "Board",
    "HuddleItem",
    "HuddleView",
    "OverrideRecord",
    "Placement",
    "StageLoad",
    "WipOverride",
]


_A_WORKFLOW = a(Workflow, "Board(workflow)", fix='give Workflow.from_shorthand("Ready,Doing,Done")')


@attrs.frozen
class WipOverride:
    """A deliberate, recorded exception to a WIP limit: why, and who decided.

    >>> WipOverride("launch date fixed by the trade show", by="Marketing Owner")
    WipOverride(reason='launch date fixed by the trade show', by='Marketing Owner')
    """

    reason: str = attrs.field(converter=one_line, validator=required)
    by: str = attrs.field(converter=one_line, validator=required)


@attrs.frozen
class OverrideRecord:
    """A pull that went over a WIP limit because a :class:`WipOverride` was given.

    >>> from datetime import UTC
    >>> record = OverrideRecord("C-2", "Doing", 1, ("C-1",), WipOverride("date is public", "Maya"),
    ...                         datetime(2026, 3, 2, 9, tzinfo=UTC))
    >>> print(record)
    C-2 into 'Doing' over its limit of 1 ('date is public', by Maya)
    """

    key: str
    stage: str
    limit: int
    holding: tuple[str, ...]
    override: WipOverride
    at: datetime

    def __str__(self) -> str:
        return (
            f"{self.key} into {self.stage!r} over its limit of {self.limit} "
            f"({self.override.reason!r}, by {self.override.by})"
        )


@attrs.frozen
class Blocker:
    """Why an item cannot move, and since when.

    >>> from datetime import UTC
    >>> Blocker("waiting for  legal", since="2026-03-03T10:00:00+01:00")
    Blocker(reason='waiting for legal', since=datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.timezone.utc))
    """  # noqa: E501

    reason: str = attrs.field(converter=one_line, validator=required)
    since: datetime = attrs.field(converter=ensure_utc)


@attrs.frozen
class Placement:
    """Where one item is: its stage and since when, and its blocker if it is blocked.

    >>> from datetime import UTC
    >>> board = Board(Workflow.from_shorthand("Ready,Doing,Done"))
    >>> _ = board.add(WorkItem("C-1", "Landing page"), at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    >>> _ = board.block("C-1", "waiting for legal", at=datetime(2026, 3, 3, 9, tzinfo=UTC))
    >>> place = board.placement("C-1")
    >>> place.key, place.stage, place.since.day, place.blocker.reason
    ('C-1', 'Ready', 2, 'waiting for legal')
    """

    item: WorkItem
    stage: str
    since: datetime
    blocker: Blocker | None = None

    @property
    def key(self) -> str:
        """The item's key."""
        return self.item.key


@attrs.frozen
class StageLoad:
    """A stage's item count against one of its WIP limits (for stages over or under a limit).

    >>> load = StageLoad("Review", count=0, limit=1, keys=())
    >>> f"{load.stage}: {load.count} of at least {load.limit}"
    'Review: 0 of at least 1'
    """

    stage: str
    count: int
    limit: int
    keys: tuple[str, ...]
    overrides: tuple[OverrideRecord, ...] = ()


@attrs.frozen
class HuddleItem:
    """One unfinished item as the Daily Huddle sees it.

    ``age`` runs from when the item started (None while it waits in a to-do stage);
    ``in_stage`` is the time in its current stage; ``ageing`` says which threshold it is past
    and ``over_by`` by how much (both None while it is not ageing).

    An example is at :class:`HuddleView`.
    """

    key: str
    title: str
    stage: str
    category: StageCategory
    age: timedelta | None
    in_stage: timedelta
    blocker: Blocker | None = None
    blocked_for: timedelta | None = None
    ageing: str | None = None
    over_by: timedelta | None = None


@attrs.frozen
class HuddleView:
    """The board as the Daily Huddle needs it: in progress, blocked, ageing, limits.

    ``print(view)`` renders it as aligned text for a terminal or a chat message.

    >>> from datetime import UTC, timedelta
    >>> monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> board = Board(Workflow.from_shorthand("Ready,Doing,Done", wip={"Doing": 1}))
    >>> for key in ("C-1", "C-2"):
    ...     _ = board.add(WorkItem(key, f"Webinar piece {key}"), at=monday)
    >>> _ = board.pull("C-1", "Doing", at=monday)
    >>> _ = board.pull("C-2", "Doing", at=monday, override=WipOverride("date is public", by="Maya"))
    >>> _ = board.block("C-1", "waiting for legal", at=monday + timedelta(days=1))
    >>> print(board.huddle(monday + timedelta(days=4), ageing_after=timedelta(days=3)))
    Daily Huddle, Fri 06 Mar 2026 09:00 UTC
    <BLANKLINE>
    In progress (2)
      KEY  STAGE  AGE  IN STAGE  FLAGS           TITLE
      C-1  Doing  4d   4d        blocked ageing  Webinar piece C-1
      C-2  Doing  4d   4d        ageing          Webinar piece C-2
    <BLANKLINE>
    Blocked (1)
      KEY  STAGE  FOR  REASON
      C-1  Doing  3d   waiting for legal
    <BLANKLINE>
    Ageing (2, older than 3d)
      KEY  STAGE  AGE  OVER BY
      C-1  Doing  4d   1d
      C-2  Doing  4d   1d
    <BLANKLINE>
    Over WIP limit (1)
      STAGE  ITEMS  KEYS
      Doing  2/1    C-1, C-2
        override: C-2 into 'Doing' over its limit of 1 ('date is public', by Maya)
    >>> later = board.huddle(monday + timedelta(days=4, hours=6), ageing_after=timedelta(days=3))
    >>> item = later.ageing[0]
    >>> item.key, item.ageing, item.over_by
    ('C-1', '3d', datetime.timedelta(days=1, seconds=21600))
    """

    at: datetime
    items: tuple[HuddleItem, ...]
    over_limit: tuple[StageLoad, ...]
    starved: tuple[StageLoad, ...]
    ageing_rule: str | None = None

    @property
    def in_progress(self) -> tuple[HuddleItem, ...]:
        """Items in in-progress stages, oldest first."""
        return tuple(i for i in self.items if i.category is StageCategory.IN_PROGRESS)

    @property
    def blocked(self) -> tuple[HuddleItem, ...]:
        """Unfinished items that are blocked, longest-blocked first."""
        found = [i for i in self.items if i.blocker is not None]
        return tuple(sorted(found, key=lambda i: i.blocker.since if i.blocker else self.at))

    @property
    def ageing(self) -> tuple[HuddleItem, ...]:
        """In-progress items older than the ageing threshold, oldest first."""
        return tuple(i for i in self.in_progress if i.ageing is not None)

    def to_text(self) -> str:
        """The view as readable, aligned text."""
        lines = [f"Daily Huddle, {self.at:%a %d %b %Y %H:%M} UTC", ""]
        active = self.in_progress
        lines.append(f"In progress ({len(active)})")
        if active:
            rows = [
                [
                    i.key,
                    i.stage,
                    duration(i.age) if i.age is not None else "-",
                    duration(i.in_stage),
                    " ".join(
                        flag
                        for flag in ("blocked" if i.blocker else "", "ageing" if i.ageing else "")
                        if flag
                    ),
                    i.title,
                ]
                for i in active
            ]
            lines += table(["KEY", "STAGE", "AGE", "IN STAGE", "FLAGS", "TITLE"], rows)
        else:
            lines.append("  nothing in progress")
        blocked = self.blocked
        lines += ["", f"Blocked ({len(blocked)})"]
        if blocked:
            lines += table(
                ["KEY", "STAGE", "FOR", "REASON"],
                [
                    [
                        i.key,
                        i.stage,
                        duration(i.blocked_for) if i.blocked_for is not None else "-",
                        i.blocker.reason if i.blocker else "",
                    ]
                    for i in blocked
                ],
            )
        else:
            lines.append("  nothing blocked")
        if self.ageing_rule is not None:
            ageing = self.ageing
            lines += ["", f"Ageing ({len(ageing)}, {self.ageing_rule})"]
            if ageing:
                # A fixed threshold is in the heading; with percentiles, say which one was passed.
                by_percentile = self.ageing_rule == _BY_CYCLE_TIME
                lines += table(
                    ["KEY", "STAGE", "AGE", *(["PAST"] if by_percentile else []), "OVER BY"],
                    [
                        [
                            i.key,
                            i.stage,
                            duration(i.age or timedelta()),
                            *([i.ageing] if by_percentile else []),
                            duration(i.over_by or timedelta()),
                        ]
                        for i in ageing
                    ],
                )
            else:
                lines.append("  nothing ageing")
        lines += ["", f"Over WIP limit ({len(self.over_limit)})"]
        if self.over_limit:
            lines += table(
                ["STAGE", "ITEMS", "KEYS"],
                [[s.stage, f"{s.count}/{s.limit}", ", ".join(s.keys)] for s in self.over_limit],
            )
            for load in self.over_limit:
                lines += [f"    override: {record}" for record in load.overrides]
        else:
            lines.append("  every stage within its maximum")
        if self.starved:
            lines += ["", f"Under WIP minimum ({len(self.starved)})"]
            lines += table(
                ["STAGE", "ITEMS", "MINIMUM"],
                [[s.stage, s.count, s.limit] for s in self.starved],
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


AgeingRule = timedelta | Mapping[float, timedelta | float]
_BY_CYCLE_TIME = "by cycle time"


def _ageing_thresholds(rule: AgeingRule) -> list[tuple[str, timedelta]]:
    """Thresholds ascending, each with its label (``"5d"`` or ``"p85 (8d)"``)."""
    where = "Board.huddle(ageing_after=...)"
    if isinstance(rule, timedelta):
        if rule < timedelta(0):
            raise InvalidValue(
                "the ageing threshold must not be negative",
                where=where,
                fix="give a duration such as timedelta(days=5)",
                value=rule,
            )
        return [(duration(rule), rule)]
    spans: dict[float, timedelta] = {}
    bad = False
    for pct, value in rule.items():
        span = value if isinstance(value, timedelta) else None
        if span is None and isinstance(value, int | float) and math.isfinite(value):
            span = timedelta(days=float(value))
        if span is None or not 0 < pct <= 100 or span < timedelta(0):
            bad = True
        else:
            spans[float(pct)] = span
    if bad or not spans:
        raise InvalidValue(
            "ageing percentiles must map a percentile in (0, 100] to a duration of 0 or more",
            where=where,
            fix="pass cycle-time percentiles, e.g. {50: timedelta(days=3), 85: timedelta(days=8)}"
            " or in days, {50: 3.0, 85: 8.0}",
            value=dict(rule),
        )
    return [(f"p{pct:g} ({duration(span)})", span) for pct, span in sorted(spans.items())]


@attrs.define(repr=False)
class Board:
    """The live board of one team: items in stages, blockers, WIP limits and Done checks.

    Args:
        workflow: the team's stages and their WIP limits.
        definition_of_done: checked whenever an item moves into a done-category stage; None for
            no check.

    The board keeps its own copy of each item and records on it when work started
    (``started_at``, the first time it reached the workflow's start stage or later) and finished
    (``done_at``, on entering a done stage; cleared if it is moved back).

    >>> from datetime import UTC
    >>> from agilemarketing.done import DefinitionOfDone
    >>> board = Board(Workflow.from_shorthand("Ready,Doing,Done", wip={"Doing": 2}),
    ...               DefinitionOfDone(["Proofread", "Links checked"]))
    >>> monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> _ = board.add(WorkItem("C-1", "Newsletter", done_criteria={"Proofread"}), at=monday)
    >>> board.pull("C-1", "Doing", at=monday).item.started_at == monday
    True
    >>> board.pull("C-1", "Done", at=monday)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    agilemarketing.errors.NotDone: item C-1, into 'Done': ... unmet: 'Links checked'...
    >>> board.counts()
    {'Ready': 0, 'Doing': 1, 'Done': 0}
    """

    workflow: Workflow = attrs.field(validator=_A_WORKFLOW)
    definition_of_done: DefinitionOfDone | None = attrs.field(
        default=None,
        validator=a(DefinitionOfDone, "Board(definition_of_done)", optional=True,
                    fix="give the team's DefinitionOfDone([...]), or leave it out"),
    )  # fmt: skip
    _items: dict[str, WorkItem] = attrs.field(init=False, factory=dict)
    _stage: dict[str, int] = attrs.field(init=False, factory=dict)
    _since: dict[str, datetime] = attrs.field(init=False, factory=dict)
    _members: list[dict[str, None]] = attrs.field(init=False)
    _blockers: dict[str, Blocker] = attrs.field(init=False, factory=dict)
    _blocked_log: dict[str, list[BlockedPeriod]] = attrs.field(init=False, factory=dict)
    _overrides: list[OverrideRecord] = attrs.field(init=False, factory=list)

    @_members.default
    def _empty_stages(self) -> list[dict[str, None]]:
        _A_WORKFLOW(self, None, self.workflow)  # before it is used (validators run last)
        return [{} for _ in self.workflow.stages]

    # --- changes ----------------------------------------------------------------------------------

    def add(
        self,
        item: WorkItem,
        stage: str | None = None,
        *,
        at: datetime | str | None = None,
        override: WipOverride | None = None,
    ) -> Placement:
        """Put a new item on the board, in the first stage unless ``stage`` is given.

        The WIP limit and the Definition of Done of the target stage apply as for :meth:`pull`.
        """
        if item.key in self._items:
            raise InvalidValue(
                "the item is already on the board",
                where=f"item {item.key}, stage {self.stage_of(item.key).name!r}",
                fix="move it with pull(); use update() to change its details",
            )
        index = 0 if stage is None else self.workflow.index_of(stage)
        when = utcnow() if at is None else ensure_utc(at, where=f"item {item.key}, at")
        return self._place(item, index, when, override)

    def pull(
        self,
        key: str,
        stage: str,
        *,
        at: datetime | str | None = None,
        override: WipOverride | None = None,
    ) -> Placement:
        """Move the item ``key`` into ``stage`` (forward or back) at ``at`` (default: now).

        Raises:
            WipBreach: the stage's maximum is reached and no ``override`` was given.
            NotDone: the stage is a done stage and the item's Definition of Done does not hold.
            InvalidValue: ``at`` is before the item entered its current stage.
            NotFound: no such item or stage.

        Moving an item into the stage it is already in changes nothing. A blocked item can
        still move; its blocker stays until :meth:`unblock`.
        """
        item = self.item(key)
        index = self.workflow.index_of(stage)
        when = utcnow() if at is None else ensure_utc(at, where=f"item {key}, at")
        if index == self._stage[key]:
            return self.placement(key)
        if when < self._since[key]:
            raise InvalidValue(
                f"the move is dated before the item entered {self.stage_of(key).name!r} "
                f"({self._since[key].isoformat()})",
                where=f"item {key}, pull to {stage!r}",
                fix="record moves in the order they happened",
                value=when.isoformat(),
            )
        return self._place(item, index, when, override)

    def _place(
        self, item: WorkItem, index: int, when: datetime, override: WipOverride | None
    ) -> Placement:
        """Check every rule first, then change the state (so a refused move changes nothing)."""
        target = self.workflow.stages[index]
        record = None
        if not target.wip.allows(len(self._members[index]) + 1):
            limit = int(target.wip.maximum or 0)
            holding = tuple(self._members[index])
            if override is None:
                raise WipBreach(item.key, target.name, limit, holding)
            record = OverrideRecord(item.key, target.name, limit, holding, override, when)
        updated = item
        if index >= self.workflow.index_of(str(self.workflow.start)) and item.started_at is None:
            updated = attrs.evolve(updated, started_at=when)
        if target.category is StageCategory.DONE:
            if self.definition_of_done is not None:
                check = self.definition_of_done.check(updated)
                if not check.is_done:
                    raise NotDone(
                        item.key,
                        check.unmet,
                        check.met,
                        where=f"item {item.key}, into {target.name!r}",
                    )
            if updated.done_at is None:
                updated = attrs.evolve(updated, done_at=when)
        elif updated.done_at is not None:
            updated = attrs.evolve(updated, done_at=None)
        # every check passed: commit
        previous = self._stage.get(item.key)
        if previous is not None:
            del self._members[previous][item.key]
        self._members[index][item.key] = None
        self._items[item.key] = updated
        self._stage[item.key] = index
        self._since[item.key] = when
        if record is not None:
            self._overrides.append(record)
        return self.placement(item.key)

    def update(self, item: WorkItem) -> Placement:
        """Replace the details of an item already on the board (same key); its place is kept.

        Raises:
            NotDone: the item is in a done stage and the new version's Definition of Done does
                not hold (an item is only done when it holds; move it back first).
        """
        self._require(item.key)
        stage = self.stage_of(item.key)
        if stage.category is StageCategory.DONE and self.definition_of_done is not None:
            check = self.definition_of_done.check(item)
            if not check.is_done:
                raise NotDone(
                    item.key,
                    check.unmet,
                    check.met,
                    where=f"item {item.key}, update in {stage.name!r}",
                )
        self._items[item.key] = item
        return self.placement(item.key)

    def meet(self, key: str, *criteria: str) -> DoneCheck | None:
        """Record that the item meets Definition-of-Done ``criteria``; return its Done check.

        Each criterion must be on the item's checklist (case and spaces aside): a name that is
        not is refused, naming the closest one, so a typo is never recorded as met. Returns
        None when the board has no Definition of Done (then any name is recorded).

        Raises:
            NotFound: a criterion is not on the item's checklist.
        """
        item = self.item(key)
        if self.definition_of_done is not None:
            criteria = self.definition_of_done.criteria_named(criteria, item)
        item = item.with_criteria_met(*criteria)
        self._items[key] = item
        return self.done_check(key)

    def done_check(self, key: str) -> DoneCheck | None:
        """The item's progress against the board's Definition of Done (None without one)."""
        if self.definition_of_done is None:
            return None
        return self.definition_of_done.check(self.item(key))

    def block(self, key: str, reason: str, *, at: datetime | str | None = None) -> Blocker:
        """Mark the item blocked (waiting on an expert, an approval, a hand-off...)."""
        self._require(key)
        if key in self._blockers:
            raise InvalidValue(
                f"the item is already blocked ({self._blockers[key].reason!r})",
                where=f"item {key}",
                fix="unblock it first to record a new reason",
            )
        blocker = Blocker(reason, utcnow() if at is None else at)
        self._blockers[key] = blocker
        return blocker

    def unblock(self, key: str, *, at: datetime | str | None = None) -> BlockedPeriod:
        """Clear the item's blocker; return the blocked period it ends."""
        self._require(key)
        blocker = self._blockers.get(key)
        if blocker is None:
            raise InvalidValue(
                "the item is not blocked", where=f"item {key}", fix="check the item key"
            )
        period = BlockedPeriod(blocker.since, utcnow() if at is None else at)
        if period.end is not None and period.end < period.start:
            raise InvalidValue(
                "unblocked before it was blocked",
                where=f"item {key}",
                fix=f"give a time after {period.start.isoformat()}",
                value=period.end.isoformat(),
            )
        del self._blockers[key]
        self._blocked_log.setdefault(key, []).append(period)
        return period

    def remove(self, key: str) -> WorkItem:
        """Take the item off the board (declined, archived); return it as the board knew it."""
        self._require(key)
        del self._members[self._stage.pop(key)][key]
        del self._since[key]
        self._blockers.pop(key, None)
        self._blocked_log.pop(key, None)
        return self._items.pop(key)

    # --- queries ----------------------------------------------------------------------------------

    def _require(self, key: str) -> None:
        if key not in self._items:
            raise NotFound("item", key, where="board", fix="add() the item to the board first")

    def item(self, key: str) -> WorkItem:
        """The item ``key`` as the board knows it (with started/done times and criteria met)."""
        self._require(key)
        return self._items[key]

    def placement(self, key: str) -> Placement:
        """Where the item ``key`` is, since when, and its blocker."""
        self._require(key)
        return Placement(
            self._items[key],
            self.workflow.stages[self._stage[key]].name,
            self._since[key],
            self._blockers.get(key),
        )

    def stage_of(self, key: str) -> Stage:
        """The stage the item ``key`` is in."""
        self._require(key)
        return self.workflow.stages[self._stage[key]]

    def keys_in(self, stage: str) -> tuple[str, ...]:
        """Keys of the items in ``stage``, in the order they entered it."""
        return tuple(self._members[self.workflow.index_of(stage)])

    def counts(self) -> dict[str, int]:
        """How many items each stage holds, in board order."""
        return {s.name: len(m) for s, m in zip(self.workflow.stages, self._members, strict=True)}

    def blocked_periods(self, key: str) -> tuple[BlockedPeriod, ...]:
        """Every time the item was blocked on this board, the current one last (open)."""
        self._require(key)
        periods = list(self._blocked_log.get(key, ()))
        if key in self._blockers:
            periods.append(BlockedPeriod(self._blockers[key].since))
        return tuple(periods)

    @property
    def overrides(self) -> tuple[OverrideRecord, ...]:
        """Every WIP override used on this board, oldest first."""
        return tuple(self._overrides)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        counts = ", ".join(f"{name!r}: {n}" for name, n in self.counts().items())
        return f"<Board {len(self)} items {{{counts}}}>"

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[Placement]:
        """Placements in board order: by stage, then by when they entered it."""
        for members in self._members:
            for key in members:
                yield self.placement(key)

    def over_limit(self) -> tuple[StageLoad, ...]:
        """Stages holding more than their maximum (only possible through overrides)."""
        loads = []
        for stage, members in zip(self.workflow.stages, self._members, strict=True):
            if not stage.wip.allows(len(members)):
                keys = tuple(members)
                used = tuple(
                    r for r in self._overrides if r.stage == stage.name and r.key in members
                )
                loads.append(
                    StageLoad(stage.name, len(keys), int(stage.wip.maximum or 0), keys, used)
                )
        return tuple(loads)

    def starved(self) -> tuple[StageLoad, ...]:
        """Stages holding fewer items than their minimum."""
        return tuple(
            StageLoad(stage.name, len(members), int(stage.wip.minimum or 0), tuple(members))
            for stage, members in zip(self.workflow.stages, self._members, strict=True)
            if stage.wip.is_under(len(members))
        )

    def huddle(
        self,
        now: datetime | str | None = None,
        *,
        ageing_after: AgeingRule | None = None,
    ) -> HuddleView:
        """The Daily Huddle view at ``now`` (default: the current time).

        Args:
            now: the moment of the huddle.
            ageing_after: when an in-progress item counts as ageing: a duration
                (``timedelta(days=5)``), or cycle-time percentiles from the team's own history
                (``{50: timedelta(days=3), 85: timedelta(days=8)}``; plain numbers are days, as
                ``agilemarketing.metrics`` reports percentiles), in which case an item is
                ageing past the lowest percentile and labelled with the highest one it passed.
                None leaves ageing out.
        """
        at = utcnow() if now is None else ensure_utc(now, where="Board.huddle(now=...)")
        thresholds = None if ageing_after is None else _ageing_thresholds(ageing_after)
        rule = None
        if thresholds is not None:
            rule = f"older than {thresholds[0][0]}" if len(thresholds) == 1 else _BY_CYCLE_TIME
        items = []
        for stage, members in zip(self.workflow.stages, self._members, strict=True):
            if stage.category is StageCategory.DONE:
                continue
            for key in members:
                item = self._items[key]
                blocker = self._blockers.get(key)
                age = None
                if stage.category is StageCategory.IN_PROGRESS:
                    age = at - (item.started_at or self._since[key])
                label = over_by = None
                if age is not None and thresholds is not None:
                    passed = [(name, span) for name, span in thresholds if age > span]
                    if passed:
                        label, over_by = passed[-1][0], age - passed[-1][1]
                items.append(
                    HuddleItem(
                        key=key,
                        title=item.title,
                        stage=stage.name,
                        category=stage.category,
                        age=age,
                        in_stage=at - self._since[key],
                        blocker=blocker,
                        blocked_for=None if blocker is None else at - blocker.since,
                        ageing=label,
                        over_by=over_by,
                    )
                )
        items.sort(key=lambda i: -(i.age or timedelta(0)).total_seconds())
        return HuddleView(at, tuple(items), self.over_limit(), self.starved(), rule)
