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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-creates", action="store_true")
    args = parser.parse_args()
    cards, actions = (200, 1500) if args.quick else (2000, 15000)
    os.environ["TRELLO_KEY"], os.environ["TRELLO_TOKEN"] = KEY, TOKEN
    unlimited = RateLimiter(SlidingWindow(10**9, 1.0), SlidingWindow(10**9, 1.0))
    with FakeTrello(token_limit=10**9, key_limit=10**9) as fake:
        board = fake.seed(board_histories(cards, actions))
        adapter = TrelloAdapter(
            board, {"api_url": fake.url, "key_prefix": "MKT", "limiter": unlimited}
        )
        started = time.perf_counter()
        first = adapter.read()
        records = list(first)
        full = len(fake.log)
        print(
            f"full read: {len(records)} cards, {len(fake.actions)} actions, {full} requests "
            f"(lower bound {1 + math.ceil(len(fake.actions) / 1000)}), "
            f"{time.perf_counter() - started:.2f} s"
        )
        before = len(fake.log)
        assert list(adapter.read(first.cursor)) == []
        print(f"incremental, 0 changed: {len(fake.log) - before} requests (lower bound 1)")
        done = fake.list_named(board, "Done")
        review = fake.list_named(board, "Review")
        for n in range(1, 51):
            card = fake.card_by_short(board, n)
            fake.move_card(card["id"], review if card["idList"] == done else done)
        before = len(fake.log)
        started = time.perf_counter()
        changed = list(adapter.read(first.cursor))
        print(
            f"incremental, {len(changed)} changed: {len(fake.log) - before} requests "
            f"(lower bound {2 + math.ceil(50 / 10)}), {time.perf_counter() - started:.2f} s"
        )
    if args.no_creates:
        return 0
    creates = 30 if args.quick else 300
    with FakeTrello() as fake:  # Trello's own limits: 100 / 10 s per token, 300 per key
        board = fake.add_board(lists=list(STATUSES))
        adapter = TrelloAdapter(board, {"api_url": fake.url, "key_prefix": "MKT"})
        started = time.perf_counter()
        results = adapter.write(
            [CreateItem(f"NEW-{i}", f"Ad {i}", status="To Do") for i in range(creates)]
        )
        elapsed = time.perf_counter() - started
        requests = len(fake.log)
        floor = max(0, math.ceil(requests / 100) - 1) * 10
        print(
            f"{creates} creates: {requests} requests in {elapsed:.1f} s at the limiter's rate "
            f"(floor {floor} s), {fake.rejected_429} answered 429, "
            f"{sum(r.ok for r in results)} applied"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
