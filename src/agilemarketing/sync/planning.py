"""Making a plan (:func:`plan`): read both sides, compare them with the mirror, plan the changes.

:func:`plan` only reads. The source is read incrementally from its cursor when it can be, the
target in full (that is where conflicts are found); each source item is planned against the
merge bases the mirror holds (:func:`~agilemarketing.sync.itemplan.plan_item`), then the order
(:func:`~agilemarketing.sync.reranks.plan_reranks`) when the target keeps one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Final, NamedTuple

from agilemarketing._redaction import Redactor
from agilemarketing.adapter import Adapter, Cursor, ItemRecord, rank_order, redact_record
from agilemarketing.errors import InvalidCursor, MirrorError
from agilemarketing.mirror import OWN_BOARD, JournalStatus, Mirror, MirrorAdapter, target_base
from agilemarketing.sync.boards import boards_to_store
from agilemarketing.sync.config import FieldMapping, SyncConfig
from agilemarketing.sync.conflicts import Conflict, ConflictPolicy
from agilemarketing.sync.history import accrue_history
from agilemarketing.sync.itemplan import ItemPlan, plan_item
from agilemarketing.sync.keymaps import KeyMap
from agilemarketing.sync.locking import holding_locks
from agilemarketing.sync.progress import Progress
from agilemarketing.sync.quiet import QuietStart, cursor_of, settings_digest
from agilemarketing.sync.quiet import unchanged as quiet_since_last_run
from agilemarketing.sync.rankscope import plan_scoped_reranks
from agilemarketing.sync.removals import Removals, find_removals, removed_rows
from agilemarketing.sync.syncplan import PlanContext, SyncPlan
from agilemarketing.sync.targetreads import (
    Reader,
    reads_incrementally,
    settled_cursor,
    target_reader,
    target_since,
    with_bases,
)
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
    target_deleted: Callable[[str], bool]  # whether the target says it deleted a missing key
    removals: Removals = Removals()  # source items removed now, removed ones read again
    target_keys: KeyMap = KeyMap()  # the keys the target gave items the sync created there
    target_read: tuple[dict[str, ItemRecord], str, str | None] = ({}, "", None)  # see below
    # (the records the target read returned, where it ended, the stored cursor it began at)


@holding_locks("target", "mirror")
def plan(
    source: Adapter,
    target: Adapter,
    mirror: Mirror,
    policy: ConflictPolicy | str | None = None,
    *,
    config: SyncConfig | None = None,
    progress: Progress | None = None,
    seen_at: datetime | None = None,
    full: bool = False,
) -> SyncPlan:
    """Compare ``source`` and ``target`` with the mirror's merge base; plan what to send.

    Reads both sides (the source incrementally when it can, the target in full; neither when
    both are as the last clean run left them: ``sync.quiet``) and writes nothing. ``policy``
    overrides ``config``'s (default ``fail``). ``seen_at`` is when the source was read (now by
    default): the time given to status changes the sync observes in a history-less source.
    ``full`` ignores the stored cursor and reads the source in full (a nightly reconciliation:
    with a source that deletes on purpose, every item missing from it is marked removed).

    Holds the target's and the mirror's locks while it reads (:func:`~agilemarketing.sync.locked`;
    hold them across :func:`plan` and :func:`apply` with it), and refuses a source that cannot
    be read (:meth:`~agilemarketing.adapter.Adapter.check_readable`: a file that is not there).
    """
    config = config or SyncConfig()
    chosen = ConflictPolicy(policy) if policy is not None else config.on_conflict
    target.check_writable()
    source.check_readable()
    src, tgt, stored = _pair(source, target, mirror)
    renames = _renames(stored, (src, tgt))
    start = QuietStart(cursor_of(source), cursor_of(target), settings_digest(config, chosen))
    if not full and not renames and quiet_since_last_run(start, mirror, (src, tgt)):  # unread
        return _quiet_plan(source, target, mirror, config, chosen, start)
    sides = _read_sides(source, target, mirror, stored, progress, full=full, mapping=config.mapping)
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
            restored=sides.removals.restored,  # placed like new items
        )
        conflicts += found
    changed = {i.key for i in items if i.changes or i.conflicted}
    unchanged = len({i.key for i in items} - changed)
    items = [
        i for i in items if i.changes or i.source_base or i.target_base or i.adopt or i.blocked
    ]
    # Creates first (a rerank or a later change may name a new item), reranks last.
    items.sort(key=_batch_order)
    interrupted = tuple(mirror.journal(stored[1], status=JournalStatus.PLANNED))
    unmapped = _unmapped_statuses(sides.read_s.values(), config.mapping, config.workflow)
    return SyncPlan(
        source=_side(source),
        target=_side(target),
        policy=chosen,
        changes=tuple(c for i in items for c in i.changes),
        conflicts=tuple(conflicts),
        unchanged=unchanged,
        interrupted=interrupted,
        unmapped_statuses=unmapped,
        recreated=tuple(sorted(i.key for i in items if i.recreated)),
        removed=sides.removals.removed,
        restored=sides.removals.restored,
        context=PlanContext(
            items=tuple(items),
            source_adapter=source,
            target_adapter=target,
            mirror=mirror,
            source_cursor=sides.source_cursor,
            batch_size=config.batch_size,
            target_now=sides.target_now,
            source_board=src,
            target_board=tgt,
            renames=renames,
            boards=boards_to_store(
                source, target, src, config.mapping, source.redactor + target.redactor
            ),
            journal=config.journal,
            removals=sides.removals,
            target_keys=sides.target_keys,
            target_cursor=_target_cursor(target, sides, items, config.mapping),
            quiet=start,
        ),
    )


def _quiet_plan(
    source: Adapter,
    target: Adapter,
    mirror: Mirror,
    config: SyncConfig,
    policy: ConflictPolicy,
    start: QuietStart,
) -> SyncPlan:
    """The empty plan of a pair unchanged since its last clean run (nothing read): every
    cursor stays as stored, and the items a read would have found unchanged are counted from
    the mirror (none for an incremental source: its read would have returned none)."""
    src, tgt = source.identity, target.identity
    unchanged_items = 0 if source.capabilities.incremental_read else mirror.count(src)
    return SyncPlan(
        source=_side(source),
        target=_side(target),
        policy=policy,
        changes=(),
        conflicts=(),
        unchanged=unchanged_items,
        interrupted=(),
        unmapped_statuses={},
        context=PlanContext(
            items=(),
            source_adapter=source,
            target_adapter=target,
            mirror=mirror,
            source_cursor=mirror.cursor(src),
            batch_size=config.batch_size,
            target_now={},
            source_board=src,
            target_board=tgt,
            boards=boards_to_store(
                source, target, src, config.mapping, source.redactor + target.redactor
            ),
            journal=config.journal,
            target_cursor=mirror.target_cursor(src, tgt),
            quiet=start,
        ),
    )


def _pair(source: Adapter, target: Adapter, mirror: Mirror) -> tuple[str, str, tuple[str, str]]:
    """The source's and the target's boards in the mirror (their identities: a file's resolved
    path), once it is clear that this mirror may sync them, and the names the mirror holds them
    under now (an earlier release named a board by its URL as typed; :func:`apply` renames it).
    """
    src, tgt = source.identity, target.identity
    if src == tgt:
        raise MirrorError(
            "the source and the target are the same board",
            where=f"sync {_side(source)} -> {_side(target)}",
            fix="name two different boards",
        )
    boards = set(mirror.boards())
    stored_s, stored_t = _stored(source, boards), _stored(target, boards, as_target=True)
    peer = mirror.peer(stored_s)
    if peer is not None and peer not in (tgt, stored_t):
        raise MirrorError(
            f"{_side(source)} is synced with {peer} in this mirror, not with {_side(target)}",
            where=f"mirror {mirror.path}",
            fix="keep one mirror file (--state) per source and target pair",
        )
    return src, tgt, (stored_s, stored_t)


def _renames(stored: tuple[str, str], now: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """The boards to rename from an earlier release's names: each side's board, and the
    target's merge base with it."""
    (old_s, old_t), (new_s, new_t) = stored, now
    pairs = [(old_s, new_s), (old_t, new_t), (target_base(old_t), target_base(new_t))]
    return tuple((old, new) for old, new in pairs if old != new)


