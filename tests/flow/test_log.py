"""The flow log as a whole: its ``as_of``, rewinding to an earlier moment, building from a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import attrs
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import write_history
from agilemarketing.workflow import Workflow

BuildLog = Callable[..., FlowLog]
MakeHistory = Callable[..., ItemHistory]
Iso = Callable[[np.datetime64], str]


def test_as_of_defaults_to_the_latest_timestamp_and_can_be_given(
    build_log: BuildLog, make_history: MakeHistory, iso: Iso
) -> None:
    h = make_history("A", (1, "To Do", "Doing"))
    assert iso(build_log(h).as_of) == "2026-01-06T09:00:00"
    assert iso(build_log(h, as_of="2026-02-01T00:00:00Z").as_of) == "2026-02-01T00:00:00"


def test_building_from_a_jsonl_path_matches_building_from_objects(
    tmp_path: Path, workflow: Workflow, make_history: MakeHistory, reopened: ItemHistory
) -> None:
    items = [reopened, make_history("A", (1, "To Do", "Doing"))]
    write_history(items, tmp_path / "h.jsonl")
    a, b = FlowLog.build(tmp_path / "h.jsonl", workflow), FlowLog.build(items, workflow)
    for column in ("seg_item", "seg_stage", "seg_enter", "seg_leave", "start", "done"):
        np.testing.assert_array_equal(getattr(a, column), getattr(b, column))
    assert a.nbytes > 0


def _status_at(h: ItemHistory, moment: datetime) -> str | None:
    """Replay one item's transitions up to a moment (None: not created yet)."""
    if h.created is not None and h.created > moment:
        return None
    status = h.transitions[0].from_status if h.transitions else h.status
    for t in h.transitions:
        if t.at <= moment:
            status = t.to_status
    return status


@given(data=st.data(), days=st.floats(0, 30))
def test_an_earlier_as_of_shows_the_board_as_it_was(
    build_log: BuildLog,
    workflow: Workflow,
    day: Callable[[float], datetime],
    random_histories: st.SearchStrategy[list[ItemHistory]],
    data: st.DataObject,
    days: float,
) -> None:
    items = data.draw(random_histories)
    items = [attrs.evolve(h, transitions=sorted(h.transitions, key=lambda t: t.at)) for h in items]
    moment = day(days)
    log = build_log(*items, as_of=moment)
    existing = [h for h in items if _status_at(h, moment) is not None]
    assert log.keys.tolist() == [h.key for h in existing]
    for row, h in enumerate(existing):
        expected = workflow.index_for_status(str(_status_at(h, moment)))
        assert log.current_stage[row] == (-1 if expected is None else expected), h.key
    assert (log.seg_enter <= np.datetime64(moment.replace(tzinfo=None), "us")).all()
