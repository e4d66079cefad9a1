"""Backlog speed on a large backlog, against a plain Python list doing the naive equivalent.

    .venv/bin/python benchmarks/bench_backlog.py [--quick]

Builds 100,000 items (10,000 with ``--quick``), then times 10,000 random moves (before / after /
top), 10,000 finds by key, 10,000 position lookups, 1,000 removals, 1,000 inserts at a random
rank, a prune plan over the whole backlog and applying it. The baseline is what one writes
without a data structure: a ``list`` of keys in rank order (``list.index`` / ``list.insert`` /
``list.remove`` in C) and a ``dict`` of items by key. Both sides run the same operations with
the same random choices; the naive moves and position lookups take minutes on 100,000 items, so
the full run times the first tenth of them. Both sides end in the same order (checked).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from agilemarketing.backlog import (
    Backlog,
    OutsideOutcomes,
    PrunePlan,
    Stale,
    WontHave,
    rank_changes,
)
from agilemarketing.items import WorkItem

NOW = datetime(2026, 6, 1, tzinfo=UTC)
OUTCOMES = ["leads", "awareness", "retention", "old-launch"]
MOSCOW = ["must", "should", "could", "won't"]


def make_items(n: int, rng: random.Random) -> list[WorkItem]:
    return [
        WorkItem(
            f"MKT-{i}",
            f"Idea {i}",
            outcome=rng.choice(OUTCOMES),
            created_at=NOW - timedelta(days=rng.randint(0, 900)),
            fields={"moscow": rng.choice(MOSCOW)},
        )
        for i in range(n)
    ]


def timed(label: str, count: int, fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    return seconds / max(count, 1) * 1e6


def main() -> int:
    quick = "--quick" in sys.argv
    n = 10_000 if quick else 100_000
    ops = 1_000 if quick else 10_000
    removals = 100 if quick else 1_000
    rng = random.Random(42)
    items = make_items(n, rng)
    keys = [item.key for item in items]
    moves = []
    for _ in range(ops):
        kind = rng.choice(["before", "after", "top"])
        a, b = rng.sample(keys, 2)
        moves.append((kind, a, b))
    finds = [rng.choice(keys) for _ in range(ops)]
    gone = rng.sample(keys, removals)
    back = [(rng.randrange(n - removals), by) for by in gone]  # put the removed ones back
    rules = (Stale(365, now=NOW), OutsideOutcomes(OUTCOMES[:3]), WontHave())

    results: list[tuple[str, float, float]] = []

    # --- the Backlog ---
    backlog = Backlog()
    ours = {"build": timed("build", n, lambda: backlog.extend(items))}

    def our_moves() -> None:
        for kind, a, b in moves:
            if kind == "before":
                backlog.move_before(a, b)
            elif kind == "after":
                backlog.move_after(a, b)
            else:
                backlog.move_to_top(a)

    ours["move"] = timed("move", ops, our_moves)
    ours["find"] = timed("find", ops, lambda: [backlog.find(k) for k in finds])
    ours["position"] = timed("position", ops, lambda: [backlog.position(k) for k in finds])
    removed = {key: backlog.find(key) for key in gone}
    ours["remove"] = timed("remove", removals, lambda: [backlog.remove(k) for k in gone])
    ours["insert"] = timed(
        "insert", removals, lambda: [backlog.insert(removed[k], at=at) for at, k in back]
    )
    plan_holder: list[PrunePlan] = []
    ours["prune plan"] = timed(
        "prune", len(backlog), lambda: plan_holder.append(backlog.plan_prune(*rules))
    )
    plan = plan_holder[0]
    kept = Backlog(backlog)  # a copy, so the re-prioritisation below has a full backlog
    ours["apply prune"] = timed(
        "apply", len(plan), lambda: kept.apply_prune(kept.plan_prune(*rules))
    )

    # --- the naive baseline: a list of keys (list.index scans in C) + a dict of items ---
    order: list[str] = []
    by_key: dict[str, WorkItem] = {}

    def naive_build() -> None:
        for item in items:
            if item.key in by_key:
                raise AssertionError(item.key)
            by_key[item.key] = item
            order.append(item.key)

    base = {"build": timed("build", n, naive_build)}

    def naive_move(kind: str, a: str, b: str) -> None:
        order.remove(a)
        if kind == "before":
            order.insert(order.index(b), a)
        elif kind == "after":
            order.insert(order.index(b) + 1, a)
        else:
            order.insert(0, a)

    # On 100k items the naive moves take minutes, so the full run times a sample of them
    # (the first ``sample`` of the same moves) and compares orders only in --quick mode.
    sample = ops if quick else ops // 10
    base["move"] = timed("move", sample, lambda: [naive_move(*m) for m in moves[:sample]])
    base["find"] = timed("find", ops, lambda: [by_key[k] for k in finds])
    base["position"] = timed("position", sample, lambda: [order.index(k) for k in finds[:sample]])

    def naive_remove() -> None:
        for key in gone:
            order.remove(key)
            del by_key[key]

    base["remove"] = timed("remove", removals, naive_remove)

    def naive_insert() -> None:
        for at, key in back:
            order.insert(at, key)
            by_key[key] = removed[key]

    base["insert"] = timed("insert", removals, naive_insert)

    def naive_prune() -> list[tuple[WorkItem, list[str]]]:
        selected = []
        for key in order:
            item = by_key[key]
            reasons = [reason for rule in rules if (reason := rule(item)) is not None]
            if reasons:
                selected.append((item, reasons))
        return selected

    base["prune plan"] = timed("prune", len(order), naive_prune)

    def naive_apply() -> None:
        selected = {item.key for item, _ in naive_prune()}
        order[:] = [key for key in order if key not in selected]
        for key in selected:
            del by_key[key]

    pruned = set(plan.keys)
    expected = [key for key in order if key not in pruned]
    base["apply prune"] = timed("apply", len(plan), naive_apply)
    assert order == expected, "the baseline pruned something else"
    if quick:  # the same operations, so the same order
        assert kept.keys() == order, "the two sides disagree"
    else:  # the baseline ran a tenth of the moves: the same items, in another order
        assert sorted(kept.keys()) == sorted(order), "the two sides disagree"

    for name in ours:
        results.append((name, ours[name], base[name]))

    print(
        f"Backlog of {n:,} items; {ops:,} moves/finds/positions, {removals:,} removals/inserts "
        f"(plain list: {sample:,} moves/positions)"
    )
    print(f"{'operation':<13}{'Backlog µs/op':>15}{'plain list µs/op':>20}{'speed-up':>12}")
    for name, mine, theirs in results:
        print(f"{name:<13}{mine:>15.2f}{theirs:>20.2f}{theirs / mine:>11.1f}x")
    print(
        f"prune plan selects {len(plan):,} items; 'apply prune' (plan + apply) is per item removed"
    )

    # --- writing back a re-prioritisation: 1% of the items get a new rank ---
    old = backlog.keys()
    new = list(old)
    for key in rng.sample(old, len(old) // 100):
        new.remove(key)
        new.insert(rng.randrange(len(new) + 1), key)
    start = time.perf_counter()
    minimal = rank_changes(old, new)
    lis_ms = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    naive = [key for i, key in enumerate(new) if old.index(key) != i] if quick else None
    naive_ms = (time.perf_counter() - start) * 1e3
    where = {key: i for i, key in enumerate(old)}
    rewrites = sum(1 for i, key in enumerate(new) if where[key] != i)
    start = time.perf_counter()
    backlog.reorder(new)
    reorder_ms = (time.perf_counter() - start) * 1e3
    assert backlog.keys() == new
    print(
        f"re-prioritise {len(old) // 100:,} of {len(old):,} items: rank_changes {lis_ms:.0f} ms "
        f"-> {len(minimal):,} moves (rewriting every changed rank: {rewrites:,} writes); "
        f"Backlog.reorder applies them in {reorder_ms:.0f} ms"
    )
    if naive is not None:
        print(f"  (naive diff with list.index: {naive_ms:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
