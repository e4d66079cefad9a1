"""Specification of workflows: stages, categories, status mapping and WIP limits."""

from __future__ import annotations

from pathlib import Path

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


# --- The workflow file ----------------------------------------------------------------------------

WORKFLOW_TOML = """
start = "Doing"
done = "Done"

[[stages]]
name = "To Do"
statuses = ["Backlog", "To Do"]

[[stages]]
name = "Doing"
wip = 3

[[stages]]
name = "Approval"
active = false
wip = {max = 2, min = 1}

[[stages]]
name = "Done"
statuses = ["Done", "Released"]
"""


def test_a_workflow_file_defines_stages_statuses_wip_and_waiting(tmp_path: Path) -> None:
    path = tmp_path / "workflow.toml"
    path.write_text(WORKFLOW_TOML, encoding="utf-8")
    wf = Workflow.from_toml(path)
    assert wf.names == ("To Do", "Doing", "Approval", "Done")
    assert wf.stage_for_status("backlog") == wf.stage("To Do")
    assert wf.stage("Approval").wip.maximum == 2
    assert wf.stage("Approval").wip.minimum == 1
    assert not wf.stage("Approval").active
    assert [s.category.value for s in wf.stages] == ["to do", "in progress", "in progress", "done"]


def test_a_workflow_file_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "workflow.toml"
    path.write_text(
        '[[stages]]\nname = "A"\nwip = "lots"\n[[stages]]\nname = "B"\ncategory = "later"\n',
        encoding="utf-8",
    )
    with pytest.raises(ExceptionGroup) as caught:
        Workflow.from_toml(path)
    messages = [str(e) for e in caught.value.exceptions]
    assert any("stage 1 (A), key 'wip'" in m for m in messages)
    assert any("stage 2 (B), key 'category'" in m for m in messages)


def test_a_workflow_file_with_an_unknown_start_stage_is_refused() -> None:
    with pytest.raises(InvalidValue, match="start stage 'Doing' is not one of the stages"):
        Workflow.from_mapping({"start": "Doing", "stages": [{"name": "A"}, {"name": "B"}]})


def test_a_broken_toml_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[[stages]\n", encoding="utf-8")
    with pytest.raises(InvalidValue, match=r"bad\.toml"):
        Workflow.from_toml(path)
