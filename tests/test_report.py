"""The flow report: every file, every section, self-contained, written atomically."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from agilemarketing.errors import HistorySourceError, ReportOutputError
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.historyio import HistoryTable
from agilemarketing.metrics import ANTI_METRICS
from agilemarketing.report import SCHEMA, SECTIONS, FlowReport, ReportSettings, load_history
from agilemarketing.simulate import simulate_board
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow

SETTINGS = ReportSettings(title="Team Rocket flow", trials=2_000)


@pytest.fixture(scope="module")
def board_report() -> FlowReport:
    board = simulate_board(items=90, seed=8)
    return FlowReport.build(board.table, board.workflow, settings=SETTINGS, source="simulated")


@pytest.fixture(scope="module")
def written(board_report: FlowReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports") / "flow"
    board_report.write(out)
    return out


def test_the_report_directory_holds_every_file(written: Path) -> None:
    assert (written / "report.html").is_file()
    assert (written / "metrics.json").is_file()
    charts = sorted((written / "charts").glob("*.png"))
    tables = sorted((written / "tables").glob("*.csv"))
    assert {p.stem for p in charts} >= {
        "cycle_time",
        "throughput",
        "cfd",
        "wip",
        "ageing",
        "burnup",
        "predictability",
        "flow_efficiency",
        "sle",
        "xmr_throughput",
        "forecast_when",
        "forecast_how_many",
        "forecast_clearance",
    }
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in charts)
    assert {p.stem for p in tables} >= {"cycle_times", "throughput", "cycles", "data_quality"}
    header = (written / "tables" / "cycle_times.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("key,type,start,done,days,calendar_days")
    assert not list(written.parent.glob(".flow.*")), "no temporary directory left behind"


def test_metrics_json_holds_every_metric_and_forecast(written: Path) -> None:
    doc = json.loads((written / "metrics.json").read_text(encoding="utf-8"))
    assert doc["schema"] == SCHEMA
    assert doc["report"]["title"] == "Team Rocket flow"
    assert doc["report"]["source"] == "simulated"
    metrics = doc["metrics"]
    for key in (
        "data_quality",
        "cycle_time",
        "throughput",
        "net_flow",
        "wip",
        "cfd",
        "ageing_wip",
        "burnup",
        "cycles",
        "flow_efficiency",
        "blocked_time",
        "wip_breaches",
        "sle",
        "xmr",
    ):
        assert key in metrics, key
    assert doc["summary"]["done"] == metrics["throughput"]["total"]
    assert doc["summary"]["items"] == 90
    forecasts = doc["forecasts"]
    assert forecasts["problem"] is None
    assert [p["confidence"] for p in forecasts["when"]["percentiles"]] == [0.5, 0.7, 0.85, 0.95]
    assert forecasts["clearance"]["backlog"] == doc["summary"]["open"]
    assert set(doc["not_measured"]) == set(ANTI_METRICS)
    files = doc["report"]["files"]
    assert all((written / name).is_file() for name in files["tables"] + files["charts"])
    assert next(s["name"] for s in doc["workflow"]["stages"]) == "Backlog"


def test_the_page_has_every_section_and_embeds_every_chart(written: Path) -> None:
    page = (written / "report.html").read_text(encoding="utf-8")
    for anchor, title in SECTIONS:
        assert f'<section id="{anchor}"><h2>' in page, anchor
        assert f'href="#{anchor}"' in page
        assert title.split(",")[0].replace("'", "&#x27;") in page
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == len(list((written / "charts").glob("*.png")))


def test_the_page_needs_nothing_from_the_network(written: Path) -> None:
    page = (written / "report.html").read_text(encoding="utf-8")
    assert "://" not in page
    for attribute in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert attribute.startswith(("data:", "#")), attribute
    assert "<link" not in page
    assert "@import" not in page


def test_text_from_the_data_is_escaped(tmp_path: Path) -> None:
    items = [
        ItemHistory(
            "MKT-<1>",
            summary="<script>alert(1)</script>",
            status="Done",
            created="2026-03-02T09:00Z",
            transitions=[
                Transition("2026-03-02T09:00Z", None, "To Do"),
                Transition("2026-03-03T09:00Z", "To Do", "Doing"),
                Transition("2026-03-05T09:00Z", "Doing", "Done"),
            ],
        )
    ]
    report = FlowReport.build(
        items,
        Workflow.from_shorthand("To Do,Doing,Done"),
        settings=ReportSettings(title="<b>Q1</b>", trials=500),
    )
    page = report.to_html()
    assert "<b>Q1</b>" not in page
    assert "&lt;b&gt;Q1&lt;/b&gt;" in page
    assert "MKT-<1>" not in page


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip rendering: these tests are about files, not pictures."""
    monkeypatch.setattr(FlowReport, "charts", lambda self: {"tiny": b"\x89PNG\r\n\x1a\n"})


