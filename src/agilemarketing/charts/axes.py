"""The drawing helpers every chart shares: a new Axes, date ticks, titles and labels, dot sizes,
sparse tick labels and percentile lines.

>>> ax = axes(None)
>>> labelled(ax, "A title", "x", "y") is ax, ax.get_title()
(True, 'A title')
>>> pyplot().close(ax.figure)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agilemarketing.charts.palette import percentile_colour
from agilemarketing.extras import pyplot

__all__ = [
    "axes",
    "date_axis",
    "dates",
    "dot_size",
    "labelled",
    "percentile_lines",
    "sparse_ticks",
]


def axes(ax: Any, size: tuple[float, float] = (9, 4)) -> Any:
    """``ax``, or a new figure's Axes of ``size`` inches when it is None."""
    if ax is not None:
        return ax
    _, ax = pyplot().subplots(figsize=size)
    return ax


def dates(days: Any) -> Any:
    """``datetime64`` days as Python dates matplotlib places on a date axis."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[ms]").astype(object)


def date_axis(ax: Any) -> None:
    """Automatic, concise date ticks on the x axis."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def labelled(
    ax: Any,
    title: str,
    xlabel: str,
    ylabel: str,
    *,
    legend: str | None = None,
    dates: bool = False,
) -> Any:
    """Title, axis labels, an optional legend (at ``legend``) and date ticks; returns ``ax``."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend is not None:
        ax.legend(loc=legend, fontsize=8)
    if dates:
        date_axis(ax)
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
