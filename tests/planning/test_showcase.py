"""Team Showcase summaries (Markdown, self-contained HTML) and Team Improvement records."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.adapter import ItemRecord
from agilemarketing.backlog import Backlog
from agilemarketing.cycles import Capacity, Cycle, CycleReport, CycleRun
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import HistorySourceError, InvalidValue, NotFound
from agilemarketing.flow import FlowLog
from agilemarketing.items import Size, WorkItem
from agilemarketing.metrics import CyclePredictability, cycle_report
from agilemarketing.mirror import OWN_BOARD, Mirror
from agilemarketing.planning.blueprint import Blueprint, Priority
from agilemarketing.planning.experiments import Experiment
from agilemarketing.planning.file import BlueprintVersion, PlanningFile
from agilemarketing.planning.guidepoint import Guidepoint
from agilemarketing.planning.intake import Intake
from agilemarketing.planning.showcase import (
    CycleMetrics,
    FinishedWork,
    Retrospective,
    ShowcaseSummary,
    cycle_from_history,
    team_showcase,
)
from agilemarketing.planning.stakeholders import Request
from agilemarketing.report import load_history
from agilemarketing.simulate import simulate_board
from agilemarketing.workflow import Workflow

START = datetime(2026, 4, 6, tzinfo=UTC)
DOD = DefinitionOfDone(["Proofread", "Tracking in place"])


@pytest.fixture
def closed_cycle() -> CycleReport:
    """Cycle 1: three committed items and an unplanned flyer; three completed, two ready."""
    run = CycleRun(Cycle("Cycle 1", START, Capacity.points(13)))
    ready = ["Proofread", "Tracking in place"]
    run.commit(
        [
            WorkItem("V-1", "App teaser video", size=Size.points(5), outcome="pipeline",
                     done_criteria=ready, fields={"link": "https://example.com/v1"}),
            WorkItem("L-1", "Landing page", size=Size.points(5), done_criteria=["Proofread"]),
            WorkItem("E-1", "Nurture email", size=Size.points(3)),
        ],
        at=START,
    )  # fmt: skip
    run.add_unplanned(
        WorkItem("F-1", "Trade-fair flyer", size=Size.points(1), done_criteria=ready),
        at="2026-04-08T09:00:00Z",
    )
    run.complete("V-1", at="2026-04-10T10:00:00Z")
    run.complete("F-1", at="2026-04-09T10:00:00Z")
    run.complete("L-1", at="2026-04-15T10:00:00Z")
    return run.close()


def test_only_customer_ready_work_counts_as_finished(closed_cycle: CycleReport) -> None:
    summary = team_showcase(closed_cycle, definition_of_done=DOD)
    assert [w.key for w in summary.finished] == ["F-1", "V-1"]
    assert summary.finished[0].unplanned
    assert summary.finished[1].link == "https://example.com/v1"
    assert len(summary.not_ready) == 1
    assert "Landing page" in summary.not_ready[0]
    assert "Tracking in place" in summary.not_ready[0]


def test_with_a_definition_of_done_every_number_counts_done_work(
    closed_cycle: CycleReport,
) -> None:
    # Issue 15: "completed 2 of 3" while listing one as "completed but not done yet".
    summary = team_showcase(closed_cycle, definition_of_done=DOD)
    metrics = summary.metrics
    assert metrics.completed_committed == 1  # V-1; L-1 is completed but its checklist fails
    assert metrics.throughput == 2  # V-1 and the unplanned F-1
    assert metrics.velocity == 6.0
    assert metrics.predictability == pytest.approx(1 / 3)
    assert metrics.not_done == 1
    assert metrics.carried_over == ("L-1", "E-1")
    assert metrics.line() == (
        "done 1 of 3 committed (33%) by the Definition of Done; 1 completed but not done; "
        "1 unplanned; throughput 2"
    )
    assert metrics.completed_committed == len([w for w in summary.finished if not w.unplanned])
    assert metrics.throughput == len(summary.finished)
    assert "- done 1 of 3 committed (33%) by the Definition of Done" in summary.to_markdown()


def test_a_report_that_knows_its_definition_of_done_needs_none_at_the_showcase() -> None:
    run = CycleRun(Cycle("Cycle 1", START, Capacity.items(2)), definition_of_done=DOD)
    run.commit([WorkItem("A", "a", done_criteria=["Proofread", "Tracking in place"])], at=START)
    run.complete("A", at=START + timedelta(days=1))
    summary = team_showcase(run.close())
    assert summary.metrics.by_definition_of_done
    assert summary.metrics.line().startswith("done 1 of 1 committed (100%) by the Definition")


def test_without_a_definition_of_done_every_completion_is_shown(closed_cycle: CycleReport) -> None:
    summary = team_showcase(closed_cycle, links={"L-1": "https://example.com/lp"})
    assert [w.key for w in summary.finished] == ["F-1", "V-1", "L-1"]
    assert summary.finished[2].link == "https://example.com/lp"


def test_metrics_are_team_level_committed_versus_completed(closed_cycle: CycleReport) -> None:
    metrics = team_showcase(closed_cycle).metrics
    assert metrics.committed == 3
    assert metrics.completed_committed == 2
    assert metrics.unplanned == 1
    assert metrics.throughput == 3
    assert metrics.carried_over == ("E-1",)
    assert metrics.line() == (
        "completed 2 of 3 committed (67%; Definition of Done not checked); 1 unplanned; "
        "throughput 3"
    )


def test_campaigns_are_shown_against_their_success_criteria(closed_cycle: CycleReport) -> None:
    e = Experiment("X", "Video series", ["at least 20 demo requests within 14 days"],
                   started_at=START)  # fmt: skip
    e.record("demo requests", 7, at="2026-04-12T00:00:00Z")
    summary = team_showcase(closed_cycle, experiments=[e], at="2026-04-13T00:00:00Z")
    assert summary.campaigns == (
        "Video series: running; demo requests: 7 (at least 20 demo requests within 14 days; open)",
    )


def test_blueprint_changes_since_the_last_showcase(
    pipeline_guidepoint: Guidepoint, closed_cycle: CycleReport
) -> None:
    before = Blueprint(
        pipeline_guidepoint, "2026-04", 20, [Priority("Launch", "pipeline", {"2026-04": 10})]
    )
    after = before.add(Priority("Webinar", "pipeline", {"2026-05": 5}))
    summary = team_showcase(closed_cycle, blueprint_before=before, blueprint_after=after)
    assert summary.blueprint_changes == ("added Webinar (pipeline; 2026-05 5)",)
    with pytest.raises(InvalidValue, match="before and after"):
        team_showcase(closed_cycle, blueprint_after=after)


def test_suggestions_become_requests_for_the_owner_not_approvals(
    closed_cycle: CycleReport, pipeline_guidepoint: Guidepoint
) -> None:
    suggestion = Request(
        "REQ-20", "Sam", "How did customers react to the blue button? Test another colour",
        desired_outcome="more demo requests", success="at least 10 more demo requests",
    )  # fmt: skip
    summary = team_showcase(closed_cycle, suggestions=[suggestion])
    intake = Intake("Maya", Backlog(), pipeline_guidepoint)
    checks = summary.submit_suggestions(intake)
    assert [r.key for r in intake.pending] == ["REQ-20"]
    assert checks[0].missing == ("customer or market", "business goal or Guidepoint outcome")
    # finished work stays finished: the showcase holds no approval state at all
    assert not any("approv" in f.name for f in ShowcaseSummary.__attrs_attrs__)
    assert [w.key for w in summary.finished] == ["F-1", "V-1", "L-1"]


def test_markdown_is_short_enough_for_a_sales_call() -> None:
    run = CycleRun(Cycle("Big cycle", START, Capacity.items(60)))
    run.commit([WorkItem(f"K-{n}", f"Social post {n}") for n in range(50)], at=run.cycle.start)
    for n in range(50):
        run.complete(f"K-{n}", at="2026-04-10T10:00:00Z")
    text = team_showcase(run.close()).to_markdown()
    assert "... and 42 more" in text
    assert len(text.splitlines()) <= 20


def test_markdown_layout(closed_cycle: CycleReport) -> None:
    text = team_showcase(closed_cycle, definition_of_done=DOD).to_markdown()
    assert text.splitlines()[0] == "## Team Showcase: Cycle 1 (06 Apr - 20 Apr 2026)"
    assert "- [V-1 App teaser video (pipeline)](https://example.com/v1)" in text
    assert "- F-1 Trade-fair flyer (unplanned)" in text


def test_html_is_self_contained_and_escaped() -> None:
    run = CycleRun(Cycle("Cycle <1>", START, Capacity.items(3)))
    run.commit([
        WorkItem("X-1", "<script>alert('x')</script> & more",
                 fields={"link": "javascript:alert(1)"}),
        WorkItem("X-2", "Safe", fields={"link": 'https://example.com/a"b'}),
    ], at=START)  # fmt: skip
    run.complete("X-1", at="2026-04-10T10:00:00Z")
    run.complete("X-2", at="2026-04-10T11:00:00Z")
    page = team_showcase(run.close()).to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "&lt;script&gt;" in page
    assert "javascript:" not in page
    assert 'href="https://example.com/a&quot;b"' in page
    assert not re.search(r"<(link|img|iframe)\b", page)
    assert "Cycle &lt;1&gt;" in page


@given(st.text(max_size=60))
def test_any_title_is_escaped_in_html(title: str) -> None:
    run = CycleRun(Cycle("C", START, Capacity.items(1)))
    if not title.strip():
        return
    run.commit([WorkItem("K", title)], at=run.cycle.start)
    run.complete("K", at="2026-04-10T10:00:00Z")
    page = team_showcase(run.close()).to_html()
    body = page.split("<body>", 1)[1]
    assert "<script" not in body.lower()
    assert body.count("<li>") == body.count("</li>")


def test_retrospective_links_keep_change_try_to_the_cycle_metrics(
    closed_cycle: CycleReport,
) -> None:
    report = closed_cycle
    e = Experiment("X", "Cold outreach", ["at least 20 replies within 7 days"], started_at=START)
    e.record("replies", 2, at="2026-04-13T00:00:00Z")
    e.decide("team", at="2026-04-13T00:00:00Z", learning="cold messages get no replies")
    retro = Retrospective.for_cycle(
        report, keep=["teaser videos"], change=["three approvals per post"],
        try_next=["one approver"], experiments=[e],
    )  # fmt: skip
    assert retro.metrics == CycleMetrics.from_report(report)
    assert retro.campaign_learnings == ("Cold outreach: stop - cold messages get no replies",)
    text = retro.to_markdown()
    assert "**Try**\n- one approver" in text
    with pytest.raises(InvalidValue, match="keep, change or try"):
        Retrospective.for_cycle(report)


def test_the_live_board_says_which_completed_work_is_customer_ready() -> None:
    from agilemarketing.board import Board
    from agilemarketing.workflow import Workflow

    board = Board(Workflow.from_shorthand("Ready,Doing,Done"), definition_of_done=DOD)
    run = CycleRun(Cycle("Cycle 1", START, Capacity.items(2)))
    work = [WorkItem("A", "Teaser"), WorkItem("B", "Landing page")]
    run.commit(work, at=run.cycle.start)
    for item in work:
        board.add(item, "Ready", at=START)
    board.meet("A", "Proofread", "Tracking in place")
    board.pull("A", "Done", at="2026-04-08T10:00:00Z")
    run.complete("A", at="2026-04-08T10:00:00Z")
    run.complete("B", at="2026-04-09T10:00:00Z")  # completed, but its checklist is not met
    report = run.close()
    summary = team_showcase(report, definition_of_done=DOD, items=board)
    assert [w.key for w in summary.finished] == ["A"]
    assert summary.not_ready == (
        "Landing page - B: 0/2 criteria met; unmet: Proofread, Tracking in place",
    )
    same = team_showcase(report, definition_of_done=DOD, items=[board.item("A"), board.item("B")])
    assert same == summary
    assert (summary.metrics.completed_committed, summary.metrics.throughput) == (1, 1)


def test_campaigns_closed_before_the_cycle_are_not_shown_again(closed_cycle: CycleReport) -> None:
    old = Experiment("OLD", "Last month's outreach", ["at least 5 replies within 7 days"],
                     started_at=START - timedelta(days=30))  # fmt: skip
    old.record("replies", 1, at=START - timedelta(days=23))
    old.decide("team", at=START - timedelta(days=23), learning="no")
    later = Experiment("NEW", "Next cycle's test", ["at least 5 replies within 7 days"],
                       started_at=START + timedelta(days=30))  # fmt: skip
    live = Experiment("NOW", "This cycle's test", ["at least 5 replies within 7 days"],
                      started_at=START)  # fmt: skip
    summary = team_showcase(closed_cycle, experiments=[old, later, live])
    assert [c.split(":")[0] for c in summary.campaigns] == ["This cycle's test"]


# --- a cycle from a board's history (history JSON Lines or a mirror) ------------------------------


@pytest.fixture(scope="module")
def example_board(project_root: Path) -> Path:
    """The example board's folder: its workflow.toml and history.jsonl."""
    return project_root / "examples" / "board"


