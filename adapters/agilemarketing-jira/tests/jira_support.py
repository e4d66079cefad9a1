"""Helpers shared by the Jira adapter's tests (a module of its own, so tests import it by a
name no other test folder uses)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from agilemarketing_jira.adapter import JiraAdapter
from fake_jira import USER, FakeJira

from agilemarketing.history import ItemHistory, Transition

#: Fast retries for tests: small backoff, short budgets, short timeouts.
FAST = {"backoff": 0.05, "max_wait": 5.0, "connect_timeout": 2.0, "read_timeout": 5.0}

FLAVOURS = {
    "cloud": {"timezone": "Australia/Sydney"},
    "dc": {"timezone": "Europe/Berlin"},
}


def adapter_for(fake: FakeJira, query: str = "", **options: Any) -> JiraAdapter:
    """A JiraAdapter on ``fake`` (Cloud: basic auth with the e-mail; DC: a Bearer token)."""
    scope = query or f"project={fake.project}"
    base: dict[str, Any] = {**FAST, "token_env": "FAKE_JIRA_TOKEN"}
    if fake.cloud:
        base["user"] = USER
    base.update(options)
    return JiraAdapter(f"{fake.url}?{scope}", base)


STATUSES = ("To Do", "In Progress", "Review", "Done")


def long_history(key: str, entries: int, *, start: datetime | None = None) -> ItemHistory:
    """An issue whose changelog has exactly ``entries`` status changes (round the workflow)."""
    created = start or datetime(2026, 1, 5, 9, tzinfo=UTC)
    transitions = [Transition(created, None, "To Do")]
    status = "To Do"
    for n in range(entries):
        following = STATUSES[(STATUSES.index(status) + 1) % len(STATUSES)]
        transitions.append(Transition(created + timedelta(hours=n + 1), status, following))
        status = following
    return ItemHistory(
        key=key,
        summary=f"Campaign with {entries} moves",
        type="Campaign",
        status=status,
        created=created,
        transitions=transitions,
        rank=None,
    )
