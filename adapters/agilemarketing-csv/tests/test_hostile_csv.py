"""Hostile CSV files (issue 10 points 13 and 15): reading stays bounded whatever the file, and a
repeated single-value column is an error naming both columns.

Files huge in one cell are generated small: the caps (``MAX_CELL_CHARS``, ``MAX_ROW_CHARS``) are
lowered for the test. ``benchmarks/bench_csv_memory.py`` measures peak memory on a big file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from agilemarketing_csv import records
from agilemarketing_csv.errors import CsvError, CsvFileError, CsvRowError
from agilemarketing_csv.mapping import read_jira_csv
from agilemarketing_csv.table import read_table_csv

from agilemarketing.errors import InvalidInputGroup

_HEADER = "Summary,Issue key,Issue Type,Status,Created"


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1,000-character cell cap and a 4,000-character row cap."""
    monkeypatch.setattr(records, "MAX_CELL_CHARS", 1_000)
    monkeypatch.setattr(records, "MAX_ROW_CHARS", 4_000)


def _export(tmp_path: Path, *rows: str, header: str = _HEADER) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _only(exc: BaseException) -> CsvError:
    if isinstance(exc, InvalidInputGroup):
        (exc,) = exc.exceptions
    assert isinstance(exc, CsvError)
    return exc


@pytest.mark.usefixtures("small_caps")
def test_a_cell_over_the_cap_is_an_error_naming_row_and_column(tmp_path: Path) -> None:
    path = _export(
        tmp_path,
        "Fine,MKT-1,Story,To Do,2026-01-01T00:00:00Z",
        f'"{"x" * 1_500}",MKT-2,Story,To Do,2026-01-01T00:00:00Z',
    )
    with pytest.raises((CsvRowError, InvalidInputGroup)) as caught:
        read_jira_csv(path).read_all()
    problem = _only(caught.value)
    assert (problem.row, problem.column) == (3, "Summary")
    assert "1000" in str(problem) or "1,000" in str(problem)


@pytest.mark.usefixtures("small_caps")
def test_with_collect_a_row_with_an_oversized_cell_is_skipped_and_the_rest_read(
    tmp_path: Path,
) -> None:
    path = _export(
        tmp_path,
        f'"{"x" * 1_500}",MKT-1,Story,To Do,2026-01-01T00:00:00Z',
        "Fine,MKT-2,Story,To Do,2026-01-01T00:00:00Z",
    )
    found = read_jira_csv(path, on_error="collect")
    assert [item.key for item in found] == ["MKT-2"]
    assert found.problems[0].row == 2


@pytest.mark.usefixtures("small_caps")
@pytest.mark.parametrize(
    ("cell", "column"),
    [("Summary", "Summary"), ("Status", "Status")],
)
def test_a_row_over_the_cap_stops_reading_naming_row_and_column(
    tmp_path: Path, cell: str, column: str
) -> None:
    huge = "y" * 10_000  # no quote, no line break: one endless line
    cells = {"Summary": "Fine", "Status": "To Do"}
    cells[cell] = huge
    path = _export(
        tmp_path,
        "Fine,MKT-1,Story,To Do,2026-01-01T00:00:00Z",
        f"{cells['Summary']},MKT-2,Story,{cells['Status']},2026-01-01T00:00:00Z",
    )
    with pytest.raises(CsvFileError) as caught:
        read_jira_csv(path).read_all()
    assert caught.value.reason == "size"
    assert (caught.value.row, caught.value.column) == (3, column)


@pytest.mark.usefixtures("small_caps")
def test_a_quoted_cell_running_over_many_lines_is_held_to_the_row_cap(tmp_path: Path) -> None:
    path = _export(tmp_path, '"' + "line\n" * 2_000 + '",MKT-1,Story,To Do,')
    with pytest.raises(CsvFileError) as caught:
        read_jira_csv(path).read_all()
    assert (caught.value.reason, caught.value.row, caught.value.column) == ("size", 2, "Summary")


@pytest.mark.usefixtures("small_caps")
def test_a_file_of_zero_bytes_without_a_line_break_is_refused_at_the_header(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sparse.csv"
    path.write_bytes(b"Issue key," + b"\0" * 50_000)
    with pytest.raises(CsvFileError) as caught:
        read_table_csv(path).read_all()
    assert caught.value.row == 1


@pytest.mark.usefixtures("small_caps")
def test_cells_and_rows_under_the_caps_read_as_before(tmp_path: Path) -> None:
    path = _export(tmp_path, f'"{"z" * 999}",MKT-1,Story,To Do,2026-01-01T00:00:00Z')
    (item,) = read_jira_csv(path)
    assert len(item.summary) == 999


def test_the_default_caps_are_generous_for_real_exports() -> None:
    assert records.MAX_CELL_CHARS >= 1 << 20
    assert records.MAX_ROW_CHARS >= records.MAX_CELL_CHARS


@pytest.mark.parametrize("role", ["Status", "Summary", "Created", "Issue key"])
def test_a_repeated_single_value_column_is_an_error_naming_both_columns(
    tmp_path: Path, role: str
) -> None:
    header = _HEADER + f",{role}"
    path = _export(tmp_path, "Fine,MKT-1,Story,To Do,2026-01-01T00:00:00Z,other", header=header)
    with pytest.raises(CsvFileError) as caught:
        read_jira_csv(path)
    message = str(caught.value)
    position = _HEADER.split(",").index(role) + 1
    assert caught.value.reason == "header"
    assert f"columns {position} and 6" in message
    assert role in message


def test_repeated_multi_value_columns_are_still_read_as_lists(tmp_path: Path) -> None:
    path = _export(
        tmp_path,
        "Fine,MKT-1,Story,To Do,2026-01-01T00:00:00Z,a,b",
        header=_HEADER + ",Labels,Labels",
    )
    (item,) = read_jira_csv(path)
    assert item.labels == ("a", "b")


@pytest.mark.parametrize("cell", [" =1+1", "  +SUM(A1)", "\u00a0@cmd"])
def test_leading_whitespace_that_keeps_a_formula_inert_is_kept(tmp_path: Path, cell: str) -> None:
    header = _HEADER + ",Labels"
    path = _export(
        tmp_path, f'"{cell}",MKT-1,Story,To Do,2026-01-01T00:00:00Z,"{cell}"', header=header
    )
    (item,) = read_jira_csv(path)
    assert item.summary == cell
    assert item.labels == (cell,)


def test_other_text_is_still_trimmed(tmp_path: Path) -> None:
    path = _export(tmp_path, '"  Spring webinar  ",MKT-1,Story,To Do,2026-01-01T00:00:00Z')
    (item,) = read_jira_csv(path)
    assert item.summary == "Spring webinar"
