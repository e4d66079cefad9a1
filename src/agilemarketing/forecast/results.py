"""What a forecast answers: a distribution over days (*when*) or item counts (*how many*),
its percentiles, and the sentences people read them in.

>>> WhenPercentile(0.85, 12, date(2026, 3, 12)).to_dict()
{'confidence': 0.85, 'days': 12, 'date': '2026-03-12'}
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from agilemarketing import charts
from agilemarketing._display import Summary, number, summary
from agilemarketing.extras import require_pandas
from agilemarketing.forecast.engines import at_least, days_at
from agilemarketing.forecast.sample import as_date

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ClearanceForecast",
    "ForecastMethod",
    "HowManyForecast",
    "HowManyPercentile",
    "RankedEntry",
    "RankedForecast",
    "WhenForecast",
    "WhenPercentile",
]


class ForecastMethod(enum.StrEnum):
    """How a forecast is computed: exact convolution or Monte Carlo simulation."""

    MONTE_CARLO = "montecarlo"
    EXACT = "exact"


@attrs.frozen
class WhenPercentile:
    """``confidence`` likely done within ``days`` days (working days where the forecast
    counted them), that is by ``date``.

    ``days`` and ``date`` are None when that confidence is not reached within the horizon.
    """

    confidence: float
    days: int | None
    date: date | None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "confidence": self.confidence,
            "days": self.days,
            "date": None if self.date is None else self.date.isoformat(),
        }


@attrs.frozen
class HowManyPercentile:
    """``confidence`` likely that at least ``items`` items are done."""

    confidence: float
    items: int

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"confidence": self.confidence, "items": self.items}


def _pct(confidence: float) -> str:
    return f"{confidence * 100:g}%"


def _unit(working_days: bool) -> str:
    return "working days" if working_days else "days"


def _short(confidence: float, when: date | None) -> str:
    return f"{_pct(confidence)} by {when.isoformat()}" if when else f"{_pct(confidence)} beyond"


@attrs.frozen(eq=False)
class WhenForecast:
    """When ``items`` items are likely done, counting days from ``start``.

    ``probabilities[k]`` is the probability that the last of them is finished on day ``k``
    (day 1 is ``start``); ``beyond_horizon`` is the probability of not finishing within the
    horizon at all. ``dates[k]`` is the calendar date of day ``k``. Days are working days of a
    :class:`~agilemarketing.workdays.WorkCalendar` when ``working_days`` (the forecast was
    given one), else every calendar day.
    """

    items: int
    start: date
    method: ForecastMethod
    probabilities: NDArray[np.float64]
    dates: NDArray[np.datetime64]
    percentiles: tuple[WhenPercentile, ...]
    beyond_horizon: float
    trials: int | None = None
    seed: int | None = None
    draws: int = 0
    window: tuple[date, date] | None = None
    working_days: bool = False

    @property
    def horizon_days(self) -> int:
        """How many days (working days, see ``working_days``) the forecast looked ahead."""
        return int(self.probabilities.size - 1)

    def likely(self, confidence: float) -> date | None:
        """The date by which the items are done with at least ``confidence`` probability."""
        days = days_at(self.probabilities, confidence)
        return None if days is None else as_date(self.dates[days])

    def probability_by(self, when: date) -> float:
        """Probability that all items are done by the end of ``when``."""
        reached = int(np.searchsorted(self.dates, np.datetime64(when, "D"), side="right"))
        return float(min(self.probabilities[:reached].sum(), 1.0))

    def statements(self) -> list[str]:
        """One sentence per percentile, as people read them."""
        out = []
        for p in self.percentiles:
            if p.date is None:
                span = f"{self.horizon_days} {_unit(self.working_days)}"
                if self.horizon_days > 365:
                    span += f", {self.horizon_days / 365.25:.1f} years"
                out.append(
                    f"less than {_pct(p.confidence)} likely within {span} ({self.items} items)"
                )
            else:
                out.append(
                    f"{_pct(p.confidence)} likely by {p.date.isoformat()} "
                    f"({self.items} items, {p.days} {_unit(self.working_days)})"
                )
        return out

    def __str__(self) -> str:
        return "; ".join(self.statements())

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (the schema of ``agilemarketing forecast --json``)."""
        return {
            "question": "when",
            "items": self.items,
            "start": self.start.isoformat(),
            "method": self.method.value,
            "trials": self.trials,
            "seed": self.seed,
            "window": _window_dict(self.window),
            "horizon_days": self.horizon_days,
            "day_unit": _unit(self.working_days),
            "probability_beyond_horizon": self.beyond_horizon,
            "percentiles": [p.to_dict() for p in self.percentiles],
            "statements": self.statements(),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per day counted: date, probability of finishing that day, cumulative."""
        require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "day": np.arange(self.probabilities.size),
                "date": self.dates.astype("datetime64[ns]"),
                "probability": self.probabilities,
                "cumulative": np.minimum(np.cumsum(self.probabilities), 1.0),
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Histogram of finishing dates with a line per percentile; returns the Axes."""
        return charts.plot_when_done(self, ax)

    def _summary(self) -> Summary:
        facts = [f"{self.items:,} items from {self.start.isoformat()}", str(self.method)]
        facts.extend(_short(p.confidence, p.date) for p in self.percentiles)
        return summary(
            "WhenForecast",
            facts,
            ["confidence", _unit(self.working_days), "done by"],
            ((_pct(p.confidence), p.days, p.date) for p in self.percentiles),
            total=len(self.percentiles),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def _window_dict(window: tuple[date, date] | None) -> dict[str, str] | None:
    if window is None:
        return None
    return {"first_day": window[0].isoformat(), "last_day": window[1].isoformat()}


@attrs.frozen(eq=False)
class HowManyForecast:
    """How many items are likely done by ``by``: ``days`` days from ``start`` (working days
    of the forecast's calendar when ``working_days``).

    ``probabilities[n]`` is the probability that exactly ``n`` items are done.
    """

    by: date
    start: date
    days: int
    method: ForecastMethod
    probabilities: NDArray[np.float64]
    percentiles: tuple[HowManyPercentile, ...]
    trials: int | None = None
    seed: int | None = None
    draws: int = 0
    window: tuple[date, date] | None = None
    working_days: bool = False

    def likely(self, confidence: float) -> int:
        """The largest item count reached with at least ``confidence`` probability."""
        return at_least(self.probabilities, confidence)

    def probability_at_least(self, items: int) -> float:
        """Probability that at least ``items`` items are done."""
        if items <= 0:
            return 1.0
        return float(min(self.probabilities[items:].sum(), 1.0))

    def statements(self) -> list[str]:
        """One sentence per percentile, as people read them."""
        return [
            f"{_pct(p.confidence)} likely at least {p.items} items by {self.by.isoformat()}"
            for p in self.percentiles
        ]

    def __str__(self) -> str:
        return "; ".join(self.statements())

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (the schema of ``agilemarketing forecast --by ... --json``)."""
        return {
            "question": "how_many",
            "by": self.by.isoformat(),
            "start": self.start.isoformat(),
            "days": self.days,
            "day_unit": _unit(self.working_days),
            "method": self.method.value,
            "trials": self.trials,
            "seed": self.seed,
            "window": _window_dict(self.window),
            "percentiles": [p.to_dict() for p in self.percentiles],
            "statements": self.statements(),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per item count: probability of exactly that many, and of at least that many."""
        require_pandas()
        import pandas as pd

        at_least = np.minimum(np.cumsum(self.probabilities[::-1])[::-1], 1.0)
        return pd.DataFrame(
            {
                "items": np.arange(self.probabilities.size),
                "probability": self.probabilities,
                "at_least": at_least,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Histogram of item counts with a line per percentile; returns the Axes."""
        return charts.plot_how_many_by(self, ax)

    def _summary(self) -> Summary:
        facts = [
            f"by {self.by.isoformat()} ({self.days:,} {_unit(self.working_days)})",
            str(self.method),
        ]
        facts.extend(f"{_pct(p.confidence)}: {p.items:,}+" for p in self.percentiles)
        return summary(
            "HowManyForecast",
            facts,
            ["confidence", "at least (items)"],
            ((_pct(p.confidence), p.items) for p in self.percentiles),
            total=len(self.percentiles),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


@attrs.frozen
class RankedEntry:
    """One entry of a ranked list: its own remaining items, the running total, its forecast."""

    name: str
    remaining: int
    cumulative: int
    forecast: WhenForecast


@attrs.frozen(eq=False)
class RankedForecast:
    """When each entry of a ranked list is likely done, working the list top-down."""

    entries: tuple[RankedEntry, ...]

    def statements(self) -> list[str]:
        """One sentence per entry at its 85th (or the highest) percentile."""
        out = []
        for entry in self.entries:
            p = _pick(entry.forecast.percentiles, 0.85)
            when = (
                f"by {p.date.isoformat()}"
                if p.date
                else f"not within {entry.forecast.horizon_days} days"
            )
            out.append(
                f"{entry.name}: {_pct(p.confidence)} likely {when} "
                f"({entry.remaining} items, {entry.cumulative} counting those ranked above)"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "question": "ranked",
            "entries": [
                {
                    "name": e.name,
                    "remaining": e.remaining,
                    "cumulative": e.cumulative,
                    "percentiles": [p.to_dict() for p in e.forecast.percentiles],
                }
                for e in self.entries
            ],
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per entry, a date column per percentile (``p85`` ...)."""
        require_pandas()
        import pandas as pd

        rows = []
        for rank, e in enumerate(self.entries, start=1):
            row: dict[str, Any] = {
                "rank": rank,
                "name": e.name,
                "remaining": e.remaining,
                "cumulative": e.cumulative,
            }
            for p in e.forecast.percentiles:
                row[f"p{p.confidence * 100:g}"] = p.date
            rows.append(row)
        return pd.DataFrame(rows)

    def plot(self, ax: Any = None) -> Any:
        """One bar per entry from its lowest to its highest percentile date; returns the Axes."""
        return charts.plot_ranked_completion(self, ax)

    def _summary(self) -> Summary:
        picks = [_pick(e.forecast.percentiles, 0.85) for e in self.entries]
        return summary(
            "RankedForecast",
            [f"{len(self.entries):,} entries"],
            ["rank", "entry", "remaining", "with those above", "likely by"],
            (
                (rank, e.name, e.remaining, e.cumulative, _short(p.confidence, p.date))
                for rank, (e, p) in enumerate(zip(self.entries, picks, strict=True), start=1)
            ),
            total=len(self.entries),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def _pick(percentiles: Sequence[WhenPercentile], confidence: float) -> WhenPercentile:
    for p in percentiles:
        if abs(p.confidence - confidence) < 1e-9:
            return p
    return percentiles[-1]


@attrs.frozen(eq=False)
class ClearanceForecast:
    """How long the whole backlog takes to clear.

    ``never_clears`` is True when items arrive at least as fast as they are finished (with
    ``scope_growth``): at that rate the backlog does not shrink, and ``warning`` says so.
    """

    backlog: int
    throughput_per_day: float
    arrivals_per_day: float | None
    scope_growth: bool
    never_clears: bool
    warning: str | None
    forecast: WhenForecast

    @property
    def expected_days(self) -> float | None:
        """Backlog over the net daily rate, in working days (None if it never clears)."""
        growth = (self.arrivals_per_day or 0.0) if self.scope_growth else 0.0
        net = self.throughput_per_day - growth
        if net <= 0:
            return None
        return self.backlog / net

    @property
    def probability_within_horizon(self) -> float:
        """Probability that the backlog is cleared within the forecast's horizon."""
        return 1.0 - self.forecast.beyond_horizon

    def statements(self) -> list[str]:
        """The warning (if any), one sentence per percentile, and the chance within the horizon."""
        out = [self.warning] if self.warning else []
        out.extend(f"backlog of {self.backlog} cleared: {s}" for s in self.forecast.statements())
        if self.forecast.beyond_horizon > 0.0:
            days = self.forecast.horizon_days
            out.append(
                f"{self.probability_within_horizon:.0%} likely cleared within {days} days "
                f"({days / 365.25:.1f} years)"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "question": "clearance",
            "backlog": self.backlog,
            "throughput_per_day": self.throughput_per_day,
            "arrivals_per_day": self.arrivals_per_day,
            "scope_growth": self.scope_growth,
            "never_clears": self.never_clears,
            "warning": self.warning,
            "expected_days": self.expected_days,
            "probability_within_horizon": self.probability_within_horizon,
            "forecast": self.forecast.to_dict(),
        }

    def to_pandas(self) -> pd.DataFrame:
        """The finishing-date distribution (see :meth:`WhenForecast.to_pandas`)."""
        return self.forecast.to_pandas()

    def plot(self, ax: Any = None) -> Any:
        """The probability that the backlog is cleared by each date, with percentile lines.

        A cumulative curve stays readable when clearing is unlikely within the horizon (it
        then stays low, and the title says so).
        """
        return charts.plot_backlog_clearance(self, ax)

    def _summary(self) -> Summary:
        facts = [f"backlog of {self.backlog:,}", f"{number(self.throughput_per_day)} done a day"]
        if self.never_clears:
            facts.append("never clears at this rate")
        facts.extend(_short(p.confidence, p.date) for p in self.forecast.percentiles)
        return summary(
            "ClearanceForecast",
            facts,
            ["confidence", "working days", "cleared by"],
            ((_pct(p.confidence), p.days, p.date) for p in self.forecast.percentiles),
            total=len(self.forecast.percentiles),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()
