"""Mirror and sync throughput: bulk writes, history reads, and syncs from a CSV file.

Usage: ``python benchmarks/bench_sync.py [--quick]`` (``--quick``: small sizes only; ``--sizes
10000,30000`` to choose). Prints absolute times and ratios against baselines measured in the
same run:

* a sync from a history CSV (the ``csv`` adapter, a file this script writes into a temporary
  folder) into a mirror at 10,000 and 30,000 items: the first sync, a re-sync with nothing
  changed, and a re-sync after 1% of the items changed in the file, each against a plain
  ``executemany`` of the same rows (items and transitions) into an empty SQLite file of the
  mirror's schema, one transaction; and the least any sync must cost (``least_possible``:
  the bare ``csv`` parse into the library's objects, and one copy of their rows); and, as a
  second baseline, the file's own rows parsed and loaded as they are (``csv_import``);

* mirror bulk write (``save_board``: executemany, one transaction) vs. the same statements with
  one ``execute`` per row in one transaction (what executemany saves), and vs. the naive way
  (one INSERT and one COMMIT per row: bound by the disk's fsync, so that ratio varies with the
  machine's load);
* ``Mirror.histories()`` vs. the raw ``SELECT`` of the same rows (the cost of building values);
* a first sync (memory -> mirror: read, plan, journal, apply, merge base, history) and a re-run
  with nothing to do, both against the bulk write of the same items.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import attrs
from agilemarketing_csv import CsvAdapter
from agilemarketing_csv.history import write_history_csv

from agilemarketing.adapter import ItemRecord
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.mirror import OWN_BOARD, Mirror, MirrorAdapter
from agilemarketing.mirror.rows import INSERT_ITEM, item_row, timestamp
from agilemarketing.sync import SyncConfig, apply, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def per_row_in_one_transaction(path: Path, histories: list[ItemHistory]) -> float:
    """What save_board does (same rows, same deletes, one transaction), one execute() per row."""
    Mirror(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO sources (name) VALUES ('rows')")

    def run() -> None:
        stamp = timestamp(datetime.now(UTC))
        conn.execute("BEGIN IMMEDIATE")
        for h in histories:
            conn.execute("DELETE FROM transitions WHERE source = 'rows' AND item_key = ?", (h.key,))
            conn.execute("DELETE FROM items WHERE source = 'rows' AND item_key = ?", (h.key,))
        for h in histories:
            conn.execute(INSERT_ITEM, item_row("rows", ItemRecord(h), stamp, 1))
            for seq, t in enumerate(h.transitions):
                conn.execute(
                    "INSERT INTO transitions VALUES ('rows', ?, ?, ?, ?, ?, ?)",
                    (h.key, seq, timestamp(t.at), t.from_status, t.to_status, int(t.observed)),
                )
        conn.execute("COMMIT")

    seconds = timed(run)
    conn.close()
    return seconds


def naive_write(path: Path, n: int) -> float:
    histories = sample_histories(n)
    Mirror(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("INSERT INTO sources (name) VALUES ('naive')")

    def run() -> None:
        for h in histories:
            conn.execute("BEGIN")
            conn.execute(
                "INSERT INTO items (source, item_key, summary, item_type, status, labels, "
                "sprints, blocked, seen_at) VALUES ('naive', ?, ?, ?, ?, '[]', '[]', '[]', "
                "'2026-01-01T00:00:00.000000+00:00')",
                (h.key, h.summary, h.type, h.status),
            )
            conn.execute("COMMIT")
            for seq, t in enumerate(h.transitions):
                conn.execute("BEGIN")
                conn.execute(
                    "INSERT INTO transitions VALUES ('naive', ?, ?, ?, ?, ?, 0)",
                    (h.key, seq, t.at.isoformat(), t.from_status, t.to_status),
                )
                conn.execute("COMMIT")

    seconds = timed(run)
    conn.close()
    return seconds


def executemany_baseline(path: Path, histories: list[ItemHistory]) -> float:
    """The baseline of a sync from CSV: the same rows (items and transitions), built before the
    clock starts, written with one ``executemany`` per table in one transaction into an empty
    file of the mirror's schema."""
    Mirror(path).close()
    stamp = timestamp(datetime.now(UTC))
    items = [item_row("rows", ItemRecord(h), stamp, 1) for h in histories]
    transitions = [
        ("rows", h.key, seq, timestamp(t.at), t.from_status, t.to_status, int(t.observed))
        for h in histories
        for seq, t in enumerate(h.transitions)
    ]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO sources (name) VALUES ('rows')")

    def run() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT_ITEM, items)
        conn.executemany("INSERT INTO transitions VALUES (?, ?, ?, ?, ?, ?, ?)", transitions)
        conn.execute("COMMIT")

    seconds = timed(run)
    conn.close()
    return seconds


