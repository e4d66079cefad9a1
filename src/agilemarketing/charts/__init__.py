"""Charts of metric and forecast results with matplotlib (the ``charts`` extra), imported only
when used.

Every function takes a result from :mod:`agilemarketing.metrics` or
:mod:`agilemarketing.forecast` and an optional Axes, draws a readable default (title, labelled
axes, percentile lines, formatted dates) and returns the Axes. The results' ``plot(ax=None)``
methods call these. Without a display, the Agg backend is used, so charts work on servers and
in CI. All charts share one palette (:mod:`agilemarketing.charts.palette`).

The package is a leaf: it reads results through the Protocols of
:mod:`agilemarketing.charts.shapes` and imports neither metrics nor forecasts.

- :mod:`~agilemarketing.charts.metric_charts`: cycle time (scatter and histogram), throughput,
  net flow, WIP, CFD, ageing, burnup (with a forecast cone), cycles, flow efficiency, blocked
  time, WIP limits, SLE, XmR;
- :mod:`~agilemarketing.charts.forecast_charts`: when, how many, ranked work, backlog clearance;
- :mod:`~agilemarketing.charts.axes`: the drawing helpers they share;
- :mod:`~agilemarketing.charts.fonts`: the fallback font for CJK names.

>>> from agilemarketing.extras import pyplot
>>> from agilemarketing.metrics import xmr
>>> ax = plot_xmr(xmr([3, 4, 3, 5, 4, 12], label="weekly throughput"))
>>> ax.get_title()
'Process behaviour: weekly throughput'
>>> pyplot().close(ax.figure)
"""

from __future__ import annotations

from agilemarketing.charts.forecast_charts import (
    plot_backlog_clearance,
    plot_how_many_by,
    plot_ranked_completion,
    plot_when_done,
)
from agilemarketing.charts.metric_charts import (
    plot_ageing,
    plot_blocked,
    plot_burnup,
    plot_cfd,
    plot_cycle_time_histogram,
    plot_cycle_times,
    plot_cycles,
    plot_flow_efficiency,
    plot_net_flow,
    plot_service_level,
    plot_throughput,
    plot_wip,
    plot_wip_breaches,
    plot_xmr,
)

__all__ = [
    "plot_ageing",
    "plot_backlog_clearance",
    "plot_blocked",
    "plot_burnup",
    "plot_cfd",
    "plot_cycle_time_histogram",
    "plot_cycle_times",
    "plot_cycles",
    "plot_flow_efficiency",
    "plot_how_many_by",
    "plot_net_flow",
    "plot_ranked_completion",
    "plot_service_level",
    "plot_throughput",
    "plot_when_done",
    "plot_wip",
    "plot_wip_breaches",
    "plot_xmr",
]
