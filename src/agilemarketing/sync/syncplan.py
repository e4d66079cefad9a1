"""The plan of a sync (:class:`SyncPlan`): what it will change, and what it found in the way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from agilemarketing.adapter import Adapter, AnyChange, BoardDescription, ItemRecord
from agilemarketing.mirror import JournalEntry, Mirror
from agilemarketing.sync.conflicts import Conflict, ConflictPolicy
from agilemarketing.sync.itemplan import ItemPlan
from agilemarketing.sync.keymaps import KeyMap
from agilemarketing.sync.quiet import QuietStart
from agilemarketing.sync.removals import Removals
from agilemarketing.sync.runs import JournalBounds

__all__ = ["PlanContext", "SyncPlan"]


@attrs.frozen(eq=False)
class PlanContext:
    """What applying a plan works with besides what the plan shows: the plan of every item (its
    changes and the merge bases to store after them), both adapters, the mirror, the source
    cursor to store once everything is applied, the batch size, the target as it was read, the
    names of both boards in the mirror (their identities, see
    :attr:`agilemarketing.adapter.Adapter.identity`) and the boards to rename to them first
    (``(old, new)`` pairs: boards an earlier release stored under the URL as typed)."""

    items: tuple[ItemPlan, ...]
    source_adapter: Adapter
    target_adapter: Adapter
    mirror: Mirror
    source_cursor: str | None
    batch_size: int
    target_now: Mapping[str, ItemRecord]
    source_board: str
    target_board: str
    renames: tuple[tuple[str, str], ...] = ()
    boards: tuple[tuple[str, BoardDescription], ...] = ()  # descriptions to store (sync.boards)
    journal: JournalBounds = attrs.field(factory=JournalBounds)  # what the journal keeps
    removals: Removals = attrs.field(factory=Removals)
    target_keys: KeyMap = attrs.field(factory=KeyMap)  # the target's key map (sync.keymaps)
    target_cursor: str | None = None  # where the next read of the target starts (targetreads)
    quiet: QuietStart | None = None  # both sides' current cursors before the reads (sync.quiet)


@attrs.frozen(eq=False)
class SyncPlan:
    """The changes a sync will make, the conflicts it found, and how many items need nothing.

    Print it for a dry run (``str(plan)``), or serialise it with :meth:`as_dict`. It is applied
    once, with :func:`apply`.

    Attributes:
        source: the source's URL as given (secrets redacted).
        target: the target's URL as given (secrets redacted).
        policy: the conflict policy the plan was made under.
        changes: every change, in the order it will be sent.
        conflicts: every field changed on both sides, with what the policy decided.
        unchanged: source items read this time that need nothing (no-ops); an incremental
            read only returns the items changed since the last sync.
        interrupted: journal entries left *planned* by an interrupted earlier run.
        unmapped_statuses: with a workflow in the config, the target statuses (after
            ``status_map``) that no stage of the workflow holds, with the keys of their items:
            the metrics cannot place those items until the workflow or the map names them.
        removed: the keys of source items the source deleted (its read reports them, or a
            complete read of a tool that deletes on purpose misses them): marked removed in the
            mirror, kept with their history; never deleted in another tool.
        restored: the keys of items removed earlier that the source holds again.
        recreated: the keys of items synced before that are missing on the target with no
            record of a deletion (a file rewritten, rows lost): the plan creates them again.
        context: what :func:`apply` works with: the plan of each item, the adapters, the
            mirror (a :class:`PlanContext`).
    """

    source: str
    target: str
    policy: ConflictPolicy
    changes: tuple[AnyChange, ...]
    conflicts: tuple[Conflict, ...]
    unchanged: int
    interrupted: tuple[JournalEntry, ...]
    unmapped_statuses: Mapping[str, tuple[str, ...]]
    context: PlanContext = attrs.field(repr=False)
    recreated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()

    def count(self, kind: str) -> int:
        """How many changes of a kind (``"create"``, ``"update"``, ``"move"``, ``"rerank"``)."""
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        """Changes by kind, conflicts and unchanged items."""
        return {
            "create": self.count("create"),
            "update": self.count("update"),
            "move": self.count("move"),
            "rerank": self.count("rerank"),
            "conflict": len(self.conflicts),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "restored": len(self.restored),
        }

    @property
    def blocked_by_conflicts(self) -> bool:
        """True when the policy is ``fail`` and there are conflicts: :func:`apply` refuses."""
        return self.policy is ConflictPolicy.FAIL and bool(self.conflicts)

    def summary(self) -> str:
        """One line: what the plan does (removals and restores only when there are some)."""
        c = self.counts
        return (
            f"{self.source} -> {self.target}: {c['create']} creates, {c['move']} moves, "
            f"{c['update']} updates, {c['conflict']} conflicts, {c['unchanged']} unchanged"
            + (f", {c['removed']} removed" if self.removed else "")
            + (f", {c['restored']} restored" if self.restored else "")
        )

    def __str__(self) -> str:
        lines = [f"Sync plan (on conflict: {self.policy.value})", self.summary()]
        if self.interrupted:
            lines.append(
                f"resuming: {len(self.interrupted)} change(s) left planned by an interrupted run"
            )
        lines += [f"  {change.describe()}" for change in self.changes]
        lines += [f"  remove {key} (deleted at the source)" for key in self.removed]
        lines += [f"  restore {key} (back at the source)" for key in self.restored]
        lines += [f"  conflict {conflict}" for conflict in self.conflicts]
        lines += self.warnings()
        return "\n".join(lines)

    def warnings(self) -> list[str]:
        """Lines a person should read even when the sync succeeds (statuses with no stage,
        items created again because the target lost them)."""
        lines = []
        if self.recreated:
            keys = self.recreated
            lines.append(
                f"re-created {len(keys)} item{'s' if len(keys) != 1 else ''} missing on the "
                f"target (no deletion record): {', '.join(keys[:10])}"
                f"{', ...' if len(keys) > 10 else ''}"
            )
        lines += [
            f"warning: status {status!r} ({len(keys)} item(s): {', '.join(keys[:3])}"
            f"{', ...' if len(keys) > 3 else ''}) is in no stage of the workflow; "
            "add it to a stage's statuses or map it in [status_map]"
            for status, keys in self.unmapped_statuses.items()
        ]
        return lines

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: URLs, policy, counts, every change (with its id) and every conflict."""
        return {
            "source": self.source,
            "target": self.target,
            "policy": self.policy.value,
            "counts": self.counts,
            "changes": [
                {"change_id": c.change_id, "describe": c.describe(), **c.as_dict()}
                for c in self.changes
            ],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "interrupted": [e.change_id for e in self.interrupted],
            "unmapped_statuses": {s: list(k) for s, k in self.unmapped_statuses.items()},
            "recreated": list(self.recreated),
            "removed": list(self.removed),
            "restored": list(self.restored),
        }
