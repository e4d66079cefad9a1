"""Reading a report's source: history files, adapter URLs, a mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

from agilemarketing.errors import HistorySourceError
from agilemarketing.historyio import HistoryTable
from agilemarketing.report import load_history
from agilemarketing.simulate import simulate_board


def test_histories_load_from_files_and_adapter_urls(tmp_path: Path) -> None:
    board = simulate_board(items=20, seed=1)
    history, _ = board.write(tmp_path)
    table = load_history(history)
    assert table.keys.tolist() == board.table.keys.tolist()
    assert isinstance(load_history("memory:nothing-here"), HistoryTable)
    with pytest.raises(HistorySourceError, match="no such file"):
        load_history(tmp_path / "missing.jsonl")
    with pytest.raises(HistorySourceError, match="is a directory"):
        load_history(tmp_path)


def test_a_report_reads_a_mirror(tmp_path: Path) -> None:
    from agilemarketing.adapter import CreateItem, MoveStatus
    from agilemarketing.mirror import MirrorAdapter

    path = tmp_path / "team.db"
    with MirrorAdapter(str(path)) as board:
        board.write(
            [
                CreateItem("MKT-1", "Spring webinar", status="To Do"),
                MoveStatus("MKT-1", "Doing", from_status="To Do"),
                MoveStatus("MKT-1", "Done", from_status="Doing"),
            ]
        )
    table = load_history(f"mirror:{path}")
    assert table.keys.tolist() == ["MKT-1"]
    assert table.n_transitions >= 2


def test_a_table_is_its_own_source(tmp_path: Path) -> None:
    from agilemarketing.report.sources import as_table

    table = HistoryTable.from_histories([])
    assert as_table(table) is table
