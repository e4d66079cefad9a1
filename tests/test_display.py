"""Result objects show themselves briefly: a one-line repr (never an array dump) and a small,
HTML-escaped table for notebooks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agilemarketing._display import MAX_LINE
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.metrics import FlowMetrics
from agilemarketing.simulate.marketing import marketing_workflow, simulate_board
from agilemarketing.workflow import Workflow


@pytest.fixture(scope="module")
def big() -> tuple[FlowLog, FlowMetrics]:
    board = simulate_board(items=10_000, seed=3)
    log = FlowLog.build(board.table, marketing_workflow(), as_of=board.end)
    return log, FlowMetrics.compute(log)


def _results(log: FlowLog, metrics: FlowMetrics) -> list[object]:
    parts = [getattr(metrics, a.name) for a in type(metrics).__attrs_attrs__]  # type: ignore[attr-defined]
    return [log, metrics, metrics.throughput.sample(), *parts[1:]]


def test_every_result_of_a_10000_item_board_has_a_short_one_line_repr(big) -> None:  # type: ignore[no-untyped-def]
    for result in _results(*big):
        text = repr(result)
        assert "\n" not in text, text
        assert len(text) <= MAX_LINE, text
        assert "array(" not in text, text
        assert "[" not in text, text


def test_every_result_has_a_small_html_table(big) -> None:  # type: ignore[no-untyped-def]
    for result in _results(*big):
        html = result._repr_html_()  # type: ignore[attr-defined]
        assert html.startswith('<div class="agilemarketing-summary">'), type(result)
        assert html.count("<tr>") <= 20, type(result)
        assert len(html) < 10_000, type(result)


def test_stage_names_are_html_escaped() -> None:
    wf = Workflow.from_shorthand("To Do,<script>,Done", start="<script>")
    moves = [Transition(datetime(2026, 1, 5, 9, tzinfo=UTC), "To Do", "<script>")]
    item = ItemHistory(
        "K-1", type="Email", status="<script>", created=moves[0].at, transitions=moves
    )
    log = FlowLog.build([item], wf, as_of=datetime(2026, 1, 6, tzinfo=UTC))
    metrics = FlowMetrics.compute(log)
    for result in (log, metrics.wip, metrics.cfd, metrics.ageing):
        html = result._repr_html_()
        assert "<script>" not in html, type(result)
        assert "&lt;script&gt;" in html, type(result)


def test_flow_log_and_data_quality_convert_to_pandas(big) -> None:  # type: ignore[no-untyped-def]
    log, _ = big
    frame = log.to_pandas()
    assert len(frame) == len(log)
    assert set(frame["stage"]) >= {"Done", "Backlog"}
    issues = log.quality.to_pandas()
    assert list(issues.columns) == ["issue", "description", "key", "status"]
    assert len(issues) == sum(i.count for i in log.quality.issues)
