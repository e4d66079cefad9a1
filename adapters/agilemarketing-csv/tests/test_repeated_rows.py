"""An item's later rows that repeat its columns cell for cell are read for their transition only
(a history CSV repeats every item column on every row). Reading so must give exactly what
reading every cell of every row gives: the same items and the same problems, row for row."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from agilemarketing_csv.history import read_history_records_csv
from agilemarketing_csv.mapping import BoundMapping
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HEADER = ["key", "summary", "status", "created", "points", "at", "from", "to", "label", "label"]
CELLS = {
    "key": ["MKT-1", "MKT-2", " MKT-1", ""],
    "summary": ["Webinar", "Webinar ", "Email", ""],
    "status": ["Doing", "Done", ""],
    "created": ["2026-03-02T09:00:00Z", "2026-03-02", "not a date", ""],
    "points": ["3", "3.0", "5", "three", ""],
    "at": ["2026-03-03T09:00:00Z", "2026-03-04T10:00:00Z", "later", ""],
    "from": ["To Do", ""],
    "to": ["Doing", "Done", ""],
    "label": ["q1", "webinar", ""],
}
rows = st.lists(
    st.tuples(*(st.sampled_from(CELLS[name]) for name in HEADER)), min_size=1, max_size=12
)


def _read(path: Path) -> tuple[list[Any], list[tuple[int | None, str | None, str]]]:
    records = read_history_records_csv(path, on_error="collect")
    items = list(records)
    return items, [(p.row, p.column, str(p)) for p in records.problems]


def _every_cell(original: Any) -> Any:
    def fields(self: BoundMapping, row: int, cells: list[str], errors: list[Any], **_: Any) -> Any:
        return original(self, row, cells, errors)  # the whole row, as before the shortcut

    return fields


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=rows)
def test_reading_repeated_rows_gives_what_reading_every_cell_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: list[tuple[str, ...]]
) -> None:
    path = tmp_path / "board.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *body])
    fast = _read(path)
    with monkeypatch.context() as patched:
        patched.setattr(BoundMapping, "fields", _every_cell(BoundMapping.fields))
        slow = _read(path)
    assert fast == slow


def test_a_later_row_with_another_title_is_still_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "board.csv"
    body = [
        ["MKT-1", "Webinar", "Doing", "", "3", "2026-03-03T09:00:00Z", "", "To Do", "q1", ""],
        ["MKT-1", "Webinar", "Doing", "", "3", "2026-03-04T09:00:00Z", "To Do", "Doing", "q1", ""],
        ["MKT-1", "Email", "Doing", "", "3", "2026-03-05T09:00:00Z", "Doing", "Doing", "q1", ""],
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *body])
    items, problems = _read(path)
    assert [(row, column) for row, column, _ in problems] == [(4, "summary")]
    assert len(items[0].history.transitions) == 2
