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
"""

from __future__ import annotations

import enum
import importlib.util
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from agilemarketing.charts import _pyplot
from agilemarketing.errors import InvalidValue, MissingExtraError, NoThroughputError
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

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

DEFAULT_CONFIDENCES: tuple[float, ...] = (0.5, 0.7, 0.85, 0.95)
"""The confidence levels every forecast reports unless told otherwise."""

_EPS = 1e-12
_CHUNK_CELLS = 2_000_000  # trials x days cells per simulated chunk (bounds memory)
_TEN_YEARS = 3653


class ForecastMethod(enum.StrEnum):
    """How a forecast is computed: exact convolution or Monte Carlo simulation."""

    MONTE_CARLO = "montecarlo"
    EXACT = "exact"


def _calendar_dates(
    start: date, days: int, calendar: WorkCalendar | None
) -> NDArray[np.datetime64]:
    """Dates of working days 1..days (index 0 is day 1): ``start`` rolled to a working day."""
    if days <= 0:
        return np.array([], dtype="datetime64[D]")
    if calendar is None:
        return np.datetime64(start, "D") + np.arange(days)
    return np.asarray(calendar.add_workdays(start, np.arange(days)), dtype="datetime64[D]")


def _as_date(value: np.datetime64) -> date:
    result = value.astype("datetime64[D]").astype(object)
    assert isinstance(result, date)
    return result


def _counts(value: ArrayLike, name: str) -> NDArray[np.int64]:
    array = np.asarray(value)
    if array.ndim != 1:
        raise InvalidValue(
            f"{name} must be a one-dimensional array of daily counts",
            where="ThroughputSample",
            fix="pass one count per day",
            value=array.shape,
        )
    if array.size and (not np.all(np.isfinite(array)) or np.any(array < 0)):
        raise InvalidValue(
            f"{name} must hold whole numbers of items, 0 or more",
            where="ThroughputSample",
            fix="count finished (or arrived) items per day",
        )
    if array.size and np.any(array != np.round(array)):
        raise InvalidValue(
            f"{name} must hold whole numbers of items",
            where="ThroughputSample",
            fix="count items per day; do not pass averages",
        )
    return array.astype(np.int64)


def _counts_converter(value: ArrayLike) -> NDArray[np.int64]:
    return _counts(value, "counts")


def _optional_counts(value: ArrayLike | None) -> NDArray[np.int64] | None:
    return None if value is None else _counts(value, "arrivals")


@attrs.frozen(eq=False)
class ThroughputSample:
    """Items finished per day over a window of consecutive past days, ending on ``last_day``.

    ``arrivals`` (optional) counts the items added to the backlog on the same days; it lets
    :func:`backlog_clearance` grow scope at the observed rate. Pick the window with
    :meth:`last` or :meth:`between`: the forecast assumes the future looks like it.

    >>> s = ThroughputSample([1, 0, 2, 3], last_day=date(2026, 1, 4))
    >>> s.first_day, s.days, s.total, s.mean
    (datetime.date(2026, 1, 1), 4, 6, 1.5)
    >>> s.last(days=2).counts.tolist()
    [2, 3]
    """

    counts: NDArray[np.int64] = attrs.field(converter=_counts_converter)
    last_day: date
    arrivals: NDArray[np.int64] | None = attrs.field(default=None, converter=_optional_counts)
    window_start: date | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.arrivals is not None and self.arrivals.shape != self.counts.shape:
            raise InvalidValue(
                "arrivals and throughput cover a different number of days",
                where="ThroughputSample",
                fix="count both over the same days",
                value=(self.arrivals.size, self.counts.size),
            )

    @classmethod
    def from_daily(
        cls,
        days: ArrayLike,
        counts: ArrayLike,
        arrivals: ArrayLike | None = None,
    ) -> ThroughputSample:
        """Build a sample from consecutive ``datetime64[D]`` (or ``date``) days and their counts.

        >>> d = np.arange("2026-01-01", "2026-01-04", dtype="datetime64[D]")
        >>> ThroughputSample.from_daily(d, [1, 2, 0]).last_day
        datetime.date(2026, 1, 3)
        """
        day_array = np.asarray(days, dtype="datetime64[D]")
        if day_array.size == 0:
            raise NoThroughputError(None, None, 0)
        if day_array.size > 1 and np.any(np.diff(day_array) != np.timedelta64(1, "D")):
            raise InvalidValue(
                "days must be consecutive calendar days",
                where="ThroughputSample.from_daily",
                fix="pass one entry per day, zero counts included",
            )
        return cls(counts, last_day=_as_date(day_array[-1]), arrivals=arrivals)

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return int(self.counts.size)

    @property
    def first_day(self) -> date:
        """The window's first day (``window_start`` when days were filtered out)."""
        if self.window_start is not None:
            return self.window_start
        return self.last_day - timedelta(days=max(self.days - 1, 0))

    @property
    def total(self) -> int:
        """Items finished in the window."""
        return int(self.counts.sum())

    @property
    def mean(self) -> float:
        """Average items finished per day."""
        return float(self.counts.mean()) if self.days else 0.0

    @property
    def arrival_mean(self) -> float | None:
        """Average items added per day, if arrivals are known."""
        if self.arrivals is None or not self.days:
            return None
        return float(self.arrivals.mean())

    @property
    def day_dates(self) -> NDArray[np.datetime64]:
        """The window's days as ``datetime64[D]``."""
        self._require_consecutive()
        return np.datetime64(self.first_day, "D") + np.arange(self.days)

    def _require_consecutive(self) -> None:
        if self.window_start is not None:
            raise InvalidValue(
                "this sample holds working days only; its days are no longer consecutive",
                where="ThroughputSample",
                fix="pick the window (last(), between()) before keeping working days",
            )

    def _slice(self, lo: int, hi: int) -> ThroughputSample:
        self._require_consecutive()
        arrivals = None if self.arrivals is None else self.arrivals[lo:hi]
        return ThroughputSample(
            self.counts[lo:hi],
            last_day=self.first_day + timedelta(days=hi - 1),
            arrivals=arrivals,
        )

    def last(self, *, days: int | None = None, weeks: int | None = None) -> ThroughputSample:
        """The most recent ``days`` days (or ``weeks`` weeks) of the window."""
        if (days is None) == (weeks is None):
            raise InvalidValue(
                "give exactly one of days= or weeks=",
                where="ThroughputSample.last",
                fix="for example last(weeks=12)",
            )
        span = days if days is not None else 7 * int(weeks or 0)
        if span <= 0:
            raise InvalidValue(
                "the window must be at least one day",
                where="ThroughputSample.last",
                fix="ask for 1 day or more",
                value=span,
            )
        return self._slice(max(self.days - span, 0), self.days)

    def between(self, start: date, end: date) -> ThroughputSample:
        """The days from ``start`` to ``end`` inclusive (clipped to the window)."""
        if end < start:
            raise InvalidValue(
                f"window end {end} is before its start {start}",
                where="ThroughputSample.between",
                fix="swap the dates",
            )
        lo = max((start - self.first_day).days, 0)
        hi = min((end - self.first_day).days + 1, self.days)
        return self._slice(lo, max(hi, lo))

    def working_days(self, workdays: ArrayLike) -> ThroughputSample:
        """Keep only the days where the boolean mask ``workdays`` is true.

        Use it with a team calendar so weekends and holidays (zero throughput by definition)
        do not drag the forecast down; then forecast with the same calendar.
        """
        self._require_consecutive()
        mask = np.asarray(workdays, dtype=bool)
        if mask.shape != self.counts.shape:
            raise InvalidValue(
                "the working-day mask must have one entry per day of the window",
                where="ThroughputSample.working_days",
                fix="build it from sample.day_dates",
                value=(mask.size, self.days),
            )
        arrivals = None if self.arrivals is None else self.arrivals[mask]
        return ThroughputSample(
            self.counts[mask],
            last_day=self.last_day,
            arrivals=arrivals,
            window_start=self.first_day,
        )

    def on_workdays(self, calendar: WorkCalendar) -> ThroughputSample:
        """Keep only the calendar's working days (see :meth:`working_days`).

        >>> from agilemarketing.workdays import WorkCalendar
        >>> s = ThroughputSample([1, 2, 0, 0, 3], last_day=date(2026, 1, 12))  # Thu..Mon
        >>> s.on_workdays(WorkCalendar()).counts.tolist()
        [1, 2, 3]
        """
        return self.working_days(calendar.is_workday(self.day_dates))

    def require_throughput(self) -> None:
        """Raise :class:`~agilemarketing.errors.NoThroughputError` if nothing was finished."""
        if self.total == 0:
            raise NoThroughputError(
                self.first_day if self.days else None,
                self.last_day if self.days else None,
                self.days,
            )


