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
cursor is the file's modification stamp; ``current_cursor()`` is a hash of its bytes (a sync
whose source and target are both unchanged since its last clean run reads neither). Options
(``options={...}`` or on a command line):
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
import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import attrs

from agilemarketing.adapter import (
    Adapter,
    AnyChange,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    Cursor,
    HistoryFidelity,
    ItemRecord,
    ReadResult,
    apply_change,
    is_rank,
    rank_between,
)
from agilemarketing.adapter.locking import file_lock
from agilemarketing.errors import AgileMarketingError, InvalidValue, UnsupportedChange
from agilemarketing.history import ItemHistory
from agilemarketing.utc import ensure_utc, utcnow
from agilemarketing_csv.dialect import CsvDialect
from agilemarketing_csv.errors import CsvFileError
from agilemarketing_csv.history import read_history_records_csv, write_history_csv
from agilemarketing_csv.mapping import ColumnMapping, read_records_csv
from agilemarketing_csv.records import Header, read_header
from agilemarketing_csv.writing import remove_leftovers

__all__ = ["CsvAdapter", "JiraCsvAdapter"]


#: The column that marks a file as a Jira export.
_JIRA_KEY = "Issue key"


def _cursor(path: Path) -> Cursor:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return Cursor("missing")
    return Cursor(f"{stat.st_mtime_ns}:{stat.st_size}")


def _content_cursor(name: str, path: Path, options: Mapping[str, object]) -> Cursor | None:
    """A hash of the file's bytes and of the options it is read with (a missing file too)."""
    digest = hashlib.blake2b(digest_size=20)
    shown = sorted((k, str(v)) for k, v in options.items() if k != "clock")  # clock: writes
    digest.update(repr((name, shown)).encode())
    try:
        with path.open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return Cursor(f"missing:{digest.hexdigest()}")
    except OSError:  # a folder, no permission: a sync reads it (and says what is wrong)
        return None
    return Cursor(f"blake2b:{digest.hexdigest()}")


class _CsvFile(Adapter):
    """What both CSV adapters share: the file, its reading options, full reads."""

    # Both take every option: csv: hands a Jira export to jira-csv with its own options.
    known_options: ClassVar[frozenset[str] | None] = frozenset(
        {"timezone", "encoding", "delimiter", "decimal", "fields", "clock"}
    )

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

    @property
    def identity(self) -> str:
        """The file's resolved absolute path: ``csv:e1.csv`` named from one folder and
        ``csv:../e1.csv`` from another are one board in a mirror."""
        return self.file_identity()

    def check_readable(self) -> None:
        """A sync's source must exist: a missing file is an error, not an empty board."""
        if not self.path.is_file():
            what = "is a folder" if self.path.is_dir() else "does not exist"
            raise CsvFileError(
                f"{self.location} {what}",
                file=self.location,
                reason="io",
                fix="check the path (it is read from the folder the command runs in); a sync "
                "creates a CSV file only as a target",
            )

    @abc.abstractmethod
    def _histories(self) -> Iterable[ItemHistory]:
        """The file's items, in file order."""

    def _records(self) -> Iterable[ItemRecord]:
        return (ItemRecord(h) for h in self._histories())

    def current_cursor(self) -> Cursor | None:
        """A hash of the file's bytes and of the reading options (see
        :meth:`~agilemarketing.adapter.Adapter.current_cursor`): any edit of the file changes
        it, whatever its size and modification time say. Hashing costs a read of the bytes,
        far less than parsing them (about 20 ms for a 13 MB file)."""
        return _content_cursor(self.name, self.path, self.options)

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
            unique_keys=True,  # a key twice is an error naming both rows, never merged
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
        read=True,
        incremental_read=False,
        write=True,
        rank=True,
        history=HistoryFidelity.EXACT,
        carries_history=True,
    )
    rewrites_whole_target: ClassVar[bool] = True  # a sync sends all its changes in one write

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

    def check_writable(self) -> None:
        """A history CSV (or a file not there yet) can be written; a Jira export cannot."""
        if self._jira_export() is not None:
            raise UnsupportedChange(
                self.name,
                f"writing to {self.location!r}, a Jira export (its header has {_JIRA_KEY!r})",
                fix="a Jira export is read-only: sync it into a board (mirror:team.db or a "
                "history CSV) and make changes there",
            )

    @contextlib.contextmanager
    def lock(self, wait: float = 0.0) -> Iterator[None]:
        """Hold the file's lock (``<file>.lock`` beside it) so no other sync writes it meanwhile;
        every :meth:`write` takes it too, so two writers never interleave a read and a rewrite.
        Once held, the temporary files a killed write left beside the file are removed
        (:func:`~agilemarketing_csv.writing.remove_leftovers`), whether or not a write follows."""
        with file_lock(self.path, wait=wait, shown=self.location):
            remove_leftovers(self.path)
            yield

    # --- writing ----------------------------------------------------------------------------------

    def apply(self, change: AnyChange) -> ChangeResult:
        """Apply one change and rewrite the file (see :meth:`write` for a batch)."""
        return self.write([change])[0]

    def write(self, changes: Iterable[AnyChange]) -> list[ChangeResult]:
        """Apply ``changes`` in order to the file's items, then rewrite the file once."""
        planned = list(changes)
        for change in planned:
            self.check_supports(change)
        if planned:
            self.check_writable()
        with self.lock():
            return self._write_locked(planned)

    def _write_locked(self, planned: list[AnyChange]) -> list[ChangeResult]:
        board = {record.key: record for record in self._records()}
        before = dict(board)
        now = ensure_utc(self._clock(), where="csv adapter clock")
        tail = _Tail(board.values())
        results = [self._apply(board, change, now, tail) for change in planned]
        if board != before:
            # In the encoding and delimiter the adapter reads with, so it can read it back.
            write_history_csv(
                self.path,
                board.values(),
                delimiter=self.delimiter or ",",
                encoding=self.encoding or "utf-8",
            )
        return results

    def _apply(
        self, board: dict[str, ItemRecord], change: AnyChange, now: datetime, tail: _Tail
    ) -> ChangeResult:
        try:
            record = apply_change(change, board, now=now, where=self.url, new_rank=tail.next)
        except AgileMarketingError as error:
            return ChangeResult(change, ChangeStatus.FAILED, error=error)
        if record is None:
            return ChangeResult(change, ChangeStatus.ALREADY_APPLIED)
        board[record.key] = record
        tail.saw(record)
        return ChangeResult(change, ChangeStatus.APPLIED)


class _Tail:
    """The greatest rank on a board as a write changes it, so a created item is ranked at the
    bottom without a scan of the board per create (what makes a large export quadratic)."""

    def __init__(self, records: Iterable[ItemRecord]) -> None:
        self.last: str | None = None
        for record in records:
            self.saw(record)

    def saw(self, record: ItemRecord) -> None:
        rank = record.history.rank
        if rank and is_rank(rank) and (self.last is None or rank > self.last):
            self.last = rank

    def next(self) -> str:
        return rank_between(self.last, None)
