"""Specification of history records and timezone handling."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agilemarketing._time import ensure_utc, parse_timestamp
from agilemarketing.errors import AgileMarketingError, InvalidValue, NotFound, raise_all, redact
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition


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
