"""Writing history JSON Lines: exact round trips, atomic replacement of a file."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agilemarketing.history import ItemHistory
from agilemarketing.historyio import iter_histories, read_history, write_history


def test_write_then_read_gives_back_the_same_histories(
    tmp_path: Path, sample_histories: list[ItemHistory]
) -> None:
    path = tmp_path / "out.jsonl"
    write_history(sample_histories, path)
    assert list(iter_histories(path)) == sample_histories


def test_a_write_that_fails_half_way_leaves_the_existing_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_histories: list[ItemHistory]
) -> None:
    path = tmp_path / "history.jsonl"
    write_history([ItemHistory("OLD-1", status="Done")], path)
    before = path.read_bytes()

    def broken(*args: object) -> None:
        raise OSError("disk full")

    import agilemarketing.historyio.writing as writing

    monkeypatch.setattr(writing, "_transition", broken)
    with pytest.raises(OSError, match="disk full"):
        write_history(sample_histories, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["history.jsonl"]


def test_a_table_round_trips_with_cycles_and_memberships(jsonl_line: Callable[..., str]) -> None:
    text = (
        json.dumps(
            {"cycle": {"name": "C1", "start": "2026-01-05T00:00Z", "end": "2026-01-19T00:00Z"}}
        )
        + "\n"
        + jsonl_line(
            cycles=[{"name": "C1", "joined": "2026-01-05T00:00Z", "left": "2026-01-10T00:00Z"}]
        )
        + "\n"
    )
    table = read_history(io.StringIO(text))
    out = io.StringIO()
    table.to_jsonl(out)
    again = read_history(io.StringIO(out.getvalue()))
    assert again.cycles == table.cycles
    assert again.cyc_left.tolist() == table.cyc_left.tolist()