# --- The two engines ------------------------------------------------------------------------


def _pmf(counts: NDArray[np.int64]) -> NDArray[np.float64]:
    """Empirical distribution of daily throughput over 0..max."""
    return np.bincount(counts).astype(np.float64) / counts.size


def _exact_done_cdf(
    pmf: NDArray[np.float64], targets: NDArray[np.int64], max_days: int
) -> NDArray[np.float64]:
    """P(at least target_j items done within k days), shape (targets, K + 1) for k = 0..K.

    The distribution of the running total is convolved with the daily pmf once per day and
    truncated at the largest target (the mass at or above it is absorbed in the last bin).
    K stops early once every target is done with probability 1 - 1e-12.
    """
    cap = int(targets.max())
    dist = np.zeros(cap + 1)
    dist[0] = 1.0
    rows = [_survival_at(dist, targets)]
    for _ in range(max_days):
        moved = _convolve(dist[:cap], pmf)
        new = np.zeros(cap + 1)
        new[:cap] = moved[:cap]
        new[cap] = dist[cap] + moved[cap:].sum()
        dist = new
        rows.append(_survival_at(dist, targets))
        if rows[-1].min() >= 1.0 - _EPS:
            break
    return np.minimum(np.array(rows).T, 1.0)


def _survival_at(dist: NDArray[np.float64], targets: NDArray[np.int64]) -> NDArray[np.float64]:
    tail = np.cumsum(dist[::-1])[::-1]  # tail[x] = P(S >= x)
    return tail[targets]


