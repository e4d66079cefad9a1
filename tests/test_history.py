"""Specification of history records and timezone handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from dateutil.parser import isoparse as dateutil_isoparse
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import AgileMarketingError, InvalidValue, NotFound, raise_all, redact
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.utc import ensure_utc, parse_timestamp


def test_transitions_are_stored_in_utc() -> None:
    t = Transition("2026-01-06T10:00:00+01:00", "To Do", "Doing")
    assert t.at == datetime(2026, 1, 6, 9, tzinfo=UTC)
    assert t.observed is False


def test_history_keeps_transitions_as_given_for_the_engine_to_clean() -> None:
    late = Transition("2026-01-08T00:00:00Z", "Doing", "Done")
    early = Transition("2026-01-06T00:00:00Z", "To Do", "Doing")
    h = ItemHistory("K-1", transitions=[late, early], labels=["a", "b"])
    assert h.transitions == (late, early)
    assert h.labels == ("a", "b")


def test_open_blocked_period_has_no_end() -> None:
    assert BlockedPeriod("2026-01-06T00:00:00Z").end is None


def test_unparseable_timestamp_says_where_and_how_to_write_it() -> None:
    with pytest.raises(InvalidValue, match="line 4, field 'at': not a timestamp") as info:
        parse_timestamp("next tuesday-ish", where="line 4, field 'at'")
    assert "ISO 8601" in str(info.value)


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))]),
    ),
    st.sampled_from(["T", " "]),
    st.sampled_from(["auto", "minutes", "milliseconds", "microseconds"]),
)
def test_parse_timestamp_reads_iso_strings_as_dateutil_does(
    moment: datetime, sep: str, timespec: str
) -> None:
    text = moment.isoformat(sep=sep, timespec=timespec)
    expected = dateutil_isoparse(text).astimezone(UTC)
    assert parse_timestamp(text) == expected
    assert parse_timestamp(text).tzinfo is UTC


def test_parse_timestamp_reads_iso_forms_the_standard_library_does_not() -> None:
    assert parse_timestamp("2026-03-02T24:00:00Z") == datetime(2026, 3, 3, tzinfo=UTC)


def test_ensure_utc_refuses_non_datetimes() -> None:
    with pytest.raises(InvalidValue, match="expected a datetime"):
        ensure_utc(42)  # type: ignore[arg-type]


def test_errors_say_what_where_and_what_to_do() -> None:
    err = NotFound("item", "K-9", where="backlog")
    assert str(err) == (
        "backlog: no item named 'K-9'. Fix: check the item name; it must match exactly."
    )
    assert (err.kind, err.name) == ("item", "K-9")


def test_raise_all_groups_several_problems_and_passes_one_through() -> None:
    raise_all([], "nothing")
    one = AgileMarketingError("bad")
    with pytest.raises(AgileMarketingError):
        raise_all([one], "input")
    with pytest.raises(ExceptionGroup) as info:
        raise_all([one, AgileMarketingError("worse")], "input")
    assert "input: 2 problems" in str(info.value)


def test_redact_hides_every_secret() -> None:
    assert redact("u=me p=hunter2 t=abc", "hunter2", "abc", None) == "u=me p=*** t=***"


# -- converters: values already in shape pass through, everything else is normalised ----------

_ZONES = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))])


@given(
    at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=_ZONES
    ),
    labels=st.lists(st.one_of(st.text(max_size=5), st.integers())).map(tuple),
)
def test_history_fields_are_normalised_whatever_shape_they_arrive_in(
    at: datetime, labels: tuple[str | int, ...]
) -> None:
    h = ItemHistory(
        "K-1",
        created=at,
        resolved=at.isoformat(),
        labels=labels,  # type: ignore[arg-type]
        sprints=labels,  # type: ignore[arg-type]
    )
    assert h.created == at
    assert h.created.tzinfo is UTC
    assert h.resolved == at
    assert h.resolved.tzinfo is UTC
    assert h.labels == h.sprints == tuple(str(v) for v in labels)
    assert all(type(v) is str for v in h.labels)
    assert Transition(at, None, "To Do").at.tzinfo is UTC


def test_values_already_in_shape_are_kept_as_they_are() -> None:
    at = datetime(2026, 1, 6, 9, tzinfo=UTC)
    labels = ("a", "b")
    moves = (Transition(at, None, "To Do"),)
    h = ItemHistory("K-1", created=at, labels=labels, transitions=moves)
    assert h.created is at
    assert h.labels is labels
    assert h.transitions is moves


def test_naive_and_non_timestamps_are_refused_on_every_time_field() -> None:
    naive = datetime(2026, 1, 6, 9)
    with pytest.raises(InvalidValue, match="no timezone"):
        Transition(naive, None, "To Do")
    with pytest.raises(InvalidValue, match="no timezone"):
        ItemHistory("K-1", resolved=naive)
    with pytest.raises(InvalidValue, match="no timezone"):
        BlockedPeriod(datetime(2026, 1, 6, tzinfo=UTC), end=naive)


def test_generators_of_transitions_and_blocked_periods_become_tuples() -> None:
    at = datetime(2026, 1, 6, 9, tzinfo=UTC)
    h = ItemHistory(
        "K-1",
        transitions=(Transition(at, None, s) for s in ["To Do"]),
        blocked=[BlockedPeriod(at)],
        labels=None,
    )
    assert h.transitions == (Transition(at, None, "To Do"),)
    assert h.blocked == (BlockedPeriod(at),)
    assert h.labels == ()
