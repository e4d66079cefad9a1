"""The realistic marketing board (:func:`simulate_board`) and its workflow.

It is generated in named steps, each drawing from the one seeded generator in turn:
arrivals over the year, what each item is, how long each step takes, pulling work into Ready,
blocking, fates (never pulled, pruned, abandoned), the transitions, blocked periods, launch
cycles, backlog ranks, labels and summaries (:mod:`agilemarketing.simulate.words`).

>>> marketing_workflow().names[-1]
'Done'
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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
from agilemarketing.simulate.words import summaries
from agilemarketing.workflow import Workflow

__all__ = ["STAGES", "marketing_workflow", "simulate_board"]

STAGES = ("Backlog", "Ready", "In Progress", "Waiting for Approval", "Review", "Done")
"""The board's stages, in order."""

_STATUS_NAMES = (*STAGES, WONT_DO)
_BACKLOG, _READY, _DOING, _APPROVAL, _REVIEW, _DONE, _DROPPED = range(7)
# Path of every item: Backlog, Ready, In Progress, Approval, Review, (rework) In Progress,
# Review, and a final Done or Won't Do.
_PATH = np.array([_BACKLOG, _READY, _DOING, _APPROVAL, _REVIEW, _DOING, _REVIEW, _DONE])
_FINAL = _PATH.size - 1

_TYPE_SHARE = np.array([0.10, 0.34, 0.24, 0.10, 0.22])
_DOING_MEDIAN = np.array([6.0, 3.0, 1.5, 5.0, 0.8])  # working days, by type
_SKIP_APPROVAL = np.array([0.0, 0.15, 0.35, 0.0, 0.7])
_POINTS = (
    np.array([3.0, 5.0, 8.0, 13.0]),
    np.array([1.0, 2.0, 3.0, 5.0]),
    np.array([1.0, 2.0, 3.0]),
    np.array([3.0, 5.0, 8.0]),
    np.array([1.0, 2.0]),
)

_CAMPAIGNS = (  # two per quarter
    ("New Year kick-off", "Spring launch"),
    ("Spring launch", "Partner webinar series"),
    ("Summer retention", "Back to business"),
    ("Black Friday", "Year in review"),
)
_SCOPE_CAMPAIGN = "Competitor response"
_CHANNELS = ("web", "content", "email", "events", "social")

_CYCLE_WORKDAYS = 10  # a fortnight of working days
_DAY_START_H = 8.0  # working hours in UTC: 08:00 to 17:00
_DAY_HOURS = 9.0


def marketing_workflow() -> Workflow:
    """The simulated board's workflow: approvals wait, cycle time runs from Ready to Done.

    >>> wf = marketing_workflow()
    >>> wf.stage("Waiting for Approval").active, wf.start, wf.done
    (False, 'Ready', 'Done')
    """
    return Workflow.from_shorthand(
        STAGES,
        start="Ready",
        done="Done",
        wip={"In Progress": 8, "Waiting for Approval": 5, "Review": 4},
        waiting=["Waiting for Approval"],
    )


def _lognormal(
    rng: np.random.Generator, median: NDArray[np.float64] | float, sigma: float, n: int
) -> NDArray[np.float64]:
    """``n`` positive durations around ``median`` (lognormal: a long right tail)."""
    return np.asarray(median) * rng.lognormal(0.0, sigma, n)


