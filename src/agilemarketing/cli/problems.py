"""Every problem of an error, for a person and for a machine.

An input with many problems (a CSV with a bad date on row 3 and non-numeric points on row 4)
raises an :class:`~agilemarketing.errors.InvalidInputGroup`; a command prints each problem on
its own line (file, row, column, value, what to do), at most :data:`SHOWN` of them and then
"... and N more", and with ``--json`` the same as a JSON document.

>>> from agilemarketing.errors import InvalidInputGroup, SourceError
>>> group = InvalidInputGroup("bad.csv: bad rows: 2 problems", [
...     SourceError("not a timestamp (got '2026-02-30')", file="bad.csv", row=3,
...                 column="Created", fix="fix it"),
...     SourceError("not a number (got 'x')", file="bad.csv", row=4, column="Points")])
>>> print("\\n".join(problem_lines(group)))
bad.csv: bad rows: 2 problems
  - file bad.csv, row 3, column 'Created': not a timestamp (got '2026-02-30'). Fix: fix it.
  - file bad.csv, row 4, column 'Points': not a number (got 'x')
>>> problems_json(group)["problems"][0]["row"]
3
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

__all__ = ["SHOWN", "problem_lines", "problems_json"]

#: How many problems a command prints before "... and N more".
SHOWN: Final = 20


def _leaves(error: BaseException) -> Iterator[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _leaves(inner)
    else:
        yield error


def _headline(error: BaseException) -> str:
    if isinstance(error, BaseExceptionGroup):
        return str(error.message)
    return str(error)


def problem_lines(
    error: BaseException, *, shown: int = SHOWN, hide: Callable[[str], str] = str
) -> list[str]:
    """The error's headline, then (for a group) one line per problem, at most ``shown``, then
    ``... and N more``; every line passed through ``hide`` (the redaction of secrets)."""
    if not isinstance(error, BaseExceptionGroup):
        return [hide(str(error))]
    problems = list(_leaves(error))
    lines = [hide(_headline(error))]
    lines += [f"  - {hide(str(p))}" for p in problems[:shown]]
    if len(problems) > shown:
        lines.append(f"  ... and {len(problems) - shown} more")
    return lines


def _problem(error: BaseException, hide: Callable[[str], str]) -> dict[str, Any]:
    found: dict[str, Any] = {"type": type(error).__name__, "message": hide(str(error))}
    for name in ("what", "where", "file", "row", "column", "value", "fix", "key", "variable"):
        value = getattr(error, name, None)
        if value is not None:
            found[name] = hide(value) if isinstance(value, str) else value
    return found


def problems_json(
    error: BaseException,
    *,
    shown: int = SHOWN,
    hide: Callable[[str], str] = str,
    exit_code: int | None = None,
) -> dict[str, Any]:
    """The error as JSON: ``type``, ``message``, ``exit_code``, ``problems`` (each with what,
    where, file, row, column, value and fix where known; at most ``shown``) and ``more`` (how
    many were left out)."""
    problems = list(_leaves(error))
    return {
        "type": type(error).__name__,
        "message": hide(_headline(error)),
        "exit_code": exit_code,
        "problems": [_problem(p, hide) for p in problems[:shown]],
        "more": max(0, len(problems) - shown),
    }
