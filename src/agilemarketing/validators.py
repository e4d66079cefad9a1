"""attrs converters and validators that turn a wrong input into the library's error, naming the
argument. Public, so an adapter or a plugin can check its own values the same way.

A constructor must never let a bare ``ValueError``, ``TypeError`` or ``AttributeError`` reach a
user: each converter here either returns the normalised value or raises
:class:`~agilemarketing.errors.InvalidValue` saying which argument (``where``), the value, and
what to pass instead.

>>> to_number = number("Kpi.target")
>>> to_number("50"), to_number(7)
(50.0, 7.0)
>>> to_number("fifty")
Traceback (most recent call last):
...
agilemarketing.errors.InvalidValue: Kpi.target: expected a number (got 'fifty'). Fix: give a \
number, e.g. 50.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from agilemarketing.errors import InvalidValue

__all__ = [
    "Choices",
    "a",
    "choice",
    "instances",
    "number",
    "one_line",
    "optional_number",
    "optional_text",
    "required",
    "sequence",
    "stripped",
    "texts",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


def _shown(value: object) -> object:
    """The value for a message: itself when it prints well, else its type's name."""
    if value is None or isinstance(value, str | int | float | bytes):
        return value
    return type(value).__name__


def number(
    where: str, *, finite: bool = False, fix: str = "give a number, e.g. 50"
) -> Callable[[Any], float]:
    """A converter to ``float``: numbers and numeric text; ``finite`` also refuses NaN and ±inf."""

    def convert(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidValue("expected a number", where=where, fix=fix, value=_shown(value))
        try:
            result = float(value)
        except (ValueError, OverflowError):
            raise InvalidValue(
                "expected a number", where=where, fix=fix, value=_shown(value)
            ) from None
        if finite and not math.isfinite(result):
            raise InvalidValue("expected a finite number", where=where, fix=fix, value=result)
        return result

    return convert


def optional_number(
    where: str, *, finite: bool = False, fix: str = "give a number, or leave it out"
) -> Callable[[Any], float | None]:
    """:func:`number`, with None passing through."""
    inner = number(where, finite=finite, fix=fix)

    def convert(value: Any) -> float | None:
        return None if value is None else inner(value)

    return convert


def sequence(value: Any, where: str, *, fix: str) -> list[Any]:
    """The items of an iterable (not text, not a mapping) as a list, or InvalidValue."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidValue("expected a list", where=where, fix=fix, value=_shown(value))
    return list(value)


def texts(where: str, *, fix: str = "give a list of names") -> Callable[[Any], tuple[str, ...]]:
    """A converter to a tuple of stripped, non-empty texts; one text counts as a list of one."""

    def convert(value: Any) -> tuple[str, ...]:
        entries = [value] if isinstance(value, str) else sequence(value, where, fix=fix)
        bad = [e for e in entries if not isinstance(e, str)]
        if bad:
            raise InvalidValue("expected text", where=where, fix=fix, value=_shown(bad[0]))
        return tuple(t for t in (e.strip() for e in entries) if t)

    return convert


def optional_text(where: str) -> Callable[[Any], str | None]:
    """A converter for an optional text: stripped, empty becomes None; other types refused."""

    def convert(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise InvalidValue(
                "expected text", where=where, fix="give text, or leave it out", value=_shown(value)
            )
        return value.strip() or None

    return convert


def instances(cls: type[T], where: str, *, fix: str) -> Callable[[Any], tuple[T, ...]]:
    """A converter to a tuple whose every entry is a ``cls``."""

    def convert(value: Any) -> tuple[T, ...]:
        entries = sequence(value, where, fix=fix)
        for entry in entries:
            if not isinstance(entry, cls):
                raise InvalidValue(
                    f"expected {cls.__name__} values", where=where, fix=fix, value=_shown(entry)
                )
        return tuple(entries)

    return convert


def a(
    cls: type | tuple[type, ...], where: str, *, fix: str, optional: bool = False
) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: the value is a ``cls`` (or None when ``optional``)."""
    names = " or ".join(c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,)))

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if (value is None and optional) or isinstance(value, cls):
            return
        raise InvalidValue(f"expected a {names}", where=where, fix=fix, value=_shown(value))

    return check


def choice(kind: type[E], where: str) -> Callable[[Any], E]:
    """A converter to a member of the enum ``kind`` (by value), naming the argument on a miss."""

    def convert(value: Any) -> E:
        if isinstance(value, kind):
            return value
        for member in kind:
            if member.value == value:
                return member
        raise InvalidValue(
            f"not a {kind.__name__}",
            where=where,
            fix="use one of " + ", ".join(repr(m.value) for m in kind),
            value=_shown(value),
        )

    return convert


class Choices(enum.StrEnum):
    """A set of named choices whose unknown values raise the library's error.

    ``Choices`` subclasses look their values up as a ``StrEnum`` does; a value that is none of
    them raises :class:`~agilemarketing.errors.InvalidValue` (still a ``ValueError``) naming the
    choices.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        raise InvalidValue(
            f"not a {cls.__name__}",
            where=cls.__name__,
            fix="use one of " + ", ".join(repr(m.value) for m in cls),
            value=_shown(value),
        )


# --- Text -----------------------------------------------------------------------------------------


def stripped(value: object) -> str:
    """attrs converter: ``value`` as text without surrounding white space.

    >>> stripped("  MKT-1 ")
    'MKT-1'
    """
    return str(value).strip()


def one_line(value: object) -> str:
    """attrs converter: ``value`` as text on one line, runs of white space squeezed to one space.

    >>> one_line("  waiting   for\\n legal ")
    'waiting for legal'
    """
    return " ".join(str(value).split())


_FIX = {"reason": "say why", "by": "say who decided"}


def required(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """attrs validator: the text must not be empty (use after :func:`one_line`).

    >>> @attrs.frozen
    ... class Note:
    ...     reason: str = attrs.field(converter=one_line, validator=required)
    >>> Note("  ")
    Traceback (most recent call last):
    ...
    agilemarketing.errors.InvalidValue: Note: reason must not be empty. Fix: say why.
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(
            f"{attribute.name} must not be empty",
            where=type(instance).__name__,
            fix=_FIX.get(attribute.name, f"give the {attribute.name}"),
            value=None if isinstance(value, str) else value,
        )
