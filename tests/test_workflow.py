"""Specification of workflows: stages, categories, status mapping and WIP limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidInputGroup, InvalidValue, NotFound
from agilemarketing.workflow import Stage, StageCategory, WipLimit, Workflow


def test_shorthand_sets_categories_around_start_and_done() -> None:
    wf = Workflow.from_shorthand("Backlog,Ready,Doing,Review,Done", start="Ready", done="Done")
    assert [s.category for s in wf.stages] == [
        StageCategory.TODO,
        StageCategory.IN_PROGRESS,
        StageCategory.IN_PROGRESS,
        StageCategory.IN_PROGRESS,
        StageCategory.DONE,
    ]


def test_shorthand_takes_wip_limits_and_waiting_stages() -> None:
    wf = Workflow.from_shorthand(
        "Backlog,Doing,Approval,Done", wip={"doing": 3}, waiting=["Approval"]
    )
    assert wf.stage("Doing").wip == WipLimit(3)
    assert wf.stage("Approval").active is False


def test_unknown_start_stage_names_the_valid_ones() -> None:
    with pytest.raises(NotFound, match="Backlog, Doing, Done"):
        Workflow.from_shorthand("Backlog,Doing,Done", start="Ready")


def test_statuses_map_case_insensitively_and_unmapped_ones_give_none() -> None:
    wf = Workflow(
        [
            Stage("To do", "to do"),
            Stage("Doing", "in progress", statuses=["In Progress", "Doing"]),
            Stage("Done", "done", statuses=["Done", "Closed"]),
        ]
    )
    assert wf.stage_for_status("in progress") == wf.stage("Doing")
    assert wf.stage_for_status("CLOSED") == wf.stage("Done")
    assert wf.stage_for_status("Won't Do") is None


def test_all_problems_of_a_workflow_are_reported_together() -> None:
    with pytest.raises(InvalidInputGroup) as info:
        Workflow(
            [
                Stage("A", "to do", statuses=["x"]),
                Stage("A", "in progress", statuses=["x"]),
                Stage("B", "done"),
            ]
        )
    assert len(info.value.exceptions) == 2


def test_done_stage_must_be_in_the_done_category() -> None:
    with pytest.raises(InvalidValue, match="not in the 'done' category"):
        Workflow([Stage("A", "to do"), Stage("B", "in progress")], done="B")


def test_wip_minimum_cannot_exceed_maximum() -> None:
    with pytest.raises(InvalidValue, match="minimum 4 is greater than maximum 3"):
        WipLimit(maximum=3, minimum=4)


def test_negative_wip_limits_are_refused() -> None:
    with pytest.raises(InvalidValue):
        WipLimit(-1)


@given(st.integers(0, 50), st.integers(0, 60))
def test_a_wip_limit_allows_exactly_up_to_its_maximum(maximum: int, count: int) -> None:
    assert WipLimit(maximum).allows(count) == (count <= maximum)


@given(
    st.lists(
        st.from_regex(r"[A-Za-z][A-Za-z ]{0,10}", fullmatch=True),
        min_size=1,
        max_size=8,
        unique_by=lambda s: s.strip().casefold(),
    )
)
def test_shorthand_keeps_every_stage_in_order(names: list[str]) -> None:
    wf = Workflow.from_shorthand(",".join(names))
    assert wf.names == tuple(n.strip() for n in names)
    assert wf.index_of(wf.start or "") <= wf.index_of(wf.done or "")


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("In Progress", StageCategory.IN_PROGRESS),
        ("in_progress", StageCategory.IN_PROGRESS),
        ("TODO", StageCategory.TODO),
        ("to-do", StageCategory.TODO),
        (" Done ", StageCategory.DONE),
    ],
)
def test_a_stage_category_may_be_written_as_people_write_it(
    written: str, category: StageCategory
) -> None:
    assert Stage("X", written).category is category


def test_an_unknown_stage_category_is_an_invalid_value_saying_which_exist() -> None:
    with pytest.raises(InvalidValue, match="unknown stage category") as caught:
        Stage("X", "doing")
    assert caught.value.value == "doing"
    assert "'to do', 'in progress' or 'done'" in str(caught.value)
    with pytest.raises(InvalidValue, match=r"stage 2 \(Doing\), key 'category'"):
        Workflow.from_mapping({"stages": [{"name": "To Do"}, {"name": "Doing", "category": "wip"}]})
