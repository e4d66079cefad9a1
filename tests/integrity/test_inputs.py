"""Issue 10: input errors are errors (exit 2, naming what and where), never silent or a crash."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from agilemarketing.mirror import Mirror


def test_a_duplicate_key_in_a_jira_export_is_an_input_error_naming_both_rows(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    jira_row: Callable[..., Any],
    no_traceback: Callable[..., Any],
) -> None:
    jira_export(
        "dup.csv", jira_row("MKT-1", "First"), jira_row("MKT-2"), jira_row("MKT-1", "Again")
    )
    result = cli("sync", "jira-csv:dup.csv", "mirror:m.db")
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "MKT-1" in result.output
    assert "row 2" in result.output
    assert "row 4" in result.output
    assert not Path("m.db").exists() or Mirror("m.db").count() == 0


def test_a_duplicate_key_in_a_history_file_is_an_input_error_naming_both_lines(
    cli: Callable[..., Result], tmp_path: Path, no_traceback: Callable[..., Any]
) -> None:
    (tmp_path / "h.jsonl").write_text(
        '{"key":"MKT-1","status":"To Do","created":"2026-01-01T00:00:00Z"}\n'
        '{"key":"MKT-2","status":"To Do","created":"2026-01-01T00:00:00Z"}\n'
        '{"key":"MKT-1","status":"Done","created":"2026-01-01T00:00:00Z"}\n'
    )
    result = cli("report", "h.jsonl", "--stages", "To Do,Doing,Done", "--out", "rep")
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "MKT-1" in result.output
    assert "line 1" in result.output
    assert "line 3" in result.output


def test_a_missing_csv_source_is_an_input_error_and_records_nothing(
    cli: Callable[..., Result], tmp_path: Path, no_traceback: Callable[..., Any]
) -> None:
    result = cli("sync", "csv:nope.csv", "mirror:m.db")
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "nope.csv" in result.output
    if (tmp_path / "m.db").exists():
        with Mirror(tmp_path / "m.db") as mirror:
            assert all("nope" not in name for name in mirror.boards())


def test_a_file_board_is_one_source_whatever_folder_names_it(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    jira_row: Callable[..., Any],
) -> None:
    jira_export("e1.csv", jira_row("MKT-1"))
    (tmp_path / "sub").mkdir()
    assert cli("sync", "jira-csv:e1.csv", "mirror:m.db").exit_code == 0
    monkeypatch.chdir(tmp_path / "sub")
    again = cli("sync", "jira-csv:../e1.csv", "mirror:../m.db")
    assert again.exit_code == 0, again.output
    with Mirror(tmp_path / "m.db") as mirror:
        assert len([b for b in mirror.boards() if "e1.csv" in b]) == 1


def test_a_relative_mirror_path_with_a_dot_is_accepted(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    tmp_path: Path,
    jira_row: Callable[..., Any],
) -> None:
    jira_export("e1.csv", jira_row("MKT-1"))
    (tmp_path / "x").mkdir()
    result = cli("sync", "jira-csv:e1.csv", "mirror:./x/m.db")
    assert result.exit_code == 0, result.output
    with Mirror(tmp_path / "x" / "m.db") as mirror:
        assert mirror.count() == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_mirror_is_an_input_error_with_the_file_and_a_fix(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    tmp_path: Path,
    jira_row: Callable[..., Any],
    no_traceback: Callable[..., Any],
) -> None:
    jira_export("e1.csv", jira_row("MKT-1"))
    assert cli("sync", "jira-csv:e1.csv", "mirror:m.db").exit_code == 0
    jira_export("e2.csv", jira_row("MKT-1", "Edited"))
    (tmp_path / "m.db").chmod(stat.S_IRUSR)
    result = cli("sync", "jira-csv:e2.csv", "mirror:m.db")
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "m.db" in result.output
    assert "OperationalError" not in result.output
    assert "read-only" in result.output or "readonly" in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"\xef\xbb\xbf" + b'{"key":"A","status":"To Do","created":"2026-01-01T00:00:00Z"}\n',
            None,
        ),
        (b'{"key":"A\xff","status":"To Do"}\n', "line 1"),
        (b'{"key":"A","status":"To Do","created":"9999-12-31T23:59:59Z"}\n', "line 1"),
        (b"[" * 100_000 + b"\n", "line 1"),
        (b'{"key":"A","status":"To Do","created":"0001-01-01T00:00:00Z"}\n', "line 1"),
        (b'{"key":"A","status":"To Do","points":-3}\n', "points"),
        (
            b'{"key":"A","status":"To Do","created":"2026-01-02T00:00:00Z",'
            b'"resolved":"2026-01-01T00:00:00Z"}\n',
            "resolved",
        ),
        (
            b'{"key":"A","status":"To Do","blocked":[{"from":"2026-01-05T00:00:00Z",'
            b'"to":"2026-01-04T00:00:00Z"}]}\n',
            "blocked",
        ),
    ],
    ids=[
        "bom",
        "bad-utf8",
        "year-9999",
        "deep-nesting",
        "year-1",
        "neg-points",
        "resolved-before",
        "blocked-backwards",
    ],
)
def test_a_bad_history_file_is_a_clear_error_or_a_result_never_a_traceback(
    cli: Callable[..., Result],
    tmp_path: Path,
    content: bytes,
    expected: str | None,
    no_traceback: Callable[..., Any],
) -> None:
    (tmp_path / "h.jsonl").write_bytes(content)
    result = cli("report", "h.jsonl", "--stages", "To Do,Doing,Done", "--out", "rep")
    no_traceback(result)
    if expected is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2, result.output
        assert expected in result.output


def test_an_empty_history_file_says_it_is_empty_not_1970(
    cli: Callable[..., Result], tmp_path: Path, no_traceback: Callable[..., Any]
) -> None:
    (tmp_path / "h.jsonl").write_bytes(b"")
    result = cli("report", "h.jsonl", "--stages", "To Do,Doing,Done", "--out", "rep")
    no_traceback(result)
    assert "1970" not in result.output
    assert "no items" in result.output.lower() or "empty" in result.output.lower()


def test_an_implausible_date_is_flagged_and_does_not_move_the_report(
    cli: Callable[..., Result], tmp_path: Path, no_traceback: Callable[..., Any]
) -> None:
    rows = [
        {
            "key": f"M-{i}",
            "status": "Done",
            "created": f"2026-01-{i + 1:02d}T00:00:00Z",
            "transitions": [
                {"at": f"2026-01-{i + 1:02d}T09:00:00Z", "to": "Doing"},
                {"at": f"2026-01-{i + 2:02d}T09:00:00Z", "from": "Doing", "to": "Done"},
            ],
        }
        for i in range(20)
    ]
    rows.append({"key": "M-X", "status": "To Do", "created": "0202-01-02T00:00:00Z"})
    rows.append({"key": "M-Y", "status": "To Do", "created": "2030-06-01T00:00:00Z"})
    (tmp_path / "h.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = cli(
        "report",
        "h.jsonl",
        "--stages",
        "To Do,Doing,Done",
        "--start",
        "Doing",
        "--done",
        "Done",
        "--out",
        "rep",
    )
    no_traceback(result)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 0:
        metrics = json.loads((tmp_path / "rep" / "metrics.json").read_text())
        assert (tmp_path / "rep" / "metrics.json").stat().st_size < 5_000_000
        assert "2030" not in metrics["report"]["as_of"]
