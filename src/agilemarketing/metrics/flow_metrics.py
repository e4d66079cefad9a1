"""Every built-in metric of one flow log at once: :class:`FlowMetrics`, whose ``to_dict()`` is
the ``metrics.json`` document.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from agilemarketing._display import Summary, summary
from agilemarketing.flow import FlowLog
from agilemarketing.metrics.ageing import AgeingWip, ageing_wip
from agilemarketing.metrics.behaviour import ProcessBehaviour, process_behaviour
from agilemarketing.metrics.cycle_time import CycleTimes, cycle_times
from agilemarketing.metrics.cycles import CyclePredictability, cycle_report
from agilemarketing.metrics.days import day_axis, team_calendar
from agilemarketing.metrics.efficiency import (
    BlockedTime,
    FlowEfficiency,
    blocked_time,
    flow_efficiency,
)
from agilemarketing.metrics.rates import NetFlow, Throughput, net_flow, throughput
from agilemarketing.metrics.scope import Burnup, burnup
from agilemarketing.metrics.sle import ServiceLevel, service_level
from agilemarketing.metrics.window import Window
from agilemarketing.metrics.work_in_progress import (
    CumulativeFlow,
    Wip,
    WipBreaches,
    breaches_from_counts,
    cfd_from_counts,
    stage_counts,
    wip_from_counts,
)
from agilemarketing.workdays import WorkCalendar

__all__ = ["FlowMetrics"]


@attrs.frozen(eq=False)
class FlowMetrics:
    """Every built-in metric of one flow log; :meth:`to_dict` is the ``metrics.json`` document
    (schema in docs/metrics.md).

    >>> sorted(FlowMetrics.compute(FlowLog.example()).to_dict())[:3]
    ['ageing_wip', 'as_of', 'blocked_time']
    """

    as_of: np.datetime64
    quality: Any
    cycle_times: CycleTimes
    throughput: Throughput
    net_flow: NetFlow
    wip: Wip
    cfd: CumulativeFlow
    ageing: AgeingWip
    burnup: Burnup
    cycles: CyclePredictability
    flow_efficiency: FlowEfficiency
    blocked: BlockedTime
    wip_breaches: WipBreaches
    sle: ServiceLevel
    xmr_throughput: ProcessBehaviour
    xmr_cycle_time: ProcessBehaviour

    @classmethod
    def compute(
        cls,
        log: FlowLog,
        *,
        calendar: WorkCalendar | None = None,
        window: Window | None = None,
        sle_percentile: int = 85,
        sle_days: float | None = None,
    ) -> FlowMetrics:
        """Compute every metric once (cycle times are shared by ageing, SLE and XmR).

        ``window`` restricts the throughput series only (the sample forecasts use).
        """
        ct = cycle_times(log, calendar=calendar)
        everything = throughput(log, calendar=calendar)
        xmr_tp, xmr_ct = process_behaviour(log, calendar=calendar, history=ct, series=everything)
        axis = day_axis(log, team_calendar(calendar))
        counts = stage_counts(log, axis)
        ageing = ageing_wip(log, calendar=calendar, history=ct)
        return cls(
            as_of=log.as_of,
            quality=log.quality,
            cycle_times=ct,
            throughput=everything.window(window) if window is not None else everything,
            net_flow=net_flow(log, calendar=calendar),
            wip=wip_from_counts(log, axis, counts),
            cfd=cfd_from_counts(log, axis, counts),
            ageing=ageing,
            burnup=burnup(log, calendar=calendar),
            cycles=cycle_report(log),
            flow_efficiency=flow_efficiency(log),
            blocked=blocked_time(log),
            wip_breaches=breaches_from_counts(log, axis, counts),
            sle=service_level(
                log,
                percentile=sle_percentile,
                days=sle_days,
                calendar=calendar,
                history=ct,
                ageing=ageing,
            ),
            xmr_throughput=xmr_tp,
            xmr_cycle_time=xmr_ct,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``metrics.json`` document."""
        return {
            "schema": "agilemarketing.metrics/1",
            "as_of": str(self.as_of.astype("datetime64[s]")) + "Z",
            "data_quality": self.quality.to_dict(),
            "cycle_time": self.cycle_times.to_dict(),
            "throughput": self.throughput.to_dict(),
            "net_flow": self.net_flow.to_dict(),
            "wip": self.wip.to_dict(),
            "cfd": self.cfd.to_dict(),
            "ageing_wip": self.ageing.to_dict(),
            "burnup": self.burnup.to_dict(),
            "cycles": self.cycles.to_dict(),
            "flow_efficiency": self.flow_efficiency.to_dict(),
            "blocked_time": self.blocked.to_dict(),
            "wip_breaches": self.wip_breaches.to_dict(),
            "sle": self.sle.to_dict(),
            "xmr": {
                "throughput": self.xmr_throughput.to_dict(),
                "cycle_time": self.xmr_cycle_time.to_dict(),
            },
        }

    def _summary(self) -> Summary:
        parts: dict[str, Any] = {
            "cycle_times": self.cycle_times,
            "throughput": self.throughput,
            "net_flow": self.net_flow,
            "wip": self.wip,
            "cfd": self.cfd,
            "ageing": self.ageing,
            "burnup": self.burnup,
            "cycles": self.cycles,
            "flow_efficiency": self.flow_efficiency,
            "blocked": self.blocked,
            "wip_breaches": self.wip_breaches,
            "sle": self.sle,
            "xmr_throughput": self.xmr_throughput,
            "xmr_cycle_time": self.xmr_cycle_time,
        }
        return summary(
            "FlowMetrics",
            [
                f"as of {str(self.as_of)[:16].replace('T', ' ')} UTC",
                f"{len(self.cycle_times):,} finished items",
                str(self.sle),
            ],
            ["attribute", "summary"],
            ((name, ", ".join(part._summary().facts)) for name, part in parts.items()),
            total=len(parts),
            max_rows=len(parts),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()
