"""The array types the metric results hold, and the conversions every metric shares.

>>> import numpy as np
>>> as_us(np.array(["1970-01-02"], dtype="datetime64[D]")).tolist() == [DAY_US]
True
>>> day_strings(np.array(["2026-01-05T10:00"], dtype="datetime64[us]")), json_number(float("nan"))
(['2026-01-05'], None)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "DAY_US",
    "NAT_US",
    "BoolArray",
    "DateArray",
    "FloatArray",
    "IntArray",
    "as_us",
    "day_strings",
    "json_number",
]

DAY_US = 86_400_000_000
"""Microseconds in a day."""
NAT_US = np.iinfo(np.int64).min
"""``NaT`` seen as int64 microseconds."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
DateArray = npt.NDArray[np.datetime64]


def as_us(values: DateArray) -> IntArray:
    """Moments as int64 microseconds since the epoch (``NaT``: :data:`NAT_US`)."""
    return values.astype("datetime64[us]").view(np.int64)


def day_strings(days: DateArray) -> list[str]:
    """ISO dates (``YYYY-MM-DD``) of ``days``, for JSON."""
    return [str(d) for d in days.astype("datetime64[D]").tolist()]


def json_number(value: float) -> float | None:
    """A finite number rounded to 4 decimals for JSON, or None for NaN and infinities."""
    return None if not np.isfinite(value) else round(float(value), 4)
