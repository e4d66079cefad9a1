"""Team-level flow metrics, every one computed from a :class:`~agilemarketing.flow.FlowLog`
with numpy (no Python loop over items).

Each function returns a small typed result with ``to_dict()`` (plain JSON), ``to_pandas()``
(needs the ``pandas`` extra) and ``plot(ax=None)`` (needs the ``charts`` extra). Days are the
team's days: pass a :class:`~agilemarketing.workdays.WorkCalendar` to count in its time zone,
and to measure cycle time in working days. :meth:`FlowMetrics.compute` computes them all.

One module per metric family, all re-exported here:
:mod:`~agilemarketing.metrics.cycle_time` (cycle and lead time),
:mod:`~agilemarketing.metrics.rates` (throughput, net flow),
:mod:`~agilemarketing.metrics.work_in_progress` (WIP, CFD, WIP-limit breaches),
:mod:`~agilemarketing.metrics.ageing` (ageing WIP), :mod:`~agilemarketing.metrics.scope`
(burnup), :mod:`~agilemarketing.metrics.cycles` (per-cycle predictability, unplanned work,
velocity), :mod:`~agilemarketing.metrics.efficiency` (flow efficiency, blocked time),
:mod:`~agilemarketing.metrics.sle` (the service level expectation),
:mod:`~agilemarketing.metrics.behaviour` (XmR process behaviour charts),
:mod:`~agilemarketing.metrics.anti` (the refused anti-metrics),
:mod:`~agilemarketing.metrics.plugin` (the :class:`Metric` protocol and the built-ins) and
:mod:`~agilemarketing.metrics.flow_metrics` (everything at once). The pieces they share:
:mod:`~agilemarketing.metrics.window`, :mod:`~agilemarketing.metrics.percentile`,
:mod:`~agilemarketing.metrics.days` (the day axis) and :mod:`~agilemarketing.metrics.arrays`.

>>> from agilemarketing.history import ItemHistory, Transition
>>> from agilemarketing.flow import FlowLog
>>> from agilemarketing.workflow import Workflow
>>> wf = Workflow.from_shorthand("To Do,Doing,Done")
>>> def item(key, start, done):
...     moves = [Transition(f"2026-01-{start:02d}T09:00Z", "To Do", "Doing")]
...     if done:
...         moves.append(Transition(f"2026-01-{done:02d}T17:00Z", "Doing", "Done"))
...     return ItemHistory(key, status="Done" if done else "Doing",
...                        created="2026-01-01T09:00Z", transitions=moves)
>>> log = FlowLog.build([item("A", 5, 7), item("B", 5, 12), item("C", 8, None)], wf)
>>> ct = cycle_times(log)
>>> ct.calendar_days.tolist(), ct.percentile(85)
([3, 8], 8.0)
>>> throughput(log).total, wip(log).total.tolist()[-1]
(2, 1)

Anti-metrics are refused with an explanation (:class:`~agilemarketing.errors.AntiMetricError`):

>>> throughput(log, by="assignee")
Traceback (most recent call last):
...
agilemarketing.errors.AntiMetricError: throughput per person is not offered: ...
"""

from __future__ import annotations

from agilemarketing.metrics.ageing import AgeingWip, ageing_wip
from agilemarketing.metrics.anti import (
    ANTI_METRICS,
    compare_teams,
    individual_utilisation,
    refuse,
    value_from_task_counts,
)
from agilemarketing.metrics.behaviour import (
    BASELINE_POINTS,
    ProcessBehaviour,
    process_behaviour,
    xmr,
)
from agilemarketing.metrics.cycle_time import CycleTimes, cycle_times
from agilemarketing.metrics.cycles import CyclePredictability, cycle_report
from agilemarketing.metrics.efficiency import (
    BlockedTime,
    FlowEfficiency,
    blocked_time,
    flow_efficiency,
)
from agilemarketing.metrics.flow_metrics import FlowMetrics
from agilemarketing.metrics.percentile import PERCENTILES, percentiles
from agilemarketing.metrics.plugin import (
    BUILTIN_METRICS,
    AgeingWipMetric,
    BlockedTimeMetric,
    BurnupMetric,
    CfdMetric,
    CyclesMetric,
    CycleTimeMetric,
    FlowEfficiencyMetric,
    Metric,
    NetFlowMetric,
    SleMetric,
    ThroughputMetric,
    WipBreachesMetric,
    WipMetric,
    XmrMetric,
)
from agilemarketing.metrics.rates import NetFlow, Throughput, net_flow, throughput
from agilemarketing.metrics.scope import Burnup, burnup
from agilemarketing.metrics.sle import Risk, ServiceLevel, service_level
from agilemarketing.metrics.window import Window
from agilemarketing.metrics.work_in_progress import (
    CumulativeFlow,
    Wip,
    WipBreaches,
    cumulative_flow,
    wip,
    wip_breaches,
)

CycleReport = CyclePredictability
"""Former name of :class:`CyclePredictability`, kept for one release (not
:class:`agilemarketing.cycles.CycleReport`)."""

__all__ = [
    "ANTI_METRICS",
    "BASELINE_POINTS",
    "BUILTIN_METRICS",
    "PERCENTILES",
    "AgeingWip",
    "AgeingWipMetric",
    "BlockedTime",
    "BlockedTimeMetric",
    "Burnup",
    "BurnupMetric",
    "CfdMetric",
    "CumulativeFlow",
    "CyclePredictability",
    "CycleReport",
    "CycleTimeMetric",
    "CycleTimes",
    "CyclesMetric",
    "FlowEfficiency",
    "FlowEfficiencyMetric",
    "FlowMetrics",
    "Metric",
    "NetFlow",
    "NetFlowMetric",
    "ProcessBehaviour",
    "Risk",
    "ServiceLevel",
    "SleMetric",
    "Throughput",
    "ThroughputMetric",
    "Window",
    "Wip",
    "WipBreaches",
    "WipBreachesMetric",
    "WipMetric",
    "XmrMetric",
    "ageing_wip",
    "blocked_time",
    "burnup",
    "compare_teams",
    "cumulative_flow",
    "cycle_report",
    "cycle_times",
    "flow_efficiency",
    "individual_utilisation",
    "net_flow",
    "percentiles",
    "process_behaviour",
    "refuse",
    "service_level",
    "throughput",
    "value_from_task_counts",
    "wip",
    "wip_breaches",
    "xmr",
]
