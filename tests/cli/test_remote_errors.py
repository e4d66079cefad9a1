"""Remote failures have a name and a code (issue 11, point 7): ``RemoteError`` exits 4 (run it
again), ``AuthenticationFailed`` exits 2 naming the variable (never its value), in every
command."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from agilemarketing.adapter import Adapter, Capabilities, Cursor, ReadResult
from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.errors import AuthenticationFailed, RemoteError

SECRET = "tok-9f8e7d-remote"


class Remote(Adapter):
    """A tool that fails as its location says: ``remote:down`` (503) or ``remote:denied``."""

    name: ClassVar[str] = "remote"
    capabilities: ClassVar[Capabilities] = Capabilities(read=True)

    def read(self, since: Cursor | None = None) -> ReadResult:
        token = self.secret("REMOTE_TOKEN")
        if self.location == "denied":
            raise AuthenticationFailed(
                "REMOTE_TOKEN", path=f"/api/items?token={token}", tool="Remote example.test"
            )
        raise RemoteError(
            "GET", f"/api/items?token={token}", status=503, message="busy", tool="Remote"
        )


@pytest.fixture(autouse=True)
def remote(monkeypatch: pytest.MonkeyPatch) -> None:
    from agilemarketing import plugins

    real = plugins.adapter_for_url

    def adapter_for_url(url: str, options: Mapping[str, object] | None = None) -> Adapter:
        return Remote.from_url(url, options) if url.startswith("remote:") else real(url, options)

    monkeypatch.setattr(plugins, "adapter_for_url", adapter_for_url)
    monkeypatch.setenv("REMOTE_TOKEN", SECRET)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("sync", ["mirror:{tmp}/m.db"]),
        ("report", ["--stages", "A,B,C", "--out", "{tmp}/r"]),
        ("forecast", ["--stages", "A,B,C", "--items", "3"]),
        ("showcase", ["--stages", "A,B,C"]),
    ],
)
def test_a_server_failure_exits_4_and_names_the_request(
    command: str, extra: list[str], tmp_path: Path
) -> None:
    code, _, stderr = run(command, "remote:down", *[a.format(tmp=tmp_path) for a in extra])
    assert code == ExitCode.ERROR, stderr
    assert "GET /api/items failed: HTTP 503: busy" in stderr
    assert SECRET not in stderr


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("sync", ["mirror:{tmp}/m.db"]),
        ("report", ["--stages", "A,B,C", "--out", "{tmp}/r"]),
        ("showcase", ["--stages", "A,B,C"]),
    ],
)
def test_a_refused_secret_exits_2_naming_the_variable_not_the_value(
    command: str, extra: list[str], tmp_path: Path
) -> None:
    code, _, stderr = run(command, "remote:denied", *[a.format(tmp=tmp_path) for a in extra])
    assert code == ExitCode.USAGE, stderr
    assert "REMOTE_TOKEN" in stderr
    assert SECRET not in stderr


def test_a_remote_error_keeps_no_query_string() -> None:
    error = RemoteError("post", "/1/cards?key=abc&token=xyz", status=None)
    assert error.path == "/1/cards"
    assert "xyz" not in str(error)
    assert "no answer" in str(error)
    assert error.retryable


def test_an_authentication_failure_is_a_remote_error_naming_its_variable() -> None:
    error = AuthenticationFailed("TRELLO_TOKEN", status=403)
    assert isinstance(error, RemoteError)
    assert error.variable == "TRELLO_TOKEN"
    assert "HTTP 403" in str(error)
    assert not error.retryable


def test_the_jira_and_trello_transport_errors_are_the_cores() -> None:
    from agilemarketing_jira.errors import AuthenticationFailed as JiraAuthenticationFailed
    from agilemarketing_jira.errors import JiraTimeout
    from agilemarketing_trello.errors import TrelloAuthenticationFailed, TrelloRemoteError

    timeout = JiraTimeout("GET", "/rest/api/3/search/jql", status=None, site="https://x.test")
    denied = JiraAuthenticationFailed("GET", "/rest/api/3/myself", status=401, variable="MY_JIRA")
    assert isinstance(timeout, RemoteError)
    assert (timeout.method, timeout.path, timeout.status) == ("GET", "/rest/api/3/search/jql", None)
    assert isinstance(denied, AuthenticationFailed)
    assert denied.variable == "MY_JIRA"
    trello = TrelloRemoteError("GET", "/1/boards/b", status=500, reason="oops")
    assert isinstance(trello, RemoteError)
    assert trello.message == "oops"
    refused = TrelloAuthenticationFailed("TRELLO_TOKEN", board="b")
    assert isinstance(refused, AuthenticationFailed)
    assert refused.variable == "TRELLO_TOKEN"
