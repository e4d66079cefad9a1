"""Errors of the adapter contract and the plugin system (adapter.py, plugins.py)."""

from __future__ import annotations

from collections.abc import Sequence

from agilemarketing.errors.base import AgileMarketingError, InvalidValue, NotFound

__all__ = [
    "AdapterUrlError",
    "AuthenticationFailed",
    "ChangeConflict",
    "InvalidCursor",
    "MissingSecret",
    "PluginConflict",
    "RemoteError",
    "UnknownPlugin",
    "UnsupportedChange",
]


class AdapterUrlError(InvalidValue):
    """An adapter URL is not of the form ``<adapter name>:<location>``, or carries credentials
    (``https://user:token@host``: secrets come from environment variables only).

    Attributes:
        url: the URL as given (credentials in it shown as ``***``).
    """

    def __init__(self, url: str, *, what: str, fix: str | None = None) -> None:
        self.url = url
        super().__init__(
            what,
            where=f"adapter URL {url!r}",
            fix=fix
            or "write it as <adapter>:<location>, e.g. csv:exports/board.csv or memory:demo",
        )


class UnknownPlugin(NotFound):
    """No installed plugin provides an adapter, prioritiser or metric of that name.

    Attributes:
        kind: ``"adapter"``, ``"prioritiser"`` or ``"metric"``.
        name: the name asked for.
        available: the names that are installed, sorted.
        broken: plugins that failed to load (``"csv (agilemarketing-csv 0.1.0): ImportError..."``);
            the one asked for may be among them.
    """

    def __init__(
        self, kind: str, name: str, *, available: Sequence[str], broken: Sequence[str] = ()
    ) -> None:
        self.available = tuple(available)
        self.broken = tuple(broken)
        fix = f"use one of: {', '.join(self.available)}" if self.available else f"install a {kind}"
        if self.broken:
            fix += "; these plugins failed to load: " + "; ".join(self.broken)
        super().__init__(kind, name, where="installed plugins", fix=fix)


class PluginConflict(AgileMarketingError):
    """Two plugins register an adapter, prioritiser or metric under the same name.

    Attributes:
        kind: ``"adapter"``, ``"prioritiser"`` or ``"metric"``.
        name: the contested name.
        first: the class registered first, as ``module.Class (distribution version)``.
        second: the class that clashed with it, in the same form.
    """

    def __init__(self, kind: str, name: str, *, first: str, second: str) -> None:
        self.kind = kind
        self.name = name
        self.first = first
        self.second = second
        super().__init__(
            f"{kind} name {name!r} is claimed by both {first} and {second}",
            where="installed plugins",
            fix="uninstall one of the two distributions, or rename one class's `name`",
        )


class UnsupportedChange(AgileMarketingError):
    """An adapter was asked to do something its capabilities exclude (e.g. write to a read-only
    source, re-rank where the tool has no ranking).

    Attributes:
        adapter: the adapter's name.
        operation: what was asked (``"write"``, ``"rank"``, ``"incremental read"``...).
    """

    def __init__(self, adapter: str, operation: str, *, fix: str | None = None) -> None:
        self.adapter = adapter
        self.operation = operation
        super().__init__(
            f"{operation} is not supported",
            where=f"adapter {adapter!r}",
            fix=fix or f"check Adapter.capabilities before asking for {operation}",
        )


class InvalidCursor(InvalidValue):
    """A read cursor that this adapter did not produce (or that it can no longer use).

    Attributes:
        adapter: the adapter's name.
        token: the cursor's token.
    """

    def __init__(self, adapter: str, token: str, *, why: str) -> None:
        self.adapter = adapter
        self.token = token
        super().__init__(
            f"cursor {token!r} is not usable: {why}",
            where=f"adapter {adapter!r}",
            fix="pass a cursor returned by this adapter's read(), or read from the start (None)",
        )


class ChangeConflict(AgileMarketingError):
    """A change does not fit the item's current state (a create on a key that exists with other
    content, a move from a status the item is no longer in). Nothing was applied.

    Attributes:
        key: the item's key.
        expected: what the change expected to find.
        found: what the adapter found.
    """

    def __init__(self, key: str, *, expected: str, found: str, where: str | None = None) -> None:
        self.key = key
        self.expected = expected
        self.found = found
        super().__init__(
            f"expected {expected}, found {found}",
            where=where or f"item {key}",
            fix="read the item again and plan the change against its current state",
        )


