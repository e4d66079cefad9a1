"""The charts of the flow metrics, one function per result of :mod:`agilemarketing.metrics`.

Each takes a result (any object of the shape in :mod:`agilemarketing.charts.shapes`) and an
optional Axes, draws a readable default (title, labelled axes, percentile lines, formatted
dates) and returns the Axes; the results' ``plot(ax=None)`` methods call these.

>>> from agilemarketing.extras import pyplot
>>> from agilemarketing.metrics import xmr
>>> ax = plot_xmr(xmr([3, 4, 3, 5, 4, 12], label="weekly throughput"))
>>> ax.get_title()
'Process behaviour: weekly throughput'
>>> pyplot().close(ax.figure)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agilemarketing.charts.axes import (
    axes,
    date_axis,
    dates,
    dot_size,
    labelled,
    nothing_to_show,
    percentile_lines,
    sparse_ticks,
    whole_ticks,
)
from agilemarketing.charts.palette import (
    BLUE,
    DARK_GREY,
    GREEN,
    GREY,
    LIGHT_GREY,
    ORANGE,
    RED,
    STATUS_COLOURS,
    VERMILION,
    confidence_colour,
)
from agilemarketing.charts.shapes import (
    AgeingLike,
    BlockedLike,
    BurnupLike,
    CfdLike,
    CyclesLike,
    CycleTimesLike,
    FlowEfficiencyLike,
    NetFlowLike,
    ServiceLevelLike,
    ThroughputLike,
    WhenLike,
    WipBreachesLike,
    WipLike,
    XmrLike,
)

__all__ = [
    "plot_ageing",
    "plot_blocked",
    "plot_burnup",
    "plot_cfd",
    "plot_cycle_time_histogram",
    "plot_cycle_times",
    "plot_cycles",
    "plot_flow_efficiency",
    "plot_net_flow",
    "plot_service_level",
    "plot_throughput",
    "plot_wip",
    "plot_wip_breaches",
    "plot_xmr",
]


def plot_cycle_times(result: CycleTimesLike, ax: Any = None) -> Any:
    """Scatter of cycle time (calendar days) by finishing date, with percentile lines.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import cycle_times
    >>> ax = plot_cycle_times(cycle_times(FlowLog.example()))
    >>> ax.get_title()
    'Cycle time (2 items)'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    if not len(result):
        return nothing_to_show(ax, "Cycle time", "No item has finished yet: nothing to show.")
    size, alpha = dot_size(len(result), 12)
    ax.scatter(dates(result.done), result.calendar_days, s=size, alpha=alpha, color=BLUE)
    percentile_lines(ax, result.percentiles())
    return labelled(
        ax,
        f"Cycle time ({len(result):,} items)",
        "finished on",
        "cycle time (calendar days)",
        legend="upper left" if len(result) else None,
        dates=True,
    )


def plot_cycle_time_histogram(result: CycleTimesLike, ax: Any = None) -> Any:
    """How many items took each number of calendar days, with percentile lines: the shape of
    the scatter of :func:`plot_cycle_times` (one bar a day up to 60 days, wider bins beyond).

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import cycle_times
    >>> ax = plot_cycle_time_histogram(cycle_times(FlowLog.example()))
    >>> ax.get_title(), int(sum(bar.get_height() for bar in ax.patches))
    ('Cycle time distribution (2 items)', 2)
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    title = "Cycle time distribution"
    if not len(result):
        return nothing_to_show(ax, title, "No item has finished yet: nothing to show.")
    values = np.asarray(result.calendar_days, dtype=float)
    values = values[np.isfinite(values)]
    top = int(np.ceil(values.max())) if len(values) else 0
    if top <= 60:
        counts = np.bincount(np.rint(values).astype(np.int64), minlength=top + 1)
        ax.bar(np.arange(len(counts)), counts, width=0.9, color=BLUE)
    else:
        ax.hist(values, bins=50, range=(0, top), color=BLUE)
    percentile_lines(ax, result.percentiles(), horizontal=False)
    ax.set_xlim(left=-0.5)
    return labelled(
        ax,
        f"{title} ({len(result):,} items)",
        "cycle time (calendar days)",
        "items",
        legend="upper right",
    )


def plot_throughput(result: ThroughputLike, ax: Any = None) -> Any:
    """Items finished per week.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import throughput
    >>> ax = plot_throughput(throughput(FlowLog.example()))
    >>> ax.get_title()
    'Throughput per week (2 items)'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    weeks, counts = result.weekly()
    if not result.total:
        return nothing_to_show(
            ax, "Throughput per week", "No item has finished yet: nothing to show."
        )
    ax.bar(dates(weeks), counts, width=6, align="edge", color=BLUE)
    return labelled(
        ax,
        f"Throughput per week ({result.total:,} items)",
        "week starting",
        "items finished",
        dates=True,
    )


