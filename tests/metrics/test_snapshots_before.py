""":func:`~agilemarketing.metrics.days.snapshots_before` counts as ``np.searchsorted`` does,
whether the snapshots are evenly spaced (arithmetic) or not (a clock change: the search)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.metrics.days import DayAxis, snapshots_before

DAY = 86_400_000_000
NEVER = np.iinfo(np.int64).max


@st.composite
def _axis(draw: st.DrawFn) -> DayAxis:
    n = draw(st.integers(1, 12))
    start = draw(st.integers(-(10**17), 10**17))
    steps = [
        draw(st.sampled_from([DAY, DAY - 3_600_000_000, DAY + 1]))
        if draw(st.integers(0, 4)) == 0
        else DAY
        for _ in range(n - 1)
    ]
    snaps = np.cumsum(np.array([start, *steps], dtype=np.int64))
    if n > 1 and draw(st.booleans()):  # the last snapshot is "as of", inside its day
        snaps[-1] = snaps[-2] + draw(st.integers(1, DAY))
    return DayAxis(np.arange(n).astype("datetime64[D]"), snaps)


@given(axis=_axis(), data=st.data())
def test_the_same_counts_as_a_search(axis: DayAxis, data: st.DataObject) -> None:
    snaps = axis.snapshots.tolist()
    near = st.sampled_from(snaps).flatmap(lambda s: st.integers(s - 2, s + 2))
    wide = st.integers(snaps[0] - 3 * DAY, snaps[-1] + 3 * DAY)
    extreme = st.sampled_from([NEVER, np.iinfo(np.int64).min + 1, 0])
    moments = np.array(data.draw(st.lists(near | wide | extreme, max_size=30)), dtype=np.int64)
    expected = np.searchsorted(axis.snapshots, moments, side="left")
    assert snapshots_before(axis, moments).tolist() == expected.tolist()
