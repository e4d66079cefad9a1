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

Written from :class:`~agilemarketing.adapter.ItemRecord` values, the file also has one
``field:<name>`` column per extra field, each cell a JSON value (``"High"``, ``3``,
``["Web", "Events"]``, ``null``), so that fields keep their types;
:func:`read_history_records_csv` reads them back.

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

import json
import operator
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import tzinfo
from typing import Any

import attrs

from agilemarketing.adapter import FieldValue, ItemRecord
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing_csv._dates import DateParser
from agilemarketing_csv.dialect import CsvDialect
from agilemarketing_csv.errors import CsvRowError
from agilemarketing_csv.mapping import ROW_ROLES, BoundMapping, ColumnMapping
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

__all__ = [
    "FIELD_PREFIX",
    "HISTORY_COLUMNS",
    "read_history_csv",
    "read_history_records_csv",
    "write_history_csv",
]

#: The prefix of the columns that hold an ItemRecord's extra fields (``field:channel``).
FIELD_PREFIX = "field:"

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
    path: str | os.PathLike[str],
    histories: Iterable[ItemHistory | ItemRecord],
    *,
    bom: bool = False,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> int:
    """Write ``histories`` as a history CSV, atomically; returns the number of rows written.

    Every row repeats the item's columns, so the file sorts and filters well in a spreadsheet.
    There are as many ``label`` and ``sprint`` columns as the item with the most of them needs,
    and one ``field:<name>`` column per extra field of the records given. The file is UTF-8
    and comma-separated unless ``encoding`` and ``delimiter`` say otherwise (``bom``: see
    :func:`~agilemarketing_csv.writing.atomic_csv`).
    """
    records = [h if isinstance(h, ItemRecord) else ItemRecord(h) for h in histories]
    names = sorted({name for r in records for name in r.fields})
    labels = max((len(r.history.labels) for r in records), default=0)
    sprints = max((len(r.history.sprints) for r in records), default=0)
    header = [
        *HISTORY_COLUMNS,
        *(FIELD_PREFIX + name for name in names),
        *["label"] * labels,
        *["sprint"] * sprints,
    ]
    with atomic_csv(path, bom=bom, delimiter=delimiter, encoding=encoding) as out:
        out.writerow(header)
        for r in records:
            h = r.history
            item = [h.key, h.summary, h.type, h.status, h.created, h.resolved, h.points, h.rank]
            tail = [
                *(_field_cell(r.fields[n]) if n in r.fields else None for n in names),
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
    return sum(max(1, len(r.history.transitions) + len(r.history.blocked)) for r in records)


def _field_cell(value: FieldValue) -> str:
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def _field_value(text: str) -> FieldValue:
    value = json.loads(text)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise ValueError(text)


def _history_converter(
    mapping: ColumnMapping, dates: DateParser, *, records: bool
) -> Callable[[Header, str, CsvDialect], Callable[..., Iterator[Any]]]:
    def convert(header: Header, file: str, dialect: CsvDialect) -> Callable[..., Iterator[Any]]:
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
        extra = [
            (restore_formula(name)[len(FIELD_PREFIX) :], at)
            for at, name in enumerate(header.names)
            if records and restore_formula(name).startswith(FIELD_PREFIX)
        ]
        return lambda rows, problems: _histories(bound, rows, problems, extra, records)

    return convert


def _histories(
    bound: BoundMapping,
    rows: Iterator[tuple[int, list[str]]],
    problems: Problems,
    extra: list[tuple[str, int]],
    records: bool,
) -> Iterator[Any]:
    items: dict[str, _Item] = {}
    width = len(bound.header)
    # An item's later rows mostly repeat its columns cell for cell: such a row is read for its
    # transition and blocked period only (same cells, same values, nothing new to check).
    row_roles = {r: at for r, at in bound.single.items() if r in ROW_ROLES}
    item_at = [at for r, (_, at) in bound.single.items() if r not in ROW_ROLES]
    item_at += [at for _, ats in bound.multi.values() for at in ats]
    item_cells_of = _cells_getter(item_at)
    said: dict[str, tuple[str, ...]] = {}  # by key cell: the item columns of its first accepted row
    key_at = bound.key[1]
    for row, cells in rows:
        if len(cells) != width:
            if cells:
                problems.add(ragged(cells, width, bound.header, bound.file, row))
            continue
        errors: list[CsvRowError] = []
        item_cells = item_cells_of(cells)
        repeats = said.get(cells[key_at]) == item_cells
        values = bound.fields(row, cells, errors, single=row_roles if repeats else None)
        at = values.pop("at", None)
        to_status = values.pop("to_status", None)
        from_status = values.pop("from_status", None)
        observed = values.pop("observed", False)
        blocked_start = values.pop("blocked_start", None)
        blocked_end = values.pop("blocked_end", None)
        _check_row(bound, row, errors, at, to_status, blocked_start, blocked_end)
        fields_here = _extra_fields(bound, row, cells, extra, errors)
        if errors:
            for error in errors:
                problems.add(error)
            continue
        key = values["key"]
        entry = items.get(key)
        if entry is None:
            entry = items[key] = _Item(row)
        disagreeing = _disagreement(bound, entry, row, values, fields_here)
        if disagreeing is not None:
            problems.add(disagreeing)
            continue
        said.setdefault(cells[key_at], item_cells)
        fields, transitions, blocked = entry.fields, entry.transitions, entry.blocked
        for name, value in fields_here.items():
            if name not in entry.extra:
                entry.extra[name] = value
                entry.rows[FIELD_PREFIX + name] = row
        for name, value in values.items():
            if value not in (None, "", []) and name not in fields:
                fields[name] = value
                entry.rows[name] = row
        if at is not None:
            transitions.append(Transition(at, from_status, to_status, observed))
        if blocked_start is not None:
            try:
                blocked.append(BlockedPeriod(blocked_start, blocked_end))
            except ValueError as exc:
                problems.add(bound.problem(row, None, str(exc), None, "a blocked period"))
    yield from _built(bound, items, problems, records)


def _cells_getter(positions: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A function giving a row's cells at ``positions``, as a tuple."""
    if len(positions) > 1:
        return operator.itemgetter(*positions)
    if positions:
        only = positions[0]
        return lambda cells: (cells[only],)
    return lambda cells: ()


def _disagreement(
    bound: BoundMapping,
    entry: _Item,
    row: int,
    values: dict[str, Any],
    fields_here: dict[str, FieldValue],
) -> CsvRowError | None:
    """The problem with a row of an item that gives one of the item's columns another value
    than an earlier row (an empty cell agrees with anything), or None."""
    given = [(name, value, entry.fields.get(name, value)) for name, value in values.items()]
    given += [
        (FIELD_PREFIX + name, value, entry.extra.get(name, value))
        for name, value in fields_here.items()
    ]
    for name, value, known in given:
        if name == "key" or value in (None, "", []) or known == value:
            continue
        role = "title" if name == "summary" else name
        column = (bound.single.get(role) or bound.multi.get(role) or (name,))[0]
        return CsvRowError(
            f"item {values['key']!r} has {column} {_shown(known)} on row {entry.rows[name]} "
            f"and {_shown(value)} on row {row}",
            file=bound.file,
            row=row,
            column=column,
            fix="give an item's columns one value (or leave them empty on its other rows); "
            "two different items need two keys",
        )
    return None


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return repr(", ".join(map(str, value)))
    return repr(value.isoformat() if hasattr(value, "isoformat") else value)


def _check_row(
    bound: BoundMapping,
    row: int,
    errors: list[CsvRowError],
    at: Any,
    to_status: Any,
    blocked_start: Any,
    blocked_end: Any,
) -> None:
    """Add the problems of one row's transition and blocked period to ``errors``."""
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


def _extra_fields(
    bound: BoundMapping,
    row: int,
    cells: list[str],
    extra: list[tuple[str, int]],
    errors: list[CsvRowError],
) -> dict[str, FieldValue]:
    """The row's ``field:*`` cells as field values; a cell that is not one goes to ``errors``."""
    fields_here: dict[str, FieldValue] = {}
    for name, at_field in extra:
        text = cells[at_field]
        if text.strip():
            try:
                fields_here[name] = _field_value(restore_formula(text))
            except (ValueError, RecursionError):
                errors.append(
                    bound.problem(
                        row,
                        FIELD_PREFIX + name,
                        "not a field value",
                        text,
                        "JSON: a text in double quotes, a number, true/false, null or a list "
                        'of texts such as ["a", "b"]',
                    )
                )
    return fields_here


def _built(
    bound: BoundMapping, items: dict[str, _Item], problems: Problems, records: bool
) -> Iterator[Any]:
    """Each gathered item as an ``ItemHistory`` (or an ``ItemRecord`` with its extra fields)."""
    for key, entry in items.items():
        fields, transitions = entry.fields, entry.transitions
        if "status" not in fields and transitions:
            fields["status"] = max(transitions, key=lambda t: t.at).to_status
        fields["key"] = key
        try:
            history = ItemHistory(**fields, transitions=transitions, blocked=entry.blocked)
        except ValueError as exc:
            problems.add(bound.problem(entry.row, None, str(exc), None, "a consistent item"))
            continue
        yield ItemRecord(history, fields=entry.extra) if records else history


@attrs.define
class _Item:
    """What the rows of one item said so far."""

    row: int
    fields: dict[str, Any] = attrs.Factory(dict)
    transitions: list[Transition] = attrs.Factory(list)
    blocked: list[BlockedPeriod] = attrs.Factory(list)
    extra: dict[str, FieldValue] = attrs.Factory(dict)
    rows: dict[str, int] = attrs.Factory(dict)  # the row each item column's value came from


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
        _history_converter(mapping, DateParser(timezone, mapping.date_formats), records=False),
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        on_error=on_error,
        max_problems=max_problems,
    )


def read_history_records_csv(
    path: str | os.PathLike[str],
    mapping: ColumnMapping | None = None,
    *,
    timezone: str | tzinfo = "UTC",
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    on_error: OnError = "raise",
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> CsvRecords[ItemRecord]:
    """Like :func:`read_history_csv`, as :class:`~agilemarketing.adapter.ItemRecord` values
    whose extra fields come from the ``field:<name>`` columns (JSON cells).

    >>> from agilemarketing.adapter import ItemRecord
    >>> from agilemarketing.history import ItemHistory
    >>> record = ItemRecord(ItemHistory("MKT-2", status="To Do"),
    ...                     fields={"channel": "email", "budget": 1200, "regions": ["EU"]})
    >>> write_history_csv("records.csv", [record])
    1
    >>> read_history_records_csv("records.csv").read_all() == [record]
    True
    """
    mapping = mapping or ColumnMapping.history()
    return open_records(
        path,
        _history_converter(mapping, DateParser(timezone, mapping.date_formats), records=True),
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        on_error=on_error,
        max_problems=max_problems,
    )