def plot_net_flow(result: NetFlowLike, ax: Any = None) -> Any:
    """Cumulative arrivals and departures (the gap between the lines is WIP growth).

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import net_flow
    >>> ax = plot_net_flow(net_flow(FlowLog.example()))
    >>> ax.get_title()
    'Net flow: items started vs finished'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    days = dates(result.days)
    ax.plot(days, np.cumsum(result.arrivals), label="started (cumulative)", color=VERMILION)
    ax.plot(days, np.cumsum(result.departures), label="finished (cumulative)", color=GREEN)
    return labelled(
        ax, "Net flow: items started vs finished", "date", "items", legend="upper left", dates=True
    )


def plot_wip(result: WipLike, ax: Any = None) -> Any:
    """Items in progress per day, stacked by stage.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import wip
    >>> ax = plot_wip(wip(FlowLog.example()))
    >>> ax.get_title()
    'Work in progress'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    days = dates(result.days)
    used = [k for k in range(len(result.stages)) if result.per_stage[:, k].any()]
    if not used:
        return nothing_to_show(ax, "Work in progress", "Nothing was ever in progress.")
    ax.stackplot(
        days,
        *(result.per_stage[:, k] for k in used),
        labels=[result.stages[k] for k in used],
        alpha=0.85,
    )
    return labelled(
        ax, "Work in progress", "date", "items in progress", legend="upper left", dates=True
    )


def plot_cfd(result: CfdLike, ax: Any = None) -> Any:
    """The cumulative flow diagram: one band per stage, done at the bottom.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import cumulative_flow
    >>> ax = plot_cfd(cumulative_flow(FlowLog.example()))
    >>> ax.get_title()
    'Cumulative flow'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    days = dates(result.days)
    bands = result.bands
    order = list(range(len(result.stages)))[::-1]
    ax.stackplot(
        days, *(bands[:, k] for k in order), labels=[result.stages[k] for k in order], alpha=0.9
    )
    ax.set_title("Cumulative flow")
    ax.set_xlabel("date")
    ax.set_ylabel("items (cumulative)")
    whole_ticks(ax)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", fontsize=8)
    date_axis(ax)
    return ax


def plot_ageing(result: AgeingLike, ax: Any = None) -> Any:
    """Age of each item in progress per stage, with cycle-time percentile lines.

    Each in-progress stage is a column (shaded in turn), in workflow order, with the number
    of items in it; the age axis starts at zero.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import ageing_wip
    >>> ax = plot_ageing(ageing_wip(FlowLog.example()))
    >>> ax.get_title()
    'Ageing work in progress (1 items)'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    stages = list(result.board) or list(dict.fromkeys(result.stages.tolist()))
    title = f"Ageing work in progress ({len(result.keys):,} items)"
    if not len(result.keys):
        return nothing_to_show(ax, title, "Nothing is in progress.")
    for k in range(len(stages)):  # the stage columns
        ax.axvspan(k - 0.5, k + 0.5, color=LIGHT_GREY, alpha=0.18 if k % 2 else 0.07, lw=0)
    x = np.array([stages.index(s) for s in result.stages.tolist()], dtype=float)
    jitter = np.random.default_rng(0).uniform(-0.3, 0.3, len(x))
    size, alpha = dot_size(len(x), 16)
    ax.scatter(x + jitter, result.age_days, s=size, alpha=alpha, color=BLUE)
    percentile_lines(ax, dict(result.thresholds))
    counts = np.bincount(x.astype(np.int64), minlength=len(stages)) if len(x) else [0] * len(stages)
    ax.set_xticks(
        range(len(stages)), [f"{s}\n({n:,})" for s, n in zip(stages, counts, strict=True)]
    )
    ax.set_xlim(-0.5, len(stages) - 0.5)
    ax.set_ylim(bottom=0)
    return labelled(
        ax,
        title,
        "stage (items in it)",
        "age (calendar days)",
        legend="upper left" if len(result.keys) else None,
    )


