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
