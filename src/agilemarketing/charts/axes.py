"""The drawing helpers every chart shares: a new Axes, date ticks (the first with its year),
titles and labels, dot sizes, sparse tick labels, percentile lines, and the "nothing to show"
message a chart draws instead of an empty axis.

>>> ax = axes(None)
>>> labelled(ax, "A title", "x", "y") is ax, ax.get_title()
(True, 'A title')
>>> pyplot().close(ax.figure)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agilemarketing.charts.fonts import use_fallback_font
from agilemarketing.charts.palette import DARK_GREY, percentile_colour
from agilemarketing.extras import pyplot

__all__ = [
    "axes",
    "date_axis",
    "dates",
    "dot_size",
    "labelled",
    "nothing_to_show",
    "percentile_lines",
    "sparse_ticks",
    "whole_ticks",
    "year_first",
]


def axes(ax: Any, size: tuple[float, float] = (9, 4)) -> Any:
    """``ax``, or a new figure's Axes of ``size`` inches when it is None.

    Either way the CJK fallback font is set up first
    (:func:`~agilemarketing.charts.fonts.use_fallback_font`)."""
    use_fallback_font()
    if ax is not None:
        return ax
    _, ax = pyplot().subplots(figsize=size)
    return ax


def dates(days: Any) -> Any:
    """``datetime64`` days as Python dates matplotlib places on a date axis."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[ms]").astype(object)


def year_first(labels: list[str], first: Any) -> list[str]:
    """Concise tick ``labels`` with the year added to the first one (the day ``first``) when it
    lacks it: ``Nov`` becomes ``Nov 2025``, a day ``12`` becomes ``12 Nov 2025``.

    >>> from datetime import date
    >>> year_first(["Nov", "2026", "Mar"], date(2025, 11, 1))
    ['Nov 2025', '2026', 'Mar']
    >>> year_first(["12", "19"], date(2026, 3, 12)), year_first([], None)
    (['12 Mar 2026', '19'], [])
    """
    if not labels or str(first.year) in labels[0]:
        return labels
    head = labels[0]
    if head.isalpha():
        text = f"{head} {first.year}"
    elif head.isdigit():
        text = f"{first.day} {first:%b %Y}"
    else:
        text = f"{head}\n{first.day} {first:%b %Y}"
    return [text, *labels[1:]]


def date_axis(ax: Any) -> None:
    """Automatic, concise date ticks on the x axis, the first tick with its year."""
    import matplotlib.dates as mdates

    class YearFirst(mdates.ConciseDateFormatter):
        def format_ticks(self, values: Any) -> list[str]:
            labels = list(super().format_ticks(values))  # type: ignore[no-untyped-call]
            if not len(values):
                return labels
            return year_first(labels, mdates.num2date(values[0]))  # type: ignore[no-untyped-call]

    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(YearFirst(locator))  # type: ignore[no-untyped-call]


def nothing_to_show(ax: Any, title: str, message: str) -> Any:
    """Say ``message`` in the middle of ``ax`` (titled ``title``) instead of drawing an empty
    axis; returns ``ax``.

    >>> ax = nothing_to_show(axes(None), "Blocked time per item", "Nothing was blocked.")
    >>> [t.get_text() for t in ax.texts], ax.axison
    (['Nothing was blocked.'], False)
    >>> pyplot().close(ax.figure)
    """
    ax.set_title(title)
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=12,
        color=DARK_GREY,
        wrap=True,
    )
    return ax


def labelled(
    ax: Any,
    title: str,
    xlabel: str,
    ylabel: str,
    *,
    legend: str | None = None,
    dates: bool = False,
) -> Any:
    """Title, axis labels, an optional legend (at ``legend``) and date ticks; returns ``ax``.

    A y axis that counts items (its label starts with "items") ticks at whole numbers."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ylabel.startswith("items"):
        whole_ticks(ax)
    if legend is not None:
        ax.legend(loc=legend, fontsize=8)
    if dates:
        date_axis(ax)
    return ax


def whole_ticks(ax: Any) -> Any:
    """Ticks at whole numbers only on ``ax``'s y axis (a count of items is never 2.5)."""
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return ax


def dot_size(n: int, size: float) -> tuple[float, float]:
    """Marker size and alpha for ``n`` dots: smaller and lighter past a few hundred."""
    if n <= 500:
        return size, 0.8
    return max(1.0, size * float(np.sqrt(500 / n))), 0.35


def sparse_ticks(ax: Any, labels: list[str], *, most: int = 30, **style: Any) -> None:
    """One tick per label, but at most about ``most`` of them labelled (every k-th)."""
    step = max(1, -(-len(labels) // most))
    ax.set_xticks(
        range(len(labels)), [t if k % step == 0 else "" for k, t in enumerate(labels)], **style
    )


def percentile_lines(ax: Any, values: dict[int, float], *, horizontal: bool = True) -> None:
    """A dashed line per finite percentile value, in the palette's percentile colours."""
    for p, v in values.items():
        if not np.isfinite(v):
            continue
        draw = ax.axhline if horizontal else ax.axvline
        draw(
            v,
            color=percentile_colour(p),
            linestyle="--",
            linewidth=1,
            label=f"{p}th percentile: {v:g}",
        )
