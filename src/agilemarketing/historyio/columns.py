"""The data of a history table: its numpy columns, the cycle windows, and name codes.

:class:`HistoryColumns` declares the columns (documented on
:class:`~agilemarketing.historyio.HistoryTable`, which adds the methods); the reader, the writer,
the converters from and to :class:`~agilemarketing.history.ItemHistory` objects and the rewind
all work on these columns. Names (statuses, types, labels, sprints, cycles) are stored as
``int32`` codes into a tuple of names; :func:`intern_codes` and :func:`recode` make the codes.

>>> codes: dict[str, int] = {}
>>> intern_codes(codes, ["Doing", "Done", "Doing"]).tolist(), codes
([0, 1, 0], {'Doing': 0, 'Done': 1})
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing.errors import InvalidValue
from agilemarketing.historyio.timestamps import Times
from agilemarketing.utc import ensure_utc

__all__ = ["CycleWindow", "HistoryColumns", "Ints", "intern_codes", "recode", "rows_by_item"]

Ints: TypeAlias = npt.NDArray[np.int32]


def _moment(value: datetime | str) -> datetime:
    return ensure_utc(value)


@attrs.frozen
class CycleWindow:
    """A launch cycle (sprint) as the metrics engine needs it: a name and its timebox.

    >>> from datetime import datetime, UTC
    >>> w = CycleWindow("C1", datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 19, tzinfo=UTC))
    >>> w.name, (w.end - w.start).days
    ('C1', 14)
    """

    name: str
    start: datetime = attrs.field(converter=_moment)
    end: datetime = attrs.field(converter=_moment)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidValue(
                f"cycle {self.name!r} ends before it starts",
                where=f"cycle {self.name}",
                fix="give an end after the start",
            )


@attrs.frozen(eq=False, repr=False)
class HistoryColumns:
    """The columns of a :class:`~agilemarketing.historyio.HistoryTable`, without its methods.

    What every part of :mod:`agilemarketing.historyio` builds and reads; the public class is
    ``HistoryTable``, which documents each column.
    """

    keys: npt.NDArray[np.str_]
    summaries: tuple[str, ...]
    types: Ints
    type_names: tuple[str, ...]
    statuses: Ints
    status_names: tuple[str, ...]
    created: Times
    resolved: Times
    points: npt.NDArray[np.float64]
    ranks: tuple[str | None, ...]
    tr_item: Ints
    tr_at: Times
    tr_from: Ints
    tr_to: Ints
    tr_observed: npt.NDArray[np.bool_]
    label_item: Ints
    label_code: Ints
    label_names: tuple[str, ...]
    sprint_item: Ints
    sprint_code: Ints
    sprint_names: tuple[str, ...]
    blk_item: Ints
    blk_from: Times
    blk_to: Times
    cyc_item: Ints
    cyc_code: Ints
    cyc_joined: Times
    cyc_left: Times
    cycle_names: tuple[str, ...]
    cycles: tuple[CycleWindow, ...] = ()

    def __len__(self) -> int:
        return len(self.keys)


def intern_codes(codes: dict[str, int], values: Sequence[str]) -> Ints:
    """Codes of ``values`` in ``codes`` (new names are appended, first seen first)."""
    for name in dict.fromkeys(values):
        codes.setdefault(name, len(codes))
    return np.fromiter(map(codes.__getitem__, values), dtype=np.int32, count=len(values))


def recode(codes: dict[str, int], names: Sequence[str], values: Ints) -> Ints:
    """Codes into ``names`` as codes into ``codes`` (names new to ``codes`` are appended).

    >>> recode({"Done": 0}, ("Doing", "Done"), np.array([1, 0, -1], np.int32)).tolist()
    [0, 1, -1]
    """
    mapping = np.array([codes.setdefault(n, len(codes)) for n in names] + [-1], dtype=np.int32)
    if (mapping[:-1] == np.arange(len(names))).all():
        return values  # the same codes
    return mapping[values]  # -1 indexes the trailing -1: "no status" stays -1


def rows_by_item(item: Ints, n: int) -> list[npt.NDArray[np.intp]]:
    """Row positions per item (``item`` holds each row's item, ``n`` items), in input order.

    >>> [rows.tolist() for rows in rows_by_item(np.array([1, 0, 1], np.int32), 3)]
    [[1], [0, 2], []]
    """
    order = np.argsort(item, kind="stable")
    bounds = np.searchsorted(item[order], np.arange(n + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(n)]
