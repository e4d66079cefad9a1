"""The journal of changes sent to a target: planned before they are sent, applied or failed after.

A sync killed halfway leaves its entries *planned*; the next run settles them instead of sending
them twice. :class:`JournalEntry` is one entry; the functions below are the journal's SQL, which
:class:`~agilemarketing.mirror.Mirror` runs inside its transactions.
"""

from __future__ import annotations

import enum
import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from agilemarketing.mirror.rows import parse_timestamp, timestamp
from agilemarketing.utc import utcnow

__all__ = ["JournalEntry", "JournalStatus", "finish_entries", "plan_entries", "read_journal"]


class JournalStatus(enum.StrEnum):
    """Where a change sent to a target stands."""

    PLANNED = "planned"
    APPLIED = "applied"
    FAILED = "failed"


@attrs.frozen
class JournalEntry:
    """One change in the journal: what was planned for which target, and what came of it.

    ``payload`` and ``result`` are JSON-ready mappings chosen by the sync engine (the change's
    fields, the adapter's answer); the mirror stores them and never interprets them.
    """

    target: str
    change_id: str
    kind: str
    item_key: str
    payload: Mapping[str, Any]
    status: JournalStatus
    planned_at: datetime
    result: Mapping[str, Any] | None = None
    finished_at: datetime | None = None


def plan_entries(conn: sqlite3.Connection, target: str, entries: Iterable[JournalEntry]) -> int:
    """Journal changes as *planned*, before they are sent; return how many rows are new.

    A change journalled before keeps its row: a failed one (being retried) is set back to
    planned, an applied or planned one is left as it is. The caller holds the write transaction.
    """
    batch = list(entries)
    known = _statuses(conn, target, [e.change_id for e in batch])
    rows = [
        (
            target,
            e.change_id,
            e.kind,
            e.item_key,
            json.dumps(dict(e.payload), sort_keys=True, default=str),
            JournalStatus.PLANNED.value,
            timestamp(e.planned_at),
        )
        for e in batch
        if e.change_id not in known
    ]
    conn.executemany(
        "INSERT INTO journal (target, change_id, kind, item_key, payload, status, "
        "planned_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "UPDATE journal SET status = ?, planned_at = ?, result = NULL, finished_at = NULL "
        "WHERE target = ? AND change_id = ?",
        [
            (JournalStatus.PLANNED.value, timestamp(e.planned_at), target, e.change_id)
            for e in batch
            if known.get(e.change_id) == JournalStatus.FAILED.value
        ],
    )
    return len(rows)


def _statuses(conn: sqlite3.Connection, target: str, change_ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(change_ids), 500):  # stay under SQLite's parameter limit
        chunk = change_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT change_id, status FROM journal WHERE target = ? "  # noqa: S608 - only ? marks
            f"AND change_id IN ({marks})",
            [target, *chunk],
        )
        found.update(dict(rows.fetchall()))
    return found


def finish_entries(
    conn: sqlite3.Connection,
    target: str,
    results: Iterable[tuple[str, JournalStatus, Mapping[str, Any] | None]],
) -> None:
    """Mark journalled changes applied or failed: ``(change_id, status, result)`` triples."""
    now = timestamp(utcnow())
    conn.executemany(
        "UPDATE journal SET status = ?, result = ?, finished_at = ? "
        "WHERE target = ? AND change_id = ?",
        [
            (
                JournalStatus(status).value,
                None if result is None else json.dumps(dict(result), default=str),
                now,
                target,
                change_id,
            )
            for change_id, status, result in results
        ],
    )


def read_journal(
    conn: sqlite3.Connection,
    target: str | None = None,
    *,
    status: JournalStatus | str | None = None,
) -> list[JournalEntry]:
    """Journal entries, oldest first, optionally only for one target and/or status."""
    sql = (
        "SELECT target, change_id, kind, item_key, payload, status, result, planned_at, "
        "finished_at FROM journal"
    )
    clauses: list[str] = []
    args: list[str] = []
    if target is not None:
        clauses.append("target = ?")
        args.append(target)
    if status is not None:
        clauses.append("status = ?")
        args.append(JournalStatus(status).value)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY planned_at, change_id"
    return [
        JournalEntry(
            target=row[0],
            change_id=row[1],
            kind=row[2],
            item_key=row[3],
            payload=json.loads(row[4]),
            status=JournalStatus(row[5]),
            result=None if row[6] is None else json.loads(row[6]),
            planned_at=datetime.fromisoformat(row[7]),
            finished_at=parse_timestamp(row[8]),
        )
        for row in conn.execute(sql, args)
    ]
