"""The mirror's database schema: ordered migration steps and the write lock.

The schema is versioned (a ``schema_version`` table, mirrored in ``PRAGMA user_version``) and
upgraded in place by :func:`migrate`, one transaction per step
(:func:`agilemarketing.mirror.connection.connect` opens a file). The SQL is standard (no
SQLite-only upserts), so a fleet of sync jobs could later point the same schema at a server
database.
"""

from __future__ import annotations

import sqlite3
from typing import Final

from agilemarketing.errors import MirrorError
from agilemarketing.mirror.rows import timestamp
from agilemarketing.utc import utcnow

__all__ = ["BEGIN_WRITE", "MIGRATIONS", "SCHEMA_VERSION", "current_version", "migrate"]

# Each step takes the schema from version N-1 to N. Steps are append-only: never edit a released
# step, add a new one. Standard SQL only (CREATE TABLE / ALTER TABLE ADD COLUMN / CREATE INDEX).

_V1: Final = (
    """CREATE TABLE schema_version (
        version INTEGER NOT NULL PRIMARY KEY,
        applied_at VARCHAR(40) NOT NULL
    )""",
    """CREATE TABLE sources (
        name VARCHAR(1000) NOT NULL PRIMARY KEY,
        cursor_value VARCHAR(1000),
        synced_at VARCHAR(40)
    )""",
    """CREATE TABLE items (
        source VARCHAR(1000) NOT NULL REFERENCES sources (name) ON DELETE CASCADE,
        item_key VARCHAR(255) NOT NULL,
        summary TEXT NOT NULL,
        item_type VARCHAR(255) NOT NULL,
        status VARCHAR(255) NOT NULL,
        created VARCHAR(40),
        resolved VARCHAR(40),
        points DOUBLE PRECISION,
        labels TEXT NOT NULL,
        sprints TEXT NOT NULL,
        item_rank VARCHAR(255),
        blocked TEXT NOT NULL,
        seen_at VARCHAR(40) NOT NULL,
        PRIMARY KEY (source, item_key)
    )""",
    """CREATE TABLE transitions (
        source VARCHAR(1000) NOT NULL,
        item_key VARCHAR(255) NOT NULL,
        seq INTEGER NOT NULL,
        at VARCHAR(40) NOT NULL,
        from_status VARCHAR(255),
        to_status VARCHAR(255) NOT NULL,
        observed SMALLINT NOT NULL,
        PRIMARY KEY (source, item_key, seq),
        FOREIGN KEY (source, item_key) REFERENCES items (source, item_key) ON DELETE CASCADE
    )""",
    "CREATE INDEX transitions_by_time ON transitions (source, at)",
)

# v2: the change journal (resumable write-back) and the peer each board is synced with.
_V2: Final = (
    "ALTER TABLE sources ADD COLUMN peer VARCHAR(1000)",
    """CREATE TABLE journal (
        target VARCHAR(1000) NOT NULL,
        change_id VARCHAR(128) NOT NULL,
        kind VARCHAR(20) NOT NULL,
        item_key VARCHAR(255) NOT NULL,
        payload TEXT NOT NULL,
        status VARCHAR(10) NOT NULL CHECK (status IN ('planned', 'applied', 'failed')),
        result TEXT,
        planned_at VARCHAR(40) NOT NULL,
        finished_at VARCHAR(40),
        PRIMARY KEY (target, change_id)
    )""",
    "CREATE INDEX journal_by_status ON journal (target, status)",
)

# v3: full adapter records (extra fields, Definition-of-Done state, version marker) and a
# revision counter per board, so the mirror can serve incremental reads as an adapter.
_V3: Final = (
    "ALTER TABLE items ADD COLUMN extra_fields TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE items ADD COLUMN done_criteria TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE items ADD COLUMN item_version VARCHAR(255)",
    "ALTER TABLE items ADD COLUMN updated VARCHAR(40)",
    "ALTER TABLE items ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sources ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX items_by_revision ON items (source, revision)",
)

# v4: the board order, so the adapter finds the lowest-priority rank without a scan.
_V4: Final = ("CREATE INDEX items_by_rank ON items (source, item_rank)",)

# v5: named JSON documents beside the boards (a team's PlanningFile, see
# agilemarketing.serialize.PlanningFile.save_to_mirror), so plans persist where the board does.
_V5: Final = (
    """CREATE TABLE documents (
        name VARCHAR(255) NOT NULL PRIMARY KEY,
        body TEXT NOT NULL,
        saved_at VARCHAR(40) NOT NULL
    )""",
)

