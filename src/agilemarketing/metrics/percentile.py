"""Nearest-rank percentiles, the way every cycle-time summary reports them.

>>> PERCENTILES
(50, 70, 85, 95)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["PERCENTILES", "percentiles"]

PERCENTILES: tuple[int, ...] = (50, 70, 85, 95)
"""The percentiles every cycle-time summary reports."""


def percentiles(values: npt.ArrayLike, ps: Sequence[int] = PERCENTILES) -> dict[int, float]:
    """Nearest-rank percentiles: for each ``p``, the smallest value with at least ``p`` % of the
    values at or below it (numpy's ``inverted_cdf``). Empty input gives NaN.

    "85 % of items finished within 12 days" is then literally true of the data.

    >>> percentiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    {50: 5.0, 70: 7.0, 85: 9.0, 95: 10.0}
    """
    data = np.asarray(values, dtype=np.float64)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return {p: float("nan") for p in ps}
    got = np.percentile(data, list(ps), method="inverted_cdf")
    return {p: float(v) for p, v in zip(ps, got, strict=True)}
