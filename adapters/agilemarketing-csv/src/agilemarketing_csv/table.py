"""Metric tables as CSV: rows of dicts, or a header and rows, written atomically and safely.

>>> rows = [{"week": "2026-W10", "throughput": 4, "note": "=launch week"},
...         {"week": "2026-W11", "throughput": -1, "note": None}]
>>> write_table_csv("throughput.csv", rows)
2
>>> from pathlib import Path
>>> print(Path("throughput.csv").read_text(encoding="utf-8").replace("\\r\\n", "\\n"), end="")
week,throughput,note
2026-W10,4,'=launch week
2026-W11,-1,
>>> list(read_table_csv("throughput.csv"))[0]
{'week': '2026-W10', 'throughput': '4', 'note': '=launch week'}
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from agilemarketing.errors import InvalidValue
from agilemarketing_csv.dialect import CsvDialect
from agilemarketing_csv.errors import CsvFileError
from agilemarketing_csv.records import (
    DEFAULT_MAX_PROBLEMS,
    CsvRecords,
    Header,
    OnError,
    Problems,
    open_records,
    ragged,
)
from agilemarketing_csv.writing import atomic_csv, restore_formula

__all__ = ["read_table_csv", "write_table_csv"]


def write_table_csv(
    path: str | os.PathLike[str],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    *,
    header: Sequence[str] | None = None,
    bom: bool = False,
) -> int:
    """Write a table atomically; returns the number of rows written (the header not counted).

    Without ``header``, ``rows`` are mappings and the first row's keys are the columns (a later
    row with another key is an error; a missing key is an empty cell). With ``header``, rows
    are sequences of that length, or mappings read by those column names. Rows are streamed:
    any iterable works, and a failure part-way leaves the target untouched.
    """
    where = f"table {os.fspath(path)}"
    iterator = iter(rows)
    columns: list[str] | None = None if header is None else [str(c) for c in header]
    count = 0
    with atomic_csv(path, bom=bom) as out:
        for number, row in enumerate(iterator, start=1):
            if columns is None:
                if not isinstance(row, Mapping):
                    raise InvalidValue(
                        "rows without a header must be mappings",
                        where=where,
                        fix="pass header=[...] with sequence rows, or give dict rows",
                        value=type(row).__name__,
                    )
                columns = [str(c) for c in row]
            if count == 0:
                _check_columns(columns, where)
                out.writerow(columns)
            out.writerow(_cells(row, columns, where, number))
            count += 1
        if count == 0 and columns is not None:
            _check_columns(columns, where)
            out.writerow(columns)
    return count


def _check_columns(columns: Sequence[str], where: str) -> None:
    if not columns:
        raise InvalidValue("a table needs at least one column", where=where, fix="name a column")
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise InvalidValue(
                "column names must be unique", where=where, fix="rename one of them", value=name
            )
        seen.add(name)


def _cells(
    row: Mapping[str, Any] | Sequence[Any], columns: Sequence[str], where: str, number: int
) -> list[Any]:
    if isinstance(row, Mapping):
        extra = [k for k in row if k not in columns]
        if extra:
            raise InvalidValue(
                f"row {number} has a column the table does not",
                where=where,
                fix="give every row the same keys, or pass header= with every column",
                value=extra[0],
            )
        return [row.get(name) for name in columns]
    if isinstance(row, str | bytes) or len(row) != len(columns):
        raise InvalidValue(
            f"row {number} does not have one value per column ({len(columns)})",
            where=where,
            fix="give each row one value per header column",
            value=row,
        )
    return list(row)


def _convert(
    header: Header, file: str, dialect: CsvDialect
) -> Callable[..., Iterator[dict[str, str]]]:
    names = [restore_formula(name) for name in header.names]
    if len(set(names)) != len(names):
        repeated = next(n for n in names if names.count(n) > 1)
        raise CsvFileError(
            "a table's column names must be unique",
            file=file,
            reason="header",
            row=1,
            column=repeated,
            fix="rename the repeated column",
        )

    def rows(
        cells: Iterator[tuple[int, list[str]]], problems: Problems
    ) -> Iterator[dict[str, str]]:
        width = len(names)
        for row, values in cells:
            if len(values) != width:
                if values:
                    problems.add(ragged(values, width, header, file, row))
                continue
            yield dict(zip(names, map(restore_formula, values), strict=True))

    return rows


def read_table_csv(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    on_error: OnError = "raise",
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> CsvRecords[dict[str, str]]:
    """Read a table (as :func:`write_table_csv` writes it) as dicts of cell texts.

    Cells come back as the text written (formula quotes removed); converting them to numbers
    or dates is the caller's business.
    """
    return open_records(
        path,
        _convert,
        encoding=encoding,
        delimiter=delimiter,
        on_error=on_error,
        max_problems=max_problems,
    )
