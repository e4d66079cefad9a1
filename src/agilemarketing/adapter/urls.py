"""Adapter URLs: ``"<adapter>:<location>"``, such as ``csv:exports/board.csv``."""

from __future__ import annotations

import re

import attrs

from agilemarketing.errors import AdapterUrlError

__all__ = ["AdapterUrl", "parse_adapter_url"]

_URL = re.compile(r"^(?P<name>[a-z][a-z0-9_-]+):(?P<location>.*)$", re.S)


@attrs.frozen
class AdapterUrl:
    """An adapter URL split into the adapter's ``name`` and its ``location``."""

    name: str
    location: str

    def __str__(self) -> str:
        return f"{self.name}:{self.location}"


def parse_adapter_url(url: str) -> AdapterUrl:
    """Split ``"<adapter>:<location>"``; the name is lower case, 2+ characters (so a Windows
    drive letter is never taken for an adapter).

    >>> parse_adapter_url("mirror:state/sync.db")
    AdapterUrl(name='mirror', location='state/sync.db')
    >>> parse_adapter_url("board.csv")
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AdapterUrlError: adapter URL 'board.csv': no adapter name before ':'. \
Fix: write it as <adapter>:<location>, e.g. csv:exports/board.csv or memory:demo.
    """
    match = _URL.match(url.strip())
    if match is None:
        raise AdapterUrlError(url, what="no adapter name before ':'")
    return AdapterUrl(match["name"], match["location"])
