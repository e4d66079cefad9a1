"""The charts of the forecasts, one function per result of :mod:`agilemarketing.forecast`.

Each takes a result (any object of the shape in :mod:`agilemarketing.charts.shapes`) and an
optional Axes and returns the Axes; the results' ``plot(ax=None)`` methods call these.

>>> from datetime import date
>>> from agilemarketing.forecast import ThroughputSample, when_done
>>> sample = ThroughputSample([1, 2, 0, 3], last_day=date(2026, 3, 1))
>>> ax = plot_when_done(when_done(6, sample, method="exact"))
>>> ax.get_title()
'When will 6 items be done? (exact)'
>>> pyplot().close(ax.figure)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from agilemarketing.charts.axes import date_axis, whole_ticks
from agilemarketing.charts.fonts import use_fallback_font
from agilemarketing.charts.palette import (
    BLUE,
    GREEN,
    LIGHT_BLUE,
    LIGHT_GREEN,
    RED,
    VERMILION,
    confidence_colour,
)
from agilemarketing.charts.shapes import ClearanceLike, HowManyLike, RankedLike, WhenLike
from agilemarketing.extras import pyplot

__all__ = [
    "plot_backlog_clearance",
    "plot_how_many_by",
    "plot_ranked_completion",
    "plot_when_done",
]


def _histogram(ax: Any, x: NDArray[Any], probabilities: NDArray[np.float64], colour: str) -> None:
    """Bars for a few values; one filled step curve (a single artist) for many."""
    mask = probabilities > 0
    xs = x[mask].astype("datetime64[D]").astype(object) if x.dtype.kind == "M" else x[mask]
    if int(mask.sum()) <= 150:
        ax.bar(xs, probabilities[mask], width=1.0, color=colour, label="probability")
        return
    first, last = np.flatnonzero(mask)[[0, -1]]
    span = slice(int(first), int(last) + 1)
    xs = x[span].astype("datetime64[D]").astype(object) if x.dtype.kind == "M" else x[span]
    ax.fill_between(xs, probabilities[span], step="mid", color=colour, label="probability")


def _new_axes(ax: Any, size: tuple[float, float] = (9, 4)) -> Any:
    """``ax`` or a new Axes; pyplot is set up either way, as the forecasts always did."""
    plt = pyplot()
    use_fallback_font()
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _confidence_lines(ax: Any, marks: Sequence[tuple[float, Any]]) -> None:
    """A dashed vertical line per (confidence, where), in the palette's percentile colours."""
    for i, (confidence, where) in enumerate(marks):
        ax.axvline(
            where,
            color=confidence_colour(confidence, i),
            linestyle="--",
            linewidth=1.2,
            label=f"{confidence * 100:g}%: {where}",
        )


def plot_when_done(result: WhenLike, ax: Any = None) -> Any:
    """Histogram of finishing dates with a line per percentile."""
    ax = _new_axes(ax)
    _histogram(ax, result.dates, result.probabilities, LIGHT_BLUE)
    _confidence_lines(ax, [(p.confidence, p.date) for p in result.percentiles if p.date])
    ax.set_title(f"When will {result.items} items be done? ({result.method})")
    ax.set_xlabel("finished on")
    ax.set_ylabel("probability")
    ax.legend(loc="best", fontsize=8)
    ax.figure.autofmt_xdate()
    return ax


def plot_how_many_by(result: HowManyLike, ax: Any = None) -> Any:
    """Histogram of item counts with a line per percentile."""
    ax = _new_axes(ax)
    _histogram(ax, np.arange(result.probabilities.size), result.probabilities, LIGHT_GREEN)
    _confidence_lines(ax, [(p.confidence, p.items) for p in result.percentiles])
    ax.set_title(f"How many items by {result.by.isoformat()}? ({result.method})")
    ax.set_xlabel("items done")
    ax.set_ylabel("probability")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_ranked_completion(result: RankedLike, ax: Any = None) -> Any:
    """One bar per entry from its lowest to its highest percentile date."""
    ax = _new_axes(ax, (9, 0.5 * len(result.entries) + 1.5))
    names = [e.name for e in result.entries][::-1]
    for y, entry in enumerate(result.entries[::-1]):
        known = [p for p in entry.forecast.percentiles if p.date is not None]
        if not known:
            continue
        lo, hi = known[0].date, known[-1].date
        assert lo is not None
        assert hi is not None
        ax.barh(y, (hi - lo).days + 1, left=lo, color=LIGHT_BLUE, height=0.5)
        ax.plot([p.date for p in known], [y] * len(known), "k|", markersize=10)
    ax.set_yticks(range(len(names)), names)
    levels = "/".join(f"{p.confidence * 100:g}" for p in result.entries[0].forecast.percentiles)
    ax.set_title(f"Ranked work, done in rank order: likely done by (ticks at {levels}%)")
    ax.set_xlabel("date")
    ax.figure.autofmt_xdate()
    return ax


