"""A printed tour of agile marketing with agilemarketing, on a small bundled backlog.

Run it from the repository root::

    .venv/bin/python examples/domain_tour.py

It walks one team through a fortnight: the Marketing Backlog (examples/backlog.toml), pruning and
prioritising it, Cycle Planning within the team's own capacity, the board with its WIP limits
(a breach refused, then a recorded override), the Definition of Done refusing an item that is
not done yet, the Daily Huddle, and the cycle report for the Team Showcase.

Every timestamp is fixed, so the output is the same on every run.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from agilemarketing._text import table
from agilemarketing.backlog import Backlog, WontHave
from agilemarketing.board import Board, WipOverride
from agilemarketing.cycles import (
    Capacity,
    Cycle,
    CycleReport,
    CycleRun,
    capacity_from_history,
)
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import NotDone, WipBreach
from agilemarketing.items import CustomerStory, Size, WorkItem
from agilemarketing.prioritisation import RICE, MoSCoWPrioritiser, prioritise
from agilemarketing.workflow import Workflow

BACKLOG_FILE = Path(__file__).with_name("backlog.toml")
CYCLE_START = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
DAY = timedelta(days=1)
PAST_VELOCITY = (19.0, 24.0, 21.0, 17.0)  # points the team completed in its last four cycles


def heading(number: int, title: str) -> None:
    """A short numbered heading with a rule under it."""
    text = f"{number}. {title}"
    print()
    print(text)
    print("-" * len(text))


def load(path: Path = BACKLOG_FILE) -> dict[str, Any]:
    """Read the bundled backlog file."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


def work_item(entry: Mapping[str, Any]) -> WorkItem:
    """One ``[[item]]`` table as a WorkItem; MoSCoW and RICE inputs go in ``fields``."""
    return WorkItem(
        key=entry["key"],
        title=entry["title"],
        kind=entry["kind"],
        story=CustomerStory(entry["as_a"], entry["i_want"], entry["so_that"]),
        size=Size.points(entry["points"]),
        outcome=entry.get("outcome"),
        created_at=CYCLE_START - 30 * DAY,
        fields={
            name: entry[name]
            for name in ("moscow", "reach", "impact", "confidence", "effort")
            if name in entry
        },
    )


