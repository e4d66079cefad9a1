"""The dense synthetic board for performance work (:func:`stress_board`): about ten
transitions per item, so 100,000 items make about 1,000,000 transitions, the size the
benchmarks and the flow report are measured at.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from agilemarketing.historyio import CycleWindow, HistoryTable
from agilemarketing.simulate.board import (
    ITEM_TYPES,
    WONT_DO,
    SimulatedBoard,
    check_size,
    utc_datetime,
)
from agilemarketing.workflow import Workflow

__all__ = ["stress_board"]

_STRESS_STAGES = ("Backlog", "Ready", "In Progress", "Review", "Approval", "Done")
_DAY_US = 86_400_000_000


def stress_board(*, items: int = 100_000, seed: int = 20261123) -> SimulatedBoard:
    """A dense synthetic board for performance work: about ten transitions per item.

    Each item makes 6 to 14 moves through *Backlog → Ready → In Progress → Review → Approval
    → Done* (mostly forward, one move in five backward, so items are reopened and stages
    re-entered), created over two years from 2024-06-01 with about a day and a half between
    moves; 85% end *Done*, 3% *Won't Do*, the rest are still open. 15% of the items have a
    blocked period, every item belongs to a fortnightly cycle, and each has a channel label.
    Vectorised and seeded: 100,000 items (about 1,000,000 transitions) take well under a
    second.

    >>> board = stress_board(items=1_000, seed=1)
    >>> len(board.table), 8 < board.table.n_transitions / len(board.table) < 12
    (1000, True)
    >>> board.workflow.start, board.workflow.stage("Approval").active
    ('In Progress', False)
    """
    n = check_size("items", items, 1)
    rng = np.random.default_rng(seed)  # every step draws from it in turn, in this order
    walk = _stress_walk(rng, n)
    created, at = _stress_times(rng, walk)
    started = at[walk.first]
    blocked, b_from, b_to = _stress_blocked(rng, started)
    windows, joined, cycle = _stress_cycles(started)
    us = "datetime64[us]"
    table = HistoryTable(
        keys=np.char.add("MKT-", np.arange(1, n + 1).astype(str)),
        summaries=("",) * n,
        types=rng.integers(0, len(ITEM_TYPES), n).astype(np.int32),
        type_names=ITEM_TYPES,
        statuses=walk.position[walk.last].astype(np.int32),
        status_names=(*_STRESS_STAGES, WONT_DO),
        created=created.view(us),
        resolved=np.full(n, np.datetime64("NaT", "us")),
        points=rng.choice([1.0, 2.0, 3.0, 5.0, 8.0], n),
        ranks=(None,) * n,
        tr_item=walk.item.astype(np.int32),
        tr_at=at.view(us),
        tr_from=walk.before.astype(np.int32),
        tr_to=walk.position.astype(np.int32),
        tr_observed=np.zeros(walk.item.size, dtype=bool),
        label_item=np.arange(n, dtype=np.int32),
        label_code=rng.integers(0, 4, n).astype(np.int32),
        label_names=("channel:email", "channel:social", "channel:web", "channel:events"),
        sprint_item=np.empty(0, np.int32),
        sprint_code=np.empty(0, np.int32),
        sprint_names=(),
        blk_item=blocked.astype(np.int32),
        blk_from=b_from.view(us),
        blk_to=b_to.view(us),
        cyc_item=np.arange(n, dtype=np.int32),
        cyc_code=cycle.astype(np.int32),
        cyc_joined=joined.view(us),
        cyc_left=np.full(n, np.datetime64("NaT", "us")),
        cycle_names=tuple(w.name for w in windows),
        cycles=windows,
    )
    workflow = Workflow.from_shorthand(
        _STRESS_STAGES, start="In Progress", waiting=["Ready", "Approval"], wip={"In Progress": 400}
    )
    return SimulatedBoard(table, workflow, utc_datetime(at.max().view(us)), seed)


# --- stress_board, step by step -------------------------------------------------------------------


class _Walk(NamedTuple):
    """Every item's moves, one row per transition, items one after the other."""

    per_item: NDArray[np.int64]  # transitions of each item
    item: NDArray[np.int64]
    first: NDArray[np.bool_]  # the item's first transition
    last: NDArray[np.bool_]  # the item's last transition
    before: NDArray[np.int64]  # status index moved from
    position: NDArray[np.int64]  # status index moved to


