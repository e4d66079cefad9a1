"""The :class:`FlowLog`: every item's path through the workflow, as numpy columns.

The columns are computed by :mod:`agilemarketing.flow.building`; this module holds the class,
its derived views, and :meth:`FlowLog.build`, which reads or converts the histories first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing._display import Summary, summary
from agilemarketing.extras import require_pandas
from agilemarketing.flow.building import flow_columns
from agilemarketing.flow.policy import FlowPolicy
from agilemarketing.flow.quality import DataQualityReport
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.historyio import CycleWindow, HistoryTable, read_history
from agilemarketing.historyio.plausible import (
    Window,
    implausible_items,
    plausible_window,
    within,
)
from agilemarketing.utc import ensure_utc
from agilemarketing.workflow import Workflow

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FlowLog"]

Times: TypeAlias = npt.NDArray[np.datetime64]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@attrs.frozen(eq=False, repr=False)
class FlowLog:
    """Columnar flow data for a set of items in one workflow; build it with :meth:`build`.

    Timestamps are UTC ``datetime64[us]``; ``NaT`` means "not (yet)". ``as_of`` is the moment
    the data describes (open stays end there when a duration is needed).
    """

    workflow: Workflow
    policy: FlowPolicy
    as_of: np.datetime64
    keys: npt.NDArray[np.str_]
    types: npt.NDArray[np.int32]
    type_names: tuple[str, ...]
    points: npt.NDArray[np.float64]
    created: Times
    start: Times
    done: Times
    abandoned: npt.NDArray[np.bool_]
    abandoned_at: Times
    current_stage: npt.NDArray[np.int16]
    seg_item: npt.NDArray[np.int32]
    seg_stage: npt.NDArray[np.int16]
    seg_enter: Times
    seg_leave: Times
    first_entry: Times
    label_item: npt.NDArray[np.int32]
    label_code: npt.NDArray[np.int32]
    label_names: tuple[str, ...]
    sprint_item: npt.NDArray[np.int32]
    sprint_code: npt.NDArray[np.int32]
    sprint_names: tuple[str, ...]
    blk_item: npt.NDArray[np.int32]
    blk_from: Times
    blk_to: Times
    cyc_item: npt.NDArray[np.int32]
    cyc_code: npt.NDArray[np.int32]
    cyc_joined: Times
    cyc_left: Times
    cycle_names: tuple[str, ...]
    cycles: tuple[CycleWindow, ...]
    quality: DataQualityReport

    # -- derived views ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return (
            f"<FlowLog {len(self)} items, {self.n_segments} stays, "
            f"{int(self.is_done.sum())} done, as of {str(self.as_of)[:19]}Z>"
        )

    @property
    def n_segments(self) -> int:
        """How many stage stays the log holds."""
        return len(self.seg_item)

    @property
    def nbytes(self) -> int:
        """Bytes held by the log's numpy arrays."""
        fields = attrs.asdict(self, recurse=False).values()
        return sum(int(v.nbytes) for v in fields if isinstance(v, np.ndarray))

    @property
    def is_done(self) -> npt.NDArray[np.bool_]:
        """Items that finished (abandoned items never do)."""
        return ~np.isnat(self.done)

    @property
    def has_cycle_time(self) -> npt.NDArray[np.bool_]:
        """Done items with a known start: the ones cycle time is measured on."""
        return self.is_done & ~np.isnat(self.start)

    @property
    def in_progress(self) -> npt.NDArray[np.bool_]:
        """Items started and, at ``as_of``, in an in-progress stage (not moved back to a to-do
        stage, not done, not abandoned)."""
        stage = self.current_stage
        return ~np.isnat(self.start) & (stage >= self.start_index) & (stage < self.done_index)

    @property
    def start_index(self) -> int:
        """Index of the stage where cycle time starts."""
        return self.workflow.index_of(str(self.workflow.start))

    @property
    def done_index(self) -> int:
        """Index of the stage where cycle time ends (later stages are done too)."""
        return self.workflow.index_of(str(self.workflow.done))

    @property
    def stage_names(self) -> tuple[str, ...]:
        """Stage names in board order."""
        return self.workflow.names

    def as_of_datetime(self) -> datetime:
        """``as_of`` as an aware datetime."""
        return _EPOCH + timedelta(microseconds=int(self.as_of.astype(np.int64)))

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        histories: HistoryTable | str | os.PathLike[str] | Iterable[ItemHistory],
        workflow: Workflow,
        *,
        policy: FlowPolicy | None = None,
        as_of: datetime | str | None = None,
    ) -> FlowLog:
        """Build the log from histories and a workflow, applying ``policy``.

        Args:
            histories: a :class:`~agilemarketing.historyio.HistoryTable`, a path to history
                JSON Lines, or :class:`~agilemarketing.history.ItemHistory` objects.
            workflow: maps statuses to stages and says where cycle time starts and ends.
            policy: clean-up rules (default :class:`FlowPolicy`).
            as_of: the moment the data describes (for ageing and open stays); default the
                latest timestamp in the data. An earlier moment rewinds the histories to it
                (:meth:`~agilemarketing.historyio.HistoryTable.until`): the board as it was.
        """
        if isinstance(histories, HistoryTable):
            table = histories
        elif isinstance(histories, str | os.PathLike):
            table = read_history(histories)
        else:
            table = HistoryTable.from_histories(histories)
        if as_of is not None:
            cut = np.datetime64(ensure_utc(as_of).replace(tzinfo=None), "us")
            later = [table.tr_at, table.created, table.blk_from, table.cyc_joined]
            if any(bool((column > cut).any()) for column in later):
                table = table.until(as_of)
        table, implausible = _plausible(table, as_of)
        log = cls._assemble(table, workflow, policy or FlowPolicy(), as_of)
        if implausible.size:
            log = attrs.evolve(log, quality=log.quality.with_issue("implausible_date", implausible))
        return log

    @classmethod
    def _assemble(
        cls, t: HistoryTable, wf: Workflow, policy: FlowPolicy, as_of: datetime | str | None
    ) -> FlowLog:
        """The log of ``t``: the columns :func:`flow_columns` computes, and the table's own."""
        built = flow_columns(t, wf, policy, as_of)
        return cls(
            workflow=wf,
            policy=policy,
            as_of=built.as_of,
            keys=t.keys,
            types=t.types,
            type_names=t.type_names,
            points=t.points,
            created=t.created,
            start=built.start,
            done=built.done,
            abandoned=built.abandoned,
            abandoned_at=built.abandoned_at,
            current_stage=built.current_stage,
            seg_item=built.seg_item,
            seg_stage=built.seg_stage,
            seg_enter=built.seg_enter,
            seg_leave=built.seg_leave,
            first_entry=built.first_entry,
            label_item=t.label_item,
            label_code=t.label_code,
            label_names=t.label_names,
            sprint_item=t.sprint_item,
            sprint_code=t.sprint_code,
            sprint_names=t.sprint_names,
            blk_item=t.blk_item,
            blk_from=t.blk_from,
            blk_to=t.blk_to,
            cyc_item=t.cyc_item,
            cyc_code=t.cyc_code,
            cyc_joined=t.cyc_joined,
            cyc_left=t.cyc_left,
            cycle_names=t.cycle_names,
            cycles=t.cycles,
            quality=built.quality,
        )

    @classmethod
    def example(cls) -> FlowLog:
        """A three-item flow log to try the metrics on (the docs' examples use it).

        A: Doing Jan 5, Review Jan 6, Done Jan 7; B: Doing Jan 5, blocked for a day, Done Jan 12;
        C: Doing Jan 8, still in progress at ``as_of`` (Jan 12 2026, 18:00 UTC). Review is a
        waiting stage; Doing has a WIP limit of 1.

        >>> FlowLog.example()
        <FlowLog 3 items, 9 stays, 2 done, as of 2026-01-12T18:00:00Z>
        """
        wf = Workflow.from_shorthand(
            "To Do,Doing,Review,Done", waiting=["Review"], wip={"Doing": 1}
        )

        def item(
            key: str, *moves: tuple[str, str], blocked: tuple[BlockedPeriod, ...] = ()
        ) -> ItemHistory:
            steps, previous = [], "To Do"
            for at, status in moves:
                steps.append(Transition(f"2026-01-{at}Z", previous, status))
                previous = status
            return ItemHistory(
                key,
                type="Email",
                status=previous,
                created="2026-01-05T08:00Z",
                transitions=steps,
                blocked=blocked,
                points=3,
            )

        return cls.build(
            [
                item("A", ("05T09:00", "Doing"), ("06T09:00", "Review"), ("07T17:00", "Done")),
                item(
                    "B",
                    ("05T09:00", "Doing"),
                    ("12T17:00", "Done"),
                    blocked=(BlockedPeriod("2026-01-06T09:00Z", "2026-01-07T09:00Z"),),
                ),
                item("C", ("08T09:00", "Doing")),
            ],
            wf,
            as_of="2026-01-12T18:00Z",
        )

    def _summary(self) -> Summary:
        names = np.array([*self.stage_names, "(outside the workflow)"], dtype=object)
        counts = np.bincount(
            np.where(self.abandoned, len(self.stage_names), self.current_stage),
            minlength=len(names),
        )
        return summary(
            "FlowLog",
            [
                f"{len(self):,} items",
                f"{int(self.is_done.sum()):,} done",
                f"{int(self.in_progress.sum()):,} in progress",
                f"as of {str(self.as_of)[:16].replace('T', ' ')} UTC",
            ],
            ["stage", "items now"],
            ((names[k], counts[k]) for k in range(len(names)) if counts[k] or k < len(names) - 1),
            total=len(names),
        )

    def _repr_html_(self) -> str:
        return self._summary().html()

    def to_pandas(self) -> pd.DataFrame:
        """One row per item: ``key``, ``type``, ``points``, ``created``, ``start``, ``done``,
        ``abandoned`` and the current ``stage`` (empty outside the workflow).

        Needs pandas (``pip install "agilemarketing[pandas]"``).

        >>> FlowLog.example().to_pandas()[["key", "stage"]].values.tolist()  # doctest: +SKIP
        [['A', 'Done'], ['B', 'Done'], ['C', 'Doing']]
        """
        require_pandas()
        import pandas as pd

        names = np.array([*self.stage_names, ""], dtype=object)
        stage = np.where(
            (self.current_stage >= 0) & (self.current_stage < len(self.stage_names)),
            self.current_stage,
            len(self.stage_names),
        )
        types = np.array([*self.type_names, ""], dtype=object)
        return pd.DataFrame(
            {
                "key": self.keys,
                "type": types[np.where(self.types < len(self.type_names), self.types, -1)],
                "points": self.points,
                "created": self.created.astype("datetime64[ns]"),
                "start": self.start.astype("datetime64[ns]"),
                "done": self.done.astype("datetime64[ns]"),
                "abandoned": self.abandoned,
                "stage": names[stage],
            }
        )


def _plausible(
    table: HistoryTable, as_of: datetime | str | None
) -> tuple[HistoryTable, npt.NDArray[np.str_]]:
    """The table without its implausible dates, and the keys of the items that had one.

    A given ``as_of`` is never implausible: the window then reaches at least to it.
    """
    window = plausible_window(table)
    rows = implausible_items(table, window)
    if window is None or not rows.size:
        return table, np.empty(0, dtype=np.str_)
    if as_of is not None:
        cut = np.datetime64(ensure_utc(as_of).replace(tzinfo=None), "us")
        window = Window(window.start, max(window.end, cut))
        rows = implausible_items(table, window)
        if not rows.size:
            return table, np.empty(0, dtype=np.str_)
    return within(table, window), table.keys[rows]