def _convolve(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Convolution of two distributions: direct for small ones, by FFT for large ones."""
    if min(a.size, b.size) < 64 or a.size * b.size < 250_000:
        return np.convolve(a, b)
    n = a.size + b.size - 1
    size = 1 << (n - 1).bit_length()
    out = np.fft.irfft(np.fft.rfft(a, size) * np.fft.rfft(b, size), size)[:n]
    return np.clip(out, 0.0, None)


def _trim(offset: int, probs: NDArray[np.float64]) -> tuple[int, NDArray[np.float64]]:
    """Drop the outer values holding less than 1e-15 of the mass on each side."""
    limit = 1e-15 * float(probs.sum())
    head = np.cumsum(probs)
    tail = np.cumsum(probs[::-1])
    lo = int(np.searchsorted(head, limit, side="right"))
    hi = probs.size - int(np.searchsorted(tail, limit, side="right"))
    if hi <= lo:
        return offset, probs
    return offset + lo, probs[lo:hi]


def _exact_sum_pmf(pmf: NDArray[np.float64], days: int) -> NDArray[np.float64]:
    """Distribution of the total of ``days`` iid days, by repeated squaring of convolutions.

    Each partial distribution keeps an offset and drops tails below 1e-15 of the mass, so the
    work follows the spread of the total (about its square root), not its range.
    """
    result: tuple[int, NDArray[np.float64]] = (0, np.array([1.0]))
    power = _trim(0, pmf)
    remaining = days
    while remaining:
        if remaining & 1:
            result = _trim(result[0] + power[0], _convolve(result[1], power[1]))
        remaining >>= 1
        if remaining:
            power = _trim(2 * power[0], _convolve(power[1], power[1]))
    offset, probs = result
    out = np.zeros(offset + probs.size)
    out[offset:] = probs
    total = out.sum()
    return out / total if total > 0 else out


def _draw_days(
    rng: np.random.Generator, n_source: int, days: int, trials: int, block: int, phase: int = 0
) -> NDArray[np.intp]:
    """Indices of resampled days, shape (days, trials): one row per simulated day.

    With ``block`` > 1 whole runs of ``block`` consecutive days are resampled, starting at
    days ``phase``, ``phase + block``, ... of the window, so a week drawn for the future starts
    on the same weekday as the future week it stands for.
    """
    if block <= 1 or n_source < block:
        return rng.integers(0, n_source, size=(days, trials), dtype=np.intp)
    starts = np.arange(phase % block, n_source - block + 1, block, dtype=np.intp)
    if starts.size == 0:
        starts = np.arange(n_source - block + 1, dtype=np.intp)
    blocks = -(-days // block)
    chosen = starts[rng.integers(0, starts.size, size=(blocks, 1, trials), dtype=np.intp)]
    within = np.arange(block, dtype=np.intp)[None, :, None]
    return (chosen + within).reshape(blocks * block, trials)[:days]


def _mc_first_passage(
    done: NDArray[np.int64],
    arrivals: NDArray[np.int64] | None,
    targets: NDArray[np.int64],
    *,
    trials: int,
    rng: np.random.Generator,
    block: int,
    max_days: int,
    first_guess: int,
    phase: int = 0,
) -> tuple[NDArray[np.int64], int]:
    """Per trial and target, the first day the running total reaches the target (-1: never).

    The running total is items done minus items arrived (arrivals None: just items done).
    Trials are simulated side by side, in chunks of bounded memory: a stretch of days is drawn
    at once as a (days x trials) matrix, then added up one day (one row, every trial) at a
    time; trials that have reached the last target stop drawing. Returns (days, samples drawn).
    """
    n_targets = targets.size
    net = done if arrivals is None else done - arrivals
    bound = int(targets.max()) + (max_days + 1) * int(np.abs(net).max())
    small = np.int32 if bound < 2**30 else np.int64
    values = net.astype(small)
    limits = targets.astype(small)
    result = np.full((n_targets, trials), -1, dtype=np.int64)
    width = int(np.clip(first_guess, 8, 512))
    if block > 1:
        width = -(-width // block) * block
    chunk = max(1, min(trials, _CHUNK_CELLS // width))
    draws = 0
    for lo in range(0, trials, chunk):
        rows = np.arange(lo, min(lo + chunk, trials))
        total = np.zeros(rows.size, dtype=small)
        reached = np.zeros((n_targets, rows.size), dtype=bool)
        waited = np.zeros((n_targets, rows.size), dtype=np.int64)  # days before reaching
        offset = 0
        while rows.size and offset < max_days:
            span = min(width, max_days - offset)
            daily = values[_draw_days(rng, values.size, span, rows.size, block, phase + offset)]
            draws += daily.size
            for today in daily:
                np.add(total, today, out=total)
                for j in range(n_targets):
                    np.logical_or(reached[j], total >= limits[j], out=reached[j])
                    waited[j] += ~reached[j]
                if reached[-1].all():
                    break
            offset += span
            finished = reached[-1]
            if finished.any():
                result[:, rows[finished]] = waited[:, finished] + 1
                keep = ~finished
                rows, total = rows[keep], total[keep]
                reached, waited = reached[:, keep], waited[:, keep]
        if rows.size:  # not all targets reached within max_days
            result[:, rows] = np.where(reached, waited + 1, -1)
    return result.T, draws


def _mc_totals(
    done: NDArray[np.int64],
    days: int,
    *,
    trials: int,
    rng: np.random.Generator,
    block: int,
    phase: int = 0,
) -> tuple[NDArray[np.int64], int]:
    """Items done over ``days`` days, per trial (a days x trials matrix summed in chunks)."""
    totals = np.zeros(trials, dtype=np.int64)
    if days <= 0:
        return totals, 0
    chunk = max(1, min(trials, _CHUNK_CELLS // days))
    draws = 0
    for lo in range(0, trials, chunk):
        hi = min(lo + chunk, trials)
        picks = _draw_days(rng, done.size, days, hi - lo, block, phase)
        draws += picks.size
        totals[lo:hi] = done[picks].sum(axis=0)
    return totals, draws


# --- Results --------------------------------------------------------------------------------


@attrs.frozen
class WhenPercentile:
    """``confidence`` likely done within ``days`` working days, that is by ``date``.

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


def _require_pandas() -> None:
    if importlib.util.find_spec("pandas") is None:  # pragma: no cover - installed in dev
        raise MissingExtraError("pandas", "to_pandas()")


def _check_confidences(confidences: Iterable[float]) -> tuple[float, ...]:
    values = tuple(sorted(float(c) for c in confidences))
    if not values or any(not 0.0 < c < 1.0 for c in values):
        raise InvalidValue(
            "confidence levels must lie strictly between 0 and 1",
            where="forecast confidences",
            fix="use values such as 0.5, 0.85, 0.95",
            value=values,
        )
    return values


@attrs.frozen(eq=False)
class WhenForecast:
    """When ``items`` items are likely done, counting working days from ``start``.

    ``probabilities[k]`` is the probability that the last of them is finished on working day
    ``k`` (day 1 is ``start``); ``beyond_horizon`` is the probability of not finishing within
    the horizon at all. ``dates[k]`` is the calendar date of day ``k``.
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

    @property
    def horizon_days(self) -> int:
        """How many working days the forecast looked ahead."""
        return int(self.probabilities.size - 1)

    def likely(self, confidence: float) -> date | None:
        """The date by which the items are done with at least ``confidence`` probability."""
        days = _days_at(self.probabilities, confidence)
        return None if days is None else _as_date(self.dates[days])

    def probability_by(self, when: date) -> float:
        """Probability that all items are done by the end of ``when``."""
        reached = int(np.searchsorted(self.dates, np.datetime64(when, "D"), side="right"))
        return float(min(self.probabilities[:reached].sum(), 1.0))

    def statements(self) -> list[str]:
        """One sentence per percentile, as people read them."""
        out = []
        for p in self.percentiles:
            if p.date is None:
                span = f"{self.horizon_days} days"
                if self.horizon_days > 365:
                    span += f", {self.horizon_days / 365.25:.1f} years"
                out.append(
                    f"less than {_pct(p.confidence)} likely within {span} ({self.items} items)"
                )
            else:
                out.append(
                    f"{_pct(p.confidence)} likely by {p.date.isoformat()} "
                    f"({self.items} items, {p.days} days)"
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
            "probability_beyond_horizon": self.beyond_horizon,
            "percentiles": [p.to_dict() for p in self.percentiles],
            "statements": self.statements(),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per working day: date, probability of finishing that day, cumulative."""
        _require_pandas()
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
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4))
        _histogram(ax, self.dates, self.probabilities, "#8fb3d9")
        _percentile_lines(ax, [(p.confidence, p.date) for p in self.percentiles if p.date])
        ax.set_title(f"When will {self.items} items be done? ({self.method.value})")
        ax.set_xlabel("finished on")
        ax.set_ylabel("probability")
        ax.legend(loc="best", fontsize=8)
        ax.figure.autofmt_xdate()
        return ax


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


