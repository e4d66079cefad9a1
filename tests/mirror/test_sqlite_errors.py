"""SQLite's own errors never reach a user: the mirror says which file and what to do.

The read-only and disk-full states are made with SQLite's own switches (``query_only``,
``max_page_count``), so these run the same as root (who may write a ``chmod 400`` file) and on
any disk.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from agilemarketing.cli import main as cli
from agilemarketing.errors import MirrorDiskError, MirrorReadOnly
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import OWN_BOARD, Mirror
from agilemarketing.mirror import connection as mirror_connection


def items(n: int, prefix: str = "MKT") -> list[ItemHistory]:
    return [ItemHistory(f"{prefix}-{i}", summary="x" * 200, status="To Do") for i in range(n)]


@pytest.fixture
def mirror_file(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    with Mirror(path) as mirror, mirror.transaction():
        mirror.save_board(OWN_BOARD, items(3))
    return path


def test_a_read_only_mirror_names_the_file_and_the_fix(mirror_file: Path) -> None:
    with Mirror(mirror_file) as mirror:
        mirror._conn.execute("PRAGMA query_only = ON")
        with pytest.raises(MirrorReadOnly) as caught, mirror.transaction():
            mirror.save_board(OWN_BOARD, items(4))
    message = str(caught.value)
    assert str(mirror_file) in message
    assert "read-only" in message
    assert "chmod" in message
    assert "OperationalError" not in message


def test_a_full_disk_under_the_mirror_names_the_file_and_changes_nothing(
    mirror_file: Path,
) -> None:
    with Mirror(mirror_file) as mirror:
        pages = mirror._conn.execute("PRAGMA page_count").fetchone()[0]
        mirror._conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        with pytest.raises(MirrorDiskError) as caught, mirror.transaction():
            mirror.save_board(OWN_BOARD, items(5_000, prefix="BIG"))
    assert str(mirror_file) in str(caught.value)
    assert caught.value.full
    with Mirror(mirror_file) as mirror:
        assert mirror.count() == 3  # the failed transaction left nothing behind


def test_a_bug_is_not_disguised_as_a_mirror_problem(mirror_file: Path) -> None:
    with Mirror(mirror_file) as mirror, pytest.raises(sqlite3.OperationalError):
        mirror._conn.execute("SELECT no_such_column FROM items")


def test_sync_into_a_read_only_mirror_exits_2_with_the_file_and_no_traceback(
    mirror_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "export.csv"
    export.write_text("Issue key,Summary,Status,Created\nMKT-9,New,To Do,2026-01-05 10:00\n")
    connect = mirror_connection.connect

    def read_only(path: str) -> sqlite3.Connection:
        conn = connect(path)
        conn.execute("PRAGMA query_only = ON")
        return conn

    monkeypatch.setattr(mirror_connection, "connect", read_only)
    monkeypatch.setattr("agilemarketing.mirror.store.connect", read_only)
    result = CliRunner().invoke(cli, ["sync", f"jira-csv:{export}", f"mirror:{mirror_file}"])
    assert result.exit_code == 2, result.output
    assert "team.db" in result.output
    assert "read-only" in result.output
    assert "Traceback" not in result.output
    assert "OperationalError" not in result.output


def test_sync_onto_a_full_disk_exits_4_naming_the_file_and_what_to_free(
    mirror_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "export.csv"
    rows = "".join(f"NEW-{i},{'x' * 300},To Do,2026-01-05 10:00\n" for i in range(2000))
    export.write_text("Issue key,Summary,Status,Created\n" + rows)
    connect = mirror_connection.connect

    def nearly_full(path: str) -> sqlite3.Connection:
        conn = connect(path)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        return conn

    monkeypatch.setattr(mirror_connection, "connect", nearly_full)
    monkeypatch.setattr("agilemarketing.mirror.store.connect", nearly_full)
    result = CliRunner().invoke(cli, ["sync", f"jira-csv:{export}", f"mirror:{mirror_file}"])
    assert result.exit_code == 4, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "team.db" in result.output
    assert "disk" in result.output
    assert "free space" in result.output
    assert "OperationalError" not in result.output
    monkeypatch.undo()
    with Mirror(mirror_file) as mirror:
        assert mirror.count() == 3  # nothing half-written