def past_report(number: int, velocity: float) -> CycleReport:
    """A closed past cycle in which the team completed ``velocity`` points."""
    start = CYCLE_START - (len(PAST_VELOCITY) - number + 1) * 14 * DAY
    run = CycleRun(Cycle(f"Cycle {number + 2}", start, Capacity.points(40)))
    run.commit([WorkItem(f"OLD-{number}", "Past work", size=Size.points(velocity))], at=start)
    run.complete(f"OLD-{number}", at=start + 10 * DAY)
    return run.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Print the tour; ``argv`` may name another backlog TOML file."""
    args = list(sys.argv[1:] if argv is None else argv)
    data = load(Path(args[0]) if args else BACKLOG_FILE)
    team = data["team"]
    print(f"Agile marketing tour: the {team['name']} team")
    print(f"Guidepoint: {team['guidepoint']}")

    # 1. The backlog -------------------------------------------------------------------------
    heading(1, "The Marketing Backlog")
    backlog = Backlog(work_item(entry) for entry in data["item"])
    total = sum(item.points for item in backlog)
    print(f"{len(backlog)} items, {total:g} points, in the order they were requested.")
    plan = backlog.plan_prune(WontHave())
    removed = backlog.apply_prune(plan)
    for item in removed:
        print(f"Pruned {item.key} {item.title!r}: categorised Won't")

    # 2. Prioritisation ----------------------------------------------------------------------
    heading(2, "Prioritised: RICE within MoSCoW")
    # RICE first, then MoSCoW: ties in MoSCoW keep their current order, so within each
    # category the items stay in RICE order.
    rice = prioritise(backlog, RICE())
    moves = rice.apply_to(backlog)
    moscow = prioritise(backlog, MoSCoWPrioritiser())
    moves += moscow.apply_to(backlog)
    scores = {entry.key: entry.score for entry in rice}
    rows = [
        [
            entry.position + 1,
            entry.key,
            entry.score.label,
            f"{scores[entry.key].value:,.0f}",
            f"{entry.item.points:g}",
            entry.item.title,
        ]
        for entry in moscow
    ]
    print("\n".join(table(["#", "KEY", "MOSCOW", "RICE", "PT", "TITLE"], rows, right=[0, 3, 4])))
    print(f"{len(moves)} rank changes to write back to the team's tool.")

    # 3. Cycle Planning ----------------------------------------------------------------------
    heading(3, "Cycle Planning")
    history = [past_report(n, v) for n, v in enumerate(PAST_VELOCITY, start=1)]
    capacity = capacity_from_history(history)
    print(
        "Past velocity: "
        + ", ".join(f"{r.velocity:g}" for r in history)
        + f" pt; plan on the median: {capacity}."
    )
    cycle = Cycle("Cycle 7", CYCLE_START, capacity)
    run = CycleRun(cycle)
    committed = run.plan_from(backlog, at=CYCLE_START - 3 * DAY)  # the Friday before
    print(f"{cycle.name}, {cycle.start:%d %b} to {cycle.end:%d %b}: committed")
    print(
        "\n".join(
            table(
                ["KEY", "PT", "TITLE"],
                [[i.key, f"{i.points:g}", i.title] for i in committed],
                right=[1],
            )
        )
    )
    left = len(backlog) - len(committed)
    print(f"{run.planned:g} of {capacity} planned; {left} items stay in the backlog.")

    # 4. The board and its WIP limits ----------------------------------------------------------
    heading(4, "The board: WIP limits")
    flow = data["workflow"]
    workflow = Workflow.from_shorthand(
        flow["stages"], start=flow["start"], done=flow["done"], wip=flow["wip"]
    )
    dod = DefinitionOfDone.from_mapping(data["definition_of_done"])
    board = Board(workflow, dod)
    for item in committed:
        board.add(item, "Ready", at=CYCLE_START)
    keys = [item.key for item in committed]
    for key in keys[:3]:
        board.pull(key, "In Progress", at=CYCLE_START + timedelta(hours=1))
    limit = workflow.stage("In Progress").wip.maximum
    print(f"In Progress holds {len(board.keys_in('In Progress'))} of {limit}.")
    fourth = keys[3]
    try:
        board.pull(fourth, "In Progress", at=CYCLE_START + DAY)
    except WipBreach as breach:
        print(f"Pull {fourth} -> refused: {breach.stage} is full ({', '.join(breach.keys)}).")
    override = WipOverride("the webinar date is public", by="Marketing Owner")
    board.pull(fourth, "In Progress", at=CYCLE_START + DAY, override=override)
    print(f"Pull {fourth} -> allowed by an override, recorded:")
    for record in board.overrides:
        print(f"  {record}")

    # 5. The Definition of Done ---------------------------------------------------------------
    heading(5, "The Definition of Done")
    email = next(item for item in committed if item.kind == "email")
    board.pull(email.key, "Review", at=CYCLE_START + 2 * DAY)
    board.meet(email.key, "Copy proofread", "Links and UTM tags tested", "Tracking in place")
    check = board.done_check(email.key)
    print(f"{email.key} ({email.kind}): {check.summary if check else 'no checklist'}")
    try:
        board.pull(email.key, "Done", at=CYCLE_START + 3 * DAY)
    except NotDone as refusal:
        print(f"Move {email.key} to Done -> refused, unmet:")
        for criterion in refusal.unmet:
            print(f"  - {criterion}")
    board.meet(email.key, *dod.criteria_for(email.kind))
    board.pull(email.key, "Done", at=CYCLE_START + 3 * DAY)
    run.complete(email.key, at=CYCLE_START + 3 * DAY)
    print(f"{email.key} meets every criterion -> Done.")

    # 6. The Daily Huddle ---------------------------------------------------------------------
    heading(6, "The Daily Huddle")
    blocked = keys[0] if keys[0] != email.key else keys[1]
    board.block(
        blocked, "waiting for legal to approve the customer quote", at=CYCLE_START + 2 * DAY
    )
    print(board.huddle(CYCLE_START + 4 * DAY, ageing_after=timedelta(days=3)))

    # 7. Closing the cycle --------------------------------------------------------------------
    heading(7, "Team Showcase: the cycle report")
    board.unblock(blocked, at=CYCLE_START + 5 * DAY)
    finished = [key for key in keys if key != email.key][:-1]
    for n, key in enumerate(finished, start=6):
        for stage in ("In Progress", "Review"):
            board.pull(key, stage, at=CYCLE_START + n * DAY)
        board.meet(key, *dod.criteria_for(board.item(key).kind))
        board.pull(key, "Done", at=CYCLE_START + n * DAY + timedelta(hours=4))
        run.complete(key, at=CYCLE_START + n * DAY + timedelta(hours=4))
    urgent = WorkItem("MKT-120", "Fix the broken demo link in the nurture email", kind="email")
    run.add_unplanned(urgent.with_size(Size.points(1)), at=CYCLE_START + 8 * DAY)
    run.complete(urgent.key, at=CYCLE_START + 8 * DAY + timedelta(hours=2))
    print(f"Unplanned: {urgent.key} {urgent.title!r}, added and finished on day 8.")
    print()
    print(run.close())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
