"""Benchmark: history JSON Lines -> flow log -> every flow metric, at 2k / 20k / 100k items.

Run: ``.venv/bin/python benchmarks/bench_metrics.py [--quick]`` (``--quick``: 2,000 items only).

The synthetic history comes from ``agilemarketing.simulate.stress_board`` (seeded, vectorised):
about ten transitions per item (forward moves, some backward moves and reopens, a final Done /
Won't Do / still in progress), some blocked periods and fortnightly cycle memberships, so
100,000 items make about 1,000,000 transitions. A second row per size uses
``agilemarketing.simulate.simulate_board`` (a realistic marketing board, fewer transitions per
item).

Printed per size (best of 3 runs, as the machine is shared): seconds to load the JSONL (as
configured, and in one process), build the flow log, and compute each metric; the total
(target: under 2 s at 100k on a 2-core machine); peak traced memory against the bytes of the
flow log's arrays (target: within 3x); and the baseline ratio: the same file parsed the
established way (``json.loads`` per line, ``dateutil`` per timestamp), measured on a sample of
lines in the same run and scaled to the file.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from dateutil import parser as dateparser

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog
from agilemarketing.historyio import read_history, write_history
from agilemarketing.historyio.parallel import READ_WORKERS_ENV
from agilemarketing.simulate import stress_board
from agilemarketing.workdays import WorkCalendar

CALENDAR = WorkCalendar(holidays=["2025-12-25", "2026-01-01"], timezone="Europe/Berlin")
WORKFLOW = stress_board(items=1).workflow  # the synthetic rows' workflow


METRICS: dict[str, Callable[[FlowLog], Any]] = {
    "cycle time": lambda log: m.cycle_times(log, calendar=CALENDAR),
    "throughput": lambda log: m.throughput(log, calendar=CALENDAR),
    "net flow": lambda log: m.net_flow(log, calendar=CALENDAR),
    "wip": lambda log: m.wip(log, calendar=CALENDAR),
    "cfd": lambda log: m.cumulative_flow(log, calendar=CALENDAR),
    "ageing wip": lambda log: m.ageing_wip(log, calendar=CALENDAR),
    "burnup": lambda log: m.burnup(log, calendar=CALENDAR),
    "cycles": m.cycle_report,
    "flow efficiency": m.flow_efficiency,
    "blocked time": m.blocked_time,
    "wip breaches": lambda log: m.wip_breaches(log, calendar=CALENDAR),
    "sle": lambda log: m.service_level(log, calendar=CALENDAR),
    "xmr": lambda log: m.process_behaviour(log, calendar=CALENDAR),
}


def _baseline_parse(path: Path) -> None:
    """The established way: json.loads per line, dateutil per timestamp."""
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            row = json.loads(raw)
            if "key" not in row:
                continue
            for field in ("created", "resolved"):
                if row.get(field):
                    dateparser.isoparse(row[field])
            for t in row.get("transitions", ()):
                dateparser.isoparse(t["at"])
            for b in row.get("blocked", ()):
                dateparser.isoparse(b["from"])
                if b.get("to"):
                    dateparser.isoparse(b["to"])
            for c in row.get("cycles", ()):
                if c.get("joined"):
                    dateparser.isoparse(c["joined"])


def baseline_ratio(path: Path, lines: int, sample: int) -> tuple[float, float]:
    """(baseline seconds scaled to the whole file, baseline / read_history on the same sample).

    Both are timed on the same sample of lines, best of 3, alternating, so that the ratio does
    not depend on what else the machine is doing.
    """
    sample_path = path.with_suffix(".sample.jsonl")
    with path.open(encoding="utf-8") as src, sample_path.open("w", encoding="utf-8") as out:
        taken = 0
        for raw in src:
            out.write(raw)
            taken += '"key"' in raw
            if taken >= sample:
                break
    base = ours = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        _baseline_parse(sample_path)
        base = min(base, time.perf_counter() - start)
        start = time.perf_counter()
        read_history(sample_path)
        ours = min(ours, time.perf_counter() - start)
    sample_path.unlink()
    return base * lines / max(taken, 1), base / ours


@contextlib.contextmanager
def _one_process() -> Iterator[None]:
    """Read in this process only (``AGILEMARKETING_READ_WORKERS=1``) inside the block."""
    before = os.environ.get(READ_WORKERS_ENV)
    os.environ[READ_WORKERS_ENV] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[READ_WORKERS_ENV]
        else:
            os.environ[READ_WORKERS_ENV] = before


def run(label: str, path: Path, items: int, repeats: int = 3) -> None:
    # Best of a few runs: the machine is shared, so the minimum is the honest cost.
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, seconds), seconds)

    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        table = read_history(path)
        keep("load", time.perf_counter() - start)
        with _one_process():
            gc.collect()
            start = time.perf_counter()
            read_history(path)
            keep("load, one process", time.perf_counter() - start)
        start = time.perf_counter()
        log = FlowLog.build(table, WORKFLOW)
        keep("build", time.perf_counter() - start)
        for name, fn in METRICS.items():
            start = time.perf_counter()
            fn(log)
            keep(name, time.perf_counter() - start)
        start = time.perf_counter()
        everything = m.FlowMetrics.compute(log, calendar=CALENDAR)
        keep("all", time.perf_counter() - start)
        start = time.perf_counter()
        json.dumps(everything.to_dict())
        keep("json", time.perf_counter() - start)
    t_load, t_build, t_all, t_json = best["load"], best["build"], best["all"], best["json"]
    times = {name: best[name] for name in METRICS}
    total = t_load + t_build + t_all
    print(
        f"\n[{label}] {items:,} items, {table.n_transitions:,} transitions, "
        f"{path.stat().st_size / 1e6:.0f} MB JSONL"
    )
    serial = best["load, one process"]
    print(
        f"  load (JSONL -> columns)     {t_load:8.3f} s   (in one process {serial:.3f} s: "
        f"x{serial / t_load:.2f} as {READ_WORKERS_ENV} has it)"
    )
    print(f"  flow log build              {t_build:8.3f} s   ({log.n_segments:,} segments)")
    for name, seconds in times.items():
        print(f"    {name:<24}  {seconds * 1000:8.1f} ms")
    print(f"  all metrics (FlowMetrics)   {t_all:8.3f} s   (+ to_dict/json {t_json:.3f} s)")
    target = "  (target < 2 s: met)" if total < 2 else "  (target < 2 s: NOT met)"
    print(f"  load + build + metrics      {total:8.3f} s{target if items >= 100_000 else ''}")

    # Peak memory, in a separate pass (tracemalloc slows Python allocations down), read in one
    # process: tracemalloc cannot see a worker's memory.
    del table, log, everything
    gc.collect()
    tracemalloc.start()
    with _one_process():
        table = read_history(path)
    log = FlowLog.build(table, WORKFLOW)
    del table
    m.FlowMetrics.compute(log, calendar=CALENDAR)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ratio = peak / log.nbytes
    print(
        f"  peak traced memory          {peak / 1e6:8.1f} MB = {ratio:.1f}x the flow log's "
        f"{log.nbytes / 1e6:.1f} MB of arrays (target <= 3x)"
    )
    sample = min(items, 5_000)
    base, ratio = baseline_ratio(path, items, sample)
    print(
        f"  baseline json+dateutil load {base:8.3f} s   (timed on {sample:,} lines, scaled); "
        f"on the same lines read_history is {ratio:.1f}x faster"
    )


def report_run(path: Path, workflow: Path, items: int) -> None:
    """The flow report on the same file, charts included (not part of the 2 s target)."""
    from click.testing import CliRunner

    from agilemarketing.cli import main as cli
    from agilemarketing.report import FlowReport

    start = time.perf_counter()
    built = FlowReport.build(str(path), WORKFLOW)
    t_build = time.perf_counter() - start
    start = time.perf_counter()
    charts = built.charts()
    t_charts = time.perf_counter() - start
    out = path.parent / f"report-{items}"
    start = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["report", str(path), "--workflow", str(workflow), "--out", str(out)]
    )
    t_cli = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    print(
        f"  report: build (load, flow log, metrics, forecasts) {t_build:6.2f} s; "
        f"{len(charts)} charts {t_charts:6.2f} s; "
        f"`agilemarketing report` end to end (html, csv, json, png) {t_cli:6.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run 2,000 items only")
    args = parser.parse_args()
    sizes = [2_000] if args.quick else [2_000, 20_000, 100_000]
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        for items in sizes:
            start = time.perf_counter()
            board = stress_board(items=items)
            t_gen = time.perf_counter() - start
            start = time.perf_counter()
            path, workflow = board.write(Path(tmp) / f"synthetic-{items}")
            t_write = time.perf_counter() - start
            print(f"\n(generated {items:,} items in {t_gen:.2f} s, wrote JSONL in {t_write:.2f} s)")
            run("synthetic", path, items)
            report_run(path, workflow, items)
            try:
                from agilemarketing.simulate import simulate_board
            except ImportError:
                continue
            board = simulate_board(items=items, seed=7)
            sim_path = Path(tmp) / f"simulated-{items}.jsonl"
            write_history(board.table, sim_path)
            global WORKFLOW
            saved, WORKFLOW = WORKFLOW, board.workflow
            try:
                run("simulate_board", sim_path, items)
            finally:
                WORKFLOW = saved
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