def least_possible(path: Path, board: Path) -> float:
    """What any sync from the CSV into the library's objects must cost at the least: the
    ``csv`` module's parse (no checks, no error reporting), one ``ItemRecord`` per item and
    a ``Transition`` per move, and one copy of their rows written as the baseline writes
    them (no merge base, no journal). The floor under the 3x target."""
    Mirror(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO sources (name) VALUES ('rows')")

    def run() -> None:
        seen: dict[str, tuple[list[str], list[Transition]]] = {}
        with board.open(newline="", encoding="utf-8") as stream:
            rows = csv.reader(stream)
            names = next(rows)
            at = {name: names.index(name) for name in ("at", "from", "to", "observed")}
            for row in rows:
                item = seen.setdefault(row[0], (row, []))
                if row[at["at"]]:
                    item[1].append(
                        Transition(
                            datetime.fromisoformat(row[at["at"]]),
                            row[at["from"]] or None,
                            row[at["to"]],
                            row[at["observed"]] == "true",
                        )
                    )
        records = [
            ItemRecord(
                ItemHistory(
                    key,
                    summary=row[1],
                    type=row[2],
                    status=row[3],
                    created=datetime.fromisoformat(row[4]) if row[4] else None,
                    points=float(row[6]) if row[6] else None,
                    rank=row[7] or None,
                    transitions=moves,
                )
            )
            for key, (row, moves) in seen.items()
        ]
        stamp = timestamp(datetime.now(UTC))
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT_ITEM, [item_row("rows", r, stamp, 1) for r in records])
        conn.executemany(
            "INSERT INTO transitions VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                ("rows", r.key, seq, timestamp(t.at), t.from_status, t.to_status, int(t.observed))
                for r in records
                for seq, t in enumerate(r.history.transitions)
            ],
        )
        conn.execute("COMMIT")

    seconds = timed(run)
    conn.close()
    return seconds


def csv_import(path: Path, board: Path) -> float:
    """A second baseline, for comparison: the file's own rows loaded as they are (the ``csv``
    module's parse, one ``executemany`` of every row into a table of text columns, one
    transaction), the way a spreadsheet import into SQLite would load it. It includes the
    parse the executemany baseline leaves out, and none of the library's model."""
    conn = sqlite3.connect(path, isolation_level=None)
    with board.open(newline="", encoding="utf-8") as stream:
        width = len(next(csv.reader(stream)))
    columns = ", ".join(f"c{i} TEXT" for i in range(width))
    conn.execute(f"CREATE TABLE board_rows ({columns})")
    insert = f"INSERT INTO board_rows VALUES ({', '.join('?' * width)})"

    def run() -> None:
        with board.open(newline="", encoding="utf-8") as stream:
            rows = csv.reader(stream)
            next(rows)
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(insert, rows)
            conn.execute("COMMIT")

    seconds = timed(run)
    conn.close()
    return seconds


def edited(histories: list[ItemHistory], every: int = 100) -> list[ItemHistory]:
    """``histories`` with one item in ``every`` changed: a new summary and one more point."""
    return [
        attrs.evolve(h, summary=f"{h.summary} (edited)", points=(h.points or 0) + 1)
        if i % every == 0
        else h
        for i, h in enumerate(histories)
    ]


