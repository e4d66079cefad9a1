"""Builders the mirror tests share: a mirror file, item histories, journal entries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.mirror import JournalEntry, JournalStatus, Mirror

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    """A mirror file, ``team.db`` in the test's folder."""
    with Mirror(tmp_path / "team.db") as m:
        yield m


@pytest.fixture(scope="session")
def history() -> Callable[..., ItemHistory]:
    """Builds the history of item ``key`` (summary ``item <key>``) in a status."""

    def build(key: str, status: str = "To Do", **kw: object) -> ItemHistory:
        return ItemHistory(key=key, summary=f"item {key}", status=status, **kw)  # type: ignore[arg-type]

    return build


@pytest.fixture(scope="session")
def full_history() -> ItemHistory:
    """One item with every field set and a history: transitions, blocked periods, a rank."""
    return ItemHistory(
        key="MKT-1",
        summary="Spring webinar — landing page",
        type="Campaign",
        status="Done",
        created=T0,
        resolved=T0 + timedelta(days=4),
        points=5.0,
        labels=["webinar", "q2"],
        sprints=["Cycle 7"],
        rank="0|hzzzzz:",
        blocked=[BlockedPeriod(T0 + timedelta(days=1), T0 + timedelta(days=2))],
        transitions=[
            Transition(T0, None, "To Do"),
            Transition(T0 + timedelta(days=1), "To Do", "In Progress"),
            Transition(T0 + timedelta(days=4), "In Progress", "Done", observed=True),
        ],
    )


@pytest.fixture(scope="session")
def entry() -> Callable[..., JournalEntry]:
    """Builds a planned journal entry for target ``memory:b``."""

    def build(change_id: str, key: str = "A-1") -> JournalEntry:
        return JournalEntry(
            target="memory:b",
            change_id=change_id,
            kind="update",
            item_key=key,
            payload={"summary": "new"},
            status=JournalStatus.PLANNED,
            planned_at=T0,
        )

    return build
