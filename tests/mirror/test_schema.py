"""The mirror's schema: versioned, upgraded in place, refused when newer or not a database."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agilemarketing.errors import MirrorError
from agilemarketing.history import Transition
from agilemarketing.mirror import SCHEMA_VERSION, TARGET_SIDE, Mirror, schema, target_base

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


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


def test_version_6_keeps_a_boards_base_as_a_target_apart_from_its_base_as_a_source(
    tmp_path: Path,
) -> None:
    """Before v6 a board had one base for every role; the upgrade gives each target side its
    own (a board that was a target and a source keeps both; a target only moves)."""
    path = tmp_path / "v5.db"
    Mirror.at_version(path, 5)
    row = "'{board}', '{key}', 'old {board}', '', 'Doing', NULL, NULL, NULL, '[]', '[]', NULL, "
    row += "'[]', '2026-03-02T09:00:00.000000+00:00', '{{}}', '[]', NULL, NULL, 1"
    with sqlite3.connect(path) as raw:  # memory:team -> mirror:m.db -> memory:export
        raw.executemany(
            "INSERT INTO sources (name, cursor_value, peer, revision) VALUES (?, ?, ?, 1)",
            [
                ("memory:team", "c1", "mirror:m.db"),
                ("mirror:m.db", "rev:1", "memory:export"),
                ("memory:export", None, None),
                ("csv:half.csv", None, None),  # a first sync into it stopped: in the journal
            ],
        )
        raw.execute(
            "INSERT INTO journal VALUES ('csv:half.csv', 'c0', 'create', 'A-1', '{}', 'planned', "
            "NULL, '2026-03-02T09:00:00.000000+00:00', NULL)"
        )
        for board in ("memory:team", "mirror:m.db", "memory:export", "csv:half.csv"):
            raw.execute(f"INSERT INTO items VALUES ({row.format(board=board, key='A-1')})")
            raw.execute(
                f"INSERT INTO transitions VALUES ('{board}', 'A-1', 0, "
                "'2026-03-02T09:00:00.000000+00:00', NULL, 'Doing', 1)"
            )
    with Mirror(path) as upgraded:
        assert set(upgraded.sources()) == {
            "memory:team",
            "mirror:m.db",
            target_base("mirror:m.db"),
            target_base("memory:export"),
            target_base("csv:half.csv"),
        }
        for board in ("mirror:m.db", "memory:export", "csv:half.csv"):
            (item,) = upgraded.histories(target_base(board))
            assert item.summary == f"old {board}"
            assert item.transitions == (Transition(T0, None, "Doing", observed=True),)
        assert [h.summary for h in upgraded.histories("mirror:m.db")] == ["old mirror:m.db"]
        assert upgraded.cursor("mirror:m.db") == "rev:1"
        assert upgraded.peer("mirror:m.db") == "memory:export"
        assert upgraded.cursor(target_base("mirror:m.db")) is None
    assert all(TARGET_SIDE in statement for statement in schema.MIGRATIONS[5][:3])


def test_version_7_keeps_board_descriptions_and_runs(tmp_path: Path) -> None:
    """Issue 11: a v6 mirror is upgraded with the board_descriptions and sync_runs tables,
    its boards untouched."""
    from agilemarketing.adapter import BoardDescription, BoardStage

    path = tmp_path / "old.db"
    Mirror.at_version(path, 6)
    with Mirror(path) as upgraded:
        assert upgraded.schema_version >= 7
        assert upgraded.description("memory:team") is None
        board = BoardDescription([BoardStage("To Do"), BoardStage("Done")])
        with upgraded.transaction():
            upgraded.save_description("memory:team", board)
        assert upgraded.description("memory:team") == board
