"""Reading history JSON Lines: columns in input order, streaming, precise errors, cycles."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from agilemarketing.errors import HistoryFormatError, InvalidInputGroup
from agilemarketing.historyio import read_history


def test_read_history_builds_columns_in_input_order(
    tmp_path: Path, jsonl_line: Callable[..., str]
) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(
        jsonl_line(
            type="Email",
            status="Done",
            points=3,
            labels=["q2", "webinar"],
            sprints=["C1"],
            created="2026-01-05T09:00:00Z",
            transitions=[
                {"at": "2026-01-07T09:00:00Z", "from": "Doing", "to": "Done"},
                {"at": "2026-01-06T09:00:00Z", "from": "To Do", "to": "Doing"},
            ],
            blocked=[{"from": "2026-01-06T12:00:00Z", "to": "2026-01-06T18:00:00Z"}],
        )
        + "\n\n"
        + json.dumps({"key": "A-2", "status": "To Do"})
        + "\n",
        encoding="utf-8",
    )
    table = read_history(path)
    assert table.keys.tolist() == ["A-1", "A-2"]
    assert table.n_transitions == 2
    assert [table.status_names[c] for c in table.tr_to] == ["Done", "Doing"]
    assert table.tr_item.tolist() == [0, 0]
    assert [table.label_names[c] for c in table.label_code] == ["q2", "webinar"]
    assert table.points[0] == 3
    assert np.isnan(table.points[1])
    assert np.isnat(table.created[1])
    assert table.blk_item.tolist() == [0]


def test_read_history_names_file_line_and_field_of_each_problem(
    tmp_path: Path, jsonl_line: Callable[..., str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "\n".join(
            [
                jsonl_line(created="2026-01-05T09:00:00Z"),
                jsonl_line(key="A-2", created="next tuesday"),
                '{"key": "A-3", "points": "many"}',
                "not json at all",
                jsonl_line(key="A-5", transitions=[{"at": "2026-01-05T09:00:00", "to": "Doing"}]),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputGroup) as caught:
        read_history(path)
    problems = caught.value.exceptions
    assert all(isinstance(p, HistoryFormatError) for p in problems)
    located = sorted((p.line, p.field) for p in problems if isinstance(p, HistoryFormatError))
    assert located == [
        (2, "created"),
        (3, "points"),
        (4, "(line)"),
        (5, "transitions[].at"),
    ]
    assert str(path) in str(problems[0])


def test_read_history_caps_the_number_of_errors_reported(jsonl_line: Callable[..., str]) -> None:
    text = "".join(jsonl_line(key=f"A-{i}", created="bad") + "\n" for i in range(50))
    with pytest.raises(InvalidInputGroup) as caught:
        read_history(io.StringIO(text), max_errors=5)
    assert len(caught.value.exceptions) == 5


def test_read_history_streams_across_block_boundaries(
    monkeypatch: pytest.MonkeyPatch, jsonl_line: Callable[..., str]
) -> None:
    import agilemarketing.historyio.lines as lines

    monkeypatch.setattr(lines, "_BLOCK_BYTES", 64)
    text = "".join(
        jsonl_line(key=f"A-{i}", created="2026-01-05T09:00:00Z") + "\n" for i in range(40)
    )
    text += jsonl_line(key="A-bad", created="nope")  # last line without newline
    with pytest.raises(HistoryFormatError) as caught:
        read_history(io.BytesIO(text.encode()))
    assert caught.value.line == 41
    assert caught.value.key == "A-bad"


def test_cycle_definition_lines_become_cycle_windows(jsonl_line: Callable[..., str]) -> None:
    text = (
        json.dumps({"cycle": {"name": "C1", "start": "2026-01-05T00:00Z", "end": "2026-01-19Z"}})
        + "\n"
    )
    with pytest.raises(HistoryFormatError):
        read_history(io.StringIO(text))  # the end is not a timestamp with a time
    text = (
        json.dumps(
            {"cycle": {"name": "C1", "start": "2026-01-05T00:00Z", "end": "2026-01-19T00:00Z"}}
        )
        + "\n"
        + jsonl_line(cycles=[{"name": "C1", "joined": "2026-01-05T00:00Z"}])
        + "\n"
    )
    table = read_history(io.StringIO(text))
    assert [w.name for w in table.cycles] == ["C1"]
    assert table.cycle_names == ("C1",)
    assert table.cyc_item.tolist() == [0]
    assert np.isnat(table.cyc_left[0])


@pytest.mark.parametrize("block_bytes", [64, 4 << 20], ids=["across-blocks", "one-block"])
def test_a_key_on_two_lines_is_an_error_naming_both_lines(
    monkeypatch: pytest.MonkeyPatch, jsonl_line: Callable[..., str], block_bytes: int
) -> None:
    import agilemarketing.historyio.lines as lines

    monkeypatch.setattr(lines, "_BLOCK_BYTES", block_bytes)
    keys = ["A-1", "A-2", "A-3", "A-1", "A-4", "A-2"]
    text = "".join(jsonl_line(key=k, created="2026-01-05T09:00:00Z") + "\n" for k in keys)
    with pytest.raises(InvalidInputGroup) as caught:
        read_history(io.StringIO(text))
    problems = [p for p in caught.value.exceptions if isinstance(p, HistoryFormatError)]
    assert [(p.key, p.line) for p in problems] == [("A-1", 4), ("A-2", 6)]
    assert "line 1" in str(problems[0])
    assert "line 2" in str(problems[1])


def test_a_single_repeated_key_raises_one_history_format_error(
    jsonl_line: Callable[..., str],
) -> None:
    text = "".join(jsonl_line(key=k) + "\n" for k in ["A-1", "A-2", "A-1"])
    with pytest.raises(HistoryFormatError, match=r"line 1") as caught:
        read_history(io.StringIO(text))
    assert (caught.value.key, caught.value.line, caught.value.field) == ("A-1", 3, "key")
