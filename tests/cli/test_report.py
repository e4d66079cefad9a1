"""``agilemarketing report`` and ``agilemarketing forecast`` from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.report import FlowReport
from agilemarketing.workflow import Workflow

STAGES = ["--stages", "Backlog,Ready,In Progress,Waiting for Approval,Review,Done"]
SHORTHAND = [*STAGES, "--start", "Ready", "--done", "Done"]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_report_writes_the_directory_and_says_where(
    board: tuple[Path, Path], tmp_path: Path
) -> None:
    history, workflow = board
    out = tmp_path / "demo-output"
    code, stdout, _ = run(
        "report", history, "--workflow", workflow, "--out", out, "--trials", "1000"
    )
    assert code == ExitCode.OK
    assert f"Report written: {out / 'report.html'}" in stdout
    assert (out / "report.html").is_file()
    doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert doc["report"]["source"] == f"{history.parent.name}/{history.name}"  # never absolute
    assert doc["report"]["trials"] == 1000
    assert len(list((out / "charts").glob("*.png"))) >= 15


@pytest.mark.usefixtures("quick_charts")
def test_report_takes_the_shorthand_workflow_and_options(
    board: tuple[Path, Path], tmp_path: Path
) -> None:
    history, _ = board
    out = tmp_path / "r"
    code, _, stderr = run(
        "report",
        history,
        *SHORTHAND,
        "--waiting",
        "Waiting for Approval",
        "--out",
        out,
        "--title",
        "Q4 flow",
        "--working-days",
        "Mon Tue Wed Thu Fri",
        "--items",
        "12",
        "--horizon-days",
        "14",
        "--trials",
        "500",
    )
    assert code == ExitCode.OK, stderr
    doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert doc["report"]["title"] == "Q4 flow"
    assert doc["forecasts"]["when"]["items"] == 12
    stages = {s["name"]: s for s in doc["workflow"]["stages"]}
    assert stages["Waiting for Approval"]["active"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workflow", "{wf}", *STAGES], "either --workflow or --stages"),
        (["--workflow", "{missing}"], "does not exist"),
        ([*SHORTHAND, "--since", "2026-01-01"], "--since and --until together"),
    ],
)
def test_report_usage_errors_exit_2(
    board: tuple[Path, Path], tmp_path: Path, args: list[str], message: str
) -> None:
    history, workflow = board
    paths = {"wf": str(workflow), "missing": str(tmp_path / "missing.toml")}
    filled = [a.format(**paths) for a in args]
    code, _, stderr = run("report", history, *filled, "--out", tmp_path / "out")
    assert code == ExitCode.USAGE
    assert message in stderr
    assert not (tmp_path / "out").exists()


def test_report_of_a_missing_or_broken_history_exits_2(tmp_path: Path) -> None:
    code, _, stderr = run("report", tmp_path / "nope.jsonl", *SHORTHAND, "--out", tmp_path / "o")
    assert code == ExitCode.USAGE
    assert "no such file" in stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"key": "A-1", "created": "yesterday"}\n', encoding="utf-8")
    code, _, stderr = run("report", broken, *SHORTHAND, "--out", tmp_path / "o")
    assert code == ExitCode.USAGE
    assert "line 1" in stderr
    assert "created" in stderr


def test_report_refuses_to_overwrite_something_else_and_exits_4(
    board: tuple[Path, Path], tmp_path: Path
) -> None:
    history, workflow = board
    target = tmp_path / "taken"
    target.write_text("not a directory", encoding="utf-8")
    code, _, stderr = run("report", history, "--workflow", workflow, "--out", target)
    assert code == ExitCode.ERROR
    assert "is a file" in stderr
    assert target.read_text(encoding="utf-8") == "not a directory"


def test_forecast_prints_one_line_per_percentile(board: tuple[Path, Path]) -> None:
    history, workflow = board
    code, stdout, _ = run("forecast", history, "--workflow", workflow, "--items", "10")
    assert code == ExitCode.OK
    lines = stdout.splitlines()
    assert lines[0].startswith("From the throughput of ")
    assert [line.split()[0] for line in lines[1:]] == ["50%", "70%", "85%", "95%"]
    assert all("(10 items" in line for line in lines[1:])


def test_forecast_json_for_when(board: tuple[Path, Path]) -> None:
    history, workflow = board
    code, stdout, _ = run(
        "forecast", history, "--workflow", workflow, "--items", "10", "--json", "--seed", "3"
    )
    assert code == ExitCode.OK
    doc = json.loads(stdout)
    assert set(doc) == {
        "question",
        "items",
        "start",
        "method",
        "trials",
        "seed",
        "window",
        "horizon_days",
        "day_unit",
        "probability_beyond_horizon",
        "percentiles",
        "statements",
    }
    assert doc["question"] == "when"
    assert doc["method"] == "montecarlo"
    assert doc["seed"] == 3
    assert doc["day_unit"] == "days"  # no --calendar: every calendar day counts
    assert set(doc["percentiles"][0]) == {"confidence", "days", "date"}
    again = json.loads(
        run("forecast", history, "--workflow", workflow, "--items", "10", "--json", "--seed", "3")[
            1
        ]
    )
    assert again == doc


def test_forecast_json_for_how_many_with_the_exact_method(board: tuple[Path, Path]) -> None:
    history, workflow = board
    code, stdout, _ = run(
        "forecast",
        history,
        "--workflow",
        workflow,
        "--by",
        "2027-01-15",
        "--method",
        "exact",
        "--from",
        "2026-11-23",
        "--json",
    )
    assert code == ExitCode.OK
    doc = json.loads(stdout)
    assert doc["question"] == "how_many"
    assert doc["by"] == "2027-01-15"
    assert doc["start"] == "2026-11-23"
    assert doc["days"] == 54
    assert doc["trials"] is None
    items = [p["items"] for p in doc["percentiles"]]
    assert items == sorted(items, reverse=True)


@pytest.mark.parametrize(
    "question",
    [[], ["--items", "3", "--by", "2027-01-01"], ["--ranked", "--backlog"]],
    ids=["none", "both", "ranked-and-backlog"],
)
def test_forecast_asks_exactly_one_question(board: tuple[Path, Path], question: list[str]) -> None:
    history, workflow = board
    code, _, stderr = run("forecast", history, "--workflow", workflow, *question)
    assert code == ExitCode.USAGE
    assert "ask one question" in stderr


def test_forecast_ranked_lists_each_campaign_in_rank_order(board: tuple[Path, Path]) -> None:
    history, workflow = board
    args = ["forecast", history, "--workflow", workflow, "--ranked", "--seed", "5"]
    code, stdout, stderr = run(*args, "--json")
    assert code == ExitCode.OK, stderr
    doc = json.loads(stdout)
    assert doc["question"] == "ranked"
    entries = doc["entries"]
    assert entries[0]["name"] == "competitor-response"  # the scope-added campaign ranks first
    assert [e["cumulative"] for e in entries] == list(np.cumsum([e["remaining"] for e in entries]))
    p85 = [next(p["date"] for p in e["percentiles"] if p["confidence"] == 0.85) for e in entries]
    assert p85 == sorted(p85)  # worked in rank order: a lower rank is never done earlier
    code, text, _ = run(*args)
    assert code == ExitCode.OK
    assert [line.split(":")[0].strip() for line in text.splitlines()[1:]] == [
        e["name"] for e in entries
    ]


def test_forecast_ranked_without_campaign_labels_exits_2(board: tuple[Path, Path]) -> None:
    history, workflow = board
    code, _, stderr = run(
        "forecast", history, "--workflow", workflow, "--ranked", "--campaign-prefix", "epic:"
    )
    assert code == ExitCode.USAGE
    assert "no open item has a label starting with 'epic:'" in stderr


def test_forecast_backlog_clearance_of_the_open_items(board: tuple[Path, Path]) -> None:
    history, workflow = board
    code, stdout, stderr = run(
        "forecast", history, "--workflow", workflow, "--backlog", "--method", "exact", "--json"
    )
    assert code == ExitCode.OK, stderr
    doc = json.loads(stdout)
    log = FlowReport.build(str(history), Workflow.from_toml(workflow)).log
    assert doc["question"] == "clearance"
    assert doc["backlog"] == int((~log.is_done & ~log.abandoned).sum()) > 0
    assert doc["scope_growth"] is False
    assert doc["forecast"]["method"] == "exact"


def test_forecast_backlog_with_scope_growth_warns_when_it_never_clears(
    example_board: tuple[Path, Path],
) -> None:
    history, workflow = example_board
    args = ["forecast", history, "--workflow", workflow]
    code, stdout, stderr = run(*args, "--backlog", "--scope-growth", "--trials", "500", "--json")
    assert code == ExitCode.OK, stderr
    doc = json.loads(stdout)
    assert doc["scope_growth"] is True
    assert doc["arrivals_per_day"] > doc["throughput_per_day"]  # the example board's story
    assert doc["never_clears"] is True
    code, text, _ = run(*args, "--backlog", "--scope-growth", "--trials", "500")
    assert code == ExitCode.OK
    assert "never clears. Prune it, or take fewer requests in." in text
    code, stdout, _ = run(*args, "--backlog", "--trials", "500", "--json")
    assert json.loads(stdout)["never_clears"] is False  # without growth it clears


def test_forecast_scope_growth_needs_the_backlog_question_and_monte_carlo(
    board: tuple[Path, Path],
) -> None:
    history, workflow = board
    code, _, stderr = run(
        "forecast", history, "--workflow", workflow, "--items", "3", "--scope-growth"
    )
    assert code == ExitCode.USAGE
    assert "--scope-growth goes with --backlog" in stderr
    code, _, stderr = run(
        "forecast",
        history,
        "--workflow",
        workflow,
        "--backlog",
        "--scope-growth",
        "--method",
        "exact",
    )
    assert code == ExitCode.USAGE
    assert "does not model scope growth" in stderr


def test_forecast_from_a_window_without_finished_work_exits_5(board: tuple[Path, Path]) -> None:
    history, workflow = board
    code, _, stderr = run(
        "forecast",
        history,
        "--workflow",
        workflow,
        "--items",
        "5",
        "--since",
        "2025-11-21",
        "--until",
        "2025-11-22",
    )
    assert code == ExitCode.NO_FORECAST
    assert "no item finished in the window" in stderr
    assert "widen it" in stderr


@pytest.mark.usefixtures("quick_charts")
def test_the_demo_command_works_on_the_example_board(
    example_board: tuple[Path, Path], tmp_path: Path
) -> None:
    history, workflow = example_board
    out = tmp_path / "demo-output"
    code, stdout, stderr = run("report", history, "--workflow", workflow, "--out", out)
    assert code == ExitCode.OK, stderr
    assert "report.html" in stdout
    doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert 300 <= doc["summary"]["items"] <= 400
    assert doc["forecasts"]["ranked"]["entries"]
    assert doc["forecasts"]["clearance"]["backlog"] == doc["summary"]["open"]


def test_forecast_backlog_of_a_board_with_nothing_open_exits_2(
    history_file: Callable[[Iterable[ItemHistory]], Path],
) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    done = [
        ItemHistory(
            f"MKT-{i}",
            status="Done",
            created=t0,
            transitions=[
                Transition(t0 + timedelta(days=i), "Backlog", "Ready"),
                Transition(t0 + timedelta(days=i + 1), "Ready", "Done"),
            ],
        )
        for i in range(4)
    ]
    path = history_file(done)
    args = ["forecast", path, "--stages", "Backlog,Ready,Done", "--start", "Ready"]
    code, _, stderr = run(*args, "--backlog")
    assert code == ExitCode.USAGE
    assert "the backlog is empty" in stderr
    code, stdout, _ = run(*args, "--items", "2", "--json")  # the other questions still work
    assert code == ExitCode.OK
    assert json.loads(stdout)["items"] == 2


def test_forecast_resamples_the_last_n_days_with_window_days(board: tuple[Path, Path]) -> None:
    history, workflow = board
    args = ["forecast", history, "--workflow", workflow, "--items", "3", "--json"]
    code, stdout, stderr = run(*args, "--window-days", "30")
    assert code == ExitCode.OK, stderr
    first, last = json.loads(stdout)["window"].values()
    assert (date.fromisoformat(last) - date.fromisoformat(first)).days == 29
    code, _, stderr = run(
        *args, "--window-days", "30", "--since", "2026-01-01", "--until", "2026-02-01"
    )
    assert code == ExitCode.USAGE
    assert "either --window-days or --since/--until" in stderr


@pytest.mark.usefixtures("quick_charts")
def test_report_backwards_option_chooses_how_reopened_items_count(
    tmp_path: Path, history_file: Callable[[Iterable[ItemHistory]], Path]
) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    day = timedelta(days=1)
    reopened = ItemHistory(
        "MKT-1",
        status="Done",
        created=t0,
        transitions=[
            Transition(t0, "Backlog", "Doing"),
            Transition(t0 + 2 * day, "Doing", "Done"),
            Transition(t0 + 5 * day, "Done", "Doing"),  # reopened
            Transition(t0 + 6 * day, "Doing", "Done"),
        ],
    )
    path = history_file([reopened])
    days = {}
    for policy in ("first", "last", "reopened"):
        out = tmp_path / policy
        args = ["--stages", "Backlog,Doing,Done", "--start", "Doing", "--backwards", policy]
        code, _, stderr = run("report", path, *args, "--out", out, "--trials", "200")
        assert code == ExitCode.OK, stderr
        doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
        assert doc["report"]["backwards"] == policy
        days[policy] = doc["metrics"]["cycle_time"]["days"]["50"]
    assert days == {"first": 2.0, "last": 1.0, "reopened": 6.0}
