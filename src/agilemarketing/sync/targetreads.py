"""Reading the target no more than a plan needs (issue 11 point 9).

A live target (Jira, Trello) costs a request per page and a history fetch per item. A sync
reads it in one of three ways:

- **incrementally, from its own cursor**: a target with ``Capabilities.incremental_read`` that
  keeps no order (``rank``: reranks are planned against the whole board's order) and is not the
  mirror's own board is read since the cursor the last clean apply stored for this source
  and target pair (the mirror's ``target_cursors``). The items it returns are taken as read; every
  other synced item is taken at its merge base (what the last sync wrote or saw there), less the
  keys the read reports removed. The first sync, ``--full``, and a cursor the target refuses
  read it in full.
- **as state only**: a target that defines ``read_state(since)`` (a read with no history: the
  current status, fields and rank; what planning compares) is read that way; a mirror target
  never is (the mirror adopts histories).
- **in full**, with history: every other target.

The next cursor is stored only once the plan's changes are applied, and only when every item
the read returned is settled: written by the plan, or holding its merge base. An item changed
in the target that the plan left alone (only the target changed it) keeps the old cursor, so
the next read sees it again and a later source change to the same field is still a conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from agilemarketing.adapter import Adapter, Cursor, ItemRecord, ReadResult
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync.config import FieldMapping
from agilemarketing.sync.itemplan import ItemPlan, same_state

__all__ = [
    "Reader",
    "reads_incrementally",
    "settled_cursor",
    "target_reader",
    "target_since",
    "with_bases",
]


Reader = Callable[[Cursor | None], ReadResult]


def reads_incrementally(target: Adapter) -> bool:
    """Whether a sync reads ``target`` from its own cursor (when it has one): an incremental
    target that keeps no order (an order is compared across the whole board) and is not a
    mirror."""
    caps = target.capabilities
    return caps.incremental_read and not caps.rank and not isinstance(target, MirrorAdapter)


def target_reader(target: Adapter) -> Reader:
    """How a sync reads ``target``: ``read_state`` when it defines one (never for a mirror
    target, whose histories a sync adopts), else ``read``."""
    state: Reader | None = getattr(target, "read_state", None)
    if isinstance(target, MirrorAdapter) or not callable(state):
        return target.read
    return state


def target_since(
    target: Adapter, mirror: Mirror, pair: tuple[str, str], *, full: bool
) -> str | None:
    """The target cursor this sync reads from (None: read in full)."""
    if full or not reads_incrementally(target):
        return None
    return mirror.target_cursor(*pair)


def with_bases(
    read: Mapping[str, ItemRecord],
    base_t: Mapping[str, ItemRecord],
    removed: Iterable[str],
) -> dict[str, ItemRecord]:
    """The target as an incremental read shows it: every synced item at its merge base, the
    items read as read, less the keys reported removed."""
    gone = set(removed)
    return {**{k: r for k, r in base_t.items() if k not in gone}, **read}


def settled_cursor(
    cursor: str,
    since: str | None,
    read: Mapping[str, ItemRecord],
    base_t: Mapping[str, ItemRecord],
    items: Iterable[ItemPlan],
    mapping: FieldMapping,
) -> str | None:
    """The target cursor to store after a clean apply: ``cursor`` (where this read ended) when
    every item it returned is settled, else ``since`` (read them again next time)."""
    written = {i.key for i in items if i.target_base is not None}
    for key, record in read.items():
        if key in written or key not in base_t:
            continue
        target_base = base_t[key]
        if not same_state(record, target_base, mapping):
            return since
    return cursor


def cursor_after_apply(
    target: Adapter, settled: str | None, written: Iterable[str], keys: Callable[[str], str]
) -> str | None:
    """The target cursor to store once a plan's changes are applied: past the sync's own
    writes, so the next read does not fetch them back. The target is read from ``settled`` (the
    plan's cursor, see :func:`settled_cursor`); when it returns only items the sync wrote
    (``written``, by the sync's keys; ``keys`` turns the target's keys into those), its end is
    stored, else ``settled`` (someone else wrote meanwhile: read those again next time)."""
    if settled is None:
        return None
    result = target_reader(target)(Cursor(settled))
    mine = set(written)
    if all(keys(record.key) in mine for record in result) and not result.removed:
        return result.cursor.token
    return settled
