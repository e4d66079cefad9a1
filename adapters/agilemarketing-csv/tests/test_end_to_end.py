"""The issue's "done when", literally: ``agilemarketing sync csv:<a Jira export> mirror:team.db``
three times as the export changes, then ``agilemarketing report mirror:team.db --out report/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from agilemarketing_csv.adapter import CsvAdapter
from click.testing import CliRunner, Result

from agilemarketing.adapter import MoveStatus
from agilemarketing.cli import main
from agilemarketing.errors import UnsupportedChange
from agilemarketing.mirror import Mirror

HEADER = (
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Created,Updated,Resolved,"
    "Labels,Labels,Labels,Sprint,Sprint,Watchers,Watchers,Custom field (Story Points),"
    "Custom field (Rank),Description"
)


def _row(key: str, summary: str, status: str, points: str, *, resolved: str = "") -> str:
    labels = {"MKT-101": "webinar,q4,", "MKT-102": "email,,", "MKT-103": "blog,seo,q4"}
    sprints = "Sprint 12,Sprint 13" if key != "MKT-103" else "Sprint 13,"
    return (
        f'"{summary}",{key},{key[4:]}0,Story,{status},High,someone,03/Nov/25 9:02 AM,'
        f"05/Nov/25 5:16 PM,{resolved},{labels.get(key, ',,')},{sprints},ana,ben,{points},"
        f'0|i{key[4:]}:,"Copy, with a comma\nand a second line"'
    )


def _export(path: Path, *rows: str) -> None:
    path.write_text("\ufeff" + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")


def _run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_sync_a_jira_export_into_a_mirror_three_times_then_report_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    export = tmp_path / "export.csv"
    _export(
        export,
        _row("MKT-101", "Spring webinar landing page", "To Do", "5"),
        _row("MKT-102", "Partner newsletter", "To Do", "3"),
    )
    first = _run("sync", "csv:export.csv", "mirror:team.db")
    assert "2 created" in first.output

    _export(
        export,
        _row("MKT-101", "Spring webinar landing page", "In Progress", "5"),
        _row("MKT-102", "Partner newsletter", "In Progress", "3"),
        _row("MKT-103", "SEO refresh of the pricing page", "To Do", "2,5".replace(",", ".")),
    )
    _run("sync", "csv:export.csv", "mirror:team.db")
    _export(
        export,
        _row("MKT-101", "Spring webinar landing page", "Done", "5", resolved="07/Nov/25 4:05 PM"),
        _row("MKT-102", "Partner newsletter", "In Progress", "3"),
        _row("MKT-103", "SEO refresh of the pricing page", "In Progress", "2.5"),
    )
    _run("sync", "csv:export.csv", "mirror:team.db")
    again = _run("sync", "csv:export.csv", "mirror:team.db", "--json")
    assert json.loads(again.output)["report"]["applied"] == 0  # an unchanged export: no writes

    with Mirror("team.db", create=False) as mirror:
        histories = {h.key: h for h in mirror.histories()}
    webinar = histories["MKT-101"]
    assert [t.to_status for t in webinar.transitions] == ["To Do", "In Progress", "Done"]
    assert all(t.observed for t in webinar.transitions[1:])
    assert webinar.labels == ("webinar", "q4")
    assert webinar.sprints == ("Sprint 12", "Sprint 13")
    assert webinar.points == 5.0
    assert histories["MKT-103"].points == 2.5
    assert webinar.created is not None
    assert (webinar.created.day, webinar.created.hour) == (3, 9)

    report = _run("report", "mirror:team.db", "--out", "report/")
    assert "To Do" in report.stderr
    assert '--done "Done"' in report.stderr
    assert (tmp_path / "report" / "report.html").stat().st_size > 0
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert metrics  # the report computed its metrics from the mirror's accrued history


def test_csv_names_a_jira_export_read_only_with_a_clear_error(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    _export(export, _row("MKT-101", "Spring webinar landing page", "To Do", "5"))
    board = CsvAdapter(str(export))
    [record] = board.read()
    assert record.key == "MKT-101"
    assert record.history.status == "To Do"
    with pytest.raises(UnsupportedChange, match="Jira export") as caught:
        board.apply(MoveStatus("MKT-101", "Done"))
    assert "mirror:team.db" in str(caught.value)
    assert export.read_text(encoding="utf-8").count("MKT-101") == 1  # untouched


def test_syncing_into_a_jira_export_named_csv_fails_and_leaves_it_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _export(tmp_path / "export.csv", _row("MKT-101", "Spring webinar landing page", "To Do", "5"))
    before = (tmp_path / "export.csv").read_bytes()
    (tmp_path / "board.csv").write_text(
        "key,summary,status,at,from,to\nMKT-7,Blog,Doing,2026-01-05T09:00:00Z,,Doing\n"
    )
    args = ["sync", "csv:board.csv", "csv:export.csv", "--state", "sync.db"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2  # a usage error: this target can never be written
    assert "Jira export" in result.output
    assert (tmp_path / "export.csv").read_bytes() == before
    with Mirror("sync.db") as state:  # refused before planning: nothing journalled
        assert state.journal() == []


def test_report_without_a_workflow_says_so_while_nothing_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _export(tmp_path / "export.csv", _row("MKT-101", "Spring webinar landing page", "To Do", "5"))
    _run("sync", "csv:export.csv", "mirror:team.db")
    result = CliRunner().invoke(main, ["report", "mirror:team.db", "--out", "report/"])
    assert result.exit_code == 2
    assert "which status means done" in result.output
    assert "--stages" in result.output
    assert not (tmp_path / "report").exists()
