"""The history table: item histories as numpy columns, and what can be done with them.

:class:`HistoryTable` is what :func:`~agilemarketing.historyio.read_history` returns and what
:class:`agilemarketing.flow.FlowLog` is built from. Its methods build one from objects, join
several, rewind one to an earlier moment, turn one back into objects, or write it out; the work
is done in the sibling modules (:mod:`~agilemarketing.historyio.objects`,
:mod:`~agilemarketing.historyio.builder`, :mod:`~agilemarketing.historyio.rewind`,
:mod:`~agilemarketing.historyio.writing`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO

import attrs

from agilemarketing.history import ItemHistory
from agilemarketing.historyio.builder import TableBuilder
from agilemarketing.historyio.columns import CycleWindow, HistoryColumns
from agilemarketing.historyio.objects import columns_from_histories, histories_of
from agilemarketing.historyio.rewind import rewind
from agilemarketing.historyio.writing import write_history

__all__ = ["HistoryTable"]


@attrs.frozen(eq=False, repr=False)
class HistoryTable(HistoryColumns):
    """Item histories as numpy columns (one row per item, transition, blocked period...).

    Item columns: ``keys``, ``summaries``, ``types`` (codes into ``type_names``), ``statuses``
    (codes into ``status_names``: the item's current status), ``created``, ``resolved``,
    ``points`` (NaN when unsized), ``ranks``. Transition columns (``tr_*``): ``tr_item`` (row of
    the item), ``tr_at``, ``tr_from`` (status code, -1 for none), ``tr_to``, ``tr_observed``.
    Labels and sprints are (item, code) pairs; blocked periods are ``blk_item``, ``blk_from``,
    ``blk_to`` (NaT while still blocked); cycle memberships are ``cyc_item``, ``cyc_code``
    (into ``cycle_names``), ``cyc_joined``, ``cyc_left``. ``cycles`` holds the cycle windows
    defined in the file. Timestamps are UTC ``datetime64[us]``, ``NaT`` when missing. Rows
    appear in input order: cleaning up (sorting, duplicates) is the flow log's job.

    >>> from agilemarketing.history import ItemHistory
    >>> t = HistoryTable.from_histories([ItemHistory("A-1", labels=["q2"], points=3)])
    >>> t.keys.tolist(), t.label_names, float(t.points[0])
    (['A-1'], ('q2',), 3.0)
    """

    def __repr__(self) -> str:
        return (
            f"<HistoryTable {len(self)} items, {self.n_transitions} transitions, "
            f"{len(self.status_names)} statuses, {len(self.cycles)} cycles>"
        )

    @property
    def n_transitions(self) -> int:
        """How many transitions the table holds.

        >>> HistoryTable.from_histories([]).n_transitions
        0
        """
        return len(self.tr_item)

    @property
    def nbytes(self) -> int:
        """Bytes held by the numpy columns.

        >>> HistoryTable.from_histories([]).nbytes
        0
        """
        return sum(
            v.nbytes for v in attrs.asdict(self, recurse=False).values() if hasattr(v, "nbytes")
        )

    @classmethod
    def from_histories(
        cls, histories: Iterable[ItemHistory], *, cycles: Iterable[CycleWindow] = ()
    ) -> HistoryTable:
        """Columns from in-memory :class:`~agilemarketing.history.ItemHistory` objects.

        This is how adapters' output reaches the metrics engine.

        >>> HistoryTable.from_histories([ItemHistory("A-1")]).keys.tolist()
        ['A-1']
        """
        return columns_from_histories(cls, histories, cycles)

    @classmethod
    def concat(cls, tables: Sequence[HistoryTable]) -> HistoryTable:
        """One table from several (codes are re-mapped into shared name lists).

        >>> a = HistoryTable.from_histories([ItemHistory("A", status="Doing")])
        >>> b = HistoryTable.from_histories([ItemHistory("B", status="Done")])
        >>> HistoryTable.concat([a, b]).status_names
        ('Doing', 'Done')
        """
        if len(tables) == 1:
            return tables[0]
        b = TableBuilder()
        for t in tables:
            b.add_table(t)
        return b.build(cls)

    def histories(self) -> Iterator[ItemHistory]:
        """Yield each row as an :class:`~agilemarketing.history.ItemHistory` (the object path:
        slower than the columns, for adapters and tools that want objects).

        Cycle memberships are not part of ``ItemHistory`` and are left out.

        >>> t = HistoryTable.from_histories([ItemHistory("A-1", points=2)])
        >>> next(t.histories()).points
        2.0
        """
        return histories_of(self)

    def until(self, moment: datetime | str) -> HistoryTable:
        """The histories as they stood at ``moment``: later events are dropped.

        Items created after it disappear; transitions, blocked periods and cycle memberships
        after it are dropped (a period or membership still running then is open again); each
        item's ``status`` becomes the one it had then; cycles starting later are dropped.

        >>> from agilemarketing.history import ItemHistory, Transition
        >>> t = HistoryTable.from_histories([
        ...     ItemHistory("A", status="Done", created="2026-01-01T09:00Z", transitions=[
        ...         Transition("2026-01-02T09:00Z", "To Do", "Doing"),
        ...         Transition("2026-01-05T09:00Z", "Doing", "Done")]),
        ...     ItemHistory("B", status="To Do", created="2026-01-04T09:00Z")])
        >>> then = t.until("2026-01-03T00:00Z")
        >>> then.keys.tolist(), then.n_transitions, then.status_names[then.statuses[0]]
        (['A'], 1, 'Doing')
        """
        return rewind(self, moment)

    def to_jsonl(self, dest: str | os.PathLike[str] | IO[str]) -> None:
        """Write the table as history JSON Lines (see :func:`write_history`).

        >>> import io
        >>> out = io.StringIO()
        >>> HistoryTable.from_histories([ItemHistory("A-1")]).to_jsonl(out)
        >>> out.getvalue()
        '{"key":"A-1","summary":"","type":"","status":""}\\n'
        """
        write_history(self, dest)
