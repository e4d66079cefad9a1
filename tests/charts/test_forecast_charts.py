"""Forecast charts: histograms with percentile lines, ranked bars."""

from __future__ import annotations

from datetime import date

import matplotlib
import numpy as np

from agilemarketing.forecast import ThroughputSample, how_many_by, ranked_completion, when_done

matplotlib.use("Agg")
import matplotlib.pyplot as plt

BUSY = ThroughputSample(
    np.array([3, 4, 6, 2, 5, 8, 3, 4, 4, 5, 1, 6, 3, 2]), last_day=date(2026, 3, 1)
)


def test_forecasts_plot_a_histogram_with_percentile_lines() -> None:
    ax = when_done(40, BUSY, method="exact").plot()
    assert len(ax.lines) == 4
    assert "When will 40 items be done" in ax.get_title()
    ax = how_many_by(date(2026, 3, 20), BUSY, method="exact").plot()
    assert len(ax.lines) == 4
    ax = ranked_completion([("A", 5), ("B", 9)], BUSY, method="exact").plot()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["B", "A"]
    plt.close("all")


def test_a_forecast_chart_draws_on_the_axes_it_is_given() -> None:
    fig, ax = plt.subplots()
    try:
        assert when_done(40, BUSY, method="exact").plot(ax) is ax
    finally:
        plt.close(fig)
