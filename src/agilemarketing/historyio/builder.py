"""Building a history table from chunks: the reader's blocks, or whole tables to concatenate.

>>> from agilemarketing.history import ItemHistory
>>> from agilemarketing.historyio import HistoryTable
>>> b = TableBuilder()
>>> b.add_table(HistoryTable.from_histories([ItemHistory("A", status="Doing")]))
>>> b.add_table(HistoryTable.from_histories([ItemHistory("B", status="Done")]))
>>> b.build(HistoryTable).status_names
('Doing', 'Done')
"""

from __future__ import annotations

from typing import TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing.historyio.columns import CycleWindow, HistoryColumns, Ints, recode
from agilemarketing.historyio.timestamps import Times

__all__ = ["TableBuilder"]

T = TypeVar("T", bound=HistoryColumns)


@attrs.define
class TableBuilder:
    """Accumulates column chunks, then concatenates them once (:meth:`build`).

    Each column is a list of chunks (keys, summaries and ranks: plain values); names get their
    codes as they are met (the ``*_codes`` dicts, in first-seen order).
    """

    keys: list[str] = attrs.Factory(list)
    key_columns: list[npt.NDArray[np.str_]] = attrs.Factory(list)  # whole tables' keys
    summaries: list[str] = attrs.Factory(list)
    types: list[Ints] = attrs.Factory(list)
    type_codes: dict[str, int] = attrs.Factory(dict)
    statuses: list[Ints] = attrs.Factory(list)
    status_codes: dict[str, int] = attrs.Factory(dict)
    created: list[Times] = attrs.Factory(list)
    resolved: list[Times] = attrs.Factory(list)
    points: list[npt.NDArray[np.float64]] = attrs.Factory(list)
    ranks: list[str | None] = attrs.Factory(list)
    tr_item: list[Ints] = attrs.Factory(list)
    tr_at: list[Times] = attrs.Factory(list)
    tr_from: list[Ints] = attrs.Factory(list)
    tr_to: list[Ints] = attrs.Factory(list)
    tr_observed: list[npt.NDArray[np.bool_]] = attrs.Factory(list)
    label_item: list[Ints] = attrs.Factory(list)
    label_code: list[Ints] = attrs.Factory(list)
    label_codes: dict[str, int] = attrs.Factory(dict)
    sprint_item: list[Ints] = attrs.Factory(list)
    sprint_code: list[Ints] = attrs.Factory(list)
    sprint_codes: dict[str, int] = attrs.Factory(dict)
    blk_item: list[Ints] = attrs.Factory(list)
    blk_from: list[Times] = attrs.Factory(list)
    blk_to: list[Times] = attrs.Factory(list)
    cyc_item: list[Ints] = attrs.Factory(list)
    cyc_code: list[Ints] = attrs.Factory(list)
    cyc_joined: list[Times] = attrs.Factory(list)
    cyc_left: list[Times] = attrs.Factory(list)
    cycle_codes: dict[str, int] = attrs.Factory(dict)
    cycles: list[CycleWindow] = attrs.Factory(list)

    def add_table(self, t: HistoryColumns) -> None:
        """Append the rows of ``t`` (its codes are re-mapped into this builder's names)."""
        base = len(self.keys) + sum(map(len, self.key_columns))
        if self.keys:  # keys met one by one come first: keep the order
            self.keys.extend(t.keys.tolist())
        else:
            self.key_columns.append(t.keys)
        self.summaries.extend(t.summaries)
        self.ranks.extend(t.ranks)
        self.types.append(recode(self.type_codes, t.type_names, t.types))
        self.statuses.append(recode(self.status_codes, t.status_names, t.statuses))
        self.created.append(t.created)
        self.resolved.append(t.resolved)
        self.points.append(t.points)
        self.tr_item.append(t.tr_item + base)
        self.tr_at.append(t.tr_at)
        self.tr_from.append(recode(self.status_codes, t.status_names, t.tr_from))
        self.tr_to.append(recode(self.status_codes, t.status_names, t.tr_to))
        self.tr_observed.append(t.tr_observed)
        self.label_item.append(t.label_item + base)
        self.label_code.append(recode(self.label_codes, t.label_names, t.label_code))
        self.sprint_item.append(t.sprint_item + base)
        self.sprint_code.append(recode(self.sprint_codes, t.sprint_names, t.sprint_code))
        self.blk_item.append(t.blk_item + base)
        self.blk_from.append(t.blk_from)
        self.blk_to.append(t.blk_to)
        self.cyc_item.append(t.cyc_item + base)
        self.cyc_code.append(recode(self.cycle_codes, t.cycle_names, t.cyc_code))
        self.cyc_joined.append(t.cyc_joined)
        self.cyc_left.append(t.cyc_left)
        self.cycles.extend(t.cycles)

    def build(self, cls: type[T]) -> T:
        """The table of everything added, as an instance of ``cls``."""

        def cat_i(parts: list[Ints]) -> Ints:
            if not parts:
                return np.empty(0, np.int32)
            return np.concatenate(parts).astype(np.int32, copy=False)

        def cat_t(parts: list[Times]) -> Times:
            if not parts:
                return np.empty(0, "datetime64[us]")
            return np.concatenate(parts).astype("datetime64[us]", copy=False)

        def names(codes: dict[str, int]) -> tuple[str, ...]:
            return tuple(codes)

        return cls(
            keys=(
                np.concatenate(self.key_columns).astype(np.str_, copy=False)
                if self.key_columns
                else np.array(self.keys, dtype=np.str_)
            ),
            summaries=tuple(self.summaries),
            types=cat_i(self.types),
            type_names=names(self.type_codes),
            statuses=cat_i(self.statuses),
            status_names=names(self.status_codes),
            created=cat_t(self.created),
            resolved=cat_t(self.resolved),
            points=np.concatenate(self.points) if self.points else np.empty(0),
            ranks=tuple(self.ranks),
            tr_item=cat_i(self.tr_item),
            tr_at=cat_t(self.tr_at),
            tr_from=cat_i(self.tr_from),
            tr_to=cat_i(self.tr_to),
            tr_observed=(
                np.concatenate(self.tr_observed) if self.tr_observed else np.empty(0, bool)
            ),
            label_item=cat_i(self.label_item),
            label_code=cat_i(self.label_code),
            label_names=names(self.label_codes),
            sprint_item=cat_i(self.sprint_item),
            sprint_code=cat_i(self.sprint_code),
            sprint_names=names(self.sprint_codes),
            blk_item=cat_i(self.blk_item),
            blk_from=cat_t(self.blk_from),
            blk_to=cat_t(self.blk_to),
            cyc_item=cat_i(self.cyc_item),
            cyc_code=cat_i(self.cyc_code),
            cyc_joined=cat_t(self.cyc_joined),
            cyc_left=cat_t(self.cyc_left),
            cycle_names=names(self.cycle_codes),
            cycles=tuple(self.cycles),
        )
