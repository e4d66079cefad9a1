"""A stage name that matches no status of the board is warned about, naming the closest one.

``--waiting "Reveiw"`` (a stage the shorthand does not list) and a workflow stage no item ever
visited used to run silently, measuring a board nobody has; now the command warns on standard
error ("did you mean 'Review'?") and still runs.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from agilemarketing.cli import main
from agilemarketing.cli._stage_names import stage_name_warnings
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.example import example_board_files
from agilemarketing.flow import FlowLog
from agilemarketing.workflow import Workflow

RIGHT = "Backlog,Ready,In Progress,Waiting for Approval,Review,Done"


def _log(stages: str, waiting: tuple[str, ...] = ()) -> FlowLog:
    history, _ = example_board_files()
    workflow = Workflow.from_shorthand(stages, start="Ready", done="Done", waiting=waiting)
    return FlowLog.build(Path(str(history)), workflow)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_a_stage_no_item_visited_is_warned_about_with_the_closest_status() -> None:
    log = _log(RIGHT.replace("Review", "Reveiw"))
    assert stage_name_warnings(log) == [
        "warning: no item was ever in stage 'Reveiw' of the workflow; did you mean 'Review'?"
    ]


def test_a_waiting_name_that_is_no_stage_is_warned_about_with_the_closest_stage() -> None:
    log = _log(RIGHT)
    assert stage_name_warnings(log, waiting=("Reveiw",)) == [
        "warning: --waiting 'Reveiw' is not a stage of the workflow (it is ignored); "
        "did you mean 'Review'?"
    ]


def test_names_that_match_the_board_give_no_warning() -> None:
    assert stage_name_warnings(_log(RIGHT), waiting=("Waiting for Approval",)) == []


def test_an_unvisited_stage_with_nothing_close_is_warned_about_without_a_guess() -> None:
    log = _log("Backlog,Ready,In Progress,Waiting for Approval,Review,Xylophone,Done")
    assert stage_name_warnings(log) == [
        "warning: no item was ever in stage 'Xylophone' of the workflow"
    ]


def test_the_closest_match_ignores_case() -> None:
    log = _log(RIGHT.replace("Review", "REVIEWS"))
    assert stage_name_warnings(log)[0].endswith("did you mean 'Review'?")


def test_forecast_warns_on_a_misspelt_stage_and_still_answers(tmp_path: Path) -> None:
    history, _ = example_board_files()
    code, stdout, stderr = run(
        "forecast", Path(str(history)), "--stages", RIGHT, "--start", "Ready", "--done", "Done",
        "--waiting", "Reveiw", "--items", "10", "--trials", "500",
    )  # fmt: skip
    assert code == ExitCode.OK, stderr
    assert "did you mean 'Review'?" in stderr
    assert "85% likely" in stdout


def test_report_warns_on_a_stage_no_item_visited(tmp_path: Path, quick_charts: None) -> None:
    history, _ = example_board_files()
    code, _, stderr = run(
        "report", Path(str(history)), "--stages", RIGHT.replace("Review", "Reveiw"),
        "--start", "Ready", "--done", "Done", "--out", tmp_path / "r", "--trials", "500",
    )  # fmt: skip
    assert code == ExitCode.OK, stderr
    assert "no item was ever in stage 'Reveiw' of the workflow; did you mean 'Review'?" in stderr