def plot_backlog_clearance(
    result: ClearanceLike, ax: Any = None, *, days_per_week: int = 7, weeks: int = 26
) -> Any:
    """The probability that the backlog is cleared by each date, with percentile lines.

    When arrivals outpace throughput the backlog never clears, and a probability curve would
    be a flat line at zero: the chart draws the gap instead, over the next ``weeks`` weeks,
    requests arriving (on top of the open backlog) against items finished at the team's
    rates. ``days_per_week`` is the number of forecast days in a week (5 with a Monday to
    Friday calendar), to give those rates per week.

    >>> from datetime import date
    >>> from agilemarketing.forecast import ThroughputSample, backlog_clearance
    >>> sample = ThroughputSample([1, 0, 1, 0], date(2026, 3, 1), arrivals=[2, 1, 2, 1])
    >>> ax = plot_backlog_clearance(backlog_clearance(20, sample, scope_growth=True, seed=1))
    >>> ax.get_title().splitlines()[0]
    'Backlog of 20 items never clears: requests arrive faster than work finishes'
    >>> [line.get_label() for line in ax.lines]
    ['open backlog + requests arriving (10.5 a week)', 'items finished (3.5 a week)']
    >>> pyplot().close(ax.figure)
    """
    ax = _new_axes(ax)
    if result.never_clears and result.arrivals_per_day is not None:
        return _gap(ax, result, days_per_week, weeks)
    fc = result.forecast
    days = fc.dates.astype("datetime64[D]").astype(object)
    ax.plot(days, np.minimum(np.cumsum(fc.probabilities), 1.0), color=BLUE)
    _confidence_lines(ax, [(p.confidence, p.date) for p in fc.percentiles if p.date])
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("probability cleared")
    ax.set_xlabel("date")
    title = f"Backlog of {result.backlog} items: probability it is cleared by each date"
    if result.never_clears:
        title += (
            f"\narrivals outpace throughput: {result.probability_within_horizon:.0%} "
            f"likely within {horizon_text(fc.horizon_days)}"
        )
    ax.set_title(title, fontsize=10)
    if any(p.date for p in fc.percentiles):
        ax.legend(loc="lower right", fontsize=8)
    ax.figure.autofmt_xdate()
    return ax


def _gap(ax: Any, result: ClearanceLike, days_per_week: int, weeks: int) -> Any:
    """Arrivals on top of the open backlog against items finished, week by week."""
    fc = result.forecast
    arriving = float(result.arrivals_per_day or 0.0) * days_per_week
    finishing = float(result.throughput_per_day) * days_per_week
    w = np.arange(weeks + 1)
    start = np.datetime64(fc.start, "D")
    days = (start + w * 7).astype("datetime64[D]").astype(object)
    backlog = result.backlog + arriving * w
    finished = finishing * w
    ax.plot(
        days,
        backlog,
        color=VERMILION,
        label=f"open backlog + requests arriving ({arriving:.1f} a week)",
    )
    ax.plot(days, finished, color=GREEN, label=f"items finished ({finishing:.1f} a week)")
    ax.fill_between(days, finished, backlog, color=RED, alpha=0.08, lw=0)
    ax.annotate(
        f"still open after {weeks} weeks: {backlog[-1] - finished[-1]:,.0f}",
        (days[-1], (backlog[-1] + finished[-1]) / 2),
        ha="right",
        va="center",
        fontsize=9,
        color=RED,
    )
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"items from {fc.start.isoformat()}")
    whole_ticks(ax)
    ax.set_xlabel("date")
    ax.set_title(
        f"Backlog of {result.backlog} items never clears: requests arrive faster than work "
        f"finishes\n{result.probability_within_horizon:.0%} likely cleared within "
        f"{horizon_text(fc.horizon_days)} at these rates",
        fontsize=10,
    )
    ax.legend(loc="upper left", fontsize=8)
    date_axis(ax)
    return ax


def horizon_text(days: int) -> str:
    """A forecast horizon as a reader says it: days up to two years, whole years beyond.

    >>> horizon_text(200), horizon_text(730), horizon_text(3653)
    ('200 days', '2 years', '10 years')
    """
    if days < 730:
        return f"{days:,} days"
    return f"{days / 365.25:.0f} years"
