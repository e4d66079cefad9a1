"""The report's new views: the cycle-time histogram beside the scatter, the burnup cone, every
rate per week, the source named as the user gave it, the at-risk table by risk."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from agilemarketing.cli import main
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.report import FlowReport, ReportSettings
from agilemarketing.workflow import Workflow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "board"
WF = Workflow.from_shorthand("To Do,Doing,Done", start="Doing")
AS_OF = datetime(2026, 6, 30, 12, tzinfo=UTC)


def _finished(i: int) -> ItemHistory:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(days=i)
    return ItemHistory(
        f"D-{i:02}",
        status="Done",
        created=start,
        transitions=[
            Transition(start, None, "To Do"),
            Transition(start, "To Do", "Doing"),
            Transition(start + timedelta(days=2 + i % 9), "Doing", "Done"),
        ],
    )


def _open(key: str, age: int) -> ItemHistory:
    start = AS_OF - timedelta(days=age)
    return ItemHistory(
        key,
        status="Doing",
        created=start,
        transitions=[Transition(start, None, "To Do"), Transition(start, "To Do", "Doing")],
    )


@pytest.fixture(scope="module")
def report() -> FlowReport:
    """Sixty finished items (2 to 10 days each) and six in progress of mixed ages, the two
    oldest both breaching the SLE, listed younger first."""
    items = [_finished(i) for i in range(60)]
    items += [_open("W-1", 14), _open("W-2", 30), _open("W-3", 8), _open("W-4", 6)]
    items += [_open("W-5", 2), _open("W-6", 9)]
    settings = ReportSettings(trials=1_000, as_of=AS_OF)
    return FlowReport.build(items, WF, settings=settings, source="team.jsonl")


@pytest.fixture(scope="module")
def page(report: FlowReport) -> str:
    return report.to_html()


def _section(page: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}">(.*?)</section>', page, re.S)
    assert match is not None, anchor
    return match.group(1)


def _cells(table: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


def test_the_cycle_time_histogram_sits_beside_the_scatter(report: FlowReport, page: str) -> None:
    assert "cycle_time_histogram" in report._chart_makers()
    pair = re.search(r'<div class="pair">(.*?)</div>', _section(page, "cycle-time"), re.S)
    assert pair is not None
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", pair.group(1))
    assert captions == ["Cycle time per finished item", "How many items took each number of days"]


def test_the_burnup_forecasts_when_the_open_scope_is_done(report: FlowReport, page: str) -> None:
    b, cone = report.metrics.burnup, report.forecasts.burnup
    assert cone is not None
    assert cone.items == int(b.scope[-1] - b.done[-1]) == 6
    doc = report.to_dict()
    assert doc["forecasts"]["burnup"]["items"] == 6
    burnup = _section(page, "burnup")
    dates = [p.date.isoformat() for p in cone.percentiles if p.date is not None]
    assert len(dates) == 4
    assert f"Without new work, the 6 open items are done: 50% likely by {dates[0]}" in burnup


_PER_DAY = r"\d\s*(?:items?\s*)?(?:/\s*day|a day\b|per day)"


def _per_day_rates(page: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]*"', "", page))
    return re.findall(r".{0,40}" + _PER_DAY + r".{0,10}", text)


def test_every_rate_on_the_page_is_per_week(page: str) -> None:
    assert _per_day_rates(page) == []
    assert "a week" in _section(page, "forecasts")


def test_a_backlog_that_never_clears_is_explained_per_week() -> None:
    report = FlowReport.build(
        EXAMPLE / "history.jsonl",
        Workflow.from_toml(EXAMPLE / "workflow.toml"),
        settings=ReportSettings(trials=500),
    )
    assert report.forecasts.clearance is not None
    assert report.forecasts.clearance.never_clears
    page = report.to_html(charts={})
    assert _per_day_rates(page) == []
    callout = re.findall(r'<div class="callout">(.*?)</div>', _section(page, "summary"))
    assert len(callout) == 1
    assert re.match(r"Requests arrive at \d+\.\d a week, faster than the team finishes", callout[0])


def test_the_at_risk_table_lists_the_highest_risk_first_the_oldest_first_among_equals(
    report: FlowReport, page: str
) -> None:
    sle = report.metrics.sle
    rows = _cells(_section(page, "sle").split("At risk or breached")[1])
    risks = [int(r[2].rstrip("%")) for r in rows]
    assert risks == sorted(risks, reverse=True)
    assert len(rows) == int(sum(str(s) != "on track" for s in sle.status.tolist()))
    assert [r[0] for r in rows[:2]] == ["W-2", "W-1"]  # both breached: the older first
    ages = [int(r[1]) for r in rows]
    for k in range(len(rows) - 1):
        assert risks[k] > risks[k + 1] or ages[k] >= ages[k + 1]


def _header(page: str) -> str:
    match = re.search(r"<header>.*?<p>(.*?)</p>", page, re.S)
    assert match is not None
    return match.group(1)


def _copy_board(to: Path) -> Path:
    board = to / "examples" / "board"
    board.mkdir(parents=True)
    for name in ("history.jsonl", "workflow.toml"):
        shutil.copy(EXAMPLE / name, board / name)
    return board


@pytest.mark.usefixtures("quick_charts")
@pytest.mark.parametrize("typed", ["relative", "absolute"])
def test_the_header_names_the_source_as_typed_never_an_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    board = _copy_board(tmp_path)
    monkeypatch.chdir(tmp_path)
    history = (
        "examples/board/history.jsonl" if typed == "relative" else str(board / "history.jsonl")
    )
    result = CliRunner().invoke(
        main,
        [
            *("report", history, "--workflow", "examples/board/workflow.toml"),
            *("--out", "out", "--trials", "500"),
        ],
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "source examples/board/history.jsonl" in _header(page)
    assert str(tmp_path) not in page
    doc = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert doc["report"]["source"] == "examples/board/history.jsonl"


def test_a_path_outside_the_working_directory_is_shown_by_its_last_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = _copy_board(tmp_path / "elsewhere")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    report = FlowReport.build(
        board / "history.jsonl", WF, settings=ReportSettings(trials=200, title="x")
    )
    assert report.source == "board/history.jsonl"
    assert report.to_dict()["report"]["source"] == "board/history.jsonl"
    report = FlowReport.build(
        board / "history.jsonl",
        WF,
        settings=ReportSettings(trials=200),
        source=f"mirror:{tmp_path}/team.db",
    )
    assert report.source == f"mirror:{tmp_path.name}/team.db"
