"""The four questions: when N items are done, how many by a date, ranked lists, clearance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from agilemarketing.errors import InvalidValue, NoThroughputError
from agilemarketing.forecast import (
    ForecastMethod,
    ThroughputSample,
    backlog_clearance,
    how_many_by,
    ranked_completion,
    when_done,
)
from agilemarketing.workdays import WorkCalendar

SampleOf = Callable[..., ThroughputSample]


def test_a_steady_team_is_forecast_to_the_day(sample_of: SampleOf) -> None:
    sample = sample_of([2] * 10)
    for method in ForecastMethod:
        fc = when_done(10, sample, method=method, seed=1)
        assert [p.days for p in fc.percentiles] == [5, 5, 5, 5]
        assert fc.likely(0.85) == date(2026, 3, 6)  # day 1 is 2026-03-02
        assert how_many_by(date(2026, 3, 6), sample, method=method).likely(0.95) == 10


def test_a_window_without_finished_items_is_refused_with_a_fix(
    sample_of: SampleOf, end: date
) -> None:
    with pytest.raises(NoThroughputError, match="no item finished in the window") as info:
        when_done(5, sample_of([0, 0, 0]))
    assert "widen it" in str(info.value)
    assert info.value.days == 3
    assert info.value.last_day == end
    with pytest.raises(NoThroughputError):
        how_many_by(date(2026, 4, 1), sample_of([0, 0]), method="exact")


def test_ranked_entries_are_forecast_on_their_running_totals(
    sample_of: SampleOf, distributions: dict[str, list[int]]
) -> None:
    sample = sample_of(distributions["steady"])
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


def test_ranked_monte_carlo_agrees_with_exact(
    sample_of: SampleOf, distributions: dict[str, list[int]]
) -> None:
    sample = sample_of(distributions["lumpy"])
    pairs = [("A", 5), ("B", 0), ("C", 20)]
    exact = ranked_completion(pairs, sample, method="exact")
    simulated = ranked_completion(pairs, sample, trials=100_000, seed=3)
    for e, m in zip(exact.entries, simulated.entries, strict=True):
        for pe, pm in zip(e.forecast.percentiles, m.forecast.percentiles, strict=True):
            assert abs(pe.days - pm.days) <= 1  # type: ignore[operator]


def test_backlog_clearance_without_growth_is_the_when_forecast(
    sample_of: SampleOf, distributions: dict[str, list[int]]
) -> None:
    sample = sample_of(distributions["busy"])
    result = backlog_clearance(120, sample, method="exact")
    assert not result.never_clears
    assert result.warning is None
    assert result.forecast.percentiles == when_done(120, sample, method="exact").percentiles
    assert result.expected_days == pytest.approx(120 / sample.mean)


def test_arrivals_that_outpace_throughput_mean_the_backlog_never_clears(
    sample_of: SampleOf,
) -> None:
    sample = sample_of([1, 2, 1, 0, 1], arrivals=[2, 2, 1, 1, 2])
    result = backlog_clearance(50, sample, scope_growth=True, seed=4, trials=2_000, max_days=365)
    assert result.never_clears
    assert result.warning is not None
    assert "never clears" in result.warning
    assert result.expected_days is None
    assert result.forecast.beyond_horizon > 0.5
    assert result.statements()[0] == result.warning
    assert result.to_dict()["never_clears"] is True


def test_scope_growth_slows_clearance_down(sample_of: SampleOf) -> None:
    sample = sample_of([3, 2, 4, 3, 2, 3, 4], arrivals=[1, 2, 1, 1, 2, 1, 1])
    plain = backlog_clearance(200, sample, seed=1, trials=5_000)
    grown = backlog_clearance(200, sample, scope_growth=True, seed=1, trials=5_000)
    assert not grown.never_clears
    assert grown.forecast.likely(0.85) > plain.forecast.likely(0.85)  # type: ignore[operator]


def test_scope_growth_needs_arrivals_and_monte_carlo(sample_of: SampleOf) -> None:
    with pytest.raises(InvalidValue, match="needs the daily arrivals"):
        backlog_clearance(10, sample_of([1, 2]), scope_growth=True)
    with pytest.raises(InvalidValue, match="does not model scope growth"):
        backlog_clearance(10, sample_of([1, 2], [0, 1]), scope_growth=True, method="exact")


def test_a_team_calendar_turns_working_days_into_dates(sample_of: SampleOf) -> None:
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


def test_bad_questions_are_refused(sample_of: SampleOf) -> None:
    sample = sample_of([1, 2])
    with pytest.raises(InvalidValue, match="unknown forecast method"):
        when_done(3, sample, method="crystal-ball")
    with pytest.raises(InvalidValue, match="items must be a whole number"):
        when_done(0, sample)
    with pytest.raises(InvalidValue, match="before the forecast starts"):
        how_many_by(date(2020, 1, 1), sample)
    with pytest.raises(InvalidValue, match="strictly between 0 and 1"):
        when_done(3, sample, confidences=[0.5, 1.0])
