"""The board as typed data: columns as stages with WIP limits, sprints as cycles."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from agilemarketing_jira.board import BoardStage, read_board_configuration
from fake_jira import FakeJira
from jira_support import adapter_for

from agilemarketing.errors import InvalidValue
from agilemarketing.testing import sample_histories


def test_a_scrum_board_gives_stages_limits_and_every_sprint(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour)
    fake.seed(sample_histories(3))
    for n in range(1, 61):  # more than one page of sprints
        fake.sprint(
            f"Sprint {n}, launch", state="closed" if n < 59 else "active" if n == 59 else "future"
        )
    board = read_board_configuration(adapter_for(fake, "project=MKT&board=1"))
    assert board.type == "scrum"
    assert board.stages == (
        BoardStage("To Do", ("To Do",)),
        BoardStage("In Progress", ("In Progress",), None, 4),
        BoardStage("Review", ("Review",), 1, 3),
        BoardStage("Done", ("Done",)),
    )
    assert board.wip_limits == {"In Progress": 4, "Review": 3}
    names = ["Cycle 1"] + [f"Sprint {n}, launch" for n in range(1, 61)]  # Cycle 1: seeded
    assert [c.name for c in board.cycles] == names
    assert [c.state for c in board.cycles][-3:] == ["closed", "active", "future"]
    assert board.cycles[0].start is not None
    assert board.cycles[0].end is not None
    assert len(fake.requests("GET", r"/board/1/sprint$")) == 2


def test_a_kanban_board_has_no_sprints(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("cloud", board_type="kanban")
    board = read_board_configuration(adapter_for(fake, "project=MKT&board=1"))
    assert board.type == "kanban"
    assert board.cycles == ()
    assert len(board.stages) == 4
    assert not fake.requests("GET", r"/sprint$")


def test_without_a_board_it_says_what_to_add(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("cloud")
    with pytest.raises(InvalidValue, match="board=<id>"):
        read_board_configuration(adapter_for(fake))


def test_the_board_hook_describes_stages_limits_sprints_and_the_estimation_field(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour)
    fake.seed(sample_histories(3))
    fake.sprint("Sprint 2", state="active", goal="Spring webinar")
    adapter = adapter_for(fake, "project=MKT&board=1")
    assert adapter.capabilities.board
    board = adapter.board()
    assert board is not None
    flow = board.workflow()
    assert flow.names == ("To Do", "In Progress", "Review", "Done")
    assert flow.done == "Done"
    assert (flow.stage("Review").wip.minimum, flow.stage("Review").wip.maximum) == (1, 3)
    assert [(c.name, c.state) for c in board.cycles] == [
        ("Cycle 1", "closed"),
        ("Sprint 2", "active"),
    ]
    assert board.cycles[1].goal == "Spring webinar"
    assert board.estimation_field == "Story Points"
    assert adapter_for(fake).board() is None  # no board= in the URL
