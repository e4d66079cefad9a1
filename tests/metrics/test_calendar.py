"""The team's working-day calendar the metrics count in: local days, working days, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from agilemarketing.errors import InvalidValue
from agilemarketing.workdays import WorkCalendar


def test_local_days_follow_daylight_saving_time() -> None:
    cal = WorkCalendar(timezone="Europe/Berlin")
    moments = np.array(
        ["2026-03-28T23:30", "2026-03-29T22:30", "2026-10-24T22:30"], dtype="datetime64[us]"
    )
    # CET (+1) in March before the switch, CEST (+2) after; CEST until late October
    assert [str(d) for d in cal.local_days(moments)] == [
        "2026-03-29",
        "2026-03-30",
        "2026-10-25",
    ]


def test_working_days_skip_weekends_and_holidays() -> None:
    cal = WorkCalendar("Mon Tue Wed Thu", holidays=["2026-01-06"])
    assert [str(d) for d in cal.working_days("2026-01-05", "2026-01-12")] == [
        "2026-01-05",
        "2026-01-07",
        "2026-01-08",
        "2026-01-12",
    ]
    assert str(cal.add_workdays("2026-01-05", 2)) == "2026-01-08"
    assert cal.workdays_between(["2026-01-05"], ["2026-01-12"]).tolist() == [3]


def test_elapsed_working_days_count_fractions_of_working_days_only() -> None:
    cal = WorkCalendar()
    start = np.array(["2026-01-09T18:00", "NaT"], dtype="datetime64[us]")
    end = np.array(["2026-01-12T06:00", "2026-01-12T06:00"], dtype="datetime64[us]")
    got = cal.elapsed_workdays(start, end)
    assert got[0] == pytest.approx(0.25 + 0.25)
    assert np.isnan(got[1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekmask": "Mon Funday"}, "unknown weekday"),
        ({"weekmask": "0000000"}, "at least one working weekday"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_a_bad_calendar_is_refused(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        WorkCalendar(**kwargs)


@pytest.mark.parametrize("holiday", ["2026-13-01", "Christmas"])
def test_a_holiday_that_is_not_a_date_is_refused_naming_it(holiday: str) -> None:
    with pytest.raises(InvalidValue, match=f"holiday is not a date.*{holiday!r}.*ISO date"):
        WorkCalendar(holidays=["2026-12-25", holiday])
