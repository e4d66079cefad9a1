"""A generated board (:class:`SimulatedBoard`) and what both generators share: the item types,
the abandoned status, the size check and UTC datetimes.

>>> utc_datetime(np.datetime64("2026-01-05T09:30", "us"))
datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import numpy as np

from agilemarketing.errors import InvalidValue
from agilemarketing.historyio import HistoryTable, write_history
from agilemarketing.workflow import Workflow

__all__ = ["ITEM_TYPES", "WONT_DO", "SimulatedBoard", "check_size", "utc_datetime"]

ITEM_TYPES = ("Campaign", "Content", "Email", "Event", "Social")
"""The item types of both boards."""
WONT_DO = "Won't Do"
"""The status of abandoned work on both boards."""


def check_size(name: str, value: int, low: int) -> int:
    """``value`` as an int, refused unless it is a whole number of at least ``low``."""
    if int(value) != value or value < low:
        raise InvalidValue(
            f"{name} must be a whole number of at least {low}",
            where="simulate_board",
            fix=f"pass {name}={max(low, 1)} or more",
            value=value,
        )
    return int(value)


def utc_datetime(value: np.datetime64) -> datetime:
    """A ``datetime64`` moment as an aware UTC ``datetime``."""
    micros = int(value.astype("datetime64[us]").astype(np.int64))
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


def _workflow_toml(workflow: Workflow) -> str:
    lines = [
        "# The workflow of the simulated marketing board (agilemarketing.simulate).",
        f'start = "{workflow.start}"',
        f'done = "{workflow.done}"',
        "",
    ]
    for stage in workflow.stages:
        lines += [
            "[[stages]]",
            f'name = "{stage.name}"',
            f'category = "{stage.category.value}"',
        ]
        if not stage.active:
            lines.append("active = false")
        if stage.wip.maximum is not None:
            lines.append(f"wip = {stage.wip.maximum}")
        lines.append("")
    return "\n".join(lines)


@attrs.frozen(eq=False)
class SimulatedBoard:
    """A generated board: its histories (columns), its workflow and when the history ends."""

    table: HistoryTable
    workflow: Workflow
    end: datetime
    seed: int

    def write(self, directory: str | os.PathLike[str]) -> tuple[Path, Path]:
        """Write ``history.jsonl`` and ``workflow.toml`` into ``directory`` (created if needed).

        Returns the two paths.
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        history = folder / "history.jsonl"
        workflow = folder / "workflow.toml"
        write_history(self.table, history)
        workflow.write_text(_workflow_toml(self.workflow), encoding="utf-8")
        return history, workflow
