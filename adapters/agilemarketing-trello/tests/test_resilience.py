"""Rate limits, retries, time-outs, authentication errors, and secrets kept out of sight."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from agilemarketing_trello.adapter import TrelloAdapter
from agilemarketing_trello.errors import TrelloAuthenticationFailed, TrelloRemoteError
from agilemarketing_trello.limiter import RateLimiter, SlidingWindow
from fake_trello import KEY, TOKEN, FakeTrello, Fault

from agilemarketing.testing import read_state, sample_histories

Connect = Callable[..., TrelloAdapter]


def test_a_429_waits_for_the_window_to_turn_then_succeeds(
    fake: FakeTrello, connect: Connect
) -> None:
    waits: list[float] = []
    board = fake.seed(sample_histories(3))
    fake.faults.append(Fault("GET", r"/actions$", "429", times=2))
    state = read_state(connect(board, sleep=waits.append))
    assert sorted(state) == ["MKT-1", "MKT-2", "MKT-3"]
    assert len(waits) == 2
    assert all(w > 0 for w in waits)


def test_a_shared_token_over_trellos_limit_is_waited_out(fake: FakeTrello) -> None:
    """Two programs on one token (limiters that do not know of each other) go over 100 in a
    window; the 429s are waited out and every request gets through."""
    window = 2.0
    with FakeTrello(window=window) as server:
        board = server.seed(sample_histories(2))
        adapters = [
            TrelloAdapter(
                board,
                {
                    "api_url": server.url,
                    "key_prefix": "MKT",
                    "limiter": RateLimiter(SlidingWindow(100, window), SlidingWindow(300, window)),
                },
            )
            for _ in range(2)
        ]
        for _ in range(60):
            for adapter in adapters:
                adapter._reader().snapshot()
        assert server.rejected_429 > 0
        assert len([e for e in server.log if e.status == 200]) == 120


def test_server_errors_and_dropped_reads_are_retried(fake: FakeTrello, connect: Connect) -> None:
    board = fake.seed(sample_histories(2))
    fake.faults += [
        Fault("GET", rf"^/1/boards/{board}$", "500", times=2),
        Fault("GET", r"/actions$", "drop_before"),
    ]
    assert sorted(read_state(connect(board))) == ["MKT-1", "MKT-2"]
    assert len(fake.requests_to(rf"^/1/boards/{board}$")) == 3


def test_a_read_that_keeps_failing_is_a_remote_error_and_the_cursor_stays(
    fake: FakeTrello, connect: Connect
) -> None:
    adapter = connect(fake.seed(sample_histories(2)), retries=2)
    first = adapter.read()
    list(first)
    fake.move_card(
        fake.card_by_short(next(iter(fake.boards)), 1)["id"],
        fake.list_named(next(iter(fake.boards)), "Done"),
    )
    fake.faults.append(Fault("GET", r"/batch$", "500", times=50))
    with pytest.raises(TrelloRemoteError) as caught:
        adapter.read(first.cursor)
    assert caught.value.status == 500
    fake.faults.clear()
    assert [r.key for r in adapter.read(first.cursor)] == ["MKT-1"]


def test_slow_answers_time_out_and_are_retried(fake: FakeTrello, connect: Connect) -> None:
    board = fake.seed(sample_histories(2))
    fake.faults.append(Fault("GET", rf"^/1/boards/{board}$", "slow", delay=0.6))
    adapter = connect(board, read_timeout=0.2)
    assert sorted(read_state(adapter)) == ["MKT-1", "MKT-2"]
    fake.faults.append(Fault("GET", rf"^/1/boards/{board}$", "slow", delay=0.6, times=10))
    with pytest.raises(TrelloRemoteError, match=r"timed out|dropped"):
        read_state(connect(board, read_timeout=0.2, retries=1))


@pytest.mark.parametrize(
    ("variable", "value"), [("TRELLO_KEY", "wrong-key"), ("TRELLO_TOKEN", "wrong-token")]
)
def test_an_invalid_key_or_token_names_its_variable(
    fake: FakeTrello, connect: Connect, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    board = fake.seed(sample_histories(1))
    with pytest.raises(TrelloAuthenticationFailed) as caught:
        read_state(connect(board))
    assert caught.value.variable == variable
    assert variable in str(caught.value)
    assert value not in str(caught.value)


def test_secrets_stay_out_of_urls_logs_and_errors(
    fake: FakeTrello, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    board = fake.seed(sample_histories(3))
    fake.faults += [Fault("GET", r"/actions$", "429"), Fault("PUT", r"/cards/", "500", times=9)]
    adapter = connect(board, retries=1)
    read_state(adapter)
    from agilemarketing.adapter import MoveStatus

    with pytest.raises(TrelloRemoteError) as caught:
        adapter.apply(MoveStatus("MKT-1", "Done"))
    assert fake.secrets_in_urls == 0
    shown = caplog.text + str(caught.value) + repr(adapter) + repr(adapter.client)
    assert KEY not in shown
    assert TOKEN not in shown
    assert any(e.authorization.startswith("OAuth oauth_consumer_key=") for e in fake.log)


class _CountingLimiter(RateLimiter):
    """A limiter that counts the places taken in it."""

    def __init__(self) -> None:
        super().__init__(SlidingWindow(100, 10.0), SlidingWindow(300, 10.0))
        self.taken = 0

    def acquire(self) -> float:
        self.taken += 1
        return super().acquire()


@pytest.mark.parametrize("fault", ["500", "504", "drop_before"])
def test_every_retry_takes_a_place_in_the_rate_limit(
    fake: FakeTrello, connect: Connect, fault: str
) -> None:
    """A retry is a request like any other to Trello's limits: each one reaching Trello went
    through the limiter (retried below it, a burst of 5xx answers could go over the limit)."""
    board = fake.seed(sample_histories(2))
    fake.faults.append(Fault("GET", rf"^/1/boards/{board}$", fault, times=2))
    limiter = _CountingLimiter()
    assert sorted(read_state(connect(board, limiter=limiter))) == ["MKT-1", "MKT-2"]
    assert len(fake.requests_to(rf"^/1/boards/{board}$")) == 3
    assert limiter.taken == len(fake.log)
