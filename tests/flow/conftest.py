"""Builders shared by the flow-log tests: a workflow, days, item histories, random histories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import strategies as st

from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.workflow import Workflow

Move = tuple[float, str | None, str]
"""(day, from status, to status)."""
MakeHistory = Callable[..., ItemHistory]
BuildLog = Callable[..., FlowLog]

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
STATUSES = ["To Do", "Doing", "Review", "Done", "Won't Do"]


@pytest.fixture(scope="session")
def workflow() -> Workflow:
    """To Do, Doing (where cycle time starts), Review (a waiting stage), Done."""
    return Workflow.from_shorthand("To Do,Doing,Review,Done", start="Doing", waiting=["Review"])


@pytest.fixture(scope="session")
def day() -> Callable[[float], datetime]:
    """The moment ``n`` days after Monday 5 January 2026, 09:00 UTC."""

    def moment(n: float) -> datetime:
        return T0 + timedelta(days=n)

    return moment


@pytest.fixture(scope="session")
def make_history(day: Callable[[float], datetime]) -> MakeHistory:
    """``make_history(key, *moves, status=None)``: an item created on day 0 that makes the
    ``(day, from, to)`` moves; its status is the last move's "to" unless given."""

    def history(key: str, *moves: Move, status: str | None = None) -> ItemHistory:
        return ItemHistory(
            key=key,
            status=status or (moves[-1][2] if moves else "To Do"),
            created=day(0),
            transitions=[Transition(day(d), a, b) for d, a, b in moves],
        )

    return history


@pytest.fixture(scope="session")
def build_log(workflow: Workflow) -> BuildLog:
    """``build_log(*histories, **options)``: the flow log of the histories in ``workflow``."""

    def build(*items: ItemHistory, **kw: Any) -> FlowLog:
        return FlowLog.build(list(items), workflow, **kw)

    return build


@pytest.fixture(scope="session")
def iso() -> Callable[[np.datetime64], str]:
    """A ``datetime64`` as ISO text to the second."""

    def text(value: np.datetime64) -> str:
        return str(value.astype("datetime64[s]"))

    return text


@pytest.fixture(scope="session")
def reopened(make_history: MakeHistory) -> ItemHistory:
    """Item R: Doing on day 1, Done on day 3, reopened on day 5, Done again on day 8."""
    return make_history(
        "R",
        (1, "To Do", "Doing"),
        (3, "Doing", "Done"),
        (5, "Done", "Doing"),
        (8, "Doing", "Done"),
    )


@pytest.fixture(scope="session")
def random_histories(make_history: MakeHistory) -> st.SearchStrategy[list[ItemHistory]]:
    """A strategy: one to eight items, each with up to six moves among ``STATUSES`` (any order
    in time, Won't Do included); draw from it with ``st.data()``."""

    @st.composite
    def histories(draw: st.DrawFn) -> list[ItemHistory]:
        out = []
        for i in range(draw(st.integers(1, 8))):
            steps = draw(
                st.lists(st.tuples(st.floats(0, 30), st.sampled_from(STATUSES)), max_size=6)
            )
            moves, previous = [], "To Do"
            for at, status in steps:
                moves.append((at, previous, status))
                previous = status
            out.append(make_history(f"K-{i}", *moves, status=previous))
        return out

    return histories()
