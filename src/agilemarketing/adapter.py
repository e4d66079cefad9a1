"""The adapter contract: how agilemarketing reads from and writes to an external system.

An adapter translates one external system (a CSV export, Jira, Trello, the local mirror...) to
and from the library's records, and nothing else: no metrics, no business rules.

* **Reading** yields :class:`ItemRecord` values, each an
  :class:`~agilemarketing.history.ItemHistory` (the item with every status change it went
  through) plus what a sync needs on top of it (extra fields, Definition-of-Done state, the
  source's version marker). :meth:`Adapter.read` takes an opaque :class:`Cursor` from the
  previous read and returns only what changed since, with the next cursor.
* **Writing** applies planned changes from a small closed set of frozen values
  (:class:`CreateItem`, :class:`UpdateFields`, :class:`MoveStatus`, :class:`Rerank`). Each has a
  stable, content-derived :attr:`Change.change_id`, so a sync journal recognises a change whose
  answer was lost, and every application is reported as a :class:`ChangeResult`: applied,
  already applied, or failed with an error (and then nothing of it was applied).
* **Capabilities** (:class:`Capabilities`) say what an adapter can do; callers check them, and
  an adapter refuses what it cannot do with :class:`~agilemarketing.errors.UnsupportedChange`.

Adapters are built from a *location* (the part after ``csv:`` in ``csv:exports/board.csv``) and
an options mapping. Secrets come from environment variables only (:meth:`Adapter.secret`) and
never appear in a repr or an error.

>>> change = MoveStatus("MKT-1", "In Progress", from_status="To Do")
>>> change.kind, len(change.change_id)
('move', 32)
>>> change.change_id == MoveStatus("MKT-1", "In Progress", from_status="To Do").change_id
True
>>> parse_adapter_url("csv:exports/board.csv")
AdapterUrl(name='csv', location='exports/board.csv')
"""

from __future__ import annotations

import abc
import enum
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType, TracebackType
from typing import Any, ClassVar, Protocol, Self, TypeAlias, TypeVar

import attrs

from agilemarketing._time import optional_utc
from agilemarketing.errors import (
    AdapterUrlError,
    AgileMarketingError,
    ChangeConflict,
    InvalidValue,
    MissingSecret,
    NotFound,
    UnsupportedChange,
    redact,
)
from agilemarketing.history import ItemHistory, Transition

__all__ = [
    "Adapter",
    "AdapterUrl",
    "AnyChange",
    "Capabilities",
    "Change",
    "ChangeResult",
    "ChangeStatus",
    "CreateItem",
    "Cursor",
    "FieldValue",
    "HistoryFidelity",
    "ItemRecord",
    "MoveStatus",
    "ReadResult",
    "RecordBoard",
    "Rerank",
    "UpdateFields",
    "apply_change",
    "change_from_dict",
    "is_rank",
    "parse_adapter_url",
    "rank_between",
    "rank_order",
]

FieldValue: TypeAlias = str | int | float | bool | tuple[str, ...] | None
"""A value an item field can hold: a scalar, a tuple of strings (labels, multi-selects) or None."""

#: Field names that :class:`UpdateFields` maps onto the :class:`ItemHistory` core; every other
#: name is an extra field kept in :attr:`ItemRecord.fields`.
CORE_FIELDS = frozenset({"summary", "type", "points", "labels"})

#: Names that change through their own change type, never through :class:`UpdateFields`.
_RESERVED_FIELDS = frozenset({"key", "status", "rank", "transitions", "created", "resolved"})


def _field_value(value: Any, where: str) -> FieldValue:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        return tuple(sorted(value)) if isinstance(value, set | frozenset) else tuple(value)
    raise InvalidValue(
        "a field value must be a string, number, boolean, None or a list of strings",
        where=where,
        fix="convert the value to one of those types in the adapter",
        value=value,
    )


def _frozen_fields(value: Mapping[str, Any] | None) -> Mapping[str, FieldValue]:
    if not value:
        return MappingProxyType({})
    return MappingProxyType(
        {str(name): _field_value(v, f"field {name!r}") for name, v in sorted(value.items())}
    )


def _frozenset_of_str(value: Iterable[str] | None) -> frozenset[str]:
    return frozenset() if value is None else frozenset(str(v) for v in value)


# --- records -------------------------------------------------------------------------------


