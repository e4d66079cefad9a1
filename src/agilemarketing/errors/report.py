"""Errors of forecasts (forecast.py, simulate.py) and the flow report (report/), and the
report's one warning."""

from __future__ import annotations

from typing import Any

from agilemarketing.errors.base import AgileMarketingError

__all__ = [
    "ExampleBoardError",
    "HistorySourceError",
    "MissingGlyphWarning",
    "NoThroughputError",
    "ReportOutputError",
]


class NoThroughputError(AgileMarketingError):
    """A forecast was asked for from a window of days in which no item was finished.

    Resampling a window with zero throughput can only say "never"; a wider window (or one
    that ends later) holds the team's real pace.

    Attributes:
        first_day: the window's first day (None for an empty window).
        last_day: the window's last day (None for an empty window).
        days: how many days the window covers.
    """

    def __init__(self, first_day: Any, last_day: Any, days: int) -> None:
        self.first_day = first_day
        self.last_day = last_day
        self.days = days
        where = (
            f"throughput window {first_day} to {last_day} ({days} days)"
            if first_day is not None
            else "throughput window (empty)"
        )
        super().__init__(
            "no item finished in the window",
            where=where,
            fix="widen it (more weeks, or a range that includes finished work)",
        )


class HistorySourceError(AgileMarketingError):
    """A report or forecast source could not be read (unknown scheme, missing file).

    Attributes:
        source: the source as the user wrote it.
    """

    def __init__(self, source: str, what: str, *, fix: str) -> None:
        self.source = source
        super().__init__(what, where=f"history source {source!r}", fix=fix)


class ReportOutputError(AgileMarketingError):
    """A report cannot be written where it was asked to go.

    A report replaces an earlier report in the same directory, but never a file or a
    directory holding anything else.

    Attributes:
        path: the output directory asked for.
    """

    def __init__(self, path: Any, what: str) -> None:
        self.path = path
        super().__init__(
            what,
            where=f"report output {str(path)!r}",
            fix="choose a new directory for --out (or one that holds an earlier report)",
        )


class MissingGlyphWarning(UserWarning):
    """Some chart text has characters no installed font covers (they draw as boxes).

    A warning, not an error: the report is still written; the message says what to install."""


class ExampleBoardError(AgileMarketingError):
    """The bundled example board cannot be read from the installation or written where asked
    (``agilemarketing example board``, :func:`agilemarketing.example.write_example_board`)."""
