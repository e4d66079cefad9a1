"""Benchmark against the peer, jira-agile-metrics, in the same run: per-item cycle-time
agreement, then the time of load + every metric and of the whole ``report`` command, ours vs
the peer's, on a marketing-like board (``simulate_board``) and a 20,000-item stress board
(``stress_board``).

Run: ``AGILEMARKETING_PEER_PYTHON=/tmp/peer/bin/python .venv/bin/python
benchmarks/bench_peer.py [--quick]`` (``--quick``: 350 and 2,000 items). Without the variable
the bench says how to install the peer and skips (exit 0). Install the peer in its own venv,
outside the repository (it is never a dependency of this project)::

    python3 -m venv /tmp/peer
    /tmp/peer/bin/pip install jira-agile-metrics "pandas<2" "numpy<2" "matplotlib<3.9"

Each board is written twice: as our ``history.jsonl`` + ``workflow.toml``, and in the peer's
input shape, a Jira REST search response (issues with their changelog: status changes, and the
Flagged field for blocked periods) plus its YAML configuration; ``peer_driver.py`` runs the
peer offline on them with the peer's interpreter (its command line always connects to Jira).
The peer's workflow is ours with every stage before our start folded into its backlog column,
so that both count from the same start.

Printed per board:

- **agreement**: items whose cycle time is the same under our default policy (``restart``) and
  the peer's, after the one convention that differs (we count the start day and the done day,
  the peer counts from the start day to the done day: ours = peer + 1 day); then every class
  of difference with its count and a few keys;
- **metrics**: load + every metric, in-process, imports excluded: ours (``read_history``,
  ``FlowLog.build``, ``FlowMetrics.compute``; best of 3) vs the peer's (its JSON load + every
  calculator's run but its burnup forecast); goal >= 100x; then the same with the forecasts
  (ours: ``FlowReport.build``, four forecasts of 10,000 trials; the peer's burnup forecast of
  1,000 trials);
- **report**: the whole command as a subprocess (interpreter, imports, charts and files): our
  ``agilemarketing report`` (best of 3; charts in worker processes, and again with
  ``AGILEMARKETING_CHART_WORKERS=1``, serial) vs the peer run with every chart and data file
  its configuration can name; goal >= 10x.

Both sides run with a bytecode cache (``PYTHONPYCACHEPREFIX`` in a temporary directory, warmed
first), as an installed package has, so no side pays for compiling its sources.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from agilemarketing.cli._options import workflow_from
from agilemarketing.flow import FlowLog
from agilemarketing.historyio import HistoryTable, read_history
from agilemarketing.historyio.parallel import READ_WORKERS_ENV
from agilemarketing.metrics import FlowMetrics, cycle_times
from agilemarketing.report import FlowReport
from agilemarketing.simulate import simulate_board, stress_board
from agilemarketing.workflow import Workflow

HERE = Path(__file__).resolve().parent
PEER_ENV = "AGILEMARKETING_PEER_PYTHON"
OURS = Path(sys.executable).with_name("agilemarketing")


# --- the peer's input shape -----------------------------------------------------------------------


def _jira_time(values: np.ndarray[Any, Any]) -> list[str]:
    text = np.datetime_as_string(values.astype("datetime64[ms]"), unit="ms")
    return [t + "+0000" for t in text.tolist()]


def peer_issues(table: HistoryTable) -> dict[str, Any]:
    """The board as a Jira REST search response: issues with their changelog."""
    names = table.status_names
    created = _jira_time(table.created)
    resolved_at = table.resolved
    histories: list[list[tuple[str, dict[str, Any]]]] = [[] for _ in range(len(table))]
    at = _jira_time(table.tr_at)
    for k, (i, f, t) in enumerate(
        zip(table.tr_item.tolist(), table.tr_from.tolist(), table.tr_to.tolist(), strict=True)
    ):
        if f < 0:  # created into a status: Jira's initial status, not a change
            continue
        change = {"field": "status", "fromString": names[f], "toString": names[t]}
        histories[i].append((at[k], change))
    starts, ends = _jira_time(table.blk_from), table.blk_to
    for k, i in enumerate(table.blk_item.tolist()):
        histories[i].append(
            (starts[k], {"field": "Flagged", "fromString": None, "toString": "Impediment"})
        )
        if not np.isnat(ends[k]):
            histories[i].append(
                (_jira_time(ends[k : k + 1])[0], {"field": "Flagged", "fromString": "Impediment"})
            )
    issues = []
    for i, key in enumerate(table.keys.tolist()):
        done = not np.isnat(resolved_at[i])
        issues.append(
            {
                "key": key,
                "fields": {
                    "summary": table.summaries[i],
                    "created": created[i],
                    "issuetype": table.type_names[table.types[i]],
                    "status": names[table.statuses[i]],
                    "resolution": "Done" if done else None,
                    "resolutiondate": _jira_time(resolved_at[i : i + 1])[0] if done else None,
                    "flagged": None,
                },
                "changelog": {
                    "histories": [
                        {"created": when, "items": [{"toString": None, **item}]}
                        for when, item in histories[i]
                    ]
                },
            }
        )
    fields = [
        {"id": "summary", "name": "Summary"},
        {"id": "issuetype", "name": "Issue type"},
        {"id": "status", "name": "Status"},
        {"id": "resolution", "name": "Resolution"},
        {"id": "created", "name": "Created date"},
        {"id": "customfield_100", "name": "Flagged"},
    ]
    return {"fields": fields, "issues": issues}


_PEER_OUTPUT = """
Output:
  Quantiles: [0.5, 0.85, 0.95]
  Cycle time data: cycletime.csv
  Percentiles data: percentiles.csv
  Scatterplot data: scatterplot.csv
  Scatterplot chart: scatterplot.png
  Histogram data: histogram.csv
  Histogram chart: histogram.png
  CFD data: cfd.csv
  CFD chart: cfd.png
  Throughput data: throughput.csv
  Throughput chart: throughput.png
  Burnup chart: burnup.png
  Burnup forecast chart: burnup-forecast.png
  Burnup forecast chart trials: 1000
  WIP chart: wip.png
  Ageing WIP chart: ageing-wip.png
  Net flow chart: net-flow.png
  Impediments data: impediments.csv
  Impediments chart: impediments.png
  Impediments days chart: impediments-days.png
  Impediments status chart: impediments-status.png
  Impediments status days chart: impediments-status-days.png
