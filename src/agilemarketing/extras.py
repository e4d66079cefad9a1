"""The one place that reaches for the optional dependencies (the *extras*).

``pandas`` (``agilemarketing[pandas]``) backs every ``to_pandas()``; ``matplotlib``
(``agilemarketing[charts]``) backs every ``plot()``; the ``report`` command needs both
(``agilemarketing[report]``). Neither is imported when the library is:
:func:`require_pandas` and :func:`pyplot` are called at the moment one is needed, and raise
:class:`~agilemarketing.errors.MissingExtraError` (saying what to install) when it is not there.

>>> require_pandas()  # the development environment has every extra
>>> require_report()
>>> pyplot().__name__
'matplotlib.pyplot'
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

from agilemarketing.errors import MissingExtraError

__all__ = ["figure", "pyplot", "require_pandas", "require_report"]


def require_pandas(needed_for: str = "to_pandas()") -> None:
    """Raise :class:`~agilemarketing.errors.MissingExtraError` unless pandas is installed.

    Call it before ``import pandas`` inside a ``to_pandas()`` method.
    """
    if importlib.util.find_spec("pandas") is None:  # pragma: no cover - dev has pandas
        raise MissingExtraError("pandas", needed_for)


def require_report(needed_for: str = "the report command") -> None:
    """Raise :class:`~agilemarketing.errors.MissingExtraError` naming the ``report`` extra unless
    both pandas (its tables) and matplotlib (its charts) are installed.

    Call it before the report's metrics are computed, so a missing extra stops the command
    at once with the pip command instead of a ``ModuleNotFoundError`` after the work.
    """
    if any(importlib.util.find_spec(name) is None for name in ("pandas", "matplotlib")):
        raise MissingExtraError("report", needed_for)


_FILE_BACKENDS = frozenset({"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"})


def _keeps_backend(backend: str) -> bool:
    """True for a backend that draws without a window, or one the user named (``module://``,
    such as Jupyter's ``module://matplotlib_inline.backend_inline``)."""
    name = backend.lower()
    return name in _FILE_BACKENDS or name.startswith("module://") or "inline" in name


def _has_display() -> bool:
    if sys.platform in {"darwin", "win32"}:
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the backend the user has: a notebook's inline backend, a file
    backend, or a window backend where there is a display. Only a window backend without a
    display is switched to Agg, so charts work on servers and in CI.

    Raises :class:`~agilemarketing.errors.MissingExtraError` without the ``charts`` extra.
    """
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - the dev environment has matplotlib
        raise MissingExtraError("charts", "plot()") from exc
    if not _keeps_backend(matplotlib.get_backend()) and not _has_display():
        matplotlib.use("Agg")  # pragma: no cover - matplotlib itself falls back headless
    import matplotlib.pyplot as plt

    return plt


def figure(size: tuple[float, float]) -> Any:
    """A ``matplotlib.figure.Figure`` of ``size`` inches that belongs to no backend: for
    drawing into files (the report) without touching the user's pyplot state or windows.

    Raises :class:`~agilemarketing.errors.MissingExtraError` without the ``charts`` extra.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - the dev environment has matplotlib
        raise MissingExtraError("charts", "report charts") from exc
    return Figure(figsize=size)
