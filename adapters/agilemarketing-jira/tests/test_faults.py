"""Faults: rate limits, server errors, lost answers and slow answers, on every kind of route.

Every test bounds itself: retries are fast (``backoff=0.05``), the budget (``max_wait``) is a few
seconds, and each fault is injected for a fixed number of requests."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from agilemarketing_jira.errors import JiraConnectionError, JiraTimeout, RemoteError
from fake_jira import FakeJira, retry_after_date
from jira_support import adapter_for

from agilemarketing.adapter import ChangeStatus, CreateItem, MoveStatus, UpdateFields
from agilemarketing.testing import read_state, sample_histories

SEARCH = {"cloud": r"/search/jql$", "dc": r"/rest/api/2/search$"}


def _fake(fakes: Callable[..., FakeJira], flavour: str, count: int = 12) -> FakeJira:
    fake = fakes(flavour)
    fake.seed(sample_histories(count))
    return fake


def test_a_429_storm_with_retry_after_seconds_finishes(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour)
    fake.fault("GET", SEARCH[flavour], status=429, headers={"Retry-After": "0"}, times=5)
    assert len(read_state(adapter_for(fake, max_retries=8))) == 12
    assert [r.status for r in fake.requests("GET", SEARCH[flavour])][:5] == [429] * 5


def test_retry_after_as_an_http_date_is_honoured(fakes: Callable[..., FakeJira]) -> None:
    fake = _fake(fakes, "cloud")
    fake.fault("GET", r"/search/jql$", status=429, headers={"Retry-After": retry_after_date(2)})
    started = time.monotonic()
    assert len(read_state(adapter_for(fake))) == 12
    assert time.monotonic() - started >= 0.5  # it waited (an HTTP date has whole seconds)


def test_a_retry_after_beyond_max_wait_ends_at_once(fakes: Callable[..., FakeJira]) -> None:
    fake = _fake(fakes, "cloud")
    fake.fault("GET", r"/search/jql$", status=429, headers={"Retry-After": "3600"}, times=3)
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        read_state(adapter_for(fake, max_wait=2.0))
    assert caught.value.status == 429
    assert time.monotonic() - started < 2.0


def test_503_and_502_and_504_are_retried_for_reads(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour)
    for status in (503, 502, 504, 500):
        fake.fault("GET", SEARCH[flavour], status=status)
    assert len(read_state(adapter_for(fake))) == 12


def test_a_permanent_500_ends_in_an_error_within_max_wait(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour)
    fake.fault("GET", SEARCH[flavour], status=500, times=1000)
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        read_state(adapter_for(fake, max_retries=100, max_wait=1.5, backoff=0.1))
    elapsed = time.monotonic() - started
    assert caught.value.status == 500
    assert elapsed < 1.5 + 1.0
    assert "HTTP 500" in str(caught.value)
    assert 2 <= len(fake.requests("GET", SEARCH[flavour])) < 100


def test_the_clients_own_retries_are_off(fakes: Callable[..., FakeJira]) -> None:
    fake = _fake(fakes, "cloud")
    fake.fault("GET", r"/search/jql$", status=503, headers={"Retry-After": "0"}, times=5)
    with pytest.raises(RemoteError):
        read_state(adapter_for(fake, max_retries=0))
    assert len(fake.requests("GET", r"/search/jql$")) == 1


def test_a_slow_read_beyond_the_read_timeout_is_retried(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour)
    fake.fault("GET", SEARCH[flavour], "slow", delay=1.0)
    assert len(read_state(adapter_for(fake, read_timeout=0.3))) == 12
    fake.fault("GET", SEARCH[flavour], "slow", delay=1.0, times=3)
    with pytest.raises(JiraTimeout):
        read_state(adapter_for(fake, read_timeout=0.3, max_retries=1))


def test_a_dropped_connection_on_a_read_is_retried(fakes: Callable[..., FakeJira]) -> None:
    fake = _fake(fakes, "dc")
    fake.fault("GET", r"/rest/api/2/search$", "drop_before")
    assert len(read_state(adapter_for(fake))) == 12


def _count(fake: FakeJira, summary: str) -> int:
    return sum(1 for i in fake.issues.values() if i.summary == summary)


CREATE = CreateItem("NEW-1", "Partner webinar invitation", type="Email", status="In Progress")


@pytest.mark.parametrize("kind", ["drop_after", "slow"])
def test_a_create_whose_answer_was_lost_exists_once(
    fakes: Callable[..., FakeJira], flavour: str, kind: str
) -> None:
    fake = _fake(fakes, flavour, 3)
    fake.fault("POST", r"/issue$", kind, delay=1.0)
    adapter = adapter_for(fake, read_timeout=0.3)
    first = adapter.apply(CREATE)
    assert first.status is ChangeStatus.APPLIED
    assert _count(fake, CREATE.summary) == 1
    assert fake.issues[first.key].status == "In Progress"
    again = adapter_for(fake).apply(CREATE)  # a re-run
    assert again.status is ChangeStatus.ALREADY_APPLIED
    assert again.key == first.key
    assert _count(fake, CREATE.summary) == 1
    assert len(fake.requests("POST", r"/issue$")) == 1


def test_an_interrupted_create_is_recognised_on_the_rerun(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour, 3)
    fake.fault("POST", r"/issue$", "drop_after")
    # the search before the create works; the check after the lost answer fails too
    fake.on(
        "GET", SEARCH[flavour], lambda: fake.fault("GET", SEARCH[flavour], status=500, times=1000)
    )
    first = adapter_for(fake, max_wait=0.5)
    with pytest.raises(RemoteError) as caught:
        first.apply(CREATE)  # the run stops here
    assert caught.value.status == 500
    assert _count(fake, CREATE.summary) == 1
    assert fake.issues["MKT-4"].status == "To Do"
    fake.faults.clear()
    again = adapter_for(fake).apply(CREATE)
    assert again.status is ChangeStatus.APPLIED  # it finishes the create: the transition
    assert _count(fake, CREATE.summary) == 1
    assert fake.issues[again.key].status == "In Progress"
    third = adapter_for(fake).apply(CREATE)
    assert (third.status, third.key) == (ChangeStatus.ALREADY_APPLIED, again.key)


def test_a_create_dropped_before_it_applied_is_sent_again_on_the_rerun(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour, 3)
    fake.fault("POST", r"/issue$", "drop_before")
    with pytest.raises(JiraConnectionError):
        adapter_for(fake).apply(CREATE)
    assert _count(fake, CREATE.summary) == 0
    assert adapter_for(fake).apply(CREATE).status is ChangeStatus.APPLIED
    assert _count(fake, CREATE.summary) == 1


def test_a_rate_limited_create_is_not_sent_twice(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour, 3)
    fake.fault("POST", r"/issue$", status=429, headers={"Retry-After": "0"}, times=3)
    with pytest.raises(RemoteError) as caught:
        adapter_for(fake).apply(CREATE)
    assert caught.value.status == 429
    assert len(fake.requests("POST", r"/issue$")) == 1
    assert _count(fake, CREATE.summary) == 0


def test_a_lost_transition_answer_is_checked_once(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour, 3)
    fake.fault("POST", r"/transitions$", "drop_after")
    result = adapter_for(fake).apply(MoveStatus("MKT-1", "Done"))
    assert result.status is ChangeStatus.APPLIED
    assert fake.issues["MKT-1"].status == "Done"
    assert len(fake.requests("POST", r"/transitions$")) == 1


def test_an_edit_is_idempotent_so_it_is_retried(fakes: Callable[..., FakeJira]) -> None:
    fake = _fake(fakes, "cloud", 3)
    fake.fault("PUT", r"/issue/MKT-2$", status=503, headers={"Retry-After": "0"})
    result = adapter_for(fake).apply(UpdateFields("MKT-2", {"summary": "Retitled"}))
    assert result.status is ChangeStatus.APPLIED
    assert len(fake.requests("PUT", r"/issue/MKT-2$")) == 2
