"""Built-in metrics: cycle time, throughput, WIP, CFD, ageing, burnup, flow efficiency...
(:data:`agilemarketing.metrics.BUILTIN_METRICS`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agilemarketing.hookspecs import hookimpl

if TYPE_CHECKING:
    from agilemarketing.metrics import Metric


@hookimpl
def register_metrics() -> Sequence[type[Metric]]:
    """Every built-in metric, by its ``name``."""
    from agilemarketing.metrics import BUILTIN_METRICS

    return list(BUILTIN_METRICS)
