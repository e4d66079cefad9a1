"""``--as-of``: the moment a report or forecast describes.

By default a report describes the moment of the data's latest timestamp. A mirror of a live
board that has been quiet for a week would then age its work in progress a week short, so
``--as-of now`` (or a date, or a timestamp) says when: later than the data ages the open work
to that moment, earlier shows the board as it was then.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.history import ItemHistory, Transition

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
SHORTHAND = ["--stages", "To Do,Doing,Done", "--start", "Doing", "--done", "Done"]


def _board() -> list[ItemHistory]:
    """Two items finished in March, one still in progress since 2 March."""
    done = [
        ItemHistory(
            f"M-{i}",
            status="Done",
            created=T0,
            transitions=[
                Transition(T0, "To Do", "Doing"),
                Transition(T0 + timedelta(days=2 + i), "Doing", "Done"),
            ],
        )
        for i in (1, 2)
    ]
    doing = ItemHistory(
        "M-3", status="Doing", created=T0, transitions=[Transition(T0, "To Do", "Doing")]
    )
    return [*done, doing]


def _report(history: Path, out: Path, *extra: str) -> tuple[int, str, dict[str, Any]]:
    result = CliRunner().invoke(
        main, ["report", str(history), *SHORTHAND, "--out", str(out), "--trials", "200", *extra]
    )
    doc = json.loads((out / "metrics.json").read_text()) if result.exit_code == 0 else {}
    return result.exit_code, result.output, doc


@pytest.fixture
def history(history_file: Callable[[Iterable[ItemHistory]], Path]) -> Path:
    return history_file(_board())


def _age_of_m3(doc: dict[str, Any]) -> float:
    (item,) = doc["metrics"]["ageing_wip"]["items"]
    assert item["key"] == "M-3"
    return float(item["age_days"])


@pytest.mark.usefixtures("quick_charts")
def test_without_as_of_the_report_describes_the_datas_latest_moment(
    history: Path, tmp_path: Path
) -> None:
    code, _, doc = _report(history, tmp_path / "r")
    assert code == ExitCode.OK
    assert doc["report"]["as_of"].startswith("2026-03-06T09:00:00")  # M-2 finished then


@pytest.mark.usefixtures("quick_charts")
def test_a_later_date_ages_the_open_work_to_the_end_of_that_day(
    history: Path, tmp_path: Path
) -> None:
    _, _, before = _report(history, tmp_path / "a")
    code, output, doc = _report(history, tmp_path / "b", "--as-of", "2026-03-20")
    assert code == ExitCode.OK, output
    assert doc["report"]["as_of"].startswith("2026-03-20T23:59:59")
    assert _age_of_m3(doc) == _age_of_m3(before) + 14  # 6 March -> 20 March


@pytest.mark.usefixtures("quick_charts")
def test_a_date_ends_in_the_teams_time_zone(history: Path, tmp_path: Path) -> None:
    code, _, doc = _report(
        history, tmp_path / "r", "--as-of", "2026-03-20", "--timezone", "America/New_York"
    )
    assert code == ExitCode.OK
    assert doc["report"]["as_of"].startswith("2026-03-21T03:59:59")  # 23:59:59 EDT in UTC


@pytest.mark.usefixtures("quick_charts")
def test_now_describes_this_moment(history: Path, tmp_path: Path) -> None:
    code, _, doc = _report(history, tmp_path / "r", "--as-of", "now")
    assert code == ExitCode.OK
    as_of = datetime.fromisoformat(str(doc["report"]["as_of"]).replace("Z", "+00:00"))
    assert abs(as_of - datetime.now(UTC)) < timedelta(minutes=5)


@pytest.mark.usefixtures("quick_charts")
def test_an_earlier_timestamp_shows_the_board_as_it_was(history: Path, tmp_path: Path) -> None:
    code, _, doc = _report(history, tmp_path / "r", "--as-of", "2026-03-05T12:00:00+00:00")
    assert code == ExitCode.OK
    assert doc["report"]["as_of"].startswith("2026-03-05T12:00:00")
    assert doc["metrics"]["throughput"]["total"] == 1  # M-2 had not finished yet


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2026-02-30",
        "2026-03-04T12:00:00",
        "9999-12-31",  # its next midnight is past the last date Python has
        "0001-01-01",
        "9999-12-31T23:59:59Z",
        "1900-01-01T00:00:00Z",
        "2026-03-05T12:00:00+25:00",
        "",
    ],
)
def test_a_moment_that_is_not_one_names_the_option_and_exits_2(
    value: str, history: Path, tmp_path: Path
) -> None:
    code, output, _ = _report(history, tmp_path / "r", "--as-of", value)
    assert code == ExitCode.USAGE
    assert "--as-of" in output
    assert value in output


def test_forecast_takes_as_of_too(history: Path) -> None:
    """The forecast starts the day after the moment described, and its throughput window
    ends on that day (days without finished work count as days without throughput)."""
    result = CliRunner().invoke(
        main,
        [
            "forecast",
            str(history),
            *SHORTHAND,
            "--items",
            "1",
            "--json",
            "--trials",
            "200",
            "--as-of",
            "2026-03-20",
        ],
    )
    assert result.exit_code == ExitCode.OK, result.output
    doc = json.loads(result.stdout)
    assert doc["start"] == "2026-03-21"
    assert doc["window"]["last_day"] == "2026-03-20"


def test_a_moment_before_every_item_names_the_option_and_exits_2(
    history: Path, tmp_path: Path
) -> None:
    """The file holds items, just none yet at that moment: say so, not "an empty file"."""
    code, output, _ = _report(history, tmp_path / "r", "--as-of", "2020-01-01")
    assert code == ExitCode.USAGE
    assert "--as-of" in output
    assert "no item" in output
    assert "empty file" not in output
