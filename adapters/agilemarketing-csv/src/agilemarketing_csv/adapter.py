"""The ``csv`` and ``jira-csv`` adapters: CSV files as sources and targets of a sync.

* :class:`CsvAdapter` (``csv:board.csv``) keeps a board in a **history CSV** (see
  :mod:`agilemarketing_csv.history`): it reads items with their exact transitions and applies
  changes by rewriting the file atomically, so a CSV file can be the target of a board-to-board
  sync, or a team's whole board. A file that does not exist yet is an empty board. A file whose
  header has an ``Issue key`` column is a Jira export: ``csv:`` reads it as ``jira-csv:`` does
  and refuses to write to it, so ``agilemarketing sync csv:export.csv mirror:team.db`` works.
* :class:`JiraCsvAdapter` (``jira-csv:export.csv``) reads a **Jira CSV export**, read-only. An
  export has no status changes (``HistoryFidelity.NONE``): each read is the board as exported,
  and the sync engine records observed transitions between reads.

Neither keeps anything but the file: every read is a full read (``complete=True``), and the
cursor is the file's modification stamp. Options (``options={...}`` or on a command line):
``timezone`` (of timestamps without an offset, default ``UTC``), ``encoding`` and ``delimiter``
(sniffed when absent); ``jira-csv`` also takes ``decimal``.

>>> from agilemarketing.adapter import CreateItem, MoveStatus
>>> board = CsvAdapter("board.csv")
>>> board.apply(CreateItem("MKT-1", "Launch email", type="Email", status="To Do")).status.value
'applied'
>>> board.apply(MoveStatus("MKT-1", "Doing", from_status="To Do")).status.value
'applied'
>>> [record] = board.read()
>>> record.history.status, [t.to_status for t in record.history.transitions]
('Doing', ['To Do', 'Doing'])
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import attrs

from agilemarketing._time import ensure_utc, utcnow
from agilemarketing.adapter import (
    CORE_FIELDS,
    Adapter,
    AnyChange,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    MoveStatus,
    ReadResult,
    Rerank,
    UpdateFields,
    is_rank,
    rank_between,
)
from agilemarketing.errors import (
    AgileMarketingError,
    ChangeConflict,
    InvalidValue,
    NotFound,
    UnsupportedChange,
)
from agilemarketing.history import ItemHistory, Transition
from agilemarketing_csv.dialect import CsvDialect
from agilemarketing_csv.history import read_history_records_csv, write_history_csv
from agilemarketing_csv.mapping import ColumnMapping, read_records_csv
from agilemarketing_csv.records import Header, read_header

__all__ = ["CsvAdapter", "JiraCsvAdapter"]


#: The column that marks a file as a Jira export.
_JIRA_KEY = "Issue key"


def _cursor(path: Path) -> Cursor:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return Cursor("missing")
    return Cursor(f"{stat.st_mtime_ns}:{stat.st_size}")


class _CsvFile(Adapter):
    """What both CSV adapters share: the file, its reading options, full reads."""

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        if not location.strip():
            raise InvalidValue(
                "a CSV adapter needs a file",
                where=f"{self.name} adapter",
                fix=f"write the URL as {self.name}:path/to/file.csv",
            )
        self.path = Path(location)
        self.timezone = self.option("timezone", "UTC")
        self.encoding: str | None = self.option("encoding", "") or None
        self.delimiter: str | None = self.option("delimiter", "") or None

    @abc.abstractmethod
    def _histories(self) -> Iterable[ItemHistory]:
        """The file's items, in file order."""

    def _records(self) -> Iterable[ItemRecord]:
        return (ItemRecord(h) for h in self._histories())

    def read(self, since: Cursor | None = None) -> ReadResult:
        """Every item in the file (a CSV file has no change log: every read is a full one)."""
        return ReadResult(self._records(), _cursor(self.path), complete=True)