def simulate_board(
    *,
    items: int = 350,
    end: date = date(2026, 11, 20),
    days: int = 365,
    seed: int = 0,
    prefix: str = "MKT",
) -> SimulatedBoard:
    """Generate ``items`` items created over the ``days`` days up to ``end`` (history cut there).

    The same ``seed`` always gives the same board.

    >>> board = simulate_board(items=200, seed=1)
    >>> board.table.status_names  # doctest: +NORMALIZE_WHITESPACE
    ('Backlog', 'Ready', 'In Progress', 'Waiting for Approval', 'Review', 'Done', "Won't Do")
    >>> board.end
    datetime.datetime(2026, 11, 21, 0, 0, tzinfo=datetime.timezone.utc)
    """
    n = check_size("items", items, 1)
    span = _Span.up_to(end, check_size("days", days, 28))
    rng = np.random.default_rng(seed)  # every step draws from it in turn, in this order
    arrivals = _arrivals(rng, n, span)
    what = _what_each_item_is(rng, arrivals, span)
    steps = _step_durations(rng, what.kind, arrivals.is_scope)
    pulled = _pull_into_ready(rng, arrivals.created, steps)
    blocking = _blocking(rng, steps)
    final = _fates(rng, span, arrivals.created, pulled, steps)
    moves = _transitions(span, arrivals.created, steps, final)
    blocked = _blocked_periods(span, moves.entry, steps, blocking)
    cycles = _launch_cycles(span, moves, steps)
    labels = _labels(what.campaigns, what.kind, arrivals.is_scope)
    table = HistoryTable(
        keys=np.array([f"{prefix}-{i + 1}" for i in range(n)], dtype=np.str_),
        summaries=tuple(summaries(rng, what.kind, what.campaigns, what.created_dates)),
        types=what.kind.astype(np.int32),
        type_names=ITEM_TYPES,
        statuses=moves.current.astype(np.int32),
        status_names=_STATUS_NAMES,
        created=_to_time(span.anchor, arrivals.created),
        resolved=moves.resolved,
        points=what.points,
        ranks=_backlog_ranks(arrivals),
        tr_item=moves.tr_item.astype(np.int32),
        tr_at=moves.tr_at,
        tr_from=moves.tr_from.astype(np.int32),
        tr_to=moves.tr_to.astype(np.int32),
        tr_observed=np.zeros(moves.tr_item.size, dtype=bool),
        label_item=labels.item,
        label_code=labels.code,
        label_names=labels.names,
        sprint_item=cycles.item.astype(np.int32),
        sprint_code=cycles.code.astype(np.int32),
        sprint_names=cycles.names,
        blk_item=blocked.item.astype(np.int32),
        blk_from=blocked.start,
        blk_to=blocked.end,
        cyc_item=cycles.item.astype(np.int32),
        cyc_code=cycles.code.astype(np.int32),
        cyc_joined=cycles.joined,
        cyc_left=cycles.left,
        cycle_names=cycles.names,
        cycles=cycles.windows,
    )
    end_time = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    return SimulatedBoard(table, marketing_workflow(), end_time, seed)


# --- simulate_board, step by step -----------------------------------------------------------------
# Positions in time are working days since the span's first Monday (a fraction is the share of
# the working day gone). Each step takes and returns small named tuples of numpy arrays.


class _Span(NamedTuple):
    """The working days the board's history covers."""

    anchor: np.datetime64  # the Monday on or before the first day (working day 0)
    workdays: int
    end_w: float  # the history ends at the close of the last day
    dates: NDArray[np.datetime64]  # the date of each working day

    @classmethod
    def up_to(cls, end: date, days: int) -> _Span:
        end_day = np.datetime64(end, "D")
        anchor = np.busday_offset(end_day - days, 0, roll="backward", weekmask="Mon")
        workdays = int(np.busday_count(anchor, end_day + 1))
        return cls(anchor, workdays, float(workdays), np.busday_offset(anchor, np.arange(workdays)))

    @property
    def months(self) -> NDArray[np.int64]:
        """The month (0 = January) of each working day."""
        months: NDArray[np.int64] = self.dates.astype("datetime64[M]").astype(np.int64) % 12
        return months


class _Arrivals(NamedTuple):
    created: NDArray[np.float64]  # creation position of each item, in key order
    is_scope: NDArray[np.bool_]  # added mid-way by the competitor-response campaign


