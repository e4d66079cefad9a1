"""The Blueprint: three months of a few priorities against a capacity that does not stretch."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import (
    BlueprintOverCapacity,
    DoesNotServeGuidepoint,
    InvalidValue,
    NotFound,
)
from agilemarketing.items import WorkItem
from agilemarketing.planning.blueprint import MAX_PRIORITIES, Blueprint, Priority, month_of
from agilemarketing.planning.guidepoint import Guidepoint

MONTHS = ("2026-04", "2026-05", "2026-06")


def test_month_of_normalises_and_refuses_nonsense() -> None:
    assert month_of("2026-4-17") == "2026-04"
    with pytest.raises(InvalidValue):
        month_of("2026-13")
    with pytest.raises(InvalidValue):
        month_of("April")


def test_priority_needs_positive_effort() -> None:
    with pytest.raises(InvalidValue, match="positive effort"):
        Priority("x", "pipeline", {})
    with pytest.raises(InvalidValue):
        Priority("x", "pipeline", {"2026-04": -1})
    assert Priority("x", "pipeline", [("2026-04", 2), ("2026-04-20", 3)]).total == 5


def test_blueprint_covers_three_consecutive_months_across_a_year_end(
    guidepoint: Guidepoint,
) -> None:
    assert Blueprint(guidepoint, "2026-11", 10).months == (
        "2026-11",
        "2026-12",
        "2027-01",
    )


def test_blueprint_priority_must_serve_a_guidepoint_outcome(
    guidepoint: Guidepoint,
) -> None:
    bp = Blueprint(guidepoint, "2026-04", 10)
    with pytest.raises(DoesNotServeGuidepoint):
        bp.add(Priority("Brand film", "awareness", {"2026-04": 3}))
    with pytest.raises(DoesNotServeGuidepoint):
        Blueprint(
            guidepoint,
            "2026-04",
            10,
            [Priority("Brand film", "awareness", {"2026-04": 3})],
        )


def test_blueprint_refuses_effort_outside_its_three_months(
    guidepoint: Guidepoint,
) -> None:
    with pytest.raises(InvalidValue, match="outside"):
        Blueprint(guidepoint, "2026-04", 10, [Priority("Q3", "pipeline", {"2026-07": 3})])


def test_adding_over_capacity_says_what_must_move_out_and_by_how_much(
    guidepoint: Guidepoint,
) -> None:
    bp = Blueprint(
        guidepoint,
        "2026-04",
        [20, 20, 20],
        [
            Priority("Banking app launch", "pipeline", {"2026-04": 12}),
            Priority("Churn survey", "retention", {"2026-04": 5}),
            Priority("Case studies", "pipeline", {"2026-04": 3, "2026-05": 3}),
        ],
    )
    new = Priority("Partner webinar", "pipeline", {"2026-04": 7})
    with pytest.raises(BlueprintOverCapacity) as caught:
        bp.add(new)
    err = caught.value
    assert err.shortfall == {"2026-04": 7.0}
    # the lowest-ranked first: all 3 of Case studies' April effort, then 4 of Churn survey's 5
    assert err.must_move_out == (("Case studies", "2026-04", 3.0), ("Churn survey", "2026-04", 4.0))
    assert "Blueprint.reprioritise" in str(err)
    assert bp.load("2026-04") == 20  # nothing was overbooked


def test_reprioritise_is_the_way_to_add(guidepoint: Guidepoint) -> None:
    bp = Blueprint(
        guidepoint,
        "2026-04",
        10,
        [
            Priority("Launch", "pipeline", {"2026-04": 6}),
            Priority("Flyers", "pipeline", {"2026-04": 4}),
        ],
    )
    after = bp.reprioritise(
        Priority("Video", "pipeline", {"2026-04": 4}), move_out=["flyers"], rank=1
    )
    assert [p.name for p in after.priorities] == ["Video", "Launch"]
    with pytest.raises(BlueprintOverCapacity):
        bp.reprioritise(Priority("Video", "pipeline", {"2026-04": 5}), move_out=["Flyers"])
    with pytest.raises(NotFound):
        bp.reprioritise(Priority("Video", "pipeline", {"2026-04": 1}), move_out=["Nope"])


def test_priority_bigger_than_a_month_cannot_fit_at_all(guidepoint: Guidepoint) -> None:
    bp = Blueprint(guidepoint, "2026-04", 10)
    with pytest.raises(BlueprintOverCapacity, match="split it"):
        bp.add(Priority("Huge", "pipeline", {"2026-04": 11}))


def test_constructing_an_overbooked_blueprint_is_refused(guidepoint: Guidepoint) -> None:
    with pytest.raises(BlueprintOverCapacity):
        Blueprint(
            guidepoint,
            "2026-04",
            5,
            [Priority("a", "pipeline", {"2026-04": 3}), Priority("b", "pipeline", {"2026-04": 3})],
        )


def test_capacity_from_the_teams_own_throughput(guidepoint: Guidepoint) -> None:
    bp = Blueprint.from_throughput(guidepoint, "2026-04", [10, 12, 8, 11])
    # median 10.5 per 14 days -> 0.75 per day; April 30 days, May 31, June 30
    assert bp.capacity == (22.0, 23.0, 22.0)
    with pytest.raises(InvalidValue):
        Blueprint.from_throughput(guidepoint, "2026-04", [])


def test_diff_between_showcases_names_every_kind_of_change(
    guidepoint: Guidepoint,
) -> None:
    before = Blueprint(
        guidepoint,
        "2026-04",
        20,
        [
            Priority("Launch", "pipeline", {"2026-04": 8}),
            Priority("Survey", "retention", {"2026-05": 5}),
            Priority("Flyers", "pipeline", {"2026-06": 4}),
        ],
    )
    after = Blueprint(
        guidepoint,
        "2026-04",
        [20, 20, 18],
        [
            Priority("Survey", "retention", {"2026-05": 5}),
            Priority("Launch", "pipeline", {"2026-04": 8, "2026-05": 2}),
            Priority("Video", "pipeline", {"2026-06": 6}),
        ],
    )
    diff = before.diff(after)
    assert diff.added == ("Video",)
    assert diff.removed == ("Flyers",)
    assert diff.rescheduled == {"Launch": ({"2026-04": 8.0}, {"2026-04": 8.0, "2026-05": 2.0})}
    assert diff.reranked == {"Survey": (2, 1), "Launch": (1, 2)}
    assert diff.capacity == {"2026-06": (20.0, 18.0)}
    assert "moved out Flyers" in str(diff)
    assert before.diff(before).unchanged
    assert str(before.diff(before)) == "no changes"


def test_markdown_calendar_shows_load_against_capacity(guidepoint: Guidepoint) -> None:
    bp = Blueprint(guidepoint, "2026-04", 10, [Priority("Launch", "pipeline", {"2026-04": 8})])
    text = bp.to_markdown()
    assert "| Launch | pipeline | 8 |  |  |" in text
    assert "8 / 10 | 0 / 10 | 0 / 10" in text


efforts = st.lists(
    st.tuples(st.sampled_from(MONTHS), st.integers(min_value=1, max_value=15)),
    min_size=1,
    max_size=3,
)


@given(
    existing=st.lists(efforts, max_size=4),
    new=efforts,
    capacity=st.lists(st.integers(min_value=0, max_value=40), min_size=3, max_size=3),
)
def test_a_blueprint_is_never_overbooked_and_moving_out_the_suggestion_makes_room(
    make_guidepoint: Callable[..., Guidepoint],
    existing: list[list[tuple[str, int]]],
    new: list[tuple[str, int]],
    capacity: list[int],
) -> None:
    gp = make_guidepoint()
    bp = Blueprint(gp, "2026-04", capacity)
    for number, effort in enumerate(existing):
        with contextlib.suppress(BlueprintOverCapacity):
            bp = bp.add(Priority(f"p{number}", "pipeline", effort))
        for month, cap in zip(bp.months, bp.capacity, strict=True):
            assert bp.load(month) <= cap
    candidate = Priority("new", "pipeline", new)
    check = bp.check(candidate)
    if check.fits:
        assert bp.add(candidate).load("2026-04") <= capacity[0]
        return
    for month, missing in check.shortfall.items():
        freed = sum(p for _, m, p in check.must_move_out if m == month)
        fits_at_all = candidate.effort_in(month) <= bp.capacity_in(month)
        assert (abs(freed - missing) < 1e-9) if fits_at_all else freed <= missing
    if all(candidate.effort_in(m) <= bp.capacity_in(m) for m in bp.months):
        # shrinking each named priority by the named amount makes the candidate fit
        shrunk = []
        for p in bp.priorities:
            effort = {m: p.effort_in(m) for m in p.months}
            for name, month, points in check.must_move_out:
                if name == p.name:
                    effort[month] -= points
            kept = {m: v for m, v in effort.items() if v > 1e-9}
            if kept:
                shrunk.append(Priority(p.name, p.outcome, kept))
        assert Blueprint(gp, "2026-04", capacity, shrunk).check(candidate).fits


def test_capacity_from_closed_cycles_reuses_the_cycle_history(
    guidepoint: Guidepoint,
) -> None:
    from datetime import UTC, datetime, timedelta

    from agilemarketing.cycles import Capacity, Cycle, CycleRun
    from agilemarketing.items import Size

    reports = []
    start = datetime(2026, 1, 5, tzinfo=UTC)
    for n, done in enumerate([4, 6, 5]):
        cycle = Cycle(f"C{n}", start + timedelta(days=14 * n), Capacity.points(30))
        run = CycleRun(cycle)
        run.commit(
            [WorkItem(f"K{n}-{i}", "x", size=Size.points(2)) for i in range(6)], at=run.cycle.start
        )
        for i in range(done):
            run.complete(f"K{n}-{i}", at=cycle.start + timedelta(days=1))
        reports.append(run.close())
    # median velocity 10 points per 14 days
    assert Blueprint.from_history(guidepoint, "2026-04", reports).capacity == (
        21.0,
        22.0,
        21.0,
    )
    assert Blueprint.from_history(guidepoint, "2026-04", reports, unit="items").capacity == (
        10.0,
        11.0,
        10.0,
    )


def test_a_month_given_with_a_day_that_does_not_exist_is_refused() -> None:
    from agilemarketing.errors import InvalidValue
    from agilemarketing.planning.blueprint import month_of

    assert month_of("2024-02-29") == "2024-02"
    with pytest.raises(InvalidValue, match="not a month"):
        month_of("2026-04-31")
    with pytest.raises(InvalidValue, match="not a month"):
        month_of("2026-02-29")


# --- a few priorities, inside the Guidepoint's horizon --------------------------------------------


def test_a_blueprint_holds_a_few_priorities(guidepoint: Guidepoint) -> None:
    # Issue 15: add() accepted twenty priorities; only the workshop draft capped at five.
    bp = Blueprint(guidepoint, "2026-04", 100)
    for n in range(MAX_PRIORITIES):
        bp = bp.add(Priority(f"P{n}", "pipeline", {"2026-04": 1}))
    with pytest.raises(InvalidValue, match="at most 5 priorities") as caught:
        bp.add(Priority("P5", "pipeline", {"2026-04": 1}))
    assert "reprioritise" in str(caught.value)
    more = [Priority(f"P{n}", "pipeline", {"2026-04": 1}) for n in range(6)]
    with pytest.raises(InvalidValue, match="at most 5 priorities"):
        Blueprint(guidepoint, "2026-04", 100, more)
    swapped = bp.reprioritise(Priority("P5", "pipeline", {"2026-04": 1}), move_out=["P4"])
    assert len(swapped.priorities) == MAX_PRIORITIES


def test_blueprint_effort_stays_inside_the_guidepoints_horizon(
    make_guidepoint: Callable[..., Guidepoint],
) -> None:
    gp = make_guidepoint()  # April to June 2026
    late = Blueprint(gp, "2026-05", 10)
    with pytest.raises(InvalidValue, match="after the Guidepoint ends") as caught:
        late.add(Priority("Summer fair", "pipeline", {"2026-06": 3, "2026-07": 2}))
    assert "2026-07" in str(caught.value)
    early = Blueprint(gp, "2026-03", 10)
    with pytest.raises(InvalidValue, match="before the Guidepoint starts"):
        early.add(Priority("Teaser", "pipeline", {"2026-03": 2}))
    assert early.add(Priority("Teaser", "pipeline", {"2026-04": 2})).load("2026-04") == 2