@pytest.fixture(scope="module")
def example_workflow(example_board: Path) -> Workflow:
    """The example board's workflow."""
    return Workflow.from_toml(example_board / "workflow.toml")


def _counts(report: CycleReport) -> tuple[int, int, int, int, float]:
    return (
        len(report.committed),
        len(report.completed_committed),
        len(report.unplanned),
        report.throughput,
        report.velocity,
    )


def _metric_counts(cycles: CyclePredictability, k: int) -> tuple[int, int, int, int, float]:
    return (
        int(cycles.committed[k]),
        int(cycles.completed[k]),
        int(cycles.unplanned[k]),
        int(cycles.done[k]),
        float(cycles.velocity[k]),
    )


def test_a_cycle_from_the_history_counts_what_the_metrics_cycle_report_counts(
    example_board: Path, example_workflow: Workflow
) -> None:
    table = load_history(example_board / "history.jsonl")
    cycles = cycle_report(FlowLog.build(table, example_workflow))
    assert len(cycles.names) == 27
    for k, name in enumerate(cycles.names):
        report = cycle_from_history(table, example_workflow, name)
        assert _counts(report) == _metric_counts(cycles, k), name
        assert set(report.completed) <= {i.key for i in (*report.committed, *report.unplanned)}


@given(seed=st.integers(0, 10_000), items=st.integers(20, 90))
def test_every_simulated_cycle_matches_the_metrics_cycle_report(seed: int, items: int) -> None:
    board = simulate_board(items=items, seed=seed, days=120)
    cycles = cycle_report(FlowLog.build(board.table, board.workflow))
    for k, name in enumerate(cycles.names):
        report = cycle_from_history(board.table, board.workflow, name)
        assert _counts(report) == _metric_counts(cycles, k)
        committed = {i.key for i in report.committed}
        assert committed.isdisjoint(i.key for i in report.unplanned)
        moments = [at for _, at in report.completions]
        assert moments == sorted(moments)
        assert all(report.cycle.start <= at < report.cycle.end for at in moments)


