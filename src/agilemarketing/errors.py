"""Every public error of agilemarketing, in one place.

Each error says three things: **what** was wrong, **where** (the item, stage, file, row or
column), and **what to do** about it. The offending data is kept on the exception as attributes,
so tools can react to it without parsing the message::

    >>> from agilemarketing.errors import InvalidValue
    >>> err = InvalidValue("size must not be negative", where="item CAMP-7, field 'size'",
    ...                    fix="give a size of 0 or more", value=-3)
    >>> print(err)
    item CAMP-7, field 'size': size must not be negative (got -3). Fix: give a size of 0 or more.
    >>> err.value
    -3

When several problems are found at once (a whole file, a whole request), they are raised together
as an :class:`InvalidInputGroup` (an :class:`ExceptionGroup`), so a user fixes them all in one go.

Secrets never appear in an error: adapters pass tokens through :func:`redact` before any message
is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AgileMarketingError",
    "AntiMetricError",
    "InvalidInputGroup",
    "InvalidValue",
    "NotFound",
    "raise_all",
    "redact",
]


class AgileMarketingError(Exception):
    """Base of every error raised on purpose by agilemarketing.

    Args:
        what: what was wrong, as a short sentence without a final full stop.
        where: where it was wrong (``"item CAMP-7"``,
            ``"file export.csv, row 12, column 'Sprint'"``).
        fix: what the user can do about it.
    """

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        if self.fix:
            text += f". Fix: {self.fix.rstrip('.')}."
        return text


class InvalidValue(AgileMarketingError, ValueError):
    """A value breaks a rule of the model (a negative size, a naive timestamp, min > max...).

    Attributes:
        value: the offending value.
    """

    def __init__(
        self,
        what: str,
        *,
        where: str | None = None,
        fix: str | None = None,
        value: Any = None,
    ) -> None:
        self.value = value
        if value is not None:
            what = f"{what} (got {value!r})"
        super().__init__(what, where=where, fix=fix)


class NotFound(AgileMarketingError, LookupError):
    """Something named by the caller does not exist (an item key, a stage, a cycle).

    Attributes:
        name: what was looked for.
        kind: what kind of thing it is (``"item"``, ``"stage"``...).
    """

    def __init__(self, kind: str, name: str, *, where: str | None = None, fix: str | None = None):
        self.kind = kind
        self.name = name
        super().__init__(
            f"no {kind} named {name!r}",
            where=where,
            fix=fix or f"check the {kind} name; it must match exactly",
        )


class AntiMetricError(AgileMarketingError):
    """A measure that agile marketing deliberately does not offer was asked for.

    Individual utilisation, per-person throughput, story-point comparisons between teams and task
    counts as a measure of value all push teams toward looking busy instead of delivering
    outcomes. The message explains why and names the team-level metric to use instead.

    Attributes:
        asked: what was asked for.
        instead: the team-level measure to use instead.
    """

    def __init__(self, asked: str, *, why: str, instead: str) -> None:
        self.asked = asked
        self.why = why
        self.instead = instead
        super().__init__(f"{asked} is not offered: {why}", fix=f"use {instead} instead")


class InvalidInputGroup(ExceptionGroup[AgileMarketingError]):
    """Several problems found in one input, reported together.

    Catch it with ``except* InvalidValue`` or ``except InvalidInputGroup``; ``exceptions`` holds
    every problem, each an :class:`AgileMarketingError` with its own ``where``.
    """


def raise_all(problems: Sequence[AgileMarketingError], summary: str) -> None:
    """Raise nothing, the one problem, or all of them together as an :class:`InvalidInputGroup`."""
    if not problems:
        return
    if len(problems) == 1:
        raise problems[0]
    raise InvalidInputGroup(f"{summary}: {len(problems)} problems", list(problems))


def redact(text: str, *secrets: str | None) -> str:
    """Return ``text`` with every non-empty secret replaced by ``***``.

    >>> redact("GET /1/boards?token=s3cr3t failed", "s3cr3t")
    'GET /1/boards?token=*** failed'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


# --- Errors of the domain model (backlog, prioritisation, workflow, done, cycles) -----------
# (added below by the modules that raise them; keep one section per module)
