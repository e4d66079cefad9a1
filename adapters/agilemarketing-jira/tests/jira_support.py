"""Helpers shared by the Jira adapter's tests (a module of its own, so tests import it by a
name no other test folder uses)."""

from __future__ import annotations

from typing import Any

from agilemarketing_jira.adapter import JiraAdapter
from fake_jira import USER, FakeJira

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