@pytest.mark.parametrize("unknown_first", [True, False])
def test_an_item_listed_twice_in_a_cycle_is_committed_whatever_the_order(
    tmp_path: Path, unknown_first: bool
) -> None:
    # One membership without a join time (counts as committed) and one joined mid-cycle.
    memberships = [{"name": "Cycle 1"}, {"name": "Cycle 1", "joined": "2026-03-05T00:00:00Z"}]
    lines = [
        {"cycle": {"name": "Cycle 1", "start": "2026-03-02T00:00:00Z",
                   "end": "2026-03-16T00:00:00Z"}},
        {"key": "A-1", "summary": "Webinar", "status": "To Do",
         "transitions": [{"at": "2026-03-01T00:00:00Z", "from": None, "to": "To Do"}],
         "cycles": memberships if unknown_first else memberships[::-1]},
    ]  # fmt: skip
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report = cycle_from_history(path, Workflow.from_shorthand("To Do,Doing,Done"), "Cycle 1")
    assert [i.key for i in report.committed] == ["A-1"]
    assert report.unplanned == ()


def test_the_default_cycle_is_the_latest_that_has_ended(
    example_workflow: Workflow, example_board: Path
) -> None:
    report = cycle_from_history(str(example_board / "history.jsonl"), example_workflow)
    # The data runs to 20 Nov 2026: Cycle 27 (16 Nov - 30 Nov) is still running.
    assert report.cycle.name == "Cycle 26"
    assert report.closed_at == datetime(2026, 11, 16, tzinfo=UTC)
    summary = team_showcase(report)
    assert summary.finished[0] == FinishedWork(
        "MKT-325", "Black Friday: campaign brief and landing page"
    )
    assert summary.metrics.line() == (
        "completed 5 of 10 committed (50%; Definition of Done not checked); 2 unplanned; "
        "throughput 5"
    )


