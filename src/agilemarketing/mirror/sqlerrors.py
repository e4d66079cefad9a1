"""SQLite's errors in the library's words: :func:`sqlite_errors` at the mirror's boundary.

Every public method of :class:`~agilemarketing.mirror.Mirror` runs under :func:`sqlite_errors`
(:func:`guard_methods`), so a user never sees ``OperationalError: attempt to write a readonly
database``: a read-only file is a :class:`~agilemarketing.errors.MirrorReadOnly`, a full disk a
:class:`~agilemarketing.errors.MirrorDiskError`, a damaged file a
:class:`~agilemarketing.errors.MirrorCorrupt`, each naming the file and what to do. An error
that means a bug (a broken constraint, a bad statement) is left as SQLite raised it.

>>> import sqlite3
>>> with sqlite_errors("team.db"):
...     raise sqlite3.OperationalError("attempt to write a readonly database")
Traceback (most recent call last):
...
agilemarketing.errors.MirrorReadOnly: mirror team.db: the mirror file is read-only: it cannot \
be written. Fix: make it and its folder writable (chmod u+w team.db), or pass --state to another \
file.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, Final, TypeVar

from agilemarketing.errors import (
    AgileMarketingError,
    MirrorCorrupt,
    MirrorDiskError,
    MirrorError,
    MirrorReadOnly,
)

__all__ = ["guard_methods", "sqlite_errors", "translate"]

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_PERM: Final = 3
_BUSY: Final = 5
_LOCKED: Final = 6
_READONLY: Final = 8
_IOERR: Final = 10
_CORRUPT: Final = 11
_FULL: Final = 13
_CANTOPEN: Final = 14
_NOTADB: Final = 26

_C = TypeVar("_C", bound=type)


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def translate(exc: sqlite3.Error, path: str) -> AgileMarketingError | None:
    """The library's error for SQLite's ``exc`` on the mirror ``path``; None for an error that
    means a bug in the caller (left as it is)."""
    code = _code(exc)
    text = str(exc).lower()
    where = f"mirror {path}"
    if code == _READONLY or "readonly database" in text:
        return MirrorReadOnly(path)
    if code == _FULL or "disk is full" in text:
        return MirrorDiskError(path, full=True)
    if code == _IOERR or "disk i/o error" in text:
        return MirrorDiskError(path, full=False, detail=str(exc))
    if code in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return MirrorCorrupt(path, [str(exc)])
    if code in (_CANTOPEN, _PERM) or "unable to open" in text:
        return MirrorError(
            f"cannot open the mirror file ({exc})",
            where=where,
            fix="check that the file and its folder exist and that you may read and write them",
        )
    if code in (_BUSY, _LOCKED) or "database is locked" in text:
        return MirrorError(
            "another program has held the mirror file for more than 30 s",
            where=where,
            fix="close the other program (an SQLite browser, a backup) and run again",
        )
    return None


@contextlib.contextmanager
def sqlite_errors(path: str) -> Iterator[None]:
    """Raise SQLite's errors in the block as the library's (see :func:`translate`)."""
    try:
        yield
    except sqlite3.Error as exc:
        error = translate(exc, path)
        if error is None:
            raise
        raise error from exc


def _guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(function):

        @functools.wraps(function)
        def generator(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            with sqlite_errors(self.path):
                yield from function(self, *args, **kwargs)

        return generator

    @functools.wraps(function)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        with sqlite_errors(self.path):
            return function(self, *args, **kwargs)

    return method


def guard_methods(*exempt: str) -> Callable[[_C], _C]:
    """A class decorator: every public method and property of the class (its ``path`` names
    the file) runs under :func:`sqlite_errors`, except those named in ``exempt`` (which guard
    themselves: a context manager's block must be guarded from inside it)."""

    def decorate(cls: _C) -> _C:
        for name, value in list(vars(cls).items()):
            if name.startswith("_") or name in exempt:
                continue
            if isinstance(value, property) and value.fget is not None:
                setattr(cls, name, property(_guarded(value.fget), value.fset, value.fdel))
            elif inspect.isfunction(value):
                setattr(cls, name, _guarded(value))
        return cls

    return decorate
