"""Forecast results: sentences, probabilities by date, JSON and dataframes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np

from agilemarketing.forecast import (
    DEFAULT_CONFIDENCES,
    ThroughputSample,
    backlog_clearance,
    how_many_by,
    when_done,
)
from agilemarketing.workdays import WorkCalendar

SampleOf = Callable[..., ThroughputSample]


def test_statements_read_as_people_say_them(sample_of: SampleOf) -> None:
    sample = sample_of([2] * 10)
    when = when_done(10, sample, method="exact")
    assert when.statements()[2] == "85% likely by 2026-03-06 (10 items, 5 days)"
    many = how_many_by(date(2026, 3, 12), sample, method="exact")
    assert many.statements()[2] == "85% likely at least 22 items by 2026-03-12"
    assert "85% likely at least 22 items" in str(many)


def test_probability_by_a_date_matches_the_percentiles(
    sample_of: SampleOf, distributions: dict[str, list[int]]
) -> None:
    fc = when_done(30, sample_of(distributions["busy"]), method="exact")
    for p in fc.percentiles:
        assert p.date is not None
        assert fc.probability_by(p.date) >= p.confidence - 1e-9
        assert fc.probability_by(p.date - timedelta(days=1)) < p.confidence


def test_results_serialise_to_json_and_dataframes(
    sample_of: SampleOf, distributions: dict[str, list[int]]
) -> None:
    sample = sample_of(distributions["steady"])
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


def test_clearance_reports_its_chance_within_the_horizon_and_plots_a_cumulative_curve(
    sample_of: SampleOf,
) -> None:
    sample = sample_of([1, 2, 1, 0, 1], arrivals=[2, 2, 1, 1, 2])
    result = backlog_clearance(50, sample, scope_growth=True, seed=4, trials=1_000, max_days=200)
    assert 0.0 <= result.probability_within_horizon < 0.5
    assert result.statements()[-1].endswith("likely cleared within 200 days (0.5 years)")
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["expected_days"] is None
    ax = result.plot()  # it never clears: the chart draws the gap, not a flat probability
    assert "never clears" in ax.get_title()
    assert "within 200 days" in ax.get_title()
    backlog, finished = (line.get_ydata() for line in ax.lines[:2])
    assert np.all(np.diff(backlog - finished) >= 0)  # the gap only widens
    import matplotlib.pyplot as plt

    plt.close("all")


def test_day_counts_say_working_days_only_when_a_calendar_counted_them(
    sample_of: SampleOf,
) -> None:
    sample = sample_of([2] * 10)
    by = date(2026, 3, 12)
    every_day = [when_done(10, sample, method="exact"), how_many_by(by, sample, method="exact")]
    for forecast in every_day:
        assert "working" not in repr(forecast) + forecast._repr_html_()
        assert forecast.to_dict()["day_unit"] == "days"
    calendar = WorkCalendar()
    on_workdays = [
        when_done(10, sample, method="exact", calendar=calendar),
        how_many_by(by, sample, method="exact", calendar=calendar),
    ]
    for forecast in on_workdays:
        assert "working days" in repr(forecast) + forecast._repr_html_()
        assert forecast.to_dict()["day_unit"] == "working days"
    assert on_workdays[0].statements()[2].endswith("working days)")
