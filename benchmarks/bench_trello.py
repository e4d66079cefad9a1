"""Trello adapter request costs and the limiter's pace, against the fake Trello on 127.0.0.1.

A board of 2,000 cards and 15,000 actions (quick: 200 and 1,500):

* requests of a full read, against the lower bound (1 snapshot + ceil(actions / 1,000) pages);
* requests of an incremental read with 0 changed cards (lower bound 1) and with 50 changed
  cards (lower bound 2 + ceil(50 / 10) batch requests);
* wall time of 300 creates at Trello's real rate (100 requests / 10 s per token), and the
  floor the rate sets for that many requests.

Usage: ``python benchmarks/bench_trello.py [--quick] [--no-creates]``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "adapters/agilemarketing-trello/tests")
)

from agilemarketing_trello.adapter import TrelloAdapter
from agilemarketing_trello.limiter import RateLimiter, SlidingWindow
from fake_trello import KEY, TOKEN, FakeTrello

from agilemarketing.adapter import CreateItem
from agilemarketing.history import ItemHistory, Transition

STATUSES = ("To Do", "In Progress", "Review", "Done")


def board_histories(cards: int, actions: int) -> list[ItemHistory]:
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    moves = actions - cards
    histories = []
    for n in range(cards):
        created = start + timedelta(minutes=n)
        count = moves // cards + (1 if n < moves % cards else 0)
        transitions = [Transition(created, None, STATUSES[0])]
        for m in range(count):
            at = created + timedelta(hours=m + 1)
            transitions.append(Transition(at, STATUSES[m % 4], STATUSES[(m + 1) % 4]))
        histories.append(
            ItemHistory(
                f"MKT-{n + 1}",
                summary=f"Card {n + 1}",
                status=transitions[-1].to_status,
                created=created,
                transitions=transitions,
            )
        )
    return histories


Row = tuple[str, int, int, float]


def table(rows: list[Row], creates: str | None) -> str:
    """The measurements as a Markdown table: requests against the lower bound, wall time."""
    lines = [
        "| measure | requests | lower bound | over the bound | wall time |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, requests, bound, seconds in rows:
        lines.append(f"| {name} | {requests} | {bound} | +{requests - bound} | {seconds:.2f} s |")
    if creates:
        lines.append(creates)
    return "\n".join(lines)


def reads(cards: int, actions: int) -> list[Row]:
    """Requests of a full read and of incremental reads with 0 and 50 changed cards."""
    rows: list[Row] = []
    unlimited = RateLimiter(SlidingWindow(10**9, 1.0), SlidingWindow(10**9, 1.0))
    with FakeTrello(token_limit=10**9, key_limit=10**9) as fake:
        board = fake.seed(board_histories(cards, actions))
        adapter = TrelloAdapter(
            board, {"api_url": fake.url, "key_prefix": "MKT", "limiter": unlimited}
        )
        started = time.perf_counter()
        first = adapter.read()
        records = list(first)
        bound = 1 + math.ceil(len(fake.actions) / 1000)
        name = f"full read ({len(records)} cards, {len(fake.actions)} actions)"
        rows.append((name, len(fake.log), bound, time.perf_counter() - started))
        before, started = len(fake.log), time.perf_counter()
        assert list(adapter.read(first.cursor)) == []
        rows.append(
            ("incremental, 0 changed", len(fake.log) - before, 1, time.perf_counter() - started)
        )
        done = fake.list_named(board, "Done")
        review = fake.list_named(board, "Review")
        for n in range(1, 51):
            card = fake.card_by_short(board, n)
            fake.move_card(card["id"], review if card["idList"] == done else done)
        before, started = len(fake.log), time.perf_counter()
        changed = list(adapter.read(first.cursor))
        # the changes page, the snapshot, and one batch request per 10 changed cards
        bound = 2 + math.ceil(len(changed) / 10)
        elapsed = time.perf_counter() - started
        rows.append(
            (f"incremental, {len(changed)} changed", len(fake.log) - before, bound, elapsed)
        )
    return rows


def creates(count: int) -> str:
    """The wall time of ``count`` creates at Trello's real rate, against the rate's floor."""
    with FakeTrello() as fake:  # Trello's own limits: 100 / 10 s per token, 300 per key
        board = fake.add_board(lists=list(STATUSES))
        adapter = TrelloAdapter(board, {"api_url": fake.url, "key_prefix": "MKT"})
        started = time.perf_counter()
        results = adapter.write(
            [CreateItem(f"NEW-{i}", f"Ad {i}", status="To Do") for i in range(count)]
        )
        elapsed = time.perf_counter() - started
        requests = len(fake.log)
        floor = max(0, math.ceil(requests / 100) - 1) * 10
        return (
            f"| {count} creates ({sum(r.ok for r in results)} applied, {fake.rejected_429} "
            f"answered 429) | {requests} | - | - | {elapsed:.1f} s "
            f"(floor {floor} s, x{elapsed / floor if floor else 0:.2f}) |"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-creates", action="store_true")
    args = parser.parse_args()
    cards, actions = (200, 1500) if args.quick else (2000, 15000)
    os.environ["TRELLO_KEY"], os.environ["TRELLO_TOKEN"] = KEY, TOKEN
    rows = reads(cards, actions)
    made = None if args.no_creates else creates(30 if args.quick else 300)
    print(table(rows, made))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
