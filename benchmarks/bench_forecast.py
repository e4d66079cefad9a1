"""Forecast speed and accuracy.

1. Monte Carlo with 10,000 trials against the bare cost of numpy drawing the same number of
   random daily samples (``Generator.choice`` on the same window): the simulation must take at
   most 2x that baseline.
2. The exact (convolution) forecast against a 100,000-trial Monte Carlo on several throughput
   shapes: percentile differences in days / items, and the exact method's time.
3. The synthetic board generator (vectorised) at 100,000 items, against building the same
   table from one ``ItemHistory`` object per item (the per-item Python path).

Run: ``.venv/bin/python benchmarks/bench_forecast.py [--quick]``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np

from agilemarketing.forecast import ThroughputSample, how_many_by, when_done

END = date(2026, 11, 20)


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def shapes(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        "poisson(1.5), 90 days": rng.poisson(1.5, 90),
        "lumpy releases, 90 days": np.where(rng.random(90) < 0.15, rng.integers(3, 9, 90), 0),
        "sparse (0.2/day), 120 days": rng.poisson(0.2, 120),
        "busy team (6/day), 60 days": rng.poisson(6, 60),
    }


def speed(repeats: int) -> bool:
    rng = np.random.default_rng(0)
    sample = ThroughputSample(rng.poisson(1.5, 90), last_day=END)
    ok = True
    print("Monte Carlo, 10,000 trials, vs numpy drawing the same number of samples")
    print(f"{'question':<34}{'draws':>12}{'forecast ms':>14}{'numpy ms':>11}{'ratio':>8}")
    cases: list[tuple[str, Callable[[], object], int]] = []
    for items in (30, 150, 600):
        fc = when_done(items, sample, trials=10_000, seed=1)
        cases.append(
            (
                f"when are {items} items done?",
                lambda items=items: when_done(items, sample, trials=10_000, seed=1),
                fc.draws,
            )
        )
    for days in (30, 180):
        by = END + timedelta(days=days)
        many = how_many_by(by, sample, trials=10_000, seed=1)
        cases.append(
            (
                f"how many in {days} days?",
                lambda by=by: how_many_by(by, sample, trials=10_000, seed=1),
                many.draws,
            )
        )
    for name, run, draws in cases:
        gen = np.random.default_rng(1)
        baseline = best_of(repeats, lambda draws=draws, gen=gen: gen.choice(sample.counts, draws))
        took = best_of(repeats, run)
        ratio = took / baseline
        ok &= ratio <= 2.0
        flag = "" if ratio <= 2.0 else "  <-- over 2x"
        print(
            f"{name:<34}{draws:>12,}{took * 1e3:>14.1f}{baseline * 1e3:>11.1f}{ratio:>7.2f}x{flag}"
        )
    return ok


def accuracy(trials: int) -> None:
    rng = np.random.default_rng(7)
    print(f"\nExact vs Monte Carlo ({trials:,} trials): percentile differences (MC - exact)")
    print(
        f"{'throughput':<28}{'question':<22}{'p50':>5}{'p70':>5}{'p85':>5}{'p95':>5}"
        f"{'exact ms':>10}{'MC ms':>9}"
    )
    for name, counts in shapes(rng).items():
        sample = ThroughputSample(counts, last_day=END)
        for items in (20, 200):
            t0 = time.perf_counter()
            exact = when_done(items, sample, method="exact")
            t1 = time.perf_counter()
            mc = when_done(items, sample, trials=trials, seed=3)
            t2 = time.perf_counter()
            diffs = [
                (m.days or 0) - (e.days or 0)
                for e, m in zip(exact.percentiles, mc.percentiles, strict=True)
            ]
            print(
                f"{name:<28}{f'when {items} done':<22}"
                + "".join(f"{d:>5}" for d in diffs)
                + f"{(t1 - t0) * 1e3:>10.1f}{(t2 - t1) * 1e3:>9.1f}"
            )
        by = END + timedelta(days=60)
        t0 = time.perf_counter()
        exact_many = how_many_by(by, sample, method="exact")
        t1 = time.perf_counter()
        mc_many = how_many_by(by, sample, trials=trials, seed=3)
        t2 = time.perf_counter()
        diffs = [
            m.items - e.items
            for e, m in zip(exact_many.percentiles, mc_many.percentiles, strict=True)
        ]
        print(
            f"{name:<28}{'how many in 60 days':<22}"
            + "".join(f"{d:>5}" for d in diffs)
            + f"{(t1 - t0) * 1e3:>10.1f}{(t2 - t1) * 1e3:>9.1f}"
        )
    t0 = time.perf_counter()
    sample = ThroughputSample(rng.poisson(0.55, 180), last_day=END)
    big = when_done(1000, sample, method="exact")
    print(
        f"\nexact, 1,000-item backlog at 0.55 items/day: {(time.perf_counter() - t0) * 1e3:.0f} ms"
        f" (85%: {big.likely(0.85)}, horizon {big.horizon_days} days)"
    )


def generation(items: int) -> None:
    from agilemarketing.historyio import HistoryTable
    from agilemarketing.simulate import simulate_board

    t0 = time.perf_counter()
    board = simulate_board(items=items, seed=1)
    took = time.perf_counter() - t0
    histories = list(board.table.histories())
    t0 = time.perf_counter()
    HistoryTable.from_histories(histories)
    baseline = time.perf_counter() - t0
    table = board.table
    print(
        f"\nsimulate_board({items:,} items): {took * 1e3:.0f} ms for {table.n_transitions:,} "
        f"transitions, {len(table.blk_item):,} blocked periods, {len(table.cyc_item):,} cycle "
        f"memberships; the same table from ItemHistory objects: {baseline * 1e3:.0f} ms "
        f"(ratio {took / baseline:.2f})"
    )
    from agilemarketing.simulate import stress_board

    t0 = time.perf_counter()
    dense = stress_board(items=items).table
    took = time.perf_counter() - t0
    print(
        f"stress_board({items:,} items): {took * 1e3:.0f} ms for {dense.n_transitions:,} "
        f"transitions ({dense.n_transitions / len(dense):.1f} per item)"
    )


def main() -> int:
    quick = "--quick" in sys.argv
    ok = speed(repeats=3 if quick else 7)
    accuracy(trials=20_000 if quick else 100_000)
    generation(items=20_000 if quick else 100_000)
    print("\nMonte Carlo within 2x of numpy's sampling:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
