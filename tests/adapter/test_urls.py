"""Adapter URLs: ``<adapter>:<location>``."""

from __future__ import annotations

import pytest

from agilemarketing.adapter import AdapterUrl, parse_adapter_url
from agilemarketing.errors import AdapterUrlError


@pytest.mark.parametrize(
    ("url", "name", "location"),
    [
        ("csv:exports/board.csv", "csv", "exports/board.csv"),
        ("mirror:", "mirror", ""),
        ("jira-csv:C:/exports/x.csv", "jira-csv", "C:/exports/x.csv"),
        ("jira:https://example.atlassian.net", "jira", "https://example.atlassian.net"),
    ],
)
def test_an_adapter_url_splits_at_the_first_colon(url: str, name: str, location: str) -> None:
    parsed = parse_adapter_url(url)
    assert parsed == AdapterUrl(name, location)
    assert str(parsed) == url


@pytest.mark.parametrize("url", ["board.csv", "C:\\exports\\x.csv", "CSV:x", ":x", ""])
def test_a_url_without_an_adapter_name_is_refused(url: str) -> None:
    with pytest.raises(AdapterUrlError) as caught:
        parse_adapter_url(url)
    assert caught.value.url == url
    assert "<adapter>:<location>" in str(caught.value)


# --- credentials ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("csv:https://bob:TOKEN123@host/x.csv", "csv:https://***@host/x.csv"),
        ("jira:https://u:TOKEN123@example.atlassian.net", "jira:https://***@example.atlassian.net"),
        ("jira:https://TOKEN123@example.atlassian.net", "jira:https://***@example.atlassian.net"),
        ("csv://bob:TOKEN123@host/x.csv", "csv://***@host/x.csv"),
        ("trello:HTTPS://me:TOKEN123@api.trello.com/1", "trello:HTTPS://***@api.trello.com/1"),
        ("csv:ftp://a%40b:TOKEN123@host/x.csv", "csv:ftp://***@host/x.csv"),
        ("csv:https://bob:TOK@EN123@host/x.csv", "csv:https://***@host/x.csv"),
    ],
)
def test_credentials_in_a_url_are_refused_without_echoing_them(url: str, shown: str) -> None:
    with pytest.raises(AdapterUrlError) as caught:
        parse_adapter_url(url)
    message = str(caught.value)
    assert "TOKEN123" not in message
    assert "EN123" not in message
    assert "bob" not in message
    assert caught.value.url == shown
    assert shown in message
    assert "credentials" in message
    assert "_env" in message


@pytest.mark.parametrize(
    "url",
    [
        "csv:exports/me@corp.csv",
        "csv:https://host/files/a@b.csv",
        "csv:https://host/x.csv?by=me@corp",
        "csv:https://host/x.csv#me@corp",
        "jira:https://example.atlassian.net",
        "mirror:C:/state/team@home.db",
    ],
)
def test_an_at_sign_outside_the_authority_is_not_a_credential(url: str) -> None:
    assert str(parse_adapter_url(url)) == url


def test_an_adapter_built_directly_refuses_a_location_with_credentials() -> None:
    from agilemarketing.testing import InMemoryAdapter

    with pytest.raises(AdapterUrlError) as caught:
        InMemoryAdapter("https://bob:TOKEN123@host/board")
    assert "TOKEN123" not in str(caught.value)
