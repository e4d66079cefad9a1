"""Flow metrics: hand-made histories with known answers, invariants, anti-metrics, calendar."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing import metrics as m
from agilemarketing.errors import AntiMetricError, InvalidValue
from agilemarketing.flow import FlowLog
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.historyio import CycleWindow, HistoryTable
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow

WF = Workflow.from_shorthand(
    "To Do,Doing,Review,Done", start="Doing", waiting=["Review"], wip={"Doing": 1}
)
T0 = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday


def at(day: float, hour: float = 9) -> datetime:
    return T0 + timedelta(days=day, hours=hour)


def item(
    key: str,
    *moves: tuple[datetime, str],
    type: str = "Email",
    labels: tuple[str, ...] = (),
    points: float | None = None,
    blocked: tuple[BlockedPeriod, ...] = (),
    sprints: tuple[str, ...] = (),
) -> ItemHistory:
    transitions, previous = [], "To Do"
    for moment, status in moves:
        transitions.append(Transition(moment, previous, status))
        previous = status
    return ItemHistory(
        key=key,
        type=type,
        status=previous,
        created=at(0),
        points=points,
        labels=labels,
        sprints=sprints,
        transitions=transitions,
        blocked=blocked,
    )


A = item(
    "A",
    (at(1), "Doing"),
    (at(2), "Review"),
    (at(4), "Done"),
    labels=("webinar",),
    points=3,
    blocked=(
        BlockedPeriod(at(1, 12), at(1, 18)),
        BlockedPeriod(at(1, 15), at(2, 0)),  # overlaps the first: 12:00 to 00:00 = 0.5 day
        BlockedPeriod(at(0), at(1, 10)),  # before the start: only 09:00-10:00 counts
    ),
)
B = item("B", (at(1, 12), "Doing"), (at(2, 12), "Done"), type="Blog", points=2)
C = item("C", (at(3), "Doing"))
W = item("W", (at(1), "Doing"), (at(2), "Won't Do"))
LOG = FlowLog.build([A, B, C, W], WF, as_of=at(6))


def test_cycle_time_in_elapsed_calendar_and_lead_days() -> None:
    ct = m.cycle_times(LOG)
    assert ct.keys.tolist() == ["A", "B"]
    assert ct.days.tolist() == [3.0, 1.0]
    assert ct.calendar_days.tolist() == [4, 2]
    assert ct.lead_days.tolist() == [4.0, pytest.approx(2.125)]
    assert ct.types.tolist() == ["Email", "Blog"]


def test_cycle_time_in_working_days_skips_the_weekend() -> None:
    h = item("F", (at(4, 12), "Doing"), (at(7, 12), "Done"))  # Friday noon to Monday noon
    ct = m.cycle_times(FlowLog.build([h], WF), calendar=WorkCalendar())
    assert ct.work_days.tolist() == [1.0]
    assert ct.calendar_days.tolist() == [4]


def test_cycle_time_days_follow_the_team_time_zone() -> None:
    # 23:30 UTC on Monday is already Tuesday in Berlin
    h = item("Z", (at(0, 8), "Doing"), (at(0, 23.5), "Done"))
    utc = m.cycle_times(FlowLog.build([h], WF))
    berlin = m.cycle_times(FlowLog.build([h], WF), calendar=WorkCalendar(timezone="Europe/Berlin"))
    assert utc.calendar_days.tolist() == [1]
    assert berlin.calendar_days.tolist() == [2]


def test_cycle_time_percentiles_per_type_and_label() -> None:
    ct = m.cycle_times(LOG)
    assert ct.percentiles() == {50: 2.0, 70: 4.0, 85: 4.0, 95: 4.0}
    assert ct.by("type") == {
        "Blog": {50: 2.0, 70: 2.0, 85: 2.0, 95: 2.0},
        "Email": {50: 4.0, 70: 4.0, 85: 4.0, 95: 4.0},
    }
    assert list(ct.by("label")) == ["webinar"]


@given(st.lists(st.floats(0, 1000), min_size=1, max_size=50))
def test_percentiles_are_monotone_and_within_the_data(values: list[float]) -> None:
    got = list(m.percentiles(values).values())
    assert got == sorted(got)
    assert min(values) <= got[0]
    assert got[-1] <= max(values)


def test_percentiles_of_nothing_are_nan() -> None:
    assert all(np.isnan(v) for v in m.percentiles([]).values())


def test_throughput_counts_items_finished_per_day_without_abandoned_ones() -> None:
    tp = m.throughput(LOG)
    assert str(tp.days[0]) == "2026-01-05"
    assert str(tp.days[-1]) == "2026-01-11"
    assert tp.counts.tolist() == [0, 0, 1, 0, 1, 0, 0]
    assert tp.arrivals.tolist() == [4, 0, 0, 0, 0, 0, 0]
    assert tp.total == 2


def test_throughput_moves_weekend_completions_to_the_next_working_day() -> None:
    h = item("S", (at(1), "Doing"), (at(5), "Done"))  # done on Saturday
    log = FlowLog.build([h], WF, as_of=at(8))
    assert m.throughput(log).counts.tolist()[5] == 1
    tp = m.throughput(log, calendar=WorkCalendar())
    assert tp.counts.tolist()[5:8] == [0, 0, 1]
    assert tp.sample().on_workdays(WorkCalendar()).total == 1


def test_throughput_window_and_sample_for_forecasts() -> None:
    tp = m.throughput(LOG, window=m.Window.last(days=3))
    assert tp.counts.tolist() == [1, 0, 0]
    between = m.throughput(LOG, window=m.Window.between("2026-01-06", "2026-01-09"))
    assert between.counts.tolist() == [0, 1, 0, 1]
    sample = between.sample()
    assert sample.total == 2
    assert sample.last_day == date(2026, 1, 9)


def test_throughput_by_type_and_label_adds_up() -> None:
    tp = m.throughput(LOG, by="type")
    assert sorted(tp.groups) == ["Blog", "Email"]
    assert sum(v.sum() for v in tp.groups.values()) == tp.total
    assert m.throughput(LOG, by="label").groups["webinar"].sum() == 1


def test_weekly_throughput_starts_weeks_on_monday() -> None:
    weeks, counts = m.throughput(LOG).weekly()
    assert [str(w) for w in weeks] == ["2026-01-05"]
    assert counts.tolist() == [2]


@pytest.mark.parametrize("who", ["assignee", "Person", "owner"])
def test_throughput_per_person_is_refused_with_the_team_measure_to_use(who: str) -> None:
    with pytest.raises(AntiMetricError, match="throughput per person") as caught:
        m.throughput(LOG, by=who)
    assert "team throughput" in caught.value.instead


def test_cycle_time_per_person_is_refused_too() -> None:
    with pytest.raises(AntiMetricError):
        m.cycle_times(LOG).by("assignee")


def test_individual_utilisation_is_refused() -> None:
    with pytest.raises(AntiMetricError, match="utilisation") as caught:
        m.individual_utilisation(LOG, person="sam")
    assert "flow efficiency" in caught.value.instead


def test_comparing_two_teams_points_is_refused() -> None:
    with pytest.raises(AntiMetricError, match="between teams") as caught:
        m.compare_teams(m.cycle_report(LOG), m.cycle_report(LOG))
    assert "predictability" in caught.value.instead


def test_task_counts_as_a_value_measure_are_refused() -> None:
    with pytest.raises(AntiMetricError, match="task counts as value") as caught:
        m.value_from_task_counts(LOG)
    assert "outcome" in caught.value.why
    assert "Guidepoint" in caught.value.instead


@pytest.mark.parametrize("asked", sorted(m.ANTI_METRICS))
def test_every_refusal_says_why_and_what_to_use_instead(asked: str) -> None:
    error = m.refuse(asked)
    why, instead = m.ANTI_METRICS[asked]
    assert (error.asked, error.why, error.instead) == (asked, why, instead)
    assert why in str(error)
    assert f"use {instead} instead" in str(error)


def test_unknown_grouping_is_an_invalid_value() -> None:
    with pytest.raises(InvalidValue, match="unknown grouping"):
        m.throughput(LOG, by="colour")


def test_net_flow_compares_items_started_with_items_finished() -> None:
    nf = m.net_flow(LOG)
    assert nf.arrivals.tolist() == [0, 3, 0, 1, 0, 0, 0]
    assert nf.departures.tolist() == [0, 0, 1, 0, 1, 0, 0]
    assert nf.net.sum() == 2


def test_wip_counts_in_progress_stages_at_the_end_of_each_day() -> None:
    w = m.wip(LOG)
    # end of Jan 6: A, B and W in Doing; end of Jan 7: A in Review; then C from Jan 8
    assert w.total.tolist() == [0, 3, 1, 2, 1, 1, 1]
    assert w.per_stage[:, 1].tolist() == [0, 3, 0, 1, 1, 1, 1]
    assert w.per_stage[:, 0].sum() == 0


def test_wip_breaches_name_the_days_over_the_limit() -> None:
    wb = m.wip_breaches(LOG)
    assert wb.stages == ("Doing",)
    assert wb.over[:, 0].tolist() == [False, True, False, False, False, False, False]
    assert wb.to_dict()["Doing"]["over_on"] == ["2026-01-06"]


def test_cumulative_flow_counts_arrivals_per_stage_and_leaves_abandoned_out() -> None:
    cfd = m.cumulative_flow(LOG)
    assert cfd.stages == ("To Do", "Doing", "Review", "Done")
    assert cfd.cumulative[-1].tolist() == [3, 3, 2, 2]
    assert cfd.cumulative[1].tolist() == [3, 2, 0, 0]  # end of Jan 6
    assert cfd.cumulative[2].tolist() == [3, 2, 2, 1]
    assert cfd.bands[-1].tolist() == [0, 1, 0, 2]


def test_ageing_wip_compares_ages_with_past_cycle_times() -> None:
    age = m.ageing_wip(LOG)
    assert age.keys.tolist() == ["C"]
    assert age.stages.tolist() == ["Doing"]
    assert age.age_days.tolist() == [4]  # Jan 8 to Jan 11 inclusive
    assert age.beyond.tolist() == [50]  # older than the median (2), not than the 70th (4)


def test_burnup_shows_scope_changes() -> None:
    late = ItemHistory("L", status="To Do", created=at(3))
    b = m.burnup(FlowLog.build([A, B, C, W, late], WF, as_of=at(6)))
    assert b.scope.tolist() == [4, 4, 3, 4, 4, 4, 4]
    assert b.added.tolist() == [4, 0, 0, 1, 0, 0, 0]
    assert b.removed.tolist() == [0, 0, 1, 0, 0, 0, 0]
    assert b.done.tolist() == [0, 0, 1, 1, 2, 2, 2]
    assert b.done_points.tolist()[-1] == 5.0


def test_cycle_report_measures_commitment_unplanned_work_and_velocity() -> None:
    histories = [A, B, C, W]
    table = HistoryTable.from_histories(histories, cycles=[CycleWindow("C1", at(0, 0), at(7, 0))])
    # memberships: A and C committed at the start, B added on day 2 (unplanned)
    joined = np.array(
        [t.replace(tzinfo=None) for t in (at(0, 0), at(2), at(0, 0))], dtype="datetime64[us]"
    )
    table = _with_memberships(table, items=[0, 1, 2], joined=joined)
    report = m.cycle_report(FlowLog.build(table, WF, as_of=at(6)))
    assert report.names == ("C1",)
    assert report.committed.tolist() == [2]
    assert report.completed.tolist() == [1]
    assert report.unplanned.tolist() == [1]
    assert report.done.tolist() == [2]
    assert report.velocity.tolist() == [5.0]
    assert report.predictability.tolist() == [0.5]
    assert report.unplanned_share.tolist() == [pytest.approx(1 / 3)]


def _with_memberships(table: HistoryTable, *, items: list[int], joined: np.ndarray) -> HistoryTable:
    import attrs

    n = len(items)
    return attrs.evolve(
        table,
        cyc_item=np.array(items, dtype=np.int32),
        cyc_code=np.zeros(n, dtype=np.int32),
        cyc_joined=joined.astype("datetime64[us]"),
        cyc_left=np.full(n, np.datetime64("NaT", "us")),
        cycle_names=("C1",),
    )


def test_without_cycle_windows_velocity_comes_from_each_items_last_sprint() -> None:
    a = item("A", (at(1), "Doing"), (at(2), "Done"), points=3, sprints=("S1", "S2"))
    b = item("B", (at(1), "Doing"), (at(2), "Done"), points=5, sprints=("S1",))
    c = item("C", (at(1), "Doing"), points=8, sprints=("S2",))
    report = m.cycle_report(FlowLog.build([a, b, c], WF))
    assert report.names == ("S1", "S2")
    assert report.velocity.tolist() == [5.0, 3.0]
    assert report.done.tolist() == [1, 1]
    assert report.committed.tolist() == [-1, -1]


def test_flow_efficiency_is_active_time_over_cycle_time() -> None:
    fe = m.flow_efficiency(LOG)
    assert fe.keys.tolist() == ["A", "B"]
    assert fe.per_item.tolist() == [pytest.approx(1 / 3), 1.0]
    assert fe.overall == pytest.approx(2 / 4)


def test_blocked_time_merges_overlaps_and_clips_to_the_cycle() -> None:
    bt = m.blocked_time(LOG)
    blocked = dict(zip(bt.keys.tolist(), bt.blocked_days.tolist(), strict=True))
    assert blocked["A"] == pytest.approx(1 / 24 + 0.5)
    assert blocked["B"] == 0
    assert bt.share[0] == pytest.approx((1 / 24 + 0.5) / 3)


def test_service_level_given_and_derived_with_each_items_risk() -> None:
    derived = m.service_level(LOG)
    assert derived.days == 4.0
    assert derived.derived
    assert str(derived) == "85% of items done within 4 days"
    assert derived.status.tolist() == [m.Risk.ON_TRACK]
    assert derived.risk.tolist() == [0.0]  # the one past item that reached 4 days ended at 4
    tight = m.service_level(LOG, days=3)
    assert tight.status.tolist() == [m.Risk.BREACHED]
    assert tight.hit_rate == 0.5


def test_xmr_finds_points_outside_the_limits_and_long_runs() -> None:
    chart = m.xmr([5, 6, 5, 7, 6, 5, 6, 30])
    assert chart.outside.tolist() == [False] * 7 + [True]
    runs = m.xmr([10, 0] * 4 + [6] * 8)  # mean 5.5: alternating, then 8 above
    assert runs.runs[8:].all()
    assert not runs.runs[:8].any()
    assert m.xmr([3.0]).to_dict()["points"] == 1


def test_process_behaviour_of_throughput_and_cycle_time() -> None:
    tp, ct = m.process_behaviour(LOG)
    assert tp.values.tolist() == [2.0]
    assert ct.values.tolist() == [2.0, 4.0]  # in order of finishing


def test_flow_metrics_computes_everything_as_json() -> None:
    metrics = m.FlowMetrics.compute(LOG, calendar=WorkCalendar())
    document = json.loads(json.dumps(metrics.to_dict()))
    assert document["schema"] == "agilemarketing.metrics/1"
    assert document["cycle_time"]["items"] == 2
    assert document["throughput"]["total"] == 2
    assert document["data_quality"]["issues"]["abandoned"]["keys"] == ["W"]
    assert set(document) >= {"wip", "cfd", "ageing_wip", "burnup", "cycles", "sle", "xmr"}


def test_builtin_metrics_have_unique_names_and_compute_from_a_log() -> None:
    names = [cls.name for cls in m.BUILTIN_METRICS]
    assert len(names) == len(set(names))
    for cls in m.BUILTIN_METRICS:
        metric = cls()
        assert isinstance(metric, m.Metric)
        assert metric.compute(LOG) is not None


def test_every_result_converts_to_a_dataframe() -> None:
    metrics = m.FlowMetrics.compute(LOG)
    results = [
        metrics.cycle_times,
        metrics.throughput,
        metrics.net_flow,
        metrics.wip,
        metrics.cfd,
        metrics.ageing,
        metrics.burnup,
        metrics.cycles,
        metrics.flow_efficiency,
        metrics.blocked,
        metrics.wip_breaches,
        metrics.sle,
        metrics.xmr_throughput,
    ]
    for result in results:
        frame = result.to_pandas()
        assert len(frame.columns) >= 2, type(result).__name__


# -- invariants over random histories ---------------------------------------------------------

STATUSES = ["To Do", "Doing", "Review", "Done", "Won't Do"]


@st.composite
def logs(draw: st.DrawFn) -> tuple[list[ItemHistory], FlowLog]:
    items = []
    for i in range(draw(st.integers(1, 10))):
        steps = draw(
            st.lists(st.tuples(st.integers(0, 20 * 24), st.sampled_from(STATUSES)), max_size=6)
        )
        steps.sort()
        moves = [(T0 + timedelta(hours=h), s) for h, s in steps]
        items.append(item(f"K-{i}", *moves))
    as_of = T0 + timedelta(days=draw(st.integers(21, 25)))
    return items, FlowLog.build(items, WF, as_of=as_of)


@given(logs())
def test_throughput_sums_to_the_items_done(case: tuple[list[ItemHistory], FlowLog]) -> None:
    _, log = case
    assert m.throughput(log).total == int(log.is_done.sum())
    assert m.throughput(log, calendar=WorkCalendar()).total == int(log.is_done.sum())


@given(logs())
def test_cfd_lines_never_decrease_and_never_cross(case: tuple[list[ItemHistory], FlowLog]) -> None:
    _, log = case
    cumulative = m.cumulative_flow(log).cumulative
    assert (np.diff(cumulative, axis=0) >= 0).all()
    assert (np.diff(cumulative, axis=1) <= 0).all()


@given(logs())
def test_cycle_times_are_never_negative(case: tuple[list[ItemHistory], FlowLog]) -> None:
    _, log = case
    ct = m.cycle_times(log, calendar=WorkCalendar())
    assert (ct.days >= 0).all()
    assert (ct.calendar_days >= 1).all()
    assert (ct.work_days >= 0).all()
    assert (ct.lead_days >= ct.days).all()


def _stage_at(h: ItemHistory, moment: datetime) -> str | None:
    """The item's status at a moment, replaying its transitions one by one."""
    status = None
    if h.created is not None and h.created <= moment:
        status = h.transitions[0].from_status if h.transitions else h.status
    for t in h.transitions:
        if t.at <= moment:
            status = t.to_status
    return status