"""


def peer_config(workflow: Workflow) -> str:
    """The peer's YAML: our workflow, the stages before our start folded into its backlog."""
    names = [s.name for s in workflow.stages]
    start, done = names.index(workflow.start), names.index(workflow.done)
    columns = [("Backlog", names[:start]), *((n, [n]) for n in names[start:done])]
    columns.append(("Done", names[done:]))
    lines = ["Query: project = MKT", "Workflow:"]
    lines += [
        f"  {name}: [{', '.join(json.dumps(s) for s in statuses)}]" for name, statuses in columns
    ]
    return "\n".join(lines) + "\n" + _PEER_OUTPUT


# --- running both ---------------------------------------------------------------------------------


def _env(cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=str(cache), MPLBACKEND="Agg", **extra)
    return env


def run_peer(peer: str, folder: Path, mode: str, cache: Path) -> tuple[float, dict[str, Any]]:
    """(wall seconds of the whole process, what the driver printed)."""
    out = folder / f"peer-{mode}"
    shutil.rmtree(out, ignore_errors=True)
    command = [peer, str(HERE / "peer_driver.py")]
    command += [str(folder / "issues.json"), str(folder / "config.yml"), str(out), mode]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=_env(cache), check=False)
    if done.returncode:
        sys.exit(f"the peer failed:\n{done.stderr[-3000:]}")
    wall = time.perf_counter() - start
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def run_ours(folder: Path, cache: Path, workers: str | None = None) -> float:
    command = [str(OURS), "report", str(folder / "history.jsonl")]
    command += ["--workflow", str(folder / "workflow.toml"), "--out", str(folder / "ours")]
    extra = {} if workers is None else {"AGILEMARKETING_CHART_WORKERS": workers}
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, env=_env(cache, **extra), check=True)
    return time.perf_counter() - start


def our_metrics(folder: Path, workflow: Workflow) -> tuple[float, float, float]:
    """Best of 3: (read + flow log + every metric; the same read in one process; the same
    and the report's forecasts)."""
    metrics = serial = report = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        log = FlowLog.build(read_history(folder / "history.jsonl"), workflow)
        FlowMetrics.compute(log)
        metrics = min(metrics, time.perf_counter() - start)
        os.environ[READ_WORKERS_ENV] = "1"
        try:
            start = time.perf_counter()
            FlowMetrics.compute(FlowLog.build(read_history(folder / "history.jsonl"), workflow))
            serial = min(serial, time.perf_counter() - start)
        finally:
            del os.environ[READ_WORKERS_ENV]
        start = time.perf_counter()
        FlowReport.build(folder / "history.jsonl", workflow)
        report = min(report, time.perf_counter() - start)
    return metrics, serial, report


# --- agreement ------------------------------------------------------------------------------------


