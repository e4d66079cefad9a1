"""A mirror -> CSV export against reading the exported file back, in the same run.

Usage: ``python benchmarks/bench_export.py [--quick] [--items N]``. Fills a mirror from a
history CSV (``agilemarketing sync csv:source.csv mirror:m.db``), then times the export
(``agilemarketing sync mirror:m.db csv:out.csv``, the whole command: read, plan, journal,
write, merge base) and a plain read of ``out.csv`` (``CsvAdapter.read``). Issue 10 asked that the
export take about as long as reading its result; the ratio printed is export / read.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from agilemarketing_csv import CsvAdapter, write_history_csv
from click.testing import CliRunner

from agilemarketing.cli import main as cli
from agilemarketing.testing import sample_histories


def _sync(source: str, target: str) -> float:
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["sync", source, target], catch_exceptions=False)
    seconds = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"sync {source} {target} failed ({result.exit_code}): {result.output}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,000 items instead of 20,000")
    parser.add_argument("--items", type=int, default=0, help="how many items (overrides --quick)")
    args = parser.parse_args()
    n = args.items or (2_000 if args.quick else 20_000)
    histories = sample_histories(n)
    transitions = sum(len(h.transitions) for h in histories)
    print(f"items: {n:,} ({transitions:,} transitions)")

    with tempfile.TemporaryDirectory() as tmp:
        here = Path.cwd()
        os.chdir(tmp)
        try:
            write_history_csv(Path("source.csv"), histories)
            fill = _sync("csv:source.csv", "mirror:m.db")
            export = _sync("mirror:m.db", "csv:out.csv")
            start = time.perf_counter()
            read = sum(1 for _ in CsvAdapter(str(Path(tmp) / "out.csv")).read())
            read_s = time.perf_counter() - start
            again = _sync("mirror:m.db", "csv:out.csv")
        finally:
            os.chdir(here)
    if read != n:
        raise SystemExit(f"the export holds {read:,} items, not {n:,}")
    print(f"fill the mirror (csv -> mirror)  {fill:8.2f} s")
    print(
        f"export (mirror -> csv)           {export:8.2f} s   read the export {read_s:8.2f} s"
        f"   ratio x{export / read_s:.1f}   ({n / export:,.0f} items/s)"
    )
    print(f"re-run, nothing to do            {again:8.2f} s   ratio x{again / read_s:.1f}")


if __name__ == "__main__":
    main()
