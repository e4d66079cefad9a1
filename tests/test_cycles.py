"""Specification of launch cycles (agilemarketing.cycles): plan, run, close, learn capacity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from builders import work_item
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.cycles import (
    FORTNIGHT,
    Capacity,
    CapacityOverride,
    CapacityUnit,
    Cycle,
    CycleReport,
    CycleRun,
    ManualClock,
    capacity_from_history,
)
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import (
    CycleStateError,
    InvalidInputGroup,
    InvalidValue,
    NotDone,
    NotFound,
    OverCommitted,
)
from agilemarketing.items import WorkItem

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def item(key: str, points: float | None = 3) -> WorkItem:
    """A work item of 3 points unless told otherwise: cycles plan in points."""
    return work_item(key, points)


def run_with(capacity: Capacity, *keys: str) -> CycleRun:
    run = CycleRun(Cycle("Cycle 7", START, capacity))
    run.commit([item(k) for k in keys], at=START)
    return run


def test_a_cycle_is_a_fortnight_by_default_and_its_end_is_derived() -> None:
    cycle = Cycle("Cycle 7", START, Capacity.points(20))
    assert cycle.length == FORTNIGHT == timedelta(days=14)
    assert cycle.end == START + FORTNIGHT
    assert cycle.contains(START)
    assert cycle.contains(cycle.end)
    assert not cycle.contains(cycle.end + timedelta(seconds=1))


def test_the_following_cycle_starts_when_this_one_ends() -> None:
    cycle = Cycle("Cycle 7", START, Capacity.items(6), timedelta(days=7))
    nxt = cycle.following("Cycle 8")
    assert (nxt.start, nxt.length, nxt.capacity) == (cycle.end, cycle.length, cycle.capacity)


def test_cycle_values_are_validated() -> None:
    with pytest.raises(InvalidValue, match="longer than zero"):
        Cycle("C", START, Capacity.points(1), timedelta(0))
    with pytest.raises(InvalidValue, match="timezone"):
        Cycle("C", datetime(2026, 3, 2), Capacity.points(1))
    with pytest.raises(InvalidValue, match="capacity"):
        Capacity.points(-1)
    with pytest.raises(InvalidValue, match="name"):
        Cycle(" ", START, Capacity.points(1))


def test_capacity_measures_points_or_items() -> None:
    work = [item("A", 5), item("B", 3)]
    assert Capacity.points(10).measure(work) == 8
    assert Capacity.items(10).measure(work) == 2
    assert str(Capacity.items(6)) == "6 items"


def test_committing_within_capacity_records_the_plan() -> None:
    run = CycleRun(Cycle("Cycle 7", START, Capacity.points(9)), clock=ManualClock(START - DAY))
    run.commit([item("A"), item("B")])
    assert [i.key for i in run.committed] == ["A", "B"]
    assert run.planned == 6
    assert run.remaining == 3
    assert run.state == "planning"


def test_committing_over_capacity_says_by_how_much() -> None:
    run = run_with(Capacity.points(8), "A", "B")
    with pytest.raises(OverCommitted) as caught:
        run.commit([item("C", 5)], at=START)
    err = caught.value
    assert (err.planned, err.capacity, err.excess, err.unit) == (11, 8, 3, "points")
    assert err.keys == ("A", "B", "C")
    assert "3 pt over capacity (8 pt)" in str(err)
    assert "CapacityOverride" in str(err)
    assert [i.key for i in run.committed] == ["A", "B"]


def test_an_override_commits_beyond_capacity_and_is_recorded() -> None:
    run = run_with(Capacity.items(1), "A")
    override = CapacityOverride("launch week: the whole team is on it", by="Marketing Owner")
    run.commit([item("B")], at=START, override=override)
    assert run.remaining == -1
    assert run.overrides == (override,)
    assert run.close().overrides == (override,)


def test_unsized_items_cannot_be_planned_in_points_and_are_reported_together() -> None:
    run = CycleRun(Cycle("C", START, Capacity.points(20)))
    with pytest.raises(InvalidInputGroup) as caught:
        run.commit([item("A", None), item("B", None), item("C")], at=START)
    assert len(caught.value.exceptions) == 2
    assert run.committed == ()


def test_unsized_items_can_be_planned_in_items() -> None:
    run = CycleRun(Cycle("C", START, Capacity.items(2)))
    run.commit([item("A", None)], at=START)
    assert run.planned == 1


def test_an_item_is_committed_once() -> None:
    run = run_with(Capacity.points(20), "A")
    with pytest.raises(InvalidValue, match="already in the cycle"):
        run.commit([item("A")], at=START)


def test_plan_from_takes_from_the_top_and_stops_at_the_first_item_that_does_not_fit() -> None:
    run = CycleRun(Cycle("C", START, Capacity.points(10)))
    taken = run.plan_from([item("A", 5), item("B", 3), item("C", 5), item("D", 1)], at=START)
    assert [i.key for i in taken] == ["A", "B"]
    assert [i.key for i in run.committed] == ["A", "B"]


def test_work_added_while_running_is_unplanned_and_never_committed() -> None:
    run = run_with(Capacity.points(20), "A")
    run.add_unplanned(item("X"), at=START + DAY)
    assert run.state == "running"
    assert [i.key for i in run.unplanned] == ["X"]
    assert [i.key for i in run.committed] == ["A"]
    report = run.close()
    assert "X" not in report.carried_over
    assert report.predictability == 0.0


def test_the_plan_is_locked_once_the_cycle_runs() -> None:
    run = run_with(Capacity.points(20), "A")
    run.complete("A", at=START + DAY)
    with pytest.raises(CycleStateError, match="locked") as caught:
        run.commit([item("B")], at=START)
    assert caught.value.state == "running"


def test_completions_must_fall_inside_the_cycle_and_happen_once() -> None:
    run = run_with(Capacity.points(20), "A", "B")
    with pytest.raises(InvalidValue, match="outside the cycle"):
        run.complete("A", at=START + 15 * DAY)
    run.complete("A", at=START + DAY)
    with pytest.raises(InvalidValue, match="already completed"):
        run.complete("A", at=START + 2 * DAY)
    with pytest.raises(NotFound, match="'Z'"):
        run.complete("Z", at=START + DAY)


def test_unplanned_work_cannot_finish_before_it_was_added() -> None:
    run = run_with(Capacity.points(20))
    run.add_unplanned(item("X"), at=START + 2 * DAY)
    with pytest.raises(InvalidValue, match="before it was added"):
        run.complete("X", at=START + DAY)


def test_closing_reports_committed_completed_unplanned_and_carried_over() -> None:
    run = run_with(Capacity.points(12), "A", "B", "C", "D")
    run.add_unplanned(item("X", 2), at=START + DAY)
    run.add_unplanned(item("Y", 1), at=START + DAY)
    run.complete("B", at=START + 3 * DAY)
    run.complete("A", at=START + 2 * DAY)
    run.complete("X", at=START + 4 * DAY)
    report = run.close()
    assert report.closed_at == run.cycle.end
    assert [i.key for i in report.committed] == ["A", "B", "C", "D"]
    assert report.completed == ("A", "B", "X")
    assert report.completed_committed == ("A", "B")
    assert report.carried_over == ("C", "D")
    assert [i.key for i in report.unplanned] == ["X", "Y"]
    assert report.completed_unplanned == ("X",)
    assert [i.key for i in report.unfinished] == ["C", "D", "Y"]
    assert report.predictability == 0.5
    assert report.committed_points == 12
    assert report.velocity == 8
    assert report.throughput == 3
    text = report.to_text()
    assert "Completed     2 of 4" in text
    assert "predictability 50%" in text
    assert "Carried over  2 items  C, D" in text


def test_a_closed_cycle_refuses_changes() -> None:
    run = run_with(Capacity.points(20), "A")
    run.close()
    with pytest.raises(CycleStateError, match="closed"):
        run.complete("A", at=START + DAY)
    with pytest.raises(CycleStateError):
        run.close()


def test_a_cycle_cannot_close_before_its_last_completion() -> None:
    run = run_with(Capacity.points(20), "A")
    run.complete("A", at=START + 3 * DAY)
    with pytest.raises(InvalidValue, match="before its last completion"):
        run.close(START + DAY)


def test_predictability_is_undefined_when_nothing_was_committed() -> None:
    assert run_with(Capacity.points(20)).close().predictability is None


def test_ten_of_ten_beats_four_of_fifteen() -> None:
    steady = run_with(Capacity.items(10), *(f"S{i}" for i in range(10)))
    for i in range(10):
        steady.complete(f"S{i}", at=START + DAY)
    busy = run_with(Capacity.items(15), *(f"B{i}" for i in range(15)))
    for i in range(4):
        busy.complete(f"B{i}", at=START + DAY)
    steady_p = steady.close().predictability
    busy_p = busy.close().predictability
    assert steady_p == 1.0
    assert busy_p is not None
    assert busy_p == pytest.approx(4 / 15)


def closed(name: str, start: datetime, points: list[float]) -> CycleReport:
    run = CycleRun(Cycle(name, start, Capacity.points(100)))
    run.commit([item(f"{name}-{i}", p) for i, p in enumerate(points)], at=start)
    for i in range(len(points)):
        run.complete(f"{name}-{i}", at=start + DAY)
    return run.close()


def test_capacity_comes_from_the_teams_own_past() -> None:
    reports = [
        closed("C3", START + 2 * FORTNIGHT, [5, 5, 5]),  # 15 pt, 3 items
        closed("C1", START, [3, 3, 3, 3]),  # 12 pt, 4 items
        closed("C2", START + FORTNIGHT, [8, 8, 2]),  # 18 pt, 3 items
    ]
    assert capacity_from_history(reports) == Capacity.points(15)
    assert capacity_from_history(reports, unit="items") == Capacity.items(3)
    assert capacity_from_history(reports, percentile=0) == Capacity.points(12)
    assert capacity_from_history(reports, last=2) == Capacity.points(16.5)
    assert capacity_from_history(reports, unit=CapacityUnit.ITEMS, last=1).amount == 3


def test_capacity_needs_some_history_and_a_sensible_percentile() -> None:
    with pytest.raises(InvalidValue, match="no past cycle"):
        capacity_from_history([])
    with pytest.raises(InvalidValue, match="percentile"):
        capacity_from_history([closed("C1", START, [1])], percentile=120)
    with pytest.raises(InvalidValue, match="last"):
        capacity_from_history([closed("C1", START, [1])], last=0)


# --- properties -----------------------------------------------------------------------------------


@st.composite
def cycle_runs(draw: st.DrawFn) -> CycleReport:
    sizes = draw(st.lists(st.sampled_from([0, 1, 2, 3, 5, 8, 13]), max_size=12))
    items = [item(f"I-{n}", s) for n, s in enumerate(sizes)]
    split = draw(st.integers(0, len(items)))
    planned, extra = items[:split], items[split:]
    capacity = draw(st.sampled_from([Capacity.points(20), Capacity.items(5)]))
    run = CycleRun(Cycle("P", START, capacity))
    run.commit(planned, at=START, override=CapacityOverride("property test", by="hypothesis"))
    for unplanned in extra:
        run.add_unplanned(unplanned, at=START + DAY)
    for candidate in items:
        if draw(st.booleans()):
            run.complete(candidate.key, at=START + draw(st.integers(1, 14)) * DAY)
    return run.close()


@given(cycle_runs())
def test_committed_equals_completed_committed_plus_carried_over(report: CycleReport) -> None:
    committed = {i.key for i in report.committed}
    assert len(committed) == len(report.completed_committed) + len(report.carried_over)
    assert committed == set(report.completed_committed) | set(report.carried_over)


@given(cycle_runs())
def test_predictability_is_between_zero_and_one(report: CycleReport) -> None:
    p = report.predictability
    assert (p is None) == (not report.committed)
    assert p is None or 0.0 <= p <= 1.0


@given(cycle_runs())
def test_unplanned_work_is_never_counted_as_committed(report: CycleReport) -> None:
    committed = {i.key for i in report.committed}
    unplanned = {i.key for i in report.unplanned}
    assert not committed & unplanned
    assert not unplanned & set(report.completed_committed)
    assert not unplanned & set(report.carried_over)
    assert set(report.completed_unplanned) <= unplanned
    assert report.throughput == len(report.completed_committed) + len(report.completed_unplanned)


@given(st.lists(st.integers(0, 40), min_size=1, max_size=10), st.floats(0, 100))
def test_capacity_from_history_lies_within_the_past_range(
    velocities: list[int], percentile: float
) -> None:
    reports = [closed(f"C{n}", START + n * FORTNIGHT, [float(v)]) for n, v in enumerate(velocities)]
    amount = capacity_from_history(reports, percentile=percentile).amount
    assert min(velocities) - 1e-9 <= amount <= max(velocities) + 1e-9


# --- cycles know the clock ------------------------------------------------------------------------


def test_work_committed_after_the_start_is_refused_and_goes_in_as_unplanned() -> None:
    # Ad-hoc work nine days into a fortnight is not part of the plan made at Cycle Planning.
    run = CycleRun(Cycle("Cycle 7", START, Capacity.points(20)))
    run.commit([item("A")], at=START - DAY)
    with pytest.raises(CycleStateError, match="unplanned") as caught:
        run.commit([item("B")], at=START + 9 * DAY)
    assert caught.value.state == "running"
    with pytest.raises(CycleStateError, match="unplanned"):
        run.plan_from([item("B")], at=START + 9 * DAY)
    run.add_unplanned(item("B"), at=START + 9 * DAY)
    assert [i.key for i in run.committed] == ["A"]
    assert [i.key for i in run.unplanned] == ["B"]


def test_a_run_reads_the_time_from_its_clock() -> None:
    clock = ManualClock(START - DAY)
    run = CycleRun(Cycle("Cycle 7", START, Capacity.points(20)), clock=clock)
    run.commit([item("A")])  # the Friday before: planning
    assert run.state == "planning"
    clock.advance(10 * DAY)
    assert run.state == "running"  # the cycle runs once it has started, busy or not
    with pytest.raises(CycleStateError, match="unplanned"):
        run.commit([item("B")])
    run.complete("A")
    assert run.close(reason="the launch was cancelled").closed_at == START + 9 * DAY


def test_the_default_clock_is_the_current_time() -> None:
    past = CycleRun(Cycle("Cycle 7", START, Capacity.points(20)))  # March 2026: long started
    with pytest.raises(CycleStateError, match="unplanned"):
        past.commit([item("A")])
    future = CycleRun(Cycle("Cycle 99", datetime.now(UTC) + 30 * DAY, Capacity.points(20)))
    future.commit([item("A")])
    assert future.state == "planning"


def test_an_early_close_needs_a_reason_that_the_report_shows() -> None:
    run = run_with(Capacity.points(20), "A", "B")
    run.complete("A", at=START + DAY)
    with pytest.raises(InvalidValue, match="reason"):
        run.close(at=START + 5 * DAY)
    report = run.close(at=START + 5 * DAY, reason="legal stopped the campaign")
    assert report.early_close == "legal stopped the campaign"
    assert "Closed early  07 Mar 2026: legal stopped the campaign" in report.to_text()


def test_a_cycle_closed_after_its_end_is_closed_at_its_end_without_a_reason() -> None:
    clock = ManualClock(START - DAY)
    run = CycleRun(Cycle("Cycle 7", START, Capacity.points(20)), clock=clock)
    run.commit([item("A")])
    clock.advance(20 * DAY)
    report = run.close()
    assert (report.closed_at, report.early_close) == (run.cycle.end, None)
    assert "Closed early" not in report.to_text()


def test_a_clock_must_be_a_function() -> None:
    with pytest.raises(InvalidValue, match="clock"):
        CycleRun(Cycle("Cycle 7", START, Capacity.points(20)), clock="now")  # type: ignore[arg-type]


# --- completed means done by the Definition of Done -----------------------------------------------

DOD = DefinitionOfDone(["Proofread", "Tracking in place"])


def ready(key: str, points: float = 3) -> WorkItem:
    return item(key, points).with_criteria_met("Proofread", "Tracking in place")


def test_a_run_with_a_definition_of_done_completes_only_done_work() -> None:
    run = CycleRun(Cycle("Cycle 7", START, Capacity.points(20)), definition_of_done=DOD)
    run.commit([item("A"), ready("B")], at=START)
    with pytest.raises(NotDone, match="'Tracking in place'") as caught:
        run.complete("A", at=START + DAY)
    assert caught.value.key == "A"
    run.complete("B", at=START + DAY)
    check = run.meet("A", "Proofread", "tracking  in place")
    assert check is not None
    assert check.is_done
    run.complete("A", at=START + 2 * DAY)
    report = run.close()
    assert (report.completed, report.not_done, report.predictability) == (("B", "A"), (), 1.0)


def test_a_report_judged_by_the_definition_of_done_counts_only_done_work() -> None:
    run = run_with(Capacity.points(20))
    run.commit([ready("A", 5), item("B", 3), item("C", 2)], at=START)
    run.add_unplanned(item("X", 1), at=START + DAY)
    for key in ("A", "B", "X"):
        run.complete(key, at=START + 2 * DAY)
    marked = run.close()
    assert (marked.predictability, marked.throughput, marked.velocity) == (2 / 3, 3, 9.0)
    report = marked.judged(DOD)
    assert report.completed == ("A",)
    assert report.not_done == ("B", "X")
    assert report.marked_complete == ("A", "B", "X")  # the old count, by its own name
    assert report.completed_committed == ("A",)
    assert report.carried_over == ("B", "C")
    assert (report.predictability, report.throughput, report.velocity) == (1 / 3, 1, 5.0)
    assert capacity_from_history([report]).amount == 5
    text = report.to_text()
    assert "Done          1 of 3" in text
    assert "Not done      2 items  B, X (completed, Definition of Done unmet)" in text
    assert "DoD not checked" in marked.to_text()


def test_judging_takes_the_criteria_the_items_meet_now() -> None:
    run = run_with(Capacity.points(20), "A")
    run.complete("A", at=START + DAY)
    report = run.close()
    assert report.judged(DOD).completed == ()
    assert report.judged(DOD, items=[ready("A")]).completed == ("A",)


@given(cycle_runs(), st.lists(st.booleans(), min_size=12, max_size=12))
def test_judged_counts_never_exceed_marked_ones(report: CycleReport, met: list[bool]) -> None:
    items = [
        i.with_criteria_met("Proofread", "Tracking in place") if ok else i
        for i, ok in zip((*report.committed, *report.unplanned), met, strict=False)
    ]
    judged = report.judged(DOD, items=items)
    assert judged.throughput + len(judged.not_done) == report.throughput
    assert set(judged.completed) | set(judged.not_done) == set(report.marked_complete)
    assert judged.velocity <= report.velocity
    assert (judged.predictability or 0) <= (report.predictability or 0)
    committed = {i.key for i in judged.committed}
    assert committed == set(judged.completed_committed) | set(judged.carried_over)
