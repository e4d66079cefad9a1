"""The data-quality report of a flow log: issues by name, counts and keys."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agilemarketing.errors import NotFound
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory

BuildLog = Callable[..., FlowLog]
MakeHistory = Callable[..., ItemHistory]


def test_asking_for_an_unknown_quality_issue_names_the_known_ones(
    build_log: BuildLog, reopened: ItemHistory
) -> None:
    with pytest.raises(NotFound, match="reopened"):
        build_log(reopened).quality["reopend"]


def test_quality_report_summarises_counts_and_keys(
    build_log: BuildLog, make_history: MakeHistory, reopened: ItemHistory
) -> None:
    log = build_log(reopened, make_history("W", (1, "To Do", "Won't Do")))
    summary = log.quality.to_dict()
    assert summary["issues"]["reopened"] == {
        "description": "left a done stage for an earlier one",
        "count": 1,
        "keys": ["R"],
    }
    assert summary["unmapped_statuses"] == {"Won't Do": {"count": 1, "keys": ["W"]}}
    assert "reopened: 1" in str(log.quality)
