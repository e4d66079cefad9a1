"""Shared test settings and fixtures: hypothesis profiles, and fake Jira sites on 127.0.0.1."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_jira import TOKEN, FakeJira
from jira_support import FLAVOURS

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_JIRA_TOKEN", TOKEN)


@pytest.fixture
def fakes() -> Iterator[Callable[..., FakeJira]]:
    """Start fake Jira sites (``fakes("cloud", **options)``); all are stopped after the test."""
    started: list[FakeJira] = []

    def start(flavour: str, **options: Any) -> FakeJira:
        fake = FakeJira(flavour, **{**FLAVOURS[flavour], **options})
        fake.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


@pytest.fixture(params=sorted(FLAVOURS))
def flavour(request: pytest.FixtureRequest) -> str:
    """Each test using it runs against Jira Cloud and Jira Data Center."""
    return str(request.param)