@given(logs())
def test_wip_per_day_equals_a_naive_count(case: tuple[list[ItemHistory], FlowLog]) -> None:
    items, log = case
    w = m.wip(log)
    for k, day in enumerate(w.days.tolist()):
        end = min(
            datetime.combine(day, datetime.min.time(), UTC) + timedelta(days=1),
            log.as_of_datetime(),
        )
        naive = sum(_stage_at(h, end) in {"Doing", "Review"} for h in items)
        assert w.total[k] == naive, day


@given(logs())
def test_every_metric_runs_on_any_history(case: tuple[list[ItemHistory], FlowLog]) -> None:
    _, log = case
    json.dumps(m.FlowMetrics.compute(log, calendar=WorkCalendar()).to_dict())


# -- the working-day calendar -----------------------------------------------------------------


def test_local_days_follow_daylight_saving_time() -> None:
    cal = WorkCalendar(timezone="Europe/Berlin")
    moments = np.array(
        ["2026-03-28T23:30", "2026-03-29T22:30", "2026-10-24T22:30"], dtype="datetime64[us]"
    )
    # CET (+1) in March before the switch, CEST (+2) after; CEST until late October
    assert [str(d) for d in cal.local_days(moments)] == [
        "2026-03-29",
        "2026-03-30",
        "2026-10-25",
    ]


