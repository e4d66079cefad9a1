"""The mirror's record of what each board says about itself, and of the sync runs.

:func:`save_description` and :func:`read_description` keep one
:class:`~agilemarketing.adapter.BoardDescription` per board (the source's URL, or
:data:`~agilemarketing.mirror.OWN_BOARD`). :func:`record_run` notes a sync run that wrote to a
target, and :func:`compact_journal` drops the applied journal entries older than the runs and
days a mirror keeps. :class:`~agilemarketing.mirror.Mirror` runs these in its transactions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from agilemarketing.adapter import BoardDescription
from agilemarketing.errors import AgileMarketingError, MirrorError
from agilemarketing.mirror.rows import decode, encode, timestamp

__all__ = ["compact_journal", "read_description", "read_runs", "record_run", "save_description"]


def save_description(
    conn: sqlite3.Connection, source: str, description: BoardDescription, read_at: datetime
) -> bool:
    """Store ``description`` for ``source``; False (nothing written) when it is already the one
    stored. The caller holds the write transaction."""
    body = encode(description.as_dict())
    row = conn.execute("SELECT body FROM board_descriptions WHERE source = ?", (source,)).fetchone()
    if row is not None and row[0] == body:
        return False
    conn.execute("DELETE FROM board_descriptions WHERE source = ?", (source,))
    conn.execute(
        "INSERT INTO board_descriptions (source, body, read_at) VALUES (?, ?, ?)",
        (source, body, timestamp(read_at)),
    )
    return True


def read_description(conn: sqlite3.Connection, source: str, where: str) -> BoardDescription | None:
    """The description stored for ``source`` (None when there is none)."""
    row = conn.execute("SELECT body FROM board_descriptions WHERE source = ?", (source,)).fetchone()
    if row is None:
        return None
    try:
        return BoardDescription.from_dict(decode(row[0]), where=f"{where}, board of {source}")
    except (AgileMarketingError, ValueError) as exc:
        raise MirrorError(
            f"the stored board description is unreadable ({exc})",
            where=f"{where}, board of {source}",
            fix="sync the board again: its description is stored anew",
        ) from exc


def record_run(
    conn: sqlite3.Connection,
    target: str,
    started_at: datetime,
    finished_at: datetime,
    summary: Mapping[str, Any],
) -> None:
    """Note one sync run that wrote to ``target``. The caller holds the write transaction."""
    conn.execute(
        "DELETE FROM sync_runs WHERE target = ? AND started_at = ?", (target, timestamp(started_at))
    )
    conn.execute(
        "INSERT INTO sync_runs (target, started_at, finished_at, summary) VALUES (?, ?, ?, ?)",
        (target, timestamp(started_at), timestamp(finished_at), encode(dict(summary))),
    )


def read_runs(conn: sqlite3.Connection, target: str) -> list[dict[str, Any]]:
    """The runs recorded for ``target``, newest first: ``started_at``, ``finished_at`` and the
    run's summary."""
    rows = conn.execute(
        "SELECT started_at, finished_at, summary FROM sync_runs WHERE target = ? "
        "ORDER BY started_at DESC",
        (target,),
    )
    return [
        {"started_at": started, "finished_at": finished, **decode(summary)}
        for started, finished, summary in rows
    ]


def compact_journal(
    conn: sqlite3.Connection, target: str, *, keep_runs: int, keep_days: float, now: datetime
) -> int:
    """Delete ``target``'s *applied* journal entries planned before both the last
    ``keep_runs`` runs and the last ``keep_days`` days, and the run records before the last
    ``keep_runs``; return how many entries went. Planned and failed entries always stay (a
    resumed or retried sync needs them). The caller holds the write transaction."""
    runs = [
        started
        for (started,) in conn.execute(
            "SELECT started_at FROM sync_runs WHERE target = ? ORDER BY started_at DESC",
            (target,),
        )
    ]
    if len(runs) <= keep_runs:
        return 0
    oldest_kept_run = runs[keep_runs - 1] if keep_runs > 0 else timestamp(now)
    cutoff = min(oldest_kept_run, timestamp(now - timedelta(days=keep_days)))
    gone = conn.execute(
        "DELETE FROM journal WHERE target = ? AND status = 'applied' AND planned_at < ?",
        (target, cutoff),
    ).rowcount
    conn.execute(
        "DELETE FROM sync_runs WHERE target = ? AND started_at < ?", (target, oldest_kept_run)
    )
    return int(gone)