class JiraCsvAdapter(_CsvFile):
    """A Jira CSV export as a read-only source (``jira-csv:export.csv``).

    Reads with :func:`~agilemarketing_csv.mapping.read_jira_csv`. Options besides the common
    ones: ``decimal``, the decimal mark of story points (sniffed when absent), and ``fields``,
    a comma-separated list of other columns to carry as extra fields of each record (for a
    sync's field mapping), e.g. ``"Priority,Component/s,Custom field (Channel)"``.
    """

    name: ClassVar[str] = "jira-csv"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True, incremental_read=False, write=False, rank=True, history=HistoryFidelity.NONE
    )

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        fields = [f.strip() for f in self.option("fields", "").split(",") if f.strip()]
        self.mapping = attrs.evolve(ColumnMapping.jira(), fields=fields)

    def _histories(self) -> Iterable[ItemHistory]:
        return (record.history for record in self._records())

    def _records(self) -> Iterable[ItemRecord]:
        return read_records_csv(
            self.path,
            self.mapping,
            timezone=self.timezone,
            encoding=self.encoding,
            delimiter=self.delimiter,
            decimal=self.option("decimal", "") or None,
        )


class CsvAdapter(_CsvFile):
    """A board kept in a history CSV file (``csv:board.csv``): read and written.

    A Jira export named with ``csv:`` (its header has an ``Issue key`` column) is read as
    :class:`JiraCsvAdapter` reads it (with the same options) and is read-only: a write raises
    :class:`~agilemarketing.errors.UnsupportedChange`. The header is looked at on every read
    and write, so the file may be replaced between syncs.

    Changes are applied to the file's items and the file is rewritten atomically (once per
    :meth:`write` batch). A change the file already reflects is ``ALREADY_APPLIED``; one that
    cannot be applied is ``FAILED`` and changes nothing. Status moves append a transition at
    the adapter's clock (option ``clock``, a function returning an aware datetime; default
    now). Extra fields live in ``field:<name>`` columns; setting one to None removes it.
    """

    name: ClassVar[str] = "csv"
    capabilities: ClassVar[Capabilities] = Capabilities(
        read=True, incremental_read=False, write=True, rank=True, history=HistoryFidelity.EXACT
    )

    def __init__(self, location: str = "", options: Mapping[str, object] | None = None) -> None:
        super().__init__(location, options)
        clock = self.options.get("clock", utcnow)
        if not callable(clock):
            raise InvalidValue("clock must be a function", where="csv adapter option 'clock'")
        self._clock: Callable[[], datetime] = clock

    def _histories(self) -> Iterable[ItemHistory]:
        return (record.history for record in self._records())

    def _jira_export(self) -> JiraCsvAdapter | None:
        """The file read as a Jira export, if it is one (None for a history CSV or no file)."""
        if not self.path.exists():
            return None
        dialect = CsvDialect.sniff(self.path, encoding=self.encoding, delimiter=self.delimiter)
        if not Header(read_header(self.path, dialect)).positions(_JIRA_KEY):
            return None
        return JiraCsvAdapter(self.location, self.options)

    def _records(self) -> Iterable[ItemRecord]:
        jira = self._jira_export()
        if jira is not None:
            return jira._records()
        if not self.path.exists():
            return ()
        return read_history_records_csv(
            self.path, timezone=self.timezone, encoding=self.encoding, delimiter=self.delimiter
        )

    def _refuse_a_jira_export(self) -> None:
        if self._jira_export() is not None:
            raise UnsupportedChange(
                self.name,
                f"writing to {self.location!r}, a Jira export (its header has {_JIRA_KEY!r})",
                fix="a Jira export is read-only: sync it into a board (mirror:team.db or a "
                "history CSV) and make changes there",
            )

    # -- writing ---------------------------------------------------------------------------

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change and rewrite the file (see :meth:`write` for a batch)."""
        return self.write([change])[0]

    def write(self, changes: Iterable[AnyChange]) -> list[ChangeResult]:
        """Apply ``changes`` in order to the file's items, then rewrite the file once."""
        planned = list(changes)
        for change in planned:
            self.check_supports(change)
        if planned:
            self._refuse_a_jira_export()
        board = {record.key: record for record in self._records()}
        before = dict(board)
        now = ensure_utc(self._clock(), where="csv adapter clock")
        results = [self._apply(board, change, now) for change in planned]
        if board != before:
            write_history_csv(self.path, board.values())
        return results

    def _apply(
        self, board: dict[str, ItemRecord], change: AnyChange, now: datetime
    ) -> ChangeResult:
        try:
            match change:
                case CreateItem():
                    status = _create(board, change, now)
                case UpdateFields():
                    status = _update(board, change, self.url)
                case MoveStatus():
                    status = _move(board, change, now, self.url)
                case Rerank():
                    status = _rerank(board, change, self.url)
        except AgileMarketingError as error:
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        return ChangeResult(change, status)


