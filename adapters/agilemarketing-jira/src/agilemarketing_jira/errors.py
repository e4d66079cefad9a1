"""The errors of the Jira adapter, each a subclass of agilemarketing's own.

Every message says what went wrong, where (the Jira site, the issue, the field) and what to do.
Secrets never appear: messages are built from Jira's answer (status and error texts), never from
a request, and pass through the adapter's redaction before they are raised.

:class:`RemoteError` and :class:`AuthenticationFailed` subclass the core's
:class:`agilemarketing.errors.RemoteError` and :class:`agilemarketing.errors.AuthenticationFailed`,
so every command reports them with the shared exit codes (4: run it again; 2: fix the secret).

>>> error = RemoteError("GET", "/rest/api/3/myself", status=503, messages=("busy",),
...                     site="https://example.atlassian.net")
>>> print(error)
Jira https://example.atlassian.net, GET /rest/api/3/myself: HTTP 503: busy. Fix: try again later; \
the adapter already retried what was safe to retry.
>>> error.retryable
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agilemarketing.errors import AgileMarketingError, InvalidValue
from agilemarketing.errors import AuthenticationFailed as CoreAuthenticationFailed
from agilemarketing.errors import RemoteError as CoreRemoteError

__all__ = [
    "AmbiguousField",
    "AuthenticationFailed",
    "HistoryIncomplete",
    "JiraAdapterError",
    "JiraConnectionError",
    "JiraTimeout",
    "RemoteError",
    "TransitionUnavailable",
]


class JiraAdapterError(AgileMarketingError):
    """Base of every error the Jira adapter raises on purpose."""


def _status_text(status: int | None, messages: Sequence[str]) -> str:
    head = f"HTTP {status}" if status is not None else "no answer"
    return f"{head}: {'; '.join(messages)}" if messages else head


def _default_fix(status: int | None) -> str:
    if status in (401, 403):
        return "check user= and the token in the environment variable named by token_env"
    if status == 404:
        return "check the site URL, the key or id, and that the user may browse the project"
    if status is None or status == 429 or status >= 500:
        return "try again later; the adapter already retried what was safe to retry"
    return "correct the request as Jira's message says"


class RemoteError(JiraAdapterError, CoreRemoteError):
    """Jira answered with an error, or did not answer at all.

    Attributes:
        method: the HTTP method (``"GET"``).
        path: the path of the request, without the site (``"/rest/api/3/search/jql"``).
        status: the HTTP status, or None when no answer came (a timeout, a lost connection).
        messages: Jira's ``errorMessages``, in order.
        field_errors: Jira's ``errors`` by field id (``{"summary": "You must specify..."}``).
        key: the issue the request was about, when there was one.
        site: the Jira site's base URL.
    """

    def __init__(
        self,
        method: str,
        path: str,
        *,
        status: int | None,
        messages: Sequence[str] = (),
        field_errors: Mapping[str, str] | None = None,
        key: str | None = None,
        site: str = "",
        fix: str | None = None,
    ) -> None:
        self.messages = tuple(messages)
        self.field_errors = dict(field_errors or {})
        self.key = key
        self.site = site
        shown = list(self.messages) + [f"{k}: {v}" for k, v in sorted(self.field_errors.items())]
        where = f"Jira {site}, {method} {path}" if site else f"Jira, {method} {path}"
        if key is not None:
            where = f"{where}, issue {key}"
        CoreRemoteError.__init__(
            self,
            method,
            path,
            status=status,
            message="; ".join(shown),
            tool=f"Jira {site}" if site else "Jira",
            what=_status_text(status, shown),
            where=where,
            fix=fix or _default_fix(status),
        )
        self.method, self.path = method, path  # as given (Jira paths carry no secret)


class AuthenticationFailed(RemoteError, CoreAuthenticationFailed):
    """Jira refused the credentials (HTTP 401) or the user lacks a permission (HTTP 403).

    ``variable`` names the environment variable the token came from (the ``token_env``
    option, ``JIRA_TOKEN`` by default)."""

    def __init__(self, method: str, path: str, *, variable: str = "JIRA_TOKEN", **kwargs: Any):
        self.variable = variable
        super().__init__(method, path, **kwargs)


class JiraTimeout(RemoteError):
    """Jira did not answer within the read timeout (or the connection could not be made in the
    connect timeout), after every retry that was safe."""


class JiraConnectionError(RemoteError):
    """The connection to Jira failed or was dropped before an answer came."""


class AmbiguousField(JiraAdapterError, InvalidValue):
    """More than one Jira field could be the one meant (two "Story Points" fields, say).

    Attributes:
        role: what the field is for (``"points"``).
        option: the adapter option that names it (``"points_field"``).
        candidates: ``(id, name)`` of each candidate.
    """

    def __init__(self, role: str, option: str, candidates: Sequence[tuple[str, str]], site: str):
        self.role = role
        self.option = option
        self.candidates = tuple(candidates)
        shown = " and ".join(f"{fid} ({name!r})" for fid, name in self.candidates)
        super().__init__(
            f"{len(self.candidates)} fields could hold the {role}: {shown}",
            where=f"Jira {site}, field discovery",
            fix=f"name the one to use with the option {option}=<field id>",
        )


class HistoryIncomplete(JiraAdapterError):
    """The complete changelog of an issue could not be read, so its history would be wrong.

    Attributes:
        key: the issue.
        got: how many changelog entries were read.
        total: how many Jira said there are (None when unknown).
    """

    def __init__(self, key: str, *, got: int, total: int | None, site: str, why: str) -> None:
        self.key = key
        self.got = got
        self.total = total
        of = f" of {total}" if total is not None else ""
        super().__init__(
            f"only {got}{of} changelog entries could be read: {why}",
            where=f"Jira {site}, issue {key}",
            fix="read again later; a history is never served truncated",
        )


class TransitionUnavailable(JiraAdapterError):
    """The issue's workflow offers no transition from its status to the one asked for.

    Attributes:
        key: the issue.
        status: the issue's current status.
        wanted: the status asked for.
        reachable: the statuses its available transitions lead to, sorted.
    """

    def __init__(
        self,
        key: str,
        *,
        status: str,
        wanted: str,
        reachable: Sequence[str],
        site: str,
        fix: str | None = None,
    ) -> None:
        self.key = key
        self.status = status
        self.wanted = wanted
        self.reachable = tuple(sorted(set(reachable)))
        shown = ", ".join(repr(s) for s in self.reachable) or "none"
        super().__init__(
            f"no transition from {status!r} to {wanted!r}; reachable from here: {shown}",
            where=f"Jira {site}, issue {key}",
            fix=fix
            or "move it through one of the reachable statuses, or add the transition to the "
            "workflow",
        )