def _percentile_lines(ax: Any, marks: Sequence[tuple[float, Any]]) -> None:
    colours = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828")
    for i, (confidence, where) in enumerate(marks):
        ax.axvline(
            where,
            color=colours[i % len(colours)],
            linestyle="--",
            linewidth=1.2,
            label=f"{_pct(confidence)}: {where}",
        )


def _window_dict(window: tuple[date, date] | None) -> dict[str, str] | None:
    if window is None:
        return None
    return {"first_day": window[0].isoformat(), "last_day": window[1].isoformat()}


def _days_at(probabilities: NDArray[np.float64], confidence: float) -> int | None:
    cdf = np.cumsum(probabilities)
    hit = np.flatnonzero(cdf >= confidence - _EPS)
    return int(hit[0]) if hit.size else None


@attrs.frozen(eq=False)
class HowManyForecast:
    """How many items are likely done by ``by``: ``days`` working days from ``start``.

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

    def likely(self, confidence: float) -> int:
        """The largest item count reached with at least ``confidence`` probability."""
        return _at_least(self.probabilities, confidence)

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
            "method": self.method.value,
            "trials": self.trials,
            "seed": self.seed,
            "window": _window_dict(self.window),
            "percentiles": [p.to_dict() for p in self.percentiles],
            "statements": self.statements(),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per item count: probability of exactly that many, and of at least that many."""
        _require_pandas()
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
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4))
        _histogram(ax, np.arange(self.probabilities.size), self.probabilities, "#a5d6a7")
        _percentile_lines(ax, [(p.confidence, p.items) for p in self.percentiles])
        ax.set_title(f"How many items by {self.by.isoformat()}? ({self.method.value})")
        ax.set_xlabel("items done")
        ax.set_ylabel("probability")
        ax.legend(loc="best", fontsize=8)
        return ax


