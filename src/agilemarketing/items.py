"""Work items: the cards of a marketing board, as frozen values.

A :class:`WorkItem` is a piece of customer-facing marketing work (a campaign, a blog post, an
email, an event...). It is immutable: derive a changed copy with :func:`attrs.evolve` or the
helper methods, and let the aggregates (:class:`~agilemarketing.backlog.Backlog`, boards, cycles)
keep the current state.

>>> from datetime import datetime, UTC
>>> item = WorkItem(
...     key="CAMP-1",
...     title="Spring webinar landing page",
...     kind="Campaign",
...     story=CustomerStory(
...         "IT buyer", "a clear agenda before I sign up", "I know it is worth an hour"
...     ),
...     size=Size.points(5),
...     labels={"webinar", "q2"},
...     created_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
... )
>>> item.kind, item.size.value, sorted(item.labels)
('campaign', 5.0, ['q2', 'webinar'])
>>> print(item.story)
As an IT buyer, I want a clear agenda before I sign up, so that I know it is worth an hour.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from agilemarketing.errors import InvalidValue
from agilemarketing.utc import optional_utc
from agilemarketing.validators import Choices, optional_text, required, stripped, texts

__all__ = ["CustomerStory", "Size", "SizeUnit", "TShirt", "WorkItem"]


class TShirt(Choices):
    """T-shirt sizes, smallest first. ``TShirt.M.points`` gives a conventional point equivalent.

    >>> TShirt("l".upper()), TShirt.L.points, TShirt.S < TShirt.XL
    (<TShirt.L: 'L'>, 5.0, True)
    """

    XS = "XS"
    S = "S"
    M = "M"
    L = "L"
    XL = "XL"
    XXL = "XXL"

    @property
    def points(self) -> float:
        """A conventional story-point equivalent (1, 2, 3, 5, 8, 13), for capacity arithmetic."""
        return _TSHIRT_POINTS[self]


_TSHIRT_POINTS = {
    TShirt.XS: 1.0,
    TShirt.S: 2.0,
    TShirt.M: 3.0,
    TShirt.L: 5.0,
    TShirt.XL: 8.0,
    TShirt.XXL: 13.0,
}


class SizeUnit(Choices):
    """How an item's size is expressed.

    >>> Size.tshirt("M").unit is SizeUnit.TSHIRT
    True
    """

    POINTS = "points"
    TSHIRT = "tshirt"


@attrs.frozen
class CustomerStory:
    """Work phrased around customer value: *as a … I want … so that …*.

    >>> story = CustomerStory("retail banking customer", "to see fees up front", "I trust the app")
    >>> print(story)
    As a retail banking customer, I want to see fees up front, so that I trust the app.
    """

    as_a: str = attrs.field(converter=stripped, validator=required)
    i_want: str = attrs.field(converter=stripped, validator=required)
    so_that: str = attrs.field(converter=stripped, validator=required)

    def __str__(self) -> str:
        return f"As {_article(self.as_a)}, I want {self.i_want}, so that {self.so_that}."


def _article(role: str) -> str:
    """``role`` with "a" or "an" in front, unless it already has an article or a determiner.

    By the first letter ("an IT buyer", "an event organiser", "a user"): the written rule, not the
    spoken one, so "a unhappy customer" slips through.
    """
    first = role.split(maxsplit=1)[0].casefold()
    if first in {"a", "an", "the", "one", "every", "each", "any"}:
        return role
    return f"an {role}" if first[0] in "aeio" else f"a {role}"


def _size_number(value: float | str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidValue(
            "size must be a number",
            where="Size.value",
            fix="use a non-negative size such as 0, 1, 2, 3, 5, 8 (or Size.tshirt for XS..XXL)",
            value=value,
        ) from None


@attrs.frozen
class Size:
    """A relative size: story points (comparable within one team only) or a t-shirt size.

    Build one with :meth:`points` or :meth:`tshirt`; ``value`` is always a number of points, so
    capacity arithmetic works the same for both units.

    >>> str(Size.points(5)), str(Size.tshirt("xl")), Size.tshirt("xl").value
    ('5 pt', 'XL', 8.0)
    >>> Size.points(-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    agilemarketing.errors.InvalidValue: Size.value: size must be a finite number of 0 or more...
    """

    unit: SizeUnit
    value: float = attrs.field(converter=_size_number)
    label: str | None = None

    @value.validator
    def _check(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not math.isfinite(value) or value < 0:
            raise InvalidValue(
                "size must be a finite number of 0 or more",
                where="Size.value",
                fix="use a non-negative size such as 0, 1, 2, 3, 5, 8",
                value=value,
            )

    @classmethod
    def points(cls, value: float) -> Size:
        """A size in story points (non-negative)."""
        return cls(SizeUnit.POINTS, value)

    @classmethod
    def tshirt(cls, label: TShirt | str) -> Size:
        """A t-shirt size (XS..XXL); ``value`` holds its conventional point equivalent."""
        try:
            shirt = TShirt(str(label).upper())
        except ValueError as exc:
            raise InvalidValue(
                "unknown t-shirt size",
                where="Size.tshirt",
                fix=f"use one of {', '.join(t.value for t in TShirt)}",
                value=label,
            ) from exc
        return cls(SizeUnit.TSHIRT, shirt.points, shirt.value)

    def __str__(self) -> str:
        if self.unit is SizeUnit.TSHIRT:
            return str(self.label)
        return f"{self.value:g} pt"


_NAMES = texts("WorkItem labels or done_criteria", fix="give a list of names, e.g. ['q2']")


def _names(value: Any) -> tuple[str, ...]:
    return _NAMES(value)


def _labels(value: Iterable[str] | None) -> frozenset[str]:
    return frozenset() if value is None else frozenset(_names(value))


def _kind(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidValue(
            "expected text", where="WorkItem.kind", fix="name the kind, e.g. 'email'",
            value=type(value).__name__,
        )  # fmt: skip
    return value.strip().lower() or "task"


_OPTIONAL_TEXT = optional_text("WorkItem stakeholder or outcome")


def _optional_text(value: Any) -> str | None:
    return _OPTIONAL_TEXT(value)


@attrs.frozen
class WorkItem:
    """One piece of marketing work.

    ``kind`` is an open set (``campaign``, ``content``, ``email``, ``event``, ... anything a team
    uses) normalised to lower case. Timestamps are converted to UTC and must be in order:
    created <= started <= done. ``done_criteria`` holds the Definition-of-Done criteria this item
    already meets (see :mod:`agilemarketing.done`). ``fields`` carries extra data an adapter or a
    prioritiser needs (for example RICE inputs); it does not take part in equality.

    >>> item = WorkItem("MKT-7", "Nurture email", kind="Email", size=Size.points(3),
    ...                 outcome="pipeline", created_at="2026-03-02T09:00:00+01:00")
    >>> item.kind, item.points, item.created_at.isoformat()
    ('email', 3.0, '2026-03-02T08:00:00+00:00')
    >>> sorted(item.with_criteria_met("Spam check passed").done_criteria)
    ['Spam check passed']
    """

    key: str = attrs.field(converter=stripped, validator=required)
    title: str = attrs.field(converter=stripped, validator=required)
    kind: str = attrs.field(default="task", converter=_kind)
    story: CustomerStory | None = None
    size: Size | None = None
    labels: frozenset[str] = attrs.field(factory=frozenset, converter=_labels)
    stakeholder: str | None = attrs.field(default=None, converter=_optional_text)
    outcome: str | None = attrs.field(default=None, converter=_optional_text)
    created_at: datetime | None = attrs.field(default=None, converter=optional_utc)
    started_at: datetime | None = attrs.field(default=None, converter=optional_utc)
    done_at: datetime | None = attrs.field(default=None, converter=optional_utc)
    done_criteria: frozenset[str] = attrs.field(factory=frozenset, converter=_labels)
    fields: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        order = [
            ("created_at", self.created_at),
            ("started_at", self.started_at),
            ("done_at", self.done_at),
        ]
        known = [(name, at) for name, at in order if at is not None]
        for (earlier, a), (later, b) in itertools.pairwise(known):
            if b < a:
                raise InvalidValue(
                    f"{later} ({b.isoformat()}) is before {earlier} ({a.isoformat()})",
                    where=f"item {self.key}",
                    fix="check the timestamps; an item cannot finish before it starts",
                )

    @property
    def points(self) -> float:
        """The size in points, 0 when unsized."""
        return 0.0 if self.size is None else self.size.value

    def with_size(self, size: Size) -> WorkItem:
        """A copy with a new size."""
        return attrs.evolve(self, size=size)

    def with_criteria_met(self, *criteria: str) -> WorkItem:
        """A copy that also meets the given Definition-of-Done criteria."""
        return attrs.evolve(self, done_criteria=self.done_criteria | set(criteria))
