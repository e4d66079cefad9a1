"""Errors of the SQLite mirror and the sync engine (mirror.py, sync.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agilemarketing.errors.base import AgileMarketingError, InvalidValue

__all__ = [
    "MirrorError",
    "SyncConfigError",
    "SyncConflictError",
]


class MirrorError(AgileMarketingError):
    """The mirror database cannot be opened, upgraded or written as asked.

    The message names the database file (``where``) and what to do about it.
    """


class SyncConfigError(InvalidValue):
    """A sync configuration file (TOML) or option is invalid.

    Attributes:
        path: the configuration file, if the problem is in one.
        key: the offending key (``"status_map"``, ``"fields.points"``...), if known.
    """

    def __init__(
        self,
        what: str,
        *,
        path: str | None = None,
        key: str | None = None,
        fix: str | None = None,
        value: Any = None,
    ) -> None:
        self.path = path
        self.key = key
        where = ", ".join(
            part for part in (path and f"file {path}", key and f"key {key!r}") if part
        )
        super().__init__(what, where=where or "sync configuration", fix=fix, value=value)


class SyncConflictError(AgileMarketingError):
    """Items changed on both sides since the last sync, and the policy is ``fail``.

    Nothing was written. Each conflict names the item, the field, the base value (last synced)
    and both current values.

    Attributes:
        conflicts: the conflicts, as :class:`agilemarketing.sync.Conflict` values.
    """

    def __init__(self, conflicts: Sequence[Any]) -> None:
        self.conflicts = tuple(conflicts)
        shown = "; ".join(str(c) for c in self.conflicts[:5])
        more = f" (and {len(self.conflicts) - 5} more)" if len(self.conflicts) > 5 else ""
        super().__init__(
            f"{len(self.conflicts)} item field(s) changed on both sides since the last sync: "
            f"{shown}{more}",
            where="sync",
            fix="choose a policy (--on-conflict prefer-source, prefer-target or skip), "
            "or make both sides agree and sync again",
        )