def _stored(adapter: Adapter, boards: set[str], *, as_target: bool = False) -> str:
    """The name the mirror holds ``adapter``'s board under: its identity, or the URL as typed
    when only an earlier release's board of that name is there (for a target, its base under
    the target-side name counts: an upgraded mirror keeps a target-only board only there)."""

    def held(name: str) -> bool:
        return name in boards or (as_target and target_base(name) in boards)

    legacy = _side(adapter)
    if not held(adapter.identity) and held(legacy):
        return legacy
    return adapter.identity


def _side(adapter: Adapter) -> str:
    return adapter.redact(adapter.url)


def _read_sides(
    source: Adapter,
    target: Adapter,
    mirror: Mirror,
    pair: tuple[str, str],
    progress: Progress | None,
    *,
    full: bool = False,
    mapping: FieldMapping,
) -> _Sides:
    src, tgt = pair
    base_s = mirror.board(src)
    base_t = mirror.board(target_base(tgt))  # never the base of tgt as some sync's source
    revisions = mirror.item_revisions(src)
    since = None if full else mirror.cursor(src)
    read_s, cursor, complete, gone = _read_all(source, since, "read source", progress)
    source_cursor: str | None = cursor
    # The target from its own cursor when it keeps one, as state only when it can (targetreads).
    t_since = target_since(target, mirror, (src, tgt), full=full)
    reader = target_reader(target)
    target_now, t_cursor, t_complete, removed = _read_all(
        target, t_since, "read target", progress, reader
    )
    # Both sides under the sync's keys: a tool that assigned keys is read through its key map.
    source_keys, target_keys = (KeyMap.of(mirror.key_map(a.identity)) for a in (source, target))
    read_s, gone = source_keys.localise(read_s), source_keys.local_keys(gone)
    target_now, removed = target_keys.localise(target_now), target_keys.local_keys(removed)
    target_read = (target_now, t_cursor, None if t_complete else t_since)
    if not t_complete:  # the rest of the target as the last sync left it
        target_now = with_bases(target_now, base_t, removed)
    # Both adapters' secrets (those read during the reads included) leave both sides before
    # anything is compared, stored or printed; without secrets this costs nothing.
    hide = source.redactor + target.redactor
    if hide:
        read_s = _redacted(read_s, hide, src)
        target_now = _redacted(target_now, hide, tgt)
        if hide(cursor) != cursor:
            source_cursor = None  # never stored: the next sync reads the source in full
    if target.capabilities.missing_is_deleted:
        deleted: Callable[[str], bool] = lambda key: True  # noqa: E731 - the tool deletes
    else:
        deleted = frozenset(removed).__contains__  # only what the read reports
    if not complete:
        # An incremental read leaves out what did not change at the source; an item the target
        # lost meanwhile is planned from its base (its state at the source, by that cursor).
        read_s = {
            **{
                k: base_s[k]
                for k in base_t
                if k in base_s and k not in target_now and not deleted(k) and k not in gone
            },
            **read_s,
        }
    removals = find_removals(source, base_s, read_s, complete, gone, mirror.removed(src))
    for key in removals.removed:  # gone from the order this plan follows (no rerank names them)
        base_s.pop(key, None)
        if isinstance(target, MirrorAdapter):  # the apply marks them removed there too
            target_now.pop(key, None)
    if removals.restored:  # planned against the state it was removed in
        base_s.update(removed_rows(mirror, src, removals.restored))
        if isinstance(target, MirrorAdapter):
            base_t.update(removed_rows(mirror, target_base(tgt), removals.restored))
            held = removed_rows(target.mirror, OWN_BOARD, removals.restored)
            target_now.update({k: r for k, r in held.items() if k not in target_now})
    return _Sides(
        base_s,
        base_t,
        revisions,
        read_s,
        source_cursor,
        target_now,
        deleted,
        removals,
        target_keys,
        target_read,
    )


