"""Keeping an adapter's secrets out of what is read from it: records (:func:`redact_record`) and
the errors it raises (:func:`redacted_errors`).

A sync scrubs every record it reads from either side with both adapters' secrets before it plans,
stores or prints anything (the report does the same with what it reads from an adapter URL): a
token a tool puts in a field (a webhook URL, a signed link, an ``Authorization`` header) becomes
``***`` in the mirror, the journal, the plan, ``--json`` output and every export. The scrub is a
no-op, returning each record itself, when the adapters hold no secret or a record carries none.
"""

from __future__ import annotations

import contextlib
import functools
import operator
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from agilemarketing._redaction import Redactor, redactor_for
from agilemarketing.adapter.fields import FieldValue
from agilemarketing.adapter.records import ItemRecord
from agilemarketing.errors import AgileMarketingError, SourceError
from agilemarketing.history import Transition

if TYPE_CHECKING:
    from agilemarketing.adapter.base import Adapter

__all__ = ["redact_record", "redacted_errors"]

_CORE = ("summary", "type", "status", "rank")  # the strings of a history besides its key
#: How deep :func:`redacted_errors` follows causes, contexts and groups.
_ERROR_DEPTH = 20


def _strings(values: tuple[str, ...], hide: Redactor) -> tuple[str, ...]:
    return tuple(hide(v) for v in values)


def _value(value: FieldValue, hide: Redactor) -> FieldValue:
    if isinstance(value, str):
        return hide(value)
    if isinstance(value, tuple):
        return _strings(value, hide)
    return value


def _transitions(transitions: tuple[Transition, ...], hide: Redactor) -> tuple[Transition, ...]:
    return tuple(
        attrs.evolve(
            t,
            from_status=None if t.from_status is None else hide(t.from_status),
            to_status=hide(t.to_status),
        )
        for t in transitions
    )


def _texts(record: ItemRecord) -> Iterator[str]:
    """Every string ``record`` holds, its key included."""
    history = record.history
    yield history.key
    for name in _CORE:
        yield getattr(history, name) or ""
    yield from history.labels
    yield from history.sprints
    for t in history.transitions:
        yield t.from_status or ""
        yield t.to_status
    for name, value in record.fields.items():
        yield name
        if isinstance(value, str):
            yield value
        elif isinstance(value, tuple):
            yield from value
    yield from record.done_criteria
    yield record.version or ""


def redact_record(record: ItemRecord, redactor: Redactor, *, board: str = "") -> ItemRecord:
    """``record`` with every secret of ``redactor`` replaced by ``***`` in every string it holds:
    summary, type, status, rank, labels, sprints, the statuses of its transitions, the names and
    values of its extra fields, its Definition-of-Done criteria and its version marker.

    Returns ``record`` itself when there is nothing to hide (no secrets, or none in it). The key
    is the item's identity and cannot be redacted: a key carrying a secret is a
    :class:`~agilemarketing.errors.SourceError` naming ``board``, never the key.

    >>> from agilemarketing._redaction import Redactor
    >>> from agilemarketing.history import ItemHistory
    >>> hide = Redactor(["s3cr3t"])
    >>> record = ItemRecord(ItemHistory("MKT-1", summary="Hook ?t=s3cr3t"), fields={"n": 2})
    >>> redact_record(record, hide).history.summary
    'Hook ?t=***'
    >>> clean = ItemRecord(ItemHistory("MKT-2", summary="Launch"))
    >>> redact_record(clean, hide) is clean, redact_record(record, Redactor([])) is record
    (True, True)
    """
    if not redactor:
        return record
    # One pass over every string at once first: a secret in any one string is one in the
    # joined text too, and most records carry none.
    joined = "\0".join(_texts(record))
    if redactor(joined) == joined:
        return record
    history = record.history
    if redactor(history.key) != history.key:
        raise SourceError(
            f"an item key read from {board or 'the board'} carries one of its adapter's "
            "secrets; a key cannot be redacted, so the item is neither stored nor shown",
            fix="the adapter must not put a secret in an item key: report it to its author",
        )
    hidden = attrs.evolve(
        record,
        history=attrs.evolve(
            history,
            summary=redactor(history.summary),
            type=redactor(history.type),
            status=redactor(history.status),
            rank=None if history.rank is None else redactor(history.rank),
            labels=_strings(history.labels, redactor),
            sprints=_strings(history.sprints, redactor),
            transitions=_transitions(history.transitions, redactor),
        ),
        fields={redactor(name): _value(value, redactor) for name, value in record.fields.items()},
        done_criteria=frozenset(redactor(c) for c in record.done_criteria),
        version=None if record.version is None else redactor(record.version),
    )
    return record if hidden == record else hidden


def _redact_error(error: BaseException, hide: Redactor, seen: set[int], depth: int) -> None:
    if id(error) in seen or depth > _ERROR_DEPTH:
        return
    seen.add(id(error))
    error.args = tuple(hide(a) if isinstance(a, str) else a for a in error.args)
    if isinstance(error, AgileMarketingError):
        error.what = hide(error.what)
        error.where = None if error.where is None else hide(error.where)
        error.fix = None if error.fix is None else hide(error.fix)
    if isinstance(error, OSError):
        for name in ("strerror", "filename", "filename2"):
            value = getattr(error, name)
            if isinstance(value, str):
                setattr(error, name, hide(value))
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            _redact_error(inner, hide, seen, depth + 1)
    for linked in (error.__cause__, error.__context__):
        if linked is not None:
            _redact_error(linked, hide, seen, depth + 1)


@contextlib.contextmanager
def redacted_errors(*adapters: Adapter) -> Iterator[None]:
    """Let no exception leave the block with a secret of ``adapters`` in its message.

    The secrets are those the adapters hold when the exception passes (a token read halfway
    through is included). The exception's arguments, its ``what``/``where``/``fix`` for an
    :class:`~agilemarketing.errors.AgileMarketingError`, its file names for an ``OSError``, the
    errors of a group and its causes are redacted in place, and it is raised on unchanged
    otherwise.

    >>> import os
    >>> from agilemarketing.testing import InMemoryAdapter
    >>> board = InMemoryAdapter("demo")
    >>> os.environ["DEMO_REDACTED_TOKEN"] = "s3cr3t"
    >>> try:
    ...     with redacted_errors(board):
    ...         token = board.secret("DEMO_REDACTED_TOKEN")
    ...         raise RuntimeError(f"GET /items?token={token} gave 500")
    ... except RuntimeError as error:
    ...     print(error)
    GET /items?token=*** gave 500
    >>> del os.environ["DEMO_REDACTED_TOKEN"]
    """
    try:
        yield
    except Exception as error:
        hide = functools.reduce(operator.add, (a.redactor for a in adapters), redactor_for(()))
        if hide:
            _redact_error(error, hide, set(), 0)
        raise