def csv_syncs(folder: Path, n: int) -> None:
    """First sync, unchanged re-sync and 1% change re-sync from a history CSV into a mirror,
    each against the executemany baseline of the same rows."""
    histories = sample_histories(n)
    transitions = sum(len(h.transitions) for h in histories)
    base = executemany_baseline(folder / f"rows-{n}.db", histories)
    board = folder / f"board-{n}.csv"
    write_history_csv(board, histories)
    source = CsvAdapter(str(board))
    size = board.stat().st_size / 1e6
    print(f"\n{n:,} items from CSV ({transitions:,} transitions, {size:.1f} MB)")
    print(f"  executemany baseline  {base:8.3f} s")
    floor = least_possible(folder / f"floor-{n}.db", board)
    print(f"  least possible        {floor:8.3f} s   x{floor / base:6.1f} baseline   (see above)")
    loaded = csv_import(folder / f"import-{n}.db", board)
    print(f"  csv import (2nd base) {loaded:8.3f} s   x{loaded / base:6.1f} baseline   (see above)")
    with Mirror(folder / f"team-{n}.db") as team:
        target = MirrorAdapter.of(team)

        def sync() -> str:
            the_plan = plan(source, target, team)
            apply(the_plan)
            counts = the_plan.counts
            return ", ".join(f"{v} {k}" for k, v in counts.items() if v)

        for label, before in (
            ("first sync", None),
            ("unchanged re-sync", None),
            ("1% changed re-sync", lambda: write_history_csv(board, edited(histories))),
        ):
            if before is not None:
                before()  # not timed: the file is edited between syncs
            start = time.perf_counter()
            counts = sync()
            seconds = time.perf_counter() - start
            print(
                f"  {label:20}  {seconds:8.3f} s   x{seconds / base:6.1f} baseline   "
                f"x{seconds / loaded:5.1f} csv import   {counts}"
            )


def mirror_measurements(folder: Path, n: int, naive_n: int) -> None:
    """The mirror's own costs: bulk write vs. row by row, histories() vs. a raw SELECT, and a
    first sync and re-run from memory."""
    histories = sample_histories(n)
    transitions = sum(len(h.transitions) for h in histories)
    print(f"mirror: {n:,} items ({transitions:,} transitions)")
    naive = naive_write(folder / "naive.db", naive_n) * n / naive_n
    with Mirror(folder / "bulk.db") as mirror:

        def bulk() -> None:
            with mirror.transaction():
                mirror.save_board(OWN_BOARD, histories)

        bulk_s = timed(bulk)
        rows_s = per_row_in_one_transaction(folder / "rows.db", histories)
        print(
            f"mirror bulk write      {bulk_s * 1e3:9.1f} ms   "
            f"one execute per row, one transaction {rows_s * 1e3:9.1f} ms   "
            f"ratio x{rows_s / bulk_s:.2f}"
        )
        print(
            f"mirror bulk write      {bulk_s * 1e3:9.1f} ms   "
            f"naive row-by-row (extrapolated from {naive_n:,}) {naive * 1e3:9.1f} ms   "
            f"speed-up x{naive / bulk_s:.1f}"
        )

        read_s = timed(lambda: sum(1 for _ in mirror.histories()))
        raw = sqlite3.connect(folder / "bulk.db")
        raw_s = timed(
            lambda: (
                raw.execute("SELECT * FROM items WHERE source = 'mirror'").fetchall(),
                raw.execute("SELECT * FROM transitions WHERE source = 'mirror'").fetchall(),
            )
        )
        raw.close()
        print(
            f"Mirror.histories()     {read_s * 1e3:9.1f} ms   raw SELECT {raw_s * 1e3:9.1f} ms"
            f"   ratio x{read_s / raw_s:.1f}   ({n / read_s:,.0f} items/s)"
        )

    source = InMemoryAdapter("bench")
    source.seed(histories)
    with Mirror(folder / "team.db") as team:
        target = MirrorAdapter.of(team)
        config = SyncConfig(batch_size=500)
        first = timed(lambda: apply(plan(source, target, team, config=config)))
        again = timed(lambda: apply(plan(source, target, team, config=config)))
        print(
            f"first sync (memory -> mirror) {first * 1e3:9.1f} ms   "
            f"x{first / bulk_s:.1f} the bulk write   ({n / first:,.0f} items/s)"
        )
        print(
            f"re-run, nothing to do         {again * 1e3:9.1f} ms   "
            f"x{again / bulk_s:.1f} the bulk write   journal rows: {len(team.journal()):,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--sizes", help="item counts of the CSV syncs, comma-separated")
    args = parser.parse_args()
    n = 1_000 if args.quick else 10_000
    naive_n = 200 if args.quick else 500
    default = "1000,3000" if args.quick else "10000,30000"
    sizes = [int(size) for size in (args.sizes or default).split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        mirror_measurements(folder, n, naive_n)
        for size in sizes:
            csv_syncs(folder, size)


if __name__ == "__main__":
    main()