def _arrivals(rng: np.random.Generator, n: int, span: _Span) -> _Arrivals:
    """When items arrive: a seasonal swell, a December lull, a burst after each quarterly
    workshop, and the scope added mid-way; keys follow creation order."""
    wdates = span.dates
    year_pos = (wdates - wdates.astype("datetime64[Y]")).astype(np.int64) / 365.25
    rate = 1.0 + 0.3 * np.sin(2 * np.pi * (year_pos - 0.1))
    month_day = (wdates - wdates.astype("datetime64[M]")).astype(np.int64)
    months = span.months
    rate[(months == 11) & (month_day >= 18)] *= 0.3  # December lull
    quarter_start = (months % 3 == 0) & (month_day < 7)
    rate[quarter_start] *= 2.5  # requests after each planning workshop
    scoped = max(round(0.07 * n), 1) if n >= 20 else 0
    regular = np.bincount(
        rng.choice(span.workdays, size=n - scoped, p=rate / rate.sum()), minlength=span.workdays
    )
    scope_day = int(0.55 * span.workdays)
    scope_days = scope_day + rng.integers(0, 5, scoped)
    day_of = np.concatenate([np.repeat(np.arange(span.workdays), regular), scope_days])
    moments = day_of + rng.random(n) * 0.9
    order = np.argsort(moments, kind="stable")
    is_scope = np.concatenate([np.zeros(n - scoped, bool), np.ones(scoped, bool)])[order]
    return _Arrivals(moments[order], is_scope)


class _What(NamedTuple):
    kind: NDArray[np.int64]  # index into ITEM_TYPES
    points: NDArray[np.float64]
    created_dates: NDArray[np.datetime64]
    campaigns: NDArray[np.str_]


def _what_each_item_is(rng: np.random.Generator, arrivals: _Arrivals, span: _Span) -> _What:
    """Type, points and campaign of each item (two campaigns a quarter, plus the new one)."""
    n, is_scope = arrivals.created.size, arrivals.is_scope
    kind = rng.choice(len(ITEM_TYPES), size=n, p=_TYPE_SHARE)
    kind[is_scope] = rng.choice([0, 1, 4], size=int(is_scope.sum()), p=[0.3, 0.3, 0.4])
    points = np.empty(n)
    for k, options in enumerate(_POINTS):
        mask = kind == k
        points[mask] = rng.choice(options, size=int(mask.sum()))
    created_dates = span.dates[np.minimum(arrivals.created.astype(np.int64), span.workdays - 1)]
    quarter = created_dates.astype("datetime64[M]").astype(np.int64) % 12 // 3
    campaign_pick = rng.integers(0, 2, n)
    campaigns = np.array([c for pair in _CAMPAIGNS for c in pair])[quarter * 2 + campaign_pick]
    campaigns = np.where(is_scope, _SCOPE_CAMPAIGN, campaigns)
    return _What(kind, points, created_dates, campaigns)


class _Steps(NamedTuple):
    """How long each step of each item's path takes, and which steps it takes at all; the later
    steps adjust both in place."""

    durations: NDArray[np.float64]  # (items, len(_PATH)) working days
    keep: NDArray[np.bool_]  # (items, len(_PATH))


def _step_durations(
    rng: np.random.Generator, kind: NDArray[np.int64], is_scope: NDArray[np.bool_]
) -> _Steps:
    """Lognormal durations per step (by type where it matters), skipped approvals, rework."""
    n = kind.size
    durations = np.zeros((n, _PATH.size))
    durations[:, 0] = _lognormal(rng, 9.0, 1.1, n)  # waiting in the backlog
    durations[:, 1] = _lognormal(rng, 2.0, 0.9, n)
    durations[:, 2] = _lognormal(rng, _DOING_MEDIAN[kind], 0.6, n)
    durations[:, 3] = _lognormal(rng, 1.5, 1.0, n)
    durations[:, 4] = _lognormal(rng, 0.6, 0.7, n)
    durations[:, 5] = _lognormal(rng, 0.5 * _DOING_MEDIAN[kind], 0.6, n)
    durations[:, 6] = _lognormal(rng, 0.5, 0.7, n)
    durations[is_scope, 0] *= 0.2  # the new campaign jumps the queue
    keep = np.ones((n, _PATH.size), dtype=bool)
    keep[:, 3] = rng.random(n) >= _SKIP_APPROVAL[kind]
    rework = rng.random(n) < 0.15
    keep[~rework, 5:7] = False
    return _Steps(durations, keep)


