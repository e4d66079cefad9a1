"""``agilemarketing showcase`` and ``agilemarketing blueprint`` over a planning JSON file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from agilemarketing.adapter import ItemRecord
from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.cycles import Capacity, Cycle, CycleRun
from agilemarketing.items import Size, WorkItem
from agilemarketing.planning.blueprint import Blueprint, Priority
from agilemarketing.planning.experiments import Experiment
from agilemarketing.planning.file import BlueprintVersion, PlanningFile
from agilemarketing.planning.guidepoint import Guidepoint, Outcome
from agilemarketing.planning.showcase import cycle_from_history
from agilemarketing.planning.stakeholders import Request
from agilemarketing.report import load_history
from agilemarketing.workflow import Workflow

GP = Guidepoint("Pipeline", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])


@pytest.fixture
def planning(tmp_path: Path) -> Path:
    before = Blueprint(GP, "2026-04", 10, [Priority("Launch", "pipeline", {"2026-04": 8})])
    after = before.add(Priority("Webinar", "pipeline", {"2026-05": 5}))
    runs = []
    for n, start in enumerate(
        [datetime(2026, 4, 6, tzinfo=UTC), datetime(2026, 4, 20, tzinfo=UTC)]
    ):
        run = CycleRun(Cycle(f"Cycle {n + 1}", start, Capacity.points(8)))
        run.commit([WorkItem(f"V-{n}", f"Video <{n}>", size=Size.points(3),
                             fields={"link": f"https://example.com/{n}"})], at=start)  # fmt: skip
        run.complete(f"V-{n}", at=start.replace(day=start.day + 2))
        runs.append(run.close())
    e = Experiment("X", "Outreach", ["at least 10 replies within 7 days"],
                   started_at=datetime(2026, 4, 20, tzinfo=UTC))  # fmt: skip
    e.record("replies", 12, at="2026-04-27T00:00:00Z")
    plan = PlanningFile(
        "Demand gen", GP,
        (BlueprintVersion("workshop", before), BlueprintVersion("showcase 2", after, "Cycle 2")),
        requests=(Request("REQ-5", "Sam", "Customers ask about fees"),),
        experiments=(e,), cycles=tuple(runs), suggestions={"Cycle 2": ("REQ-5",)},
    )  # fmt: skip
    return plan.save(tmp_path / "planning.json")


def test_showcase_prints_the_latest_cycle_as_markdown(planning: Path) -> None:
    result = CliRunner().invoke(main, ["showcase", str(planning)])
    assert result.exit_code == ExitCode.OK, result.output
    assert result.output.startswith("## Team Showcase: Cycle 2")
    assert "[V-1 Video \\<1>](https://example.com/1)" in result.output
    assert "added Webinar" in result.output
    assert "REQ-5 from Sam" in result.output
    assert "Outreach: running; replies: 12" in result.output


def test_showcase_of_a_named_cycle_as_html_to_a_file(planning: Path, tmp_path: Path) -> None:
    out = tmp_path / "showcase.html"
    result = CliRunner().invoke(
        main, ["showcase", str(planning), "--cycle", "cycle 1", "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == ExitCode.OK, result.output
    page = out.read_text(encoding="utf-8")
    assert "<h1>Team Showcase: Cycle 1" in page
    assert "Video &lt;0&gt;" in page


def test_showcase_of_an_unknown_cycle_says_which_exist(planning: Path) -> None:
    result = CliRunner().invoke(main, ["showcase", str(planning), "--cycle", "Cycle 9"])
    assert result.exit_code == ExitCode.USAGE
    assert "Cycle 1, Cycle 2" in result.output


def test_blueprint_shows_the_calendar_and_changes(planning: Path) -> None:
    result = CliRunner().invoke(main, ["blueprint", str(planning), "--since", "workshop"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "| Webinar | pipeline |  | 5 |  |" in result.output
    assert "Changes since workshop:\nadded Webinar" in result.output
    old = CliRunner().invoke(main, ["blueprint", str(planning), "--at", "workshop"])
    assert "Webinar" not in old.output


def test_blueprint_check_that_fits(planning: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["blueprint", str(planning), "--check", "Podcast", "--outcome", "pipeline",
         "--effort", "2026-06=4"],
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    assert "'Podcast' fits" in result.output


def test_blueprint_check_over_capacity_says_what_must_move_out(planning: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["blueprint", str(planning), "--check", "Trade fair", "--outcome", "pipeline",
         "--effort", "2026-04=5"],
    )  # fmt: skip
    assert result.exit_code == ExitCode.CONFLICTS
    assert "2026-04: 3 over capacity" in result.output
    assert "move out Launch: 3 in 2026-04" in result.output


def test_blueprint_check_needs_an_outcome_on_the_guidepoint(planning: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["blueprint", str(planning), "--check", "Film", "--outcome", "awareness",
         "--effort", "2026-04=1"],
    )  # fmt: skip
    assert result.exit_code == ExitCode.CONFLICTS
    assert "not an outcome of the current Guidepoint" in result.output
    bad = CliRunner().invoke(main, ["blueprint", str(planning), "--check", "Film",
                                    "--outcome", "pipeline", "--effort", "April"])  # fmt: skip
    assert bad.exit_code == ExitCode.USAGE
    assert "MONTH=AMOUNT" in bad.output


def test_blueprint_option_mistakes_are_reported_before_anything_is_printed(
    planning: Path,
) -> None:
    for args in (
        ["--outcome", "pipeline"],
        ["--check", "Film", "--outcome", "pipeline"],
        ["--check", "Film", "--outcome", "pipeline", "--effort", "April"],
    ):
        result = CliRunner().invoke(main, ["blueprint", str(planning), *args])
        assert result.exit_code == ExitCode.USAGE, args
        assert "Webinar" not in result.output, args
    unknown = CliRunner().invoke(main, ["blueprint", str(planning), "--since", "kick-off"])
    assert unknown.exit_code == ExitCode.USAGE
    assert "no Blueprint version 'kick-off'; the file has: workshop" in unknown.output
    assert "Webinar" not in unknown.output


def test_a_broken_planning_file_is_reported_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"cycles": 3}', encoding="utf-8")
    result = CliRunner().invoke(main, ["showcase", str(bad)])
    assert result.exit_code == ExitCode.USAGE
    assert "file broken.json, $.cycles" in result.output


def test_showcase_from_a_history_file_summarises_the_latest_ended_cycle(
    example_board: tuple[Path, Path],
) -> None:
    history_path, workflow_path = example_board
    flow = ["--workflow", str(workflow_path)]
    result = CliRunner().invoke(main, ["showcase", str(history_path), *flow])
    assert result.exit_code == ExitCode.OK, result.output
    assert result.output.startswith("## Team Showcase: Cycle 26 (02 Nov - 16 Nov 2026)")
    assert "- MKT-325 Black Friday: campaign brief and landing page" in result.output
    assert "completed 5 of 10 committed (50%; Definition of Done not checked)" in result.output


def test_showcase_from_a_history_with_a_planning_file_adds_campaigns_and_changes(
    tmp_path: Path, example_board: tuple[Path, Path]
) -> None:
    history_path, workflow_path = example_board
    flow = ["--workflow", str(workflow_path)]
    before = Blueprint(GP, "2026-04", 10, [Priority("Launch", "pipeline", {"2026-04": 8})])
    after = before.add(Priority("Webinar", "pipeline", {"2026-05": 5}))
    trial = Experiment("X", "Outreach", ["at least 10 replies within 7 days"],
                       started_at=datetime(2026, 8, 11, tzinfo=UTC))  # fmt: skip
    trial.record("replies", 4, at="2026-08-19T00:00:00Z")
    plan = PlanningFile(
        "Demand gen", GP,
        (BlueprintVersion("workshop", before), BlueprintVersion("showcase", after, "Cycle 20")),
        requests=(Request("REQ-7", "Ana", "Partners want a co-branded kit"),),
        experiments=(trial,), suggestions={"Cycle 20": ("REQ-7",)},
    ).save(tmp_path / "planning.json")  # fmt: skip
    result = CliRunner().invoke(
        main,
        ["showcase", str(history_path), *flow, "--planning", str(plan),
         "--cycle", "Cycle 20", "--format", "html"],
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.output
    assert "<h1>Team Showcase: Cycle 20 (10 Aug - 24 Aug 2026)</h1>" in result.output
    assert "Whitepaper chapter: onboarding in ten minutes (unplanned)" in result.output
    assert "<li>Outreach: " in result.output
    assert "<li>added Webinar (pipeline; 2026-05 5)</li>" in result.output
    assert "REQ-7 from Ana: Partners want a co-branded kit" in result.output


def test_showcase_from_a_mirror_takes_the_cycle_dates_and_says_what_it_cannot_know(
    tmp_path: Path, mirror_of: Callable[..., str], example_board: tuple[Path, Path]
) -> None:
    history_path, workflow_path = example_board
    flow = ["--workflow", str(workflow_path)]
    link = "https://example.com/webinar"
    records = [
        ItemRecord(h, fields={"link": link}) if h.key == "MKT-346" else h
        for h in load_history(history_path).histories()
    ]
    url = mirror_of(tmp_path / "team.db", records)
    missing = CliRunner().invoke(main, ["showcase", url, *flow])
    assert missing.exit_code == ExitCode.USAGE
    assert "give the cycle's dates" in missing.output
    result = CliRunner().invoke(
        main, ["showcase", url, *flow, "--cycle", "Cycle 26", "--dates", "2026-11-02", "2026-11-16"]
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert "## Team Showcase: Cycle 26 (02 Nov - 16 Nov 2026)" in result.output
    assert "completed 5 of 12 committed (42%; Definition of Done not checked)" in result.output
    assert f"- [MKT-346 Webinar invitation: the spring product update]({link})" in result.output
    assert "records no cycle memberships" in result.stderr


def test_showcase_from_a_history_needs_the_workflow_and_dates_need_a_cycle(
    example_board: tuple[Path, Path],
) -> None:
    history_path, workflow_path = example_board
    flow = ["--workflow", str(workflow_path)]
    history = str(history_path)
    assert CliRunner().invoke(main, ["showcase", history]).exit_code == ExitCode.USAGE
    dates = CliRunner().invoke(main, ["showcase", history, *flow, "--dates", "2026-11-02",
                                      "2026-11-16"])  # fmt: skip
    assert dates.exit_code == ExitCode.USAGE
    assert "--dates goes with --cycle" in dates.output


def test_a_planning_document_stored_in_the_mirror_completes_the_mirror_showcase(
    tmp_path: Path, mirror_of: Callable[..., str], example_board: tuple[Path, Path]
) -> None:
    history_path, workflow_path = example_board
    flow = ["--workflow", str(workflow_path)]
    db = tmp_path / "team.db"
    table = load_history(history_path)
    mirror_of(db, table.histories())
    workflow = Workflow.from_toml(workflow_path)
    cycle_26 = cycle_from_history(table, workflow, "Cycle 26")
    bp = Blueprint(GP, "2026-04", 10, [Priority("Launch", "pipeline", {"2026-04": 8})])
    PlanningFile(
        "Demand gen", GP,
        (BlueprintVersion("workshop", bp),
         BlueprintVersion("showcase 26", bp.add(Priority("Fair", "pipeline", {"2026-05": 3})),
                          "Cycle 26")),
        cycles=(cycle_26,),
    ).save_to_mirror(db)  # fmt: skip
    url = f"mirror:{db}"
    # The stored plan supplies the cycle's dates: no --dates needed.
    board = CliRunner().invoke(main, ["showcase", url, *flow])
    assert board.exit_code == ExitCode.OK, board.output
    assert "## Team Showcase: Cycle 26 (02 Nov - 16 Nov 2026)" in board.output
    assert "- added Fair" in board.output
    # Without a workflow, the cycles as the stored plan recorded them.
    planned = CliRunner().invoke(main, ["showcase", url])
    assert planned.exit_code == ExitCode.OK, planned.output
    assert "completed 5 of 10 committed (50%; Definition of Done not checked)" in planned.output
    shown = CliRunner().invoke(main, ["blueprint", url, "--since", "workshop"])
    assert shown.exit_code == ExitCode.OK, shown.output
    assert "Changes since workshop:\nadded Fair" in shown.output


def test_a_missing_planning_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["blueprint", str(tmp_path / "nope.json")])
    assert result.exit_code == ExitCode.USAGE
    assert "no such file" in result.output
