"""The journal kept bounded: each sync run that wrote is noted, and applied entries older than
the runs and days a mirror keeps are compacted away (:class:`JournalBounds`).

Planned and failed entries are never compacted (a resumed or retried sync needs them); applied
ones only say that a change went through, which the target and the merge bases already hold.

>>> JournalBounds().keep_runs, JournalBounds().keep_days
(30, 30.0)
>>> JournalBounds.from_value({"keep_runs": 5}).keep_runs
5
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from agilemarketing.errors import SyncConfigError
from agilemarketing.mirror import Mirror
from agilemarketing.utc import utcnow

__all__ = ["JournalBounds", "finish_run"]


@attrs.frozen
class JournalBounds:
    """How much of the journal a mirror keeps: applied entries from the last ``keep_runs``
    runs that wrote, and from the last ``keep_days`` days, whichever keeps more. Configured as
    ``[journal] keep_runs = 30, keep_days = 30`` in the sync configuration file."""

    keep_runs: int = 30
    keep_days: float = 30.0

    def __attrs_post_init__(self) -> None:
        if isinstance(self.keep_runs, bool) or not isinstance(self.keep_runs, int):
            raise SyncConfigError("must be a whole number", key="journal.keep_runs")
        if self.keep_runs < 1:
            raise SyncConfigError("must be 1 or more", key="journal.keep_runs")
        if not isinstance(self.keep_days, int | float) or self.keep_days < 0:
            raise SyncConfigError("must be a number of days, 0 or more", key="journal.keep_days")

    @classmethod
    def from_value(cls, value: object, *, path: str | None = None) -> JournalBounds:
        """The ``[journal]`` table of a configuration file (None: the defaults)."""
        if value is None:
            return cls()
        if not isinstance(value, Mapping):
            raise SyncConfigError("must be a table", path=path, key="journal")
        unknown = sorted(set(value) - {"keep_runs", "keep_days"})
        if unknown:
            raise SyncConfigError(
                "unknown key",
                path=path,
                key=f"journal.{unknown[0]}",
                fix="use keep_runs, keep_days",
            )
        return cls(value.get("keep_runs", 30), float(value.get("keep_days", 30.0)))


def finish_run(
    mirror: Mirror,
    target: str,
    started_at: datetime,
    summary: Mapping[str, Any],
    bounds: JournalBounds,
) -> int:
    """Note a run that wrote to ``target`` and compact its journal to ``bounds``, in one
    transaction; return how many applied entries were compacted."""
    with mirror.transaction():
        mirror.record_run(target, started_at, summary)
        return mirror.compact_journal(
            target, keep_runs=bounds.keep_runs, keep_days=bounds.keep_days, now=utcnow()
        )