class HistoryFidelity(enum.StrEnum):
    """How trustworthy the transition times an adapter reads are.

    ``EXACT``: the source records when each status change happened (Jira's changelog, Trello's
    actions). ``OBSERVED``: the source only has the current status, so transitions carry the
    time a read *saw* the change (``Transition.observed`` is True). ``NONE``: no transitions.
    """

    EXACT = "exact"
    OBSERVED = "observed"
    NONE = "none"


@attrs.frozen
class ItemRecord:
    """One item as an adapter reads it: the :class:`ItemHistory` core plus what a sync needs.

    Attributes:
        history: the item and its status changes (the core every consumer understands).
        fields: extra fields by name (description, due date, RICE inputs...), read-only view.
        done_criteria: the Definition-of-Done criteria the item meets (checklist state).
        version: the source's change marker for this item (an etag, an ``updated`` stamp, a
            revision), compared by the mirror to notice that an item changed; None if unknown.
        updated: when the item last changed at the source (UTC), if known.

    >>> from agilemarketing.history import ItemHistory, Transition
    >>> record = ItemRecord(ItemHistory("MKT-1", summary="Launch email", status="To Do"),
    ...                     fields={"channel": "email"})
    >>> record.key, record.get("summary"), record.get("channel"), record.get("missing")
    ('MKT-1', 'Launch email', 'email', None)
    """

    history: ItemHistory
    fields: Mapping[str, FieldValue] = attrs.field(
        factory=dict, converter=_frozen_fields, hash=False
    )
    done_criteria: frozenset[str] = attrs.field(factory=frozenset, converter=_frozenset_of_str)
    version: str | None = None
    updated: datetime | None = attrs.field(default=None, converter=optional_utc)

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
        removed: keys deleted since the cursor (incremental reads of sources that know it).

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


# --- changes -------------------------------------------------------------------------------


