"""Streaming the records of a CSV file: the header, the rows, and the problems found on the way.

Every reader of this package returns a :class:`CsvRecords`: the file is sniffed and its header
checked as soon as the reader is called (so a file that cannot be read at all fails right
there, with a :class:`~agilemarketing.errors.CsvFileError` saying why), and the rows are read
lazily, one at a time, while you iterate. Memory stays flat however long the file is.

Bad rows are handled by ``on_error``:

* ``"raise"`` (the default): bad rows are skipped while reading goes on, and when the file
  ends every problem is raised at once (one :class:`~agilemarketing.errors.CsvRowError`, or an
  :class:`~agilemarketing.errors.InvalidInputGroup` of them), so you fix the file in one go.
  Reading stops early once ``max_problems`` have been found. Records yielded before the error
  were good, but the file as a whole was not: ``list(records)`` gives all-or-nothing.
* ``"collect"``: bad rows are skipped and kept in :attr:`CsvRecords.problems` (the first
  ``max_problems`` of them; :attr:`CsvRecords.problem_count` counts all), and reading never
  fails on a bad row.

Reading is bounded whatever the file: a cell longer than :data:`MAX_CELL_CHARS` is a problem of
its row (naming row and column), and a record longer than :data:`MAX_ROW_CHARS` (a file without
line breaks, a quote never closed) stops reading with a
:class:`~agilemarketing_csv.errors.CsvFileError` (``reason="size"``) naming row and column. Set
either (``agilemarketing_csv.records.MAX_CELL_CHARS = ...``) for files with bigger cells.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Generic, Literal, TypeAlias, TypeVar

import attrs

from agilemarketing.errors import AgileMarketingError, raise_all
from agilemarketing_csv.bounded import BoundedLines, column_at
from agilemarketing_csv.dialect import CsvDialect, raise_field_size_limit
from agilemarketing_csv.errors import CsvFileError, CsvRowError

__all__ = [
    "DEFAULT_MAX_PROBLEMS",
    "MAX_CELL_CHARS",
    "MAX_ROW_CHARS",
    "CsvRecords",
    "Header",
    "OnError",
]

MAX_CELL_CHARS = 8 << 20
"""The longest cell read (8 Mi characters; Jira caps a text field at 32,767 by default)."""
MAX_ROW_CHARS = 32 << 20
"""The longest record read, all its cells and line breaks together (32 Mi characters)."""

T = TypeVar("T")
OnError: TypeAlias = Literal["raise", "collect"]
#: How many row problems are kept (and, with ``on_error="raise"``, found before reading stops).
DEFAULT_MAX_PROBLEMS = 50


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


@attrs.frozen
class Header:
    """The column names of a CSV file, repeated names included, in file order.

    Jira writes one column per label, sprint, watcher or component, all with the same name, so
    a name can stand for several positions. Names are matched ignoring case and extra spaces.

    >>> header = Header(("Issue key", "Labels", "Labels", "Status"))
    >>> header.positions("labels"), header.positions("Issue  Key"), header.positions("Sprint")
    ((1, 2), (0,), ())
    """

    names: tuple[str, ...] = attrs.field(converter=_names)
    _index: dict[str, tuple[int, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, list[int]] = {}
        for position, name in enumerate(self.names):
            index.setdefault(_fold(name), []).append(position)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in index.items()})

    def positions(self, name: str) -> tuple[int, ...]:
        """Every position of the column called ``name`` (empty when there is none)."""
        return self._index.get(_fold(name), ())

    def first(self, candidates: Sequence[str]) -> tuple[str, tuple[int, ...]] | None:
        """The first of ``candidates`` present, as (name in the file, positions), else None."""
        for candidate in candidates:
            positions = self.positions(candidate)
            if positions:
                return self.names[positions[0]], positions
        return None

    def __len__(self) -> int:
        return len(self.names)


class Problems:
    """The row problems of one pass over a file, kept or raised as ``on_error`` says."""

    def __init__(self, file: str, on_error: OnError, limit: int) -> None:
        self.file = file
        self.on_error = on_error
        self.limit = max(1, limit)
        self.kept: list[CsvRowError] = []
        self.count = 0

    def add(self, problem: CsvRowError) -> None:
        """Record ``problem``; with ``raise``, raise everything once the limit is reached."""
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(problem)
        if self.on_error == "raise" and self.count >= self.limit:
            self.raise_all(stopped=True)

    def raise_all(self, *, stopped: bool = False) -> None:
        """Raise the problems found (nothing if there were none)."""
        if self.on_error != "raise" or not self.kept:
            return
        summary = f"{self.file}: bad rows"
        if stopped:
            summary += f" (stopped reading after {self.limit})"
        problems: list[AgileMarketingError] = list(self.kept)
        raise_all(problems, summary)


@attrs.define
class CsvRecords(Generic[T]):
    """The records of one CSV file, read lazily: iterate to read (each pass reads the file again).

    Attributes:
        file: the file.
        dialect: its encoding, delimiter and decimal mark.
        header: its column names.
        problems: the bad rows found by the last pass (the first ``max_problems``); with
            ``on_error="raise"`` they are also raised when the pass ends.
        problem_count: how many bad rows the last pass skipped in all.
    """

    file: Path
    dialect: CsvDialect
    header: Header
    _convert: Callable[[Iterator[tuple[int, list[str]]], Problems], Iterator[T]] = attrs.field(
        repr=False
    )
    on_error: OnError = "raise"
    max_problems: int = DEFAULT_MAX_PROBLEMS
    problems: list[CsvRowError] = attrs.field(factory=list, repr=False)
    problem_count: int = 0

    def __iter__(self) -> Iterator[T]:
        problems = Problems(str(self.file), self.on_error, self.max_problems)
        self.problems = problems.kept
        raise_field_size_limit()  # the record cap below bounds every field
        line = 0
        try:
            with self.file.open(encoding=self.dialect.encoding, newline="") as stream:
                lines = BoundedLines(
                    stream,
                    MAX_ROW_CHARS,
                    partial(_too_large, file=self.file, header=self.header, dialect=self.dialect),
                )
                reader = csv.reader(lines, delimiter=self.dialect.delimiter, strict=True)
                next(reader, None)
                lines.next_record()
                try:
                    # (row number, cells); row 1 is the header, blank lines count as rows.
                    yield from self._convert(self._capped(reader, lines, problems), problems)
                finally:
                    line = reader.line_num
        except UnicodeDecodeError as exc:
            line, offset = _first_undecodable(self.file, self.dialect.encoding)
            raise CsvFileError(
                f"the file stops being valid {self.dialect.encoding} at line {line} (byte "
                f"offset {offset}: {exc.reason})",
                file=str(self.file),
                reason="encoding",
                fix="save the whole file in one encoding (UTF-8 is best), or pass encoding= "
                "with the encoding it was saved in",
            ) from None
        except csv.Error as exc:
            unclosed = "end of data" in str(exc)
            raise CsvFileError(
                f"the file ends inside a quoted cell (line {line})"
                if unclosed
                else f"the CSV syntax is broken at line {line} ({exc})",
                file=str(self.file),
                reason="syntax",
                fix="a quote opened earlier is never closed: look for a stray quote above"
                if unclosed
                else "look for a stray quote in that line (a quote inside a quoted cell is "
                'written twice: "")',
            ) from None
        finally:
            self.problem_count = problems.count
        problems.raise_all()

    def _capped(
        self, reader: Iterator[list[str]], lines: BoundedLines, problems: Problems
    ) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of each record; a row with a cell over the cap is a problem."""
        cap = MAX_CELL_CHARS
        for row, cells in enumerate(reader, start=2):
            lines.next_record()
            if cells and max(map(len, cells)) > cap:
                at = next(i for i, cell in enumerate(cells) if len(cell) > cap)
                problems.add(
                    CsvRowError(
                        f"a cell of {len(cells[at]):,} characters is over the cap of {cap:,}",
                        file=str(self.file),
                        row=row,
                        column=self.header.names[at] if at < len(self.header) else None,
                        fix="shorten the cell, or raise agilemarketing_csv.records."
                        "MAX_CELL_CHARS if cells this long are meant",
                    )
                )
                continue
            yield row, cells

    def read_all(self) -> list[T]:
        """Every record, as a list (with ``on_error="raise"``: all of them or an error)."""
        return list(self)


