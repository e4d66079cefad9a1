"""Applying a change to a board of records: the rules every record-keeping adapter shares.

:func:`apply_change` works out the record a change makes of its item on a :class:`RecordBoard`
(a ``dict[str, ItemRecord]`` is one): None when the board already holds it, an error when the
change cannot be applied. The adapter stores what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

import attrs

from agilemarketing.adapter.changes import AnyChange, CreateItem, MoveStatus, Rerank, UpdateFields
from agilemarketing.adapter.fields import CORE_FIELDS
from agilemarketing.adapter.ranks import is_rank, rank_between, rank_order
from agilemarketing.adapter.records import ItemRecord
from agilemarketing.errors import ChangeConflict, InvalidValue, NotFound
from agilemarketing.history import ItemHistory, Transition

__all__ = ["RecordBoard", "apply_change"]


class RecordBoard(Protocol):
    """What :func:`apply_change` needs of a board of records: a ``dict[str, ItemRecord]`` is one.

    ``get`` finds one record by key (None when there is none); ``values`` lists them all (only a
    :class:`Rerank` needs that).
    """

    def get(self, key: str, /) -> ItemRecord | None:
        """The record with this key, or None."""
        ...

    def values(self) -> Iterable[ItemRecord]:
        """Every record on the board."""
        ...


def _last_rank(board: RecordBoard) -> str | None:
    ranks = [r.history.rank for r in board.values() if r.history.rank and is_rank(r.history.rank)]
    return max(ranks) if ranks else None


def apply_change(
    change: AnyChange,
    board: RecordBoard,
    *,
    now: datetime,
    where: str,
    new_rank: Callable[[], str] | None = None,
) -> ItemRecord | None:
    """The record ``change`` makes of its item on ``board``; None when the board holds it already.

    The part of :meth:`Adapter.apply` every adapter that keeps :class:`ItemRecord` values shares:
    the adapter says where its records are (``board``) and stores what this returns. ``now`` is
    the time of a created item and of a move's transition, unless the change carries what the
    source knows of the history (``history``): then the item gets that, and a time the source
    does not have is ``now`` marked ``observed``. ``where`` (the adapter's URL) goes
    into errors; ``new_rank`` gives a created item its rank (default: just below the lowest
    rank on the board). Nothing on ``board`` is changed.

    Raises:
        NotFound: the item (or a rerank's neighbour) is not on the board.
        ChangeConflict: a create over an item with other content; a move from a status the
            item is no longer in.
        InvalidValue: a rerank next to items whose ranks :func:`rank_between` cannot split.

    >>> from datetime import UTC, datetime
    >>> board = {}
    >>> created = apply_change(CreateItem("MKT-1", "Launch email", status="To Do"), board,
    ...                        now=datetime(2026, 3, 2, tzinfo=UTC), where="memory:demo")
    >>> board[created.key] = created
    >>> moved = apply_change(MoveStatus("MKT-1", "Doing"), board,
    ...                      now=datetime(2026, 3, 3, tzinfo=UTC), where="memory:demo")
    >>> [t.to_status for t in moved.history.transitions], created.history.rank
    (['To Do', 'Doing'], 'i')
    >>> apply_change(MoveStatus("MKT-1", "To Do"), board, now=datetime(2026, 3, 4, tzinfo=UTC),
    ...              where="memory:demo") is None  # the board already has it in To Do
    True
    """
    if isinstance(change, CreateItem):
        return _created(change, board, now, where, new_rank)
    record = board.get(change.key)
    if record is None:
        raise NotFound("item", change.key, where=where, fix="check the key; read it to list items")
    match change:
        case UpdateFields():
            return _updated(change, record)
        case MoveStatus():
            return _moved(change, record, now, where)
        case Rerank():
            return _reranked(change, record, board, where)


def _created(
    change: CreateItem,
    board: RecordBoard,
    now: datetime,
    where: str,
    new_rank: Callable[[], str] | None,
) -> ItemRecord | None:
    existing = board.get(change.key)
    if existing is not None:
        if change.satisfied_by(existing):
            return None
        raise ChangeConflict(
            change.key,
            expected="no item with this key",
            found=f"an item with other content ({existing.history.summary!r})",
            where=f"{where}, item {change.key}",
        )
    carried = change.history
    rank = new_rank() if new_rank is not None else rank_between(_last_rank(board), None)
    if carried is None:  # created here and now: the time is exact
        history = ItemHistory(
            key=change.key,
            summary=change.summary,
            type=change.type,
            status=change.status,
            created=now,
            points=change.points,
            labels=change.labels,
            transitions=(Transition(now, None, change.status),) if change.status else (),
            rank=rank,
        )
    else:  # a copy of an item that exists elsewhere: its history, not the time of the write
        history = ItemHistory(
            key=change.key,
            summary=change.summary,
            type=change.type,
            status=change.status,
            created=carried.created,
            resolved=carried.resolved,
            points=change.points,
            labels=change.labels,
            sprints=carried.sprints,
            transitions=_ending_in(carried.transitions, change.status, now),
            blocked=carried.blocked,
            rank=rank,
        )
    return ItemRecord(history, fields=change.fields)


def _ending_in(
    transitions: tuple[Transition, ...], status: str, now: datetime
) -> tuple[Transition, ...]:
    """``transitions``, plus one into ``status`` at ``now`` marked observed when they do not
    end there (the time of the write is only when the change was seen, never an exact one)."""
    last = transitions[-1].to_status if transitions else None
    if not status or last == status:
        return transitions
    at = max(now, transitions[-1].at) if transitions else now
    return (*transitions, Transition(at, last, status, observed=True))


def _updated(change: UpdateFields, record: ItemRecord) -> ItemRecord | None:
    if change.satisfied_by(record):
        return None
    core: dict[str, Any] = {}
    extra = dict(record.fields)
    for name, value in change.values.items():
        if name in CORE_FIELDS:
            core[name] = value
        elif value is None:
            extra.pop(name, None)
        else:
            extra[name] = value
    return attrs.evolve(record, history=attrs.evolve(record.history, **core), fields=extra)


def _moved(change: MoveStatus, record: ItemRecord, now: datetime, where: str) -> ItemRecord | None:
    if change.satisfied_by(record):
        return None
    history = record.history
    if change.from_status is not None and history.status != change.from_status:
        raise ChangeConflict(
            change.key,
            expected=f"status {change.from_status!r}",
            found=f"status {history.status!r}",
            where=f"{where}, item {change.key}",
        )
    carried = change.history
    if carried is None:  # a move made here and now: the time is exact
        transition = Transition(now, history.status or None, change.to_status)
        moved = attrs.evolve(
            history, status=change.to_status, transitions=(*history.transitions, transition)
        )
        return attrs.evolve(record, history=moved)
    # A move copied from a source: the source's transitions this board has not seen yet (later
    # than its last one), with their own times and flags.
    seen = max((t.at for t in history.transitions), default=None)
    new = tuple(t for t in carried.transitions if seen is None or t.at > seen)
    last = history.transitions[-1].to_status if history.transitions else history.status or None
    if not new or new[-1].to_status != change.to_status:
        at = max(now, seen) if seen is not None else now
        if new:
            at, last = max(at, new[-1].at), new[-1].to_status
        new = (*new, Transition(at, last, change.to_status, observed=True))
    moved = attrs.evolve(
        history,
        status=change.to_status,
        created=carried.created or history.created,
        resolved=carried.resolved,
        sprints=carried.sprints,
        transitions=(*history.transitions, *new),
        blocked=carried.blocked,
    )
    return attrs.evolve(record, history=moved)


def _reranked(
    change: Rerank, record: ItemRecord, board: RecordBoard, where: str
) -> ItemRecord | None:
    if board.get(change.neighbour) is None:
        raise NotFound(
            "item", change.neighbour, where=where, fix="check the key; read it to list items"
        )
    ordered = sorted(board.values(), key=rank_order)
    if change.satisfied_by_order([r.key for r in ordered]):
        return None
    others = [r for r in ordered if r.key != change.key]
    at = [r.key for r in others].index(change.neighbour) + (change.after is not None)
    low = others[at - 1].history.rank if at > 0 else None
    high = others[at].history.rank if at < len(others) else None
    for rank in (low, high):
        if rank is not None and not is_rank(rank):
            raise InvalidValue(
                "the neighbours' ranks are not ranks an item can be placed between",
                where=f"{where}, item {change.key}",
                fix="re-rank the board with rank_between ranks (or clear them) and try again",
                value=rank,
            )
    return attrs.evolve(record, history=attrs.evolve(record.history, rank=rank_between(low, high)))
