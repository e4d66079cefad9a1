"""The domain tour (examples/domain_tour.py) runs and tells its story."""

from __future__ import annotations

import contextlib
import importlib.util
import io
from pathlib import Path
from types import ModuleType

import pytest

TOUR = Path(__file__).resolve().parent.parent / "examples" / "domain_tour.py"


def load_tour() -> ModuleType:
    spec = importlib.util.spec_from_file_location("domain_tour", TOUR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def output() -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert load_tour().main([]) == 0
    return buffer.getvalue()


def test_the_tour_loads_the_bundled_backlog_and_prunes_wont_haves(output: str) -> None:
    assert "15 items, 75 points" in output
    assert "Pruned MKT-110 'Product launch press release'" in output


def test_the_tour_ranks_by_rice_within_moscow(output: str) -> None:
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if "MOSCOW" in line and "RICE" in line)
    first, second = lines[header + 1].split(), lines[header + 2].split()
    assert first[:3] == ["1", "MKT-102", "Must"]
    assert second[:3] == ["2", "MKT-104", "Must"]


def test_the_tour_plans_within_capacity_from_past_velocity(output: str) -> None:
    assert "plan on the median: 20 pt." in output
    assert "18 of 20 pt planned" in output


def test_the_tour_shows_a_wip_breach_refused_then_overridden(output: str) -> None:
    assert "Pull MKT-106 -> refused: In Progress is full (MKT-102, MKT-104, MKT-101)." in output
    assert "('the webinar date is public', by Marketing Owner)" in output


def test_the_tour_shows_the_definition_of_done_listing_unmet_criteria(output: str) -> None:
    assert "MKT-102 (email): 3/5 criteria met" in output
    assert "  - Spam check passed\n  - Unsubscribe link works" in output


def test_the_tour_prints_the_huddle_and_the_cycle_report(output: str) -> None:
    assert "Daily Huddle, Fri 06 Mar 2026 09:00 UTC" in output
    assert "waiting for legal to approve the customer quote" in output
    ageing = output.split("Ageing (2, older than 3d)\n")[1].splitlines()
    assert ageing[0].split() == ["KEY", "STAGE", "AGE", "OVER", "BY"]
    assert ageing[1].split() == ["MKT-104", "In", "Progress", "3d", "23h", "23h"]
    assert "Completed     3 of 4   predictability 75%" in output
    assert "Carried over  1 item   MKT-106" in output


def test_the_tour_reads_well_in_a_terminal(output: str) -> None:
    assert max(len(line) for line in output.splitlines()) <= 110
    assert "Traceback" not in output
