"""A key on two rows is an input error naming the key and both rows, never merged silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from agilemarketing_csv import CsvRowError, read_history_records_csv, read_jira_csv
from agilemarketing_csv.adapter import CsvAdapter, JiraCsvAdapter

HEADER = "Summary,Issue key,Issue Type,Status"


def _export(path: Path, *rows: str) -> Path:
    path.write_text("\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("adapter", [JiraCsvAdapter, CsvAdapter])
def test_a_key_twice_in_a_jira_export_names_the_key_and_both_rows(
    tmp_path: Path, adapter: type[JiraCsvAdapter | CsvAdapter]
) -> None:
    path = _export(
        tmp_path / "dup.csv",
        "First,MKT-1,Email,To Do",
        "Other,MKT-2,Email,To Do",
        "Again,MKT-1,Email,Done",
    )
    with pytest.raises(CsvRowError) as caught:
        list(adapter(str(path)).read())
    error = caught.value
    assert (error.row, error.column) == (4, "Issue key")
    assert "'MKT-1'" in str(error)
    assert "row 2" in str(error)
    assert "row 4" in str(error)


def test_rows_are_counted_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    """A quoted line break does not make a new row: the header is row 1, records follow."""
    path = _export(tmp_path / "dup.csv", '"Two\nlines",MKT-1,Email,To Do', "Again,MKT-1,Email,Done")
    with pytest.raises(CsvRowError, match="row 2") as caught:
        list(JiraCsvAdapter(str(path)).read())
    assert caught.value.row == 3


def test_every_repeated_key_is_reported_at_once(tmp_path: Path) -> None:
    rows = [f"S,MKT-{n},Email,To Do" for n in (1, 2, 1, 2, 3)]
    with pytest.raises(ExceptionGroup) as caught:
        list(JiraCsvAdapter(str(_export(tmp_path / "dup.csv", *rows))).read())
    assert sorted(e.row for e in caught.value.exceptions) == [4, 5]


def test_collected_the_first_row_of_a_key_wins_and_the_repeat_is_a_problem(
    tmp_path: Path,
) -> None:
    path = _export(tmp_path / "dup.csv", "First,MKT-1,Email,To Do", "Again,MKT-1,Email,Done")
    records = read_jira_csv(path, unique_keys=True, on_error="collect")
    assert [h.summary for h in records] == ["First"]
    assert [p.row for p in records.problems] == [3]


def test_the_plain_reader_still_reads_one_item_per_row(tmp_path: Path) -> None:
    path = _export(tmp_path / "dup.csv", "First,MKT-1,Email,To Do", "Again,MKT-1,Email,Done")
    assert [h.summary for h in read_jira_csv(path)] == ["First", "Again"]


def test_rows_of_one_item_in_a_history_csv_must_agree_on_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "key,summary,at,from,to\n"
        "MKT-1,Launch,2026-01-05T09:00:00Z,,To Do\n"
        "MKT-2,Blog,2026-01-05T09:00:00Z,,To Do\n"
        "MKT-1,,2026-01-06T09:00:00Z,To Do,Doing\n"  # an empty cell: the item's value stands
        "MKT-1,Relaunch,2026-01-07T09:00:00Z,Doing,Done\n",
        encoding="utf-8",
    )
    with pytest.raises(CsvRowError) as caught:
        read_history_records_csv(path).read_all()
    error = caught.value
    assert (error.row, error.column) == (5, "summary")
    assert "'MKT-1'" in str(error)
    assert "row 2" in str(error)
    assert "'Launch'" in str(error)
    assert "'Relaunch'" in str(error)
    with pytest.raises(CsvRowError):
        list(CsvAdapter(str(path)).read())
