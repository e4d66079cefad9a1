"""What :func:`apply` did (:class:`SyncReport`), and the CLI's exit codes."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from agilemarketing.sync.conflicts import Conflict

__all__ = ["ExitCode", "FailedChange", "SyncReport"]


class ExitCode(enum.IntEnum):
    """What ``agilemarketing sync`` returns to the shell."""

    OK = 0  #: the sync ran (or the dry run planned) with nothing left unresolved
    CONFLICTS = 1  #: conflicts under policy ``fail``: nothing was written
    USAGE = 2  #: bad command line, URL, configuration file, input or mirror file, read-only target
    FAILED_CHANGES = 3  #: some changes failed at the target; the rest were applied
    ERROR = 4  #: the sync stopped on an adapter error (a server, the disk); run it again
    BUSY = 6  #: another sync holds the target or the mirror: nothing changed; run again later


@attrs.frozen
class FailedChange:
    """A change the target refused; nothing of it was applied."""

    change_id: str
    description: str
    error: str


@attrs.frozen
class SyncReport:
    """What :func:`apply` did.

    Attributes:
        source: the source URL.
        target: the target URL.
        applied: changes the target applied.
        already_applied: changes the target already held (a resumed run, a concurrent edit).
        failed: changes the target refused (the rest were applied).
        conflicts: the plan's conflicts and what the policy did with each.
        resumed: journal entries of an interrupted run settled by this one.
        by_kind: applied or already-applied changes by kind.
        compacted: applied journal entries dropped to keep the journal within its bounds
            (``[journal]`` in the configuration: ``keep_runs``, ``keep_days``).
        removed: items the source deleted, marked removed in the mirror (kept with history).
        restored: items removed earlier that the source holds again.
    """

    source: str
    target: str
    applied: int
    already_applied: int
    failed: tuple[FailedChange, ...]
    conflicts: tuple[Conflict, ...]
    resumed: int
    by_kind: Mapping[str, int]
    compacted: int = 0
    removed: int = 0
    restored: int = 0

    @property
    def exit_code(self) -> ExitCode:
        """:attr:`ExitCode.FAILED_CHANGES` if any change failed, else :attr:`ExitCode.OK`."""
        return ExitCode.FAILED_CHANGES if self.failed else ExitCode.OK

    def summary(self) -> str:
        """One line: what was done (removals and restores only when there were some)."""
        k = self.by_kind
        return (
            f"{k.get('create', 0)} created, {k.get('update', 0)} updated, "
            f"{k.get('move', 0)} moved: {self.applied} applied, "
            f"{self.already_applied} already applied, {len(self.failed)} failed, "
            f"{len(self.conflicts)} conflicts"
            + (f", {self.removed} removed" if self.removed else "")
            + (f", {self.restored} restored" if self.restored else "")
        )

    def __str__(self) -> str:
        lines = [f"Synced {self.source} -> {self.target}", self.summary()]
        if self.resumed:
            lines.append(f"resumed {self.resumed} change(s) from an interrupted run")
        lines += [f"  failed: {f.description}: {f.error}" for f in self.failed]
        lines += [f"  conflict {c}" for c in self.conflicts]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "source": self.source,
            "target": self.target,
            "applied": self.applied,
            "already_applied": self.already_applied,
            "failed": [attrs.asdict(f) for f in self.failed],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "resumed": self.resumed,
            "by_kind": dict(self.by_kind),
            "compacted": self.compacted,
            "removed": self.removed,
            "restored": self.restored,
            "exit_code": int(self.exit_code),
        }
