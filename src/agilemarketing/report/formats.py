"""How the report writes its values: numbers, shares, days and moments, JSON-safe documents."""

from __future__ import annotations

import math
import os
import re
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np

__all__ = ["day_text", "json_safe", "num", "pct", "per_week", "shown_source", "utc_text"]

_ADAPTER_URL = re.compile(r"^([a-z][a-z0-9_-]+):(.*)$", re.I | re.S)
_WINDOWS_ABSOLUTE = re.compile(r"^([a-z]:[\\/]|\\\\)", re.I)


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


def per_week(per_day: float | None, days_per_week: int = 7) -> float | None:
    """A daily rate as a weekly one (``days_per_week`` forecast days in a week: 5 with a
    Monday to Friday calendar); None stays None.

    >>> per_week(0.5), per_week(0.5, 5), per_week(None)
    (3.5, 2.5, None)
    """
    return None if per_day is None else per_day * days_per_week


def shown_source(source: str, cwd: str | os.PathLike[str] | None = None) -> str:
    """The source as a report names it: as the user gave it, but never an absolute local path.

    An absolute path (alone, or as the location of an adapter URL such as ``mirror:``) is
    shown relative to ``cwd`` (the working directory) when it is inside it, from ``~`` when it
    is inside the home directory, and else as its last two parts. Anything else is kept.

    >>> shown_source("examples/board/history.jsonl")
    'examples/board/history.jsonl'
    >>> shown_source("/home/ann/work/board/history.jsonl", cwd="/home/ann/work")
    'board/history.jsonl'
    >>> shown_source("mirror:/srv/teams/rocket/team.db", cwd="/home/ann")
    'mirror:rocket/team.db'
    >>> shown_source("jira:https://example.atlassian.net/?project=MKT")
    'jira:https://example.atlassian.net/?project=MKT'
    """
    url = _ADAPTER_URL.match(source)
    if url is not None and not _WINDOWS_ABSOLUTE.match(source):
        scheme, location = url.groups()
        shown = _shown_path(location, cwd)
        return source if shown == location else f"{scheme}:{shown}"
    return _shown_path(source, cwd)


def _shown_path(text: str, cwd: str | os.PathLike[str] | None) -> str:
    """``text`` unless it is an absolute local path; then a relative rendering of it."""
    if _WINDOWS_ABSOLUTE.match(text):
        return "/".join(PureWindowsPath(text).parts[-2:])
    if not text.startswith("/") or text.startswith("//"):
        return text
    path = PurePosixPath(os.path.normpath(text))
    for base, prefix in ((Path(cwd) if cwd is not None else Path.cwd(), ""), (Path.home(), "~/")):
        try:
            rest = path.relative_to(PurePosixPath(base.resolve().as_posix()))
        except ValueError:
            continue
        if rest.parts:
            return prefix + rest.as_posix()
    return "/".join(path.parts[-2:]) if len(path.parts) > 1 else path.name
