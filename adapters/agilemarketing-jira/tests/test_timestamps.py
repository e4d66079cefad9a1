"""JQL date literals are never later than the moment they stand for, however Jira reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from agilemarketing_jira.timestamps import jql_time, parse_jira_time
from hypothesis import given
from hypothesis import strategies as st

ZONES = [ZoneInfo(z) for z in ("Europe/Berlin", "Australia/Sydney", "America/New_York", "UTC")]


@given(
    moment=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2032, 1, 1)).map(
        lambda d: d.replace(tzinfo=UTC)
    ),
    zone=st.sampled_from(ZONES),
)
def test_a_jql_literal_read_either_way_is_at_or_before_the_moment(
    moment: datetime, zone: ZoneInfo
) -> None:
    literal = datetime.strptime(jql_time(moment, zone), "%Y-%m-%d %H:%M")
    for fold in (0, 1):
        read = literal.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        assert read <= moment
        assert moment - read < timedelta(hours=2, minutes=1)  # and not much wider


def test_jira_timestamps_with_and_without_a_colon_in_the_offset() -> None:
    want = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    for text in ("2026-03-02T09:30:00.000+0100", "2026-03-02T09:30:00+01:00", "2026-03-02T08:30Z"):
        assert parse_jira_time(text) == want
