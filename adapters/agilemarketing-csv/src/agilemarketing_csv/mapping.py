"""Which column holds what: :class:`ColumnMapping`, and reading item CSVs through one.

A mapping names, for each field of an :class:`~agilemarketing.history.ItemHistory`, the column
(or the alternative columns, first present wins) it comes from. :meth:`ColumnMapping.jira`
describes a Jira CSV export; build your own for any other tool's CSV:

>>> from pathlib import Path
>>> _ = Path("board.csv").write_text(
...     "ID,Name,State,Estimate,Tags,Opened\\n"
...     'C-1,Spring webinar,Doing,"2,5","webinar, q2",03.02.2026 09:30\\n', encoding="utf-8")
>>> mapping = ColumnMapping(key="ID", title="Name", status="State", points="Estimate",
...                         labels="Tags", label_separator=",", created="Opened",
...                         date_formats=["%d.%m.%Y %H:%M"])
>>> [item] = read_items_csv("board.csv", mapping, decimal=",")
>>> item.key, item.summary, item.status, item.points, item.labels, item.created.isoformat()
('C-1', 'Spring webinar', 'Doing', 2.5, ('webinar', 'q2'), '2026-02-03T09:30:00+00:00')

Multi-valued fields (``labels``, ``sprints``) take every column with that name (Jira writes one
``Labels`` column per label) and, with ``label_separator``, split each cell too.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import tzinfo
from typing import Any

import attrs

from agilemarketing.adapter import FieldValue, ItemRecord
from agilemarketing.history import ItemHistory
from agilemarketing_csv._dates import DateParser
from agilemarketing_csv.dialect import CsvDialect
from agilemarketing_csv.errors import CsvFileError, CsvRowError
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
from agilemarketing_csv.writing import FORMULA_TRIGGERS, restore_formula

__all__ = ["ColumnMapping", "read_items_csv", "read_jira_csv", "read_records_csv"]


def _names(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    return tuple(v.strip() for v in value if v.strip())


@attrs.frozen(kw_only=True)
class ColumnMapping:
    """The columns a CSV file keeps each item field in.

    Each field takes a column name or a list of alternatives (the first one present in the
    file is used); an empty field is not read. ``key`` is required. The transition fields
    (``at``, ``from_status``, ``to_status``, ``observed``) and the blocked-period fields
    (``blocked_start``, ``blocked_end``) are read by
    :func:`~agilemarketing_csv.history.read_history_csv` only.

    Attributes:
        date_formats: :meth:`datetime.strptime` patterns tried first for every date column
            (Jira's ``05/Nov/25 5:16 PM`` and ISO 8601 are always accepted after them).
        label_separator: split every ``labels`` and ``sprints`` cell on this text too (for
            tools that put all labels in one cell); None keeps each cell whole.
        fields: other columns to keep as extra fields of an
            :class:`~agilemarketing.adapter.ItemRecord` (read by :func:`read_records_csv`),
            named as given here: a text, or a tuple of texts for a repeated column (Jira's
            ``Component/s``). Every one must be in the file.
    """

    key: tuple[str, ...] = attrs.field(converter=_names)
    title: tuple[str, ...] = attrs.field(default=(), converter=_names)
    type: tuple[str, ...] = attrs.field(default=(), converter=_names)
    status: tuple[str, ...] = attrs.field(default=(), converter=_names)
    points: tuple[str, ...] = attrs.field(default=(), converter=_names)
    labels: tuple[str, ...] = attrs.field(default=(), converter=_names)
    sprints: tuple[str, ...] = attrs.field(default=(), converter=_names)
    created: tuple[str, ...] = attrs.field(default=(), converter=_names)
    resolved: tuple[str, ...] = attrs.field(default=(), converter=_names)
    rank: tuple[str, ...] = attrs.field(default=(), converter=_names)
    at: tuple[str, ...] = attrs.field(default=(), converter=_names)
    from_status: tuple[str, ...] = attrs.field(default=(), converter=_names)
    to_status: tuple[str, ...] = attrs.field(default=(), converter=_names)
    observed: tuple[str, ...] = attrs.field(default=(), converter=_names)
    blocked_start: tuple[str, ...] = attrs.field(default=(), converter=_names)
    blocked_end: tuple[str, ...] = attrs.field(default=(), converter=_names)
    date_formats: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    label_separator: str | None = None
    fields: tuple[str, ...] = attrs.field(default=(), converter=_names)

    @classmethod
    def jira(cls) -> ColumnMapping:
        """The columns of a Jira CSV export (Jira Cloud and Data Center, English headers).

        >>> ColumnMapping.jira().points[:2]
        ('Custom field (Story Points)', 'Custom field (Story point estimate)')
        """
        return cls(
            key="Issue key",
            title="Summary",
            type="Issue Type",
            status="Status",
            points=[
                "Custom field (Story Points)",
                "Custom field (Story point estimate)",
                "Story Points",
                "Story point estimate",
            ],
            labels="Labels",
            sprints=["Sprint", "Custom field (Sprint)"],
            created="Created",
            resolved="Resolved",
            rank=["Custom field (Rank)", "Rank"],
        )

    @classmethod
    def history(cls) -> ColumnMapping:
        """The columns of the history CSV this package writes
        (:func:`~agilemarketing_csv.history.write_history_csv`): one row per transition.

        >>> ColumnMapping.history().at, ColumnMapping.history().to_status
        (('at',), ('to',))
        """
        return cls(
            key="key",
            title="summary",
            type="type",
            status="status",
            points="points",
            labels="label",
            sprints="sprint",
            created="created",
            resolved="resolved",
            rank="rank",
            at="at",
            from_status="from",
            to_status="to",
            observed="observed",
            blocked_start="blocked_start",
            blocked_end="blocked_end",
        )


def trimmed(text: str) -> str:
    """``text`` without surrounding whitespace, unless trimming would make a formula of it.

    A leading space keeps ``" =1+1"`` inert in a spreadsheet; trimming it would not.

    >>> trimmed("  Spring webinar "), trimmed(" =1+1 ")
    ('Spring webinar', ' =1+1')
    """
    bare = text.strip()
    if bare[:1] in FORMULA_TRIGGERS and text[:1] != bare[:1]:
        return text.rstrip()
    return bare


_SINGLE = ("title", "type", "status", "points", "created", "resolved", "rank")


def _one_column_each(
    found: dict[str, tuple[str, tuple[int, ...]]], header: Header, file: str
) -> None:
    """A single-value field in two columns is an error naming both: which one is meant?"""
    for role, (name, positions) in found.items():
        if len(positions) > 1:
            first, second = positions[0], positions[1]
            raise CsvFileError(
                f"columns {first + 1} and {second + 1} are both called {name!r} "
                f"({header.names[first]!r}, {header.names[second]!r}) and the {role} is one "
                "value: which one holds it?",
                file=file,
                reason="header",
                row=1,
                column=name,
                fix="rename or remove one of the two columns",
            )


_DATE_ROLES = frozenset({"created", "resolved", "at", "blocked_start", "blocked_end"})
#: The roles whose cells belong to one row of an item (a transition, a blocked period), not to
#: the item itself.
ROW_ROLES = frozenset(
    {"at", "from_status", "to_status", "observed", "blocked_start", "blocked_end"}
)


@attrs.frozen
class BoundMapping:
    """A :class:`ColumnMapping` resolved against one file's header: positions, not names."""

    file: str
    dialect: CsvDialect
    header: Header
    dates: DateParser
    key: tuple[str, int]
    single: dict[str, tuple[str, int]]
    multi: dict[str, tuple[str, tuple[int, ...]]]
    separator: str | None
    restore: bool

    @classmethod
    def bind(
        cls,
        mapping: ColumnMapping,
        header: Header,
        file: str,
        dialect: CsvDialect,
        dates: DateParser,
        *,
        required: Sequence[str] = ("key",),
        restore: bool = False,
        transitions: bool = False,
    ) -> BoundMapping:
        """Resolve ``mapping`` against ``header``; a missing ``required`` field is an error.

        The transition and blocked-period fields are bound only with ``transitions=True``.
        """
        found: dict[str, tuple[str, tuple[int, ...]]] = {}
        roles: tuple[str, ...] = ("key", *_SINGLE, "labels", "sprints")
        if transitions:
            roles += ("at", "from_status", "to_status", "observed", "blocked_start", "blocked_end")
        for role in roles:
            candidates: tuple[str, ...] = getattr(mapping, role)
            if role in required:
                if not candidates:
                    candidates = (role,)
                found[role] = require_column(
                    header, candidates, file, dialect, role=role.replace("_", " ")
                )
            elif candidates and (hit := header.first(candidates)) is not None:
                found[role] = hit
        multi: dict[str, tuple[str, tuple[int, ...]]] = {
            role: found.pop(role) for role in ("labels", "sprints") if role in found
        }
        _one_column_each(found, header, file)
        key_name, key_positions = found.pop("key")
        single = {role: (name, positions[0]) for role, (name, positions) in found.items()}
        return cls(
            file,
            dialect,
            header,
            dates,
            (key_name, key_positions[0]),
            single,
            multi,
            mapping.label_separator,
            restore,
        )

    def problem(
        self, row: int, column: str | None, what: str, value: str | None, expected: str
    ) -> CsvRowError:
        """A :class:`~agilemarketing.errors.CsvRowError` in this file."""
        return CsvRowError(
            what,
            file=self.file,
            row=row,
            column=column,
            value=value,
            expected=expected,
            fix="correct the cell, or read with on_error='collect' to skip the row",
        )

    def fields(
        self,
        row: int,
        cells: list[str],
        errors: list[CsvRowError],
        *,
        single: Mapping[str, tuple[str, int]] | None = None,
    ) -> dict[str, Any]:
        """The item fields of one row (ItemHistory keyword arguments); problems go to ``errors``.

        With ``single`` (some of :attr:`single`), only those roles and the key are read: the
        rest of the row said what an earlier row of the item said, cell for cell.
        """
        restore = restore_formula if self.restore else _same
        key_name, key_at = self.key
        key = restore(cells[key_at].strip())
        if not key:
            errors.append(self.problem(row, key_name, "the key is empty", None, "the item's key"))
        out: dict[str, Any] = {"key": key}
        for role, (name, position) in (self.single if single is None else single).items():
            text = cells[position]
            if not text or text.isspace():
                continue
            if role in _DATE_ROLES:
                try:
                    out[role] = self.dates.parse(text)
                except ValueError:
                    errors.append(
                        self.problem(row, name, "not a timestamp", text, self.dates.expected)
                    )
            elif role == "points":
                try:
                    out[role] = self.dialect.number(text)
                except ValueError:
                    errors.append(
                        self.problem(
                            row,
                            name,
                            "not a number",
                            text,
                            f"a number such as 3 or 2{self.dialect.decimal}5",
                        )
                    )
            elif role == "observed":
                flag = text.strip().lower()
                if flag not in _FLAGS:
                    errors.append(self.problem(row, name, "not a yes/no", text, "true or false"))
                else:
                    out[role] = _FLAGS[flag]
            else:
                out["summary" if role == "title" else role] = restore(trimmed(text))
        if single is not None:
            return out
        separator = self.separator
        for role, (_, positions) in self.multi.items():
            values: list[str] = []
            for position in positions:
                text = cells[position]
                if not text or text.isspace():
                    continue
                if separator is None:
                    values.append(restore(trimmed(text)))
                else:
                    values.extend(restore(trimmed(v)) for v in text.split(separator) if v.strip())
            out[role] = values
        return out


_FLAGS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def _same(text: str) -> str:
    return text


def _converter(
    mapping: ColumnMapping, dates: DateParser, *, records: bool, unique_keys: bool = False
) -> Callable[[Header, str, CsvDialect], Callable[..., Iterator[Any]]]:
    """The ``convert`` for :func:`~agilemarketing_csv.records.open_records`: items, or (with
    ``records``) :class:`~agilemarketing.adapter.ItemRecord` values carrying ``mapping.fields``;
    with ``unique_keys`` a key on a second row is a problem of that row."""

    def convert(header: Header, file: str, dialect: CsvDialect) -> Callable[..., Iterator[Any]]:
        bound = BoundMapping.bind(mapping, header, file, dialect, dates)
        wrap = _with_fields(mapping.fields, header, file, dialect) if records else None
        return lambda rows, problems: _items(bound, rows, problems, wrap, unique_keys)

    return convert


def _repeated_key(bound: BoundMapping, key: str, first: int, row: int) -> CsvRowError:
    """The problem with ``row``, which repeats the ``key`` of row ``first``."""
    return CsvRowError(
        f"the key {key!r} is on row {first} and again on row {row}; each item is one row",
        file=bound.file,
        row=row,
        column=bound.key[0],
        fix="remove the repeated row (or give it its own key) and export again",
    )


def _with_fields(
    names: Sequence[str], header: Header, file: str, dialect: CsvDialect
) -> Callable[[ItemHistory, list[str]], ItemRecord]:
    """A row's item as a record whose extra fields are the columns ``names`` (a repeated
    column gives a tuple of its non-empty cells; an empty single cell is left out)."""
    extra = [
        (name, require_column(header, (name,), file, dialect, role="field")[1]) for name in names
    ]

    def record(history: ItemHistory, cells: list[str]) -> ItemRecord:
        fields: dict[str, FieldValue] = {}
        for name, positions in extra:
            if len(positions) == 1:
                text = cells[positions[0]].strip()
                if text:
                    fields[name] = text
            else:
                fields[name] = tuple(filter(None, (cells[p].strip() for p in positions)))
        return ItemRecord(history, fields=fields)

    return record


_ITEM_HISTORY_FIELDS = (
    "key", "summary", "type", "status", "created", "resolved", "points", "labels", "sprints",
    "transitions", "blocked", "rank",
)  # fmt: skip


def _in_shape_item_history() -> Callable[..., ItemHistory]:
    """``ItemHistory(key, summary, ..., rank)`` for values already in the shape its converters
    produce (aware UTC datetimes or None, tuples of str, empty transitions and blocked periods):
    the fast path's values always are, and skipping six converter calls per row makes the
    constructor about 2.5 times faster. Each value is stored through the slot's descriptor
    (frozen classes refuse ``setattr``). ``tests/test_jira_export.py`` checks that it builds
    what the constructor builds."""
    names = tuple(field.name for field in attrs.fields(ItemHistory))
    if names != _ITEM_HISTORY_FIELDS:
        return ItemHistory  # its shape changed: the checked constructor, until this is updated
    (set_key, set_summary, set_type, set_status, set_created, set_resolved, set_points,
     set_labels, set_sprints, set_transitions, set_blocked, set_rank) = (
        ItemHistory.__dict__[name].__set__ for name in names
    )  # fmt: skip
    new = object.__new__

    def make(
        key: str,
        summary: str,
        type: str,
        status: str,
        created: Any,
        resolved: Any,
        points: float | None,
        labels: tuple[str, ...],
        sprints: tuple[str, ...],
        transitions: tuple[()],
        blocked: tuple[()],
        rank: str | None,
    ) -> ItemHistory:
        item: ItemHistory = new(ItemHistory)
        set_key(item, key)
        set_summary(item, summary)
        set_type(item, type)
        set_status(item, status)
        set_created(item, created)
        set_resolved(item, resolved)
        set_points(item, points)
        set_labels(item, labels)
        set_sprints(item, sprints)
        set_transitions(item, transitions)
        set_blocked(item, blocked)
        set_rank(item, rank)
        return item

    return make


_item_history = _in_shape_item_history()


def _items(
    bound: BoundMapping,
    rows: Iterator[tuple[int, list[str]]],
    problems: Problems,
    wrap: Callable[[ItemHistory, list[str]], Any] | None = None,
    unique_keys: bool = False,
) -> Iterator[Any]:
    """The hot loop: one ItemHistory per row (or what ``wrap`` makes of it and the row).

    Each row first takes a fast path that assumes every cell is fine; the first ValueError
    sends the row to :meth:`BoundMapping.fields`, which finds every problem of the row with its
    column. Items are built with positional arguments in ItemHistory's field order. With
    ``unique_keys`` the row of each key is remembered (memory grows with the items), and a
    key's second row is a problem naming both rows.
    """
    first_rows: dict[str, int] | None = {} if unique_keys else None
    header, file, width = bound.header, bound.file, len(bound.header)
    # Missing columns read position `width`: an empty cell appended to every row.
    at = {role: position for role, (_, position) in bound.single.items()}
    take = operator.itemgetter(
        bound.key[1],
        *(at.get(role, width) for role in ("title", "type", "status", "created", "resolved")),
        *(at.get(role, width) for role in ("points", "rank")),
    )
    labels_at = bound.multi["labels"][1] if "labels" in bound.multi else ()
    sprints_at = bound.multi["sprints"][1] if "sprints" in bound.multi else ()
    # An empty cell at `width` pads every row when a column is missing or a multi-value column
    # is not repeated (an itemgetter of one position gives a str, of two or more a tuple).
    pad = width in take(range(width + 1)) or min(len(labels_at), len(sprints_at)) < 2
    if pad:
        labels_at, sprints_at = (*labels_at, width), (*sprints_at, width)
    take_labels = operator.itemgetter(*labels_at)  # never a single position: always a tuple
    take_sprints = operator.itemgetter(*sprints_at)
    date = bound.dates.parse
    number = _fast_number if bound.dialect.decimal == "." else bound.dialect.number
    cleaned = _Cleaned(bound.separator)
    for row, cells in rows:
        if len(cells) != width:
            if cells:
                problems.add(ragged(cells, width, header, file, row))
            continue
        if pad:
            cells.append("")
        try:
            key, title, kind, status, created, resolved, points, rank = take(cells)
            key = key.strip()
            if not key:
                raise ValueError
            item = _item_history(
                key,
                trimmed(title),
                kind.strip(),
                status.strip(),
                date(created) if created else None,
                date(resolved) if resolved else None,
                number(points) if points else None,
                cleaned[take_labels(cells)],
                cleaned[take_sprints(cells)],
                (),
                (),
                rank.strip() or None,
            )
        except ValueError:
            errors: list[CsvRowError] = []
            values = bound.fields(row, cells, errors)
            if errors:
                for error in errors:
                    problems.add(error)
                continue
            try:
                item = ItemHistory(**values)
            except ValueError as exc:
                problems.add(bound.problem(row, None, str(exc), None, "a consistent item"))
                continue
        if first_rows is not None:
            first = first_rows.setdefault(item.key, row)
            if first != row:
                problems.add(_repeated_key(bound, item.key, first, row))
                continue
        yield item if wrap is None else wrap(item, cells)


class _Cleaned(dict[tuple[str, ...], tuple[str, ...]]):
    """Raw multi-value cells -> their non-empty stripped values (each cell split on
    ``separator`` first, if given), remembered: a board reuses a few label and sprint
    combinations on thousands of rows, and a lookup is a fraction of the work of cleaning them
    again. Holds at most 4,096 combinations."""

    def __init__(self, separator: str | None) -> None:
        super().__init__()
        self.separator = separator

    def __missing__(self, raw: tuple[str, ...]) -> tuple[str, ...]:
        if self.separator is None:
            values = tuple(filter(None, map(trimmed, raw)))
        else:
            parts = (part for cell in raw for part in cell.split(self.separator))
            values = tuple(filter(None, map(trimmed, parts)))
        if len(self) < 4096:
            self[raw] = values
        return values


def _fast_number(text: str) -> float:
    value = float(text)
    if value - value != 0.0:  # nan or infinity
        raise ValueError(text)
    return value


def read_items_csv(
    path: str | os.PathLike[str],
    mapping: ColumnMapping,
    *,
    timezone: str | tzinfo = "UTC",
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    on_error: OnError = "raise",
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    unique_keys: bool = False,
) -> CsvRecords[ItemHistory]:
    """Read the items of any CSV file through ``mapping``, one per row, as they are now.

    Args:
        path: the CSV file.
        mapping: which column holds which field.
        timezone: the time zone of timestamps written without an offset (an IANA name such as
            ``"Europe/Berlin"``, or a tzinfo); they are converted to UTC.
        encoding: the file's encoding; None sniffs it (UTF-8, UTF-8 with BOM, UTF-16, cp1252).
        delimiter: the cell delimiter; None sniffs it from the header line.
        decimal: the decimal mark of numbers; None: ``.`` with a comma delimiter, otherwise
            ``,`` (``.`` is always accepted too).
        on_error: ``"raise"`` or ``"collect"`` bad rows (see :mod:`agilemarketing_csv.records`).
        max_problems: how many bad rows are kept (and found before ``"raise"`` stops reading).
        unique_keys: a key on a second row is a problem of that row naming both rows (the
            first row stands with ``on_error="collect"``); the reader then remembers every
            key, so memory grows with the file. The sync adapters read this way.

    Raises:
        CsvFileError: at once, when the file cannot be read at all (missing file, encoding,
            delimiter, missing key column).
    """
    dates = DateParser(timezone, mapping.date_formats)
    return open_records(
        path,
        _converter(mapping, dates, records=False, unique_keys=unique_keys),
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        on_error=on_error,
        max_problems=max_problems,
    )


def read_records_csv(
    path: str | os.PathLike[str],
    mapping: ColumnMapping,
    *,
    timezone: str | tzinfo = "UTC",
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    on_error: OnError = "raise",
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    unique_keys: bool = False,
) -> CsvRecords[ItemRecord]:
    """Like :func:`read_items_csv`, as :class:`~agilemarketing.adapter.ItemRecord` values that
    also carry the columns named in ``mapping.fields`` as extra fields (what a sync maps).

    >>> from pathlib import Path
    >>> _ = Path("extra.csv").write_text(
    ...     "Issue key,Priority,Component/s,Component/s\\nMKT-1,High,Web,Events\\n", "utf-8")
    >>> mapping = attrs.evolve(ColumnMapping.jira(), fields=["Priority", "Component/s"])
    >>> [record] = read_records_csv("extra.csv", mapping)
    >>> dict(record.fields)
    {'Component/s': ('Web', 'Events'), 'Priority': 'High'}
    """
    return open_records(
        path,
        _converter(
            mapping,
            DateParser(timezone, mapping.date_formats),
            records=True,
            unique_keys=unique_keys,
        ),
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        on_error=on_error,
        max_problems=max_problems,
    )


def read_jira_csv(
    path: str | os.PathLike[str],
    *,
    timezone: str | tzinfo = "UTC",
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    on_error: OnError = "raise",
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    unique_keys: bool = False,
) -> CsvRecords[ItemHistory]:
    """Read a Jira CSV export ("Export > CSV (all fields)") as item histories.

    Keys, summaries, issue types, statuses, created and resolved dates, story points, every
    ``Labels`` and ``Sprint`` column and the rank are read (:meth:`ColumnMapping.jira`). A CSV
    export holds no status changes, so each history has no transitions: it is the item as the
    export shows it. Dates such as ``05/Nov/25 5:16 PM`` are read in ``timezone`` (the time
    zone of the user who exported; UTC by default). The other arguments are those of
    :func:`read_items_csv`.

    >>> from pathlib import Path
    >>> _ = Path("jira.csv").write_text(
    ...     "Summary,Issue key,Issue Type,Status,Created,Labels,Labels,"
    ...     "Custom field (Story Points)\\n"
    ...     "Launch email,MKT-1,Story,Done,05/Nov/25 5:16 PM,email,q4,3\\n", encoding="utf-8")
    >>> [item] = read_jira_csv("jira.csv", timezone="Europe/Berlin")
    >>> item.key, item.labels, item.points, item.created.isoformat()
    ('MKT-1', ('email', 'q4'), 3.0, '2025-11-05T16:16:00+00:00')
    """
    return read_items_csv(
        path,
        ColumnMapping.jira(),
        timezone=timezone,
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        on_error=on_error,
        max_problems=max_problems,
        unique_keys=unique_keys,
    )
