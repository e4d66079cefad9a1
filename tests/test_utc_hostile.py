"""Timestamps datetime cannot hold are InvalidValue, never a bare ValueError or OverflowError
(found by the history-file fuzzer, issue 10 point 12)."""

from __future__ import annotations

import pytest

from agilemarketing.errors import InvalidValue
from agilemarketing.utc import parse_timestamp


@pytest.mark.parametrize(
    "text",
    ["2026-01-01T00:00:00+99:99", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"],
    ids=["offset-over-a-day", "before-year-1-in-utc", "after-year-9999-in-utc"],
)
def test_a_timestamp_datetime_cannot_hold_is_an_invalid_value(text: str) -> None:
    with pytest.raises(InvalidValue, match="timestamp"):
        parse_timestamp(text, where="created")