def _at_least(probabilities: NDArray[np.float64], confidence: float) -> int:
    survival = np.cumsum(probabilities[::-1])[::-1]  # survival[n] = P(S >= n)
    ok = np.flatnonzero(survival >= confidence - _EPS)
    return int(ok[-1]) if ok.size else 0


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
        _require_pandas()
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
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 0.5 * len(self.entries) + 1.5))
        names = [e.name for e in self.entries][::-1]
        for y, entry in enumerate(self.entries[::-1]):
            known = [p for p in entry.forecast.percentiles if p.date is not None]
            if not known:
                continue
            lo, hi = known[0].date, known[-1].date
            assert lo is not None
            assert hi is not None
            ax.barh(y, (hi - lo).days + 1, left=lo, color="#8fb3d9", height=0.5)
            ax.plot([p.date for p in known], [y] * len(known), "k|", markersize=10)
        ax.set_yticks(range(len(names)), names)
        levels = "/".join(f"{p.confidence * 100:g}" for p in self.entries[0].forecast.percentiles)
        ax.set_title(f"Ranked work, done in rank order: likely done by (ticks at {levels}%)")
        ax.set_xlabel("date")
        ax.figure.autofmt_xdate()
        return ax


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
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4))
        fc = self.forecast
        dates = fc.dates.astype("datetime64[D]").astype(object)
        ax.plot(dates, np.minimum(np.cumsum(fc.probabilities), 1.0), color="#1c7ed6")
        _percentile_lines(ax, [(p.confidence, p.date) for p in fc.percentiles if p.date])
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("probability cleared")
        ax.set_xlabel("date")
        title = f"Backlog of {self.backlog} items: probability it is cleared by each date"
        if self.never_clears:
            title += (
                f"\narrivals outpace throughput: {self.probability_within_horizon:.0%} "
                f"likely within {fc.horizon_days / 365.25:.0f} years"
            )
        ax.set_title(title, fontsize=10)
        if any(p.date for p in fc.percentiles):
            ax.legend(loc="lower right", fontsize=8)
        ax.figure.autofmt_xdate()
        return ax


# --- The questions ------------------------------------------------------------------------


def _method(method: ForecastMethod | str) -> ForecastMethod:
    try:
        return ForecastMethod(str(method).lower())
    except ValueError:
        raise InvalidValue(
            "unknown forecast method",
            where="forecast method",
            fix="use 'montecarlo' or 'exact'",
            value=method,
        ) from None


def _positive(value: int, name: str) -> int:
    if int(value) != value or value < 1:
        raise InvalidValue(
            f"{name} must be a whole number of 1 or more",
            where=f"forecast {name}",
            fix=f"pass a positive {name}",
            value=value,
        )
    return int(value)


