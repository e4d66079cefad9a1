"""Issue 10, data loss: what a sync writes out of the mirror is what the mirror holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agilemarketing_csv import CsvAdapter
from click.testing import Result


def test_an_edit_reaches_a_target_fed_from_the_mirror(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    tmp_path: Path,
    jira_row: Callable[..., Any],
) -> None:
    jira_export("e1.csv", jira_row("MKT-1", "Webinar"), jira_row("MKT-2", "Blog"))
    assert cli("sync", "jira-csv:e1.csv", "mirror:m.db").exit_code == 0
    assert cli("sync", "mirror:m.db", "csv:out.csv").exit_code == 0
    jira_export("e2.csv", jira_row("MKT-1", "Webinar v2"), jira_row("MKT-2", "Blog"))
    assert cli("sync", "jira-csv:e2.csv", "mirror:m.db").exit_code == 0

    again = cli("sync", "mirror:m.db", "csv:out.csv")

    assert again.exit_code == 0, again.output
    assert "1 updated" in again.output
    summaries = {r.key: r.history.summary for r in CsvAdapter(str(tmp_path / "out.csv")).read()}
    assert summaries == {"MKT-1": "Webinar v2", "MKT-2": "Blog"}


def test_exporting_the_mirror_keeps_created_resolved_and_sprints_and_invents_no_exact_time(
    jira_export: Callable[..., Path],
    cli: Callable[..., Result],
    tmp_path: Path,
    jira_row: Callable[..., Any],
) -> None:
    jira_export(
        "e1.csv",
        jira_row("MKT-1", "Webinar", "To Do", sprint="Sprint 4"),
        jira_row("MKT-2", "Blog", "Done", "01/Nov/25 5:16 PM", "03/Nov/25 9:00 AM", "Sprint 5"),
    )
    assert cli("sync", "jira-csv:e1.csv", "mirror:m.db").exit_code == 0
    assert cli("sync", "mirror:m.db", "csv:out.csv").exit_code == 0

    exported = {r.key: r.history for r in CsvAdapter(str(tmp_path / "out.csv")).read()}

    assert exported["MKT-1"].created == datetime(2025, 11, 5, 17, 16, tzinfo=UTC)
    assert exported["MKT-2"].created == datetime(2025, 11, 1, 17, 16, tzinfo=UTC)
    assert exported["MKT-2"].resolved == datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
    assert exported["MKT-1"].sprints == ("Sprint 4",)
    assert exported["MKT-2"].sprints == ("Sprint 5",)
    # A Jira export has no status history: whatever the mirror observed is marked observed.
    for history in exported.values():
        assert all(t.observed for t in history.transitions), history.transitions


def test_every_transition_of_an_exact_history_survives_the_export(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    history = tmp_path / "board.jsonl"
    history.write_text(
        '{"key":"MKT-1","summary":"Launch","status":"Done","created":"2026-01-05T09:00:00Z",'
        '"transitions":[{"at":"2026-01-05T09:00:00Z","to":"To Do"},'
        '{"at":"2026-01-06T10:00:00Z","from":"To Do","to":"Doing"},'
        '{"at":"2026-01-09T16:00:00Z","from":"Doing","to":"Done"}]}\n'
    )
    source = tmp_path / "board.csv"
    from agilemarketing_csv import write_history_csv

    from agilemarketing.historyio import read_history

    write_history_csv(source, read_history(history).histories())
    assert cli("sync", "csv:board.csv", "mirror:m.db").exit_code == 0
    assert cli("sync", "mirror:m.db", "csv:out.csv").exit_code == 0

    [exported] = CsvAdapter(str(tmp_path / "out.csv")).read()
    assert [(t.to_status, t.at, t.observed) for t in exported.history.transitions] == [
        ("To Do", datetime(2026, 1, 5, 9, tzinfo=UTC), False),
        ("Doing", datetime(2026, 1, 6, 10, tzinfo=UTC), False),
        ("Done", datetime(2026, 1, 9, 16, tzinfo=UTC), False),
    ]