def test_unplanned_work_from_the_history_is_marked_in_the_showcase(
    example_workflow: Workflow, example_board: Path
) -> None:
    report = cycle_from_history(example_board / "history.jsonl", example_workflow, "cycle 20")
    summary = team_showcase(report)
    unplanned = [w.key for w in summary.finished if w.unplanned]
    assert unplanned == ["MKT-287"]
    assert "MKT-287 Whitepaper chapter: onboarding in ten minutes (unplanned)" in str(summary)


def test_an_unknown_cycle_in_the_history_names_the_known_ones(
    example_workflow: Workflow, example_board: Path
) -> None:
    with pytest.raises(NotFound, match="Cycle 1, Cycle 2, Cycle 3"):
        cycle_from_history(example_board / "history.jsonl", example_workflow, "Cycle 99")


def test_a_mirror_keeps_no_cycle_dates_so_they_are_given(
    tmp_path: Path, example_workflow: Workflow, example_board: Path
) -> None:
    table = load_history(example_board / "history.jsonl")
    with Mirror(tmp_path / "team.db") as mirror, mirror.transaction():
        mirror.save_board(OWN_BOARD, table.histories())
    mirrored = load_history(f"mirror:{tmp_path / 'team.db'}")
    with pytest.raises(NotFound, match="give the cycle's dates"):
        cycle_from_history(mirrored, example_workflow, "Cycle 26")
    report = cycle_from_history(mirrored, example_workflow, "Cycle 26", windows=table.cycles)
    from_file = cycle_from_history(table, example_workflow, "Cycle 26")
    assert report.completed == from_file.completed
    # Without membership records every listed item counts as committed: the two unplanned
    # items of the file are committed here, so predictability reads lower.
    assert len(report.committed) == len(from_file.committed) + len(from_file.unplanned)
    assert report.unplanned == ()