def _phase(sample: ThroughputSample, start: date, calendar: WorkCalendar | None) -> int:
    """Days (working days for a working-day sample) from the window's first day to ``start``.

    Whole blocks of days are resampled in step with it, so a resampled week starts on the
    weekday of the future week it stands for.
    """
    if calendar is not None and sample.window_start is not None:
        return int(calendar.workdays_between(sample.first_day, start))
    return (start - sample.first_day).days


def _start(sample: ThroughputSample, start: date | None) -> date:
    return start if start is not None else sample.last_day + timedelta(days=1)


def _when_from_cdf(
    items: int,
    cdf: NDArray[np.float64],
    *,
    start: date,
    method: ForecastMethod,
    confidences: tuple[float, ...],
    calendar: WorkCalendar | None,
    sample: ThroughputSample,
    trials: int | None = None,
    seed: int | None = None,
    draws: int = 0,
) -> WhenForecast:
    cdf = np.maximum.accumulate(np.clip(cdf, 0.0, 1.0))
    probabilities = np.diff(cdf, prepend=0.0)
    horizon = probabilities.size - 1
    day_dates = _calendar_dates(start, horizon, calendar)
    # day 0 (nothing to do) is "done at the start"
    dates = np.concatenate([[np.datetime64(start, "D")], day_dates]).astype("datetime64[D]")
    percentiles = []
    for c in confidences:
        days = _days_at(probabilities, c)
        percentiles.append(WhenPercentile(c, days, None if days is None else _as_date(dates[days])))
    return WhenForecast(
        items=items,
        start=start,
        method=method,
        probabilities=probabilities,
        dates=dates,
        percentiles=tuple(percentiles),
        beyond_horizon=float(max(1.0 - cdf[-1], 0.0)),
        trials=trials,
        seed=seed,
        draws=draws,
        window=(sample.first_day, sample.last_day),
    )


def _cdf_from_days(days: NDArray[np.int64], max_days: int) -> NDArray[np.float64]:
    """Empirical CDF over 0..(last day reached) of first-passage days (-1 = never)."""
    reached = days[days >= 0]
    # when some trials ran the whole horizon without finishing, the CDF covers all of it
    unfinished = reached.size < days.size
    length = max_days + 1 if unfinished else min(int(reached.max()) + 1, max_days + 1)
    counts = np.bincount(reached, minlength=length)[:length]
    return np.cumsum(counts) / days.size


def _first_guess(targets_max: int, sample: ThroughputSample) -> int:
    return math.ceil(1.3 * targets_max / max(sample.mean, 1e-9)) + 8


def _ranked_engine(
    targets: NDArray[np.int64],
    sample: ThroughputSample,
    *,
    method: ForecastMethod,
    trials: int,
    seed: int | None,
    block_days: int,
    max_days: int,
    phase: int,
    growth: bool = False,
) -> tuple[list[NDArray[np.float64]], int]:
    """CDF over days per target (index k: P(done within k days)), and samples drawn."""
    if method is ForecastMethod.EXACT and block_days != 1:
        raise InvalidValue(
            "the exact method resamples single days only",
            where="forecast",
            fix="use method='montecarlo' for block_days > 1",
            value=block_days,
        )
    if method is ForecastMethod.EXACT:
        matrix = _exact_done_cdf(_pmf(sample.counts), targets, max_days)
        return [matrix[j] for j in range(targets.size)], 0
    rng = np.random.default_rng(seed)
    days, draws = _mc_first_passage(
        sample.counts,
        sample.arrivals if growth else None,
        targets,
        trials=_positive(trials, "trials"),
        rng=rng,
        block=_positive(block_days, "block_days"),
        max_days=max_days,
        first_guess=_first_guess(int(targets.max()), sample),
        phase=phase,
    )
    return [_cdf_from_days(days[:, j], max_days) for j in range(targets.size)], draws


def _when_forecasts(
    targets: Sequence[int],
    sample: ThroughputSample,
    *,
    how: ForecastMethod,
    first: date,
    trials: int,
    seed: int | None,
    block_days: int,
    confidences: Iterable[float],
    calendar: WorkCalendar | None,
    max_days: int,
    growth: bool = False,
) -> list[WhenForecast]:
    """One :class:`WhenForecast` per running total in ``targets`` (0: done at the start).

    One simulation (or one convolution) serves every target; the first forecast carries the
    number of samples drawn.
    """
    levels = _check_confidences(confidences)
    wanted = np.asarray(targets, dtype=np.int64)
    cdfs, draws = _ranked_engine(
        np.maximum(wanted, 1),
        sample,
        method=how,
        trials=trials,
        seed=seed,
        block_days=block_days,
        max_days=_positive(max_days, "max_days"),
        phase=_phase(sample, first, calendar),
        growth=growth,
    )
    simulated = how is ForecastMethod.MONTE_CARLO
    return [
        _when_from_cdf(
            target,
            cdfs[j] if target > 0 else np.array([1.0]),
            start=first,
            method=how,
            confidences=levels,
            calendar=calendar,
            sample=sample,
            trials=trials if simulated else None,
            seed=seed if simulated else None,
            draws=draws if j == 0 else 0,
        )
        for j, target in enumerate(wanted.tolist())
    ]


