"""Probabilistic forecasts from a team's own throughput: *when* and *how many*.

A forecast answers one of four questions, each with a probability attached:

- :func:`when_done` — when will the next ``N`` items be done?
  ("85% likely by 2026-03-12")
- :func:`how_many_by` — how many items will be done by a date?
  ("85% likely at least 23 items by 2026-03-12")
- :func:`ranked_completion` — a ranked list (the Blueprint's campaigns in order, each with its
  remaining items, worked in rank order): when is each one likely done?
- :func:`backlog_clearance` — how long does the whole backlog take at the current rate,
  optionally with scope growing at the observed arrival rate? (One team found its committed
  work would take five years.) When arrivals outpace throughput, the result says so plainly:
  the backlog never clears.

All of them resample the team's **daily throughput** over a window of past days, held in a
:class:`ThroughputSample`. Two methods give the same kind of result:

``"exact"``
    The distribution of the number of items finished in ``k`` days is the ``k``-fold
    convolution of the daily throughput distribution, computed with numpy and truncated at
    ``N`` (once ``N`` items are done the question is answered). No sampling noise. It assumes
    days are independent and identically distributed, and it does not model scope growth.

``"montecarlo"``
    Draws ``trials`` futures day by day (vectorised: a trials x days matrix, cumulative sums
    and a first-passage search, in memory-bounded chunks). It is reproducible with ``seed``, and
    extends where the exact method does not: resampling whole blocks of days (``block_days=7``
    keeps weekly rhythms), and scope growth in :func:`backlog_clearance`.

>>> import numpy as np
>>> from datetime import date
>>> sample = ThroughputSample(np.array([0, 1, 2, 1, 0, 3, 1, 2, 0, 1]), last_day=date(2026, 3, 1))
>>> fc = when_done(20, sample, method="exact")
>>> print(fc.statements()[2])
85% likely by 2026-03-23 (20 items, 22 days)
>>> fc.likely(0.85) <= fc.likely(0.95)
True

Day counts become dates through a calendar: every calendar day by default, or the team's
working days with a :class:`~agilemarketing.workdays.WorkCalendar` (then resample working days
only: :meth:`ThroughputSample.on_workdays`).

The package holds :mod:`~agilemarketing.forecast.sample` (the throughput sample),
:mod:`~agilemarketing.forecast.engines` (exact convolution and Monte Carlo),
:mod:`~agilemarketing.forecast.results` (the forecasts and their percentiles) and
:mod:`~agilemarketing.forecast.questions` (the four questions); everything is re-exported here.
Charts of the results are drawn by :mod:`agilemarketing.charts`.
"""

from __future__ import annotations

from agilemarketing.forecast.questions import (
    DEFAULT_CONFIDENCES,
    backlog_clearance,
    how_many_by,
    ranked_completion,
    when_done,
)
from agilemarketing.forecast.results import (
    ClearanceForecast,
    ForecastMethod,
    HowManyForecast,
    HowManyPercentile,
    RankedEntry,
    RankedForecast,
    WhenForecast,
    WhenPercentile,
)
from agilemarketing.forecast.sample import ThroughputSample

__all__ = [
    "DEFAULT_CONFIDENCES",
    "ClearanceForecast",
    "ForecastMethod",
    "HowManyForecast",
    "HowManyPercentile",
    "RankedEntry",
    "RankedForecast",
    "ThroughputSample",
    "WhenForecast",
    "WhenPercentile",
    "backlog_clearance",
    "how_many_by",
    "ranked_completion",
    "when_done",
]
