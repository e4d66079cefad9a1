"""The four questions a forecast answers, each with a probability attached: :func:`when_done`,
:func:`how_many_by`, :func:`ranked_completion` and :func:`backlog_clearance`.

Each checks its arguments, picks an engine (:mod:`agilemarketing.forecast.engines`) and turns
its distribution into a result (:mod:`agilemarketing.forecast.results`), counting working
days of a calendar when given one.

>>> s = ThroughputSample([1, 2, 1, 1], last_day=date(2026, 3, 1))
>>> when_done(5, s, method="exact").percentiles[0].days
4
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from agilemarketing.errors import InvalidValue
from agilemarketing.forecast.engines import (
    at_least,
    daily_pmf,
    days_at,
    exact_done_cdf,
    exact_sum_pmf,
    mc_first_passage,
    mc_totals,
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
from agilemarketing.forecast.sample import ThroughputSample, as_date
from agilemarketing.workdays import WorkCalendar

__all__ = [
    "DEFAULT_CONFIDENCES",
    "backlog_clearance",
    "how_many_by",
    "ranked_completion",
    "when_done",
]

DEFAULT_CONFIDENCES: tuple[float, ...] = (0.5, 0.7, 0.85, 0.95)
"""The confidence levels every forecast reports unless told otherwise."""

_TEN_YEARS = 3653

# --- Checking the question ------------------------------------------------------------------------


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


# --- Days and dates -------------------------------------------------------------------------------


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


def _calendar_dates(
    start: date, days: int, calendar: WorkCalendar | None
) -> NDArray[np.datetime64]:
    """Dates of working days 1..days (index 0 is day 1): ``start`` rolled to a working day."""
    if days <= 0:
        return np.array([], dtype="datetime64[D]")
    if calendar is None:
        return np.datetime64(start, "D") + np.arange(days)
    return np.asarray(calendar.add_workdays(start, np.arange(days)), dtype="datetime64[D]")


# --- From an engine to a result -------------------------------------------------------------------


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
        days = days_at(probabilities, c)
        percentiles.append(WhenPercentile(c, days, None if days is None else as_date(dates[days])))
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
        working_days=calendar is not None,
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
        matrix = exact_done_cdf(daily_pmf(sample.counts), targets, max_days)
        return [matrix[j] for j in range(targets.size)], 0
    rng = np.random.default_rng(seed)
    days, draws = mc_first_passage(
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


# --- The questions --------------------------------------------------------------------------------


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
        probabilities = exact_sum_pmf(daily_pmf(sample.counts), days)
    else:
        rng = np.random.default_rng(seed)
        totals, draws = mc_totals(
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
        percentiles=tuple(HowManyPercentile(c, at_least(probabilities, c)) for c in levels),
        trials=trials if how is ForecastMethod.MONTE_CARLO else None,
        seed=seed if how is ForecastMethod.MONTE_CARLO else None,
        draws=draws,
        window=(sample.first_day, sample.last_day),
        working_days=calendar is not None,
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
