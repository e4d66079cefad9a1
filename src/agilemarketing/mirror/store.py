"""The mirror database (:class:`Mirror`): boards with their history, cursors, journal, documents.

Every system a sync has read or written (named by its adapter URL) is a *board* holding the last
synced state of each item, with its full history: the merge base of the three-way comparison.
:data:`OWN_BOARD` is the mirror's own board, what ``mirror:team.db`` reads and writes as an
adapter. Writes happen inside :meth:`Mirror.transaction`, so one sync step is committed whole
or not at all.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import attrs

from agilemarketing.adapter import BoardDescription, ItemRecord
from agilemarketing.adapter.locking import file_lock
from agilemarketing.errors import MirrorError
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.mirror import removals
from agilemarketing.mirror.boards import (
    compact_journal,
    read_description,
    read_runs,
    record_run,
    save_description,
)
from agilemarketing.mirror.connection import connect
from agilemarketing.mirror.journal import (
    JournalEntry,
    JournalStatus,
    finish_entries,
    plan_entries,
    read_journal,
)
from agilemarketing.mirror.rows import (
    INSERT_ITEM,
    SELECT_ITEMS,
    SELECT_SOME,
    SELECT_TRANSITIONS,
    as_record,
    item_row,
    parse_timestamp,
    row_record,
    timestamp,
)
from agilemarketing.mirror.schema import BEGIN_WRITE, current_version, migrate
from agilemarketing.mirror.sqlerrors import guard_methods, sqlite_errors, translate
from agilemarketing.utc import utcnow

__all__ = ["OWN_BOARD", "Mirror"]

#: The name of the mirror's own board: what ``mirror:path.db`` reads and writes as an adapter.
OWN_BOARD: Final = "mirror"
_KEYS_PER_QUERY: Final = 500  # SQLite allows 32,766 parameters since 3.32; 999 before


@guard_methods("transaction")
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
        self._conn = connect(self.path)
        try:
            with sqlite_errors(self.path):
                migrate(self._conn, where=self._where)
        except BaseException:
            self._conn.close()
            raise

    # --- lifecycle --------------------------------------------------------------------------------

    @classmethod
    def at_version(cls, path: str | Path, version: int) -> None:
        """Create a *new* database at ``path`` with the schema of an older ``version`` only.

        For tests of the upgrade path and for tools that must write an old layout:
        opening the file with :class:`Mirror` afterwards upgrades it.
        """
        conn = connect(str(path))
        try:
            migrate(conn, upto=version, where=f"mirror {path}")
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
        return current_version(self._conn)

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
        with sqlite_errors(self.path):
            self._conn.execute(BEGIN_WRITE)
        self._depth = 1
        try:
            yield
            self._depth = 0
            with sqlite_errors(self.path):
                self._conn.execute("COMMIT")
        except BaseException as exc:
            self._depth = 0
            if self._conn.in_transaction:  # SQLite rolls some failures back by itself
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
            error = translate(exc, self.path) if isinstance(exc, sqlite3.Error) else None
            if error is not None:
                raise error from exc
            raise

    def _require_transaction(self, action: str) -> None:
        if not self._depth:
            raise MirrorError(
                f"{action} must run inside a transaction",
                where=self._where,
                fix="wrap the write in `with mirror.transaction():`",
            )

    # --- documents --------------------------------------------------------------------------------

    def save_document(self, name: str, body: str) -> None:
        """Store the JSON text ``body`` under ``name``, replacing an earlier one.

        Must run inside :meth:`transaction`.
        """
        self._require_transaction("save_document")
        self._conn.execute("DELETE FROM documents WHERE name = ?", (name,))
        self._conn.execute(
            "INSERT INTO documents (name, body, saved_at) VALUES (?, ?, ?)",
            (name, body, timestamp(utcnow())),
        )

    def document(self, name: str) -> str | None:
        """The JSON text stored under ``name`` (None when there is none)."""
        row = self._conn.execute("SELECT body FROM documents WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    # --- boards -----------------------------------------------------------------------------------

    def sources(self) -> list[str]:
        """The names of the boards the mirror holds (adapter URLs, and :data:`OWN_BOARD`)."""
        rows = self._conn.execute("SELECT name FROM sources ORDER BY name")
        return [name for (name,) in rows]

    def boards(self) -> list[str]:
        """The names of the boards the mirror holds: :meth:`sources` under its plainer name.

        A file-backed board is named by its adapter and the file's resolved path
        (``csv:/home/ana/exports/board.csv``, see
        :attr:`agilemarketing.adapter.Adapter.identity`), whatever folder a sync named it from.
        """
        return self.sources()

    def rename_board(self, old: str, new: str) -> bool:
        """Give the board ``old`` the name ``new``: its items, history, cursor, journal and the
        boards that name it as their peer; return False (and change nothing) when there is one
        named ``new`` already, or nothing is named ``old``. A name only the journal or a peer
        still holds (a board that was a target only keeps its base under its target-side name,
        see :mod:`agilemarketing.mirror.bases`) is renamed there. Must run inside
        :meth:`transaction`.

        A sync renames a board stored under the text a user typed by an earlier release
        (``csv:exports/board.csv``) to its identity (the resolved path) the first time it
        syncs it again.
        """
        self._require_transaction("rename_board")
        names = set(self.sources())
        if new in names or old == new:
            return False
        if old not in names:
            peers = self._conn.execute("UPDATE sources SET peer = ? WHERE peer = ?", (new, old))
            entries = self._conn.execute(
                "UPDATE journal SET target = ? WHERE target = ?", (new, old)
            )
            return bool(peers.rowcount or entries.rowcount)
        self._conn.execute(
            "INSERT INTO sources (name, cursor_value, synced_at, peer, revision) "
            "SELECT ?, cursor_value, synced_at, peer, revision FROM sources WHERE name = ?",
            (new, old),
        )
        for table in ("items", "transitions"):  # every column, whatever a migration added
            columns = [
                str(row[1])
                for row in self._conn.execute(f"PRAGMA table_info({table})")
                if row[1] != "source"
            ]
            listed = ", ".join(columns)
            self._conn.execute(
                f"INSERT INTO {table} (source, {listed}) "  # noqa: S608 - names of our own tables
                f"SELECT ?, {listed} FROM {table} WHERE source = ?",
                (new, old),
            )
        self._conn.execute("DELETE FROM transitions WHERE source = ?", (old,))
        self._conn.execute("DELETE FROM items WHERE source = ?", (old,))
        self._conn.execute("DELETE FROM sources WHERE name = ?", (old,))
        self._conn.execute("UPDATE sources SET peer = ? WHERE peer = ?", (new, old))
        self._conn.execute("UPDATE journal SET target = ? WHERE target = ?", (new, old))
        return True

    def lock(self, wait: float = 0.0) -> AbstractContextManager[None]:
        """Hold the mirror file for the block, so no other sync uses it meanwhile: the OS lock
        of ``<file>.lock`` beside it (:func:`agilemarketing.adapter.locking.file_lock`).
        Re-entrant; waits up to ``wait`` seconds for another holder, then raises
        :class:`~agilemarketing.errors.SyncLocked`. A ``":memory:"`` mirror holds nothing."""
        if self.path == ":memory:":
            return contextlib.nullcontext()
        return file_lock(self.path, wait=wait)

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
        return None if row is None else parse_timestamp(row[0])

    def save_board(
        self,
        source: str,
        items: Iterable[ItemHistory | ItemRecord],
        *,
        cursor: str | None = None,
        peer: str | None = None,
        seen_at: datetime | None = None,
        transitions: bool = True,
    ) -> int:
        """Store ``items`` as the last synced state of ``source``; return how many were written.

        Items (histories or full adapter records) replace their earlier state, fields and history
        one for one; items not given are left as they were. Every call that writes items bumps the
        board's revision (what incremental reads of the mirror follow). ``cursor`` and ``peer``,
        when given, are recorded too. ``transitions=False`` stores the items without their
        transitions (a target's merge base: a sync compares its fields and status only). Must
        run inside :meth:`transaction`; the rows are written with ``executemany``.
        """
        self._require_transaction("save_board")
        records = [as_record(item) for item in items]
        self._ensure_source(source)
        if records:
            stamp = timestamp(seen_at or utcnow())
            revision = self.revision(source) + 1
            keys = [(source, r.key) for r in records]
            self._conn.executemany(
                "DELETE FROM transitions WHERE source = ? AND item_key = ?", keys
            )
            self._conn.executemany("DELETE FROM items WHERE source = ? AND item_key = ?", keys)
            self._conn.executemany(
                INSERT_ITEM, [item_row(source, r, stamp, revision) for r in records]
            )
            if transitions:
                self._insert_transitions(source, records)
            self._conn.execute("UPDATE sources SET revision = ? WHERE name = ?", (revision, source))
        if cursor is not None or peer is not None:
            self.set_cursor(source, cursor, peer=peer)
        return len(records)

    def _insert_transitions(self, source: str, records: list[ItemRecord]) -> None:
        self._conn.executemany(
            "INSERT INTO transitions (source, item_key, seq, at, from_status, to_status, "
            "observed) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    source,
                    r.key,
                    seq,
                    timestamp(t.at),
                    t.from_status,
                    t.to_status,
                    int(t.observed),
                )
                for r in records
                for seq, t in enumerate(r.history.transitions)
            ],
        )

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
                (cursor, timestamp(utcnow()), source),
            )
        else:
            self._conn.execute(
                "UPDATE sources SET cursor_value = ?, peer = ?, synced_at = ? WHERE name = ?",
                (cursor, peer, timestamp(utcnow()), source),
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
        self, source: str | None = None, *, since: int | None = None, removed: bool = False
    ) -> Iterator[ItemRecord]:
        """Every item of a board as an adapter record (history plus extra fields), by key.

        ``since`` keeps only items written after that revision (see :meth:`revision`); items
        removed at their source (:meth:`mark_removed`) are left out unless ``removed``.
        """
        name = OWN_BOARD if source is None else source
        after = -1 if since is None else since
        items = self._conn.execute(SELECT_ITEMS, (name, after, int(removed)))
        transitions = self._conn.cursor().execute(
            SELECT_TRANSITIONS, (name, name, after, int(removed))
        )
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
            yield row_record(row, found)

    def board_item(self, source: str, key: str) -> ItemRecord | None:
        """One item of a board (None if the board has no such key)."""
        return self.board_items(source, [key]).get(key)

    def board_items(self, source: str, keys: Iterable[str]) -> dict[str, ItemRecord]:
        """The items of a board among ``keys`` (removed ones left out), by key: one query per
        500 keys, where :meth:`board_item` makes two per key."""
        wanted = sorted(set(keys))
        found: dict[str, ItemRecord] = {}
        for start in range(0, len(wanted), _KEYS_PER_QUERY):
            chunk = wanted[start : start + _KEYS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            some = f"{SELECT_SOME} ({marks}) ORDER BY item_key"  # only ? marks in the text
            rows = self._conn.execute(some, (source, *chunk)).fetchall()
            if not rows:
                continue
            held: dict[str, list[Transition]] = {row[1]: [] for row in rows}
            moves = (
                "SELECT item_key, at, from_status, to_status, observed FROM transitions "  # noqa: S608 - ? marks
                f"WHERE source = ? AND item_key IN ({marks}) ORDER BY item_key, seq"
            )
            for key, at, old, new, obs in self._conn.execute(moves, (source, *chunk)):
                if key in held:
                    held[key].append(Transition(datetime.fromisoformat(at), old, new, bool(obs)))
            found.update((row[1], row_record(row, held[row[1]])) for row in rows)
        return found

    def histories(self, source: str | None = None) -> Iterator[ItemHistory]:
        """Every item of a board with its history, ordered by key.

        ``source=None`` reads the mirror's own board (:data:`OWN_BOARD`, what syncs *into*
        ``mirror:...`` write); pass an adapter URL to read the last synced state of that system
        (the merge base, with the history accrued from its snapshots). The metrics engine reads
        these exactly like histories from a file. An item removed at its source is left out
        (no WIP, ageing or forecast counts it), unless it was finished (``resolved``): its
        finished work stays in throughput.
        """
        gone = self.removed(OWN_BOARD if source is None else source)
        for record in self.records(source, removed=bool(gone)):
            if record.key not in gone or record.history.resolved is not None:
                yield record.history

    # --- removals, key maps, target cursors (see agilemarketing.mirror.removals) ---------------

    def mark_removed(
        self, source: str, keys: Iterable[str], at: datetime | None = None
    ) -> list[str]:
        """Mark items of ``source`` removed (deleted at their source), kept with their history;
        return the keys marked. Must run inside :meth:`transaction`.

        >>> from agilemarketing.history import ItemHistory
        >>> with Mirror(":memory:") as m:
        ...     with m.transaction():
        ...         _ = m.save_board("mirror", [ItemHistory("A-1"), ItemHistory("A-2")])
        ...         _ = m.mark_removed("mirror", ["A-2"])
        ...     sorted(m.board()), sorted(m.removed())
        (['A-1'], ['A-2'])
        """
        self._require_transaction("mark_removed")
        return removals.mark_removed(self._conn, source, keys, at or utcnow())

    def restore(self, source: str, keys: Iterable[str]) -> list[str]:
        """Bring removed items of ``source`` back; return the keys restored. Must run inside
        :meth:`transaction`."""
        self._require_transaction("restore")
        return removals.restore(self._conn, source, keys)

    def removed(self, source: str = OWN_BOARD, *, since: int | None = None) -> dict[str, datetime]:
        """The items of ``source`` removed at their source, with when (``since``: after that
        revision of the board)."""
        return removals.removed_keys(self._conn, source, since=since)

    def key_map(self, tool: str) -> dict[str, str]:
        """For a board whose adapter assigns its own keys: the other side's key -> the tool's."""
        return removals.key_map(self._conn, tool)

    def map_keys(self, tool: str, pairs: Mapping[str, str]) -> int:
        """Record ``other side's key -> tool's key`` pairs for ``tool``. Must run inside
        :meth:`transaction`."""
        self._require_transaction("map_keys")
        return removals.map_keys(self._conn, tool, pairs, utcnow())

    def target_cursor(self, source: str, target: str) -> str | None:
        """Where the next incremental read of ``target`` starts, in the ``source -> target``
        sync (None: read it in full)."""
        return removals.target_cursor(self._conn, source, target)

    def set_target_cursor(self, source: str, target: str, cursor: str | None) -> None:
        """Store the target cursor of a pair (None forgets it). Must run inside
        :meth:`transaction`."""
        self._require_transaction("set_target_cursor")
        removals.set_target_cursor(self._conn, source, target, cursor)

    def sync_state(self, source: str, target: str) -> str | None:
        """What the last clean run of the ``source -> target`` sync left behind (a text the
        sync engine writes and compares, see :mod:`agilemarketing.sync.quiet`), or None."""
        return removals.sync_state(self._conn, source, target)

    def set_sync_state(self, source: str, target: str, state: str | None) -> None:
        """Store the state a clean run of a pair left behind (None forgets it). Must run
        inside :meth:`transaction`."""
        self._require_transaction("set_sync_state")
        removals.set_sync_state(self._conn, source, target, state, utcnow())

    def planned_count(self, target: str) -> int:
        """How many of ``target``'s journal entries an interrupted run left *planned*."""
        row = self._conn.execute(
            "SELECT COUNT(*) FROM journal WHERE target = ? AND status = 'planned'", (target,)
        ).fetchone()
        return int(row[0])

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
        row = self._conn.execute(
            "SELECT COUNT(*) FROM items WHERE source = ? AND removed_at IS NULL", (name,)
        )
        return int(row.fetchone()[0])

    # --- journal ----------------------------------------------------------------------------------

    def record_planned(self, target: str, entries: Iterable[JournalEntry]) -> int:
        """Journal changes as *planned*, before they are sent; return how many rows are new.

        A change journalled before keeps its row: a failed one (being retried) is set back to
        planned, an applied or planned one is left as it is. Must run inside
        :meth:`transaction`.
        """
        self._require_transaction("record_planned")
        return plan_entries(self._conn, target, entries)

    def record_results(
        self,
        target: str,
        results: Iterable[tuple[str, JournalStatus, Mapping[str, Any] | None]],
    ) -> None:
        """Mark journalled changes applied or failed: ``(change_id, status, result)`` triples."""
        self._require_transaction("record_results")
        finish_entries(self._conn, target, results)

    def journal(
        self, target: str | None = None, *, status: JournalStatus | str | None = None
    ) -> list[JournalEntry]:
        """Journal entries, oldest first, optionally only for one target and/or status."""
        return read_journal(self._conn, target, status=status)

    # --- board descriptions and runs (what each board says of itself; the runs that wrote) ------

    def save_description(
        self, source: str, description: BoardDescription, *, read_at: datetime | None = None
    ) -> bool:
        """Store what ``source`` says about itself (:meth:`Adapter.board`), replacing the
        description stored before; False when it is unchanged (nothing is written). Must run
        inside :meth:`transaction`."""
        self._require_transaction("save_description")
        return save_description(self._conn, source, description, read_at or utcnow())

    def description(self, source: str = OWN_BOARD) -> BoardDescription | None:
        """The description stored for a board (None when none was stored)."""
        return read_description(self._conn, source, self._where)

    def record_run(
        self,
        target: str,
        started_at: datetime,
        summary: Mapping[str, Any],
        *,
        finished_at: datetime | None = None,
    ) -> None:
        """Note a sync run that wrote to ``target`` (what the journal's bounds count). Must run
        inside :meth:`transaction`."""
        self._require_transaction("record_run")
        record_run(self._conn, target, started_at, finished_at or utcnow(), summary)

    def runs(self, target: str) -> list[dict[str, Any]]:
        """The sync runs recorded for ``target``, newest first."""
        return read_runs(self._conn, target)

    def compact_journal(
        self, target: str, *, keep_runs: int, keep_days: float, now: datetime | None = None
    ) -> int:
        """Drop ``target``'s applied journal entries older than both the last ``keep_runs``
        runs and ``keep_days`` days; return how many. Planned and failed entries stay. Must
        run inside :meth:`transaction`."""
        self._require_transaction("compact_journal")
        return compact_journal(
            self._conn, target, keep_runs=keep_runs, keep_days=keep_days, now=now or utcnow()
        )
