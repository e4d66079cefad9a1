"""Shared builders of the forecast tests: the last day of every sample, a few throughput
shapes, and a sample builder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pytest

from agilemarketing.forecast import ThroughputSample

END = date(2026, 3, 1)

DISTRIBUTIONS = {
    "steady": [1, 2, 1, 2, 1, 1, 2, 2, 1, 1, 2, 1, 1, 2],
    "lumpy": [0, 0, 5, 0, 1, 0, 0, 7, 0, 0, 2, 0, 0, 0],
    "sparse": [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0],
    "busy": [3, 4, 6, 2, 5, 8, 3, 4, 4, 5, 1, 6, 3, 2],
}


def _sample_of(counts: list[int], arrivals: list[int] | None = None) -> ThroughputSample:
    return ThroughputSample(np.array(counts), last_day=END, arrivals=arrivals)


@pytest.fixture(scope="session")
def end() -> date:
    """2026-03-01, the last day of every sample built by :func:`sample_of`."""
    return END


@pytest.fixture(scope="session")
def distributions() -> dict[str, list[int]]:
    """Daily throughput of a steady, a lumpy, a sparse and a busy team."""
    return DISTRIBUTIONS


@pytest.fixture(scope="session")
def sample_of() -> Callable[..., ThroughputSample]:
    """``sample_of(counts, arrivals=None)``: a :class:`ThroughputSample` ending on :func:`end`."""
    return _sample_of
