"""One palette: a percentile has the same colour in metric and forecast charts; the charts are
a leaf that imports neither metrics nor forecasts."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.colors import to_hex

import agilemarketing.charts
from agilemarketing import metrics as m
from agilemarketing.charts.palette import PERCENTILE_COLOURS, confidence_colour
from agilemarketing.flow import FlowLog
from agilemarketing.forecast import ThroughputSample, when_done

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _line_colours(ax: object) -> dict[str, str]:
    return {line.get_label(): to_hex(line.get_color()) for line in ax.lines}  # type: ignore[attr-defined]


def test_a_percentile_has_the_same_colour_in_metric_and_forecast_charts() -> None:
    cycle = m.cycle_times(FlowLog.example()).plot()
    sample = ThroughputSample(np.array([1, 2, 0, 3, 1]), last_day=date(2026, 3, 1))
    forecast = when_done(10, sample, method="exact").plot()
    try:
        metric_85 = [c for label, c in _line_colours(cycle).items() if label.startswith("85th")]
        forecast_85 = [c for label, c in _line_colours(forecast).items() if label.startswith("85%")]
        assert metric_85 == forecast_85 == [PERCENTILE_COLOURS[85]]
    finally:
        plt.close("all")


def test_a_confidence_outside_the_palette_still_gets_a_distinct_colour() -> None:
    colours = [confidence_colour(c, i) for i, c in enumerate([0.6, 0.8, 0.9, 0.99])]
    assert len(set(colours)) == 4


def test_the_charts_import_neither_metrics_nor_forecasts() -> None:
    package = Path(agilemarketing.charts.__file__).parent
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    ours = sorted(name for name in imported if name.startswith("agilemarketing"))
    allowed = ("agilemarketing.charts", "agilemarketing.extras")
    assert all(name in allowed or name.startswith("agilemarketing.charts.") for name in ours), ours
