"""Review findings on the mirror's rows and writes (tests that failed before their fix)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from agilemarketing.mirror.rows import timestamp


def test_timestamp_tells_apart_the_two_instants_of_a_repeated_local_hour() -> None:
    """At the end of daylight saving, 01:30 in New York happens twice (``fold`` 0 and 1). The
    two datetimes compare and hash equal (same tzinfo: Python ignores ``fold``), yet they are an
    hour apart: a cache keyed by the datetime gave the second the first one's text."""
    new_york = ZoneInfo("America/New_York")
    first = datetime(2026, 11, 1, 1, 30, tzinfo=new_york)
    second = first.replace(fold=1)
    assert first == second  # what made the cache mix them up
    assert timestamp(first) == "2026-11-01T05:30:00.000000+00:00"
    assert timestamp(second) == "2026-11-01T06:30:00.000000+00:00"
    assert timestamp(second.astimezone(UTC)) == "2026-11-01T06:30:00.000000+00:00"