def agreement(table: HistoryTable, workflow: Workflow, peer_days: dict[str, Any]) -> None:
    ours = cycle_times(FlowLog.build(table, workflow))
    our_days = dict(zip(ours.keys.tolist(), ours.calendar_days.tolist(), strict=True))
    classes: dict[str, list[str]] = {}
    same = 0
    for key in table.keys.tolist():
        mine, theirs = our_days.get(key), peer_days.get(key)
        if mine is None and theirs is None:
            same += 1
            continue
        if mine is not None and theirs is not None and mine == theirs + 1:
            same += 1
            continue
        if mine is None:
            name = "the peer has a cycle time, we have none"
        elif theirs is None:
            name = "we have a cycle time, the peer has none"
        else:
            name = f"both have one, ours - peer = {mine - theirs:+d} days (expected +1)"
        classes.setdefault(name, []).append(key)
    n = len(table)
    counted = sum(v is not None for v in peer_days.values())
    print(
        f"  agreement: {same:,} of {n:,} items ({100 * same / n:.2f}%; "
        f"{len(our_days):,} ours / {counted:,} peer with a cycle time), ours = peer + 1 day"
    )
    for name, keys in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"    {len(keys):>6,}  {name}: {' '.join(keys[:4])}")
    if not classes:
        print("    no other difference")


def bench(label: str, board: Any, peer: str, root: Path, cache: Path) -> None:
    folder = root / label.split(",")[0].replace(" ", "-")
    history, wf_path = board.write(folder)
    workflow = workflow_from(wf_path, (), None, None, ())
    table = read_history(history)
    (folder / "issues.json").write_text(json.dumps(peer_issues(table)), encoding="utf-8")
    (folder / "config.yml").write_text(peer_config(workflow), encoding="utf-8")
    print(f"\n{label}: {len(table):,} items, {table.n_transitions:,} transitions")

    peer_wall, peer_report = run_peer(peer, folder, "report", cache)
    _, peer_run = run_peer(peer, folder, "metrics", cache)
    agreement(table, workflow, peer_run["cycle_days"])

    forecast = peer_run["calculators_s"]["BurnupForecastCalculator"]
    peer_metrics = peer_run["load_s"] + peer_run["run_s"] - forecast
    mine, serial, with_forecasts = our_metrics(folder, workflow)
    print(
        f"  metrics (load + every metric): ours {mine:.3f} s, peer {peer_metrics:.2f} s "
        f"(load {peer_run['load_s']:.2f} + calculators but its forecast "
        f"{peer_run['run_s'] - forecast:.2f}) -> {peer_metrics / mine:.0f}x (goal >= 100x); "
        f"read in one process: ours {serial:.3f} s -> {peer_metrics / serial:.0f}x"
    )
    print(
        f"  with the forecasts: ours {with_forecasts:.3f} s (4 forecasts, 10,000 trials), "
        f"peer {peer_metrics + forecast:.2f} s (burnup forecast, 1,000 trials) -> "
        f"{(peer_metrics + forecast) / with_forecasts:.0f}x"
    )
    run_ours(folder, cache)  # warm the bytecode and font caches
    parallel = min(run_ours(folder, cache) for _ in range(3))
    serial = min(run_ours(folder, cache, workers="1") for _ in range(2))
    print(
        f"  report command: ours {parallel:.2f} s (serial charts {serial:.2f} s), peer "
        f"{peer_wall:.2f} s (imports {peer_report['import_s']:.2f}, calculators "
        f"{peer_report['run_s']:.2f}, files and charts {peer_report['write_s']:.2f}) -> "
        f"{peer_wall / parallel:.1f}x (serial {peer_wall / serial:.1f}x; goal >= 10x)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="350 and 2,000 items only")
    args = parser.parse_args()
    peer = os.environ.get(PEER_ENV)
    if not peer:
        print(
            f"skipped: set {PEER_ENV} to the python of a venv with jira-agile-metrics "
            "(python3 -m venv /tmp/peer && /tmp/peer/bin/pip install jira-agile-metrics "
            '"pandas<2" "numpy<2" "matplotlib<3.9")'
        )
        return 0
    boards = (
        [
            ("marketing board, 350 items", simulate_board(items=350)),
            ("stress board, 2,000 items", stress_board(items=2_000)),
        ]
        if args.quick
        else [
            ("marketing board, 2,000 items", simulate_board(items=2_000, days=730)),
            ("stress board, 20,000 items", stress_board(items=20_000)),
        ]
    )
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as temp:
        root = Path(temp)
        cache = root / "pycache"
        for label, board in boards:
            bench(label, board, peer, root, cache)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
