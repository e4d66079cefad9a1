"""How the mirror stores values: timestamps as text, JSON columns, and the row of one item.

Timestamps are fixed-width UTC ISO text (text order is time order); lists and mappings are JSON
(msgspec: several times faster than ``json.dumps`` on small lists). :func:`item_row` and
:func:`row_record` turn an :class:`~agilemarketing.adapter.ItemRecord` into a row of the
``items`` table and back; the ``INSERT_ITEM`` and ``SELECT_...`` statements name the columns.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec

from agilemarketing.adapter import ItemRecord
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.utc import ensure_utc

__all__ = [
    "INSERT_ITEM",
    "SELECT_ITEMS",
    "SELECT_ONE",
    "SELECT_SOME",
    "SELECT_TRANSITIONS",
    "as_record",
    "decode",
    "encode",
    "item_row",
    "optional_timestamp",
    "parse_timestamp",
    "row_record",
    "timestamp",
]


def timestamp(value: datetime) -> str:
    """``value`` as fixed-width UTC text with microseconds: text order is time order.

    A UTC datetime's text is remembered for the last 65,536 instants: a sync writes each
    transition's time to two or three boards. Others are not: two local times an hour apart
    (``fold`` 0 and 1 of a repeated hour) are equal datetimes, so a cache would mix them up.

    >>> from datetime import timedelta, timezone
    >>> timestamp(datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=1))))
    '2026-03-02T09:00:00.000000+00:00'
    """
    if type(value) is datetime and value.tzinfo is UTC:
        return _utc_text(value)
    return ensure_utc(value).isoformat(timespec="microseconds")


@functools.lru_cache(maxsize=1 << 16)
def _utc_text(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def optional_timestamp(value: datetime | None) -> str | None:
    """:func:`timestamp`, or None for None."""
    return None if value is None else timestamp(value)


def parse_timestamp(value: str | None) -> datetime | None:
    """The time a :func:`timestamp` column holds (None for NULL)."""
    return None if value is None else datetime.fromisoformat(value)


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder()


def encode(value: Any) -> str:
    """JSON text for a column (msgspec: several times faster than json.dumps on small lists)."""
    return _ENCODER.encode(value).decode("utf-8")


def decode(text: str) -> Any:
    """The value of a JSON column."""
    return _DECODER.decode(text)


def _blocked_json(periods: Sequence[BlockedPeriod]) -> str:
    return encode([[timestamp(p.start), optional_timestamp(p.end)] for p in periods])


def _blocked_from(text: str) -> tuple[BlockedPeriod, ...]:
    return tuple(
        BlockedPeriod(datetime.fromisoformat(start), parse_timestamp(end))
        for start, end in decode(text)
    )


def _done_json(record: ItemRecord) -> str:
    """The ``done_criteria`` column: the criteria met as a list, or with the checklist's size
    as ``{"met": [...], "total": n}`` when it is known (older rows hold the list)."""
    met = sorted(record.done_criteria)
    if record.done_total is None:
        return encode(met)
    return encode({"met": met, "total": record.done_total})


def _done_from(text: str) -> tuple[list[str], int | None]:
    value = decode(text)
    if isinstance(value, dict):
        return list(value.get("met", ())), value.get("total")
    return list(value), None


INSERT_ITEM = (
    "INSERT INTO items (source, item_key, summary, item_type, status, created, resolved, points, "
    "labels, sprints, item_rank, blocked, seen_at, extra_fields, done_criteria, item_version, "
    "updated, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
SELECT_ITEMS = (
    "SELECT source, item_key, summary, item_type, status, created, resolved, points, labels, "
    "sprints, item_rank, blocked, seen_at, extra_fields, done_criteria, item_version, updated "
    "FROM items WHERE source = ? AND revision > ? AND (removed_at IS NULL OR ? = 1) "
    "ORDER BY item_key"
)
SELECT_ONE = (
    "SELECT source, item_key, summary, item_type, status, created, resolved, points, labels, "
    "sprints, item_rank, blocked, seen_at, extra_fields, done_criteria, item_version, updated "
    "FROM items WHERE source = ? AND item_key = ? AND removed_at IS NULL"
)
SELECT_SOME = (  # followed by "(?, ?, ...)", the keys
    "SELECT source, item_key, summary, item_type, status, created, resolved, points, labels, "
    "sprints, item_rank, blocked, seen_at, extra_fields, done_criteria, item_version, updated "
    "FROM items WHERE source = ? AND removed_at IS NULL AND item_key IN"
)
SELECT_TRANSITIONS = (
    "SELECT item_key, at, from_status, to_status, observed FROM transitions "
    "WHERE source = ? AND item_key IN (SELECT item_key FROM items WHERE source = ? "
    "AND revision > ? AND (removed_at IS NULL OR ? = 1)) ORDER BY item_key, seq"
)


def as_record(item: ItemHistory | ItemRecord) -> ItemRecord:
    """``item`` as an adapter record (a bare history gets no extra fields)."""
    return item if isinstance(item, ItemRecord) else ItemRecord(item)


def item_row(source: str, r: ItemRecord, seen_at: str, revision: int) -> tuple[Any, ...]:
    """The ``items`` row of ``r`` on board ``source``, in the column order of ``INSERT_ITEM``."""
    h = r.history
    return (
        source,
        h.key,
        h.summary,
        h.type,
        h.status,
        optional_timestamp(h.created),
        optional_timestamp(h.resolved),
        h.points,
        encode(list(h.labels)),
        encode(list(h.sprints)),
        h.rank,
        _blocked_json(h.blocked),
        seen_at,
        encode({k: list(v) if isinstance(v, tuple) else v for k, v in r.fields.items()}),
        _done_json(r),
        r.version,
        optional_timestamp(r.updated),
        revision,
    )


def row_record(row: Sequence[Any], transitions: list[Transition]) -> ItemRecord:
    """The record an ``items`` row (selected by ``SELECT_ITEMS``/``SELECT_ONE``) holds."""
    history = ItemHistory(
        key=row[1],
        summary=row[2],
        type=row[3],
        status=row[4],
        created=parse_timestamp(row[5]),
        resolved=parse_timestamp(row[6]),
        points=row[7],
        labels=decode(row[8]),
        sprints=decode(row[9]),
        rank=row[10],
        blocked=_blocked_from(row[11]),
        transitions=transitions,
    )
    met, total = _done_from(row[14])
    return ItemRecord(
        history,
        fields=decode(row[13]),
        done_criteria=met,
        version=row[15],
        updated=parse_timestamp(row[16]),
        done_total=total,
    )
