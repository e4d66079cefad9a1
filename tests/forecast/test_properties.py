"""Invariants over random throughput: percentiles are monotone, probabilities add up, and the
simulated percentiles are percentiles of the exact distribution."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.forecast import ThroughputSample, how_many_by, when_done

daily_counts = st.lists(st.integers(0, 6), min_size=1, max_size=30).filter(lambda c: sum(c) > 0)

SampleOf = Callable[..., ThroughputSample]


@given(counts=daily_counts, items=st.integers(1, 60))
def test_when_percentiles_are_monotone_for_both_methods(
    sample_of: SampleOf, counts: list[int], items: int
) -> None:
    for method, kwargs in (("exact", {}), ("montecarlo", {"trials": 500, "seed": 1})):
        fc = when_done(items, sample_of(counts), method=method, **kwargs)  # type: ignore[arg-type]
        days = [p.days for p in fc.percentiles]
        assert all(d is not None for d in days)
        assert days == sorted(days)
        dates = [p.date for p in fc.percentiles]
        assert dates == sorted(dates)  # type: ignore[type-var]


@given(counts=daily_counts, horizon=st.integers(1, 60))
def test_how_many_percentiles_fall_as_confidence_rises(
    sample_of: SampleOf, end: date, counts: list[int], horizon: int
) -> None:
    by = end + timedelta(days=horizon)
    for method in ("exact", "montecarlo"):
        fc = how_many_by(by, sample_of(counts), method=method, trials=500, seed=2)
        items = [p.items for p in fc.percentiles]
        assert items == sorted(items, reverse=True)
        assert abs(fc.probabilities.sum() - 1.0) < 1e-9


@given(counts=daily_counts, items=st.integers(1, 40))
def test_probabilities_of_the_exact_forecast_sum_to_one(
    sample_of: SampleOf, counts: list[int], items: int
) -> None:
    fc = when_done(items, sample_of(counts), method="exact")
    assert fc.probabilities.min() >= 0
    assert abs(fc.probabilities.sum() + fc.beyond_horizon - 1.0) < 1e-9


def _tolerance(confidence: float, trials: int) -> float:
    """Five standard errors of a proportion estimated from ``trials`` draws."""
    return 5 * float(np.sqrt(confidence * (1 - confidence) / trials))


@given(counts=daily_counts, items=st.integers(1, 40))
def test_monte_carlo_when_percentiles_are_percentiles_of_the_exact_distribution(
    sample_of: SampleOf, counts: list[int], items: int
) -> None:
    # The simulated 85th percentile day d is where the exact CDF crosses 85%, up to sampling
    # error: P(done by d) >= 0.85 - tol and P(done by d - 1) <= 0.85 + tol.
    trials = 20_000
    exact = when_done(items, sample_of(counts), method="exact")
    simulated = when_done(items, sample_of(counts), method="montecarlo", trials=trials, seed=3)
    cdf = np.cumsum(exact.probabilities)
    for p in simulated.percentiles:
        assert p.days is not None
        tol = _tolerance(p.confidence, trials)
        assert cdf[min(p.days, cdf.size - 1)] >= p.confidence - tol, (p, counts, items)
        assert p.days == 0 or cdf[p.days - 1] <= p.confidence + tol, (p, counts, items)


@given(counts=daily_counts, horizon=st.integers(1, 40))
def test_monte_carlo_how_many_percentiles_are_percentiles_of_the_exact_distribution(
    sample_of: SampleOf, end: date, counts: list[int], horizon: int
) -> None:
    trials = 20_000
    by = end + timedelta(days=horizon)
    exact = how_many_by(by, sample_of(counts), method="exact")
    simulated = how_many_by(by, sample_of(counts), method="montecarlo", trials=trials, seed=4)
    at_least = np.cumsum(exact.probabilities[::-1])[::-1]  # P(total >= k)
    for p in simulated.percentiles:
        tol = _tolerance(p.confidence, trials)
        assert at_least[p.items] >= p.confidence - tol, (p, counts, horizon)
        if p.items + 1 < at_least.size:
            assert at_least[p.items + 1] <= p.confidence + tol, (p, counts, horizon)
