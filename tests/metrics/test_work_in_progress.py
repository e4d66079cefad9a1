"""WIP per day and stage, WIP-limit breaches, and the cumulative flow diagram."""

from __future__ import annotations

from agilemarketing import metrics as m
from agilemarketing.flow import FlowLog


def test_wip_counts_in_progress_stages_at_the_end_of_each_day(log: FlowLog) -> None:
    w = m.wip(log)
    # end of Jan 6: A, B and W in Doing; end of Jan 7: A in Review; then C from Jan 8
    assert w.total.tolist() == [0, 3, 1, 2, 1, 1, 1]
    assert w.per_stage[:, 1].tolist() == [0, 3, 0, 1, 1, 1, 1]
    assert w.per_stage[:, 0].sum() == 0


def test_wip_breaches_name_the_days_over_the_limit(log: FlowLog) -> None:
    wb = m.wip_breaches(log)
    assert wb.stages == ("Doing",)
    assert wb.over[:, 0].tolist() == [False, True, False, False, False, False, False]
    assert wb.to_dict()["Doing"]["over_on"] == ["2026-01-06"]


def test_cumulative_flow_stacks_the_items_in_each_stage_each_day(log: FlowLog) -> None:
    cfd = m.cumulative_flow(log)
    assert cfd.stages == ("To Do", "Doing", "Review", "Done")
    # end of Jan 6: C in To Do, A, B and W in Doing; W leaves the board for Won't Do on Jan 7
    assert cfd.bands[1].tolist() == [1, 3, 0, 0]
    assert cfd.bands[2].tolist() == [1, 0, 1, 1]
    assert cfd.bands[-1].tolist() == [0, 1, 0, 2]
    assert cfd.cumulative[-1].tolist() == [3, 3, 2, 2]


def test_arrival_lines_count_first_arrivals_and_leave_abandoned_out(log: FlowLog) -> None:
    cfd = m.cumulative_flow(log)
    assert cfd.arrivals[-1].tolist() == [3, 3, 2, 2]
    assert cfd.arrivals[1].tolist() == [3, 2, 0, 0]  # end of Jan 6
    assert cfd.arrivals[2].tolist() == [3, 2, 2, 1]
