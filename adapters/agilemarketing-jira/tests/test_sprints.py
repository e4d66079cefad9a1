"""Sprint values in both of Jira's shapes, with names that hold commas, brackets and equals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from agilemarketing_jira.sprints import SPRINT_ATTRIBUTES, parse_sprint, parse_sprints
from fake_jira import Sprint, dc_sprint_string
from hypothesis import assume, given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidValue

names = st.text(
    alphabet=st.sampled_from("abcXYZ019 ,=[]()-_.:;@é"), min_size=1, max_size=40
).filter(lambda n: n.strip() == n and n != "<null>")
when = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
)


def _unambiguous(text: str) -> bool:
    # a value may hold anything but ",<attribute>=": that is where Jira's string gives no way
    # to tell the next attribute from the text
    return not any(f",{a}=" in text for a in SPRINT_ATTRIBUTES)


@given(
    name=names,
    goal=names,
    state=st.sampled_from(["closed", "active", "future"]),
    sprint_id=st.integers(1, 10**6),
    start=when,
)
def test_data_center_sprint_strings_read_back_whatever_the_name(
    name: str, goal: str, state: str, sprint_id: int, start: datetime | None
) -> None:
    assume(_unambiguous(name) and _unambiguous(goal))
    end = None if start is None else start + timedelta(days=14)
    sprint = Sprint(sprint_id, name, state, 7, start, end, None, goal)
    text = dc_sprint_string(sprint, ZoneInfo("Europe/Berlin"))
    parsed = parse_sprint(text)
    assert (parsed.id, parsed.name, parsed.state, parsed.board) == (sprint_id, name, state, 7)
    assert (parsed.start, parsed.end, parsed.complete, parsed.goal) == (start, end, None, goal)


@given(name=names, sprint_id=st.integers(1, 10**6), start=when)
def test_cloud_sprint_objects_read_back(name: str, sprint_id: int, start: datetime | None) -> None:
    value = {
        "id": sprint_id,
        "name": name,
        "state": "active",
        "boardId": 3,
        "startDate": None if start is None else start.isoformat(),
    }
    parsed = parse_sprint(value)
    assert (parsed.id, parsed.name, parsed.board, parsed.start) == (sprint_id, name, 3, start)


def test_an_empty_field_is_no_sprint_and_junk_is_refused() -> None:
    assert parse_sprints(None) == ()
    assert parse_sprints([]) == ()
    with pytest.raises(InvalidValue, match="not a Jira sprint value"):
        parse_sprint("Sprint 1")
    with pytest.raises(InvalidValue):
        parse_sprint({"name": "no id"})
