"""What an adapter reads: :class:`ItemRecord` values, a :class:`Cursor`, a :class:`ReadResult`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime

import attrs

from agilemarketing.adapter.fields import CORE_FIELDS, FieldValue, frozen_fields
from agilemarketing.errors import InvalidValue
from agilemarketing.history import ItemHistory
from agilemarketing.utc import optional_utc

__all__ = ["Cursor", "ItemRecord", "ReadResult"]


_NO_NAMES: frozenset[str] = frozenset()


def _frozenset_of_str(value: Iterable[str] | None) -> frozenset[str]:
    if value is None:
        return frozenset()
    kind = type(value)
    if kind is list or kind is tuple or kind is frozenset:  # exact types: the hot case
        if not value:
            return _NO_NAMES
        if all(type(v) is str for v in value):
            return frozenset(value)  # without a str() call per name
    return frozenset(str(v) for v in value)


@attrs.frozen
class ItemRecord:
    """One item as an adapter reads it: the :class:`ItemHistory` core plus what a sync needs.

    Attributes:
        history: the item and its status changes (the core every consumer understands).
        fields: extra fields by name (description, due date, RICE inputs...), read-only view.
        done_criteria: the Definition-of-Done criteria the item meets (checklist state).
        done_total: how many criteria its checklist has, when the source knows (a Trello
            checklist of four items: 4); None when it does not. Never fewer than the criteria
            met.
        version: the source's change marker for this item (an etag, an ``updated`` stamp, a
            revision), compared by the mirror to notice that an item changed; None if unknown.
        updated: when the item last changed at the source (UTC), if known.

    >>> from agilemarketing.history import ItemHistory, Transition
    >>> record = ItemRecord(ItemHistory("MKT-1", summary="Launch email", status="To Do"),
    ...                     fields={"channel": "email"})
    >>> record.key, record.get("summary"), record.get("channel"), record.get("missing")
    ('MKT-1', 'Launch email', 'email', None)
    >>> ItemRecord(record.history, done_criteria={"Proofread"}, done_total=4).done_state
    '1 of 4'
    """

    history: ItemHistory
    fields: Mapping[str, FieldValue] = attrs.field(
        factory=dict, converter=frozen_fields, hash=False
    )
    done_criteria: frozenset[str] = attrs.field(factory=frozenset, converter=_frozenset_of_str)
    version: str | None = None
    updated: datetime | None = attrs.field(default=None, converter=optional_utc)
    done_total: int | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        total = self.done_total
        if total is None:
            return
        if isinstance(total, bool) or not isinstance(total, int) or total < len(self.done_criteria):
            raise InvalidValue(
                "done_total must be a whole number of criteria, at least as many as are met "
                f"({len(self.done_criteria)})",
                where=f"item {self.history.key}",
                fix="give the size of the item's Definition-of-Done checklist, or None",
                value=total,
            )

    @property
    def done_state(self) -> str | None:
        """The Definition-of-Done state in words: ``"3 of 4"`` when the checklist's size is
        known, ``"3 met"`` when only the criteria met are, None when the item records none."""
        met = len(self.done_criteria)
        if self.done_total is not None:
            return f"{met} of {self.done_total}"
        return f"{met} met" if met else None

    @property
    def key(self) -> str:
        """The item's key in its source system."""
        return self.history.key

    def get(self, name: str) -> FieldValue:
        """A field by name: ``summary``, ``type``, ``status``, ``points``, ``labels``, ``rank``
        come from the history core, anything else from :attr:`fields` (None when absent)."""
        if name in CORE_FIELDS or name in ("status", "rank"):
            value: FieldValue = getattr(self.history, name)
            return value
        return self.fields.get(name)


@attrs.frozen
class Cursor:
    """An opaque position in an adapter's stream of changes, returned by :meth:`Adapter.read`.

    Only the adapter that produced a cursor understands its ``token``; everyone else stores it
    as text (``cursor.token``) and gives it back later (``Cursor(token)``).

    >>> Cursor("rev:42").token
    'rev:42'
    """

    token: str = attrs.field(converter=str)


def _iterator(value: Iterable[ItemRecord]) -> Iterator[ItemRecord]:
    return iter(value)


def _key_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class ReadResult:
    """What one :meth:`Adapter.read` returns.

    Attributes:
        items: the records, lazily (iterate once; a large source pages behind this iterator).
        cursor: where the next incremental read starts. It is fixed when ``read`` returns
            (a high-water mark taken at the *start* of the read), so an item changed during the
            read may come again next time: consumers must treat records as upserts.
        complete: True when ``items`` is the whole source (a full read), so a key missing from
            it has been deleted; False for an incremental read.
        removed: keys deleted since the cursor (incremental reads of sources that know it);
            a complete read may list the deletions it knows of (the mirror's does), so a sync
            that lost its cursor still hears of them.

    >>> result = ReadResult(iter([]), Cursor("rev:0"), complete=True)
    >>> list(result), result.cursor.token
    ([], 'rev:0')
    """

    items: Iterator[ItemRecord] = attrs.field(converter=_iterator)
    cursor: Cursor
    complete: bool
    removed: tuple[str, ...] = attrs.field(default=(), converter=_key_tuple)

    def __iter__(self) -> Iterator[ItemRecord]:
        return self.items
