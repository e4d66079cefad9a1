"""Realistic, seeded, synthetic histories of an agile marketing board.

:func:`simulate_board` invents a year (or any span) of a marketing team's board: campaigns,
content, emails, events and social posts with marketing summaries, flowing through
*Backlog → Ready → In Progress → Waiting for Approval → Review → Done*, with what real boards
show:

- arrivals that vary over the year (a seasonal swell, a December lull, a burst of requests
  after every quarterly Collaborative Planning Workshop) and **scope added mid-way** (a
  competitor-response campaign, labelled ``scope-added``);
- labels ``campaign:<name>`` (two campaigns a quarter) and ``channel:<name>``, and a backlog
  rank (the new campaign's work first, then oldest first);
- fortnightly launch cycles: most work is pulled into *Ready* at cycle planning, some
  ad-hoc work mid-cycle (unplanned); cycle memberships and cycle windows are recorded;
- approvals as a waiting stage with a long tail, rework (*Review → In Progress*), blocked
  periods, abandoned work (*Won't Do*) and quarterly backlog pruning of stale requests;
- a backlog that grows, because some requests are never pulled (the five-year backlog).

Generation is vectorised with numpy (no Python loop per transition), so 100,000 items take a
second or two. The result is a :class:`~agilemarketing.historyio.HistoryTable` plus the
:class:`~agilemarketing.workflow.Workflow` it follows; :meth:`SimulatedBoard.write` saves both
as ``history.jsonl`` and ``workflow.toml``.

:func:`stress_board` is its dense sibling for performance work: about ten transitions per
item (back-and-forth moves, reopened items), so 100,000 items make about 1,000,000
transitions, the size the benchmarks and the flow report are measured at.

>>> board = simulate_board(items=60, seed=3)
>>> len(board.table), board.workflow.names[:3]
(60, ('Backlog', 'Ready', 'In Progress'))
>>> board.table.keys[0], board.table.summaries[0] != ""
(np.str_('MKT-1'), True)
>>> simulate_board(items=60, seed=3).table.tr_at.tolist() == board.table.tr_at.tolist()
True
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import attrs
import numpy as np
from numpy.typing import NDArray

from agilemarketing.errors import InvalidValue
from agilemarketing.historyio import CycleWindow, HistoryTable, write_history
from agilemarketing.workflow import Workflow

__all__ = ["STAGES", "SimulatedBoard", "marketing_workflow", "simulate_board", "stress_board"]

STAGES = ("Backlog", "Ready", "In Progress", "Waiting for Approval", "Review", "Done")
"""The board's stages, in order."""

_WONT_DO = "Won't Do"
_STATUS_NAMES = (*STAGES, _WONT_DO)
_BACKLOG, _READY, _DOING, _APPROVAL, _REVIEW, _DONE, _DROPPED = range(7)
# Path of every item: Backlog, Ready, In Progress, Approval, Review, (rework) In Progress,
# Review, and a final Done or Won't Do.
_PATH = np.array([_BACKLOG, _READY, _DOING, _APPROVAL, _REVIEW, _DOING, _REVIEW, _DONE])
_FINAL = _PATH.size - 1

_TYPES = ("Campaign", "Content", "Email", "Event", "Social")
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

