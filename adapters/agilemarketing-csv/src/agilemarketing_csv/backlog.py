"""Backlog CSV: a ranked list of work items, one row each, highest priority first.

Columns: ``rank`` (1 is the top), ``key``, ``title``, ``kind``, ``size`` and ``size_unit``
(``points`` or ``tshirt``), ``stakeholder``, ``outcome``, ``created_at``, ``started_at``,
``done_at``, the customer story (``as_a``, ``i_want``, ``so_that``), then one ``label`` column per
label and one ``done_criterion`` column per Definition-of-Done criterion met. ``WorkItem.fields``
(adapter extras) is not written.

>>> from agilemarketing.items import Size, WorkItem
>>> backlog = [WorkItem("MKT-2", "Webinar invite", kind="email", size=Size.points(3)),
...            WorkItem("MKT-1", "=Q2 landing page", size=Size.tshirt("M"), labels={"q2"})]
>>> write_backlog_csv("backlog.csv", backlog)
2
>>> read_backlog_csv("backlog.csv").read_all() == backlog
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from agilemarketing.items import CustomerStory, Size, SizeUnit, WorkItem
from agilemarketing_csv._dates import DateParser
from agilemarketing_csv.dialect import CsvDialect
from agilemarketing_csv.errors import CsvRowError
from agilemarketing_csv.records import (
    DEFAULT_MAX_PROBLEMS,
    CsvRecords,
    Header,
    OnError,
    Problems,
    open_records,
    ragged,
    require_column,
)
from agilemarketing_csv.writing import atomic_csv, restore_formula

__all__ = ["BACKLOG_COLUMNS", "read_backlog_csv", "write_backlog_csv"]

#: The single-valued columns of a backlog CSV, in the order they are written.
BACKLOG_COLUMNS = (
    "rank",
    "key",
    "title",
    "kind",
    "size",
    "size_unit",
    "stakeholder",
    "outcome",
    "created_at",
    "started_at",
    "done_at",
    "as_a",
    "i_want",
    "so_that",
)
_DATES = ("created_at", "started_at", "done_at")
_TEXTS = ("kind", "stakeholder", "outcome")


def write_backlog_csv(
    path: str | os.PathLike[str], items: Iterable[WorkItem], *, bom: bool = False
) -> int:
    """Write ``items`` (in rank order, highest first) as a backlog CSV, atomically.

    Returns the number of items written.
    """
    backlog = list(items)
    labels = max((len(i.labels) for i in backlog), default=0)
    criteria = max((len(i.done_criteria) for i in backlog), default=0)
    with atomic_csv(path, bom=bom) as out:
        out.writerow([*BACKLOG_COLUMNS, *["label"] * labels, *["done_criterion"] * criteria])
        for rank, item in enumerate(backlog, start=1):
            size = item.size
            story = item.story
            out.writerow(
                [
                    rank,
                    item.key,
                    item.title,
                    item.kind,
                    None if size is None else (size.label or size.value),
                    None if size is None else size.unit.value,
                    item.stakeholder,
                    item.outcome,
                    item.created_at,
                    item.started_at,
                    item.done_at,
                    None if story is None else story.as_a,
                    None if story is None else story.i_want,
                    None if story is None else story.so_that,
                    *sorted(item.labels),
                    *[""] * (labels - len(item.labels)),
                    *sorted(item.done_criteria),
                    *[""] * (criteria - len(item.done_criteria)),
                ]
            )
    return len(backlog)


def _convert(header: Header, file: str, dialect: CsvDialect) -> Callable[..., Iterator[WorkItem]]:
    for required in ("key", "title"):
        require_column(header, (required,), file, dialect, role=required)
    single = {name: header.positions(name)[0] for name in BACKLOG_COLUMNS if header.positions(name)}
    multi = {name: header.positions(name) for name in ("label", "done_criterion")}
    dates = DateParser()

    def problem(row: int, column: str | None, what: str, value: str | None, expected: str) -> Any:
        return _row_problem(file, row, column, what, value, expected)

    def item(row: int, cells: list[str], errors: list[CsvRowError]) -> tuple[float, WorkItem]:
        text = {name: restore_formula(cells[at]) for name, at in single.items()}
        fields: dict[str, Any] = {
            "key": text["key"],
            "title": text["title"],
            "labels": [restore_formula(cells[at]) for at in multi["label"]],
            "done_criteria": [restore_formula(cells[at]) for at in multi["done_criterion"]],
        }
        for name in _TEXTS:
            if text.get(name, "").strip():
                fields[name] = text[name]
        for name in _DATES:
            if text.get(name, "").strip():
                try:
                    fields[name] = dates.parse(text[name])
                except ValueError:
                    errors.append(problem(row, name, "not a timestamp", text[name], dates.expected))
        story = [text.get(n, "") for n in ("as_a", "i_want", "so_that")]
        if any(s.strip() for s in story):
            try:
                fields["story"] = CustomerStory(*story)
            except ValueError as exc:
                errors.append(problem(row, "as_a", str(exc), None, "all three story parts"))
        size, unit = text.get("size", "").strip(), text.get("size_unit", "").strip().lower()
        if size:
            try:
                if unit == SizeUnit.TSHIRT.value:
                    fields["size"] = Size.tshirt(size)
                else:
                    fields["size"] = Size.points(dialect.number(size))
            except ValueError:
                errors.append(
                    problem(
                        row,
                        "size",
                        "not a size",
                        size,
                        "a number of points, or XS..XXL with size_unit tshirt",
                    )
                )
        rank_text = text.get("rank", "").strip()
        rank = float("inf")
        if rank_text:
            try:
                rank = dialect.number(rank_text)
            except ValueError:
                errors.append(problem(row, "rank", "not a rank", rank_text, "1 for the top"))
        if errors:
            raise _Skip
        try:
            return rank, WorkItem(**fields)
        except ValueError as exc:
            errors.append(problem(row, None, str(exc), None, "a valid work item"))
            raise _Skip from None

    def items(rows: Iterator[tuple[int, list[str]]], problems: Problems) -> Iterator[WorkItem]:
        return _in_rank_order(item, rows, problems, header, file)

    return items


def _row_problem(
    file: str, row: int, column: str | None, what: str, value: str | None, expected: str
) -> CsvRowError:
    """The error of one bad cell (or row) of a backlog CSV."""
    return CsvRowError(
        what,
        file=file,
        row=row,
        column=column,
        value=value,
        expected=expected,
        fix="correct the cell, or read with on_error='collect' to skip the row",
    )


def _in_rank_order(
    item: Callable[[int, list[str], list[CsvRowError]], tuple[float, WorkItem]],
    rows: Iterator[tuple[int, list[str]]],
    problems: Problems,
    header: Header,
    file: str,
) -> Iterator[WorkItem]:
    """The rows' work items in rank order (unranked ones last, in file order); bad rows skipped
    with their problems added to ``problems``."""
    ranked: list[tuple[float, int, WorkItem]] = []
    for row, cells in rows:
        if len(cells) != len(header):
            if cells:
                problems.add(ragged(cells, len(header), header, file, row))
            continue
        errors: list[CsvRowError] = []
        try:
            rank, work = item(row, cells, errors)
        except _Skip:
            for error in errors:
                problems.add(error)
            continue
        ranked.append((rank, row, work))
    ranked.sort(key=lambda entry: entry[:2])
    for _, _, work in ranked:
        yield work


class _Skip(Exception):
    """A row had problems (already listed); skip it."""


def read_backlog_csv(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    on_error: OnError = "raise",
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> CsvRecords[WorkItem]:
    """Read a backlog CSV (as :func:`write_backlog_csv` writes it) back into work items.

    Items come in ``rank`` order (rows without a rank last, in file order), so a backlog
    re-sorted by another column in a spreadsheet still reads in priority order. Only ``key``
    and ``title`` columns are required. Timestamps without an offset are read as UTC.
    """
    return open_records(
        path,
        _convert,
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        on_error=on_error,
        max_problems=max_problems,
    )
