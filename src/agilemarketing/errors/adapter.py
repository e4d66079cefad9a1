"""Errors of the adapter contract and the plugin system (adapter.py, plugins.py)."""

from __future__ import annotations

from collections.abc import Sequence

from agilemarketing.errors.base import AgileMarketingError, InvalidValue, NotFound

__all__ = [
    "AdapterUrlError",
    "ChangeConflict",
    "InvalidCursor",
    "MissingSecret",
    "PluginConflict",
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