_TOPICS = (
    "choosing a CRM",
    "pricing transparency",
    "onboarding in ten minutes",
    "data privacy for small teams",
    "marketing automation ROI",
    "customer retention",
    "AI in customer service",
    "the spring product update",
    "the integrations roadmap",
    "switching from spreadsheets",
)
_CUSTOMERS = (
    "Nordlicht Bakery",
    "Kowalski Logistics",
    "Greenleaf Clinics",
    "Atlas Tooling",
    "Bright Harbor Bank",
)
_EVENTS = ("SaaS Connect Berlin", "Retail Summit Warsaw", "Partner Day", "Customer Advisory Board")
_CAMPAIGNS = (  # two per quarter
    ("New Year kick-off", "Spring launch"),
    ("Spring launch", "Partner webinar series"),
    ("Summer retention", "Back to business"),
    ("Black Friday", "Year in review"),
)
_SCOPE_CAMPAIGN = "Competitor response"
_TEMPLATES = (
    (
        "{campaign}: campaign brief and landing page",
        "{campaign}: paid search ads",
        "{campaign}: launch plan and channel mix",
    ),
    (
        "Blog post: {topic}",
        "Case study: {customer}",
        "Whitepaper chapter: {topic}",
        "Infographic: {topic}",
        "Video script: {topic}",
    ),
    (
        "Nurture email: {topic}",
        "Newsletter: {month} edition",
        "Webinar invitation: {topic}",
        "Re-engagement email for lapsed trial users",
    ),
    (
        "{event}: booth design and staffing",
        "{event}: follow-up email sequence",
        "Webinar: {topic}",
    ),
    (
        "LinkedIn carousel: {topic}",
        "Instagram stories: {campaign}",
        "Customer quote cards: {customer}",
        "Short video teaser: {campaign}",
    ),
)
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


def _workflow_toml(workflow: Workflow) -> str:
    lines = [
        "# The workflow of the simulated marketing board (agilemarketing.simulate).",
        f'start = "{workflow.start}"',
        f'done = "{workflow.done}"',
        "",
    ]
    for stage in workflow.stages:
        lines += [
            "[[stages]]",
            f'name = "{stage.name}"',
            f'category = "{stage.category.value}"',
        ]
        if not stage.active:
            lines.append("active = false")
        if stage.wip.maximum is not None:
            lines.append(f"wip = {stage.wip.maximum}")
        lines.append("")
    return "\n".join(lines)