def _pull_into_ready(
    rng: np.random.Generator, created: NDArray[np.float64], steps: _Steps
) -> NDArray[np.float64]:
    """When each item is pulled into Ready: planned work at a cycle's planning, ad-hoc work at
    once. Sets the backlog wait (step 0) to match."""
    n = created.size
    wanted = created + steps.durations[:, 0]
    planned = rng.random(n) < 0.8
    pulled = np.where(planned, np.ceil(wanted / _CYCLE_WORKDAYS) * _CYCLE_WORKDAYS, wanted)
    pulled = np.where(planned, pulled + rng.random(n) * 0.3, pulled)
    steps.durations[:, 0] = pulled - created
    return pulled


class _Blocking(NamedTuple):
    blocked: NDArray[np.bool_]  # the item is blocked once
    column: NDArray[np.int64]  # in which step (in progress or waiting for approval)
    length: NDArray[np.float64]  # for how many working days
    after: NDArray[np.float64]  # how long into that step


def _blocking(rng: np.random.Generator, steps: _Steps) -> _Blocking:
    """Blocked periods while in progress or waiting for approval; they extend that step."""
    durations, keep = steps
    n = len(durations)
    blocked = rng.random(n) < 0.15
    blocked_col = np.where(keep[:, 3] & (rng.random(n) < 0.5), 3, 2)
    blocked_len = _lognormal(rng, 2.0, 0.7, n)
    blocked_at = rng.random(n) * durations[np.arange(n), blocked_col]
    durations[blocked, blocked_col[blocked]] += blocked_len[blocked]
    return _Blocking(blocked, blocked_col, blocked_len, blocked_at)


def _fates(
    rng: np.random.Generator,
    span: _Span,
    created: NDArray[np.float64],
    pulled: NDArray[np.float64],
    steps: _Steps,
) -> NDArray[np.int64]:
    """The final status of each path (Done or Won't Do): some requests are never pulled, some
    pruned at a quarterly workshop, a few abandoned mid-way. Drops the steps they skip."""
    durations, keep = steps
    n = created.size
    final = np.full(n, _DONE)
    never = rng.random(n) < 0.2
    durations[never, 0] = np.inf
    months = span.months
    first_of_month = np.concatenate([[True], months[1:] != months[:-1]])
    workshops = np.flatnonzero(first_of_month & (months % 3 == 0))
    stale_after = created + 45.0
    next_workshop_i = np.searchsorted(workshops, stale_after, side="left")
    has_workshop = next_workshop_i < workshops.size
    workshop_at = np.where(
        has_workshop, workshops[np.minimum(next_workshop_i, workshops.size - 1)], np.inf
    )
    pruned = has_workshop & (pulled > workshop_at) & (rng.random(n) < 0.5)
    durations[pruned, 0] = workshop_at[pruned] + 0.05 - created[pruned]
    keep[pruned, 1:_FINAL] = False
    final[pruned] = _DROPPED
    abandoned = ~pruned & ~never & (rng.random(n) < 0.04)
    stop_after = np.where(rng.random(n) < 0.5, 2, 3)
    for col in range(3, _FINAL):
        keep[abandoned & (col > stop_after), col] = False
    final[abandoned] = _DROPPED
    keep[never, 1:] = False
    return final


class _Moves(NamedTuple):
    entry: NDArray[np.float64]  # (items, steps): when each step is entered
    finished: NDArray[np.bool_]  # the final step happened before the end
    current: NDArray[np.int64]  # status at the end
    resolved: NDArray[np.datetime64]
    tr_item: NDArray[np.intp]
    tr_at: NDArray[np.datetime64]
    tr_from: NDArray[np.int64]
    tr_to: NDArray[np.int64]


