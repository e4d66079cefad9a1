"""Per launch cycle: what was committed and completed (predictability), the unplanned share,
and velocity.

>>> from agilemarketing.flow import FlowLog
>>> cycle_report(FlowLog.example()).names  # the example has no cycles
()
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from agilemarketing import charts
from agilemarketing._display import Summary, summary
from agilemarketing.extras import require_pandas
from agilemarketing.flow import NEVER, FlowLog
from agilemarketing.metrics.arrays import (
    BoolArray,
    DateArray,
    FloatArray,
    IntArray,
    as_us,
    json_number,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CyclePredictability", "cycle_report"]


@attrs.frozen(eq=False)
class CyclePredictability:
    """Per launch cycle: committed vs completed (predictability), unplanned share, velocity.

    ``committed``: items in the cycle when it started (within ``grace``); ``completed``: of
    those, finished before the cycle ended; ``unplanned``: items added after the start;
    ``done``/``velocity``: items/points of the cycle's members finished inside it. Without
    cycle windows, only ``done``/``velocity`` are known (per sprint name, from each finished
    item's last sprint) and the others are -1.

    ``ended``: whether the cycle had ended by the log's ``as_of`` (its end at or before it, the
    same rule as :func:`agilemarketing.planning.cycle_from_history`); a cycle still running
    (``running``) is shown apart and never averaged into :attr:`mean_predictability`. Without
    cycle windows every sprint counts as ended.

    Formerly ``CycleReport`` (still importable under that name from
    :mod:`agilemarketing.metrics`); not to be confused with
    :class:`agilemarketing.cycles.CycleReport`, a launch cycle's review.

    >>> cycle_report(FlowLog.example()).names
    ()
    """

    names: tuple[str, ...]
    start: DateArray
    end: DateArray
    committed: IntArray
    completed: IntArray
    unplanned: IntArray
    done: IntArray
    velocity: FloatArray
    ended: BoolArray
    as_of: np.datetime64 = attrs.field(default=np.datetime64("NaT", "us"), kw_only=True)

    @property
    def running(self) -> BoolArray:
        """Cycles started but not yet ended by the log's ``as_of`` (at most one on a cadence)."""
        return ~self.ended & ~np.isnat(self.start) & (self.start <= self.as_of)

    @property
    def planned(self) -> BoolArray:
        """Cycles that start after the log's ``as_of``: planned ahead (a board's future
        sprints), neither ended nor running; what they hold is a plan, not a result."""
        return ~self.ended & ~np.isnat(self.start) & (self.start > self.as_of)

    @property
    def mean_predictability(self) -> float:
        """Mean predictability of the ended cycles that had commitments (NaN when none)."""
        ended = self.predictability[self.ended]
        ended = ended[np.isfinite(ended)]
        return float(ended.mean()) if ended.size else float("nan")

    @property
    def predictability(self) -> FloatArray:
        """Completed / committed per cycle (NaN when nothing was committed)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.committed > 0, self.completed / self.committed, np.nan)

    @property
    def unplanned_share(self) -> FloatArray:
        """Unplanned / (committed + unplanned) per cycle."""
        total = self.committed + self.unplanned
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, self.unplanned / total, np.nan)

    def to_dict(self) -> dict[str, Any]:
        """One entry per cycle, see docs/metrics.md."""
        rows = []
        for k, name in enumerate(self.names):
            rows.append(
                {
                    "name": name,
                    "start": None if np.isnat(self.start[k]) else str(self.start[k]) + "Z",
                    "end": None if np.isnat(self.end[k]) else str(self.end[k]) + "Z",
                    "committed": int(self.committed[k]),
                    "completed": int(self.completed[k]),
                    "unplanned": int(self.unplanned[k]),
                    "done": int(self.done[k]),
                    "velocity": json_number(self.velocity[k]),
                    "predictability": json_number(self.predictability[k]),
                    "unplanned_share": json_number(self.unplanned_share[k]),
                    "running": bool(self.running[k]),
                    "ended": bool(self.ended[k]),
                    "planned": bool(self.planned[k]),
                }
            )
        return {"cycles": rows, "mean_predictability": json_number(self.mean_predictability)}

    def to_pandas(self) -> pd.DataFrame:
        """One row per cycle."""
        require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "cycle": list(self.names),
                "start": self.start.astype("datetime64[ns]"),
                "end": self.end.astype("datetime64[ns]"),
                "committed": self.committed,
                "completed": self.completed,
                "unplanned": self.unplanned,
                "done": self.done,
                "velocity": self.velocity,
                "predictability": self.predictability,
                "unplanned_share": self.unplanned_share,
                "running": self.running,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Committed vs completed bars per cycle."""
        return charts.plot_cycles(self, ax)

    def _summary(self) -> Summary:
        shares = self.predictability
        known = shares[~np.isnan(shares)]
        facts = [f"{len(self.names):,} cycles"]
        if known.size:
            facts.append(f"{float(known.mean()):.0%} of commitments completed on average")
        return summary(
            "CyclePredictability",
            facts,
            ["cycle", "committed", "completed", "unplanned", "done", "predictability"],
            (
                (
                    name,
                    *(
                        int(v) if v >= 0 else None
                        for v in (
                            self.committed[k],
                            self.completed[k],
                            self.unplanned[k],
                            self.done[k],
                        )
                    ),
                    "-" if np.isnan(shares[k]) else f"{shares[k]:.0%}",
                )
                for k, name in enumerate(self.names)
            ),
            total=len(self.names),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def _us(moment: datetime) -> int:
    return int(np.datetime64(moment.replace(tzinfo=None), "us").astype(np.int64))


def cycle_report(log: FlowLog, *, grace: timedelta = timedelta(hours=24)) -> CyclePredictability:
    """Velocity, predictability and unplanned share per cycle.

    Uses the cycle windows and memberships of the history (``cycles`` lines and fields); an
    item listed in a cycle's ``sprints`` without a membership record counts as committed.

    >>> len(cycle_report(FlowLog.example()).names)  # the example has no cycles
    0
    """
    points = np.nan_to_num(log.points)
    if not log.cycles:
        return _velocity_per_sprint(log, points)
    return _per_cycle_window(log, points, grace)


def _velocity_per_sprint(log: FlowLog, points: FloatArray) -> CyclePredictability:
    """Without cycle windows: velocity per sprint name, each finished item counting for its
    last sprint."""
    if len(log.sprint_item) == 0:
        empty_i = np.zeros(0, dtype=np.int64)
        empty_d = np.zeros(0, dtype="datetime64[us]")
        return CyclePredictability(
            (),
            empty_d,
            empty_d,
            empty_i,
            empty_i,
            empty_i,
            empty_i,
            np.zeros(0),
            np.zeros(0, dtype=bool),
            as_of=log.as_of,
        )
    last = np.ones(len(log.sprint_item), dtype=bool)
    last[:-1] = log.sprint_item[1:] != log.sprint_item[:-1]
    item, code = log.sprint_item[last], log.sprint_code[last]
    finished = log.is_done[item]
    n = len(log.sprint_names)
    done = np.bincount(code[finished], minlength=n).astype(np.int64)
    velocity = np.bincount(code[finished], weights=points[item[finished]], minlength=n)
    missing = np.full(n, -1, dtype=np.int64)
    nat = np.full(n, np.datetime64("NaT", "us"))
    return CyclePredictability(
        log.sprint_names,
        nat,
        nat,
        missing,
        missing,
        missing,
        done,
        velocity.astype(np.float64),
        np.ones(n, dtype=bool),
        as_of=log.as_of,
    )


def _per_cycle_window(log: FlowLog, points: FloatArray, grace: timedelta) -> CyclePredictability:
    """With cycle windows: commitments, completions and unplanned work of each window."""
    done_i = np.where(np.isnat(log.done), NEVER, as_us(log.done))
    # Memberships: explicit records, plus sprint names without a record (joined unknown).
    every = {n: k for k, n in enumerate(dict.fromkeys((*log.cycle_names, *log.sprint_names)))}
    width = len(every)
    cyc_code = np.array([every[n] for n in log.cycle_names] + [0], dtype=np.int64)[log.cyc_code]
    spr_code = np.array([every[n] for n in log.sprint_names] + [0], dtype=np.int64)[log.sprint_code]
    recorded = log.cyc_item.astype(np.int64) * width + cyc_code
    listed = log.sprint_item.astype(np.int64) * width + spr_code
    extra = ~np.isin(listed, recorded)
    items = np.concatenate([log.cyc_item, log.sprint_item[extra]]).astype(np.int64)
    codes = np.concatenate([cyc_code, spr_code[extra]])
    unknown = np.iinfo(np.int64).min
    joined = np.concatenate([as_us(log.cyc_joined), np.full(int(extra.sum()), unknown)])
    rows = []
    grace_us = grace // timedelta(microseconds=1)
    # Each cycle's memberships, in their order: a slice of them sorted (stably) by cycle.
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(width + 1))
    starts = np.array([_us(w.start) for w in log.cycles], dtype=np.int64)
    ends_us = np.array([_us(w.end) for w in log.cycles], dtype=np.int64)
    for window, start, end in zip(log.cycles, starts.tolist(), ends_us.tolist(), strict=True):
        # one slice per cycle (tens), vectorised over its memberships
        code = every.get(window.name, -1)
        member = order[bounds[code] : bounds[code + 1]] if code >= 0 else order[:0]
        it = items[member]
        j = joined[member]
        committed = (j == unknown) | (j <= start + grace_us)
        unplanned = ~committed & (j < end)
        inside = (done_i[it] >= start) & (done_i[it] < end)
        rows.append(
            (
                int(committed.sum()),
                int((committed & inside).sum()),
                int(unplanned.sum()),
                int(inside.sum()),
                float(points[it[inside]].sum()),
            )
        )
    table = np.array(rows, dtype=np.float64).reshape(len(rows), 5)
    ends = ends_us.view("datetime64[us]")
    as_of = log.as_of.astype("datetime64[us]")
    return CyclePredictability(
        names=tuple(w.name for w in log.cycles),
        start=starts.view("datetime64[us]"),
        end=ends,
        ended=np.isnat(as_of) | (ends <= as_of),
        as_of=as_of,
        committed=table[:, 0].astype(np.int64),
        completed=table[:, 1].astype(np.int64),
        unplanned=table[:, 2].astype(np.int64),
        done=table[:, 3].astype(np.int64),
        velocity=table[:, 4],
    )