def test_an_adapter_url_is_read_by_the_report_layer_not_by_the_showcase(
    example_workflow: Workflow,
) -> None:
    with pytest.raises(HistorySourceError, match="load_history"):
        cycle_from_history("mirror:team.db", example_workflow, "Cycle 26")


def test_a_planning_file_adds_campaigns_blueprint_changes_and_suggestions_to_a_history(
    example_workflow: Workflow, pipeline_guidepoint: Guidepoint, example_board: Path
) -> None:
    report = cycle_from_history(example_board / "history.jsonl", example_workflow, "Cycle 26")
    before = Blueprint(
        pipeline_guidepoint, "2026-04", 10, [Priority("Launch", "pipeline", {"2026-04": 8})]
    )
    after = before.add(Priority("Webinar", "pipeline", {"2026-05": 2}))
    criteria = ["at least 50 qualified leads within 14 days"]
    trial = Experiment(
        "X-1", "Black Friday outreach", criteria, started_at=datetime(2026, 11, 3, tzinfo=UTC)
    )
    trial.record("qualified leads", 61, at="2026-11-12T00:00:00Z")
    plan = PlanningFile(
        "Demand gen", pipeline_guidepoint,
        (BlueprintVersion("workshop", before), BlueprintVersion("showcase 26", after, "Cycle 26")),
        requests=(Request("REQ-9", "Sam", "Customers ask about annual billing"),),
        experiments=(trial,), suggestions={"Cycle 26": ("REQ-9",)},
    )  # fmt: skip
    summary = plan.showcase("Cycle 26", report=report)
    assert summary.metrics == team_showcase(report).metrics
    assert summary.blueprint_changes == ("added Webinar (pipeline; 2026-05 2)",)
    assert [r.key for r in summary.suggestions] == ["REQ-9"]
    assert summary.campaigns[0].startswith("Black Friday outreach")


def test_history_items_are_finished_only_when_the_planning_file_records_their_done_criteria(
    example_workflow: Workflow, example_board: Path
) -> None:
    # A history records statuses, not Definition-of-Done checklists: with a Definition of Done,
    # only items whose criteria the planning file records as met count as finished.
    report = cycle_from_history(example_board / "history.jsonl", example_workflow, "Cycle 26")
    checked = next(i for i in report.committed if i.key == "MKT-316")
    plan = PlanningFile(
        "t", definition_of_done=DOD, items=(checked.with_criteria_met(*DOD.default),)
    )
    summary = plan.showcase("Cycle 26", report=report)
    assert [w.key for w in summary.finished] == ["MKT-316"]
    assert len(summary.not_ready) == 4
    assert summary.not_ready[0].startswith("Black Friday: campaign brief and landing page - ")


def test_mirror_records_bring_links_and_done_criteria_to_the_showcase(
    tmp_path: Path, example_board: Path, example_workflow: Workflow
) -> None:
    table = load_history(example_board / "history.jsonl")
    link = "https://example.com/black-friday"
    records = [
        ItemRecord(h, fields={"link": link}, done_criteria=DOD.default) if h.key == "MKT-325" else h
        for h in table.histories()
    ]
    with Mirror(tmp_path / "team.db") as mirror:
        with mirror.transaction():
            mirror.save_board(OWN_BOARD, records)
        report = cycle_from_history(
            mirror.records(), example_workflow, "Cycle 26", windows=table.cycles
        )
    summary = team_showcase(report, definition_of_done=DOD)
    assert [(w.key, w.link) for w in summary.finished] == [("MKT-325", link)]
    assert len(summary.not_ready) == 4  # the others record no Definition-of-Done criteria
    assert f"[MKT-325 Black Friday: campaign brief and landing page]({link})" in str(summary)
    assert summary.metrics.throughput == 1
    judged = cycle_from_history(
        records, example_workflow, "Cycle 26", windows=table.cycles, definition_of_done=DOD
    )
    assert (judged.throughput, len(judged.not_done)) == (1, 4)
    assert CycleMetrics.from_report(judged) == summary.metrics
