"""Adapter URLs: ``"<adapter>:<location>"``, such as ``csv:exports/board.csv``.

A location never carries credentials: ``csv:https://bob:TOKEN@host/x.csv`` is refused before
anything is read, stored or printed, and the error shows ``https://***@host/x.csv``. Secrets come
from environment variables named by an adapter's ``*_env`` options.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from agilemarketing.errors import AdapterUrlError

__all__ = ["AdapterUrl", "check_no_credentials", "parse_adapter_url"]

_URL = re.compile(r"^(?P<name>[a-z][a-z0-9_-]+):(?P<location>.*)$", re.S)
# The userinfo of a URL's authority: "//" (after a scheme, or at the start), then anything up to
# the last "@" before the path, query or fragment ("user:password@", "token@").
_USERINFO = re.compile(r"(?P<lead>(?:^|[A-Za-z][A-Za-z0-9+.-]*:)//)[^/?#]*@")
_NO_CREDENTIALS: Final = (
    "put the secret in an environment variable named by the adapter's `*_env` option "
    '(e.g. token_env = "JIRA_TOKEN" in the sync configuration) and leave the user name and '
    "secret out of the URL"
)


def check_no_credentials(url: str) -> None:
    """Refuse ``url`` (an adapter URL or a location) if it carries credentials
    (``https://user:secret@host``), with an :class:`~agilemarketing.errors.AdapterUrlError`
    that shows them as ``***``.

    >>> check_no_credentials("csv:https://host/me@corp.csv") is None
    True
    >>> check_no_credentials("csv:https://bob:s3cr3t@host/x.csv")
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AdapterUrlError: adapter URL 'csv:https://***@host/x.csv': the URL \
carries credentials. Fix: put the secret in an environment variable named by the adapter's \
`*_env` option (e.g. token_env = "JIRA_TOKEN" in the sync configuration) and leave the user \
name and secret out of the URL.
    """
    if _USERINFO.search(url) is not None:
        shown = _USERINFO.sub(lambda m: f"{m['lead']}***@", url)
        raise AdapterUrlError(shown, what="the URL carries credentials", fix=_NO_CREDENTIALS)


@attrs.frozen
class AdapterUrl:
    """An adapter URL split into the adapter's ``name`` and its ``location``."""

    name: str
    location: str

    def __str__(self) -> str:
        return f"{self.name}:{self.location}"


def parse_adapter_url(url: str) -> AdapterUrl:
    """Split ``"<adapter>:<location>"``; the name is lower case, 2+ characters (so a Windows
    drive letter is never taken for an adapter). A URL carrying credentials is refused
    (:func:`check_no_credentials`).

    >>> parse_adapter_url("mirror:state/sync.db")
    AdapterUrl(name='mirror', location='state/sync.db')
    >>> parse_adapter_url("board.csv")
    Traceback (most recent call last):
    ...
    agilemarketing.errors.AdapterUrlError: adapter URL 'board.csv': no adapter name before ':'. \
Fix: write it as <adapter>:<location>, e.g. csv:exports/board.csv or memory:demo.
    """
    check_no_credentials(url)
    match = _URL.match(url.strip())
    if match is None:
        raise AdapterUrlError(url, what="no adapter name before ':'")
    return AdapterUrl(match["name"], match["location"])
