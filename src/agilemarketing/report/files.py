"""The report directory: where everything went, and replacing an earlier report atomically.

A report is written into a temporary sibling directory and renamed into place, so a reader
never sees half a report. A directory is only replaced when its ``metrics.json`` says it is a
report (:data:`SCHEMA`).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import attrs

from agilemarketing.errors import ReportOutputError

__all__ = ["SCHEMA", "ReportFiles", "check_target", "replace_directory"]

T = TypeVar("T")

SCHEMA = "agilemarketing.report/1"
"""The ``schema`` of ``metrics.json``."""


@attrs.frozen
class ReportFiles:
    """Where :meth:`FlowReport.write` put everything."""

    directory: Path
    html: Path
    metrics: Path
    tables: tuple[Path, ...]
    charts: tuple[Path, ...]


def check_target(out: Path) -> None:
    """Refuse ``out`` unless it is absent, empty, or holds an earlier report.

    Raises:
        ReportOutputError: ``out`` is a file, or a directory that is not a report.
    """
    if out.exists() and not out.is_dir():
        raise ReportOutputError(out, "is a file, not a directory")
    if out.is_dir() and any(out.iterdir()):
        marker = out / "metrics.json"
        try:
            schema = json.loads(marker.read_text(encoding="utf-8")).get("schema")
        except (OSError, ValueError, AttributeError):
            schema = None
        if schema != SCHEMA:
            raise ReportOutputError(out, "holds files that are not an agilemarketing report")


def replace_directory(out: Path, fill: Callable[[Path], T]) -> T:
    """Let ``fill`` write into a new temporary sibling of ``out``, then rename it into place.

    Returns what ``fill`` returns. If ``fill`` (or the rename) fails, the temporary directory is
    removed and ``out`` is left as it was.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        result = fill(temp)
        _swap_into_place(temp, out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return result


def _swap_into_place(temp: Path, out: Path) -> None:
    if not out.exists():
        os.replace(temp, out)
        return
    old = out.parent / f".{out.name}.{uuid.uuid4().hex}.old"
    os.replace(out, old)
    try:
        os.replace(temp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
