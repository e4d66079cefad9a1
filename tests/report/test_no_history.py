"""A board without status history (a snapshot: status, created, resolved, as a Jira CSV export
holds) gets a report that says so and what gives one, and no sentence anywhere reads "nan"."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from agilemarketing.cli import main
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.historyio import write_history
from agilemarketing.report import FlowReport
from agilemarketing.workflow import Workflow

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
WF = Workflow.from_shorthand("To Do,In Progress,Done")
NAN = re.compile(r"\bnan\b", re.IGNORECASE)


def snapshot(n: int = 12) -> list[ItemHistory]:
    """Items with a current status only: every other one done, with a resolved date."""
    items = []
    for i in range(n):
        created = T0 + timedelta(days=i)
        done = i % 2 == 0
        items.append(
            ItemHistory(
                f"MKT-{i}",
                status="Done" if done else "In Progress",
                created=created,
                resolved=created + timedelta(days=3) if done else None,
            )
        )
    return items


def visible_text(html: str) -> str:
    """The page's text without embedded images, styles and tags."""
    html = re.sub(r'src="data:[^"]*"', "", html)
    html = re.sub(r"<style.*?</style>", "", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


def test_a_snapshot_source_is_reported_as_having_no_status_history(tmp_path: Path) -> None:
    report = FlowReport.build(snapshot(), WF, source="jira-csv:export.csv")
    note = report.summary()["history"]
    assert note is not None
    assert "no status history" in note
    for remedy in ("sync", "history file", "Jira adapter"):
        assert remedy in note
    page = visible_text((report.write(tmp_path / "out").html).read_text(encoding="utf-8"))
    assert "no status history" in page


def test_no_sentence_of_a_snapshot_report_reads_nan(tmp_path: Path) -> None:
    files = FlowReport.build(snapshot(), WF).write(tmp_path / "out")
    assert not NAN.search(visible_text(files.html.read_text(encoding="utf-8")))
    document = json.loads(files.metrics.read_text(encoding="utf-8"))

    def sentences(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict):
            return [s for v in node.values() for s in sentences(v)]
        if isinstance(node, list):
            return [s for v in node for s in sentences(v)]
        return []

    assert [s for s in sentences(document) if NAN.search(s)] == []
    assert "NaN" not in files.metrics.read_text(encoding="utf-8")


def test_a_board_with_history_has_no_such_note() -> None:
    moved = [
        ItemHistory(
            "MKT-1",
            status="Done",
            created=T0,
            transitions=(
                Transition(T0 + timedelta(days=1), "To Do", "In Progress"),
                Transition(T0 + timedelta(days=2), "In Progress", "Done"),
            ),
        )
    ]
    assert FlowReport.build(moved, WF).summary()["history"] is None


def test_the_command_line_says_the_source_has_no_status_history(tmp_path: Path) -> None:
    history = tmp_path / "history.jsonl"
    write_history(snapshot(), history)
    result = CliRunner().invoke(
        main,
        [
            "report",
            str(history),
            "--stages",
            "To Do,In Progress,Done",
            "--out",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "no status history" in result.output
    assert not NAN.search(result.output)


def test_a_snapshots_finished_items_count_on_their_resolution_day_not_their_creation() -> None:
    # a snapshot has no moves, but the tool's resolution date says when each item finished:
    # throughput (and burnup's done line) count it then, as a sync into a mirror dates it
    from agilemarketing.flow import FlowLog
    from agilemarketing.metrics import throughput

    items = snapshot(6)  # MKT-0, 2, 4 done: resolved three days after their creation
    log = FlowLog.build(items, WF)
    done = sorted(d.date() for d in log.done.astype("datetime64[us]").tolist() if d is not None)
    assert done == sorted(h.resolved.date() for h in items if h.resolved is not None)
    counted = throughput(log)
    by_day = dict(zip(counted.days.tolist(), counted.counts.tolist(), strict=True))
    finished = [h for h in items if h.resolved is not None]
    assert [by_day[h.resolved.date()] for h in finished] == [1, 1, 1]  # type: ignore[union-attr]
    assert [by_day.get(h.created.date(), 0) for h in finished] == [0, 0, 0]


def test_a_resolution_before_the_creation_is_not_believed() -> None:
    from agilemarketing.flow import FlowLog

    created = T0 + timedelta(days=5)
    odd = ItemHistory("MKT-1", status="Done", created=created, resolved=T0)
    log = FlowLog.build([odd], WF)
    assert log.done.tolist()[0] == created.replace(tzinfo=None)
