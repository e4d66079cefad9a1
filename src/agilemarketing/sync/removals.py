"""Deletions reaching the mirror: which items a read says are gone, which came back.

Only evidence counts (the rule of :class:`~agilemarketing.adapter.Capabilities`): a key in an
incremental read's ``ReadResult.removed``, or a key missing from a complete read of a source
whose ``missing_is_deleted`` says the tool deletes on purpose. A CSV file that lost a row is not
such evidence. A removed item is kept in the mirror with its history and a ``removed_at``
(:meth:`~agilemarketing.mirror.Mirror.mark_removed`): on the source's merge base and, when the
target is a mirror, on its own board and the target's base, so reports leave it out of WIP,
ageing and forecasts. An item read again after it was removed is restored. Nothing is deleted
in another tool: writing a removal is out of scope, the plan only reports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from agilemarketing.adapter import Adapter, ItemRecord
from agilemarketing.mirror import OWN_BOARD, Mirror, MirrorAdapter, target_base

__all__ = ["Removals", "apply_removals", "find_removals", "removed_rows"]


@attrs.frozen
class Removals:
    """The source items a plan marks removed, and the removed ones it brings back."""

    removed: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()


def find_removals(
    source: Adapter,
    base_s: Mapping[str, ItemRecord],
    read_s: Mapping[str, ItemRecord],
    complete: bool,
    gone: Iterable[str],
    removed_before: Iterable[str],
) -> Removals:
    """What the source's read says: keys of live items it removed (``gone``, or missing from
    a ``complete`` read of a source that deletes on purpose) and removed keys read again."""
    evidence = set(gone)
    if complete and source.capabilities.missing_is_deleted:
        evidence |= set(base_s) - set(read_s)
    removed = tuple(sorted(k for k in evidence if k in base_s and k not in read_s))
    restored = tuple(sorted(k for k in set(removed_before) if k in read_s))
    return Removals(removed, restored)


def removed_rows(mirror: Mirror, board: str, keys: Iterable[str]) -> dict[str, ItemRecord]:
    """The rows of removed items ``keys`` on ``board``: the merge base of a restored item."""
    wanted = set(keys)
    if not wanted:
        return {}
    return {r.key: r for r in mirror.records(board, removed=True) if r.key in wanted}


def apply_removals(
    removals: Removals, mirror: Mirror, target: Adapter, src: str, tgt: str, at: datetime
) -> None:
    """Mark the plan's removed items and clear the restored ones, in one transaction per
    mirror: on the source's base and, for a mirror target, its own board and the target's base.
    Both are idempotent: a run killed before or after this is run again the same way."""
    if not removals.removed and not removals.restored:
        return
    boards: list[tuple[Mirror, str]] = [(mirror, src)]
    if isinstance(target, MirrorAdapter):
        boards.append((mirror, target_base(tgt)))
        boards.append((target.mirror, OWN_BOARD))
    for where in {id(m): m for m, _ in boards}.values():
        with where.transaction():
            for m, board in boards:
                if m is where:
                    m.restore(board, removals.restored)
                    m.mark_removed(board, removals.removed, at)
