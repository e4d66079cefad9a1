"""The two engines agree: exact convolution against Monte Carlo, seeds, resampled blocks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pytest

from agilemarketing.errors import InvalidValue
from agilemarketing.forecast import ThroughputSample, how_many_by, when_done
from agilemarketing.workdays import WorkCalendar

SampleOf = Callable[..., ThroughputSample]
SHAPES = ["busy", "lumpy", "sparse", "steady"]  # the keys of the distributions fixture


@pytest.mark.parametrize("name", SHAPES)
@pytest.mark.parametrize("items", [5, 30])
def test_exact_and_monte_carlo_agree_within_one_day(
    name: str, items: int, sample_of: SampleOf, distributions: dict[str, list[int]]
) -> None:
    sample = sample_of(distributions[name])
    exact = when_done(items, sample, method="exact")
    simulated = when_done(items, sample, method="montecarlo", trials=100_000, seed=11)
    for e, m in zip(exact.percentiles, simulated.percentiles, strict=True):
        assert e.days is not None
        assert m.days is not None
        assert abs(e.days - m.days) <= 1, (e, m)


@pytest.mark.parametrize("name", SHAPES)
@pytest.mark.parametrize("horizon", [10, 45])
def test_exact_and_monte_carlo_agree_within_one_item(
    name: str,
    horizon: int,
    sample_of: SampleOf,
    distributions: dict[str, list[int]],
    end: date,
) -> None:
    sample = sample_of(distributions[name])
    by = end + timedelta(days=horizon)
    exact = how_many_by(by, sample, method="exact")
    simulated = how_many_by(by, sample, method="montecarlo", trials=100_000, seed=5)
    for e, m in zip(exact.percentiles, simulated.percentiles, strict=True):
        assert abs(e.items - m.items) <= 1, (e, m)


def test_the_exact_forecast_stays_exact_over_long_horizons(
    sample_of: SampleOf, distributions: dict[str, list[int]], end: date
) -> None:
    sample = sample_of(distributions["busy"] * 3)
    by = end + timedelta(days=365)
    exact = how_many_by(by, sample, method="exact")
    simulated = how_many_by(by, sample, trials=100_000, seed=2)
    assert abs(exact.probabilities.sum() - 1.0) < 1e-9
    for e, m in zip(exact.percentiles, simulated.percentiles, strict=True):
        assert abs(e.items - m.items) <= 1, (e, m)


def test_results_are_reproducible_with_a_seed(
    sample_of: SampleOf, distributions: dict[str, list[int]]
) -> None:
    sample = sample_of(distributions["lumpy"])
    a = when_done(25, sample, trials=2_000, seed=42)
    b = when_done(25, sample, trials=2_000, seed=42)
    assert np.array_equal(a.probabilities, b.probabilities)
    c = how_many_by(date(2026, 4, 1), sample, trials=2_000, seed=42)
    d = how_many_by(date(2026, 4, 1), sample, trials=2_000, seed=42)
    assert np.array_equal(c.probabilities, d.probabilities)


def test_weekly_blocks_keep_the_weekly_rhythm(sample_of: SampleOf) -> None:
    weeks = [3, 3, 3, 3, 3, 0, 0] * 4  # nothing at weekends
    sample = sample_of(weeks)
    fc = when_done(60, sample, block_days=7, trials=3_000, seed=9)
    # 15 items a week: 60 items take exactly four weeks minus the last weekend
    assert [p.days for p in fc.percentiles] == [26, 26, 26, 26]
    with pytest.raises(InvalidValue, match="single days only"):
        when_done(60, sample, block_days=7, method="exact")


def test_weekly_blocks_of_working_days_stay_aligned_with_the_calendar() -> None:
    # four calendar weeks, Monday 2 March to Sunday 29 March: all the work ships on Mondays
    counts = [5, 0, 0, 0, 0, 0, 0] * 4
    calendar = WorkCalendar()
    sample = ThroughputSample(counts, last_day=date(2026, 3, 29)).on_workdays(calendar)
    assert sample.counts.tolist() == [5, 0, 0, 0, 0] * 4
    fc = when_done(10, sample, block_days=5, calendar=calendar, trials=2_000, seed=1)
    assert {p.date for p in fc.percentiles} == {date(2026, 4, 6)}  # the second Monday