def _transitions(
    span: _Span, created: NDArray[np.float64], steps: _Steps, final: NDArray[np.int64]
) -> _Moves:
    """The entry time of every kept step, cut at the end of the span, as transitions."""
    durations, keep = steps
    n = created.size
    kept = np.where(keep, durations, 0.0)
    entry = created[:, None] + np.concatenate(
        [np.zeros((n, 1)), np.cumsum(kept[:, :-1], axis=1)], axis=1
    )
    status = np.broadcast_to(_PATH, (n, _PATH.size)).copy()
    status[:, _FINAL] = final
    happened = keep & (entry <= span.end_w)
    # from-status: the previous kept step
    col_index = np.where(keep, np.arange(_PATH.size), -1)
    prev_col = np.maximum.accumulate(col_index, axis=1)
    prev_col = np.concatenate([np.full((n, 1), -1), prev_col[:, :-1]], axis=1)
    from_status = np.where(
        prev_col >= 0, np.take_along_axis(status, np.maximum(prev_col, 0), axis=1), -1
    )
    tr_item, tr_col = np.nonzero(happened)
    last_col = np.where(happened, np.arange(_PATH.size), -1).max(axis=1)
    finished = happened[:, _FINAL]
    resolved = np.full(n, np.datetime64("NaT", "us"))
    resolved[finished] = _to_time(span.anchor, entry[finished, _FINAL])
    return _Moves(
        entry=entry,
        finished=finished,
        current=status[np.arange(n), last_col],
        resolved=resolved.astype("datetime64[us]"),
        tr_item=tr_item,
        tr_at=_to_time(span.anchor, entry[tr_item, tr_col]),
        tr_from=from_status[tr_item, tr_col],
        tr_to=status[tr_item, tr_col],
    )


class _Blocked(NamedTuple):
    item: NDArray[np.intp]
    start: NDArray[np.datetime64]
    end: NDArray[np.datetime64]  # NaT: still blocked at the end


def _blocked_periods(
    span: _Span, entry: NDArray[np.float64], steps: _Steps, blocking: _Blocking
) -> _Blocked:
    """The blocked periods that began before the end (open ones still running)."""
    n = len(entry)
    column = blocking.column
    block_start = entry[np.arange(n), column] + blocking.after
    has_block = blocking.blocked & steps.keep[np.arange(n), column] & (block_start <= span.end_w)
    blk_item = np.flatnonzero(has_block)
    blk_end = block_start[blk_item] + blocking.length[blk_item]
    blk_to = np.where(
        blk_end <= span.end_w, _to_time(span.anchor, blk_end), np.datetime64("NaT", "us")
    ).astype("datetime64[us]")
    return _Blocked(blk_item, _to_time(span.anchor, block_start[blk_item]), blk_to)


class _Cycles(NamedTuple):
    names: tuple[str, ...]
    windows: tuple[CycleWindow, ...]
    item: NDArray[np.int64]  # one membership per item and cycle it was in
    code: NDArray[np.int64]
    joined: NDArray[np.datetime64]
    left: NDArray[np.datetime64]  # NaT: still in it at the end


