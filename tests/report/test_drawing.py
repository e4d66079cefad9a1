"""Charts drawn in worker processes are the charts drawn serially, and drawing falls back to
serial wherever forking is unavailable or unsafe."""

from __future__ import annotations

import multiprocessing
import os
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from agilemarketing import forking
from agilemarketing.errors import InvalidValue
from agilemarketing.report import FlowReport, drawing
from agilemarketing.report.drawing import WORKERS_ENV, chart_workers, draw_charts

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)


@pytest.fixture(autouse=True)
def _no_worker_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WORKERS_ENV, raising=False)


@needs_fork
def test_parallel_charts_are_the_same_bytes_in_the_same_order_as_serial(
    board_report: FlowReport,
) -> None:
    makers = board_report._chart_makers()
    serial, _ = draw_charts(makers, workers=1)
    parallel, _ = draw_charts(makers, workers=2)
    assert list(parallel) == list(serial) == list(makers)
    assert {name: len(png) for name, png in parallel.items()} == {
        name: len(png) for name, png in serial.items()
    }
    assert parallel == serial


def _warns(ax: Any) -> None:
    warnings.warn("drawn with a remark", UserWarning, stacklevel=1)
    ax.plot([1, 2], [3, 4])


@needs_fork
def test_a_warning_raised_in_a_worker_comes_back_with_its_category_and_text() -> None:
    charts = {"a": (_warns, (3.0, 2.0)), "b": (_warns, (3.0, 2.0))}
    _, caught = draw_charts(charts, workers=2)
    assert [(w.category, w.message) for w in caught] == [(UserWarning, "drawn with a remark")] * 2


def _fails(ax: Any) -> None:
    raise InvalidValue("this chart cannot be drawn", where="test")


@needs_fork
def test_a_chart_that_raises_raises_in_the_caller_as_it_would_serially() -> None:
    charts = {"ok": (_warns, (3.0, 2.0)), "bad": (_fails, (3.0, 2.0))}
    with pytest.raises(InvalidValue, match="cannot be drawn"):
        draw_charts(charts, workers=2)


@needs_fork
def test_charts_are_drawn_in_as_many_workers_as_asked_at_most_one_per_chart() -> None:
    assert chart_workers(18, requested=2) == 2
    assert chart_workers(3, requested=8) == 3


def test_one_chart_or_one_worker_is_drawn_here() -> None:
    assert chart_workers(1, requested=4) == 1
    assert chart_workers(18, requested=1) == 1


@needs_fork
def test_the_environment_variable_sets_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "1")
    assert chart_workers(18) == 1
    monkeypatch.setenv(WORKERS_ENV, "2")
    assert chart_workers(18) == 2


def test_a_bad_worker_count_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(WORKERS_ENV, "many")
    with pytest.raises(InvalidValue, match=WORKERS_ENV):
        chart_workers(18)


def test_without_fork_the_charts_are_drawn_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert chart_workers(18, requested=2) == 1


def test_inside_a_worker_the_charts_are_drawn_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "_in_worker", True)
    assert chart_workers(18, requested=2) == 1


def test_in_a_child_process_the_charts_are_drawn_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())
    assert chart_workers(18, requested=2) == 1


@pytest.fixture
def another_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, args=(10.0,))
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10.0)


@pytest.mark.usefixtures("another_thread")
def test_while_another_thread_runs_the_charts_are_drawn_here() -> None:
    assert chart_workers(18, requested=2) == 1


@needs_fork
def test_when_a_worker_dies_the_charts_are_drawn_here(
    board_report: FlowReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    makers = dict(list(board_report._chart_makers().items())[:3])
    serial, _ = draw_charts(makers, workers=1)

    monkeypatch.setattr(drawing, "_draw_in_worker", _die)
    assert draw_charts(makers, workers=2)[0] == serial


def _die(index: int) -> Any:
    """A worker killed mid-chart (module level: the pool sends the function by name)."""
    os._exit(9)


@needs_fork
def test_when_the_workers_cannot_start_the_charts_are_drawn_here(
    board_report: FlowReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    makers = dict(list(board_report._chart_makers().items())[:3])
    serial, _ = draw_charts(makers, workers=1)

    def no_processes(*args: Any, **kwargs: Any) -> Any:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(drawing, "ProcessPoolExecutor", no_processes)
    assert draw_charts(makers, workers=2)[0] == serial
