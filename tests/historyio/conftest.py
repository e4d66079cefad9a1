"""Builders shared by the history JSON Lines tests: sample histories, lines, microseconds."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from agilemarketing.history import BlockedPeriod, ItemHistory, Transition


@pytest.fixture(scope="session")
def us() -> Callable[[datetime], int]:
    """Microseconds since 1970 of an aware datetime (what a ``datetime64[us]`` column holds)."""

    def microseconds(moment: datetime) -> int:
        return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)

    return microseconds


@pytest.fixture(scope="session")
def jsonl_line() -> Callable[..., str]:
    """One history line for item A-1 (``key`` and any other field can be given)."""

    def line(**fields: object) -> str:
        return json.dumps({"key": "A-1", **fields})

    return line


@pytest.fixture
def sample_histories() -> list[ItemHistory]:
    """Two items using every field: one done (fractions of a second, an offset, an observed
    transition, labels, sprints, a rank), one still blocked."""
    return [
        ItemHistory(
            key="MKT-1",
            summary="Launch email",
            type="Email",
            status="Done",
            created="2026-01-05T09:00:00Z",
            resolved="2026-01-08T16:00:00.5Z",
            points=2.0,
            labels=["q1"],
            sprints=["C1", "C2"],
            transitions=[
                Transition("2026-01-06T10:00:00+01:00", "To Do", "In Progress"),
                Transition("2026-01-08T16:00:00.5Z", "In Progress", "Done", observed=True),
            ],
            blocked=[BlockedPeriod("2026-01-07T09:00Z", "2026-01-07T12:00Z")],
            rank="0|a",
        ),
        ItemHistory(key="MKT-2", status="To Do", blocked=[BlockedPeriod("2026-01-07T09:00Z")]),
    ]
