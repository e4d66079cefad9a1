"""Fixtures of the flow report tests: a simulated board's report, written once; item builders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agilemarketing.history import ItemHistory, Transition
from agilemarketing.report import FlowReport, ReportSettings
from agilemarketing.simulate import simulate_board

SETTINGS = ReportSettings(title="Team Rocket flow", trials=2_000)
T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def board_report() -> FlowReport:
    """The report of a simulated board of 90 items (titled "Team Rocket flow")."""
    board = simulate_board(items=90, seed=8)
    return FlowReport.build(board.table, board.workflow, settings=SETTINGS, source="simulated")


@pytest.fixture(scope="module")
def written(board_report: FlowReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory ``board_report`` was written to (with its real charts)."""
    out = tmp_path_factory.mktemp("reports") / "flow"
    board_report.write(out)
    return out


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """One tiny blank chart instead of the report's: these tests are about files, not pictures."""
    monkeypatch.setattr(
        FlowReport, "_chart_makers", lambda self: {"tiny": (lambda ax: None, (1.0, 1.0))}
    )


@pytest.fixture
def done_item() -> Callable[..., ItemHistory]:
    """Build an item created on ``T0`` that took 2 days, done ``day`` days after ``T0``."""

    def build(key: str, day: int, labels: tuple[str, ...] = ()) -> ItemHistory:
        return ItemHistory(
            key,
            status="Done",
            created=T0,
            labels=labels,
            transitions=[
                Transition(T0, None, "To Do"),
                Transition(T0 + timedelta(days=day - 2), "To Do", "Doing"),
                Transition(T0 + timedelta(days=day), "Doing", "Done"),
            ],
        )

    return build


@pytest.fixture
def open_item() -> Callable[[str, str, str], ItemHistory]:
    """Build an item still in "To Do", with one label and a backlog rank."""

    def build(key: str, label: str, rank: str) -> ItemHistory:
        return ItemHistory(
            key,
            status="To Do",
            created=T0,
            labels=[label],
            rank=rank,
            transitions=[Transition(T0, None, "To Do")],
        )

    return build
