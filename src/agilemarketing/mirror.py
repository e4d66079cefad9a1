"""The mirror: a local SQLite database that remembers what every sync saw and did.

The mirror is what makes :mod:`agilemarketing.sync` incremental, idempotent, resumable and able
to detect conflicts. It holds, in one file:

* **boards**: for every system a sync has read or written (named by its adapter URL), the last
  synced state of each item with its full history. That state is the *merge base* of the
  three-way comparison. The mirror also has a board of its own, :data:`OWN_BOARD`, which is what
  ``mirror:team.db`` reads and writes when the mirror is used as an adapter;
* the **history** of every item, transition by transition, each with an ``observed`` flag: a
  source that has no history (a plain CSV export, a snapshot) still accrues one, because each sync
  records the status changes it sees, at the time it saw them;
* a **sync cursor** per board (where the next incremental read starts);
* the **journal** of changes sent to a target: planned before they are sent, applied (or failed)
  after, so a sync killed halfway is resumed instead of repeated;
* named JSON **documents**, such as the team's planning file
  (:meth:`agilemarketing.serialize.PlanningFile.save_to_mirror`).

The schema is versioned (a ``schema_version`` table, mirrored in ``PRAGMA user_version``) and
upgraded in place by ordered migration steps. The database runs in WAL mode with foreign keys
on, and every step of a sync is one transaction. The SQL is standard (no SQLite-only upserts),
so a fleet of sync jobs could later point the same schema at a server database.

>>> from agilemarketing.history import ItemHistory, Transition
>>> with Mirror(":memory:") as mirror:
...     with mirror.transaction():
...         _ = mirror.save_board("csv:export.csv", [
...             ItemHistory("MKT-1", summary="Spring webinar", status="Doing",
...                         transitions=[Transition("2026-03-02T09:00:00Z", None, "Doing")]),
...         ])
...     [h.key for h in mirror.histories("csv:export.csv")], mirror.schema_version
(['MKT-1'], 5)
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Final

import attrs
import msgspec

from agilemarketing._time import ensure_utc, utcnow
from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    ReadResult,
    Rerank,
    apply_change,
    is_rank,
    rank_between,
    rank_order,
)
from agilemarketing.errors import (
    AgileMarketingError,
    InvalidCursor,
    MirrorError,
)
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition

__all__ = [
    "OWN_BOARD",
    "SCHEMA_VERSION",
    "JournalEntry",
    "JournalStatus",
    "Mirror",
    "MirrorAdapter",
]

#: The name of the mirror's own board: what ``mirror:path.db`` reads and writes as an adapter.
OWN_BOARD: Final = "mirror"

# --- schema and migrations -------------------------------------------------------------------
# Each step takes the schema from version N-1 to N. Steps are append-only: never edit a released
# step, add a new one. Standard SQL only (CREATE TABLE / ALTER TABLE ADD COLUMN / CREATE INDEX).

_V1 = (
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
_V2 = (
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
_V3 = (
    "ALTER TABLE items ADD COLUMN extra_fields TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE items ADD COLUMN done_criteria TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE items ADD COLUMN item_version VARCHAR(255)",
    "ALTER TABLE items ADD COLUMN updated VARCHAR(40)",
    "ALTER TABLE items ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sources ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX items_by_revision ON items (source, revision)",
)

# v4: the board order, so the adapter finds the lowest-priority rank without a scan.
_V4 = ("CREATE INDEX items_by_rank ON items (source, item_rank)",)

# v5: named JSON documents beside the boards (a team's PlanningFile, see
# agilemarketing.serialize.PlanningFile.save_to_mirror), so plans persist where the board does.
_V5 = (
    """CREATE TABLE documents (
        name VARCHAR(255) NOT NULL PRIMARY KEY,
        body TEXT NOT NULL,
        saved_at VARCHAR(40) NOT NULL
    )""",
)

_MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (_V1, _V2, _V3, _V4, _V5)

#: The schema version this code writes; older databases are upgraded when opened.
SCHEMA_VERSION: Final = len(_MIGRATIONS)


# The one dialect-specific statement besides the PRAGMAs in _connect: SQLite takes the write
# lock up front, so two sync jobs on one file queue (busy timeout) instead of deadlocking on a
# read-to-write upgrade. A server database would say START TRANSACTION.
_BEGIN_WRITE: Final = "BEGIN IMMEDIATE"


def _migrate(conn: sqlite3.Connection, *, upto: int = SCHEMA_VERSION, where: str) -> int:
    """Apply the missing migration steps, each in its own transaction; return the version."""
    current = _current_version(conn)
    if current > SCHEMA_VERSION:
        raise MirrorError(
            f"the mirror has schema version {current}, newer than this agilemarketing "
            f"understands ({SCHEMA_VERSION})",
            where=where,
            fix="upgrade agilemarketing, or sync into a new mirror file",
        )
    for version in range(current + 1, upto + 1):
        conn.execute(_BEGIN_WRITE)
        try:
            # Read again under the write lock: another process opening the same file may have
            # applied this step since `current` was read.
            if _current_version(conn) < version:
                for statement in _MIGRATIONS[version - 1]:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (version, _ts(utcnow())),
                )
                conn.execute(f"PRAGMA user_version = {int(version)}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        current = version
    return current


def _current_version(conn: sqlite3.Connection) -> int:
    exists = conn.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


# --- value encoding ----------------------------------------------------------------------------


def _ts(value: datetime) -> str:
    # Fixed width, UTC, microseconds: text order is time order.
    return ensure_utc(value).isoformat(timespec="microseconds")


def _opt_ts(value: datetime | None) -> str | None:
    return None if value is None else _ts(value)


def _from_ts(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder()


def _encode(value: Any) -> str:
    """JSON text for a column (msgspec: several times faster than json.dumps on small lists)."""
    return _ENCODER.encode(value).decode("utf-8")


def _decode(text: str) -> Any:
    return _DECODER.decode(text)


def _blocked_json(periods: Sequence[BlockedPeriod]) -> str:
    return _encode([[_ts(p.start), _opt_ts(p.end)] for p in periods])


def _blocked_from(text: str) -> tuple[BlockedPeriod, ...]:
    return tuple(
        BlockedPeriod(datetime.fromisoformat(start), _from_ts(end)) for start, end in _decode(text)
    )


_INSERT_ITEM = (
    "INSERT INTO items (source, item_key, summary, item_type, status, created, resolved, points, "
    "labels, sprints, item_rank, blocked, seen_at, extra_fields, done_criteria, item_version, "
    "updated, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SELECT_ITEMS = (
    "SELECT source, item_key, summary, item_type, status, created, resolved, points, labels, "
    "sprints, item_rank, blocked, seen_at, extra_fields, done_criteria, item_version, updated "
    "FROM items WHERE source = ? AND revision > ? ORDER BY item_key"
)
_SELECT_ONE = (
    "SELECT source, item_key, summary, item_type, status, created, resolved, points, labels, "
    "sprints, item_rank, blocked, seen_at, extra_fields, done_criteria, item_version, updated "
    "FROM items WHERE source = ? AND item_key = ?"
)
_SELECT_TRANSITIONS = (
    "SELECT item_key, at, from_status, to_status, observed FROM transitions "
    "WHERE source = ? AND item_key IN (SELECT item_key FROM items WHERE source = ? "
    "AND revision > ?) ORDER BY item_key, seq"
)


def _record(item: ItemHistory | ItemRecord) -> ItemRecord:
    return item if isinstance(item, ItemRecord) else ItemRecord(item)


def _item_row(source: str, r: ItemRecord, seen_at: str, revision: int) -> tuple[Any, ...]:
    h = r.history
    return (
        source,
        h.key,
        h.summary,
        h.type,
        h.status,
        _opt_ts(h.created),
        _opt_ts(h.resolved),
        h.points,
        _encode(list(h.labels)),
        _encode(list(h.sprints)),
        h.rank,
        _blocked_json(h.blocked),
        seen_at,
        _encode({k: list(v) if isinstance(v, tuple) else v for k, v in r.fields.items()}),
        _encode(sorted(r.done_criteria)),
        r.version,
        _opt_ts(r.updated),
        revision,
    )


def _row_record(row: Sequence[Any], transitions: list[Transition]) -> ItemRecord:
    history = ItemHistory(
        key=row[1],
        summary=row[2],
        type=row[3],
        status=row[4],
        created=_from_ts(row[5]),
        resolved=_from_ts(row[6]),
        points=row[7],
        labels=_decode(row[8]),
        sprints=_decode(row[9]),
        rank=row[10],
        blocked=_blocked_from(row[11]),
        transitions=transitions,
    )
    return ItemRecord(
        history,
        fields=_decode(row[13]),
        done_criteria=_decode(row[14]),
        version=row[15],
        updated=_from_ts(row[16]),
    )


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


@attrs.define
class Mirror:
    """A mirror database, opened (and created or upgraded) at ``path``.

    With ``create=False`` a missing file is an error instead of a new, empty mirror (for
    readers: a report on a mistyped path should fail, not show an empty board). Use it as a
    context manager, or call :meth:`close`. ``":memory:"`` gives a throwaway mirror
    for tests and examples. Writes happen inside :meth:`transaction`, so one sync step is
    committed whole or not at all.

    >>> from agilemarketing.history import ItemHistory
    >>> with Mirror(":memory:") as m:
    ...     with m.transaction():
    ...         _ = m.save_board("memory:a", [ItemHistory("A-1", status="To Do")], cursor="7")
    ...     m.cursor("memory:a"), m.board("memory:a")["A-1"].history.status
    ('7', 'To Do')
    """

    path: str = attrs.field(converter=str)
    create: bool = attrs.field(default=True, kw_only=True, repr=False)
    _conn: sqlite3.Connection = attrs.field(init=False, repr=False)
    _depth: int = attrs.field(init=False, default=0, repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.create and self.path != ":memory:" and not Path(self.path).is_file():
            raise MirrorError(
                "no mirror database at this path",
                where=self._where,
                fix="check the path; a mirror is created by syncing into it "
                "(agilemarketing sync <source> mirror:<path>)",
            )
        self._conn = _connect(self.path)
        try:
            _migrate(self._conn, where=self._where)
        except BaseException:
            self._conn.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def at_version(cls, path: str | Path, version: int) -> None:
        """Create a *new* database at ``path`` with the schema of an older ``version`` only.

        For tests of the upgrade path and for tools that must write an old layout:
        opening the file with :class:`Mirror` afterwards upgrades it.
        """
        conn = _connect(str(path))
        try:
            _migrate(conn, upto=version, where=f"mirror {path}")
        finally:
            conn.close()

    def close(self) -> None:
        """Close the database (pending reads are dropped; writes are committed already)."""
        self._conn.close()

    def __enter__(self) -> Mirror:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _where(self) -> str:
        return f"mirror {self.path}"

    @property
    def schema_version(self) -> int:
        """The schema version of the open database (always :data:`SCHEMA_VERSION` once open)."""
        return _current_version(self._conn)

    @property
    def journal_mode(self) -> str:
        """SQLite's journal mode: ``"wal"`` for files (``"memory"`` for ``":memory:"``)."""
        return str(self._conn.execute("PRAGMA journal_mode").fetchone()[0])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction: committed at the end, rolled back on any error.

        Nested blocks join the outer transaction.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute(_BEGIN_WRITE)
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._conn.execute("COMMIT")

    def _require_transaction(self, action: str) -> None:
        if not self._depth:
            raise MirrorError(
                f"{action} must run inside a transaction",
                where=self._where,
                fix="wrap the write in `with mirror.transaction():`",
            )

    # -- documents ---------------------------------------------------------------------------

    def save_document(self, name: str, body: str) -> None:
        """Store the JSON text ``body`` under ``name``, replacing an earlier one.

        Must run inside :meth:`transaction`.
        """
        self._require_transaction("save_document")
        self._conn.execute("DELETE FROM documents WHERE name = ?", (name,))
        self._conn.execute(
            "INSERT INTO documents (name, body, saved_at) VALUES (?, ?, ?)",
            (name, body, _ts(utcnow())),
        )

    def document(self, name: str) -> str | None:
        """The JSON text stored under ``name`` (None when there is none)."""
        row = self._conn.execute("SELECT body FROM documents WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    # -- boards ------------------------------------------------------------------------------

    def sources(self) -> list[str]:
        """The names of the boards the mirror holds (adapter URLs, and :data:`OWN_BOARD`)."""
        rows = self._conn.execute("SELECT name FROM sources ORDER BY name")
        return [name for (name,) in rows]

    def cursor(self, source: str) -> str | None:
        """Where the next incremental read of ``source`` starts (None: read everything)."""
        row = self._conn.execute(
            "SELECT cursor_value FROM sources WHERE name = ?", (source,)
        ).fetchone()
        return None if row is None else row[0]

    def peer(self, source: str) -> str | None:
        """The board ``source`` was last synced with (its peer in the sync), if any."""
        row = self._conn.execute("SELECT peer FROM sources WHERE name = ?", (source,)).fetchone()
        return None if row is None else row[0]

    def synced_at(self, source: str) -> datetime | None:
        """When ``source`` was last written by a sync (None if never)."""
        row = self._conn.execute(
            "SELECT synced_at FROM sources WHERE name = ?", (source,)
        ).fetchone()
        return None if row is None else _from_ts(row[0])

    def save_board(
        self,
        source: str,
        items: Iterable[ItemHistory | ItemRecord],
        *,
        cursor: str | None = None,
        peer: str | None = None,
        seen_at: datetime | None = None,
    ) -> int:
        """Store ``items`` as the last synced state of ``source``; return how many were written.

        Items (histories or full adapter records) replace their earlier state, fields and history
        one for one; items not given are left as they were. Every call that writes items bumps the
        board's revision (what incremental reads of the mirror follow). ``cursor`` and ``peer``,
        when given, are recorded too. Must run inside :meth:`transaction`; the rows are written
        with ``executemany``.
        """
        self._require_transaction("save_board")
        records = [_record(item) for item in items]
        self._ensure_source(source)
        if records:
            stamp = _ts(seen_at or utcnow())
            revision = self.revision(source) + 1
            keys = [(source, r.key) for r in records]
            self._conn.executemany(
                "DELETE FROM transitions WHERE source = ? AND item_key = ?", keys
            )
            self._conn.executemany("DELETE FROM items WHERE source = ? AND item_key = ?", keys)
            self._conn.executemany(
                _INSERT_ITEM, [_item_row(source, r, stamp, revision) for r in records]
            )
            self._conn.executemany(
                "INSERT INTO transitions (source, item_key, seq, at, from_status, to_status, "
                "observed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (source, r.key, seq, _ts(t.at), t.from_status, t.to_status, int(t.observed))
                    for r in records
                    for seq, t in enumerate(r.history.transitions)
                ],
            )
            self._conn.execute("UPDATE sources SET revision = ? WHERE name = ?", (revision, source))
        if cursor is not None or peer is not None:
            self.set_cursor(source, cursor, peer=peer)
        return len(records)

    def revision(self, source: str = OWN_BOARD) -> int:
        """How many writes the board has had (0 for a board never written)."""
        row = self._conn.execute(
            "SELECT revision FROM sources WHERE name = ?", (source,)
        ).fetchone()
        return 0 if row is None else int(row[0])

    def item_revisions(self, source: str = OWN_BOARD) -> dict[str, int]:
        """The revision at which each item of a board was last written, by key.

        The sync engine puts it in the origin of the changes it plans, so a change planned again
        after a crash keeps its id, while the same edit made again later gets a new one.
        """
        rows = self._conn.execute(
            "SELECT item_key, revision FROM items WHERE source = ?", (source,)
        )
        return {key: int(revision) for key, revision in rows}

    def set_cursor(self, source: str, cursor: str | None, *, peer: str | None = None) -> None:
        """Record where the next incremental read of ``source`` starts (and its peer)."""
        self._require_transaction("set_cursor")
        self._ensure_source(source)
        if peer is None:
            self._conn.execute(
                "UPDATE sources SET cursor_value = ?, synced_at = ? WHERE name = ?",
                (cursor, _ts(utcnow()), source),
            )
        else:
            self._conn.execute(
                "UPDATE sources SET cursor_value = ?, peer = ?, synced_at = ? WHERE name = ?",
                (cursor, peer, _ts(utcnow()), source),
            )

    def _ensure_source(self, source: str) -> None:
        found = self._conn.execute(
            "SELECT COUNT(*) FROM sources WHERE name = ?", (source,)
        ).fetchone()[0]
        if not found:
            self._conn.execute("INSERT INTO sources (name) VALUES (?)", (source,))

    def board(self, source: str = OWN_BOARD) -> dict[str, ItemRecord]:
        """The last synced state of every item of ``source`` as adapter records, by key."""
        return {r.key: r for r in self.records(source)}

    def records(
        self, source: str | None = None, *, since: int | None = None
    ) -> Iterator[ItemRecord]:
        """Every item of a board as an adapter record (history plus extra fields), by key.

        ``since`` keeps only items written after that revision (see :meth:`revision`).
        """
        name = OWN_BOARD if source is None else source
        after = -1 if since is None else since
        items = self._conn.execute(_SELECT_ITEMS, (name, after))
        transitions = self._conn.cursor().execute(_SELECT_TRANSITIONS, (name, name, after))
        groups = itertools.groupby(transitions, key=lambda row: str(row[0]))
        group = next(groups, None)
        for row in items:
            key = row[1]
            while group is not None and group[0] < key:  # cannot happen (foreign keys)
                group = next(groups, None)
            found: list[Transition] = []
            if group is not None and group[0] == key:
                found = [
                    Transition(datetime.fromisoformat(at), old, new, bool(obs))
                    for _, at, old, new, obs in group[1]
                ]
                group = next(groups, None)
            yield _row_record(row, found)

    def board_item(self, source: str, key: str) -> ItemRecord | None:
        """One item of a board (None if the board has no such key)."""
        row = self._conn.execute(_SELECT_ONE, (source, key)).fetchone()
        if row is None:
            return None
        transitions = [
            Transition(datetime.fromisoformat(at), old, new, bool(obs))
            for at, old, new, obs in self._conn.execute(
                "SELECT at, from_status, to_status, observed FROM transitions "
                "WHERE source = ? AND item_key = ? ORDER BY seq",
                (source, key),
            )
        ]
        return _row_record(row, transitions)

    def histories(self, source: str | None = None) -> Iterator[ItemHistory]:
        """Every item of a board with its history, ordered by key.

        ``source=None`` reads the mirror's own board (:data:`OWN_BOARD`, what syncs *into*
        ``mirror:...`` write); pass an adapter URL to read the last synced state of that system
        (the merge base, with the history accrued from its snapshots). The metrics engine reads
        these exactly like histories from a file.
        """
        for record in self.records(source):
            yield record.history

    def ranks(self, source: str = OWN_BOARD) -> Iterator[str]:
        """The ranks of a board's items, lowest priority (greatest rank) first."""
        rows = self._conn.execute(
            "SELECT item_rank FROM items WHERE source = ? AND item_rank IS NOT NULL "
            "ORDER BY item_rank DESC",
            (source,),
        )
        for (rank,) in rows:
            yield rank

    def count(self, source: str | None = None) -> int:
        """How many items a board holds (``None``: the mirror's own board)."""
        name = OWN_BOARD if source is None else source
        row = self._conn.execute("SELECT COUNT(*) FROM items WHERE source = ?", (name,))
        return int(row.fetchone()[0])

    # -- journal -----------------------------------------------------------------------------

    def record_planned(self, target: str, entries: Iterable[JournalEntry]) -> int:
        """Journal changes as *planned*, before they are sent; return how many rows are new.

        A change journalled before keeps its row: a failed one (being retried) is set back to
        planned, an applied or planned one is left as it is. Must run inside
        :meth:`transaction`.
        """
        self._require_transaction("record_planned")
        batch = list(entries)
        known = self._journal_statuses(target, [e.change_id for e in batch])
        rows = [
            (
                target,
                e.change_id,
                e.kind,
                e.item_key,
                json.dumps(dict(e.payload), sort_keys=True, default=str),
                JournalStatus.PLANNED.value,
                _ts(e.planned_at),
            )
            for e in batch
            if e.change_id not in known
        ]
        self._conn.executemany(
            "INSERT INTO journal (target, change_id, kind, item_key, payload, status, "
            "planned_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._conn.executemany(
            "UPDATE journal SET status = ?, planned_at = ?, result = NULL, finished_at = NULL "
            "WHERE target = ? AND change_id = ?",
            [
                (JournalStatus.PLANNED.value, _ts(e.planned_at), target, e.change_id)
                for e in batch
                if known.get(e.change_id) == JournalStatus.FAILED.value
            ],
        )
        return len(rows)

    def _journal_statuses(self, target: str, change_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(change_ids), 500):  # stay under SQLite's parameter limit
            chunk = change_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._conn.execute(
                "SELECT change_id, status FROM journal WHERE target = ? "  # noqa: S608 - only ? marks
                f"AND change_id IN ({marks})",
                [target, *chunk],
            )
            found.update(dict(rows.fetchall()))
        return found

    def record_results(
        self,
        target: str,
        results: Iterable[tuple[str, JournalStatus, Mapping[str, Any] | None]],
    ) -> None:
        """Mark journalled changes applied or failed: ``(change_id, status, result)`` triples."""
        self._require_transaction("record_results")
        now = _ts(utcnow())
        self._conn.executemany(
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

    def journal(
        self, target: str | None = None, *, status: JournalStatus | str | None = None
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
                finished_at=_from_ts(row[8]),
            )
            for row in self._conn.execute(sql, args)
        ]


