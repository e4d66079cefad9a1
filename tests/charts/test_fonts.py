"""Stage names in a script the default font lacks (a Japanese Trello board) render in every
chart with an installed CJK font, and without one the report says once what to install."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

import matplotlib
import pytest

from agilemarketing import metrics as m
from agilemarketing.charts import fonts
from agilemarketing.errors import MissingGlyphWarning
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.report import FlowReport, ReportSettings
from agilemarketing.workflow import Workflow

matplotlib.use("Agg")
import matplotlib.pyplot as plt

STAGES = ("未着手", "進行中", "レビュー", "完了")
WF = Workflow.from_shorthand(",".join(STAGES), start="進行中", wip={"進行中": 3})
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _item(i: int) -> ItemHistory:
    start = T0 + timedelta(days=i)
    moves = [Transition(T0, None, "未着手"), Transition(start, "未着手", "進行中")]
    if i % 3:
        moves.append(Transition(start + timedelta(days=1), "進行中", "レビュー"))
    if i % 3 == 2:
        moves.append(Transition(start + timedelta(days=3), "レビュー", "完了"))
    return ItemHistory(f"カード-{i}", status=moves[-1].to_status, created=T0, transitions=moves)


ITEMS = [_item(i) for i in range(24)]
METRICS = m.FlowMetrics.compute(FlowLog.build(ITEMS, WF))


@pytest.fixture(scope="module")
def report() -> FlowReport:
    """The report of the Japanese board."""
    return FlowReport.build(ITEMS, WF, settings=ReportSettings(trials=500))


RESULTS = {
    name: getattr(METRICS, name)
    for name in (
        "cycle_times",
        "throughput",
        "net_flow",
        "wip",
        "cfd",
        "ageing",
        "burnup",
        "cycles",
        "flow_efficiency",
        "blocked",
        "wip_breaches",
        "sle",
        "xmr_throughput",
        "xmr_cycle_time",
    )
}

needs_font = pytest.mark.skipif(
    fonts.fallback_font() is None,
    reason="no installed font covers CJK (Debian, Ubuntu: apt install fonts-noto-cjk)",
)


def _texts(ax: Any) -> str:
    parts = [ax.get_title(), *(t.get_text() for t in ax.get_xticklabels())]
    legend = ax.get_legend()
    if legend is not None:
        parts += [t.get_text() for t in legend.get_texts()]
    return " ".join(parts)


@needs_font
@pytest.mark.parametrize("name", list(RESULTS))
def test_every_chart_of_a_japanese_board_renders_without_a_missing_glyph(name: str) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph \d+ .*missing from font")
        warnings.filterwarnings("ignore", "No artists with labels")
        ax = RESULTS[name].plot()
        try:
            ax.figure.canvas.draw()
        finally:
            plt.close(ax.figure)


@needs_font
def test_the_japanese_stage_names_are_on_the_charts() -> None:
    for name in ("wip", "cfd", "ageing", "wip_breaches"):
        ax = RESULTS[name].plot()
        try:
            ax.figure.canvas.draw()
            assert "進行中" in _texts(ax), name
        finally:
            plt.close(ax.figure)


@needs_font
def test_the_report_of_a_japanese_board_renders_every_chart_without_a_warning(
    report: FlowReport,
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingGlyphWarning)
        warnings.filterwarnings("error", message=r"Glyph \d+ .*missing from font")
        charts = report.charts()
    assert {"wip", "cfd", "ageing", "cycle_time_histogram"} <= set(charts)


def test_without_a_cjk_font_the_report_warns_once_and_names_the_fix(
    report: FlowReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "fallback_font", lambda: None)
    with (
        matplotlib.rc_context({"font.family": ["DejaVu Sans"]}),
        pytest.warns(MissingGlyphWarning) as caught,
    ):
        charts = report.charts()
    glyphs = [w for w in caught if fonts.missing_glyph(str(w.message))]
    assert not glyphs  # not one warning per character
    ours = [w for w in caught if isinstance(w.message, MissingGlyphWarning)]
    assert len(ours) == 1
    assert "fonts-noto-cjk" in str(ours[0].message)
    assert "ageing" in charts  # the charts still render


def test_the_fallback_font_is_appended_once_after_the_default() -> None:
    family = fonts.fallback_font()
    if family is None:
        pytest.skip("no installed font covers CJK (Debian, Ubuntu: apt install fonts-noto-cjk)")
    with matplotlib.rc_context({"font.family": ["sans-serif"]}):
        assert fonts.use_fallback_font() == family
        assert fonts.use_fallback_font() == family
        assert list(matplotlib.rcParams["font.family"]) == ["sans-serif", family]