@attrs.frozen(eq=False)
class SimulatedBoard:
    """A generated board: its histories (columns), its workflow and when the history ends."""

    table: HistoryTable
    workflow: Workflow
    end: datetime
    seed: int

    def write(self, directory: str | os.PathLike[str]) -> tuple[Path, Path]:
        """Write ``history.jsonl`` and ``workflow.toml`` into ``directory`` (created if needed).

        Returns the two paths.
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        history = folder / "history.jsonl"
        workflow = folder / "workflow.toml"
        write_history(self.table, history)
        workflow.write_text(_workflow_toml(self.workflow), encoding="utf-8")
        return history, workflow


def _check(name: str, value: int, low: int) -> int:
    if int(value) != value or value < low:
        raise InvalidValue(
            f"{name} must be a whole number of at least {low}",
            where="simulate_board",
            fix=f"pass {name}={max(low, 1)} or more",
            value=value,
        )
    return int(value)


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
    n = _check("items", items, 1)
    span = _check("days", days, 28)
    rng = np.random.default_rng(seed)
    end_day = np.datetime64(end, "D")
    anchor = np.busday_offset(end_day - span, 0, roll="backward", weekmask="Mon")
    workdays = int(np.busday_count(anchor, end_day + 1))
    end_w = float(workdays)  # the history ends at the close of ``end``
    wdates = np.busday_offset(anchor, np.arange(workdays))

    # --- arrivals over the year -------------------------------------------------------------
    year_pos = (wdates - wdates.astype("datetime64[Y]")).astype(np.int64) / 365.25
    rate = 1.0 + 0.3 * np.sin(2 * np.pi * (year_pos - 0.1))
    month_day = (wdates - wdates.astype("datetime64[M]")).astype(np.int64)
    months = wdates.astype("datetime64[M]").astype(np.int64) % 12
    rate[(months == 11) & (month_day >= 18)] *= 0.3  # December lull
    quarter_start = (months % 3 == 0) & (month_day < 7)
    rate[quarter_start] *= 2.5  # requests after each planning workshop
    scoped = max(round(0.07 * n), 1) if n >= 20 else 0
    regular = np.bincount(
        rng.choice(workdays, size=n - scoped, p=rate / rate.sum()), minlength=workdays
    )
    scope_day = int(0.55 * workdays)
    scope_days = scope_day + rng.integers(0, 5, scoped)
    day_of = np.concatenate([np.repeat(np.arange(workdays), regular), scope_days])
    moments = day_of + rng.random(n) * 0.9
    order = np.argsort(moments, kind="stable")
    created = moments[order]  # keys follow creation order
    is_scope = np.concatenate([np.zeros(n - scoped, bool), np.ones(scoped, bool)])[order]

    # --- what each item is ----------------------------------------------------------------
    kind = rng.choice(len(_TYPES), size=n, p=_TYPE_SHARE)
    kind[is_scope] = rng.choice([0, 1, 4], size=int(is_scope.sum()), p=[0.3, 0.3, 0.4])
    points = np.empty(n)
    for k, options in enumerate(_POINTS):
        mask = kind == k
        points[mask] = rng.choice(options, size=int(mask.sum()))
    created_dates = wdates[np.minimum(created.astype(np.int64), workdays - 1)]
    quarter = created_dates.astype("datetime64[M]").astype(np.int64) % 12 // 3
    campaign_pick = rng.integers(0, 2, n)
    campaigns = np.array([c for pair in _CAMPAIGNS for c in pair])[quarter * 2 + campaign_pick]
    campaigns = np.where(is_scope, _SCOPE_CAMPAIGN, campaigns)

    # --- how long each step takes (working days) ----------------------------------------
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

    # planned work is pulled into Ready at a cycle's planning; ad-hoc work at once
    wanted = created + durations[:, 0]
    planned = rng.random(n) < 0.8
    pulled = np.where(planned, np.ceil(wanted / _CYCLE_WORKDAYS) * _CYCLE_WORKDAYS, wanted)
    pulled = np.where(planned, pulled + rng.random(n) * 0.3, pulled)
    durations[:, 0] = pulled - created

    # blocked periods: while in progress or waiting for approval, extend that step
    blocked = rng.random(n) < 0.15
    blocked_col = np.where(keep[:, 3] & (rng.random(n) < 0.5), 3, 2)
    blocked_len = _lognormal(rng, 2.0, 0.7, n)
    blocked_at = rng.random(n) * durations[np.arange(n), blocked_col]
    durations[blocked, blocked_col[blocked]] += blocked_len[blocked]

    # fates: never pulled, pruned at a quarterly workshop, abandoned mid-way
    final = np.full(n, _DONE)
    never = rng.random(n) < 0.2
    durations[never, 0] = np.inf
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

    # --- transitions: entry time of every kept step -------------------------------------
    steps = np.where(keep, durations, 0.0)
    entry = created[:, None] + np.concatenate(
        [np.zeros((n, 1)), np.cumsum(steps[:, :-1], axis=1)], axis=1
    )
    status = np.broadcast_to(_PATH, (n, _PATH.size)).copy()
    status[:, _FINAL] = final
    happened = keep & (entry <= end_w)
    # from-status: the previous kept step
    col_index = np.where(keep, np.arange(_PATH.size), -1)
    prev_col = np.maximum.accumulate(col_index, axis=1)
    prev_col = np.concatenate([np.full((n, 1), -1), prev_col[:, :-1]], axis=1)
    from_status = np.where(
        prev_col >= 0, np.take_along_axis(status, np.maximum(prev_col, 0), axis=1), -1
    )
    tr_item, tr_col = np.nonzero(happened)
    tr_at = _to_time(anchor, entry[tr_item, tr_col])
    tr_to = status[tr_item, tr_col]
    tr_from = from_status[tr_item, tr_col]
    last_col = np.where(happened, np.arange(_PATH.size), -1).max(axis=1)
    current = status[np.arange(n), last_col]
    finished = happened[:, _FINAL]
    resolved = np.full(n, np.datetime64("NaT", "us"))
    resolved[finished] = _to_time(anchor, entry[finished, _FINAL])

    # --- blocked periods ----------------------------------------------------------------
    block_start = entry[np.arange(n), blocked_col] + blocked_at
    has_block = blocked & keep[np.arange(n), blocked_col] & (block_start <= end_w)
    blk_item = np.flatnonzero(has_block)
    blk_end = block_start[blk_item] + blocked_len[blk_item]
    blk_to = np.where(
        blk_end <= end_w, _to_time(anchor, blk_end), np.datetime64("NaT", "us")
    ).astype("datetime64[us]")

    # --- launch cycles and who was in which -------------------------------------------
    n_cycles = int(np.ceil(end_w / _CYCLE_WORKDAYS))
    cycle_start_w = np.arange(n_cycles) * _CYCLE_WORKDAYS
    cycle_names = tuple(f"Cycle {k + 1}" for k in range(n_cycles))
    cycle_start_t = (anchor + 14 * np.arange(n_cycles)).astype("datetime64[us]")
    cycles = tuple(
        CycleWindow(
            name,
            _dt(cycle_start_t[k]),
            _dt(cycle_start_t[k] + np.timedelta64(14, "D")),
        )
        for k, name in enumerate(cycle_names)
    )
    committed = keep[:, 1] & (entry[:, 1] <= end_w)
    leave = np.where(finished, entry[:, _FINAL], np.inf)
    ready_w = np.where(committed, entry[:, 1], 0.0)
    first_k = np.floor(ready_w / _CYCLE_WORKDAYS).astype(np.int64)
    last_k = np.floor(np.minimum(leave, end_w - 1e-9) / _CYCLE_WORKDAYS).astype(np.int64)
    spans = np.where(committed, last_k - first_k + 1, 0)
    cyc_item = np.repeat(np.arange(n), spans)
    offsets = np.arange(cyc_item.size) - np.repeat(np.cumsum(spans) - spans, spans)
    cyc_code = first_k[cyc_item] + offsets
    joined_w = np.maximum(cycle_start_w[cyc_code], entry[cyc_item, 1])
    cycle_end_w = cycle_start_w[cyc_code] + _CYCLE_WORKDAYS
    left_w = np.minimum(cycle_end_w, leave[cyc_item])
    cyc_joined = _to_time(anchor, joined_w)
    cyc_left = np.where(
        left_w <= end_w, _to_time(anchor, np.minimum(left_w, end_w)), np.datetime64("NaT", "us")
    ).astype("datetime64[us]")
    # a cycle's planned items joined at its start: record exactly the start
    at_start = joined_w <= cycle_start_w[cyc_code] + 0.3
    cyc_joined[at_start] = cycle_start_t[cyc_code[at_start]]

    # --- backlog rank: the scope-added campaign first, then oldest first -------------
    rank_of = np.empty(n, dtype=np.int64)
    rank_of[np.lexsort((created, ~is_scope))] = np.arange(n)

    # --- words --------------------------------------------------------------------------
    summaries = _summaries(rng, kind, campaigns, created_dates)
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

    table = HistoryTable(
        keys=np.array([f"{prefix}-{i + 1}" for i in range(n)], dtype=np.str_),
        summaries=tuple(summaries),
        types=kind.astype(np.int32),
        type_names=_TYPES,
        statuses=current.astype(np.int32),
        status_names=_STATUS_NAMES,
        created=_to_time(anchor, created),
        resolved=resolved.astype("datetime64[us]"),
        points=points,
        ranks=tuple(f"0|{r:07d}" for r in rank_of.tolist()),
        tr_item=tr_item.astype(np.int32),
        tr_at=tr_at,
        tr_from=tr_from.astype(np.int32),
        tr_to=tr_to.astype(np.int32),
        tr_observed=np.zeros(tr_item.size, dtype=bool),
        label_item=label_item[order_l].astype(np.int32),
        label_code=label_code[order_l].astype(np.int32),
        label_names=tuple(all_labels),
        sprint_item=cyc_item.astype(np.int32),
        sprint_code=cyc_code.astype(np.int32),
        sprint_names=cycle_names,
        blk_item=blk_item.astype(np.int32),
        blk_from=_to_time(anchor, block_start[blk_item]),
        blk_to=blk_to,
        cyc_item=cyc_item.astype(np.int32),
        cyc_code=cyc_code.astype(np.int32),
        cyc_joined=cyc_joined,
        cyc_left=cyc_left,
        cycle_names=cycle_names,
        cycles=cycles,
    )
    end_time = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    return SimulatedBoard(table, marketing_workflow(), end_time, seed)


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
    n = _check("items", items, 1)
    rng = np.random.default_rng(seed)
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
    # Times: created over two years, gaps of about a day and a half (exponential).
    created = np.datetime64("2024-06-01T08:00", "us").astype(np.int64) + rng.integers(
        0, 700 * _DAY_US, n
    )
    gaps = rng.exponential(1.5 * _DAY_US, total).astype(np.int64) + 60_000_000
    elapsed = np.cumsum(gaps)
    base = np.repeat(elapsed[first] - gaps[first], per_item)
    at = np.repeat(created, per_item) + (elapsed - base)
    # Blocked periods for 15% of the items, inside their life.
    blocked = np.flatnonzero(rng.random(n) < 0.15)
    b_from = at[first][blocked] + rng.integers(0, 3 * _DAY_US, len(blocked))
    b_to = b_from + rng.integers(_DAY_US // 4, 3 * _DAY_US, len(blocked))
    # Fortnightly cycles; each item joins the cycle running at its first transition.
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
    joined = at[first]
    cycle = np.clip((joined - cycle_start) // (14 * _DAY_US), 0, n_cycles - 1)
    us = "datetime64[us]"
    table = HistoryTable(
        keys=np.char.add("MKT-", np.arange(1, n + 1).astype(str)),
        summaries=("",) * n,
        types=rng.integers(0, len(_TYPES), n).astype(np.int32),
        type_names=_TYPES,
        statuses=position[last].astype(np.int32),
        status_names=(*_STRESS_STAGES, _WONT_DO),
        created=created.view(us),
        resolved=np.full(n, np.datetime64("NaT", "us")),
        points=rng.choice([1.0, 2.0, 3.0, 5.0, 8.0], n),
        ranks=(None,) * n,
        tr_item=item.astype(np.int32),
        tr_at=at.view(us),
        tr_from=before.astype(np.int32),
        tr_to=position.astype(np.int32),
        tr_observed=np.zeros(total, dtype=bool),
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
    return SimulatedBoard(table, workflow, _dt(at.max().view(us)), seed)


def _to_time(anchor: np.datetime64, work: NDArray[np.float64]) -> NDArray[np.datetime64]:
    """Working-day positions (day + fraction of the working day) as UTC ``datetime64[us]``."""
    whole = np.floor(work)
    days = np.busday_offset(anchor, whole.astype(np.int64), roll="forward")
    micros = ((_DAY_START_H + (work - whole) * _DAY_HOURS) * 3600e6).astype(np.int64)
    moments: NDArray[np.datetime64] = days.astype("datetime64[us]") + micros.astype(
        "timedelta64[us]"
    )
    return moments


def _dt(value: np.datetime64) -> datetime:
    micros = int(value.astype("datetime64[us]").astype(np.int64))
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


def _summaries(
    rng: np.random.Generator,
    kind: NDArray[np.int64],
    campaigns: NDArray[np.str_],
    created: NDArray[np.datetime64],
) -> list[str]:
    n = kind.size
    pick = rng.integers(0, 1 << 30, n)
    topics = rng.integers(0, len(_TOPICS), n)
    customers = rng.integers(0, len(_CUSTOMERS), n)
    events = rng.integers(0, len(_EVENTS), n)
    month_names = [
        datetime(2000, m + 1, 1, tzinfo=UTC).strftime("%B")
        for m in (created.astype("datetime64[M]").astype(np.int64) % 12).tolist()
    ]
    return [
        _TEMPLATES[k][p % len(_TEMPLATES[k])].format(
            campaign=campaign,
            topic=_TOPICS[t],
            customer=_CUSTOMERS[c],
            event=_EVENTS[e],
            month=month,
        )
        for k, p, t, c, e, campaign, month in zip(
            kind.tolist(),
            pick.tolist(),
            topics.tolist(),
            customers.tolist(),
            events.tolist(),
            campaigns.tolist(),
            month_names,
            strict=True,
        )
    ]
