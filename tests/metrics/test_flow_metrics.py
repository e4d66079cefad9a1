"""Every metric at once: the metrics.json document, dataframes, and almost no data."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import pytest

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow


def test_flow_metrics_computes_everything_as_json(log: FlowLog) -> None:
    metrics = m.FlowMetrics.compute(log, calendar=WorkCalendar())
    document = json.loads(json.dumps(metrics.to_dict()))
    assert document["schema"] == "agilemarketing.metrics/1"
    assert document["cycle_time"]["items"] == 2
    assert document["throughput"]["total"] == 2
    assert document["data_quality"]["issues"]["abandoned"]["keys"] == ["W"]
    assert set(document) >= {"wip", "cfd", "ageing_wip", "burnup", "cycles", "sle", "xmr"}


def test_every_result_converts_to_a_dataframe(log: FlowLog) -> None:
    metrics = m.FlowMetrics.compute(log)
    results = [
        metrics.cycle_times,
        metrics.throughput,
        metrics.net_flow,
        metrics.wip,
        metrics.cfd,
        metrics.ageing,
        metrics.burnup,
        metrics.cycles,
        metrics.flow_efficiency,
        metrics.blocked,
        metrics.wip_breaches,
        metrics.sle,
        metrics.xmr_throughput,
    ]
    for result in results:
        frame = result.to_pandas()
        assert len(frame.columns) >= 2, type(result).__name__


@pytest.mark.parametrize("case", ["nothing", "no dates", "done without dates", "one started"])
def test_every_metric_copes_with_almost_no_data(
    case: str, item: Callable[..., ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    histories = {
        "nothing": [],
        "no dates": [ItemHistory("A")],
        "done without dates": [ItemHistory("A", status="Done")],
        "one started": [item("B", (at(1), "Doing"))],
    }[case]
    log = FlowLog.build(histories, wf)
    document = m.FlowMetrics.compute(log, calendar=WorkCalendar()).to_dict()
    assert document["throughput"]["total"] == 0
    json.dumps(document)
