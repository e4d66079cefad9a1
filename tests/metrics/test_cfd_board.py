"""The cumulative flow diagram is the board: per day, each band is the number of items in that
stage (a reopened item leaves Done, a backward move shrinks the later band), and it agrees with
the WIP series. The arrival lines (first reaching each stage, never decreasing) are kept apart
as ``arrivals``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from naive_board import end_of_day, status_at

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.workflow import Workflow

Case = tuple[list[ItemHistory], FlowLog]
Item = Callable[..., ItemHistory]
At = Callable[..., datetime]


def _band(cfd: m.CumulativeFlow, day: str, stage: str) -> int:
    k = day_strings(cfd).index(day)
    return int(cfd.bands[k, cfd.stages.index(stage)])


def day_strings(cfd: m.CumulativeFlow) -> list[str]:
    return [str(d) for d in cfd.days]


def test_a_reopened_item_leaves_done(item: Item, at: At, wf: Workflow) -> None:
    r = item("R", (at(1), "Doing"), (at(2), "Done"), (at(3), "Doing"), (at(5), "Done"))
    cfd = m.cumulative_flow(FlowLog.build([r], wf, as_of=at(6)))
    assert _band(cfd, "2026-01-07", "Done") == 1
    assert _band(cfd, "2026-01-08", "Done") == 0  # reopened on Jan 8
    assert _band(cfd, "2026-01-08", "Doing") == 1
    assert _band(cfd, "2026-01-10", "Done") == 1
    assert cfd.arrivals[3, cfd.stages.index("Done")] == 1  # the arrival line never goes down


def test_a_backward_move_shrinks_the_later_band(item: Item, at: At, wf: Workflow) -> None:
    b = item("B", (at(1), "Doing"), (at(2), "Review"), (at(3), "Doing"))
    cfd = m.cumulative_flow(FlowLog.build([b], wf, as_of=at(4)))
    assert _band(cfd, "2026-01-07", "Review") == 1
    assert _band(cfd, "2026-01-08", "Review") == 0
    assert _band(cfd, "2026-01-08", "Doing") == 1
    assert cfd.cumulative[-1].tolist() == [1, 1, 0, 0]  # stacked: in this stage or a later one


@given(data=st.data())
def test_cfd_bands_are_the_items_in_each_stage_every_day(
    random_logs: st.SearchStrategy[Case], data: st.DataObject
) -> None:
    items, log = data.draw(random_logs)  # backward moves, reopens, Won't Do, self-moves
    cfd, w = m.cumulative_flow(log), m.wip(log)
    stages = list(cfd.stages)
    for k, day in enumerate(cfd.days.tolist()):
        end = end_of_day(day, log.as_of_datetime())
        naive = [sum(status_at(h, end) == s for h in items) for s in stages]
        assert cfd.bands[k].tolist() == naive, day
    work = slice(log.start_index, log.done_index)
    assert (cfd.bands[:, work] == w.per_stage[:, work]).all()
    assert (cfd.bands[:, work].sum(axis=1) == w.total).all()


@given(data=st.data())
def test_cfd_lines_never_cross_and_arrival_lines_never_decrease(
    random_logs: st.SearchStrategy[Case], data: st.DataObject
) -> None:
    _, log = data.draw(random_logs)
    cfd = m.cumulative_flow(log)
    assert (np.diff(cfd.cumulative, axis=1) <= 0).all()
    assert (cfd.bands >= 0).all()
    assert (np.diff(cfd.arrivals, axis=0) >= 0).all()
    assert (np.diff(cfd.arrivals, axis=1) <= 0).all()