@pytest.mark.usefixtures("quick_charts")
def test_a_new_report_replaces_the_old_one_atomically(
    board_report: FlowReport, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    board_report.write(out)
    (out / "charts" / "stale.png").write_bytes(b"old")
    assert (out / "charts" / "tiny.png").exists()
    board_report.write(out)
    assert not (out / "charts" / "stale.png").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


@pytest.mark.usefixtures("quick_charts")
def test_a_failure_while_writing_leaves_the_previous_report_intact(
    board_report: FlowReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    board_report.write(out)
    before = (out / "metrics.json").read_bytes()

    def broken(self: FlowReport, charts: object = None) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(FlowReport, "to_html", broken)
    with pytest.raises(OSError, match="disk full"):
        board_report.write(out)
    assert (out / "metrics.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_directory_that_is_not_a_report_is_never_replaced(
    board_report: FlowReport, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(ReportOutputError, match="not an agilemarketing report"):
        board_report.write(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "precious"
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ReportOutputError, match="is a file"):
        board_report.write(target)


T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def done_item(key: str, day: int, labels: tuple[str, ...] = ()) -> ItemHistory:
    return ItemHistory(
        key,
        status="Done",
        created=T0,
        labels=labels,
        transitions=[
            Transition(T0, None, "To Do"),
            Transition(T0 + timedelta(days=day - 2), "To Do", "Doing"),
            Transition(T0 + timedelta(days=day), "Doing", "Done"),
        ],
    )


def open_item(key: str, label: str, rank: str) -> ItemHistory:
    return ItemHistory(
        key,
        status="To Do",
        created=T0,
        labels=[label],
        rank=rank,
        transitions=[Transition(T0, None, "To Do")],
    )


def test_campaigns_are_forecast_in_backlog_rank_order() -> None:
    items = [done_item(f"D-{d}", d) for d in range(3, 40, 2)]
    items += [
        open_item("A-1", "campaign:autumn", "0|5"),
        open_item("A-2", "campaign:autumn", "0|6"),
        open_item("S-1", "campaign:spring", "0|1"),
        open_item("S-2", "campaign:spring", "0|9"),
        open_item("S-3", "campaign:spring", "0|8"),
        open_item("X-1", "channel:email", "0|0"),
    ]
    report = FlowReport.build(
        items, Workflow.from_shorthand("To Do,Doing,Done"), settings=ReportSettings(trials=500)
    )
    ranked = report.forecasts.ranked
    assert ranked is not None
    assert [(e.name, e.remaining, e.cumulative) for e in ranked.entries] == [
        ("spring", 3, 3),
        ("autumn", 2, 5),
    ]
    assert report.forecasts.clearance is not None
    assert report.forecasts.clearance.backlog == 6


def test_a_board_without_finished_work_still_reports_and_says_why_there_is_no_forecast(
    tmp_path: Path,
) -> None:
    items = [open_item(f"O-{k}", "campaign:x", f"0|{k}") for k in range(5)]
    report = FlowReport.build(
        items, Workflow.from_shorthand("To Do,Doing,Done"), settings=ReportSettings(trials=500)
    )
    assert report.forecasts.problem is not None
    assert "no item finished in the window" in report.forecasts.problem
    files = report.write(tmp_path / "out")
    page = files.html.read_text(encoding="utf-8")
    assert "No forecast: " in page
    doc = json.loads(files.metrics.read_text(encoding="utf-8"))
    assert doc["forecasts"]["when"] is None


def test_a_working_day_calendar_shapes_the_forecasts(board_report: FlowReport) -> None:
    board = simulate_board(items=90, seed=8)
    report = FlowReport.build(
        board.table,
        board.workflow,
        settings=ReportSettings(trials=1_000, calendar=WorkCalendar()),
    )
    when = report.forecasts.when
    assert when is not None
    days = np.array([p.date for p in when.percentiles if p.date], dtype="datetime64[D]")
    assert np.is_busday(days).all()
    assert report.summary()["throughput_per_week"] is not None


def test_histories_load_from_files_and_adapter_urls(tmp_path: Path) -> None:
    board = simulate_board(items=20, seed=1)
    history, _ = board.write(tmp_path)
    table = load_history(history)
    assert table.keys.tolist() == board.table.keys.tolist()
    assert isinstance(load_history("memory:nothing-here"), HistoryTable)
    with pytest.raises(HistorySourceError, match="no such file"):
        load_history(tmp_path / "missing.jsonl")
    with pytest.raises(HistorySourceError, match="is a directory"):
        load_history(tmp_path)


def test_a_report_reads_a_mirror(tmp_path: Path) -> None:
    from agilemarketing.adapter import CreateItem, MoveStatus
    from agilemarketing.mirror import MirrorAdapter

    path = tmp_path / "team.db"
    with MirrorAdapter(str(path)) as board:
        board.write(
            [
                CreateItem("MKT-1", "Spring webinar", status="To Do"),
                MoveStatus("MKT-1", "Doing", from_status="To Do"),
                MoveStatus("MKT-1", "Done", from_status="Doing"),
            ]
        )
    table = load_history(f"mirror:{path}")
    assert table.keys.tolist() == ["MKT-1"]
    assert table.n_transitions >= 2
