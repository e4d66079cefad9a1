"""The mirror database: boards with history, cursors, the journal, schema upgrades, WAL."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import Adapter, ChangeStatus, CreateItem, Rerank
from agilemarketing.errors import MirrorError
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.mirror import (
    OWN_BOARD,
    SCHEMA_VERSION,
    JournalEntry,
    JournalStatus,
    Mirror,
    MirrorAdapter,
    schema,
)
from agilemarketing.testing import AdapterContract, AdapterFactory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def history(key: str, status: str = "To Do", **kw: object) -> ItemHistory:
    return ItemHistory(key=key, summary=f"item {key}", status=status, **kw)  # type: ignore[arg-type]


def full_history() -> ItemHistory:
    return ItemHistory(
        key="MKT-1",
        summary="Spring webinar — landing page",
        type="Campaign",
        status="Done",
        created=T0,
        resolved=T0 + timedelta(days=4),
        points=5.0,
        labels=["webinar", "q2"],
        sprints=["Cycle 7"],
        rank="0|hzzzzz:",
        blocked=[BlockedPeriod(T0 + timedelta(days=1), T0 + timedelta(days=2))],
        transitions=[
            Transition(T0, None, "To Do"),
            Transition(T0 + timedelta(days=1), "To Do", "In Progress"),
            Transition(T0 + timedelta(days=4), "In Progress", "Done", observed=True),
        ],
    )


@pytest.fixture
def mirror(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Mirror(tmp_path / "team.db") as m:
        yield m


def test_an_item_with_every_field_and_its_history_round_trips(mirror: Mirror) -> None:
    item = full_history()
    with mirror.transaction():
        mirror.save_board("csv:export.csv", [item])
    assert list(mirror.histories("csv:export.csv")) == [item]


def test_histories_without_a_source_read_the_mirrors_own_board(mirror: Mirror) -> None:
    with mirror.transaction():
        mirror.save_board(OWN_BOARD, [history("A-1")])
        mirror.save_board("csv:x.csv", [history("X-1")])
    assert [h.key for h in mirror.histories()] == ["A-1"]
    assert [h.key for h in mirror.histories("csv:x.csv")] == ["X-1"]
    assert mirror.sources() == ["csv:x.csv", OWN_BOARD]


def test_saving_an_item_again_replaces_its_fields_and_history(mirror: Mirror) -> None:
    with mirror.transaction():
        mirror.save_board("s", [full_history()])
    changed = history("MKT-1", "Review", transitions=[Transition(T0, None, "Review")])
    with mirror.transaction():
        mirror.save_board("s", [changed, history("MKT-2")])
    board = {key: record.history for key, record in mirror.board("s").items()}
    assert board == {"MKT-1": changed, "MKT-2": history("MKT-2")}


def test_a_failed_transaction_leaves_the_mirror_as_it_was(mirror: Mirror) -> None:
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


def test_writes_outside_a_transaction_are_refused(mirror: Mirror) -> None:
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


def test_the_database_runs_in_wal_mode_with_foreign_keys(mirror: Mirror, tmp_path: Path) -> None:
    assert mirror.journal_mode == "wal"
    with sqlite3.connect(tmp_path / "team.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with mirror.transaction():
        mirror.save_board("s", [full_history()])
    # transitions cannot point at an item that does not exist
    with pytest.raises(sqlite3.IntegrityError), mirror.transaction():
        mirror._conn.execute(
            "INSERT INTO transitions VALUES ('s', 'NOPE', 0, '2026', NULL, 'x', 0)"
        )


def test_a_new_database_has_the_current_schema_version(mirror: Mirror, tmp_path: Path) -> None:
    assert mirror.schema_version == SCHEMA_VERSION
    with sqlite3.connect(tmp_path / "team.db") as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_version_1_database_is_upgraded_in_place_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Mirror.at_version(path, 1)
    with sqlite3.connect(path) as raw:  # what an early release wrote
        raw.execute("INSERT INTO sources (name, cursor_value) VALUES ('csv:a.csv', 'c1')")
        raw.execute(
            "INSERT INTO items VALUES ('csv:a.csv', 'A-1', 'old item', '', 'Doing', NULL, NULL, "
            "3.0, '[]', '[]', NULL, '[]', '2026-03-02T09:00:00.000000+00:00')"
        )
        raw.execute(
            "INSERT INTO transitions VALUES "
            "('csv:a.csv', 'A-1', 0, '2026-03-02T09:00:00.000000+00:00', NULL, 'Doing', 1)"
        )
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
        assert "journal" not in tables
    with Mirror(path) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION
        assert upgraded.cursor("csv:a.csv") == "c1"
        assert upgraded.peer("csv:a.csv") is None  # the column v2 added
        (item,) = upgraded.histories("csv:a.csv")
        assert item.points == 3.0
        assert item.transitions == (Transition(T0, None, "Doing", observed=True),)
        assert upgraded.journal() == []  # the table v2 added
    with sqlite3.connect(path) as raw:
        versions = [r[0] for r in raw.execute("SELECT version FROM schema_version ORDER BY 1")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_two_processes_opening_a_new_file_at_once_both_get_the_schema_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "race.db"
    real = schema.current_version
    raced: list[bool] = []

    def version_then_another_process_migrates(conn: sqlite3.Connection) -> int:
        version = real(conn)
        if not raced:  # the other process migrates between this read and the write lock
            raced.append(True)
            Mirror(path).close()
        return version

    monkeypatch.setattr(schema, "current_version", version_then_another_process_migrates)
    with Mirror(path) as second:
        assert second.schema_version == SCHEMA_VERSION
    assert raced
    with sqlite3.connect(path) as raw:
        versions = [r[0] for r in raw.execute("SELECT version FROM schema_version ORDER BY 1")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_a_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Mirror(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_version VALUES (99, '2030-01-01')")
    with pytest.raises(MirrorError, match="newer than this agilemarketing"):
        Mirror(path)


def test_a_file_that_is_not_a_database_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(MirrorError, match=r"notes\.db") as info:
        Mirror(path)
    assert info.value.fix


def entry(change_id: str, key: str = "A-1") -> JournalEntry:
    return JournalEntry(
        target="memory:b",
        change_id=change_id,
        kind="update",
        item_key=key,
        payload={"summary": "new"},
        status=JournalStatus.PLANNED,
        planned_at=T0,
    )


def test_the_journal_records_planned_then_applied_changes(mirror: Mirror) -> None:
    with mirror.transaction():
        assert mirror.record_planned("memory:b", [entry("c1"), entry("c2", "A-2")]) == 2
    assert [e.status for e in mirror.journal("memory:b")] == ["planned", "planned"]
    with mirror.transaction():
        mirror.record_results(
            "memory:b",
            [("c1", JournalStatus.APPLIED, {"ok": True}), ("c2", JournalStatus.FAILED, None)],
        )
    applied = mirror.journal("memory:b", status="applied")
    assert [(e.change_id, e.result) for e in applied] == [("c1", {"ok": True})]
    assert applied[0].finished_at is not None
    assert [e.change_id for e in mirror.journal(status=JournalStatus.FAILED)] == ["c2"]


def test_planning_a_change_twice_keeps_one_journal_row(mirror: Mirror) -> None:
    with mirror.transaction():
        mirror.record_planned("memory:b", [entry("c1")])
    with mirror.transaction():
        assert mirror.record_planned("memory:b", [entry("c1"), entry("c3")]) == 1
    assert [e.change_id for e in mirror.journal()] == ["c1", "c3"]


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


# --- the mirror as an adapter -----------------------------------------------------------------


class TestMirrorAdapterContract(AdapterContract):
    @pytest.fixture
    def make_adapter(self) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            adapter = MirrorAdapter(":memory:")
            with adapter.mirror.transaction():
                adapter.mirror.save_board(OWN_BOARD, histories)
            return adapter

        return make


def test_the_mirror_adapter_is_built_from_a_mirror_url(tmp_path: Path) -> None:
    path = tmp_path / "state" / "team.db"
    with MirrorAdapter.from_url(f"mirror:{path}") as adapter:
        assert adapter.name == "mirror"
        adapter.write([CreateItem("MKT-1", "Webinar", status="To Do")])
    with Mirror(path) as reopened:
        assert [h.key for h in reopened.histories()] == ["MKT-1"]


def test_a_mirror_url_without_a_file_is_refused() -> None:
    with pytest.raises(MirrorError, match=r"mirror:team\.db"):
        MirrorAdapter("")


def test_an_adapter_over_an_open_mirror_leaves_it_open(mirror: Mirror) -> None:
    with MirrorAdapter.of(mirror) as adapter:
        adapter.apply(CreateItem("MKT-1", "Webinar", status="To Do"))
    assert mirror.count() == 1


def test_reranking_next_to_items_with_foreign_ranks_renumbers_the_board(mirror: Mirror) -> None:
    with mirror.transaction():
        mirror.save_board(
            OWN_BOARD,
            [
                history("A", rank="0|hzzzzz:"),
                history("B", rank="0|i00007:"),
                history("C", rank="0|i0000f:"),
            ],
        )
    adapter = MirrorAdapter.of(mirror)
    result = adapter.apply(Rerank("C", before="A"))
    assert result.status is ChangeStatus.APPLIED, result.error
    assert [r.key for r in adapter.read()] == ["C", "A", "B"]


def test_a_write_batch_is_one_transaction(mirror: Mirror) -> None:
    adapter = MirrorAdapter.of(mirror)
    before = mirror.revision()
    adapter.write([CreateItem(f"MKT-{i}", f"item {i}", status="To Do") for i in range(5)])
    assert mirror.count() == 5
    assert mirror.revision() == before + 1  # one bulk write, one commit, one new revision


def test_items_created_one_after_another_keep_short_ranks_in_creation_order(
    mirror: Mirror,
) -> None:
    adapter = MirrorAdapter.of(mirror)
    keys = [f"MKT-{i:04d}" for i in range(1500)]
    adapter.write([CreateItem(key, key, status="To Do") for key in reversed(keys)])
    records = list(adapter.read())
    assert [r.key for r in records] == list(reversed(keys))
    assert max(len(r.history.rank or "") for r in records) <= 6


@given(st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9))
def test_a_rank_appended_after_any_rank_sorts_after_it_and_is_valid(last: str) -> None:
    from agilemarketing.adapter import is_rank
    from agilemarketing.mirror.adapter import rank_after

    last = last.rstrip("0") or "1"
    after = rank_after(last)
    assert after > last
    assert is_rank(after)


def test_opening_a_missing_mirror_for_reading_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MirrorError, match="no mirror database"):
        Mirror(tmp_path / "typo.db", create=False)
    with pytest.raises(MirrorError, match="no mirror database"):
        MirrorAdapter.from_url(f"mirror:{tmp_path / 'typo.db'}", {"create": "no"})
    assert not (tmp_path / "typo.db").exists()


def test_two_writers_on_one_file_queue_instead_of_failing(tmp_path: Path) -> None:
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


def test_a_failed_change_planned_again_is_planned_before_it_is_retried(mirror: Mirror) -> None:
    with mirror.transaction():
        mirror.record_planned("memory:b", [entry("c1")])
        mirror.record_results("memory:b", [("c1", JournalStatus.FAILED, {"error": "locked"})])
    with mirror.transaction():
        assert mirror.record_planned("memory:b", [entry("c1")]) == 0
    (row,) = mirror.journal("memory:b")
    assert (row.status, row.result, row.finished_at) == (JournalStatus.PLANNED, None, None)


def test_journalling_many_changes_at_once_works_past_the_parameter_limit(mirror: Mirror) -> None:
    entries = [entry(f"c{i}", f"K-{i}") for i in range(1200)]
    with mirror.transaction():
        assert mirror.record_planned("memory:b", entries) == 1200
    with mirror.transaction():
        assert mirror.record_planned("memory:b", entries) == 0
    assert len(mirror.journal("memory:b", status="planned")) == 1200
