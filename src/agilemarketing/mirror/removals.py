"""Items deleted at their source, key maps and target cursors: the SQL of issue 11's tables.

An item deleted at its source stays in the mirror with its history and a ``removed_at``
(:func:`mark_removed`); reading a board leaves it out unless asked, and an item that comes back
is restored (:func:`restore`). Both bump the board's revision, so an incremental read of the
mirror reports the deletion (``ReadResult.removed``) or the item again. A key map
(:func:`key_map`, :func:`map_keys`) pairs, for a board whose adapter assigns its own keys (a
*keying tool*), the key an item has on the other side of a sync with the key the tool gave it. A
target cursor (:func:`target_cursor`) is where the next incremental read of a target starts, per
source and target pair.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime

from agilemarketing.mirror.rows import parse_timestamp, timestamp

__all__ = [
    "key_map",
    "map_keys",
    "mark_removed",
    "removed_keys",
    "restore",
    "set_sync_state",
    "set_target_cursor",
    "sync_state",
    "target_cursor",
]


def _bump(conn: sqlite3.Connection, source: str) -> int:
    row = conn.execute("SELECT revision FROM sources WHERE name = ?", (source,)).fetchone()
    revision = (0 if row is None else int(row[0])) + 1
    conn.execute("UPDATE sources SET revision = ? WHERE name = ?", (revision, source))
    return revision


def mark_removed(
    conn: sqlite3.Connection, source: str, keys: Iterable[str], at: datetime
) -> list[str]:
    """Mark the live items ``keys`` of ``source`` removed at ``at``; return the keys marked."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    live = {
        key
        for (key,) in conn.execute(
            "SELECT item_key FROM items WHERE source = ? AND removed_at IS NULL", (source,)
        )
    }
    marked = [k for k in wanted if k in live]
    if marked:
        revision = _bump(conn, source)
        conn.executemany(
            "UPDATE items SET removed_at = ?, revision = ? WHERE source = ? AND item_key = ?",
            [(timestamp(at), revision, source, k) for k in marked],
        )
    return marked


def restore(conn: sqlite3.Connection, source: str, keys: Iterable[str]) -> list[str]:
    """Clear the removal of ``keys`` on ``source``; return the keys restored."""
    gone = removed_keys(conn, source)
    back = sorted(k for k in set(keys) if k in gone)
    if back:
        revision = _bump(conn, source)
        conn.executemany(
            "UPDATE items SET removed_at = NULL, revision = ? WHERE source = ? AND item_key = ?",
            [(revision, source, k) for k in back],
        )
    return back


def removed_keys(
    conn: sqlite3.Connection, source: str, *, since: int | None = None
) -> dict[str, datetime]:
    """The removed items of ``source`` with when they were removed (``since``: only those
    removed after that revision of the board)."""
    rows = conn.execute(
        "SELECT item_key, removed_at FROM items WHERE source = ? AND removed_at IS NOT NULL "
        "AND revision > ?",
        (source, -1 if since is None else since),
    )
    return {key: at for key, stamp in rows if (at := parse_timestamp(stamp)) is not None}


def key_map(conn: sqlite3.Connection, tool: str) -> dict[str, str]:
    """The keying tool's map: the other side's key -> the key the tool gave the item."""
    rows = conn.execute("SELECT local_key, tool_key FROM key_map WHERE tool = ?", (tool,))
    return dict(rows)


def map_keys(conn: sqlite3.Connection, tool: str, pairs: Mapping[str, str], at: datetime) -> int:
    """Record ``local key -> tool key`` pairs (a pair already known is replaced); return how
    many were new or changed."""
    known = key_map(conn, tool)
    fresh = {k: v for k, v in pairs.items() if known.get(k) != v}
    if fresh:
        conn.executemany(
            "DELETE FROM key_map WHERE tool = ? AND (local_key = ? OR tool_key = ?)",
            [(tool, k, v) for k, v in fresh.items()],
        )
        conn.executemany(
            "INSERT INTO key_map (tool, local_key, tool_key, mapped_at) VALUES (?, ?, ?, ?)",
            [(tool, k, v, timestamp(at)) for k, v in fresh.items()],
        )
    return len(fresh)


def target_cursor(conn: sqlite3.Connection, source: str, target: str) -> str | None:
    """Where the next incremental read of ``target`` starts in the ``source -> target`` sync."""
    row = conn.execute(
        "SELECT cursor_value FROM target_cursors WHERE source = ? AND target = ?",
        (source, target),
    ).fetchone()
    return None if row is None else str(row[0])


def set_target_cursor(
    conn: sqlite3.Connection, source: str, target: str, cursor: str | None
) -> None:
    """Store (or, with None, forget) the target cursor of the ``source -> target`` pair."""
    conn.execute("DELETE FROM target_cursors WHERE source = ? AND target = ?", (source, target))
    if cursor is not None:
        conn.execute(
            "INSERT INTO target_cursors (source, target, cursor_value) VALUES (?, ?, ?)",
            (source, target, cursor),
        )


def sync_state(conn: sqlite3.Connection, source: str, target: str) -> str | None:
    """What the last clean run of the ``source -> target`` sync left behind (None: nothing)."""
    row = conn.execute(
        "SELECT state FROM sync_states WHERE source = ? AND target = ?", (source, target)
    ).fetchone()
    return None if row is None else str(row[0])


def set_sync_state(
    conn: sqlite3.Connection, source: str, target: str, state: str | None, at: datetime
) -> None:
    """Store (or, with None, forget) the state a clean run of a pair left behind."""
    conn.execute("DELETE FROM sync_states WHERE source = ? AND target = ?", (source, target))
    if state is not None:
        conn.execute(
            "INSERT INTO sync_states (source, target, state, stored_at) VALUES (?, ?, ?, ?)",
            (source, target, state, timestamp(at)),
        )
