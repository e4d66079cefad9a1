"""Errors of histories and the flow log: a history JSON Lines file that cannot be read."""

from __future__ import annotations

from agilemarketing.errors.base import InvalidValue

__all__ = [
    "HistoryFormatError",
]


class HistoryFormatError(InvalidValue):
    """One line of a history JSON Lines file is wrong; the message names file, line and field.

    Attributes:
        file: the file name (``<stream>`` for an open stream without a name).
        line: the 1-based line number.
        field: the field path inside the line (``transitions[].at``), or ``(line)``.
        key: the item key, when the line had one.
    """

    def __init__(
        self,
        what: str,
        *,
        file: str,
        line: int,
        field: str,
        key: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.key = key
        where = f"file {file}, line {line}, field {field!r}"
        if key is not None:
            where += f", item {key}"
        super().__init__(
            what,
            where=where,
            fix=fix
            or "make each line one JSON object as docs/history-format.md describes, with "
            "timestamps like 2026-03-02T09:30:00Z",
        )
