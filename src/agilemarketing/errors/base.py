"""The base error of agilemarketing and the errors every area shares.

:class:`AgileMarketingError` is the base of every error raised on purpose; :class:`InvalidValue`,
:class:`NotFound`, :class:`AntiMetricError` and :class:`MissingExtraError` are raised all over
the library; :class:`SourceError` is the base of every error reading or writing an external
source or target (a file, a row, a column; adapters subclass it for their own errors, so the
command line reports them without knowing them). :func:`raise_all` raises many problems together
as an :class:`InvalidInputGroup`, and :func:`redact` keeps secrets out of messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agilemarketing._redaction import redactor_for

__all__ = [
    "AgileMarketingError",
    "AntiMetricError",
    "InvalidInputGroup",
    "InvalidValue",
    "MissingExtraError",
    "NotFound",
    "SourceError",
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


class MissingExtraError(AgileMarketingError, ImportError):
    """An optional dependency (an *extra*) is needed for what was asked.

    Attributes:
        extra: the extra to install (``pandas``, ``charts``).
        needed_for: what needs it (``to_pandas()``, ``plot()``).
    """

    def __init__(self, extra: str, needed_for: str) -> None:
        self.extra = extra
        self.needed_for = needed_for
        super().__init__(
            f"{needed_for} needs the optional '{extra}' dependencies, which are not installed",
            fix=f"pip install 'agilemarketing[{extra}]'",
        )


def _source_where(file: str | None, row: int | None, column: str | None) -> str | None:
    parts = []
    if file is not None:
        parts.append(f"file {file}")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    return ", ".join(parts) or None


class SourceError(AgileMarketingError):
    """An external source or target cannot be read or written as asked (a file, a server...).

    The base of every adapter's own errors (the CSV adapter's ``CsvError``...): the command
    line catches it, so a new adapter never needs a change in the core to be reported well.
    ``where`` names the file, row and column when they are known
    (``"file export.csv, row 12, column 'Sprint'"``).

    Attributes:
        file: the file (or other source) as given, or None when not known.
        row: the row (or record) number, or None when the problem is not in one row.
        column: the column (or field) name, or None when the problem is not in one column.
    """

    def __init__(
        self,
        what: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        super().__init__(what, where=_source_where(file, row, column), fix=fix)


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
    """Return ``text`` with every non-empty secret replaced by ``***``: as itself and in the
    usual encodings (URL-encoded, base64 as in an HTTP Basic header for any user name,
    JSON- and HTML-escaped; :mod:`agilemarketing._redaction` says how each is found).

    >>> redact("GET /1/boards?token=s3cr3t failed", "s3cr3t")
    'GET /1/boards?token=*** failed'
    >>> redact("GET /1/boards?token=s3cr%2Ft failed, auth Basic Ym90OnMzY3IvdA==", "s3cr/t")
    'GET /1/boards?token=*** failed, auth Basic ***'
    """
    return redactor_for(secrets)(text)
