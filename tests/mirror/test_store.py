"""The mirror database: boards with their history, cursors, transactions, WAL, concurrency."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import MirrorError
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.mirror import OWN_BOARD, Mirror, MirrorAdapter

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_an_item_with_every_field_and_its_history_round_trips(
    mirror: Mirror, full_history: ItemHistory
) -> None:
    item = full_history
    with mirror.transaction():
        mirror.save_board("csv:export.csv", [item])
    assert list(mirror.histories("csv:export.csv")) == [item]


def test_histories_without_a_source_read_the_mirrors_own_board(
    mirror: Mirror, history: Callable[..., ItemHistory]
) -> None:
    with mirror.transaction():
        mirror.save_board(OWN_BOARD, [history("A-1")])
        mirror.save_board("csv:x.csv", [history("X-1")])
    assert [h.key for h in mirror.histories()] == ["A-1"]
    assert [h.key for h in mirror.histories("csv:x.csv")] == ["X-1"]
    assert mirror.sources() == ["csv:x.csv", OWN_BOARD]


def test_saving_an_item_again_replaces_its_fields_and_history(
    mirror: Mirror, history: Callable[..., ItemHistory], full_history: ItemHistory
) -> None:
    with mirror.transaction():
        mirror.save_board("s", [full_history])
    changed = history("MKT-1", "Review", transitions=[Transition(T0, None, "Review")])
    with mirror.transaction():
        mirror.save_board("s", [changed, history("MKT-2")])
    board = {key: record.history for key, record in mirror.board("s").items()}
    assert board == {"MKT-1": changed, "MKT-2": history("MKT-2")}


def test_a_failed_transaction_leaves_the_mirror_as_it_was(
    mirror: Mirror, history: Callable[..., ItemHistory]
) -> None:
    with mirror.transaction():
        mirror.save_board("s", [history("A-1")], cursor="1")

    def crashing_step() -> None:
        with mirror.transaction():
            mirror.save_board("s", [history("A-1", "Done"), history("A-2")], cursor="2")
            raise RuntimeError("crash in the middle of a sync step")

    with pytest.raises(RuntimeError):
        crashing_step()
    assert list(mirror.histories("s")) == [history("A-1")]
    assert mirror.cursor("s") == "1"


def test_writes_outside_a_transaction_are_refused(
    mirror: Mirror, history: Callable[..., ItemHistory]
) -> None:
    with pytest.raises(MirrorError, match="inside a transaction"):
        mirror.save_board("s", [history("A-1")])


def test_cursor_and_peer_are_remembered_per_source(mirror: Mirror) -> None:
    with mirror.transaction():
        mirror.set_cursor("memory:a", "42", peer="mirror:team.db")
        mirror.set_cursor("memory:b", None)
    assert mirror.cursor("memory:a") == "42"
    assert mirror.peer("memory:a") == "mirror:team.db"
    assert mirror.cursor("memory:b") is None
    assert mirror.cursor("never-seen") is None
    assert mirror.synced_at("memory:a") is not None


def test_the_database_runs_in_wal_mode_with_foreign_keys(
    mirror: Mirror, tmp_path: Path, full_history: ItemHistory
) -> None:
    assert mirror.journal_mode == "wal"
    with sqlite3.connect(tmp_path / "team.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with mirror.transaction():
        mirror.save_board("s", [full_history])
    # transitions cannot point at an item that does not exist
    with pytest.raises(sqlite3.IntegrityError), mirror.transaction():
        mirror._conn.execute(
            "INSERT INTO transitions VALUES ('s', 'NOPE', 0, '2026', NULL, 'x', 0)"
        )


statuses = st.sampled_from(["To Do", "Doing", "Review", "Done"])


times = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


texts = st.text(max_size=20)


histories_st = st.builds(
    ItemHistory,
    key=st.text(min_size=1, max_size=12),
    summary=texts,
    type=texts,
    status=statuses,
    created=st.none() | times,
    points=st.none() | st.floats(0, 100, allow_nan=False),
    labels=st.lists(texts, max_size=3),
    rank=st.none() | texts,
    transitions=st.lists(
        st.builds(Transition, times, st.none() | statuses, statuses, st.booleans()), max_size=5
    ),
    blocked=st.lists(st.builds(BlockedPeriod, times, st.none() | times), max_size=2),
)


@given(st.lists(histories_st, max_size=8, unique_by=lambda h: h.key))
def test_any_board_reads_back_exactly_as_saved_in_key_order(items: list[ItemHistory]) -> None:
    with Mirror(":memory:") as m:
        with m.transaction():
            m.save_board("s", items)
        assert list(m.histories("s")) == sorted(items, key=lambda h: h.key)
        assert m.count("s") == len(items)


def test_opening_a_missing_mirror_for_reading_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MirrorError, match="no mirror database"):
        Mirror(tmp_path / "typo.db", create=False)
    with pytest.raises(MirrorError, match="no mirror database"):
        MirrorAdapter.from_url(f"mirror:{tmp_path / 'typo.db'}", {"create": "no"})
    assert not (tmp_path / "typo.db").exists()


def test_two_writers_on_one_file_queue_instead_of_failing(
    tmp_path: Path, history: Callable[..., ItemHistory]
) -> None:
    import threading

    path = tmp_path / "shared.db"
    Mirror(path).close()
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            with Mirror(path) as m:
                for i in range(20):
                    with m.transaction():
                        before = m.count("s")
                        m.save_board("s", [history(f"{prefix}-{i}")])
                        assert m.count("s") == before + 1
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with Mirror(path) as m:
        assert m.count("s") == 40
