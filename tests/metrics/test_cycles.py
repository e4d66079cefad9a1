"""Per-cycle predictability: commitments, unplanned work and velocity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import attrs
import numpy as np
import pytest

from agilemarketing import metrics as m
from agilemarketing.cycles import CycleReport as LaunchCycleReport
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import CycleWindow, HistoryTable
from agilemarketing.workflow import Workflow


def _with_memberships(table: HistoryTable, *, items: list[int], joined: np.ndarray) -> HistoryTable:
    n = len(items)
    return attrs.evolve(
        table,
        cyc_item=np.array(items, dtype=np.int32),
        cyc_code=np.zeros(n, dtype=np.int32),
        cyc_joined=joined.astype("datetime64[us]"),
        cyc_left=np.full(n, np.datetime64("NaT", "us")),
        cycle_names=("C1",),
    )


def test_cycle_report_measures_commitment_unplanned_work_and_velocity(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    table = HistoryTable.from_histories(
        list(histories.values()), cycles=[CycleWindow("C1", at(0, 0), at(7, 0))]
    )
    # memberships: A and C committed at the start, B added on day 2 (unplanned)
    joined = np.array(
        [t.replace(tzinfo=None) for t in (at(0, 0), at(2), at(0, 0))], dtype="datetime64[us]"
    )
    table = _with_memberships(table, items=[0, 1, 2], joined=joined)
    report = m.cycle_report(FlowLog.build(table, wf, as_of=at(6)))
    assert report.names == ("C1",)
    assert report.committed.tolist() == [2]
    assert report.completed.tolist() == [1]
    assert report.unplanned.tolist() == [1]
    assert report.done.tolist() == [2]
    assert report.velocity.tolist() == [5.0]
    assert report.predictability.tolist() == [0.5]
    assert report.unplanned_share.tolist() == [pytest.approx(1 / 3)]


def test_without_cycle_windows_velocity_comes_from_each_items_last_sprint(
    item: Callable[..., ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    a = item("A", (at(1), "Doing"), (at(2), "Done"), points=3, sprints=("S1", "S2"))
    b = item("B", (at(1), "Doing"), (at(2), "Done"), points=5, sprints=("S1",))
    c = item("C", (at(1), "Doing"), points=8, sprints=("S2",))
    report = m.cycle_report(FlowLog.build([a, b, c], wf))
    assert report.names == ("S1", "S2")
    assert report.velocity.tolist() == [5.0, 3.0]
    assert report.done.tolist() == [1, 1]
    assert report.committed.tolist() == [-1, -1]


def test_the_per_cycle_result_keeps_its_former_name_for_a_release(log: FlowLog) -> None:
    assert isinstance(m.cycle_report(log), m.CyclePredictability)
    assert m.CycleReport is m.CyclePredictability
    assert m.CycleReport is not LaunchCycleReport  # the launch cycle's review is another thing


def _two_cycles(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow, *, as_of: datetime
) -> m.CyclePredictability:
    """C1 (days 0-7) and C2 (days 7-14), A, B and C committed to both at their starts."""
    table = HistoryTable.from_histories(
        list(histories.values()),
        cycles=[CycleWindow("C1", at(0, 0), at(7, 0)), CycleWindow("C2", at(7, 0), at(14, 0))],
    )
    n = 3
    starts = [at(0, 0)] * n + [at(7, 0)] * n
    return m.cycle_report(
        FlowLog.build(
            attrs.evolve(
                table,
                cyc_item=np.array([0, 1, 2] * 2, dtype=np.int32),
                cyc_code=np.array([0] * n + [1] * n, dtype=np.int32),
                cyc_joined=np.array(
                    [t.replace(tzinfo=None) for t in starts], dtype="datetime64[us]"
                ),
                cyc_left=np.full(2 * n, np.datetime64("NaT", "us")),
                cycle_names=("C1", "C2"),
            ),
            wf,
            as_of=as_of,
        )
    )


def test_a_cycle_still_running_is_shown_apart_and_not_averaged_into_predictability(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    report = _two_cycles(histories, at, wf, as_of=at(9))
    assert report.ended.tolist() == [True, False]
    assert report.running.tolist() == [False, True]
    ended = report.predictability[0]
    assert report.predictability[1] < ended  # C2 has barely begun
    assert report.mean_predictability == pytest.approx(ended)  # C2 is not averaged in
    assert report.to_dict()["mean_predictability"] == pytest.approx(ended, abs=1e-4)
    assert [c["running"] for c in report.to_dict()["cycles"]] == [False, True]


def test_once_every_cycle_has_ended_all_of_them_are_averaged(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    report = _two_cycles(histories, at, wf, as_of=at(20))
    assert report.ended.tolist() == [True, True]
    assert report.mean_predictability == pytest.approx(float(np.nanmean(report.predictability)))


def test_with_no_cycle_ended_yet_there_is_no_mean_predictability(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    report = _two_cycles(histories, at, wf, as_of=at(3))
    assert report.names == ("C1",)  # C2 starts after the data ends
    assert report.ended.tolist() == [False]
    assert report.running.tolist() == [True]
    assert np.isnan(report.mean_predictability)
    assert report.to_dict()["mean_predictability"] is None


def test_the_chart_shows_a_running_cycle_apart(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    """The cycle still running is named so under its bars, and its bars are hatched: its
    completions are not yet comparable with an ended cycle's."""
    import matplotlib

    matplotlib.use("Agg")
    ax = _two_cycles(histories, at, wf, as_of=at(9)).plot()
    try:
        labels = [tick.get_text() for tick in ax.get_xticklabels()]
        assert labels == ["C1", "C2 (running)"]
        hatched = {round(p.get_x() + p.get_width() / 2) for p in ax.patches if p.get_hatch()}
        assert hatched == {1}  # both bars of C2, none of C1
        assert any("running" in text.get_text() for text in ax.get_legend().get_texts())
    finally:
        ax.figure.clf()


def test_a_cycle_that_has_not_started_is_planned_and_left_out_of_the_chart(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    """A sprint the board plans ahead (it starts after the moment described) is neither ended
    nor running: it is *planned*, kept in the data, and not drawn as a cycle that completed
    nothing."""
    import matplotlib

    matplotlib.use("Agg")
    table = HistoryTable.from_histories(
        list(histories.values()),
        cycles=[CycleWindow("C1", at(0, 0), at(7, 0)), CycleWindow("C9", at(60, 0), at(74, 0))],
    )
    report = m.cycle_report(FlowLog.build(table, wf, as_of=at(9)))  # C9 starts on day 60
    assert report.planned.tolist() == [False, True]
    assert report.ended.tolist() == [True, False]
    assert report.running.tolist() == [False, False]
    assert [c["planned"] for c in report.to_dict()["cycles"]] == [False, True]
    ax = report.plot()
    try:
        assert [tick.get_text() for tick in ax.get_xticklabels()] == ["C1"]
        assert "1 planned cycle" in ax.get_xlabel()
    finally:
        ax.figure.clf()


def test_the_legend_leaves_the_first_bars_free(
    histories: dict[str, ItemHistory], at: Callable[..., datetime], wf: Workflow
) -> None:
    """Headroom above the tallest bar keeps the legend (upper left) off the first cycle."""
    import matplotlib

    matplotlib.use("Agg")
    report = _two_cycles(histories, at, wf, as_of=at(9))
    ax = report.plot()
    try:
        tallest = max(float(report.committed.max()), float(report.completed.max()))
        assert ax.get_ylim()[1] >= 1.3 * tallest
    finally:
        ax.figure.clf()