def _nonempty(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(
            f"{attribute.name} must be a non-empty string",
            where=f"{type(instance).__name__}.{attribute.name}",
            fix=f"give the {attribute.name}",
            value=value,
        )


def _optional_points(value: float | int | str | None) -> float | None:
    return None if value is None else float(value)


def _labels(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    return tuple(str(v) for v in value)


def _canonical(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return value


@attrs.frozen
class Change:
    """A planned change to one item: the base of the closed set of change types.

    Every change names the item by ``key`` and has a stable :attr:`change_id` derived from its
    content, so planning the same change twice gives the same id. ``origin`` says what caused it
    (for a board-to-board sync, the source item and transition time, say); it is part of the id,
    so two genuinely separate changes with equal content (an item moved back to a status it
    had before) get different ids.

    The concrete types are :class:`CreateItem`, :class:`UpdateFields`, :class:`MoveStatus` and
    :class:`Rerank` (:data:`AnyChange`); adapters handle exactly these.
    """

    kind: ClassVar[str] = ""
    key: str = attrs.field(validator=_nonempty)
    origin: str = attrs.field(default="", kw_only=True)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``kind`` plus every field), the inverse of
        :func:`change_from_dict`; the sync journal stores changes this way."""
        data = {"kind": self.kind}
        data.update({a.name: _canonical(getattr(self, a.name)) for a in attrs.fields(type(self))})
        return data

    @property
    def change_id(self) -> str:
        """32 hex digits derived from the change's content (kind, key, fields, origin)."""
        text = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def describe(self) -> str:
        """One line for a human reading a plan."""
        return f"{self.kind} {self.key}"


@attrs.frozen
class CreateItem(Change):
    """Create an item.

    ``key`` is the key the item should have. A tool that assigns its own keys (Jira) keeps this
    one as the item's external reference, recognises it on a retry, and reports the key it gave
    in :attr:`ChangeResult.key`.

    >>> c = CreateItem("MKT-9", "Webinar follow-up email", type="Email", status="To Do",
    ...                points=3, labels=["webinar"])
    >>> c.describe()
    "create MKT-9 'Webinar follow-up email' in 'To Do'"
    """

    kind: ClassVar[str] = "create"
    summary: str = attrs.field(default="", converter=str)
    type: str = attrs.field(default="", converter=str)
    status: str = attrs.field(default="", converter=str)
    points: float | None = attrs.field(default=None, converter=_optional_points)
    labels: tuple[str, ...] = attrs.field(default=(), converter=_labels)
    fields: Mapping[str, FieldValue] = attrs.field(
        factory=dict, converter=_frozen_fields, hash=False
    )

    def satisfied_by(self, record: ItemRecord) -> bool:
        """Whether ``record`` already is this item: same summary, type, points, labels and
        extra fields. The status is not compared, since the item may have moved on since it was
        created."""
        h = record.history
        return (
            h.summary == self.summary
            and h.type == self.type
            and h.points == self.points
            and tuple(h.labels) == self.labels
            and all(record.fields.get(k) == v for k, v in self.fields.items())
        )

    def describe(self) -> str:
        """One line for a human reading a plan."""
        return f"create {self.key} {self.summary!r} in {self.status!r}"


def _update_values(value: Mapping[str, Any]) -> Mapping[str, FieldValue]:
    frozen = _frozen_fields(value)
    for name, v in frozen.items():
        if name in _RESERVED_FIELDS:
            raise InvalidValue(
                f"field {name!r} cannot be changed with UpdateFields",
                where="UpdateFields.values",
                fix="use MoveStatus for the status and Rerank for the rank; keys never change",
            )
        if name == "points" and not (v is None or isinstance(v, int | float)):
            raise InvalidValue("points must be a number or None", where="UpdateFields", value=v)
        if name in ("summary", "type") and not isinstance(v, str):
            raise InvalidValue(f"{name} must be a string", where="UpdateFields", value=v)
        if name == "labels" and not isinstance(v, tuple):
            raise InvalidValue("labels must be a list of strings", where="UpdateFields", value=v)
    if not frozen:
        raise InvalidValue(
            "an UpdateFields change needs at least one field", where="UpdateFields.values"
        )
    if "points" in frozen and frozen["points"] is not None:
        frozen = MappingProxyType({**frozen, "points": float(frozen["points"])})  # type: ignore[arg-type]
    return frozen


@attrs.frozen
class UpdateFields(Change):
    """Set fields of an item. ``summary``, ``type``, ``points`` and ``labels`` are the history
    core; any other name is an extra field. The status and rank have their own change types.

    >>> u = UpdateFields("MKT-1", {"summary": "Spring launch email", "channel": "email"})
    >>> u.describe()
    'update MKT-1: channel, summary'
    """

    kind: ClassVar[str] = "update"
    values: Mapping[str, FieldValue] = attrs.field(converter=_update_values, hash=False)

    def satisfied_by(self, record: ItemRecord) -> bool:
        """Whether ``record`` already holds every value of this change."""
        return all(record.get(name) == value for name, value in self.values.items())

    def describe(self) -> str:
        """One line for a human reading a plan."""
        return f"update {self.key}: {', '.join(self.values)}"


def _optional_status(value: str | None) -> str | None:
    return None if value is None else str(value)


@attrs.frozen
class MoveStatus(Change):
    """Move an item to another status (a column of the board).

    ``from_status``, when given, is the status the planner saw: an adapter refuses the move with
    :class:`~agilemarketing.errors.ChangeConflict` when the item is in neither ``from_status``
    nor ``to_status``, so a stale plan never overrides a newer move.

    >>> MoveStatus("MKT-1", "Done", from_status="Review").describe()
    "move MKT-1 'Review' -> 'Done'"
    """

    kind: ClassVar[str] = "move"
    to_status: str = attrs.field(validator=_nonempty)
    from_status: str | None = attrs.field(default=None, converter=_optional_status)

    def satisfied_by(self, record: ItemRecord) -> bool:
        """Whether the item is already in ``to_status``."""
        return record.history.status == self.to_status

    def describe(self) -> str:
        """One line for a human reading a plan."""
        return f"move {self.key} {self.from_status!r} -> {self.to_status!r}"


def _optional_key(value: str | None) -> str | None:
    return None if value is None else str(value)


@attrs.frozen
class Rerank(Change):
    """Move an item in the backlog order: just ``before`` one neighbour, or just ``after`` one.

    Exactly one of ``before`` and ``after`` is given, and it is not the item itself.

    >>> Rerank("MKT-3", before="MKT-1").describe()
    'rerank MKT-3 before MKT-1'
    """

    kind: ClassVar[str] = "rerank"
    before: str | None = attrs.field(default=None, converter=_optional_key)
    after: str | None = attrs.field(default=None, converter=_optional_key)

    def __attrs_post_init__(self) -> None:
        if (self.before is None) == (self.after is None):
            raise InvalidValue(
                "a rerank needs exactly one of before= and after=",
                where=f"Rerank of {self.key}",
                fix="name the one neighbour the item should sit next to",
            )
        if self.key in (self.before, self.after):
            raise InvalidValue(
                "an item cannot be ranked next to itself",
                where=f"Rerank of {self.key}",
                fix="name another item as the neighbour",
            )

    @property
    def neighbour(self) -> str:
        """The key of the neighbour named by ``before`` or ``after``."""
        return str(self.before if self.before is not None else self.after)

    def satisfied_by_order(self, keys: Sequence[str]) -> bool:
        """Whether the backlog order ``keys`` (highest rank first) already has the item there.

        >>> Rerank("B", before="C").satisfied_by_order(["A", "B", "C"])
        True
        """
        try:
            i, j = keys.index(self.key), keys.index(self.neighbour)
        except ValueError:
            return False
        return j == i + 1 if self.before is not None else j == i - 1

    def describe(self) -> str:
        """One line for a human reading a plan."""
        where = f"before {self.before}" if self.before is not None else f"after {self.after}"
        return f"rerank {self.key} {where}"


AnyChange: TypeAlias = CreateItem | UpdateFields | MoveStatus | Rerank
"""The closed set of change types, for exhaustive ``match`` statements."""

_CHANGE_TYPES: dict[str, type[AnyChange]] = {
    t.kind: t for t in (CreateItem, UpdateFields, MoveStatus, Rerank)
}


def change_from_dict(data: Mapping[str, Any]) -> AnyChange:
    """Rebuild a change from :meth:`Change.as_dict` (for a journal read back from disk).

    >>> c = UpdateFields("MKT-1", {"labels": ["q2", "webinar"]}, origin="sync 7")
    >>> change_from_dict(c.as_dict()) == c, change_from_dict(c.as_dict()).change_id == c.change_id
    (True, True)
    """
    fields = dict(data)
    kind = fields.pop("kind", None)
    change_type = _CHANGE_TYPES.get(str(kind))
    if change_type is None:
        raise InvalidValue(
            "unknown change kind",
            where="change record",
            fix=f"use one of {', '.join(sorted(_CHANGE_TYPES))}",
            value=kind,
        )
    try:
        return change_type(**fields)
    except TypeError as exc:
        raise InvalidValue(
            f"a {kind} change does not take these fields: {exc}",
            where="change record",
            fix="write change records with Change.as_dict()",
        ) from exc


class ChangeStatus(enum.StrEnum):
    """What happened to one change."""

    APPLIED = "applied"
    ALREADY_APPLIED = "already applied"
    FAILED = "failed"


@attrs.frozen
class ChangeResult:
    """What an adapter did with one change.

    Attributes:
        change: the change as planned.
        status: applied, already applied (the source already held it; nothing was done) or
            failed (nothing of it was applied).
        key: the item's key in the adapter's system (for a create, the key it was given).
        error: why it failed (None unless ``status`` is ``FAILED``).

    >>> ok = ChangeResult(MoveStatus("MKT-1", "Done"), ChangeStatus.APPLIED)
    >>> ok.ok, ok.key, ok.change_id == ok.change.change_id
    (True, 'MKT-1', True)
    """

    change: Change
    status: ChangeStatus
    key: str = attrs.field()
    error: AgileMarketingError | None = attrs.field(default=None, eq=False)

    @key.default
    def _key_of_change(self) -> str:
        return self.change.key

    def __attrs_post_init__(self) -> None:
        if (self.status is ChangeStatus.FAILED) != (self.error is not None):
            raise InvalidValue(
                "a failed result needs its error, and only a failed one has an error",
                where=f"ChangeResult for {self.change.describe()}",
            )

    @property
    def change_id(self) -> str:
        """The change's :attr:`Change.change_id`."""
        return self.change.change_id

    @property
    def ok(self) -> bool:
        """True unless the change failed."""
        return self.status is not ChangeStatus.FAILED


# --- applying a change to records ----------------------------------------------------------


class RecordBoard(Protocol):
    """What :func:`apply_change` needs of a board of records: a ``dict[str, ItemRecord]`` is one.

    ``get`` finds one record by key (None when there is none); ``values`` lists them all (only a
    :class:`Rerank` needs that).
    """

    def get(self, key: str, /) -> ItemRecord | None:
        """The record with this key, or None."""
        ...

    def values(self) -> Iterable[ItemRecord]:
        """Every record on the board."""
        ...


def rank_order(record: ItemRecord) -> tuple[bool, str, str]:
    """Sort key of the backlog order: by rank (highest priority first), unranked items last,
    ties by key.

    >>> records = [ItemRecord(ItemHistory(k, rank=r)) for k, r in [("A", None), ("B", "t"),
    ...                                                            ("C", "i")]]
    >>> [r.key for r in sorted(records, key=rank_order)]
    ['C', 'B', 'A']
    """
    rank = record.history.rank
    return (rank is None, rank or "", record.key)


def _last_rank(board: RecordBoard) -> str | None:
    ranks = [r.history.rank for r in board.values() if r.history.rank and is_rank(r.history.rank)]
    return max(ranks) if ranks else None


def apply_change(
    change: AnyChange,
    board: RecordBoard,
    *,
    now: datetime,
    where: str,
    new_rank: Callable[[], str] | None = None,
) -> ItemRecord | None:
    """The record ``change`` makes of its item on ``board``; None when the board holds it already.

    The part of :meth:`Adapter.apply` every adapter that keeps :class:`ItemRecord` values shares:
    the adapter says where its records are (``board``) and stores what this returns. ``now`` is
    the time of a created item and of a move's transition; ``where`` (the adapter's URL) goes
    into errors; ``new_rank`` gives a created item its rank (default: just below the lowest
    rank on the board). Nothing on ``board`` is changed.

    Raises:
        NotFound: the item (or a rerank's neighbour) is not on the board.
        ChangeConflict: a create over an item with other content; a move from a status the
            item is no longer in.
        InvalidValue: a rerank next to items whose ranks :func:`rank_between` cannot split.

    >>> from datetime import UTC, datetime
    >>> board = {}
    >>> created = apply_change(CreateItem("MKT-1", "Launch email", status="To Do"), board,
    ...                        now=datetime(2026, 3, 2, tzinfo=UTC), where="memory:demo")
    >>> board[created.key] = created
    >>> moved = apply_change(MoveStatus("MKT-1", "Doing"), board,
    ...                      now=datetime(2026, 3, 3, tzinfo=UTC), where="memory:demo")
    >>> [t.to_status for t in moved.history.transitions], created.history.rank
    (['To Do', 'Doing'], 'i')
    >>> apply_change(MoveStatus("MKT-1", "To Do"), board, now=datetime(2026, 3, 4, tzinfo=UTC),
    ...              where="memory:demo") is None  # the board already has it in To Do
    True
    """
    if isinstance(change, CreateItem):
        return _created(change, board, now, where, new_rank)
    record = board.get(change.key)
    if record is None:
        raise NotFound("item", change.key, where=where, fix="check the key; read it to list items")
    match change:
        case UpdateFields():
            return _updated(change, record)
        case MoveStatus():
            return _moved(change, record, now, where)
        case Rerank():
            return _reranked(change, record, board, where)


def _created(
    change: CreateItem,
    board: RecordBoard,
    now: datetime,
    where: str,
    new_rank: Callable[[], str] | None,
) -> ItemRecord | None:
    existing = board.get(change.key)
    if existing is not None:
        if change.satisfied_by(existing):
            return None
        raise ChangeConflict(
            change.key,
            expected="no item with this key",
            found=f"an item with other content ({existing.history.summary!r})",
            where=f"{where}, item {change.key}",
        )
    history = ItemHistory(
        key=change.key,
        summary=change.summary,
        type=change.type,
        status=change.status,
        created=now,
        points=change.points,
        labels=change.labels,
        transitions=(Transition(now, None, change.status),) if change.status else (),
        rank=new_rank() if new_rank is not None else rank_between(_last_rank(board), None),
    )
    return ItemRecord(history, fields=change.fields)


def _updated(change: UpdateFields, record: ItemRecord) -> ItemRecord | None:
    if change.satisfied_by(record):
        return None
    core: dict[str, Any] = {}
    extra = dict(record.fields)
    for name, value in change.values.items():
        if name in CORE_FIELDS:
            core[name] = value
        elif value is None:
            extra.pop(name, None)
        else:
            extra[name] = value
    return attrs.evolve(record, history=attrs.evolve(record.history, **core), fields=extra)


def _moved(change: MoveStatus, record: ItemRecord, now: datetime, where: str) -> ItemRecord | None:
    if change.satisfied_by(record):
        return None
    history = record.history
    if change.from_status is not None and history.status != change.from_status:
        raise ChangeConflict(
            change.key,
            expected=f"status {change.from_status!r}",
            found=f"status {history.status!r}",
            where=f"{where}, item {change.key}",
        )
    transition = Transition(now, history.status or None, change.to_status)
    moved = attrs.evolve(
        history, status=change.to_status, transitions=(*history.transitions, transition)
    )
    return attrs.evolve(record, history=moved)


def _reranked(
    change: Rerank, record: ItemRecord, board: RecordBoard, where: str
) -> ItemRecord | None:
    if board.get(change.neighbour) is None:
        raise NotFound(
            "item", change.neighbour, where=where, fix="check the key; read it to list items"
        )
    ordered = sorted(board.values(), key=rank_order)
    if change.satisfied_by_order([r.key for r in ordered]):
        return None
    others = [r for r in ordered if r.key != change.key]
    at = [r.key for r in others].index(change.neighbour) + (change.after is not None)
    low = others[at - 1].history.rank if at > 0 else None
    high = others[at].history.rank if at < len(others) else None
    for rank in (low, high):
        if rank is not None and not is_rank(rank):
            raise InvalidValue(
                "the neighbours' ranks are not ranks an item can be placed between",
                where=f"{where}, item {change.key}",
                fix="re-rank the board with rank_between ranks (or clear them) and try again",
                value=rank,
            )
    return attrs.evolve(record, history=attrs.evolve(record.history, rank=rank_between(low, high)))


# --- capabilities and the adapter base class -----------------------------------------------


@attrs.frozen
class Capabilities:
    """What an adapter can do. Callers check these; adapters refuse what they exclude.

    Attributes:
        read: reads items at all.
        incremental_read: honours a cursor (otherwise every read is a full, ``complete`` one).
        write: applies :class:`CreateItem`, :class:`UpdateFields` and :class:`MoveStatus`.
        rank: keeps a backlog order (``ItemHistory.rank``) and applies :class:`Rerank`.
        history: how exact the transition times it reads are.

    >>> caps = Capabilities(write=True)
    >>> caps.supports(MoveStatus("MKT-1", "Done")), caps.supports(Rerank("MKT-1", after="MKT-2"))
    (True, False)
    """

    read: bool = True
    incremental_read: bool = False
    write: bool = False
    rank: bool = False
    history: HistoryFidelity = attrs.field(default=HistoryFidelity.EXACT, converter=HistoryFidelity)

    def supports(self, change: Change) -> bool:
        """Whether an adapter with these capabilities can apply ``change``."""
        if isinstance(change, Rerank):
            return self.write and self.rank
        return self.write


_T = TypeVar("_T")
_BOOLEANS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}
_SECRET_OPTION = re.compile(r"(token|password|passwd|secret|api_?key|credential)", re.I)
_URL = re.compile(r"^(?P<name>[a-z][a-z0-9_-]+):(?P<location>.*)$", re.S)


@attrs.frozen
class AdapterUrl:
    """An adapter URL split into the adapter's ``name`` and its ``location``."""

    name: str
    location: str

    def __str__(self) -> str:
        return f"{self.name}:{self.location}"


def parse_adapter_url(url: str) -> AdapterUrl:
    """Split ``"<adapter>:<location>"``; the name is lower case, 2+ characters (so a Windows
    drive letter is never taken for an adapter).

    >>> parse_adapter_url("mirror:state/sync.db")
    AdapterUrl(name='mirror', location='state/sync.db')
    >>> parse_adapter_url("board.csv")
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AdapterUrlError: adapter URL 'board.csv': no adapter name before ':'. \
Fix: write it as <adapter>:<location>, e.g. csv:exports/board.csv or memory:demo.
    """
    match = _URL.match(url.strip())
    if match is None:
        raise AdapterUrlError(url, what="no adapter name before ':'")
    return AdapterUrl(match["name"], match["location"])


def _options(value: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(value or {}))


class Adapter(abc.ABC):
    """Base class of every adapter: subclass it, set :attr:`name` and :attr:`capabilities`,
    implement :meth:`read` and, for a writable source, :meth:`apply`.

    Args:
        location: where the data is (a file path, a site URL, a board id), the part after
            ``<name>:`` in an adapter URL.
        options: adapter-specific settings. Secret values are refused here: name the
            environment variable instead (``token_env="JIRA_TOKEN"``) and read it with
            :meth:`secret`.

    A subclass that writes should recognise a change it already applied (from the item's state,
    or from a record of applied :attr:`Change.change_id` values) and report ``ALREADY_APPLIED``
    without touching anything; a change that cannot be applied is reported ``FAILED`` with the
    error, and nothing of it is applied. :mod:`agilemarketing.testing` checks all of this.
    """

    #: The adapter's unique name, the scheme of its URLs (``"csv"`` in ``csv:board.csv``).
    name: ClassVar[str]
    #: What the adapter can do.
    capabilities: ClassVar[Capabilities] = Capabilities()

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        self.location = location
        self.options = _options(options)
        self._secrets: list[str] = []
        for option in self.options:
            if _SECRET_OPTION.search(option) and not option.endswith("_env"):
                raise InvalidValue(
                    f"option {option!r} looks like a secret",
                    where=f"{self.name} adapter options",
                    fix=f"put the secret in an environment variable and pass {option}_env="
                    "<VARIABLE NAME> instead",
                )

    @classmethod
    def from_url(cls, url: str, options: Mapping[str, object] | None = None) -> Self:
        """Build the adapter from ``"<name>:<location>"``; the name must be this adapter's."""
        parsed = parse_adapter_url(url)
        if parsed.name != cls.name:
            raise AdapterUrlError(url, what=f"this is not a {cls.name!r} adapter URL")
        return cls(parsed.location, options)

    @property
    def url(self) -> str:
        """``"<name>:<location>"``."""
        return f"{self.name}:{self.location}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.redact(self.url)!r}>"

    def option(self, name: str, default: _T) -> _T:
        """The option ``name`` as the type of ``default``, or ``default`` when not given.

        Options typed on a command line or in a URL arrive as strings; ``"50"`` becomes ``50``
        for an int default, ``"yes"``/``"no"`` a bool. A value that does not convert is an
        :class:`~agilemarketing.errors.InvalidValue` naming the option.
        """
        if name not in self.options:
            return default
        value = self.options[name]
        if isinstance(value, type(default)) and not (
            isinstance(value, bool) and not isinstance(default, bool)
        ):
            return value
        where = f"{self.name} adapter option {name!r}"
        text = str(value).strip()
        try:
            if isinstance(default, bool):
                flag = text.lower()
                if flag not in _BOOLEANS:
                    raise ValueError(text)
                return _BOOLEANS[flag]  # type: ignore[return-value]
            if isinstance(default, int | float | str):
                return type(default)(text)
        except ValueError:
            pass
        raise InvalidValue(
            f"expected {type(default).__name__}", where=where, fix="correct the option", value=text
        )

    # -- secrets --------------------------------------------------------------------------

    def secret(self, variable: str) -> str:
        """The value of the environment variable ``variable``; it is redacted from then on
        (:meth:`redact`). Raises :class:`~agilemarketing.errors.MissingSecret` if unset."""
        value = os.environ.get(variable)
        if not value:
            raise MissingSecret(variable, adapter=self.name)
        if value not in self._secrets:
            self._secrets.append(value)
        return value

    def redact(self, text: str) -> str:
        """``text`` with every secret this adapter has read replaced by ``***``."""
        return redact(text, *self._secrets)

    # -- reading --------------------------------------------------------------------------

    @abc.abstractmethod
    def read(self, since: Cursor | None = None) -> ReadResult:
        """Read items with their history: all of them (``since=None``), or those changed since
        the cursor when :attr:`Capabilities.incremental_read` (otherwise a full read)."""

    # -- writing --------------------------------------------------------------------------

    def check_supports(self, change: Change) -> None:
        """Raise :class:`~agilemarketing.errors.UnsupportedChange` if the capabilities exclude
        ``change``, and :class:`~agilemarketing.errors.InvalidValue` for anything that is not
        one of the four change types."""
        if type(change) not in _CHANGE_TYPES.values():
            raise InvalidValue(
                f"{type(change).__name__} is not a change this library defines",
                where=f"adapter {self.name!r}",
                fix="plan one of CreateItem, UpdateFields, MoveStatus, Rerank",
            )
        if not self.capabilities.supports(change):
            operation = "re-ranking" if isinstance(change, Rerank) else "writing"
            raise UnsupportedChange(
                self.name,
                operation,
                fix=f"this adapter is {'read-only' if not self.capabilities.write else 'unranked'};"
                " write to another adapter, or leave this change out of the plan",
            )

    def check_writable(self) -> None:
        """Raise :class:`~agilemarketing.errors.UnsupportedChange` unless this adapter can be
        written to. The base class asks :attr:`capabilities`; an adapter whose location decides
        it (a CSV file that turns out to be a Jira export) adds its own check. A sync calls
        this before it plans anything.

        >>> from agilemarketing.testing import InMemoryAdapter
        >>> InMemoryAdapter("demo").check_writable() is None
        True
        """
        if not self.capabilities.write:
            raise UnsupportedChange(
                self.name,
                "writing",
                fix="this adapter is read-only: sync into a writable target, e.g. mirror:team.db",
            )

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change and report what happened.

        A failure of the change itself (unknown key, conflict) is a ``FAILED`` result, not an
        exception; exceptions mean the adapter as a whole cannot work (unsupported change,
        connection lost). The base class refuses every change: read-only adapters keep it.
        """
        self.check_supports(change)
        raise UnsupportedChange(self.name, f"applying {change.kind} changes")

    def write(self, changes: Iterable[AnyChange]) -> list[ChangeResult]:
        """Apply ``changes`` in order, one :class:`ChangeResult` each. Unsupported changes are
        refused before any change is applied."""
        planned = list(changes)
        for change in planned:
            self.check_supports(change)
        return [self.apply(change) for change in planned]

    # -- lifetime -------------------------------------------------------------------------

    def close(self) -> None:  # noqa: B027 - a no-op default that subclasses may override
        """Release connections and files. The base class holds none."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --- ranks ---------------------------------------------------------------------------------

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_RANK = re.compile(r"^[0-9a-z]*[1-9a-z]$")


def is_rank(text: str) -> bool:
    """Whether ``text`` is a rank :func:`rank_between` can work with (lower-case base-36 digits,
    not ending in ``0``).

    >>> is_rank("i"), is_rank("0|hzzzzz:"), is_rank("a0")
    (True, False, False)
    """
    return _RANK.match(text) is not None


def _check_rank(rank: str, name: str) -> None:
    if not is_rank(rank):
        raise InvalidValue(
            "a rank is lower-case base-36 digits not ending in 0",
            where=f"rank_between({name}=...)",
            fix="pass ranks made by rank_between",
            value=rank,
        )


def _midpoint(low: str, high: str | None) -> str:
    if high is not None:
        n = 0
        while n < len(high) and (low[n] if n < len(low) else "0") == high[n]:
            n += 1
        if n > 0:
            return high[:n] + _midpoint(low[n:], high[n:])
    digit_low = _DIGITS.index(low[0]) if low else 0
    digit_high = _DIGITS.index(high[0]) if high else len(_DIGITS)
    if digit_high - digit_low > 1:
        return _DIGITS[(digit_low + digit_high + 1) // 2]
    if high is not None and len(high) > 1:
        return high[0]
    return _DIGITS[digit_low] + _midpoint(low[1:], None)


def rank_between(low: str | None, high: str | None) -> str:
    """A rank string that sorts strictly between ``low`` and ``high`` (None: no bound).

    Ranks sort as plain strings, highest priority first, so an adapter can re-rank one item
    without renumbering the others (fractional indexing over base-36 digits).

    >>> first = rank_between(None, None)
    >>> second = rank_between(first, None)
    >>> between = rank_between(first, second)
    >>> first < between < second
    True
    """
    if low is not None:
        _check_rank(low, "low")
    if high is not None:
        _check_rank(high, "high")
    if low is not None and high is not None and low >= high:
        raise InvalidValue(
            f"low rank {low!r} is not below high rank {high!r}",
            where="rank_between",
            fix="pass the lower rank first",
        )
    if low is not None and high is None:
        return _step_after(low)
    return _midpoint(low or "", high)


#: Appending steps at this digit, so ranks stay short (about 2 billion appends after "i" fit).
_STEP_WIDTH = 6


def _step_after(low: str) -> str:
    """The rank one step above ``low`` at its sixth digit (or its last digit, if longer).

    Halving the room above ``low`` instead would make ranks grow by a digit every few appends;
    stepping keeps a bottom-of-the-board append short. Only when every digit up to the width is
    ``z`` does the rank grow, by one digit.

    >>> _step_after("i"), _step_after("i0000z"), _step_after("zzzzzz")
    ('i00001', 'i0001', 'zzzzzzi')
    """
    width = max(len(low), _STEP_WIDTH)
    value = int(low.ljust(width, "0"), 36) + 1
    if value >= 36**width:
        return _midpoint(low, None)
    digits = []
    for _ in range(width):
        value, digit = divmod(value, 36)
        digits.append(_DIGITS[digit])
    return "".join(reversed(digits)).rstrip("0")