# v6: a board's merge base as a sync target apart from its base as a source (see
# agilemarketing.mirror.bases). Until v5 one board held both, so a board fed by one sync and
# feeding another lost the edits in between. Every board that was a target (some board's peer,
# or named in the journal) is copied to its target-side name; one that was a target only (no
# cursor, no peer of its own) is then removed under its plain name, which is a source's base.
# The SQL spells the set of former targets out each time: a migration step is constant text.
# ' (as target)' is agilemarketing.mirror.bases.TARGET_SIDE (a test checks the two agree).
_V6: Final = (
    "INSERT INTO sources (name, cursor_value, synced_at, peer, revision) "
    "SELECT name || ' (as target)', NULL, synced_at, NULL, revision FROM sources "
    "WHERE name IN (SELECT peer FROM sources WHERE peer IS NOT NULL "
    "UNION SELECT target FROM journal)",
    "INSERT INTO items (source, item_key, summary, item_type, status, created, resolved, "
    "points, labels, sprints, item_rank, blocked, seen_at, extra_fields, done_criteria, "
    "item_version, updated, revision) "
    "SELECT source || ' (as target)', item_key, summary, item_type, status, created, resolved, "
    "points, labels, sprints, item_rank, blocked, seen_at, extra_fields, done_criteria, "
    "item_version, updated, revision FROM items "
    "WHERE source IN (SELECT peer FROM sources WHERE peer IS NOT NULL "
    "UNION SELECT target FROM journal)",
    "INSERT INTO transitions (source, item_key, seq, at, from_status, to_status, observed) "
    "SELECT source || ' (as target)', item_key, seq, at, from_status, to_status, observed "
    "FROM transitions WHERE source IN (SELECT peer FROM sources WHERE peer IS NOT NULL "
    "UNION SELECT target FROM journal)",
    "DELETE FROM transitions WHERE source IN (SELECT name FROM sources WHERE peer IS NULL "
    "AND cursor_value IS NULL AND name IN (SELECT peer FROM sources WHERE peer IS NOT NULL "
    "UNION SELECT target FROM journal))",
    "DELETE FROM items WHERE source IN (SELECT name FROM sources WHERE peer IS NULL "
    "AND cursor_value IS NULL AND name IN (SELECT peer FROM sources WHERE peer IS NOT NULL "
    "UNION SELECT target FROM journal))",
    "DELETE FROM sources WHERE peer IS NULL AND cursor_value IS NULL AND name IN "
    "(SELECT peer FROM sources WHERE peer IS NOT NULL UNION SELECT target FROM journal)",
)

# v7: what each board says about itself (Adapter.board(): stages, WIP limits, cycles...), and
# the sync runs that wrote to a target, so the journal can be kept to the last N runs.
_V7: Final = (
    """CREATE TABLE board_descriptions (
        source VARCHAR(1000) NOT NULL PRIMARY KEY,
        body TEXT NOT NULL,
        read_at VARCHAR(40) NOT NULL
    )""",
    """CREATE TABLE sync_runs (
        target VARCHAR(1000) NOT NULL,
        started_at VARCHAR(40) NOT NULL,
        finished_at VARCHAR(40) NOT NULL,
        summary TEXT NOT NULL,
        PRIMARY KEY (target, started_at)
    )""",
)

# v8: deletions, keys the target assigns and target cursors (issue 11). An item deleted at its
# source is kept with its history and a removed_at; a key map per keying tool (the board whose
# adapter assigns its own keys) pairs the key an item has on the other side with the tool's key;
# a target read incrementally keeps its cursor per source and target pair.
_V8: Final = (
    "ALTER TABLE items ADD COLUMN removed_at VARCHAR(40)",
    """CREATE TABLE key_map (
        tool VARCHAR(1000) NOT NULL,
        local_key VARCHAR(255) NOT NULL,
        tool_key VARCHAR(255) NOT NULL,
        mapped_at VARCHAR(40) NOT NULL,
        PRIMARY KEY (tool, local_key)
    )""",
    "CREATE UNIQUE INDEX key_map_by_tool_key ON key_map (tool, tool_key)",
    """CREATE TABLE target_cursors (
        source VARCHAR(1000) NOT NULL,
        target VARCHAR(1000) NOT NULL,
        cursor_value VARCHAR(1000) NOT NULL,
        PRIMARY KEY (source, target)
    )""",
)

# v9: what a clean sync run left behind, per source and target pair: the source's and the
# target's current cursors (Adapter.current_cursor), the revisions of both merge bases and a
# digest of the sync's settings. A run that finds all of them unchanged plans nothing without
# reading either side (agilemarketing.sync.quiet).
_V9: Final = (
    """CREATE TABLE sync_states (
        source VARCHAR(1000) NOT NULL,
        target VARCHAR(1000) NOT NULL,
        state TEXT NOT NULL,
        stored_at VARCHAR(40) NOT NULL,
        PRIMARY KEY (source, target)
    )""",
)

#: The migration steps in order: step N takes the schema from version N-1 to N.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    _V1,
    _V2,
    _V3,
    _V4,
    _V5,
    _V6,
    _V7,
    _V8,
    _V9,
)

#: The schema version this code writes; older databases are upgraded when opened.
SCHEMA_VERSION: Final = len(MIGRATIONS)


# The one dialect-specific statement besides the PRAGMAs in connect(): SQLite takes the write
# lock up front, so two sync jobs on one file queue (busy timeout) instead of deadlocking on a
# read-to-write upgrade. A server database would say START TRANSACTION.
BEGIN_WRITE: Final = "BEGIN IMMEDIATE"


def migrate(conn: sqlite3.Connection, *, upto: int = SCHEMA_VERSION, where: str) -> int:
    """Apply the missing migration steps, each in its own transaction; return the version."""
    current = current_version(conn)
    if current > SCHEMA_VERSION:
        raise MirrorError(
            f"the mirror has schema version {current}, newer than this agilemarketing "
            f"understands ({SCHEMA_VERSION})",
            where=where,
            fix="upgrade agilemarketing, or sync into a new mirror file",
        )
    for version in range(current + 1, upto + 1):
        conn.execute(BEGIN_WRITE)
        try:
            # Read again under the write lock: another process opening the same file may have
            # applied this step since `current` was read.
            if current_version(conn) < version:
                for statement in MIGRATIONS[version - 1]:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (version, timestamp(utcnow())),
                )
                conn.execute(f"PRAGMA user_version = {int(version)}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        current = version
    return current


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version of the database (0 for a new, empty file)."""
    exists = conn.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)
