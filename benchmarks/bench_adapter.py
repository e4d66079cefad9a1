"""Benchmarks of the adapter spine: change ids, the in-memory adapter, plugin discovery.

Each number is printed with a baseline measured in the same run:

* ``change_id`` (canonical JSON + SHA-256) against ``json.dumps`` of the same dict alone, so the
  hashing and canonicalisation overhead is visible;
* a full read of the in-memory adapter against iterating a plain list of the same records;
* applying moves through the adapter against building the same records with ``attrs.evolve``;
* building a plugin manager with entry points against one with the built-ins only.

Run ``python benchmarks/bench_adapter.py [--quick]``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

import attrs

from agilemarketing.adapter import ItemRecord, MoveStatus, UpdateFields
from agilemarketing.plugins import get_plugin_manager, load_registry
from agilemarketing.testing import InMemoryAdapter, sample_histories


def best_of(repeat: int, function: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def line(label: str, seconds: float, count: int, baseline: float) -> None:
    per = seconds / count * 1e6
    print(f"{label:<52} {seconds * 1e3:9.2f} ms  {per:8.2f} us/op  x{seconds / baseline:6.2f}")


def main() -> None:
    quick = "--quick" in sys.argv
    items = 2_000 if quick else 50_000
    repeat = 3 if quick else 5
    histories = sample_histories(items)
    print(f"{items} items, best of {repeat}")

    changes = [
        UpdateFields(h.key, {"summary": f"{h.summary}!", "channel": "email"}) for h in histories
    ]
    dicts = [c.as_dict() for c in changes]
    base = best_of(repeat, lambda: [json.dumps(d, sort_keys=True) for d in dicts])
    line("baseline: json.dumps of each change dict", base, items, base)
    line(
        "change_id of each change",
        best_of(repeat, lambda: [c.change_id for c in changes]),
        items,
        base,
    )

    adapter = InMemoryAdapter("bench", {"page_size": 500})
    adapter.seed(histories)
    records = [ItemRecord(h) for h in histories]
    base = best_of(repeat, lambda: [r.key for r in records])
    line("baseline: iterate a list of records", base, items, base)
    line(
        "InMemoryAdapter full read",
        best_of(repeat, lambda: [r.key for r in adapter.read()]),
        items,
        base,
    )

    moves = [MoveStatus(h.key, "Archived", origin="bench") for h in histories]
    base = best_of(
        1, lambda: [attrs.evolve(r, history=attrs.evolve(r.history, status="x")) for r in records]
    )
    line("baseline: attrs.evolve each record", base, items, base)
    line(
        "InMemoryAdapter apply MoveStatus (first time)",
        best_of(1, lambda: [adapter.apply(m) for m in moves]),
        items,
        base,
    )
    line(
        "InMemoryAdapter apply MoveStatus (already applied)",
        best_of(1, lambda: [adapter.apply(m) for m in moves]),
        items,
        base,
    )

    base = best_of(repeat, lambda: load_registry(get_plugin_manager(load_entrypoints=False)))
    line("baseline: registry of the built-ins only", base, 1, base)
    line(
        "registry with installed entry points",
        best_of(repeat, lambda: load_registry(get_plugin_manager())),
        1,
        base,
    )


if __name__ == "__main__":
    main()