def _first_undecodable(file: Path, encoding: str) -> tuple[int, int]:
    """(physical line, byte offset) of the first byte ``encoding`` cannot decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, offset = 1, 0
    with file.open("rb") as stream:
        while chunk := stream.read(1 << 16):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                before = chunk[: exc.start]
                return line + before.count(b"\n"), offset + exc.start
            line += text.count("\n")
            offset += len(chunk)
    return line, offset


def open_records(
    path: str | os.PathLike[str],
    convert: Callable[[Header, str, CsvDialect], Callable[..., Iterator[T]]],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    on_error: OnError = "raise",
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> CsvRecords[T]:
    """Sniff ``path``, read its header, and build a :class:`CsvRecords` around ``convert``.

    ``convert(header, file, dialect)`` checks the header (raising
    :class:`~agilemarketing.errors.CsvFileError` for a missing column) and returns the function
    turning ``(row number, cells)`` pairs into records.
    """
    if on_error not in ("raise", "collect"):
        raise CsvFileError(
            f"on_error must be 'raise' or 'collect', not {on_error!r}",
            file=str(path),
            reason="option",
            fix="pass on_error='raise' or on_error='collect'",
        )
    file = Path(path)
    dialect = CsvDialect.sniff(file, encoding=encoding, delimiter=delimiter, decimal=decimal)
    header = Header(read_header(file, dialect))
    converter = convert(header, str(file), dialect)
    return CsvRecords(file, dialect, header, converter, on_error, max_problems)


def read_header(file: Path, dialect: CsvDialect) -> list[str]:
    """The column names on the first line of ``file`` (a byte-order mark removed).

    Raises:
        CsvFileError: the line cannot be read, or it is blank.
    """
    raise_field_size_limit()
    try:
        with file.open(encoding=dialect.encoding, newline="") as stream:
            lines = BoundedLines(
                stream, MAX_ROW_CHARS, partial(_too_large, file=file, header=None, dialect=dialect)
            )
            cells = next(csv.reader(lines, delimiter=dialect.delimiter, strict=True), [])
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CsvFileError(
            f"the header line cannot be read ({exc})",
            file=str(file),
            reason="syntax",
            row=1,
            fix="the first line must be the column names",
        ) from None
    if cells:
        cells[0] = cells[0].lstrip("\ufeff")
    if not any(cell.strip() for cell in cells):
        raise CsvFileError(
            "the first line is blank; it should name the columns",
            file=str(file),
            reason="header",
            row=1,
            fix="put the column names on the first line",
        )
    return cells


def _too_large(
    record: int, text: str, *, file: Path, header: Header | None, dialect: CsvDialect
) -> CsvFileError:
    """The error for a record over :data:`MAX_ROW_CHARS`, naming its row and column."""
    at = column_at(text, dialect.delimiter)
    column = None if header is None or at >= len(header) else header.names[at]
    return CsvFileError(
        f"row {record} runs past {MAX_ROW_CHARS:,} characters (in column "
        f"{at + 1}): a line break or closing quote is missing, or the file is not CSV",
        file=str(file),
        reason="size",
        row=record,
        column=column,
        fix="look for a quote that is never closed in that row, or raise "
        "agilemarketing_csv.records.MAX_ROW_CHARS if rows this long are meant",
    )


def require_column(
    header: Header, candidates: Sequence[str], file: str, dialect: CsvDialect, *, role: str
) -> tuple[str, tuple[int, ...]]:
    """The column for a required ``role`` (the first candidate present), or a clear error.

    The error says whether the column is missing or the delimiter is wrong (a header that is
    one long cell containing the wanted name).
    """
    found = header.first(candidates)
    if found is not None:
        return found
    wanted = candidates[0]
    if len(header) == 1 and any(_fold(c) in _fold(header.names[0]) for c in candidates):
        raise CsvFileError(
            f"the header is a single column {header.names[0][:60]!r}: the file is not "
            f"separated by {dialect.delimiter!r}",
            file=file,
            reason="delimiter",
            row=1,
            fix="pass delimiter= with the character that separates the column names",
        )
    shown = ", ".join(repr(n) for n in header.names[:12])
    more = f" and {len(header) - 12} more" if len(header) > 12 else ""
    alternatives = "" if len(candidates) == 1 else f" (or {', '.join(map(repr, candidates[1:]))})"
    raise CsvFileError(
        f"no {role} column {wanted!r}{alternatives}; the header has {shown}{more}",
        file=file,
        reason="header",
        row=1,
        column=wanted,
        fix="export again with that column, or map your column to it",
    )


def ragged(cells: list[str], width: int, header: Header, file: str, row: int) -> CsvRowError:
    """The problem with a (non-blank) row that does not have ``width`` cells."""
    count = len(cells)
    if count < width:
        return CsvRowError(
            f"the row has {count} cells but the header has {width}",
            file=file,
            row=row,
            column=header.names[count],
            expected=f"{width} cells, one per column",
            fix="look for a missing delimiter or an unquoted line break in this row",
        )
    return CsvRowError(
        f"the row has {count} cells but the header has {width}",
        file=file,
        row=row,
        expected=f"{width} cells, one per column",
        fix="look for an unquoted delimiter in a cell of this row (quote cells that contain it)",
    )
