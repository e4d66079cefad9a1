"""Flow efficiency (active time over cycle time) and blocked time per item.

>>> from agilemarketing.flow import FlowLog
>>> log = FlowLog.example()
>>> round(flow_efficiency(log).overall, 2), blocked_time(log).keys.tolist()
(0.86, ['A', 'B', 'C'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing import charts
from agilemarketing._display import Summary, number, summary
from agilemarketing.extras import require_pandas
from agilemarketing.flow import NEVER, FlowLog
from agilemarketing.metrics.arrays import (
    DAY_US,
    NAT_US,
    BoolArray,
    FloatArray,
    IntArray,
    as_us,
    json_number,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BlockedTime", "FlowEfficiency", "blocked_time", "flow_efficiency"]

# --- Flow efficiency ------------------------------------------------------------------------------


def _clipped_durations(
    item: npt.NDArray[Any], enter: IntArray, leave: IntArray, lo: IntArray, hi: IntArray
) -> FloatArray:
    """Length in days of each [enter, leave) clipped to its item's [lo, hi)."""
    np.maximum(enter, lo[item], out=enter)
    np.minimum(leave, hi[item], out=leave)
    leave -= enter
    np.maximum(leave, 0, out=leave)
    days: FloatArray = leave / DAY_US
    return days


