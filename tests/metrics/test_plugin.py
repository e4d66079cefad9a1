"""The built-in metric classes follow the Metric protocol."""

from __future__ import annotations

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog


def test_builtin_metrics_have_unique_names_and_compute_from_a_log(log: FlowLog) -> None:
    names = [cls.name for cls in m.BUILTIN_METRICS]
    assert len(names) == len(set(names))
    for cls in m.BUILTIN_METRICS:
        metric = cls()
        assert isinstance(metric, m.Metric)
        assert metric.compute(log) is not None
