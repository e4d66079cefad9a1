"""Peak memory of reading hostile CSV files: reading stays bounded whatever the file.

Each case runs ``read_jira_csv(...).read_all()`` in a fresh interpreter and reports its peak
resident memory (``ru_maxrss``) and what the read ended in. The baseline is a fresh interpreter
that imports the adapter and reads a small, valid 1,000-row export, measured in the same run.

* **sparse**: a file of zero bytes without a line break (``truncate``: no disk used), 2 GB by
  default. Before the caps this grew to 6 GB and ended in ``MemoryError``.
* **open quote**: a valid header, then a row whose quote is never closed, followed by 200 MB
  of short lines: the reader would gather every line into one cell.
* **long cell**: one cell of 20 Mi characters in an otherwise valid file (a problem of its row).

Usage: ``python benchmarks/bench_csv_memory.py [--quick] [--gigabytes N]`` (quick: 0.2 GB and
20 MB). Prints each case's peak in MB and as a ratio to the baseline; the target is a peak that
does not grow with the file (a few times the baseline at most, whatever the size).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_HEADER = "Summary,Issue key,Issue Type,Status,Created\n"

_CHILD = """
import resource, sys
from agilemarketing_csv import read_jira_csv
from agilemarketing.errors import AgileMarketingError
try:
    n = len(read_jira_csv(sys.argv[1], on_error="collect").read_all())
    outcome = f"read {n} rows"
except AgileMarketingError as exc:
    outcome = f"{type(exc).__name__}: {str(exc).splitlines()[0][:90]}"
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, outcome, sep="\\t")
"""


def _valid(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(_HEADER)
        for i in range(rows):
            out.write(f"Landing page {i},MKT-{i},Story,To Do,2026-01-01T00:00:00Z\n")
    return path


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        out.truncate(size)
    return path


def _open_quote(path: Path, size: int) -> Path:
    line = "an ordinary line of text inside a cell that never closes\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(_HEADER + '"Unclosed,MKT-1,Story,To Do,2026-01-01T00:00:00Z\n')
        for _ in range(size // len(line)):
            out.write(line)
    return path


def _long_cell(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(_HEADER)
        out.write(f'"{"x" * (20 << 20)}",MKT-1,Story,To Do,2026-01-01T00:00:00Z\n')
        out.write("Fine,MKT-2,Story,To Do,2026-01-01T00:00:00Z\n")
    return path


def _peak(path: Path) -> tuple[int, str, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return -1, f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}", seconds
    megabytes, outcome = done.stdout.strip().split("\t", 1)
    return int(megabytes), outcome, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--gigabytes", type=float, default=2.0)
    args = parser.parse_args()
    sparse_size = int((0.2 if args.quick else args.gigabytes) * (1 << 30))
    quote_size = (20 if args.quick else 200) << 20
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = {
            "baseline (1,000 valid rows)": _valid(folder / "valid.csv", 1_000),
            f"sparse ({sparse_size / (1 << 30):.1f} GB of zero bytes)": _sparse(
                folder / "sparse.csv", sparse_size
            ),
            f"open quote (+{quote_size >> 20} MB of lines)": _open_quote(
                folder / "quote.csv", quote_size
            ),
            "long cell (20 Mi characters)": _long_cell(folder / "cell.csv"),
        }
        results = {name: _peak(path) for name, path in cases.items()}
    base = results["baseline (1,000 valid rows)"][0]
    print(f"{'case':40} {'peak MB':>8} {'x base':>7} {'s':>6}  outcome")
    worst = 0.0
    for name, (megabytes, outcome, seconds) in results.items():
        ratio = megabytes / base if base > 0 and megabytes >= 0 else float("nan")
        worst = max(worst, ratio)
        print(f"{name:40} {megabytes:8d} {ratio:7.1f} {seconds:6.1f}  {outcome}")
    print(f"worst peak / baseline: {worst:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