def plot_burnup(result: BurnupLike, ax: Any = None, *, forecast: WhenLike | None = None) -> Any:
    """Done and total scope over time; with a ``forecast`` of when the work still open (scope
    minus done, on the last day) is done, its cone: a dashed line per confidence level from
    today's done count to the scope on the date it is that likely reached.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.forecast import when_done
    >>> from agilemarketing.metrics import burnup, throughput
    >>> log = FlowLog.example()
    >>> ax = plot_burnup(burnup(log))
    >>> ax.get_title()
    'Burnup: done vs scope'
    >>> sample = throughput(log).sample()
    >>> ax = plot_burnup(burnup(log), forecast=when_done(1, sample, method="exact"))
    >>> ax.get_title()
    'Burnup: done vs scope, and when its 1 open items are likely done'
    >>> pyplot().close("all")
    """
    ax = axes(ax)
    title = "Burnup: done vs scope"
    if not len(result.days):
        return nothing_to_show(ax, title, "The history has no days: nothing to show.")
    days = dates(result.days)
    ax.plot(days, result.scope, label="scope", color=GREY, drawstyle="steps-post")
    ax.plot(days, result.done, label="done", color=GREEN, drawstyle="steps-post")
    if forecast is not None and forecast.items > 0:
        _cone(ax, days[-1], int(result.done[-1]), int(result.scope[-1]), forecast)
        title += f", and when its {forecast.items:,} open items are likely done"
    return labelled(ax, title, "date", "items", legend="upper left", dates=True)


def _cone(ax: Any, today: Any, done: int, scope: int, forecast: WhenLike) -> None:
    """The forecast cone of a burnup: from (today, done) to (the date, scope) per level."""
    reached = [(p.confidence, p.date) for p in forecast.percentiles if p.date is not None]
    if not reached:
        ax.plot([], [], " ", label=f"not done within {forecast.horizon_days:,} days")
        return
    ends = [dates(np.array([d], dtype="datetime64[D]"))[0] for _, d in reached]
    ax.fill([today, ends[0], ends[-1]], [done, scope, scope], color=LIGHT_GREY, alpha=0.3, lw=0)
    ax.hlines(scope, today, ends[-1], color=GREY, linestyle=":", linewidth=1)
    for i, ((confidence, day), end) in enumerate(zip(reached, ends, strict=True)):
        ax.plot(
            [today, end],
            [done, scope],
            color=confidence_colour(confidence, i),
            linestyle="--",
            linewidth=1.2,
            label=f"{confidence:.0%} likely done by {day.isoformat()}",
        )