def when_done(
    items: int,
    sample: ThroughputSample,
    *,
    start: date | None = None,
    method: ForecastMethod | str = ForecastMethod.MONTE_CARLO,
    trials: int = 10_000,
    seed: int | None = None,
    block_days: int = 1,
    confidences: Iterable[float] = DEFAULT_CONFIDENCES,
    calendar: WorkCalendar | None = None,
    max_days: int = _TEN_YEARS,
) -> WhenForecast:
    """When will ``items`` more items be done, starting work on ``start``?

    ``start`` defaults to the day after the sample's window. Day counts are working days of
    ``calendar`` (every day without one). Forecasts look at most ``max_days`` ahead; a
    percentile not reached by then has no date.

    Raises:
        NoThroughputError: no item finished in the sample's window.

    >>> s = ThroughputSample([2, 1, 0, 3, 1, 1, 2], last_day=date(2026, 5, 31))
    >>> fc = when_done(10, s, seed=7)
    >>> fc.likely(0.5) <= fc.likely(0.85) <= fc.likely(0.95)
    True
    >>> when_done(10, s, seed=7).likely(0.85) == fc.likely(0.85)   # reproducible with a seed
    True
    """
    how = _method(method)
    items = _positive(items, "items")
    sample.require_throughput()
    (forecast,) = _when_forecasts(
        [items],
        sample,
        how=how,
        first=_start(sample, start),
        trials=trials,
        seed=seed,
        block_days=block_days,
        confidences=confidences,
        calendar=calendar,
        max_days=max_days,
    )
    return forecast


def how_many_by(
    by: date,
    sample: ThroughputSample,
    *,
    start: date | None = None,
    method: ForecastMethod | str = ForecastMethod.MONTE_CARLO,
    trials: int = 10_000,
    seed: int | None = None,
    block_days: int = 1,
    confidences: Iterable[float] = DEFAULT_CONFIDENCES,
    calendar: WorkCalendar | None = None,
) -> HowManyForecast:
    """How many items will be done from ``start`` up to and including ``by``?

    Raises:
        NoThroughputError: no item finished in the sample's window.

    >>> s = ThroughputSample([2, 1, 0, 3, 1, 1, 2], last_day=date(2026, 5, 31))
    >>> fc = how_many_by(date(2026, 6, 30), s, method="exact")
    >>> print(fc.statements()[2])
    85% likely at least 38 items by 2026-06-30
    """
    how = _method(method)
    sample.require_throughput()
    first = _start(sample, start)
    if by < first:
        raise InvalidValue(
            f"the date {by} is before the forecast starts ({first})",
            where="how_many_by",
            fix="ask about a later date, or pass an earlier start=",
        )
    span = (by - first).days + 1
    dates = _calendar_dates(first, span, calendar)
    days = int(np.count_nonzero(dates <= np.datetime64(by, "D")))
    draws = 0
    if how is ForecastMethod.EXACT:
        if block_days != 1:
            raise InvalidValue(
                "the exact method resamples single days only",
                where="how_many_by",
                fix="use method='montecarlo' for block_days > 1",
                value=block_days,
            )
        probabilities = _exact_sum_pmf(_pmf(sample.counts), days)
    else:
        rng = np.random.default_rng(seed)
        totals, draws = _mc_totals(
            sample.counts,
            days,
            trials=_positive(trials, "trials"),
            rng=rng,
            block=_positive(block_days, "block_days"),
            phase=_phase(sample, first, calendar),
        )
        probabilities = np.bincount(totals).astype(np.float64) / totals.size
    levels = _check_confidences(confidences)
    return HowManyForecast(
        by=by,
        start=first,
        days=days,
        method=how,
        probabilities=probabilities,
        percentiles=tuple(HowManyPercentile(c, _at_least(probabilities, c)) for c in levels),
        trials=trials if how is ForecastMethod.MONTE_CARLO else None,
        seed=seed if how is ForecastMethod.MONTE_CARLO else None,
        draws=draws,
        window=(sample.first_day, sample.last_day),
    )


