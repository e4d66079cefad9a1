"""Making a plan (:func:`plan`): read both sides, compare them with the mirror, plan the changes.

:func:`plan` only reads. The source is read incrementally from its cursor when it can be, the
target in full (that is where conflicts are found); each source item is planned against the
merge bases the mirror holds (:func:`~agilemarketing.sync.itemplan.plan_item`), then the order
(:func:`~agilemarketing.sync.reranks.plan_reranks`) when the target keeps one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Final, NamedTuple

from agilemarketing._redaction import Redactor
from agilemarketing.adapter import Adapter, Cursor, ItemRecord, rank_order, redact_record
from agilemarketing.errors import InvalidCursor, MirrorError
from agilemarketing.mirror import JournalStatus, Mirror, MirrorAdapter
from agilemarketing.sync.boards import boards_to_store
from agilemarketing.sync.config import FieldMapping, SyncConfig
from agilemarketing.sync.conflicts import Conflict, ConflictPolicy
from agilemarketing.sync.history import accrue_history
from agilemarketing.sync.itemplan import ItemPlan, plan_item
from agilemarketing.sync.progress import Progress
from agilemarketing.sync.rankscope import plan_scoped_reranks
from agilemarketing.sync.syncplan import PlanContext, SyncPlan
from agilemarketing.utc import ensure_utc, utcnow
from agilemarketing.workflow import Workflow

__all__ = ["plan"]

_PROGRESS_EVERY: Final = 200


class _Sides(NamedTuple):
    """Both sides as a sync finds them: the merge bases in the mirror, the revision at which the
    mirror last wrote each source item, and what was read now (with the source's next cursor)."""

    base_s: dict[str, ItemRecord]
    base_t: dict[str, ItemRecord]
    revisions: dict[str, int]
    read_s: dict[str, ItemRecord]
    source_cursor: str | None
    target_now: dict[str, ItemRecord]


def plan(
    source: Adapter,
    target: Adapter,
    mirror: Mirror,
    policy: ConflictPolicy | str | None = None,
    *,
    config: SyncConfig | None = None,
    progress: Progress | None = None,
    seen_at: datetime | None = None,
) -> SyncPlan:
    """Compare ``source`` and ``target`` with the mirror's merge base; plan what to send.

    Reads both sides (the source incrementally from its cursor when it can, the target in full:
    that is where conflicts are found) and writes nothing. ``policy`` overrides the one in
    ``config`` (default ``fail``). ``seen_at`` is when the source was read (default: now): the
    time given to status changes the sync observes in a source without history.
    """
    config = config or SyncConfig()
    chosen = ConflictPolicy(policy) if policy is not None else config.on_conflict
    target.check_writable()
    src, tgt = _pair(source, target, mirror)
    sides = _read_sides(source, target, mirror, (src, tgt), progress)
    seen_at = utcnow() if seen_at is None else ensure_utc(seen_at, where="plan(seen_at=...)")
    adopt_history = isinstance(target, MirrorAdapter)
    items, conflicts = _plan_items(sides, config.mapping, chosen, src, seen_at, adopt_history)
    if target.capabilities.rank:
        items, found = plan_scoped_reranks(
            items,
            sides.base_s,
            sides.read_s,
            sides.target_now,
            chosen,
            src,
            sides.revisions,
            scope=target.capabilities.rank_scope,  # board-wide, or within each status
            status_of=lambda record: config.mapping.status(record.history.status),
        )
        conflicts += found
    changed = {i.key for i in items if i.changes or i.conflicted}
    unchanged = len({i.key for i in items} - changed)
    items = [
        i for i in items if i.changes or i.source_base or i.target_base or i.adopt or i.blocked
    ]
    # Creates first (a rerank or a later change may name a new item), reranks last.
    items.sort(key=_batch_order)
    interrupted = tuple(mirror.journal(tgt, status=JournalStatus.PLANNED))
    unmapped = _unmapped_statuses(sides.read_s.values(), config.mapping, config.workflow)
    return SyncPlan(
        source=src,
        target=tgt,
        policy=chosen,
        changes=tuple(c for i in items for c in i.changes),
        conflicts=tuple(conflicts),
        unchanged=unchanged,
        interrupted=interrupted,
        unmapped_statuses=unmapped,
        context=PlanContext(
            items=tuple(items),
            source_adapter=source,
            target_adapter=target,
            mirror=mirror,
            source_cursor=sides.source_cursor,
            batch_size=config.batch_size,
            target_now=sides.target_now,
            boards=boards_to_store(
                source, target, src, config.mapping, source.redactor + target.redactor
            ),
            journal=config.journal,
        ),
    )


def _pair(source: Adapter, target: Adapter, mirror: Mirror) -> tuple[str, str]:
    """The source's and the target's names in the mirror (their URLs, secrets redacted), once
    it is clear that this mirror may sync them."""
    src, tgt = _side(source), _side(target)
    if src == tgt:
        raise MirrorError(
            "the source and the target are the same board",
            where=f"sync {src} -> {tgt}",
            fix="name two different boards",
        )
    peer = mirror.peer(src)
    if peer is not None and peer != tgt:
        raise MirrorError(
            f"{src} is synced with {peer} in this mirror, not with {tgt}",
            where=f"mirror {mirror.path}",
            fix="keep one mirror file (--state) per source and target pair",
        )
    return src, tgt


def _side(adapter: Adapter) -> str:
    return adapter.redact(adapter.url)


def _read_sides(
    source: Adapter,
    target: Adapter,
    mirror: Mirror,
    pair: tuple[str, str],
    progress: Progress | None,
) -> _Sides:
    src, tgt = pair
    base_s = mirror.board(src)
    base_t = mirror.board(tgt)
    revisions = mirror.item_revisions(src)
    read_s, cursor, _ = _read_all(source, mirror.cursor(src), "read source", progress)
    source_cursor: str | None = cursor
    target_now, _, _ = _read_all(target, None, "read target", progress)
    # Both adapters' secrets (those read during the reads included) leave both sides before
    # anything is compared, stored or printed; without secrets this costs nothing.
    hide = source.redactor + target.redactor
    if hide:
        read_s = _redacted(read_s, hide, src)
        target_now = _redacted(target_now, hide, tgt)
        if hide(cursor) != cursor:
            source_cursor = None  # never stored: the next sync reads the source in full
    return _Sides(base_s, base_t, revisions, read_s, source_cursor, target_now)


def _redacted(records: dict[str, ItemRecord], hide: Redactor, board: str) -> dict[str, ItemRecord]:
    return {key: redact_record(record, hide, board=board) for key, record in records.items()}


def _read_all(
    adapter: Adapter, since: str | None, phase: str, progress: Progress | None
) -> tuple[dict[str, ItemRecord], str, bool]:
    try:
        result = adapter.read(None if since is None else Cursor(since))
    except InvalidCursor:
        result = adapter.read(None)  # the source forgot the cursor (restarted): read it all
    records: dict[str, ItemRecord] = {}
    for number, record in enumerate(result, start=1):
        records[record.key] = record
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(phase, number, None)
    if progress is not None:
        progress(phase, len(records), len(records))
    return records, result.cursor.token, result.complete


def _plan_items(
    sides: _Sides,
    mapping: FieldMapping,
    policy: ConflictPolicy,
    src: str,
    seen_at: datetime,
    adopt_history: bool,
) -> tuple[list[ItemPlan], list[Conflict]]:
    """Plan every item read from the source, in the source's order (so creates land on the
    target in that order)."""
    items: list[ItemPlan] = []
    conflicts: list[Conflict] = []
    for raw in sorted(sides.read_s.values(), key=rank_order):
        key = raw.key
        base = sides.base_s.get(key)
        item, found = plan_item(
            key,
            accrue_history(base, raw, seen_at),
            base,
            sides.target_now.get(key),
            sides.base_t.get(key),
            mapping,
            policy,
            f"{src}@{sides.revisions.get(key, 0)}",
            adopt_history,
        )
        conflicts += found
        items.append(item)
    return items, conflicts


def _batch_order(item: ItemPlan) -> int:
    kinds = {c.kind for c in item.changes}
    return 0 if "create" in kinds else 2 if kinds == {"rerank"} else 1


def _unmapped_statuses(
    records: Iterable[ItemRecord], mapping: FieldMapping, workflow: Workflow | None
) -> Mapping[str, tuple[str, ...]]:
    """The target statuses no stage of ``workflow`` holds, with the keys of their items."""
    unmapped: dict[str, list[str]] = {}
    if workflow is not None:
        for raw in records:
            status = mapping.status(raw.history.status)
            if status and workflow.stage_for_status(status) is None:
                unmapped.setdefault(status, []).append(raw.key)
    return {s: tuple(sorted(keys)) for s, keys in sorted(unmapped.items())}