def plot_cycles(result: CyclesLike, ax: Any = None) -> Any:
    """Committed vs completed items per cycle (or velocity when no cycle windows are known).

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import cycle_report
    >>> ax = plot_cycles(cycle_report(FlowLog.example()))
    >>> ax.get_title()
    'Velocity per cycle'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    if not len(result.names):
        return nothing_to_show(ax, "Velocity per cycle", "The history names no cycles.")
    shown = ~np.asarray(result.planned, dtype=bool)  # planned ahead: a plan, not a result
    x = np.arange(int(shown.sum()))
    running = np.asarray(result.running, dtype=bool)[shown]
    hatch = ["///" if r else "" for r in running]  # still running: not comparable yet
    committed, completed = result.committed[shown], result.completed[shown]
    if len(x) and (committed >= 0).all():
        bars = ax.bar(x - 0.2, committed, width=0.4, label="committed", color=LIGHT_GREY)
        done = ax.bar(x + 0.2, completed, width=0.4, label="completed", color=GREEN)
        for patch, pattern in [*zip(bars, hatch, strict=True), *zip(done, hatch, strict=True)]:
            patch.set_hatch(pattern)
        ax.set_ylabel("items")
        whole_ticks(ax)
        ax.set_title("Predictability: committed vs completed per cycle")
        tallest = float(max(int(committed.max()), int(completed.max()), 1))
    else:
        velocity = result.velocity[shown]
        for patch, pattern in zip(ax.bar(x, velocity, color=BLUE), hatch, strict=True):
            patch.set_hatch(pattern)
        ax.set_ylabel("points finished")
        ax.set_title("Velocity per cycle")
        finite = velocity[np.isfinite(velocity)]
        tallest = max(float(finite.max()) if finite.size else 0.0, 1.0)
    ax.set_ylim(0, tallest * 1.35)  # headroom: the legend stays off the first bars
    handles, labels = ax.get_legend_handles_labels()
    if running.any():
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor="white", edgecolor=DARK_GREY, hatch="///"))
        labels.append("still running")
    if handles:
        ax.legend(handles, labels, loc="upper left", fontsize=8)
    names = [
        f"{name} (running)" if r else name
        for name, r in zip(np.asarray(result.names, dtype=object)[shown], running, strict=True)
    ]
    sparse_ticks(ax, names, rotation=45, ha="right")
    planned = int((~shown).sum())
    ax.set_xlabel(
        f"cycle ({planned} planned cycle{'s' if planned != 1 else ''}, not started yet, not shown)"
        if planned
        else "cycle"
    )
    return ax


def plot_flow_efficiency(result: FlowEfficiencyLike, ax: Any = None) -> Any:
    """Histogram of per-item flow efficiency with the team's overall value.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import flow_efficiency
    >>> ax = plot_flow_efficiency(flow_efficiency(FlowLog.example()))
    >>> ax.get_title()
    'Flow efficiency (active time / cycle time)'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    values = result.per_item[np.isfinite(result.per_item)] * 100
    if not len(values):
        return nothing_to_show(
            ax,
            "Flow efficiency (active time / cycle time)",
            "No finished item to measure: nothing to show.",
        )
    ax.hist(values, bins=20, range=(0, 100), color=BLUE)
    if np.isfinite(result.overall):
        ax.axvline(
            result.overall * 100,
            color=ORANGE,
            linestyle="--",
            label=f"overall {result.overall:.0%}",
        )
        ax.legend(loc="upper right", fontsize=8)
    return labelled(
        ax, "Flow efficiency (active time / cycle time)", "flow efficiency (%)", "items"
    )


def plot_blocked(result: BlockedLike, ax: Any = None, *, top: int = 20) -> Any:
    """The ``top`` most blocked items and their blocked days.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import blocked_time
    >>> ax = plot_blocked(blocked_time(FlowLog.example()))
    >>> ax.get_title()
    'Blocked time per item'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    order = np.argsort(-result.blocked_days, kind="stable")[:top]
    order = order[result.blocked_days[order] > 0]
    if not len(order):
        return nothing_to_show(ax, "Blocked time per item", "Nothing was blocked.")
    ax.barh(result.keys[order][::-1], result.blocked_days[order][::-1], color=RED)
    return labelled(ax, "Blocked time per item", "blocked days", "item")


def plot_wip_breaches(result: WipBreachesLike, ax: Any = None) -> Any:
    """Daily count of each WIP-limited stage, with its maximum.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import wip_breaches
    >>> ax = plot_wip_breaches(wip_breaches(FlowLog.example()))
    >>> ax.get_title()
    'WIP against limits (dotted)'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    if not len(result.stages):
        return nothing_to_show(ax, "WIP against limits (dotted)", "No stage has a WIP limit.")
    days = dates(result.days)
    for k, stage in enumerate(result.stages):
        line = ax.plot(days, result.counts[:, k], label=stage)[0]
        if result.maximum[k] >= 0:
            ax.axhline(result.maximum[k], color=line.get_color(), linestyle=":", linewidth=1)
    return labelled(
        ax, "WIP against limits (dotted)", "date", "items in stage", legend="upper left", dates=True
    )


