"""Shared fixtures: a fake Trello on 127.0.0.1 per test, adapters pointed at it, hypothesis
profiles (``HYPOTHESIS_PROFILE=ci`` in CI)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from agilemarketing_trello.adapter import TrelloAdapter
from agilemarketing_trello.limiter import RateLimiter, SlidingWindow
from fake_trello import KEY, TOKEN, FakeTrello

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTrello]:
    monkeypatch.setenv("TRELLO_KEY", KEY)
    monkeypatch.setenv("TRELLO_TOKEN", TOKEN)
    # generous limits: the rate-limit tests start fakes of their own with Trello's
    with FakeTrello(token_limit=100_000, key_limit=100_000) as server:
        yield server


def fast_limiter(window: float = 0.05) -> RateLimiter:
    """A limiter of its own (not the process-wide one), Trello's counts over ``window`` s."""
    return RateLimiter(SlidingWindow(100, window), SlidingWindow(300, window))


@pytest.fixture
def connect(fake: FakeTrello) -> Callable[..., TrelloAdapter]:
    """An adapter on one of the fake's boards, with quick retries and its own limiter."""

    def make(board: str, **options: Any) -> TrelloAdapter:
        settings: dict[str, object] = {
            "api_url": fake.url,
            "key_prefix": "MKT",
            "backoff": 0.01,
            "read_timeout": 5.0,
            "limiter": fast_limiter(),
            "sleep": lambda seconds: None,
        }
        settings.update(options)
        return TrelloAdapter(board, settings)

    return make