def ranked_completion(
    remaining: Mapping[str, int] | Sequence[tuple[str, int]],
    sample: ThroughputSample,
    *,
    start: date | None = None,
    method: ForecastMethod | str = ForecastMethod.MONTE_CARLO,
    trials: int = 10_000,
    seed: int | None = None,
    block_days: int = 1,
    confidences: Iterable[float] = DEFAULT_CONFIDENCES,
    calendar: WorkCalendar | None = None,
    max_days: int = _TEN_YEARS,
) -> RankedForecast:
    """When is each entry of a ranked list likely done, working the list in rank order?

    ``remaining`` maps each entry (a campaign, a Blueprint priority) to its remaining items,
    top rank first. An entry is done when it and everything ranked above it is done, so each
    forecast is for the running total; one simulation serves them all.

    >>> s = ThroughputSample([2, 1, 0, 3, 1, 1, 2], last_day=date(2026, 5, 31))
    >>> plan = ranked_completion([("Spring launch", 6), ("Webinar", 4)], s, method="exact")
    >>> [e.cumulative for e in plan.entries]
    [6, 10]
    """
    how = _method(method)
    pairs = list(remaining.items()) if isinstance(remaining, Mapping) else list(remaining)
    if not pairs:
        raise InvalidValue(
            "the ranked list is empty", where="ranked_completion", fix="pass at least one entry"
        )
    for name, count in pairs:
        if int(count) != count or count < 0:
            raise InvalidValue(
                "remaining items must be a whole number of 0 or more",
                where=f"ranked entry {name!r}",
                fix="count the items still to do",
                value=count,
            )
    sample.require_throughput()
    cumulative = np.cumsum([int(c) for _, c in pairs]).astype(np.int64)
    forecasts = _when_forecasts(
        cumulative.tolist(),
        sample,
        how=how,
        first=_start(sample, start),
        trials=trials,
        seed=seed,
        block_days=block_days,
        confidences=confidences,
        calendar=calendar,
        max_days=max_days,
    )
    entries = [
        RankedEntry(str(name), int(count), int(total), fc)
        for (name, count), total, fc in zip(pairs, cumulative.tolist(), forecasts, strict=True)
    ]
    return RankedForecast(tuple(entries))


def backlog_clearance(
    backlog: int,
    sample: ThroughputSample,
    *,
    scope_growth: bool = False,
    start: date | None = None,
    method: ForecastMethod | str = ForecastMethod.MONTE_CARLO,
    trials: int = 10_000,
    seed: int | None = None,
    block_days: int = 1,
    confidences: Iterable[float] = DEFAULT_CONFIDENCES,
    calendar: WorkCalendar | None = None,
    max_days: int = _TEN_YEARS,
) -> ClearanceForecast:
    """How long until the whole backlog of ``backlog`` items is done?

    With ``scope_growth`` each simulated day also adds the items that arrived on the resampled
    day (the sample needs ``arrivals``; only Monte Carlo models it). When arrivals are at least
    as fast as throughput, ``never_clears`` is set with a warning, and the forecast shows how
    unlikely clearing is within ``max_days``.

    >>> s = ThroughputSample([2, 1, 0, 3], last_day=date(2026, 5, 31), arrivals=[3, 2, 2, 2])
    >>> result = backlog_clearance(40, s, scope_growth=True, seed=1, max_days=200)
    >>> result.never_clears
    True
    >>> print(result.warning)  # doctest: +NORMALIZE_WHITESPACE
    Arrivals (2.25 items/day) outpace throughput (1.50 items/day): at this rate the backlog
    of 40 items never clears. Prune it, or take fewer requests in.
    """
    how = _method(method)
    backlog = _positive(backlog, "backlog")
    sample.require_throughput()
    arrivals_mean = sample.arrival_mean
    if scope_growth:
        if sample.arrivals is None or arrivals_mean is None:
            raise InvalidValue(
                "scope growth needs the daily arrivals",
                where="backlog_clearance",
                fix="build the ThroughputSample with arrivals=, or pass scope_growth=False",
            )
        if how is ForecastMethod.EXACT:
            raise InvalidValue(
                "the exact method does not model scope growth",
                where="backlog_clearance",
                fix="use method='montecarlo' with scope_growth=True",
            )
    never = bool(scope_growth and arrivals_mean is not None and arrivals_mean >= sample.mean)
    warning = None
    if never:
        warning = (
            f"Arrivals ({arrivals_mean:.2f} items/day) outpace throughput "
            f"({sample.mean:.2f} items/day): at this rate the backlog of {backlog} items "
            "never clears. Prune it, or take fewer requests in."
        )
    (fc,) = _when_forecasts(
        [backlog],
        sample,
        how=how,
        first=_start(sample, start),
        trials=trials,
        seed=seed,
        block_days=block_days,
        confidences=confidences,
        calendar=calendar,
        max_days=max_days,
        growth=scope_growth,
    )
    return ClearanceForecast(
        backlog=backlog,
        throughput_per_day=sample.mean,
        arrivals_per_day=arrivals_mean,
        scope_growth=scope_growth,
        never_clears=never,
        warning=warning,
        forecast=fc,
    )
