"""The token never appears: not in a repr, an error, a log line, a cursor, or a request URL."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from agilemarketing_jira.adapter import JiraAdapter
from agilemarketing_jira.errors import RemoteError
from fake_jira import TOKEN, FakeJira
from jira_support import adapter_for

from agilemarketing.adapter import CreateItem, UpdateFields
from agilemarketing.errors import InvalidValue, MissingSecret
from agilemarketing.testing import sample_histories


def test_the_token_is_in_no_log_line_repr_error_or_cursor(
    fakes: Callable[..., FakeJira], flavour: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, the jira client's, urllib3's
    fake = fakes(flavour)
    fake.seed(sample_histories(5))
    fake.fault("GET", r"/search", status=503, headers={"Retry-After": "0"})
    fake.fault("PUT", r"/issue/MKT-2$", status=400, body={"errorMessages": [TOKEN], "errors": {}})
    adapter = adapter_for(fake)
    texts = [repr(adapter), repr(adapter.transport)]
    result = adapter.read()
    records = list(result)
    texts += [result.cursor.token, repr(records)]
    failed = adapter.apply(UpdateFields("MKT-2", {"summary": "x"}))
    texts.append(str(failed.error))
    fake.fault("POST", r"/issue$", status=500, times=100)
    with pytest.raises(RemoteError) as caught:
        adapter_for(fake, max_wait=0.3).apply(CreateItem("N-1", "Secret plan", type="Email"))
    texts.append(str(caught.value))
    assert caplog.records, "the adapter logs its requests at DEBUG"
    texts.append(caplog.text)
    texts += [str(r.query) + str(r.body) for r in fake.log]
    for text in texts:
        assert TOKEN not in text
    assert "***" in str(failed.error)  # Jira's echo of the token was redacted


def test_a_missing_token_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_JIRA_TOKEN", raising=False)
    with pytest.raises(MissingSecret, match="NO_SUCH_JIRA_TOKEN"):
        JiraAdapter(
            "https://example.atlassian.net?project=MKT", {"token_env": "NO_SUCH_JIRA_TOKEN"}
        )


@pytest.mark.parametrize(
    ("location", "options", "message"),
    [
        ("https://example.atlassian.net?project=MKT", {"token": "x"}, "looks like a secret"),
        ("https://example.atlassian.net?project=MKT&api_key=x", {}, "looks like a secret"),
        ("https://me:pw@example.atlassian.net?project=MKT", {}, "credentials do not belong"),
        ("http://example.atlassian.net?project=MKT", {}, "unencrypted"),
        ("https://example.atlassian.net", {}, "needs a scope"),
        ("https://example.atlassian.net?project=mkt", {}, "project key"),
        ("https://example.atlassian.net?project=MKT&colour=red", {}, "unknown option"),
        ("example.atlassian.net", {}, "site's address"),
    ],
)
def test_bad_locations_and_options_are_refused_before_any_request(
    location: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        JiraAdapter(location, {"token_env": "FAKE_JIRA_TOKEN", **options})