class MissingSecret(AgileMarketingError):
    """An adapter needs a secret from an environment variable that is not set.

    Secrets are only ever taken from the environment, so they stay out of URLs, option files,
    logs and reprs. The message names the variable, never a value.

    Attributes:
        variable: the environment variable's name.
        adapter: the adapter's name.
    """

    def __init__(self, variable: str, *, adapter: str) -> None:
        self.variable = variable
        self.adapter = adapter
        super().__init__(
            f"environment variable {variable} is not set",
            where=f"adapter {adapter!r}",
            fix=f"export {variable}=<your secret> before running",
        )


def _bare_path(path: str) -> str:
    """A request path without its query string (where tools put keys and tokens)."""
    return path.split("?", 1)[0].split("#", 1)[0]


class RemoteError(AgileMarketingError):
    """A remote tool (Jira, Trello, a web API) failed for good, after the adapter's own retries:
    no answer (a time-out, a dropped connection) or an error answer from its server.

    The command line exits with code 4 (``ERROR``): nothing is wrong with the input; run the
    same command again later and a sync resumes where it stopped. Adapters subclass it for
    their own transport errors.

    Attributes:
        method: the HTTP method (``"GET"``).
        path: the request's path, without its query string (which may carry a secret).
        status: the last HTTP status, or None when no answer came.
        message: what the tool said ("" when it said nothing).
        tool: the tool and site (``"Jira https://example.atlassian.net"``), if known.

    >>> error = RemoteError("get", "/1/boards/abc/cards?key=k&token=t", status=503,
    ...                     message="busy", tool="Trello")
    >>> print(error)
    Trello: GET /1/boards/abc/cards failed: HTTP 503: busy. Fix: try again later: the adapter \
already retried what was safe to retry, and a sync resumes where it stopped.
    >>> error.retryable
    True
    """

    def __init__(
        self,
        method: str,
        path: str,
        *,
        status: int | None = None,
        message: str = "",
        tool: str = "",
        what: str | None = None,
        where: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.method = method.upper()
        self.path = _bare_path(path)
        self.status = status
        self.message = message
        self.tool = tool
        answer = f"HTTP {status}" if status is not None else "no answer"
        text = f"{self.method} {self.path} failed: {answer}" + (f": {message}" if message else "")
        super().__init__(
            what or text,
            where=where or tool or "remote tool",
            fix=fix
            or "try again later: the adapter already retried what was safe to retry, and a "
            "sync resumes where it stopped",
        )

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later (no answer, 429 or a 5xx)."""
        return self.status is None or self.status == 429 or self.status >= 500


class AuthenticationFailed(RemoteError):
    """The tool refused the secret (HTTP 401) or the user lacks a permission (HTTP 403).

    Names the environment variable that held the secret, never its value. The command line
    exits with code 2 (``USAGE``): the secret or the user's rights need fixing, not the tool.

    Attributes:
        variable: the environment variable the refused secret came from.

    >>> print(AuthenticationFailed("JIRA_TOKEN", method="GET", path="/rest/api/3/myself",
    ...                            tool="Jira https://example.atlassian.net"))
    Jira https://example.atlassian.net: the tool refused the secret in JIRA_TOKEN (HTTP 401). \
Fix: check that JIRA_TOKEN holds a current secret for this user and that the user may read \
the board (tokens can be revoked or expire).
    """

    def __init__(
        self,
        variable: str,
        *,
        method: str = "GET",
        path: str = "",
        status: int = 401,
        message: str = "",
        tool: str = "",
        what: str | None = None,
        where: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.variable = variable
        super().__init__(
            method,
            path,
            status=status,
            message=message,
            tool=tool,
            what=what or f"the tool refused the secret in {variable} (HTTP {status})",
            where=where,
            fix=fix
            or f"check that {variable} holds a current secret for this user and that the user "
            "may read the board (tokens can be revoked or expire)",
        )