def plot_service_level(result: ServiceLevelLike, ax: Any = None, *, top: int = 40) -> Any:
    """Ages of the ``top`` oldest items in progress against the SLE, coloured by status.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.flow import FlowLog
    >>> from agilemarketing.metrics import service_level
    >>> ax = plot_service_level(service_level(FlowLog.example()))
    >>> ax.get_title()
    'Service level expectation: items in progress'
    >>> pyplot().close(ax.figure)
    """
    ax = axes(ax)
    if not len(result.keys):
        return nothing_to_show(
            ax, "Service level expectation: items in progress", "Nothing is in progress."
        )
    order = np.argsort(-result.age_days, kind="stable")[:top]
    status = [str(s) for s in result.status[order].tolist()]
    x = np.arange(len(order))
    ax.bar(x, result.age_days[order], color=[STATUS_COLOURS[s] for s in status])
    sle = ax.axhline(result.days, color=DARK_GREY, linestyle="--", label=str(result))
    from matplotlib.patches import Patch

    everyone = [str(s) for s in result.status.tolist()]
    counts = [  # the legend counts every item in progress, shown or not
        Patch(color=colour, label=f"{name}: {everyone.count(name):,}")
        for name, colour in STATUS_COLOURS.items()
    ]
    ax.legend(handles=[sle, *counts], loc="upper right", fontsize=8)
    ax.set_xticks(x, result.keys[order].tolist(), rotation=90)
    shown = f" (oldest {len(order)} of {len(result.keys):,})" if len(result.keys) > top else ""
    return labelled(
        ax, f"Service level expectation: items in progress{shown}", "item", "age (calendar days)"
    )


def plot_xmr(result: XmrLike, ax: Any = None) -> Any:
    """The X chart: values, mean, natural process limits, signals in red.

    >>> from agilemarketing.extras import pyplot
    >>> from agilemarketing.metrics import xmr
    >>> ax = plot_xmr(xmr([3, 4, 3, 9]))
    >>> ax.get_ylabel(), pyplot().close(ax.figure)
    ('value', None)
    """
    ax = axes(ax)
    if not len(result.values):
        title = f"Process behaviour: {result.label}" if result.label else "Process behaviour"
        return nothing_to_show(ax, title, "No values yet: nothing to show.")
    x = dates(result.x) if result.x.dtype.kind == "M" else result.x
    ax.plot(x, result.values, marker="o", markersize=3, color=BLUE, linewidth=1)
    signals = result.signals
    if signals.any():
        xs = np.asarray(x)[signals]
        ax.scatter(xs, result.values[signals], color=RED, zorder=3, label="signal")
    for value, text, style in (
        (result.mean, "mean", "-"),
        (result.upper, "upper limit", "--"),
        (result.lower, "lower limit", "--"),
    ):
        if np.isfinite(value):
            ax.axhline(
                value, color=DARK_GREY, linestyle=style, linewidth=1, label=f"{text} {value:.1f}"
            )
    dated = result.x.dtype.kind == "M"
    return labelled(
        ax,
        f"Process behaviour: {result.label}" if result.label else "Process behaviour",
        "date" if dated else "point",
        result.label or "value",
        legend="upper left",
        dates=dated,
    )
