"""``report``, ``forecast`` and ``showcase`` read a mirror without --workflow by using the board's
own description (issue 11, point 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from agilemarketing.adapter import BoardCycle, BoardDescription, BoardStage
from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import apply, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories

BOARD = BoardDescription(
    stages=[
        BoardStage("Backlog", statuses=["To Do"]),
        BoardStage("Doing", statuses=["In Progress"], wip_max=4),
        BoardStage("Review", waiting=True),
        BoardStage("Done"),
    ],
    start="Doing",
    done="Done",
    cycles=[
        BoardCycle("Cycle 1", start="2026-01-05T00:00:00Z", end="2026-01-19T00:00:00Z"),
        BoardCycle("Cycle 2", start="2026-01-19T00:00:00Z", end="2026-02-02T00:00:00Z"),
    ],
)


@pytest.fixture
def described_mirror(tmp_path: Path) -> str:
    source = InMemoryAdapter("team")
    source.seed(sample_histories(40))
    source.describe(BOARD)
    with Mirror(tmp_path / "team.db") as mirror:
        apply(plan(source, MirrorAdapter.of(mirror), mirror))
    return f"mirror:{tmp_path / 'team.db'}"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("quick_charts")
def test_report_takes_the_workflow_from_the_boards_description(
    described_mirror: str, tmp_path: Path
) -> None:
    code, _, stderr = run("report", described_mirror, "--out", tmp_path / "r", "--trials", "200")
    assert code == ExitCode.OK, stderr
    assert "Workflow from the board's own description" in stderr
    assert "inferred" not in stderr
    doc = json.loads((tmp_path / "r" / "metrics.json").read_text(encoding="utf-8"))
    stages = {s["name"]: s for s in doc["workflow"]["stages"]}
    assert list(stages) == ["Backlog", "Doing", "Review", "Done"]
    assert stages["Doing"]["wip_max"] == 4
    assert stages["Review"]["active"] is False
    assert doc["workflow"]["start"] == "Doing"


@pytest.mark.usefixtures("quick_charts")
def test_report_takes_the_cycle_windows_from_the_boards_description(
    described_mirror: str, tmp_path: Path
) -> None:
    """The board's cycles (a Jira board's sprints) are the report's cycle windows, with their
    dates: committed and completed per cycle, not velocity per sprint name only."""
    code, _, stderr = run("report", described_mirror, "--out", tmp_path / "r", "--trials", "200")
    assert code == ExitCode.OK, stderr
    doc = json.loads((tmp_path / "r" / "metrics.json").read_text(encoding="utf-8"))
    cycles = {c["name"]: c for c in doc["metrics"]["cycles"]["cycles"]}
    assert list(cycles) == ["Cycle 1", "Cycle 2"]
    assert cycles["Cycle 1"]["start"].startswith("2026-01-05")
    assert cycles["Cycle 1"]["end"].startswith("2026-01-19")
    assert cycles["Cycle 2"]["start"].startswith("2026-01-19")
    assert all(c["committed"] >= 0 for c in cycles.values())


def test_forecast_needs_no_workflow_option_for_a_described_board(described_mirror: str) -> None:
    code, stdout, stderr = run(
        "forecast", described_mirror, "--items", "5", "--trials", "200", "--since",
        "2026-01-05", "--until", "2026-02-20",
    )  # fmt: skip
    assert code == ExitCode.OK, stderr
    assert "Workflow from the board's own description" in stderr
    assert "items finished" in stdout


def test_forecast_without_a_description_still_asks_for_the_workflow(tmp_path: Path) -> None:
    source = InMemoryAdapter("plain")
    source.seed(sample_histories(8))
    with Mirror(tmp_path / "plain.db") as mirror:
        apply(plan(source, MirrorAdapter.of(mirror), mirror))
    code, _, stderr = run("forecast", f"mirror:{tmp_path / 'plain.db'}", "--items", "3")
    assert code == ExitCode.USAGE
    assert "--workflow" in stderr


def test_showcase_takes_the_workflow_and_cycle_dates_from_the_board(described_mirror: str) -> None:
    code, stdout, stderr = run("showcase", described_mirror, "--cycle", "Cycle 1")
    assert code == ExitCode.OK, stderr
    assert "Team Showcase: Cycle 1 (05 Jan - 19 Jan 2026)" in stdout
