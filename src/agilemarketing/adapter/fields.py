"""The values an item field can hold, and the field names with a meaning of their own.

:data:`FieldValue` is what an extra field of an :class:`~agilemarketing.adapter.ItemRecord`, or a
value of an :class:`~agilemarketing.adapter.UpdateFields` change, may be. :data:`CORE_FIELDS` map
onto the :class:`~agilemarketing.history.ItemHistory` core; :data:`RESERVED_FIELDS` change only
through their own change type. :func:`frozen_fields` is the converter records and changes share.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeAlias

from agilemarketing.errors import InvalidValue

__all__ = ["CORE_FIELDS", "RESERVED_FIELDS", "FieldValue", "frozen_fields"]

FieldValue: TypeAlias = str | int | float | bool | tuple[str, ...] | None
"""A value an item field can hold: a scalar, a tuple of strings (labels, multi-selects) or None."""

#: Field names that :class:`UpdateFields` maps onto the :class:`ItemHistory` core; every other
#: name is an extra field kept in :attr:`ItemRecord.fields`.
CORE_FIELDS = frozenset({"summary", "type", "points", "labels"})

#: Names that change through their own change type, never through :class:`UpdateFields`.
RESERVED_FIELDS = frozenset({"key", "status", "rank", "transitions", "created", "resolved"})


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


def frozen_fields(value: Mapping[str, Any] | None) -> Mapping[str, FieldValue]:
    """A read-only, name-sorted copy of ``value`` whose values are all :data:`FieldValue`
    (lists become tuples, sets sorted tuples); anything else is an
    :class:`~agilemarketing.errors.InvalidValue` naming the field."""
    if not value:
        return MappingProxyType({})
    return MappingProxyType(
        {str(name): _field_value(v, f"field {name!r}") for name, v in sorted(value.items())}
    )
