"""The throughput sample: windows, working days, and what is refused."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from agilemarketing.errors import InvalidValue, NoThroughputError
from agilemarketing.forecast import ThroughputSample
from agilemarketing.workdays import WorkCalendar


def test_a_sample_can_keep_only_working_days() -> None:
    sample = ThroughputSample([1, 2, 0, 0, 3, 1, 1], last_day=date(2026, 3, 4))  # Thu..Wed
    assert sample.on_workdays(WorkCalendar()).counts.tolist() == [1, 2, 3, 1, 1]
    workdays = sample.on_workdays(WorkCalendar())
    assert workdays.last_day == date(2026, 3, 4)
    assert workdays.first_day == date(2026, 2, 26)
    with pytest.raises(InvalidValue, match="pick the window"):
        workdays.last(days=2)


def test_windows_pick_the_days_the_forecast_resamples(end: date) -> None:
    sample = ThroughputSample(list(range(1, 15)), last_day=end)
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
    counts: list[float], arrivals: list[int] | None, message: str, end: date
) -> None:
    with pytest.raises(InvalidValue, match=message):
        ThroughputSample(counts, last_day=end, arrivals=arrivals)


def test_a_sample_from_daily_dates_must_be_consecutive() -> None:
    days = np.array(["2026-03-01", "2026-03-03"], dtype="datetime64[D]")
    with pytest.raises(InvalidValue, match="consecutive"):
        ThroughputSample.from_daily(days, [1, 2])
    with pytest.raises(NoThroughputError):
        ThroughputSample.from_daily(np.array([], dtype="datetime64[D]"), [])
