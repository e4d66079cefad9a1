"""Writing a report: every file in one directory, replaced atomically, never over other files."""

from __future__ import annotations

from pathlib import Path

import pytest

from agilemarketing.errors import ReportOutputError
from agilemarketing.report import FlowReport


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
