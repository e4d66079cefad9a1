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
  after, so a sync killed halfway is resumed instead of repeated.

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
(['MKT-1'], 2)
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import attrs

from agilemarketing._time import ensure_utc, utcnow
from agilemarketing.errors import MirrorError
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition

__all__ = [
    "OWN_BOARD",
    "SCHEMA_VERSION",
    "JournalEntry",
    "JournalStatus",
    "Mirror",
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

_MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (_V1, _V2)

#: The schema version this code writes; older databases are upgraded when opened.
SCHEMA_VERSION: Final = len(_MIGRATIONS)


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
        conn.execute("BEGIN")
        try:
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


def _blocked_json(periods: Sequence[BlockedPeriod]) -> str:
    return json.dumps([[_ts(p.start), _opt_ts(p.end)] for p in periods])


def _blocked_from(text: str) -> tuple[BlockedPeriod, ...]:
    return tuple(BlockedPeriod(start, _from_ts(end)) for start, end in json.loads(text))


_INSERT_ITEM = (
    "INSERT INTO items (source, item_key, summary, item_type, status, created, resolved, points, "
    "labels, sprints, item_rank, blocked, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SELECT_ITEMS = (
    "SELECT source, item_key, summary, item_type, status, created, resolved, points, labels, "
    "sprints, item_rank, blocked, seen_at FROM items WHERE source = ? ORDER BY item_key"
)


def _item_row(source: str, h: ItemHistory, seen_at: str) -> tuple[Any, ...]:
    return (
        source,
        h.key,
        h.summary,
        h.type,
        h.status,
        _opt_ts(h.created),
        _opt_ts(h.resolved),
        h.points,
        json.dumps(list(h.labels)),
        json.dumps(list(h.sprints)),
        h.rank,
        _blocked_json(h.blocked),
        seen_at,
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

    Use it as a context manager, or call :meth:`close`. ``":memory:"`` gives a throwaway mirror
    for tests and examples. Writes happen inside :meth:`transaction`, so one sync step is
    committed whole or not at all.

    >>> from agilemarketing.history import ItemHistory
    >>> with Mirror(":memory:") as m:
    ...     with m.transaction():
    ...         _ = m.save_board("memory:a", [ItemHistory("A-1", status="To Do")], cursor="7")
    ...     m.cursor("memory:a"), m.board("memory:a")["A-1"].status
    ('7', 'To Do')
    """

    path: str = attrs.field(converter=str)
    _conn: sqlite3.Connection = attrs.field(init=False, repr=False)
    _depth: int = attrs.field(init=False, default=0, repr=False)

    def __attrs_post_init__(self) -> None:
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
        self._conn.execute("BEGIN")
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
        items: Iterable[ItemHistory],
        *,
        cursor: str | None = None,
        peer: str | None = None,
        seen_at: datetime | None = None,
    ) -> int:
        """Store ``items`` as the last synced state of ``source``; return how many were written.

        Items replace their earlier state (fields and history) one for one; items not given are
        left as they were. ``cursor`` and ``peer``, when given, are recorded too. Must run inside
        :meth:`transaction`; bulk writes go through ``executemany``.
        """
        self._require_transaction("save_board")
        stamp = _ts(seen_at or utcnow())
        self._ensure_source(source)
        histories = list(items)
        keys = [(source, h.key) for h in histories]
        self._conn.executemany("DELETE FROM transitions WHERE source = ? AND item_key = ?", keys)
        self._conn.executemany("DELETE FROM items WHERE source = ? AND item_key = ?", keys)
        self._conn.executemany(
            _INSERT_ITEM,
            [_item_row(source, h, stamp) for h in histories],
        )
        self._conn.executemany(
            "INSERT INTO transitions (source, item_key, seq, at, from_status, to_status, "
            "observed) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (source, h.key, seq, _ts(t.at), t.from_status, t.to_status, int(t.observed))
                for h in histories
                for seq, t in enumerate(h.transitions)
            ],
        )
        if cursor is not None or peer is not None:
            self.set_cursor(source, cursor, peer=peer)
        return len(histories)

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

    def board(self, source: str = OWN_BOARD) -> dict[str, ItemHistory]:
        """The last synced state of every item of ``source``, by key."""
        return {h.key: h for h in self.histories(source)}

    def histories(self, source: str | None = None) -> Iterator[ItemHistory]:
        """Every item of a board with its history, ordered by key.

        ``source=None`` reads the mirror's own board (:data:`OWN_BOARD`, what syncs *into*
        ``mirror:...`` write); pass an adapter URL to read the last synced state of that system
        (the merge base, with the history accrued from its snapshots). The metrics engine reads
        these exactly like histories from a file.
        """
        name = OWN_BOARD if source is None else source
        items = self._conn.execute(_SELECT_ITEMS, (name,))
        transitions = self._conn.cursor().execute(
            "SELECT item_key, at, from_status, to_status, observed FROM transitions "
            "WHERE source = ? ORDER BY item_key, seq",
            (name,),
        )
        groups = itertools.groupby(transitions, key=lambda row: str(row[0]))
        group = next(groups, None)
        for row in items:
            key = row[1]
            while group is not None and group[0] < key:  # cannot happen (foreign keys)
                group = next(groups, None)
            found: list[Transition] = []
            if group is not None and group[0] == key:
                found = [Transition(at, old, new, bool(obs)) for _, at, old, new, obs in group[1]]
                group = next(groups, None)
            yield ItemHistory(
                key=key,
                summary=row[2],
                type=row[3],
                status=row[4],
                created=_from_ts(row[5]),
                resolved=_from_ts(row[6]),
                points=row[7],
                labels=json.loads(row[8]),
                sprints=json.loads(row[9]),
                rank=row[10],
                blocked=_blocked_from(row[11]),
                transitions=found,
            )

    def count(self, source: str | None = None) -> int:
        """How many items a board holds (``None``: the mirror's own board)."""
        name = OWN_BOARD if source is None else source
        return int(
            self._conn.execute("SELECT COUNT(*) FROM items WHERE source = ?", (name,)).fetchone()[0]
        )

    # -- journal -----------------------------------------------------------------------------

    def record_planned(self, target: str, entries: Iterable[JournalEntry]) -> int:
        """Journal changes as *planned* (before they are sent); already journalled ids are kept.

        Returns how many new rows were written. Must run inside :meth:`transaction`.
        """
        self._require_transaction("record_planned")
        known = self._journal_ids(target)
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
            for e in entries
            if e.change_id not in known
        ]
        self._conn.executemany(
            "INSERT INTO journal (target, change_id, kind, item_key, payload, status, "
            "planned_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return len(rows)

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

    def _journal_ids(self, target: str) -> set[str]:
        rows = self._conn.execute("SELECT change_id FROM journal WHERE target = ?", (target,))
        return {change_id for (change_id,) in rows}

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