def _target_cursor(
    target: Adapter, sides: _Sides, items: list[ItemPlan], mapping: FieldMapping
) -> str | None:
    """Where the next read of the target starts (:func:`settled_cursor`); None for a target
    read in full every time (nothing is stored for it)."""
    if not reads_incrementally(target):
        return None
    read, cursor, since = sides.target_read
    return settled_cursor(cursor, since, read, sides.base_t, items, mapping)


def _redacted(records: dict[str, ItemRecord], hide: Redactor, board: str) -> dict[str, ItemRecord]:
    return {key: redact_record(record, hide, board=board) for key, record in records.items()}


def _read_all(
    adapter: Adapter,
    since: str | None,
    phase: str,
    progress: Progress | None,
    reader: Reader | None = None,
) -> tuple[dict[str, ItemRecord], str, bool, tuple[str, ...]]:
    read = adapter.read if reader is None else reader
    try:
        result = read(None if since is None else Cursor(since))
    except InvalidCursor:
        result = read(None)  # the adapter forgot the cursor (restarted): read it all
    records: dict[str, ItemRecord] = {}
    for number, record in enumerate(result, start=1):
        records[record.key] = record
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(phase, number, None)
    if progress is not None:
        progress(phase, len(records), len(records))
    return records, result.cursor.token, result.complete, result.removed


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
            deleted=key not in sides.target_now and sides.target_deleted(key),
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
