"""Nearest-rank percentiles."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing import metrics as m


@given(st.lists(st.floats(0, 1000), min_size=1, max_size=50))
def test_percentiles_are_monotone_and_within_the_data(values: list[float]) -> None:
    got = list(m.percentiles(values).values())
    assert got == sorted(got)
    assert min(values) <= got[0]
    assert got[-1] <= max(values)


def test_percentiles_of_nothing_are_nan() -> None:
    assert all(np.isnan(v) for v in m.percentiles([]).values())
