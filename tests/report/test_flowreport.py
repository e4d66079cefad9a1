"""The numbers of a report: metrics.json holds every metric and forecast."""

from __future__ import annotations

import json
from pathlib import Path

from agilemarketing.metrics import ANTI_METRICS
from agilemarketing.report import SCHEMA


def test_metrics_json_holds_every_metric_and_forecast(written: Path) -> None:
    doc = json.loads((written / "metrics.json").read_text(encoding="utf-8"))
    assert doc["schema"] == SCHEMA
    assert doc["report"]["title"] == "Team Rocket flow"
    assert doc["report"]["source"] == "simulated"
    metrics = doc["metrics"]
    for key in (
        "data_quality",
        "cycle_time",
        "throughput",
        "net_flow",
        "wip",
        "cfd",
        "ageing_wip",
        "burnup",
        "cycles",
        "flow_efficiency",
        "blocked_time",
        "wip_breaches",
        "sle",
        "xmr",
    ):
        assert key in metrics, key
    assert doc["summary"]["done"] == metrics["throughput"]["total"]
    assert doc["summary"]["items"] == 90
    forecasts = doc["forecasts"]
    assert forecasts["problem"] is None
    assert [p["confidence"] for p in forecasts["when"]["percentiles"]] == [0.5, 0.7, 0.85, 0.95]
    assert forecasts["clearance"]["backlog"] == doc["summary"]["open"]
    assert set(doc["not_measured"]) == set(ANTI_METRICS)
    files = doc["report"]["files"]
    assert all((written / name).is_file() for name in files["tables"] + files["charts"])
    assert next(s["name"] for s in doc["workflow"]["stages"]) == "Backlog"