def _launch_cycles(span: _Span, moves: _Moves, steps: _Steps) -> _Cycles:
    """Fortnightly launch cycles and who was in which: from entering Ready to leaving Done
    (planned items joined at the cycle's start, the rest when pulled)."""
    entry, end_w = moves.entry, span.end_w
    n_cycles = int(np.ceil(end_w / _CYCLE_WORKDAYS))
    cycle_start_w = np.arange(n_cycles) * _CYCLE_WORKDAYS
    cycle_names = tuple(f"Cycle {k + 1}" for k in range(n_cycles))
    cycle_start_t = (span.anchor + 14 * np.arange(n_cycles)).astype("datetime64[us]")
    windows = tuple(
        CycleWindow(
            name,
            utc_datetime(cycle_start_t[k]),
            utc_datetime(cycle_start_t[k] + np.timedelta64(14, "D")),
        )
        for k, name in enumerate(cycle_names)
    )
    committed = steps.keep[:, 1] & (entry[:, 1] <= end_w)
    leave = np.where(moves.finished, entry[:, _FINAL], np.inf)
    ready_w = np.where(committed, entry[:, 1], 0.0)
    first_k = np.floor(ready_w / _CYCLE_WORKDAYS).astype(np.int64)
    last_k = np.floor(np.minimum(leave, end_w - 1e-9) / _CYCLE_WORKDAYS).astype(np.int64)
    spans = np.where(committed, last_k - first_k + 1, 0)
    cyc_item = np.repeat(np.arange(entry.shape[0]), spans)
    offsets = np.arange(cyc_item.size) - np.repeat(np.cumsum(spans) - spans, spans)
    cyc_code = first_k[cyc_item] + offsets
    joined_w = np.maximum(cycle_start_w[cyc_code], entry[cyc_item, 1])
    cycle_end_w = cycle_start_w[cyc_code] + _CYCLE_WORKDAYS
    left_w = np.minimum(cycle_end_w, leave[cyc_item])
    cyc_joined = _to_time(span.anchor, joined_w)
    cyc_left = np.where(
        left_w <= end_w,
        _to_time(span.anchor, np.minimum(left_w, end_w)),
        np.datetime64("NaT", "us"),
    ).astype("datetime64[us]")
    # a cycle's planned items joined at its start: record exactly the start
    at_start = joined_w <= cycle_start_w[cyc_code] + 0.3
    cyc_joined[at_start] = cycle_start_t[cyc_code[at_start]]
    return _Cycles(cycle_names, windows, cyc_item, cyc_code, cyc_joined, cyc_left)


def _backlog_ranks(arrivals: _Arrivals) -> tuple[str, ...]:
    """Backlog ranks: the scope-added campaign first, then oldest first."""
    n = arrivals.created.size
    rank_of = np.empty(n, dtype=np.int64)
    rank_of[np.lexsort((arrivals.created, ~arrivals.is_scope))] = np.arange(n)
    return tuple(f"0|{r:07d}" for r in rank_of.tolist())


class _Labels(NamedTuple):
    item: NDArray[np.int32]
    code: NDArray[np.int32]
    names: tuple[str, ...]


def _labels(
    campaigns: NDArray[np.str_], kind: NDArray[np.int64], is_scope: NDArray[np.bool_]
) -> _Labels:
    """``campaign:<name>`` and ``channel:<name>`` on every item, ``scope-added`` on the new
    campaign's; sorted by item, then label."""
    n = kind.size
    labels_campaign = ["campaign:" + c.lower().replace(" ", "-") for c in campaigns.tolist()]
    channels = np.array(["channel:" + c for c in _CHANNELS])
    label_names, label_code = np.unique(
        np.concatenate([np.array(labels_campaign), channels[kind]]),
        return_inverse=True,
    )
    label_item = np.concatenate([np.arange(n), np.arange(n)])
    scope_rows = np.flatnonzero(is_scope)
    all_labels = [*label_names.tolist(), "scope-added"]
    label_item = np.concatenate([label_item, scope_rows])
    label_code = np.concatenate([label_code, np.full(scope_rows.size, len(all_labels) - 1)])
    order_l = np.lexsort((label_code, label_item))
    return _Labels(
        label_item[order_l].astype(np.int32),
        label_code[order_l].astype(np.int32),
        tuple(all_labels),
    )


def _to_time(anchor: np.datetime64, work: NDArray[np.float64]) -> NDArray[np.datetime64]:
    """Working-day positions (day + fraction of the working day) as UTC ``datetime64[us]``."""
    whole = np.floor(work)
    days = np.busday_offset(anchor, whole.astype(np.int64), roll="forward")
    micros = ((_DAY_START_H + (work - whole) * _DAY_HOURS) * 3600e6).astype(np.int64)
    moments: NDArray[np.datetime64] = days.astype("datetime64[us]") + micros.astype(
        "timedelta64[us]"
    )
    return moments