def _stress_walk(rng: np.random.Generator, n: int) -> _Walk:
    """6 to 14 moves per item, mostly forward (clipped below Done until the final move, which
    ends Done, Won't Do or stays open); a move never stays in its stage."""
    per_item = rng.integers(6, 15, n)  # transitions per item, mean 10
    total = int(per_item.sum())
    item = np.repeat(np.arange(n), per_item)
    first = np.zeros(total, dtype=bool)
    first[np.concatenate([[0], np.cumsum(per_item)[:-1]])] = True
    last = np.zeros(total, dtype=bool)
    last[np.cumsum(per_item) - 1] = True
    # Stage walk: mostly forward, sometimes back; clipped below Done until the final move.
    step = np.where(rng.random(total) < 0.8, 1, -1)
    walk = np.cumsum(step)
    offset = np.repeat(walk[first] - step[first], per_item)
    position = np.clip(walk - offset, 0, 4)
    final = rng.random(n)
    end_status = np.where(final < 0.85, 5, np.where(final < 0.88, 6, -1))  # 6: Won't Do
    position[last] = np.where(end_status >= 0, end_status, position[last])
    before = np.empty(total, dtype=np.int64)
    before[1:] = position[:-1]
    before[first] = 0
    same = position == before
    position[same] = np.maximum(before[same] - 1, 0)
    same = position == before
    position[same] = 1  # from Backlog to Backlog -> to Ready
    return _Walk(per_item, item, first, last, before, position)


def _stress_times(
    rng: np.random.Generator, walk: _Walk
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Creation (over two years) and the moment of every move (gaps of about a day and a half,
    exponential), as int64 microseconds."""
    n, per_item, first = walk.per_item.size, walk.per_item, walk.first
    created = np.datetime64("2024-06-01T08:00", "us").astype(np.int64) + rng.integers(
        0, 700 * _DAY_US, n
    )
    gaps = rng.exponential(1.5 * _DAY_US, walk.item.size).astype(np.int64) + 60_000_000
    elapsed = np.cumsum(gaps)
    base = np.repeat(elapsed[first] - gaps[first], per_item)
    return created, np.repeat(created, per_item) + (elapsed - base)


def _stress_blocked(
    rng: np.random.Generator, started: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[np.int64]]:
    """A blocked period (items, from, to) for 15% of the items, inside their life."""
    blocked = np.flatnonzero(rng.random(started.size) < 0.15)
    b_from = started[blocked] + rng.integers(0, 3 * _DAY_US, len(blocked))
    b_to = b_from + rng.integers(_DAY_US // 4, 3 * _DAY_US, len(blocked))
    return blocked, b_from, b_to


def _stress_cycles(
    started: NDArray[np.int64],
) -> tuple[tuple[CycleWindow, ...], NDArray[np.int64], NDArray[np.int64]]:
    """60 fortnightly cycles; each item joins the one running at its first move (windows,
    joined, cycle index)."""
    n_cycles = 60
    first_monday = datetime(2024, 6, 3, tzinfo=UTC)
    cycle_start = np.datetime64("2024-06-03T00:00", "us").astype(np.int64)
    windows = tuple(
        CycleWindow(
            f"C{k + 1}",
            first_monday + timedelta(days=14 * k),
            first_monday + timedelta(days=14 * (k + 1)),
        )
        for k in range(n_cycles)
    )
    cycle = np.clip((started - cycle_start) // (14 * _DAY_US), 0, n_cycles - 1)
    return windows, started, cycle
