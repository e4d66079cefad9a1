"""``current_cursor()`` of the CSV adapters: equal exactly when a read would return the same.

A sync that finds its source's current cursor unchanged plans nothing without reading it, so a
cursor that missed an edit would lose it: one changed byte must change the cursor, whatever the
file's size and modification time say; so must an option the file is read with.
"""

from __future__ import annotations

import os
from pathlib import Path

import hypothesis.strategies as st
import pytest
from agilemarketing_csv.adapter import CsvAdapter, JiraCsvAdapter
from agilemarketing_csv.history import write_history_csv
from hypothesis import given

from agilemarketing.testing import sample_histories


def _board(folder: Path) -> Path:
    path = folder / "board.csv"
    if not path.exists():
        write_history_csv(path, sample_histories(6))
    return path


@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_one_changed_byte_changes_the_cursor_with_size_and_stamp_kept(
    tmp_path_factory: pytest.TempPathFactory, position: int, value: int
) -> None:
    folder = tmp_path_factory.mktemp("cursor")
    path = _board(folder)
    data = bytearray(path.read_bytes())
    index = position % len(data)
    if data[index] == value:
        value = (value + 1) % 256
    before = CsvAdapter(str(path)).current_cursor()
    stat = path.stat()
    data[index] = value
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert CsvAdapter(str(path)).current_cursor() != before


def test_the_same_bytes_give_the_same_cursor_whatever_the_stamp(tmp_path: Path) -> None:
    path = _board(tmp_path)
    before = CsvAdapter(str(path)).current_cursor()
    data = path.read_bytes()
    path.write_bytes(data)
    os.utime(path, ns=(1, 1))
    assert CsvAdapter(str(path)).current_cursor() == before
    assert CsvAdapter(str(path), {"clock": lambda: None}).current_cursor() == before  # writes only


def test_the_options_a_file_is_read_with_are_part_of_the_cursor(tmp_path: Path) -> None:
    path = _board(tmp_path)
    plain = CsvAdapter(str(path)).current_cursor()
    assert CsvAdapter(str(path), {"timezone": "Europe/Paris"}).current_cursor() != plain
    assert CsvAdapter(str(path), {"delimiter": ";"}).current_cursor() != plain
    assert JiraCsvAdapter(str(path)).current_cursor() != plain  # another adapter reads it


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    missing = CsvAdapter(str(tmp_path / "none.csv")).current_cursor()
    assert missing is not None
    assert missing.token.startswith("missing:")
    path = _board(tmp_path)
    assert CsvAdapter(str(path)).current_cursor() != missing
    assert CsvAdapter(str(tmp_path)).current_cursor() is None  # a folder: the read says why
