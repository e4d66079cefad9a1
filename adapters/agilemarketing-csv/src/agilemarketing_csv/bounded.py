"""A CSV file's lines, never more than a set number of characters per record.

:class:`csv.reader` keeps reading lines until a record is complete, and a file's line iterator
reads a whole line however long: a 2 GB file without a line break (a sparse file is all zero
bytes) would be read into memory at once. :class:`BoundedLines` hands the reader lines read
with a size limit and raises the error its ``too_large`` function makes (given the record's
number and its start) once the record being read passes its cap, so memory stays bounded
whatever the file.

>>> import csv, io
>>> def too_large(record, text):
...     return ValueError(f"record {record} is too large, in column {column_at(text, ',')}")
>>> lines = BoundedLines(io.StringIO("a,b\\n" + "x" * 50 + ",y\\n"), 20, too_large)
>>> reader = csv.reader(lines)
>>> next(reader)
['a', 'b']
>>> lines.next_record()
>>> try:
...     next(reader)
... except ValueError as error:
...     print(error)
record 2 is too large, in column 0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

__all__ = ["BoundedLines", "column_at"]


class BoundedLines:
    """The lines of ``stream`` for :func:`csv.reader`, at most ``limit`` characters a record.

    Call :meth:`next_record` each time the reader has produced a record.
    """

    def __init__(
        self, stream: IO[str], limit: int, too_large: Callable[[int, str], Exception]
    ) -> None:
        self.stream = stream
        self.limit = limit
        self.too_large = too_large
        self.records = 0  # records complete so far
        self._pending: list[str] = []
        self._used = 0

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(self.limit - self._used + 1)
        if not line:
            raise StopIteration
        self._used += len(line)
        self._pending.append(line)
        if self._used > self.limit:
            raise self.too_large(self.records + 1, "".join(self._pending)[: self.limit])
        return line

    def next_record(self) -> None:
        """The reader finished a record: the next one starts with a fresh allowance."""
        self.records += 1
        self._pending.clear()
        self._used = 0


def column_at(text: str, delimiter: str) -> int:
    """The 0-based column the end of ``text`` (the start of a record) is in.

    Delimiters inside quotes do not count (a doubled quote opens and closes, so counts too).

    >>> column_at('a,"b,c",d', ","), column_at('a,"b', ",")
    (2, 1)
    """
    outside = text.split('"')[::2]
    return sum(part.count(delimiter) for part in outside)
