"""History CSV: one row per status change, the input the metrics engine needs.

A history CSV has a row per transition (``key``, ``at``, ``from``, ``to``, ``observed``) plus
the item's own columns (``summary``, ``type``, ``status``, ``created``, ``resolved``, ``points``,
``rank``, one ``label`` and one ``sprint`` column per value). A blocked period is a row with
``blocked_start`` (and ``blocked_end`` unless it is still open) instead of a transition. An item
with neither has one row with those columns empty. Item columns may be repeated on every row or
given once: the first non-empty value of each wins, and an empty ``status`` is the ``to`` of the
item's latest transition. Rows of one item need not be next to each other, so a history CSV is
read whole (memory grows with the file, unlike
:func:`~agilemarketing_csv.mapping.read_items_csv`). Every
:class:`~agilemarketing.history.ItemHistory` round-trips exactly.

>>> from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
>>> h = ItemHistory("MKT-1", summary="Launch email", status="Done", points=3,
...                 transitions=[Transition("2026-01-06T09:00:00Z", "To Do", "Doing"),
...                              Transition("2026-01-08T16:00:00Z", "Doing", "Done")],
...                 blocked=[BlockedPeriod("2026-01-07T09:00:00Z", "2026-01-07T15:00:00Z")])
>>> write_history_csv("history.csv", [h])
3
>>> [back] = read_history_csv("history.csv")
>>> back == h
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from datetime import tzinfo
from typing import Any

from agilemarketing.errors import CsvRowError
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing_csv._dates import DateParser
from agilemarketing_csv.dialect import CsvDialect
from agilemarketing_csv.mapping import BoundMapping, ColumnMapping
from agilemarketing_csv.records import (
    DEFAULT_MAX_PROBLEMS,
    CsvRecords,
    Header,
    OnError,
    Problems,
    open_records,
    ragged,
)
from agilemarketing_csv.writing import atomic_csv

__all__ = ["HISTORY_COLUMNS", "read_history_csv", "write_history_csv"]

#: The single-valued columns of a history CSV, in the order they are written.
HISTORY_COLUMNS = (
    "key",
    "summary",
    "type",
    "status",
    "created",
    "resolved",
    "points",
    "rank",
    "at",
    "from",
    "to",
    "observed",
    "blocked_start",
    "blocked_end",
)


def write_history_csv(
    path: str | os.PathLike[str], histories: Iterable[ItemHistory], *, bom: bool = False
) -> int:
    """Write ``histories`` as a history CSV, atomically; returns the number of rows written.

    Every row repeats the item's columns, so the file sorts and filters well in a spreadsheet.
    There are as many ``label`` and ``sprint`` columns as the item with the most of them needs.
    """
    items = list(histories)
    labels = max((len(h.labels) for h in items), default=0)
    sprints = max((len(h.sprints) for h in items), default=0)
    header = [*HISTORY_COLUMNS, *["label"] * labels, *["sprint"] * sprints]
    with atomic_csv(path, bom=bom) as out:
        out.writerow(header)
        for h in items:
            item = [h.key, h.summary, h.type, h.status, h.created, h.resolved, h.points, h.rank]
            tail = [
                *h.labels,
                *[""] * (labels - len(h.labels)),
                *h.sprints,
                *[""] * (sprints - len(h.sprints)),
            ]
            if not h.transitions and not h.blocked:
                out.writerow([*item, None, None, None, None, None, None, *tail])
            for t in h.transitions:
                out.writerow(
                    [*item, t.at, t.from_status, t.to_status, t.observed, None, None, *tail]
                )
            for b in h.blocked:
                out.writerow([*item, None, None, None, None, b.start, b.end, *tail])
    return sum(max(1, len(h.transitions) + len(h.blocked)) for h in items)


def _history_converter(
    mapping: ColumnMapping, dates: DateParser
) -> Callable[[Header, str, CsvDialect], Callable[..., Iterator[ItemHistory]]]:
    def convert(
        header: Header, file: str, dialect: CsvDialect
    ) -> Callable[..., Iterator[ItemHistory]]:
        bound = BoundMapping.bind(
            mapping,
            header,
            file,
            dialect,
            dates,
            required=("key", "at", "to_status"),
            restore=True,
            transitions=True,
        )
        return lambda rows, problems: _histories(bound, rows, problems)

    return convert


def _histories(
    bound: BoundMapping, rows: Iterator[tuple[int, list[str]]], problems: Problems
) -> Iterator[ItemHistory]:
    items: dict[str, tuple[int, dict[str, Any], list[Transition], list[BlockedPeriod]]] = {}
    width = len(bound.header)
    for row, cells in rows:
        if len(cells) != width:
            if cells:
                problems.add(ragged(cells, width, bound.header, bound.file, row))
            continue
        errors: list[CsvRowError] = []
        values = bound.fields(row, cells, errors)
        at = values.pop("at", None)
        to_status = values.pop("to_status", None)
        from_status = values.pop("from_status", None)
        observed = values.pop("observed", False)
        blocked_start = values.pop("blocked_start", None)
        blocked_end = values.pop("blocked_end", None)
        if blocked_end is not None and blocked_start is None and "blocked_start" in bound.single:
            errors.append(
                bound.problem(
                    row,
                    bound.single["blocked_start"][0],
                    "a blocked period without its start",
                    None,
                    bound.dates.expected,
                )
            )
        if at is not None and to_status is None:
            name = bound.single["to_status"][0]
            errors.append(
                bound.problem(
                    row, name, "a transition without the status it moved to", None, "the new status"
                )
            )
        at_column = bound.single["at"][0]
        if at is None and to_status is not None and at_column not in {e.column for e in errors}:
            errors.append(
                bound.problem(
                    row, at_column, "a transition without its time", None, bound.dates.expected
                )
            )
        if errors:
            for error in errors:
                problems.add(error)
            continue
        key = values["key"]
        entry = items.get(key)
        if entry is None:
            entry = items[key] = (row, {}, [], [])
        _, fields, transitions, blocked = entry
        for name, value in values.items():
            if value not in (None, "", []) and name not in fields:
                fields[name] = value
        if at is not None:
            transitions.append(Transition(at, from_status, to_status, observed))
        if blocked_start is not None:
            try:
                blocked.append(BlockedPeriod(blocked_start, blocked_end))
            except ValueError as exc:
                problems.add(bound.problem(row, None, str(exc), None, "a blocked period"))
    for key, (row, fields, transitions, blocked) in items.items():
        if "status" not in fields and transitions:
            fields["status"] = max(transitions, key=lambda t: t.at).to_status
        fields["key"] = key
        try:
            yield ItemHistory(**fields, transitions=transitions, blocked=blocked)
        except ValueError as exc:
            problems.add(bound.problem(row, None, str(exc), None, "a consistent item"))


def read_history_csv(
    path: str | os.PathLike[str],
    mapping: ColumnMapping | None = None,
    *,
    timezone: str | tzinfo = "UTC",
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    on_error: OnError = "raise",
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> CsvRecords[ItemHistory]:
    """Read a history CSV (one row per transition) into item histories with transitions.

    ``mapping`` names the columns (default :meth:`ColumnMapping.history`, the columns
    :func:`write_history_csv` writes); ``key``, ``at`` and ``to_status`` are required. Items
    come in the order of their first row; transitions in file order (sorting them is the
    metrics engine's job). The other arguments are those of
    :func:`~agilemarketing_csv.mapping.read_items_csv`.
    """
    mapping = mapping or ColumnMapping.history()
    return open_records(
        path,
        _history_converter(mapping, DateParser(timezone, mapping.date_formats)),
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        on_error=on_error,
        max_problems=max_problems,
    )