@attrs.frozen(eq=False)
class FlowEfficiency:
    """Active time over cycle time per finished item, and for the team overall (active time
    summed over all items / cycle time summed). Waiting stages are those with
    ``active=False`` in the workflow.

    >>> round(flow_efficiency(FlowLog.example()).overall, 2)
    0.86
    """

    keys: npt.NDArray[np.str_]
    active_days: FloatArray
    total_days: FloatArray

    @property
    def per_item(self) -> FloatArray:
        """Efficiency of each item (NaN for a zero-length cycle)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.total_days > 0, self.active_days / self.total_days, np.nan)

    @property
    def overall(self) -> float:
        """Team flow efficiency: total active time over total cycle time."""
        total = float(self.total_days.sum())
        return float(self.active_days.sum()) / total if total > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """Overall value and the median per item, see docs/metrics.md."""
        return {
            "overall": json_number(self.overall),
            "median_item": json_number(float(np.nanmedian(self.per_item)))
            if np.isfinite(self.per_item).any()
            else None,
            "items": len(self.keys),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per finished item."""
        require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "key": self.keys,
                "active_days": self.active_days,
                "total_days": self.total_days,
                "efficiency": self.per_item,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Histogram of per-item efficiency."""
        return charts.plot_flow_efficiency(self, ax)

    def _summary(self) -> Summary:
        overall = self.overall
        share = "-" if np.isnan(overall) else f"{overall:.0%}"
        return summary(
            "FlowEfficiency",
            [f"{len(self.keys):,} finished items", f"{share} of their time active"],
            ["", "days"],
            [("active", self.active_days.sum()), ("elapsed", self.total_days.sum())],
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def flow_efficiency(log: FlowLog) -> FlowEfficiency:
    """Time in active stages over cycle time, for items with a cycle time.

    >>> fe = flow_efficiency(FlowLog.example())
    >>> fe.per_item.round(2).tolist(), round(fe.overall, 2)
    ([0.43, 1.0], 0.86)
    """
    has = log.has_cycle_time
    start = np.where(has, as_us(log.start), 0)
    done = np.where(has, as_us(log.done), 0)
    active_stage = np.array([s.active for s in log.workflow.stages] + [False])
    # Only stays in active stages of items with a cycle time matter.
    keep = active_stage[log.seg_stage] & has[log.seg_item]
    seg_item = log.seg_item[keep]
    leave = as_us(log.seg_leave)[keep]
    leave[leave == NAT_US] = NEVER
    dur = _clipped_durations(seg_item, as_us(log.seg_enter)[keep], leave, start, done)
    active_days = np.bincount(seg_item, weights=dur, minlength=len(log)).astype(np.float64)
    rows = np.flatnonzero(has)
    return FlowEfficiency(log.keys[rows], active_days[rows], (done - start)[rows] / DAY_US)


# --- Blocked time ---------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class BlockedTime:
    """Blocked days per started item (overlapping periods counted once), within its cycle
    (start to done, or to ``as_of`` while in progress), and their share of that time.

    >>> blocked_time(FlowLog.example()).share.round(2).tolist()
    [0.0, 0.14, 0.0]
    """

    keys: npt.NDArray[np.str_]
    blocked_days: FloatArray
    elapsed_days: FloatArray
    done: BoolArray

    @property
    def share(self) -> FloatArray:
        """Blocked share of each item's elapsed cycle time."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.elapsed_days > 0, self.blocked_days / self.elapsed_days, np.nan)

    def to_dict(self) -> dict[str, Any]:
        """Totals and the share over finished items, see docs/metrics.md."""
        d = self.done
        total = float(self.elapsed_days[d].sum())
        return {
            "items_blocked": int((self.blocked_days > 0).sum()),
            "blocked_days": json_number(float(self.blocked_days.sum())),
            "share_of_cycle_time": json_number(float(self.blocked_days[d].sum()) / total)
            if total > 0
            else None,
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per started item."""
        require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "key": self.keys,
                "blocked_days": self.blocked_days,
                "elapsed_days": self.elapsed_days,
                "share": self.share,
                "done": self.done,
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Blocked share per item, most blocked first."""
        return charts.plot_blocked(self, ax)

    def _summary(self) -> Summary:
        blocked = np.flatnonzero(self.blocked_days > 0)
        order = blocked[np.argsort(-self.blocked_days[blocked], kind="stable")]
        share = self.share
        return summary(
            "BlockedTime",
            [
                f"{len(self.keys):,} items",
                f"{len(blocked):,} blocked",
                f"{number(float(self.blocked_days.sum()))} days blocked in all",
            ],
            ["item (most blocked first)", "blocked days", "share of its time", "done"],
            (
                (self.keys[i], self.blocked_days[i], f"{share[i]:.0%}", bool(self.done[i]))
                for i in order
            ),
            total=len(order),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def blocked_time(log: FlowLog) -> BlockedTime:
    """Blocked time per started item, clipped to its cycle, overlaps merged (a sweep line).

    >>> bt = blocked_time(FlowLog.example())
    >>> bt.keys.tolist(), bt.blocked_days.tolist()
    (['A', 'B', 'C'], [0.0, 1.0, 0.0])
    """
    started = ~np.isnat(log.start) & ~log.abandoned
    as_of = int(log.as_of.astype("datetime64[us]").astype(np.int64))
    lo = np.where(started, as_us(log.start), 0)
    hi = np.where(log.is_done, as_us(log.done), as_of)
    hi = np.where(started, hi, 0)
    item = log.blk_item.astype(np.int64)
    b_to = np.where(np.isnat(log.blk_to), as_of, as_us(log.blk_to))
    a = np.maximum(as_us(log.blk_from), lo[item])
    b = np.minimum(b_to, hi[item])
    keep = b > a
    item, a, b = item[keep], a[keep], b[keep]
    # Sweep: +1 at each start, -1 at each end, per item; time where the count is > 0 is blocked.
    ev_item = np.concatenate([item, item])
    ev_t = np.concatenate([a, b])
    ev_d = np.concatenate([np.ones(len(a), np.int64), -np.ones(len(b), np.int64)])
    order = np.lexsort((-ev_d, ev_t, ev_item))  # starts before ends at the same moment
    ev_item, ev_t, ev_d = ev_item[order], ev_t[order], ev_d[order]
    depth = np.cumsum(ev_d)
    span = np.zeros(len(ev_t), dtype=np.float64)
    if len(ev_t) > 1:
        same = ev_item[1:] == ev_item[:-1]
        span[:-1] = np.where(same & (depth[:-1] > 0), (ev_t[1:] - ev_t[:-1]) / DAY_US, 0.0)
    blocked = np.bincount(ev_item, weights=span, minlength=len(log)).astype(np.float64)
    rows = np.flatnonzero(started)
    return BlockedTime(log.keys[rows], blocked[rows], (hi - lo)[rows] / DAY_US, log.is_done[rows])