def _connect(path: str) -> sqlite3.Connection:
    """Open ``path`` in autocommit mode (transactions are explicit) with WAL and foreign keys."""
    try:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
    except (OSError, sqlite3.Error) as exc:
        raise MirrorError(
            f"cannot open the mirror database ({exc})",
            where=f"mirror {path}",
            fix="check that the folder exists and is writable",
        ) from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise MirrorError(
            f"not a mirror database ({exc})",
            where=f"mirror {path}",
            fix="point at a mirror file made by agilemarketing, or at a new file name",
        ) from exc
    return conn


# --- the mirror as an adapter ------------------------------------------------------------------


class MirrorAdapter(Adapter):
    """The mirror's own board as an adapter (name ``mirror``, URL ``mirror:path/to/team.db``).

    Syncing *into* ``mirror:team.db`` fills this board; ``agilemarketing report mirror:team.db``
    and :meth:`Mirror.histories` read it back. It is writable, ranked and incremental (a cursor is
    the board's revision), and keeps every record field and transition exactly as written.
    Every :meth:`write` is one transaction. Option ``create`` (default true): false makes a
    missing file an error rather than a new, empty mirror (use it to read).

    >>> from agilemarketing.adapter import CreateItem, MoveStatus
    >>> with MirrorAdapter(":memory:") as board:
    ...     results = board.write([CreateItem("MKT-1", "Spring webinar", status="To Do"),
    ...                            MoveStatus("MKT-1", "Doing", from_status="To Do")])
    ...     [r.status.value for r in results], [r.history.status for r in board.read()]
    (['applied', 'applied'], ['Doing'])
    """

    name: ClassVar[str] = "mirror"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True, incremental_read=True, write=True, rank=True, history=HistoryFidelity.EXACT
    )

    def __init__(
        self,
        location: str = "",
        options: Mapping[str, object] | None = None,
        *,
        mirror: Mirror | None = None,
    ) -> None:
        super().__init__(location, options)
        if mirror is None and not location:
            raise MirrorError(
                "no database file given",
                where="adapter URL 'mirror:'",
                fix="name the file, e.g. mirror:team.db",
            )
        self._owns_mirror = mirror is None
        create = self.option("create", True)
        self.mirror = Mirror(location, create=create) if mirror is None else mirror
        self._clock: Callable[[], datetime] = utcnow
        # While a write runs, changed records collect here and are saved in one go at its end.
        self._pending: dict[str, ItemRecord] | None = None
        self._tail: str | None = None  # the greatest valid rank, pending records included

    @classmethod
    def of(cls, mirror: Mirror) -> MirrorAdapter:
        """The adapter over an already open :class:`Mirror` (closing the adapter leaves it open).

        >>> with Mirror(":memory:") as m:
        ...     MirrorAdapter.of(m).url
        'mirror::memory:'
        """
        return cls(mirror.path, mirror=mirror)

    def close(self) -> None:
        """Close the database if this adapter opened it."""
        if self._owns_mirror:
            self.mirror.close()

    # -- reading ---------------------------------------------------------------------------

    def _token(self, revision: int) -> str:
        return f"rev:{revision}"

    def read(self, since: Cursor | None = None) -> ReadResult:
        """Every item of the board in rank order, or those written since the cursor."""
        revision = self.mirror.revision(OWN_BOARD)
        cursor = Cursor(self._token(revision))
        if since is None:
            return ReadResult(self._ordered(None), cursor, complete=True)
        prefix, _, number = since.token.partition(":")
        if prefix != "rev" or not number.isdigit() or int(number) > revision:
            raise InvalidCursor(self.name, since.token, why="it is not a revision of this mirror")
        return ReadResult(self._ordered(int(number)), cursor, complete=False)

    def _ordered(self, since: int | None) -> list[ItemRecord]:
        records = {r.key: r for r in self.mirror.records(OWN_BOARD, since=since)}
        if self._pending:
            records.update(self._pending)
        return sorted(records.values(), key=rank_order)

    # -- writing ---------------------------------------------------------------------------

    def write(self, changes: Iterable[AnyChange]) -> list[ChangeResult]:
        """Apply ``changes`` in order in one transaction, one result each; the records they
        change are saved together at the end (one bulk write, one new revision)."""
        planned = list(changes)
        for change in planned:
            self.check_supports(change)
        with self.mirror.transaction(), self._collecting():
            return [self.apply(change) for change in planned]

    @contextlib.contextmanager
    def _collecting(self) -> Iterator[None]:
        if self._pending is not None:  # inside write(): the outer block saves
            yield
            return
        self._pending = {}
        self._tail = next((rank for rank in self.mirror.ranks(OWN_BOARD) if is_rank(rank)), None)
        try:
            yield
            if self._pending:
                now = self._clock()
                version = str(self.mirror.revision(OWN_BOARD) + 1)
                self.mirror.save_board(
                    OWN_BOARD,
                    [attrs.evolve(r, version=version, updated=now) for r in self._pending.values()],
                    seen_at=now,
                )
        finally:
            self._pending = None

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change; see :meth:`agilemarketing.adapter.Adapter.apply`."""
        self.check_supports(change)
        with self.mirror.transaction(), self._collecting():
            if isinstance(change, Rerank):
                self._renumber_foreign_ranks(change)
            try:
                record = apply_change(
                    change,
                    _Board(self),
                    now=self._clock(),
                    where=self.url,
                    new_rank=lambda: _rank_after(self._tail),
                )
            except AgileMarketingError as error:
                return ChangeResult(change, ChangeStatus.FAILED, error=error)
            if record is None:
                return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
            self._store(record)
        return ChangeResult(change, ChangeStatus.APPLIED)

    def _get(self, key: str) -> ItemRecord | None:
        if self._pending is not None and key in self._pending:
            return self._pending[key]
        return self.mirror.board_item(OWN_BOARD, key)

    def _store(self, record: ItemRecord) -> None:
        assert self._pending is not None, "changes are stored inside _collecting()"
        self._pending[record.key] = record
        rank = record.history.rank
        if rank is not None and is_rank(rank) and (self._tail is None or rank > self._tail):
            self._tail = rank

    def _renumber_foreign_ranks(self, change: Rerank) -> None:
        """Give every item a fresh rank in the current order when some rank is not one
        :func:`rank_between` can split (Jira's ``0|hzzzzz:``, say) and ``change`` has to move an
        item, so that it can place the item anywhere."""
        if self._get(change.key) is None or self._get(change.neighbour) is None:
            return  # the change fails, and then nothing may change
        ordered = self._ordered(None)
        if all(r.history.rank and is_rank(r.history.rank) for r in ordered):
            return
        if change.satisfied_by_order([r.key for r in ordered]):
            return
        rank: str | None = None
        for record in ordered:
            rank = _rank_after(rank)
            self._store(attrs.evolve(record, history=attrs.evolve(record.history, rank=rank)))


class _Board:
    """The mirror adapter's board as :func:`~agilemarketing.adapter.apply_change` reads it:
    records written in the current :meth:`MirrorAdapter.write` first, then the database."""

    def __init__(self, adapter: MirrorAdapter) -> None:
        self._adapter = adapter

    def get(self, key: str, /) -> ItemRecord | None:
        return self._adapter._get(key)

    def values(self) -> list[ItemRecord]:
        return self._adapter._ordered(None)


def _rank_after(last: str | None) -> str:
    """A rank just below ``last`` (the bottom of the board): :func:`rank_between` steps there.

    >>> _rank_after(None), _rank_after("i"), _rank_after("i0000z"), _rank_after("zzzzzz")
    ('i', 'i00001', 'i0001', 'zzzzzzi')
    """
    return rank_between(last, None)
