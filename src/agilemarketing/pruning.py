"""Pruning the backlog: the rules that say which items no longer belong, and the plan.

A :class:`PruneRule` is any callable returning why an item should go (or ``None``);
:class:`Stale`, :class:`OutsideOutcomes` and :class:`WontHave` are the ready ones.
:meth:`Backlog.plan_prune <agilemarketing.backlog.Backlog.plan_prune>` reports which items no
longer belong and why as a :class:`PrunePlan`, without changing anything;
:meth:`Backlog.apply_prune <agilemarketing.backlog.Backlog.apply_prune>` removes exactly those.

>>> from agilemarketing.items import WorkItem
>>> OutsideOutcomes({"pipeline"})(WorkItem("MKT-1", "Trade fair", outcome="awareness"))
"serves 'awareness', not a current Guidepoint outcome"
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol, runtime_checkable

import attrs

from agilemarketing.errors import InvalidValue
from agilemarketing.items import WorkItem
from agilemarketing.moscow import MoSCoW
from agilemarketing.utc import ensure_utc, utcnow
from agilemarketing.validators import number, texts

__all__ = ["OutsideOutcomes", "PruneCandidate", "PrunePlan", "PruneRule", "Stale", "WontHave"]


@runtime_checkable
class PruneRule(Protocol):
    """A reason to prune: called with an item, returns why it should go, or ``None`` to keep it.

    Any callable of that shape is a rule; :class:`Stale`, :class:`OutsideOutcomes` and
    :class:`WontHave` are the ready ones. A rule raises
    :class:`~agilemarketing.errors.InvalidValue` (naming the item) when an item's data is
    unusable; :meth:`Backlog.plan_prune` reports all such problems together.

    >>> def no_owner(item):
    ...     return None if item.stakeholder else "nobody asked for it"
    >>> isinstance(no_owner, PruneRule)
    True
    """

    def __call__(self, item: WorkItem) -> str | None:
        """The reason to prune ``item``, or ``None`` to keep it."""
        ...


_STALE_DAYS = number("Stale.days", fix="give a number of days, e.g. 90")


def _stale_days(value: Any) -> float:
    return _STALE_DAYS(value)


@attrs.frozen
class Stale:
    """Items without activity for more than ``days`` days before ``now``.

    An item's *last activity* (``by="activity"``, the default) is, in this order of preference:
    ``item.fields["updated_at"]`` (an aware datetime or an ISO-8601 string with an offset, as an
    adapter records the tool's "last updated" time), else ``started_at``, else ``created_at``.
    With ``by="created"`` only ``created_at`` counts (age since the idea was logged). Items with
    no usable timestamp are kept: staleness cannot be told.

    >>> from datetime import UTC, datetime
    >>> rule = Stale(90, now=datetime(2026, 6, 1, tzinfo=UTC))
    >>> rule(WorkItem("MKT-1", "Old idea", created_at=datetime(2025, 1, 5, tzinfo=UTC)))
    'no activity for 512 days (last: created 2025-01-05)'
    >>> rule(WorkItem("MKT-2", "Fresh idea", created_at=datetime(2026, 5, 1, tzinfo=UTC))) is None
    True
    """

    days: float = attrs.field(converter=_stale_days)
    now: datetime = attrs.field(factory=utcnow, converter=ensure_utc)
    by: Literal["activity", "created"] = attrs.field(default="activity")

    @days.validator
    def _check_days(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not value >= 0:
            raise InvalidValue(
                "days must be 0 or more", where="Stale", fix="give a number of days", value=value
            )

    @by.validator
    def _check_by(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in ("activity", "created"):
            raise InvalidValue(
                "unknown activity source",
                where="Stale.by",
                fix="use 'activity' or 'created'",
                value=value,
            )

    def last_activity(self, item: WorkItem) -> tuple[datetime, str] | None:
        """The timestamp this rule judges ``item`` by, and where it came from."""
        if self.by == "activity":
            updated = item.fields.get("updated_at")
            if updated is not None:
                at = ensure_utc(updated, where=f"item {item.key}, field 'updated_at'")
                return at, "updated"
            if item.started_at is not None:
                return item.started_at, "started"
        if item.created_at is not None:
            return item.created_at, "created"
        return None

    def __call__(self, item: WorkItem) -> str | None:
        """The reason to prune ``item``, or ``None``."""
        found = self.last_activity(item)
        if found is None:
            return None
        at, source = found
        age = self.now - at
        if age <= timedelta(days=self.days):
            return None
        return f"no activity for {age.days} days (last: {source} {at.date().isoformat()})"


class _HasOutcomes(Protocol):
    @property
    def outcome_names(self) -> tuple[str, ...]: ...


def _outcomes(value: Iterable[str] | _HasOutcomes) -> frozenset[str]:
    if not isinstance(value, str | Iterable):
        value = getattr(value, "outcome_names", value)
    names = texts("OutsideOutcomes", fix="give the outcome names, or the Guidepoint")(value)
    return frozenset(o.casefold() for o in names)


@attrs.frozen
class OutsideOutcomes:
    """Items whose ``outcome`` is not one of the current Guidepoint outcomes (or is unset).

    ``outcomes`` is a collection of outcome names or a
    :class:`~agilemarketing.planning.guidepoint.Guidepoint` (anything with ``outcome_names``).
    Outcomes are compared ignoring case and surrounding spaces.

    >>> rule = OutsideOutcomes({"50 qualified leads", "Brand awareness in DACH"})
    >>> rule(WorkItem("MKT-1", "Lead magnet", outcome="50 Qualified Leads")) is None
    True
    >>> rule(WorkItem("MKT-2", "Old trade fair", outcome="Trade fair presence"))
    "serves 'Trade fair presence', not a current Guidepoint outcome"
    >>> rule(WorkItem("MKT-3", "Random idea"))
    'linked to no Guidepoint outcome'
    """

    outcomes: frozenset[str] = attrs.field(converter=_outcomes)

    def __call__(self, item: WorkItem) -> str | None:
        """The reason to prune ``item``, or ``None``."""
        if item.outcome is None:
            return "linked to no Guidepoint outcome"
        if item.outcome.casefold() in self.outcomes:
            return None
        return f"serves {item.outcome!r}, not a current Guidepoint outcome"


@attrs.frozen
class WontHave:
    """Items categorised *Won't* in MoSCoW (``item.fields["moscow"]``).

    Items without a MoSCoW category are kept; an unreadable category is reported as an error.

    >>> rule = WontHave()
    >>> rule(WorkItem("MKT-1", "Fax campaign", fields={"moscow": "won't"}))
    "categorised Won't (MoSCoW)"
    >>> rule(WorkItem("MKT-2", "Webinar", fields={"moscow": "must"})) is None
    True
    """

    def __call__(self, item: WorkItem) -> str | None:
        """The reason to prune ``item``, or ``None``."""
        raw = item.fields.get("moscow")
        if raw is None:
            return None
        category = MoSCoW.parse(raw, key=item.key)
        return "categorised Won't (MoSCoW)" if category is MoSCoW.WONT else None


@attrs.frozen
class PruneCandidate:
    """One item a prune plan would remove, and every reason that selected it.

    >>> from agilemarketing.backlog import Backlog
    >>> backlog = Backlog([WorkItem("A-1", "Fax blast", fields={"moscow": "W"})])
    >>> (candidate,) = backlog.plan_prune(WontHave())
    >>> candidate.key, candidate.position, candidate.reasons
    ('A-1', 0, ("categorised Won't (MoSCoW)",))
    """

    key: str
    title: str
    position: int
    reasons: tuple[str, ...]


@attrs.frozen
class PrunePlan:
    """What :meth:`Backlog.plan_prune` would remove, and why; nothing is changed until
    :meth:`Backlog.apply_prune`.

    Attributes:
        candidates: the items to remove, in rank order, each with its reasons.
        total: how many items the backlog held when the plan was made.
        version: the backlog version the plan was made against.

    >>> from agilemarketing.backlog import Backlog
    >>> backlog = Backlog([WorkItem("A-1", "Webinar", outcome="leads"), WorkItem("A-2", "Flyer")])
    >>> plan = backlog.plan_prune(OutsideOutcomes({"leads"}))
    >>> plan.keys, len(plan), plan.share
    (('A-2',), 1, 0.5)
    """

    candidates: tuple[PruneCandidate, ...]
    total: int
    version: int
    _backlog_id: int = attrs.field(alias="backlog_id", repr=False)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys to remove, in rank order."""
        return tuple(c.key for c in self.candidates)

    @property
    def share(self) -> float:
        """The fraction of the backlog the plan removes (0.0 for an empty backlog)."""
        return len(self.candidates) / self.total if self.total else 0.0

    def __len__(self) -> int:
        return len(self.candidates)

    def __iter__(self) -> Iterator[PruneCandidate]:
        return iter(self.candidates)

    def summary(self) -> str:
        """A human-readable report: one line per item with its reasons."""
        lines = [
            f"Prune {len(self.candidates)} of {self.total} items ({self.share:.0%}):",
            *(f"  {c.key} {c.title!r}: {'; '.join(c.reasons)}" for c in self.candidates),
        ]
        return "\n".join(lines)
