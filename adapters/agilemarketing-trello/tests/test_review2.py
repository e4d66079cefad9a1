"""Review findings on the Trello client (tests that failed before their fix)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
import urllib3.util.connection
from agilemarketing_trello.client import TrelloClient
from agilemarketing_trello.errors import TrelloRemoteError


def _refusing_url() -> str:
    """An API URL on 127.0.0.1 whose port nothing listens on (a connection is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/1"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_refused_connection_is_tried_retries_plus_one_times_and_said_so(
    monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """urllib3 retries a connection never made (for any method: nothing reached Trello); the
    client must not retry that again on top, each of its attempts making retries + 1 more
    connections (2 retries: 9 connections, not 3), and the error counts the connections."""
    opened: list[object] = []
    create: Callable[..., Any] = urllib3.util.connection.create_connection

    def counted(*args: Any, **kwargs: Any) -> Any:
        opened.append(args[0])
        return create(*args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counted)
    waits: list[float] = []
    client = TrelloClient(
        _refusing_url(), key="k3y", token="t0ken", retries=2, backoff=0.01, sleep=waits.append
    )
    with pytest.raises(TrelloRemoteError) as caught:
        client.request(method, "/boards/abc")
    assert len(opened) == 3
    assert "after 3 attempts" in str(caught.value)
    assert "t0ken" not in str(caught.value)
