"""How the report writes its values: numbers, shares, days and moments, JSON-safe documents."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np

__all__ = ["day_text", "json_safe", "num", "pct", "utc_text"]


def utc_text(moment: np.datetime64 | datetime) -> str:
    """A moment as UTC ISO 8601 to the second, with ``Z``: ``2026-03-02T09:30:00Z``."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return str(moment.astype("datetime64[s]")) + "Z"


def json_safe(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def num(value: float | int | None, digits: int = 1) -> str:
    """A number with thousands separators; whole numbers without decimals; ``–`` when unknown.

    >>> num(1234.0), num(2.345, 2), num(None), num(float("nan"))
    ('1,234', '2.35', '–', '–')
    """
    if value is None:
        return "–"
    number = float(value)
    if not math.isfinite(number):
        return "–"
    if number == int(number) and digits <= 1:
        return f"{int(number):,}"
    return f"{number:,.{digits}f}"


def pct(value: float | None) -> str:
    """A share as a whole percentage; ``–`` when unknown."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.0%}"


def day_text(value: np.datetime64) -> str:
    """The day of a moment (``2026-03-02``); ``–`` for NaT."""
    return "–" if np.isnat(value) else str(value.astype("datetime64[D]"))
