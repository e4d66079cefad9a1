"""Board speed: WIP-checked pulls and the Daily Huddle on a large board, against plain dicts.

    .venv/bin/python benchmarks/bench_board.py [--quick]

Puts 20,000 items on a five-stage board (2,000 with ``--quick``), then times 100,000 random
pulls (10,000 with ``--quick``) through :meth:`Board.pull` (WIP check, started/done times,
Definition-of-Done check on entering Done) and one :meth:`Board.huddle` over the whole board.
The baseline is the bare bookkeeping a tool without rules would do: a key -> stage dict plus a
per-stage count, with the same random moves. Both sides must end with the same counts.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta

from agilemarketing.board import Board
from agilemarketing.done import DefinitionOfDone
from agilemarketing.items import WorkItem
from agilemarketing.workflow import Workflow

STAGES = ["Backlog", "Ready", "Doing", "Review", "Done"]
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def main() -> int:
    quick = "--quick" in sys.argv
    n_items, n_moves = (2_000, 10_000) if quick else (20_000, 100_000)
    rng = random.Random(7)
    workflow = Workflow.from_shorthand(STAGES, start="Doing")  # no maximum: every move lands
    board = Board(workflow, DefinitionOfDone(["Proofread"]))
    items = [WorkItem(f"K-{i}", f"Item {i}").with_criteria_met("Proofread") for i in range(n_items)]
    for item in items:
        board.add(item, at=T0)
    moves = [
        (f"K-{rng.randrange(n_items)}", rng.choice(STAGES[1:]), T0 + timedelta(seconds=s + 1))
        for s in range(n_moves)
    ]

    started = time.perf_counter()
    for key, stage, at in moves:
        board.pull(key, stage, at=at)
    board_s = time.perf_counter() - started

    where = {item.key: 0 for item in items}
    counts = [n_items, 0, 0, 0, 0]
    index = {name: i for i, name in enumerate(STAGES)}
    started = time.perf_counter()
    for key, stage, _ in moves:
        target = index[stage]
        counts[where[key]] -= 1
        counts[target] += 1
        where[key] = target
    base_s = time.perf_counter() - started
    assert list(board.counts().values()) == counts

    started = time.perf_counter()
    view = board.huddle(T0 + timedelta(days=30), ageing_after=timedelta(days=5))
    huddle_s = time.perf_counter() - started

    print(f"{n_items:,} items, {n_moves:,} pulls")
    print(f"  Board.pull      {board_s * 1e3:9.1f} ms  ({board_s / n_moves * 1e6:.2f} us per pull)")
    print(f"  dict baseline   {base_s * 1e3:9.1f} ms  ratio {board_s / base_s:.1f}x")
    print(f"  Board.huddle    {huddle_s * 1e3:9.1f} ms  ({len(view.items):,} unfinished items)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
