"""The :class:`Metric` protocol metric plugins follow, and the built-in metric classes the
library registers through the same hook (:data:`BUILTIN_METRICS`).

>>> [cls.name for cls in BUILTIN_METRICS][:3]
['cycle-time', 'throughput', 'net-flow']
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

from agilemarketing.flow import FlowLog
from agilemarketing.metrics.ageing import ageing_wip
from agilemarketing.metrics.behaviour import process_behaviour
from agilemarketing.metrics.cycle_time import cycle_times
from agilemarketing.metrics.cycles import cycle_report
from agilemarketing.metrics.efficiency import blocked_time, flow_efficiency
from agilemarketing.metrics.rates import net_flow, throughput
from agilemarketing.metrics.scope import burnup
from agilemarketing.metrics.sle import service_level
from agilemarketing.metrics.work_in_progress import cumulative_flow, wip, wip_breaches

__all__ = [
    "BUILTIN_METRICS",
    "AgeingWipMetric",
    "BlockedTimeMetric",
    "BurnupMetric",
    "CfdMetric",
    "CycleTimeMetric",
    "CyclesMetric",
    "FlowEfficiencyMetric",
    "Metric",
    "NetFlowMetric",
    "SleMetric",
    "ThroughputMetric",
    "WipBreachesMetric",
    "WipMetric",
    "XmrMetric",
]


@runtime_checkable
class Metric(Protocol):
    """What a metric plugin provides: a unique ``name`` and ``compute(log, **options)``.

    The result should offer ``to_dict()``, and ideally ``to_pandas()`` and ``plot(ax=None)``.
    Metrics are team-level only (see :data:`ANTI_METRICS`).

    >>> CycleTimeMetric.name, isinstance(CycleTimeMetric(), Metric)
    ('cycle-time', True)
    """

    name: ClassVar[str]

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Compute the metric from a flow log."""
        ...


class CycleTimeMetric:
    """Cycle and lead time per finished item. (:func:`cycle_times`)

    >>> CycleTimeMetric.name
    'cycle-time'
    """

    name: ClassVar[str] = "cycle-time"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`cycle_times`."""
        return cycle_times(log, **options)


class ThroughputMetric:
    """Items finished per day. (:func:`throughput`)

    >>> ThroughputMetric.name
    'throughput'
    """

    name: ClassVar[str] = "throughput"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`throughput`."""
        return throughput(log, **options)


class NetFlowMetric:
    """Items started vs finished per day. (:func:`net_flow`)

    >>> NetFlowMetric.name
    'net-flow'
    """

    name: ClassVar[str] = "net-flow"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`net_flow`."""
        return net_flow(log, **options)


class WipMetric:
    """Items in progress per day and stage. (:func:`wip`)

    >>> WipMetric.name
    'wip'
    """

    name: ClassVar[str] = "wip"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`wip`."""
        return wip(log, **options)


class CfdMetric:
    """The cumulative flow diagram. (:func:`cumulative_flow`)

    >>> CfdMetric.name
    'cfd'
    """

    name: ClassVar[str] = "cfd"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`cumulative_flow`."""
        return cumulative_flow(log, **options)


class AgeingWipMetric:
    """Ages of the items in progress. (:func:`ageing_wip`)

    >>> AgeingWipMetric.name
    'ageing-wip'
    """

    name: ClassVar[str] = "ageing-wip"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`ageing_wip`."""
        return ageing_wip(log, **options)


class BurnupMetric:
    """Done vs scope over time. (:func:`burnup`)

    >>> BurnupMetric.name
    'burnup'
    """

    name: ClassVar[str] = "burnup"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`burnup`."""
        return burnup(log, **options)


class CyclesMetric:
    """Velocity, predictability and unplanned work per cycle. (:func:`cycle_report`)

    >>> CyclesMetric.name
    'cycles'
    """

    name: ClassVar[str] = "cycles"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`cycle_report`."""
        return cycle_report(log, **options)


class FlowEfficiencyMetric:
    """Active time over cycle time. (:func:`flow_efficiency`)

    >>> FlowEfficiencyMetric.name
    'flow-efficiency'
    """

    name: ClassVar[str] = "flow-efficiency"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`flow_efficiency`."""
        return flow_efficiency(log, **options)


class BlockedTimeMetric:
    """Blocked time per item. (:func:`blocked_time`)

    >>> BlockedTimeMetric.name
    'blocked-time'
    """

    name: ClassVar[str] = "blocked-time"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`blocked_time`."""
        return blocked_time(log, **options)


class WipBreachesMetric:
    """Days over or under WIP limits. (:func:`wip_breaches`)

    >>> WipBreachesMetric.name
    'wip-breaches'
    """

    name: ClassVar[str] = "wip-breaches"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`wip_breaches`."""
        return wip_breaches(log, **options)


class SleMetric:
    """Service level expectation and each item's risk. (:func:`service_level`)

    >>> SleMetric.name
    'sle'
    """

    name: ClassVar[str] = "sle"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`service_level`."""
        return service_level(log, **options)


class XmrMetric:
    """XmR charts of throughput and cycle time. (:func:`process_behaviour`)

    >>> XmrMetric.name
    'xmr'
    """

    name: ClassVar[str] = "xmr"

    def compute(self, log: FlowLog, **options: Any) -> Any:
        """Same as :func:`process_behaviour`."""
        return process_behaviour(log, **options)


BUILTIN_METRICS: tuple[type[Metric], ...] = (
    CycleTimeMetric,
    ThroughputMetric,
    NetFlowMetric,
    WipMetric,
    CfdMetric,
    AgeingWipMetric,
    BurnupMetric,
    CyclesMetric,
    FlowEfficiencyMetric,
    BlockedTimeMetric,
    WipBreachesMetric,
    SleMetric,
    XmrMetric,
)
"""The metric classes the library registers as a plugin (each has a unique ``name``)."""
