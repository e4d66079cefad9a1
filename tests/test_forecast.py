"""Forecasts: when N items are done, how many by a date, ranked lists, backlog clearance."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidValue, NoThroughputError
from agilemarketing.forecast import (
    DEFAULT_CONFIDENCES,
    ForecastMethod,
    ThroughputSample,
    backlog_clearance,
    how_many_by,
    ranked_completion,
    when_done,
)
from agilemarketing.workdays import WorkCalendar

END = date(2026, 3, 1)

DISTRIBUTIONS = {
    "steady": [1, 2, 1, 2, 1, 1, 2, 2, 1, 1, 2, 1, 1, 2],
    "lumpy": [0, 0, 5, 0, 1, 0, 0, 7, 0, 0, 2, 0, 0, 0],
    "sparse": [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0],
    "busy": [3, 4, 6, 2, 5, 8, 3, 4, 4, 5, 1, 6, 3, 2],
}

daily_counts = st.lists(st.integers(0, 6), min_size=1, max_size=30).filter(lambda c: sum(c) > 0)


def sample_of(counts: list[int], arrivals: list[int] | None = None) -> ThroughputSample:
    return ThroughputSample(np.array(counts), last_day=END, arrivals=arrivals)


@given(counts=daily_counts, items=st.integers(1, 60))
def test_when_percentiles_are_monotone_for_both_methods(counts: list[int], items: int) -> None:
    for method, kwargs in (("exact", {}), ("montecarlo", {"trials": 500, "seed": 1})):
        fc = when_done(items, sample_of(counts), method=method, **kwargs)  # type: ignore[arg-type]
        days = [p.days for p in fc.percentiles]
        assert all(d is not None for d in days)
        assert days == sorted(days)
        dates = [p.date for p in fc.percentiles]
        assert dates == sorted(dates)  # type: ignore[type-var]


@given(counts=daily_counts, horizon=st.integers(1, 60))
def test_how_many_percentiles_fall_as_confidence_rises(counts: list[int], horizon: int) -> None:
    by = END + timedelta(days=horizon)
    for method in ("exact", "montecarlo"):
        fc = how_many_by(by, sample_of(counts), method=method, trials=500, seed=2)
        items = [p.items for p in fc.percentiles]
        assert items == sorted(items, reverse=True)
        assert abs(fc.probabilities.sum() - 1.0) < 1e-9


@given(counts=daily_counts, items=st.integers(1, 40))
def test_probabilities_of_the_exact_forecast_sum_to_one(counts: list[int], items: int) -> None:
    fc = when_done(items, sample_of(counts), method="exact")
    assert fc.probabilities.min() >= 0
    assert abs(fc.probabilities.sum() + fc.beyond_horizon - 1.0) < 1e-9


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
@pytest.mark.parametrize("items", [5, 30])
def test_exact_and_monte_carlo_agree_within_one_day(name: str, items: int) -> None:
    sample = sample_of(DISTRIBUTIONS[name])
    exact = when_done(items, sample, method="exact")
    simulated = when_done(items, sample, method="montecarlo", trials=100_000, seed=11)
    for e, m in zip(exact.percentiles, simulated.percentiles, strict=True):
        assert e.days is not None
        assert m.days is not None
        assert abs(e.days - m.days) <= 1, (e, m)


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
@pytest.mark.parametrize("horizon", [10, 45])
def test_exact_and_monte_carlo_agree_within_one_item(name: str, horizon: int) -> None:
    sample = sample_of(DISTRIBUTIONS[name])
    by = END + timedelta(days=horizon)
    exact = how_many_by(by, sample, method="exact")
    simulated = how_many_by(by, sample, method="montecarlo", trials=100_000, seed=5)
    for e, m in zip(exact.percentiles, simulated.percentiles, strict=True):
        assert abs(e.items - m.items) <= 1, (e, m)


def _tolerance(confidence: float, trials: int) -> float:
    """Five standard errors of a proportion estimated from ``trials`` draws."""
    return 5 * float(np.sqrt(confidence * (1 - confidence) / trials))


@given(counts=daily_counts, items=st.integers(1, 40))
def test_monte_carlo_when_percentiles_are_percentiles_of_the_exact_distribution(
    counts: list[int], items: int
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
    counts: list[int], horizon: int
) -> None:
    trials = 20_000
    by = END + timedelta(days=horizon)
    exact = how_many_by(by, sample_of(counts), method="exact")
    simulated = how_many_by(by, sample_of(counts), method="montecarlo", trials=trials, seed=4)
    at_least = np.cumsum(exact.probabilities[::-1])[::-1]  # P(total >= k)
    for p in simulated.percentiles:
        tol = _tolerance(p.confidence, trials)
        assert at_least[p.items] >= p.confidence - tol, (p, counts, horizon)
        if p.items + 1 < at_least.size:
            assert at_least[p.items + 1] <= p.confidence + tol, (p, counts, horizon)


def test_a_steady_team_is_forecast_to_the_day() -> None:
    sample = sample_of([2] * 10)
    for method in ForecastMethod:
        fc = when_done(10, sample, method=method, seed=1)
        assert [p.days for p in fc.percentiles] == [5, 5, 5, 5]
        assert fc.likely(0.85) == date(2026, 3, 6)  # day 1 is 2026-03-02
        assert how_many_by(date(2026, 3, 6), sample, method=method).likely(0.95) == 10


def test_a_window_without_finished_items_is_refused_with_a_fix() -> None:
    with pytest.raises(NoThroughputError, match="no item finished in the window") as info:
        when_done(5, sample_of([0, 0, 0]))
    assert "widen it" in str(info.value)
    assert info.value.days == 3
    assert info.value.last_day == END
    with pytest.raises(NoThroughputError):
        how_many_by(date(2026, 4, 1), sample_of([0, 0]), method="exact")


def test_results_are_reproducible_with_a_seed() -> None:
    sample = sample_of(DISTRIBUTIONS["lumpy"])
    a = when_done(25, sample, trials=2_000, seed=42)
    b = when_done(25, sample, trials=2_000, seed=42)
    assert np.array_equal(a.probabilities, b.probabilities)
    c = how_many_by(date(2026, 4, 1), sample, trials=2_000, seed=42)
    d = how_many_by(date(2026, 4, 1), sample, trials=2_000, seed=42)
    assert np.array_equal(c.probabilities, d.probabilities)


def test_statements_read_as_people_say_them() -> None:
    sample = sample_of([2] * 10)
    when = when_done(10, sample, method="exact")
    assert when.statements()[2] == "85% likely by 2026-03-06 (10 items, 5 days)"
    many = how_many_by(date(2026, 3, 12), sample, method="exact")
    assert many.statements()[2] == "85% likely at least 22 items by 2026-03-12"
    assert "85% likely at least 22 items" in str(many)


def test_probability_by_a_date_matches_the_percentiles() -> None:
    fc = when_done(30, sample_of(DISTRIBUTIONS["busy"]), method="exact")
    for p in fc.percentiles:
        assert p.date is not None
        assert fc.probability_by(p.date) >= p.confidence - 1e-9
        assert fc.probability_by(p.date - timedelta(days=1)) < p.confidence


def test_ranked_entries_are_forecast_on_their_running_totals() -> None:
    sample = sample_of(DISTRIBUTIONS["steady"])
    plan = ranked_completion(
        {"Spring launch": 6, "Partner webinar": 4, "Newsletter revamp": 12}, sample, method="exact"
    )
    assert [e.cumulative for e in plan.entries] == [6, 10, 22]
    for entry in plan.entries:
        alone = when_done(entry.cumulative, sample, method="exact")
        assert entry.forecast.percentiles == alone.percentiles
    dates = [e.forecast.likely(0.85) for e in plan.entries]
    assert dates == sorted(dates)  # type: ignore[type-var]
    assert plan.statements()[0].startswith("Spring launch: 85% likely by ")
    assert list(plan.to_pandas().columns[-4:]) == ["p50", "p70", "p85", "p95"]


def test_ranked_monte_carlo_agrees_with_exact() -> None:
    sample = sample_of(DISTRIBUTIONS["lumpy"])
    pairs = [("A", 5), ("B", 0), ("C", 20)]
    exact = ranked_completion(pairs, sample, method="exact")
    simulated = ranked_completion(pairs, sample, trials=100_000, seed=3)
    for e, m in zip(exact.entries, simulated.entries, strict=True):
        for pe, pm in zip(e.forecast.percentiles, m.forecast.percentiles, strict=True):
            assert abs(pe.days - pm.days) <= 1  # type: ignore[operator]


def test_backlog_clearance_without_growth_is_the_when_forecast() -> None:
    sample = sample_of(DISTRIBUTIONS["busy"])
    result = backlog_clearance(120, sample, method="exact")
    assert not result.never_clears
    assert result.warning is None
    assert result.forecast.percentiles == when_done(120, sample, method="exact").percentiles
    assert result.expected_days == pytest.approx(120 / sample.mean)


def test_arrivals_that_outpace_throughput_mean_the_backlog_never_clears() -> None:
    sample = sample_of([1, 2, 1, 0, 1], arrivals=[2, 2, 1, 1, 2])
    result = backlog_clearance(50, sample, scope_growth=True, seed=4, trials=2_000, max_days=365)
    assert result.never_clears
    assert result.warning is not None
    assert "never clears" in result.warning
    assert result.expected_days is None
    assert result.forecast.beyond_horizon > 0.5
    assert result.statements()[0] == result.warning
    assert result.to_dict()["never_clears"] is True


def test_scope_growth_slows_clearance_down() -> None:
    sample = sample_of([3, 2, 4, 3, 2, 3, 4], arrivals=[1, 2, 1, 1, 2, 1, 1])
    plain = backlog_clearance(200, sample, seed=1, trials=5_000)
    grown = backlog_clearance(200, sample, scope_growth=True, seed=1, trials=5_000)
    assert not grown.never_clears
    assert grown.forecast.likely(0.85) > plain.forecast.likely(0.85)  # type: ignore[operator]


def test_scope_growth_needs_arrivals_and_monte_carlo() -> None:
    with pytest.raises(InvalidValue, match="needs the daily arrivals"):
        backlog_clearance(10, sample_of([1, 2]), scope_growth=True)
    with pytest.raises(InvalidValue, match="does not model scope growth"):
        backlog_clearance(10, sample_of([1, 2], [0, 1]), scope_growth=True, method="exact")


def test_weekly_blocks_keep_the_weekly_rhythm() -> None:
    weeks = [3, 3, 3, 3, 3, 0, 0] * 4  # nothing at weekends
    sample = sample_of(weeks)
    fc = when_done(60, sample, block_days=7, trials=3_000, seed=9)
    # 15 items a week: 60 items take exactly four weeks minus the last weekend
    assert [p.days for p in fc.percentiles] == [26, 26, 26, 26]
    with pytest.raises(InvalidValue, match="single days only"):
        when_done(60, sample, block_days=7, method="exact")


def test_a_team_calendar_turns_working_days_into_dates() -> None:
    sample = sample_of([2] * 10)
    fc = when_done(10, sample, method="exact", calendar=WorkCalendar(), start=date(2026, 3, 2))
    # five working days from Monday 2 March: done on Friday 6 March
    assert fc.likely(0.5) == date(2026, 3, 6)
    fc = when_done(12, sample, method="exact", calendar=WorkCalendar(), start=date(2026, 3, 2))
    assert fc.likely(0.5) == date(2026, 3, 9)  # the weekend is skipped
    many = how_many_by(date(2026, 3, 9), sample, method="exact", calendar=WorkCalendar())
    assert many.days == 6
    assert many.likely(0.95) == 12
    weekend_start = when_done(
        2, sample, method="exact", calendar=WorkCalendar(), start=date(2026, 3, 7)
    )
    assert weekend_start.likely(0.5) == date(2026, 3, 9)  # Saturday start rolls to Monday


def test_a_sample_can_keep_only_working_days() -> None:
    sample = ThroughputSample([1, 2, 0, 0, 3, 1, 1], last_day=date(2026, 3, 4))  # Thu..Wed
    assert sample.on_workdays(WorkCalendar()).counts.tolist() == [1, 2, 3, 1, 1]
    workdays = sample.on_workdays(WorkCalendar())
    assert workdays.last_day == date(2026, 3, 4)
    assert workdays.first_day == date(2026, 2, 26)
    with pytest.raises(InvalidValue, match="pick the window"):
        workdays.last(days=2)


def test_results_serialise_to_json_and_dataframes() -> None:
    sample = sample_of(DISTRIBUTIONS["steady"])
    when = when_done(20, sample, seed=1, trials=1_000)
    payload = json.loads(json.dumps(when.to_dict()))
    assert payload["question"] == "when"
    assert [p["confidence"] for p in payload["percentiles"]] == list(DEFAULT_CONFIDENCES)
    assert payload["window"] == {"first_day": "2026-02-16", "last_day": "2026-03-01"}
    frame = when.to_pandas()
    assert list(frame.columns) == ["day", "date", "probability", "cumulative"]
    assert frame["cumulative"].is_monotonic_increasing
    many = how_many_by(date(2026, 3, 20), sample, method="exact")
    assert json.loads(json.dumps(many.to_dict()))["question"] == "how_many"
    assert many.to_pandas()["at_least"].is_monotonic_decreasing


def test_forecasts_plot_a_histogram_with_percentile_lines() -> None:
    sample = sample_of(DISTRIBUTIONS["busy"])
    ax = when_done(40, sample, method="exact").plot()
    assert len(ax.lines) == 4
    assert "When will 40 items be done" in ax.get_title()
    ax = how_many_by(date(2026, 3, 20), sample, method="exact").plot()
    assert len(ax.lines) == 4
    ax = ranked_completion([("A", 5), ("B", 9)], sample, method="exact").plot()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["B", "A"]
    import matplotlib.pyplot as plt

    plt.close("all")


def test_windows_pick_the_days_the_forecast_resamples() -> None:
    sample = ThroughputSample(list(range(1, 15)), last_day=END)
    assert sample.last(weeks=1).counts.tolist() == [8, 9, 10, 11, 12, 13, 14]
    assert sample.last(days=3).first_day == date(2026, 2, 27)
    picked = sample.between(date(2026, 2, 16), date(2026, 2, 18))
    assert picked.counts.tolist() == [1, 2, 3]
    assert picked.last_day == date(2026, 2, 18)
    assert sample.working_days(np.arange(14) % 2 == 0).counts.tolist() == list(range(1, 15, 2))
    with pytest.raises(InvalidValue):
        sample.last(days=3, weeks=1)


@pytest.mark.parametrize(
    ("counts", "arrivals", "message"),
    [
        ([1, -1], None, "0 or more"),
        ([1.5, 2], None, "whole numbers"),
        ([1, 2], [1], "different number of days"),
    ],
)
def test_bad_samples_are_refused(
    counts: list[float], arrivals: list[int] | None, message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        ThroughputSample(counts, last_day=END, arrivals=arrivals)


def test_bad_questions_are_refused() -> None:
    sample = sample_of([1, 2])
    with pytest.raises(InvalidValue, match="unknown forecast method"):
        when_done(3, sample, method="crystal-ball")
    with pytest.raises(InvalidValue, match="items must be a whole number"):
        when_done(0, sample)
    with pytest.raises(InvalidValue, match="before the forecast starts"):
        how_many_by(date(2020, 1, 1), sample)
    with pytest.raises(InvalidValue, match="strictly between 0 and 1"):
        when_done(3, sample, confidences=[0.5, 1.0])


def test_clearance_reports_its_chance_within_the_horizon_and_plots_a_cumulative_curve() -> None:
    sample = sample_of([1, 2, 1, 0, 1], arrivals=[2, 2, 1, 1, 2])
    result = backlog_clearance(50, sample, scope_growth=True, seed=4, trials=1_000, max_days=200)
    assert 0.0 <= result.probability_within_horizon < 0.5
    assert result.statements()[-1].endswith("likely cleared within 200 days (0.5 years)")
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["expected_days"] is None
    ax = result.plot()
    assert "arrivals outpace throughput" in ax.get_title()
    curve = ax.lines[0].get_ydata()
    assert np.all(np.diff(curve) >= 0)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_a_sample_from_daily_dates_must_be_consecutive() -> None:
    days = np.array(["2026-03-01", "2026-03-03"], dtype="datetime64[D]")
    with pytest.raises(InvalidValue, match="consecutive"):
        ThroughputSample.from_daily(days, [1, 2])
    with pytest.raises(NoThroughputError):
        ThroughputSample.from_daily(np.array([], dtype="datetime64[D]"), [])


def test_the_exact_forecast_stays_exact_over_long_horizons() -> None:
    sample = sample_of(DISTRIBUTIONS["busy"] * 3)
    by = END + timedelta(days=365)
    exact = how_many_by(by, sample, method="exact")
    simulated = how_many_by(by, sample, trials=100_000, seed=2)
    assert abs(exact.probabilities.sum() - 1.0) < 1e-9
    for e, m in zip(exact.percentiles, simulated.percentiles, strict=True):
        assert abs(e.items - m.items) <= 1, (e, m)


def test_weekly_blocks_of_working_days_stay_aligned_with_the_calendar() -> None:
    # four calendar weeks, Monday 2 March to Sunday 29 March: all the work ships on Mondays
    counts = [5, 0, 0, 0, 0, 0, 0] * 4
    calendar = WorkCalendar()
    sample = ThroughputSample(counts, last_day=date(2026, 3, 29)).on_workdays(calendar)
    assert sample.counts.tolist() == [5, 0, 0, 0, 0] * 4
    fc = when_done(10, sample, block_days=5, calendar=calendar, trials=2_000, seed=1)
    assert {p.date for p in fc.percentiles} == {date(2026, 4, 6)}  # the second Monday
