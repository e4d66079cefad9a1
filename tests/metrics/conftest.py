"""Shared builders of the metric tests: a small workflow, hand-made item histories with known
answers, their flow log, and a hypothesis strategy of random histories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import strategies as st

from agilemarketing.flow import FlowLog
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.workflow import Workflow

WF = Workflow.from_shorthand(
    "To Do,Doing,Review,Done", start="Doing", waiting=["Review"], wip={"Doing": 1}
)
T0 = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
STATUSES = ["To Do", "Doing", "Review", "Done", "Won't Do"]


def _at(day: float, hour: float = 9) -> datetime:
    return T0 + timedelta(days=day, hours=hour)


def _item(
    key: str,
    *moves: tuple[datetime, str],
    type: str = "Email",
    labels: tuple[str, ...] = (),
    points: float | None = None,
    blocked: tuple[BlockedPeriod, ...] = (),
    sprints: tuple[str, ...] = (),
) -> ItemHistory:
    transitions, previous = [], "To Do"
    for moment, status in moves:
        transitions.append(Transition(moment, previous, status))
        previous = status
    return ItemHistory(
        key=key,
        type=type,
        status=previous,
        created=_at(0),
        points=points,
        labels=labels,
        sprints=sprints,
        transitions=transitions,
        blocked=blocked,
    )


@pytest.fixture(scope="session")
def wf() -> Workflow:
    """To Do, Doing (WIP limit 1, where cycle time starts), Review (waiting), Done."""
    return WF


@pytest.fixture(scope="session")
def t0() -> datetime:
    """Monday 2026-01-05 00:00 UTC, the first day of the hand-made histories."""
    return T0


@pytest.fixture(scope="session")
def at() -> Callable[..., datetime]:
    """``at(day, hour=9)``: a moment ``day`` days (and ``hour`` hours) after :func:`t0`."""
    return _at


@pytest.fixture(scope="session")
def item() -> Callable[..., ItemHistory]:
    """``item(key, (moment, status), ...)``: a history created on day 0, moving from To Do."""
    return _item


@pytest.fixture(scope="session")
def histories() -> dict[str, ItemHistory]:
    """A (done, labelled, blocked three times), B (done quickly), C (in progress), W (won't do)."""
    a = _item(
        "A",
        (_at(1), "Doing"),
        (_at(2), "Review"),
        (_at(4), "Done"),
        labels=("webinar",),
        points=3,
        blocked=(
            BlockedPeriod(_at(1, 12), _at(1, 18)),
            BlockedPeriod(_at(1, 15), _at(2, 0)),  # overlaps the first: 12:00 to 00:00 = 0.5 day
            BlockedPeriod(_at(0), _at(1, 10)),  # before the start: only 09:00-10:00 counts
        ),
    )
    b = _item("B", (_at(1, 12), "Doing"), (_at(2, 12), "Done"), type="Blog", points=2)
    c = _item("C", (_at(3), "Doing"))
    w = _item("W", (_at(1), "Doing"), (_at(2), "Won't Do"))
    return {"A": a, "B": b, "C": c, "W": w}


@pytest.fixture(scope="session")
def log(histories: dict[str, ItemHistory]) -> FlowLog:
    """The flow log of :func:`histories` as of day 6."""
    return FlowLog.build(list(histories.values()), WF, as_of=_at(6))


# A move on the hour, or 1 us either side: at whole days these are the last moment of a day (the
# daily snapshot), midnight and just after it, where an off-by-one in a day count shows.
EDGES = st.sampled_from((0, 0, 0, -1, 1))


@st.composite
def _logs(draw: st.DrawFn) -> tuple[list[ItemHistory], FlowLog]:
    items = []
    for i in range(draw(st.integers(1, 10))):
        steps = draw(
            st.lists(
                st.tuples(st.integers(0, 20 * 24), EDGES, st.sampled_from(STATUSES)), max_size=6
            )
        )
        steps.sort()
        moves = [(T0 + timedelta(hours=h, microseconds=e), s) for h, e, s in steps]
        items.append(_item(f"K-{i}", *moves))
    as_of = T0 + timedelta(days=draw(st.integers(21, 25)))
    return items, FlowLog.build(items, WF, as_of=as_of)


@pytest.fixture(scope="session")
def random_logs() -> st.SearchStrategy[tuple[list[ItemHistory], FlowLog]]:
    """Random histories (up to 10 items, up to 6 moves each over 20 days, some on a day's last
    microsecond or at midnight) and their flow log;
    draw from it with ``data.draw(random_logs)`` in a ``@given(data=st.data())`` test."""
    return _logs()