def test_working_days_skip_weekends_and_holidays() -> None:
    cal = WorkCalendar("Mon Tue Wed Thu", holidays=["2026-01-06"])
    assert [str(d) for d in cal.working_days("2026-01-05", "2026-01-12")] == [
        "2026-01-05",
        "2026-01-07",
        "2026-01-08",
        "2026-01-12",
    ]
    assert str(cal.add_workdays("2026-01-05", 2)) == "2026-01-08"
    assert cal.workdays_between(["2026-01-05"], ["2026-01-12"]).tolist() == [3]


def test_elapsed_working_days_count_fractions_of_working_days_only() -> None:
    cal = WorkCalendar()
    start = np.array(["2026-01-09T18:00", "NaT"], dtype="datetime64[us]")
    end = np.array(["2026-01-12T06:00", "2026-01-12T06:00"], dtype="datetime64[us]")
    got = cal.elapsed_workdays(start, end)
    assert got[0] == pytest.approx(0.25 + 0.25)
    assert np.isnan(got[1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekmask": "Mon Funday"}, "unknown weekday"),
        ({"weekmask": "0000000"}, "at least one working weekday"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_a_bad_calendar_is_refused(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        WorkCalendar(**kwargs)


@pytest.mark.parametrize(
    "histories",
    [[], [ItemHistory("A")], [ItemHistory("A", status="Done")], [item("B", (at(1), "Doing"))]],
    ids=["nothing", "no dates", "done without dates", "one started"],
)
def test_every_metric_copes_with_almost_no_data(histories: list[ItemHistory]) -> None:
    log = FlowLog.build(histories, WF)
    document = m.FlowMetrics.compute(log, calendar=WorkCalendar()).to_dict()
    assert document["throughput"]["total"] == 0
    json.dumps(document)


@pytest.mark.parametrize("holiday", ["2026-13-01", "Christmas"])
def test_a_holiday_that_is_not_a_date_is_refused_naming_it(holiday: str) -> None:
    with pytest.raises(InvalidValue, match=f"holiday is not a date.*{holiday!r}.*ISO date"):
        WorkCalendar(holidays=["2026-12-25", holiday])
