"""The CSV adapter's errors: a file that cannot be read or written, a row or cell that is wrong.

Both subclass :class:`agilemarketing.errors.SourceError`, so the command line reports them as
input errors naming file, row and column, without knowing the CSV adapter.
"""

from __future__ import annotations

from agilemarketing.errors import InvalidValue, SourceError

__all__ = ["CsvError", "CsvFileError", "CsvRowError"]


class CsvError(SourceError):
    """A CSV file cannot be read or written as asked.

    Rows are counted as a spreadsheet shows them: the header is row 1, the first record row 2
    (a record with a quoted line break is still one row).

    Attributes:
        file: the file's path, as given.
        row: the row, or None when the problem is not in one row.
        column: the column's header name, or None when the problem is not in one column.
    """

    def __init__(
        self,
        what: str,
        *,
        file: str | None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(what, file=file, row=row, column=column, fix=fix)


class CsvFileError(CsvError):
    """The file as a whole cannot be read: nothing in it was parsed.

    Attributes:
        reason: one word for why: ``"io"`` (cannot open), ``"empty"``, ``"encoding"``,
            ``"delimiter"``, ``"decimal"``, ``"syntax"`` (broken quoting), ``"option"`` (a bad
            reading option) or ``"header"`` (a required column is missing or a name repeated).
    """

    def __init__(
        self,
        what: str,
        *,
        file: str | None,
        reason: str,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.reason = reason
        super().__init__(what, file=file, row=row, column=column, fix=fix)


class CsvRowError(CsvError, InvalidValue):
    """One row or cell of a CSV file is not what was expected; the other rows may be fine.

    Attributes:
        value: the offending cell text (None for a problem with the row's shape).
        expected: what the cell or row should have held.
    """

    def __init__(
        self,
        what: str,
        *,
        file: str | None,
        row: int,
        column: str | None = None,
        value: str | None = None,
        expected: str | None = None,
        fix: str | None = None,
    ) -> None:
        if value is not None:
            shown = value if len(value) <= 80 else value[:77] + "..."
            what = f"{what} (got {shown!r})"
        if expected:
            what = f"{what}; expected {expected}"
        super().__init__(what, file=file, row=row, column=column, fix=fix)
        self.value = value
        self.expected = expected
