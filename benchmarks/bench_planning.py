"""Benchmarks of the planning modules, each against a baseline measured in the same run.

* JSON of a planning file with many items and requests: :func:`agilemarketing.serialize.dumps`
  and :func:`~agilemarketing.serialize.loads` (typed converter + msgspec) against
  ``json.dumps(attrs.asdict(...))`` of the same objects (untyped, no datetimes, no rebuild);
* checking requests (tactic heuristic, criterion parsing) against only building them;
* Cycle Planning over a large backlog against slicing the same list;
* Blueprint capacity checks against summing the same efforts by hand;
* the Team Showcase of a board's latest cycle from its history (``cycle_from_history`` and
  ``team_showcase``, HTML included) against the metrics engine alone (``FlowLog.build`` and
  ``cycle_report`` over the same history);
* a planning file stored in the SQLite mirror against the same file on disk.

Run ``python benchmarks/bench_planning.py [--quick]``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import attrs

from agilemarketing.backlog import Backlog
from agilemarketing.cycles import Capacity, Cycle, CycleRun
from agilemarketing.flow import FlowLog
from agilemarketing.items import Size, WorkItem
from agilemarketing.metrics import cycle_report
from agilemarketing.mirror import Mirror
from agilemarketing.planning.blueprint import Blueprint, Priority
from agilemarketing.planning.file import PlanningFile
from agilemarketing.planning.guidepoint import Guidepoint, Outcome
from agilemarketing.planning.serialise import dumps, loads
from agilemarketing.planning.showcase import cycle_from_history, team_showcase
from agilemarketing.planning.stakeholders import Request, check_request
from agilemarketing.planning.workshop import plan_cycle
from agilemarketing.simulate import simulate_board

START = datetime(2026, 4, 6, tzinfo=UTC)
GP = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline"), Outcome("a")])


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
    print(f"{label:<56} {seconds * 1e3:9.2f} ms  {per:8.2f} us/op  x{seconds / baseline:6.2f}")


def requests(n: int) -> list[Request]:
    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append(Request(f"R{i}", "Sam", "Send an email to everyone on our list"))
        else:
            out.append(
                Request(
                    f"R{i}", "Sam", "Prospects do not know the app", customer="retail",
                    desired_outcome="pipeline", serves="pipeline",
                    success=f"at least {i % 90 + 10} qualified leads within 30 days",
                    received_at=START + timedelta(minutes=i),
                )
            )  # fmt: skip
    return out


def main() -> None:
    quick = "--quick" in sys.argv
    n = 2_000 if quick else 20_000
    repeat = 3 if quick else 5
    print(f"{n} items / requests, best of {repeat}")

    items = tuple(
        WorkItem(f"K{i}", f"Campaign {i}", size=Size.points(i % 13), outcome="pipeline",
                 labels={"q2"}, created_at=START + timedelta(minutes=i), fields={"link": "x"})
        for i in range(n)
    )  # fmt: skip
    reqs = requests(n)
    planning = PlanningFile("team", GP, requests=tuple(reqs), items=items)

    def baseline_json() -> object:
        return json.dumps(attrs.asdict(planning), default=str)

    base = best_of(repeat, baseline_json)
    line("baseline: json.dumps(attrs.asdict(planning file))", base, 2 * n, base)
    data = dumps(planning)
    line("serialize.dumps(planning file)", best_of(repeat, lambda: dumps(planning)), 2 * n, base)
    line(
        "serialize.loads(planning file) (typed, validated)",
        best_of(repeat, lambda: loads(data, PlanningFile)),
        2 * n,
        base,
    )

    build = best_of(repeat, lambda: requests(n))
    line("baseline: build the requests", build, n, build)
    line(
        "check_request on each (heuristic + criterion parse)",
        best_of(repeat, lambda: [check_request(r, guidepoint=GP) for r in reqs]),
        n,
        build,
    )

    backlog_items = [WorkItem(f"B{i}", "x", size=Size.points(1)) for i in range(n)]

    def baseline_slice() -> object:
        return backlog_items[:20]

    sliced = best_of(repeat, baseline_slice) or 1e-9

    def plan() -> object:
        run = CycleRun(Cycle("C", START, Capacity.points(20)))
        return plan_cycle(Backlog(backlog_items), run, look_ahead=5)

    def build_backlog() -> object:
        return Backlog(backlog_items)

    backlog_build = best_of(repeat, build_backlog)
    line("baseline: Backlog(items)", backlog_build, n, backlog_build)
    line("plan_cycle(Backlog(items)) incl. building it", best_of(repeat, plan), n, backlog_build)
    line("(for scale) slicing the first 20 items of a list", sliced, 1, backlog_build)

    bp = Blueprint(GP, "2026-04", 10_000)
    for i in range(50):
        bp = bp.add(Priority(f"P{i}", "pipeline", {"2026-04": 10, "2026-05": 5}))
    candidate = Priority("new", "pipeline", {"2026-04": 9_600})

    def by_hand() -> object:
        return sum(p.effort_in("2026-04") for p in bp.priorities) + 9_600 > 10_000

    hand = best_of(repeat, lambda: [by_hand() for _ in range(200)])
    line("baseline: sum a month's efforts by hand (x200)", hand, 200, hand)
    line(
        "Blueprint.check with must-move-out (x200)",
        best_of(repeat, lambda: [bp.check(candidate) for _ in range(200)]),
        200,
        hand,
    )

    board = simulate_board(items=n, seed=6)

    def metrics_only() -> object:
        return cycle_report(FlowLog.build(board.table, board.workflow))

    def history_showcase() -> object:
        return team_showcase(cycle_from_history(board.table, board.workflow)).to_html()

    engine = best_of(repeat, metrics_only)
    line(f"baseline: FlowLog.build + cycle_report ({n} items)", engine, n, engine)
    line("cycle_from_history + team_showcase + HTML", best_of(repeat, history_showcase), n, engine)

    with tempfile.TemporaryDirectory() as tmp:
        on_disk = Path(tmp) / "planning.json"
        with Mirror(Path(tmp) / "team.db") as mirror:

            def file_round_trip() -> object:
                planning.save(on_disk)
                return PlanningFile.load(on_disk)

            def mirror_round_trip() -> object:
                planning.save_to_mirror(mirror)
                return PlanningFile.from_mirror(mirror)

            disk = best_of(repeat, file_round_trip)
            line("baseline: PlanningFile save + load (JSON file)", disk, 2 * n, disk)
            line("PlanningFile save_to_mirror + from_mirror", best_of(repeat, mirror_round_trip),
                 2 * n, disk)  # fmt: skip


if __name__ == "__main__":
    main()
