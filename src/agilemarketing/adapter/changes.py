"""What an adapter writes: the closed set of changes, and the result of applying one.

:class:`CreateItem`, :class:`UpdateFields`, :class:`MoveStatus` and :class:`Rerank` (together
:data:`AnyChange`) are frozen values with a stable, content-derived :attr:`Change.change_id`;
:func:`change_from_dict` rebuilds one from its journal form; :class:`ChangeResult` says what an
adapter did with one.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, TypeAlias

import attrs

from agilemarketing.adapter.carried import CarriedHistory
from agilemarketing.adapter.fields import RESERVED_FIELDS, FieldValue, frozen_fields
from agilemarketing.adapter.records import ItemRecord
from agilemarketing.errors import AgileMarketingError, InvalidValue
from agilemarketing.validators import required

__all__ = [
    "CHANGE_TYPES",
    "AnyChange",
    "Change",
    "ChangeResult",
    "ChangeStatus",
    "CreateItem",
    "MoveStatus",
    "Rerank",
    "UpdateFields",
    "change_from_dict",
]


def _optional_points(value: float | int | str | None) -> float | None:
    return None if value is None else float(value)


def _labels(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    return tuple(str(v) for v in value)


def _carried(value: object) -> CarriedHistory | None:
    return CarriedHistory.from_value(value)


def _canonical(value: Any) -> Any:
    kind = type(value)
    if kind is str or value is None or kind is int or kind is float or kind is bool:
        return value  # the hot case, before the abstract-class checks below
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
    key: str = attrs.field(validator=required)
    origin: str = attrs.field(default="", kw_only=True)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``kind`` plus every field; a carried ``history`` only when there
        is one), the inverse of :func:`change_from_dict`; the sync journal stores changes
        this way."""
        return self._fields(history=True)

    def _fields(self, *, history: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        for a in attrs.fields(type(self)):
            value = getattr(self, a.name)
            if a.name == "history":
                if history and value is not None:
                    data[a.name] = value.as_dict()
            else:
                data[a.name] = _canonical(value)
        return data

    @functools.cached_property
    def change_id(self) -> str:
        """32 hex digits derived from the change's content (kind, key, fields, origin; not the
        history a create or a move carries)."""
        text = json.dumps(self._fields(history=False), sort_keys=True, separators=(",", ":"))
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

    ``history``, when given, is what the source knows of the item's history (a
    :class:`~agilemarketing.adapter.CarriedHistory`: created, resolved, sprints, transitions,
    blocked periods): an adapter that keeps history writes it instead of stamping the time of
    the write. It is not part of :attr:`change_id`.

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
        factory=dict, converter=frozen_fields, hash=False
    )
    history: CarriedHistory | None = attrs.field(default=None, converter=_carried, kw_only=True)

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
    frozen = frozen_fields(value)
    for name, v in frozen.items():
        if name in RESERVED_FIELDS:
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

    ``history``, when given, is what the source knows of the item's history
    (:class:`~agilemarketing.adapter.CarriedHistory`): an adapter that keeps history appends the
    source's transitions it has not seen (with their times and ``observed`` flags) instead of
    one stamped with the time of the write, and takes created, resolved, sprints and blocked
    periods from it. It is not part of :attr:`change_id`.

    >>> MoveStatus("MKT-1", "Done", from_status="Review").describe()
    "move MKT-1 'Review' -> 'Done'"
    """

    kind: ClassVar[str] = "move"
    to_status: str = attrs.field(validator=required)
    from_status: str | None = attrs.field(default=None, converter=_optional_status)
    history: CarriedHistory | None = attrs.field(default=None, converter=_carried, kw_only=True)

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

#: Every change type by its :attr:`Change.kind`: what :func:`change_from_dict` rebuilds and
#: :meth:`~agilemarketing.adapter.Adapter.check_supports` accepts.
CHANGE_TYPES: Mapping[str, type[AnyChange]] = MappingProxyType(
    {t.kind: t for t in (CreateItem, UpdateFields, MoveStatus, Rerank)}
)


def change_from_dict(data: Mapping[str, Any]) -> AnyChange:
    """Rebuild a change from :meth:`Change.as_dict` (for a journal read back from disk).

    >>> c = UpdateFields("MKT-1", {"labels": ["q2", "webinar"]}, origin="sync 7")
    >>> change_from_dict(c.as_dict()) == c, change_from_dict(c.as_dict()).change_id == c.change_id
    (True, True)
    """
    fields = dict(data)
    kind = fields.pop("kind", None)
    change_type = CHANGE_TYPES.get(str(kind))
    if change_type is None:
        raise InvalidValue(
            "unknown change kind",
            where="change record",
            fix=f"use one of {', '.join(sorted(CHANGE_TYPES))}",
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

    @functools.cached_property
    def change_id(self) -> str:
        """The change's :attr:`Change.change_id`."""
        return self.change.change_id

    @property
    def ok(self) -> bool:
        """True unless the change failed."""
        return self.status is not ChangeStatus.FAILED
