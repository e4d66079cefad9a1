"""The one colour palette of every chart, metric and forecast alike.

A percentile (or a forecast's confidence level) has the same colour wherever it is drawn: the
85th percentile of cycle time and the 85% line of a forecast are both :data:`ORANGE`.

>>> percentile_colour(85) == PERCENTILE_COLOURS[85] == ORANGE
True
>>> confidence_colour(0.85, 2), confidence_colour(0.9, 1) == AMBER
('#d9480f', True)
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "AMBER",
    "BLUE",
    "CRIMSON",
    "DARK_GREY",
    "GREEN",
    "GREY",
    "LIGHT_BLUE",
    "LIGHT_GREEN",
    "LIGHT_GREY",
    "ORANGE",
    "PERCENTILE_COLOURS",
    "RED",
    "STATUS_COLOURS",
    "VERMILION",
    "confidence_colour",
    "percentile_colour",
]

BLUE = "#1c7ed6"
"""The main series: dots, bars, lines of one measure."""
LIGHT_BLUE = "#8fb3d9"
"""Probability bars of a finishing-date forecast."""
LIGHT_GREEN = "#a5d6a7"
"""Probability bars of an item-count forecast."""
GREEN = "#2b8a3e"
"""Finished work; the 50th percentile; on track."""
AMBER = "#e8a317"
"""The 70th percentile; at risk."""
ORANGE = "#d9480f"
"""The 85th percentile; an overall value drawn over a histogram."""
CRIMSON = "#a61e4d"
"""The 95th percentile."""
RED = "#e03131"
"""Signals, blocked time, breaches."""
VERMILION = "#e8590c"
"""Work started (against work finished)."""
GREY = "#868e96"
"""Scope."""
LIGHT_GREY = "#adb5bd"
"""What was committed (against what was completed)."""
DARK_GREY = "#495057"
"""Reference lines: a mean, limits, an SLE."""

PERCENTILE_COLOURS: Mapping[int, str] = {50: GREEN, 70: AMBER, 85: ORANGE, 95: CRIMSON}
"""The colour of each reported percentile (:data:`agilemarketing.metrics.PERCENTILES`)."""

STATUS_COLOURS: Mapping[str, str] = {"on track": GREEN, "at risk": AMBER, "breached": RED}
"""The colour of each service-level status of an item in progress."""

_SEQUENCE = tuple(PERCENTILE_COLOURS.values())


def percentile_colour(percentile: int) -> str:
    """The colour of a percentile line (``"grey"`` for a percentile outside the palette)."""
    return PERCENTILE_COLOURS.get(percentile, "grey")


def confidence_colour(confidence: float, index: int) -> str:
    """The colour of the line of a forecast's ``index``-th confidence level: its percentile's
    colour, or the ``index``-th palette colour for a level outside the palette.
    """
    colour = PERCENTILE_COLOURS.get(round(confidence * 100))
    return colour if colour is not None else _SEQUENCE[index % len(_SEQUENCE)]