def _item(board: Mapping[str, ItemRecord], key: str, where: str) -> ItemRecord:
    try:
        return board[key]
    except KeyError:
        raise NotFound(
            "item", key, where=where, fix="check the key; read the file to list items"
        ) from None


def _ordered(board: Mapping[str, ItemRecord]) -> list[ItemRecord]:
    return sorted(board.values(), key=lambda r: (r.history.rank or "", r.key))


def _last_rank(board: Mapping[str, ItemRecord]) -> str | None:
    ranks = [r.history.rank for r in board.values() if r.history.rank and is_rank(r.history.rank)]
    return max(ranks) if ranks else None


def _create(board: dict[str, ItemRecord], change: CreateItem, now: datetime) -> ChangeStatus:
    existing = board.get(change.key)
    if existing is not None:
        if change.satisfied_by(existing):
            return ChangeStatus.ALREADY_APPLIED
        raise ChangeConflict(
            change.key,
            expected="no item with this key",
            found=f"an item with other content ({existing.history.summary!r})",
            where=f"item {change.key}",
        )
    history = ItemHistory(
        key=change.key,
        summary=change.summary,
        type=change.type,
        status=change.status,
        created=now,
        points=change.points,
        labels=change.labels,
        transitions=(Transition(now, None, change.status),) if change.status else (),
        rank=rank_between(_last_rank(board), None),
    )
    board[change.key] = ItemRecord(history, fields=change.fields)
    return ChangeStatus.APPLIED


def _update(board: dict[str, ItemRecord], change: UpdateFields, where: str) -> ChangeStatus:
    record = _item(board, change.key, where)
    if change.satisfied_by(record):
        return ChangeStatus.ALREADY_APPLIED
    core: dict[str, Any] = {}
    extra = dict(record.fields)
    for name, value in change.values.items():
        if name in CORE_FIELDS:
            core[name] = value
        elif value is None:
            extra.pop(name, None)
        else:
            extra[name] = value
    history = attrs.evolve(record.history, **core)
    board[change.key] = attrs.evolve(record, history=history, fields=extra)
    return ChangeStatus.APPLIED


def _move(
    board: dict[str, ItemRecord], change: MoveStatus, now: datetime, where: str
) -> ChangeStatus:
    record = _item(board, change.key, where)
    if change.satisfied_by(record):
        return ChangeStatus.ALREADY_APPLIED
    history = record.history
    if change.from_status is not None and history.status != change.from_status:
        raise ChangeConflict(
            change.key,
            expected=f"status {change.from_status!r}",
            found=f"status {history.status!r}",
            where=f"{where}, item {change.key}",
        )
    transition = Transition(now, history.status or None, change.to_status)
    moved = attrs.evolve(
        history, status=change.to_status, transitions=(*history.transitions, transition)
    )
    board[change.key] = attrs.evolve(record, history=moved)
    return ChangeStatus.APPLIED


def _rerank(board: dict[str, ItemRecord], change: Rerank, where: str) -> ChangeStatus:
    record = _item(board, change.key, where)
    _item(board, change.neighbour, where)
    if change.satisfied_by_order([r.key for r in _ordered(board)]):
        return ChangeStatus.ALREADY_APPLIED
    others = [r for r in _ordered(board) if r.key != change.key]
    at = [r.key for r in others].index(change.neighbour) + (change.after is not None)
    low = others[at - 1].history.rank if at > 0 else None
    high = others[at].history.rank if at < len(others) else None
    for rank in (low, high):
        if rank is not None and not is_rank(rank):
            raise InvalidValue(
                "this file's ranks are not ranks the csv adapter can place items between",
                where=f"{where}, item {change.key}",
                fix="clear the rank column (items then rank in file order) and sync again",
                value=rank,
            )
    ranked = attrs.evolve(record.history, rank=rank_between(low, high))
    board[change.key] = attrs.evolve(record, history=ranked)
    return ChangeStatus.APPLIED
