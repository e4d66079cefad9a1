"""Fixtures of the command-line tests: boards to point the commands at, and quick charts.

The example marketing board of ``examples/board``, a simulated board written as files, a history
file or a mirror holding exactly the items a test gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from agilemarketing.adapter import ItemRecord
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import HistoryTable, write_history
from agilemarketing.mirror import OWN_BOARD, Mirror
from agilemarketing.report import FlowReport
from agilemarketing.simulate import simulate_board

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "board"


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip rendering charts: these tests are about the command, not pictures."""
    monkeypatch.setattr(FlowReport, "charts", lambda self: {"tiny": b"\x89PNG\r\n\x1a\n"})


@pytest.fixture(scope="session")
def example_board() -> tuple[Path, Path]:
    """The bundled example marketing board: (history.jsonl, workflow.toml)."""
    return EXAMPLE / "history.jsonl", EXAMPLE / "workflow.toml"


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A simulated board of 80 items written as files: (history.jsonl, workflow.toml)."""
    return simulate_board(items=80, seed=21).write(tmp_path_factory.mktemp("board"))


@pytest.fixture
def history_file(tmp_path: Path) -> Callable[[Iterable[ItemHistory]], Path]:
    """Write item histories as a history JSON Lines file in ``tmp_path``; returns its path."""

    def write(histories: Iterable[ItemHistory]) -> Path:
        path = tmp_path / "history.jsonl"
        write_history(HistoryTable.from_histories(list(histories)), path)
        return path

    return write


@pytest.fixture
def mirror_of() -> Callable[[Path, Iterable[ItemHistory | ItemRecord]], str]:
    """Save items as the own board of a mirror file; returns its ``mirror:`` URL."""

    def save(path: Path, items: Iterable[ItemHistory | ItemRecord]) -> str:
        with Mirror(path) as mirror, mirror.transaction():
            mirror.save_board(OWN_BOARD, items)
        return f"mirror:{path}"

    return save
