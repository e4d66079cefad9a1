"""Implausible dates: timestamps far from the rest of the data, and the table without them.

A date every check accepts can still be a typo: one item ``created`` in 2030 on a board whose
work all happened in 2026 would move the report's date (its "as of") four years on. The
**plausible window** is measured on the data itself: take every timestamp of the table
(created, resolved, transitions, blocked periods), drop the lowest and highest 5%, and call
what is left the core, from ``lo`` to ``hi``. A timestamp is plausible from
``lo - max(10 years, 2 × (hi - lo))`` (old items are often real: a backlog keeps them) to
``hi + max(1 year, hi - lo)`` (a date years after everything else is a typo). Tables with
fewer than :data:`MIN_TIMESTAMPS` timestamps have no window: too few to tell an outlier.

:func:`implausible_items` names the items with a timestamp outside the window;
:func:`within` is the table without those timestamps (items created after the window are
left out, as if the table were rewound to its end; earlier timestamps are dropped).

>>> from agilemarketing.history import ItemHistory
>>> from agilemarketing.historyio import HistoryTable
>>> t = HistoryTable.from_histories(
...     [ItemHistory(f"A-{i}", created=f"2026-01-{i + 1:02d}T00:00Z") for i in range(25)]
...     + [ItemHistory("TYPO", created="2030-06-01T00:00Z")])
>>> window = plausible_window(t)
>>> str(window.end)[:10], implausible_items(t, window).tolist()
('2027-01-24', [25])
>>> within(t, window).keys.tolist()[-1]
'A-24'
"""

from __future__ import annotations

from typing import NamedTuple, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing.historyio.columns import HistoryColumns, Ints
from agilemarketing.historyio.rewind import rewind
from agilemarketing.historyio.timestamps import NAT, Times, datetimes

__all__ = ["MIN_TIMESTAMPS", "Window", "implausible_items", "plausible_window", "within"]

T = TypeVar("T", bound=HistoryColumns)

MIN_TIMESTAMPS = 20
"""Fewer timestamps than this and no date is called implausible."""
_TRIM = 0.05
_DAY = np.timedelta64(86_400_000_000, "us")


class Window(NamedTuple):
    """The plausible moments of a table: ``start <= t <= end``."""

    start: np.datetime64
    end: np.datetime64


def _all_times(t: HistoryColumns) -> Times:
    times: Times = np.concatenate([t.created, t.resolved, t.tr_at, t.blk_from, t.blk_to])
    present: Times = times[~np.isnat(times)]
    return present


def plausible_window(t: HistoryColumns) -> Window | None:
    """The window of plausible moments of ``t`` (None: too few timestamps to tell)."""
    times = _all_times(t)
    n = len(times)
    if n < MIN_TIMESTAMPS:
        return None
    low, high = int(np.ceil(_TRIM * (n - 1))), int(np.floor((1 - _TRIM) * (n - 1)))
    # Two order statistics, not a whole sort (on the integers: numpy partitions datetime64
    # twenty times slower than int64).
    ranked = np.partition(times.view(np.int64), [low, high]).view(times.dtype)
    lo, hi = ranked[low], ranked[high]
    span = hi - lo
    return Window(lo - max(3650 * _DAY, 2 * span), hi + max(365 * _DAY, span))


def _outside(values: Times, window: Window) -> npt.NDArray[np.bool_]:
    return ~np.isnat(values) & ((values < window.start) | (values > window.end))


def implausible_items(t: HistoryColumns, window: Window | None) -> Ints:
    """The rows of the items with a timestamp outside ``window``, in item order."""
    if window is None:
        return np.empty(0, dtype=np.int32)
    flagged = _outside(t.created, window) | _outside(t.resolved, window)
    for owner, values in ((t.tr_item, t.tr_at), (t.blk_item, t.blk_from), (t.blk_item, t.blk_to)):
        flagged[owner[_outside(values, window)]] = True
    return np.flatnonzero(flagged).astype(np.int32)


def within(t: T, window: Window) -> T:
    """``t`` without its timestamps outside ``window``.

    Later than the window: the table is rewound to the window's end (items created later are
    left out). Earlier: ``created`` and ``resolved`` become unknown, transitions and blocked
    periods starting then are dropped.
    """
    later = [t.created, t.resolved, t.tr_at, t.blk_from, t.blk_to]
    if any(bool((column > window.end).any()) for column in later):
        end = datetimes(np.array([window.end], dtype="datetime64[us]"))[0]
        assert end is not None  # a window's end is a moment
        t = rewind(t, end)
    early = window.start

    def unknown_before(values: Times) -> Times:
        out = values.copy()
        out[~np.isnat(out) & (out < early)] = NAT
        return out

    keep_tr = ~(t.tr_at < early)
    keep_blk = ~(t.blk_from < early)
    return attrs.evolve(
        t,
        created=unknown_before(t.created),
        resolved=unknown_before(t.resolved),
        tr_item=t.tr_item[keep_tr],
        tr_at=t.tr_at[keep_tr],
        tr_from=t.tr_from[keep_tr],
        tr_to=t.tr_to[keep_tr],
        tr_observed=t.tr_observed[keep_tr],
        blk_item=t.blk_item[keep_blk],
        blk_from=t.blk_from[keep_blk],
        blk_to=t.blk_to[keep_blk],
    )
