"""Timestamps in bulk: offsets, fractions, the slow path, missing and refused values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidValue
from agilemarketing.historyio import parse_timestamps


def test_parse_timestamps_applies_offsets_and_zulu() -> None:
    got = parse_timestamps(
        [
            "2026-03-02T09:30:00+01:00",
            "2026-03-02T08:30:00Z",
            "2026-03-02T03:30:00-05:00",
            "2026-03-02T0830:00Z".replace("0830", "08:30"),
            "2026-03-02 08:30:00+0000",
            "2026-03-02T10:30:00+02",
        ]
    )
    assert set(got.astype(str).tolist()) == {"2026-03-02T08:30:00.000000"}


def test_parse_timestamps_keeps_fractions_to_the_microsecond() -> None:
    got = parse_timestamps(["2026-03-02T08:30:00.1Z", "2026-03-02T08:30:00.123456789+00:00"])
    assert got.astype(str).tolist() == [
        "2026-03-02T08:30:00.100000",
        "2026-03-02T08:30:00.123456",
    ]


def test_parse_timestamps_falls_back_to_dateutil_for_odd_layouts() -> None:
    got = parse_timestamps(["20260302T083000Z", "2026-03-02T08:30Z"])
    assert got.astype(str).tolist() == ["2026-03-02T08:30:00.000000"] * 2


def test_parse_timestamps_turns_missing_values_into_nat() -> None:
    assert np.isnat(parse_timestamps([None, ""])).all()


@pytest.mark.parametrize("text", ["2026-03-02T08:30:00", "2026-02-30T08:30:00Z", "soon"])
def test_parse_timestamps_refuses_naive_or_impossible_values(text: str) -> None:
    with pytest.raises(InvalidValue, match="timezone"):
        parse_timestamps(["2026-03-02T08:30:00Z", text])


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
        ),
    )
)
def test_bulk_parsing_agrees_with_the_datetime_value(
    us: Callable[[datetime], int], moment: datetime
) -> None:
    text = moment.isoformat()
    assert int(parse_timestamps([text]).view(np.int64)[0]) == us(moment)
