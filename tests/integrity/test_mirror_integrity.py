"""Issue 10: a corrupt, foreign or unwritable mirror is refused with what to do."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result


def big_mirror(
    jira_export: Callable[..., Path], cli: Callable[..., Result], jira_row: Callable[..., str]
) -> Path:
    rows = [jira_row(f"MKT-{i}", f"Item {i} " + "x" * 200) for i in range(1, 2001)]
    jira_export("e1.csv", *rows)
    assert cli("sync", "jira-csv:e1.csv", "mirror:m.db").exit_code == 0
    return Path("m.db")


def corrupt(path: Path) -> None:
    """Overwrite the middle pages of the file (not the header): b-tree pages turn to garbage."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for number in range(3, len(data) // page - 1, 3):
        start = number * page
        data[start : start + page // 2] = bytes([0xA5]) * (page // 2)
    path.write_bytes(bytes(data))


def test_a_corrupt_mirror_is_refused_by_sync_and_report(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    jira_row: Callable[..., str],
    no_traceback: Callable[..., Any],
) -> None:
    mirror = big_mirror(jira_export, cli, jira_row)
    corrupt(mirror)
    for args in (
        ("sync", "jira-csv:e1.csv", "mirror:m.db"),
        ("report", "mirror:m.db", "--stages", "To Do,Doing,Done", "--out", "rep"),
    ):
        result = cli(*args)
        no_traceback(result)
        assert result.exit_code == 2, result.output
        assert "m.db" in result.output
        assert "corrupt" in result.output.lower()
        assert "mirror check" in result.output or "restore" in result.output.lower()


def test_mirror_check_reports_a_healthy_and_a_corrupt_file(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    jira_row: Callable[..., str],
    no_traceback: Callable[..., Any],
) -> None:
    mirror = big_mirror(jira_export, cli, jira_row)
    healthy = cli("mirror", "check", "m.db")
    assert healthy.exit_code == 0, healthy.output
    assert "ok" in healthy.output.lower()
    corrupt(mirror)
    broken = cli("mirror", "check", "m.db")
    no_traceback(broken)
    assert broken.exit_code == 2, broken.output


def test_an_unrelated_sqlite_file_is_refused_and_left_untouched(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    tmp_path: Path,
    jira_row: Callable[..., Any],
    no_traceback: Callable[..., Any],
) -> None:
    jira_export("e1.csv", jira_row("MKT-1"))
    with sqlite3.connect(tmp_path / "other.db") as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    before = (tmp_path / "other.db").read_bytes()
    result = cli("sync", "jira-csv:e1.csv", "mirror:other.db")
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "other.db" in result.output
    assert "not an agilemarketing mirror" in result.output
    assert (tmp_path / "other.db").read_bytes() == before


def test_a_foreign_items_table_is_refused_not_a_traceback(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    tmp_path: Path,
    jira_row: Callable[..., Any],
    no_traceback: Callable[..., Any],
) -> None:
    jira_export("e1.csv", jira_row("MKT-1"))
    with sqlite3.connect(tmp_path / "shop.db") as db:
        db.execute("CREATE TABLE items (sku TEXT, price REAL)")
    result = cli("report", "mirror:shop.db", "--stages", "To Do,Doing,Done", "--out", "rep")
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "shop.db" in result.output
