"""The distribution registers the ``jira`` adapter through the ``agilemarketing`` entry point."""

from __future__ import annotations

from agilemarketing_jira.adapter import JiraAdapter

from agilemarketing.plugins import adapter_for_url, get_plugin_manager, load_registry


def test_the_entry_point_registers_the_jira_adapter() -> None:
    registry = load_registry(get_plugin_manager())
    assert registry.adapter("jira") is JiraAdapter


def test_an_adapter_url_builds_it_without_sending_a_request() -> None:
    adapter = adapter_for_url(
        "jira:https://example.atlassian.net?project=MKT&board=1",
        options={"user": "me@example.com", "token_env": "FAKE_JIRA_TOKEN"},
    )
    assert isinstance(adapter, JiraAdapter)
    assert (adapter.base, adapter.project, adapter.board_id) == (
        "https://example.atlassian.net",
        "MKT",
        1,
    )
    assert adapter.transport.requests_sent == 0


def test_agilemarketing_plugins_lists_jira() -> None:
    from click.testing import CliRunner

    from agilemarketing.cli import main

    result = CliRunner().invoke(main, ["plugins"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()]
    assert ["adapter", "jira", "agilemarketing_jira.adapter.JiraAdapter"] in [r[:3] for r in rows]
