"""Conflicts: a field changed on both sides since the last sync, and the policy that settles it."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from agilemarketing.adapter import FieldValue

__all__ = ["Conflict", "ConflictPolicy", "jsonable", "resolution"]


class ConflictPolicy(enum.StrEnum):
    """What to do with a field changed on both sides since the last sync.

    ``fail`` writes nothing and reports the conflicts; ``prefer-source`` writes the source's
    value; ``prefer-target`` keeps the target's; ``skip`` leaves the item alone on both sides
    (it is reported again next time).
    """

    FAIL = "fail"
    PREFER_SOURCE = "prefer-source"
    PREFER_TARGET = "prefer-target"
    SKIP = "skip"


@attrs.frozen
class Conflict:
    """One field of one item changed on both sides since the last sync.

    ``base`` is the value both sides agreed on at the last sync (None when the item was never
    synced); ``resolution`` says what the policy did: ``"fail"``, ``"source"``, ``"target"``
    or ``"skipped"``.

    >>> print(Conflict("MKT-3", "summary", "Launch", "Launch email", "Launch post", "skipped"))
    MKT-3 summary: base 'Launch', source 'Launch email', target 'Launch post' (skipped)
    """

    key: str
    field: str
    base: FieldValue
    source: FieldValue
    target: FieldValue
    resolution: str

    def __str__(self) -> str:
        return (
            f"{self.key} {self.field}: base {self.base!r}, source {self.source!r}, "
            f"target {self.target!r} ({self.resolution})"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "key": self.key,
            "field": self.field,
            "base": jsonable(self.base),
            "source": jsonable(self.source),
            "target": jsonable(self.target),
            "resolution": self.resolution,
        }


def jsonable(value: FieldValue) -> Any:
    """``value`` as JSON-ready data (a tuple of labels becomes a list)."""
    return list(value) if isinstance(value, tuple) else value


def resolution(policy: ConflictPolicy) -> str:
    """What :attr:`Conflict.resolution` says a policy did with a conflict."""
    return {
        ConflictPolicy.FAIL: "fail",
        ConflictPolicy.PREFER_SOURCE: "source",
        ConflictPolicy.PREFER_TARGET: "target",
        ConflictPolicy.SKIP: "skipped",
    }[policy]
