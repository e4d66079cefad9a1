"""The board's own description (issue 11, point 3): read by a sync, kept in the mirror per
board, and given back by the mirror as an adapter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import BoardCycle, BoardDescription, BoardStage
from agilemarketing.errors import InvalidInputGroup, InvalidValue
from agilemarketing.mirror import OWN_BOARD, Mirror, MirrorAdapter
from agilemarketing.sync import SyncConfig, SyncReport, apply, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories
from agilemarketing.workflow import StageCategory

BOARD = BoardDescription(
    stages=[
        BoardStage("To Do"),
        BoardStage("Doing", statuses=["In Progress"], wip_max=3),
        BoardStage("Review", waiting=True, wip_min=1, wip_max=2),
        BoardStage("Done"),
    ],
    start="Doing",
    done="Done",
    abandoned=["Won't Do"],
    cycles=[
        BoardCycle(
            "Cycle 1",
            start="2026-01-05T09:00:00Z",
            end="2026-01-19T09:00:00Z",
            state="closed",
            goal="Launch the webinar",
        )
    ],
    estimation_field="Story Points",
    name="Marketing",
)


def test_a_description_gives_the_workflow_of_the_board() -> None:
    flow = BOARD.workflow()
    assert flow.names == ("To Do", "Doing", "Review", "Done")
    assert [s.category for s in flow.stages] == [
        StageCategory.TODO,
        StageCategory.IN_PROGRESS,
        StageCategory.IN_PROGRESS,
        StageCategory.DONE,
    ]
    assert flow.stage_for_status("In Progress").name == "Doing"
    assert not flow.stage("Review").active
    assert (flow.stage("Review").wip.minimum, flow.stage("Review").wip.maximum) == (1, 2)
    assert flow.stage_for_status("Won't Do") is None  # abandoned: the metrics say so


@pytest.mark.parametrize(
    "broken",
    [
        {"stages": [BoardStage("A"), BoardStage("B")], "abandoned": ["B"]},
        {"stages": [BoardStage("A"), BoardStage("B")], "done": "C"},
        {"stages": [BoardStage("A"), BoardStage("A")]},
        {"stages": []},
    ],
)
def test_a_description_that_breaks_a_workflow_rule_is_refused(broken: dict[str, object]) -> None:
    with pytest.raises((InvalidValue, InvalidInputGroup)):
        BoardDescription(**broken)  # type: ignore[arg-type]


_names = st.text("abcdefgh XYZ", min_size=1, max_size=8).map(str.strip).filter(bool)


@st.composite
def descriptions(draw: st.DrawFn) -> BoardDescription:
    names = draw(st.lists(_names, min_size=1, max_size=5, unique_by=str.casefold))
    limit = st.none() | st.integers(0, 9)
    stages = [BoardStage(n, wip_max=draw(limit), waiting=draw(st.booleans())) for n in names]
    cycles = [
        BoardCycle(draw(_names), state=draw(st.sampled_from(["closed", "active", ""])))
        for _ in range(draw(st.integers(0, 2)))
    ]
    return BoardDescription(
        stages, cycles=cycles, estimation_field=draw(st.none() | _names), name=draw(_names)
    )


@given(descriptions())
def test_a_description_survives_its_stored_form(description: BoardDescription) -> None:
    assert BoardDescription.from_dict(description.as_dict()) == description


def test_a_sync_keeps_the_sources_description_per_board(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source = memory("team", sample_histories(4))
    source.describe(BOARD)
    target = MirrorAdapter.of(mirror)
    config = SyncConfig.from_dict({"status_map": {"In Progress": "Doing"}})
    sync(source, target, mirror, config=config)
    assert mirror.description("memory:team") == BOARD
    own = mirror.description(OWN_BOARD)
    assert own is not None
    assert own.stages[1].statuses == ("Doing",)  # in the mirror's vocabulary
    assert target.board() == own


def test_a_board_without_a_description_stores_none(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    sync(memory("plain", sample_histories(2)), MirrorAdapter.of(mirror), mirror)
    assert mirror.description("memory:plain") is None
    assert MirrorAdapter.of(mirror).board() is None


def test_an_unchanged_description_is_not_written_again(
    mirror: Mirror,
    memory: Callable[..., InMemoryAdapter],
    sync: Callable[..., SyncReport],
    data_version: Callable[[], int],
) -> None:
    source = memory("team", sample_histories(3))
    source.describe(BOARD)
    sync(source, MirrorAdapter.of(mirror), mirror)
    before = data_version()
    sync(source, MirrorAdapter.of(mirror), mirror)
    assert data_version() == before


def test_a_changed_description_replaces_the_stored_one(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source = memory("team", sample_histories(3))
    source.describe(BOARD)
    sync(source, MirrorAdapter.of(mirror), mirror)
    wider = BoardDescription(
        [BoardStage("To Do"), BoardStage("Doing", wip_max=5), BoardStage("Done")]
    )
    source.describe(wider)
    sync(source, MirrorAdapter.of(mirror), mirror)
    assert mirror.description("memory:team") == wider


def test_a_dry_run_stores_no_description(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter]
) -> None:
    source = memory("team", sample_histories(3))
    source.describe(BOARD)
    plan(source, MirrorAdapter.of(mirror), mirror)
    assert mirror.description("memory:team") is None


def test_a_mirror_as_a_source_hands_its_description_on(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], tmp_path: Path
) -> None:
    source = memory("team", sample_histories(3))
    source.describe(BOARD)
    apply(plan(source, MirrorAdapter.of(mirror), mirror))
    onward = memory("agency")
    with Mirror(tmp_path / "onward.db") as state:
        apply(plan(MirrorAdapter.of(mirror), onward, state))
        assert state.description(MirrorAdapter.of(mirror).url) == BOARD


def test_a_secret_in_a_description_is_not_stored(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOARD_TOKEN", "tok-5ecret")
    source = memory("team", sample_histories(2))
    token = source.secret("BOARD_TOKEN")
    source.describe(BoardDescription([BoardStage("To Do"), BoardStage("Done")], name=token))
    apply(plan(source, MirrorAdapter.of(mirror), mirror))
    stored = mirror.description("memory:team")
    assert stored is not None
    assert "tok-5ecret" not in str(stored.as_dict())


def test_a_csv_board_describes_nothing(tmp_path: Path) -> None:
    from agilemarketing.plugins import adapter_for_url

    path = tmp_path / "board.csv"
    path.write_text("Issue key,Summary,Status\nMKT-1,Launch,To Do\n", encoding="utf-8")
    adapter = adapter_for_url(f"csv:{path}")
    assert not adapter.capabilities.board
    assert adapter.board() is None
