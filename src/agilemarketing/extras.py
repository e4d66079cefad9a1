"""The one place that reaches for the optional dependencies (the *extras*).

``pandas`` (``agilemarketing[pandas]``) backs every ``to_pandas()``; ``matplotlib``
(``agilemarketing[charts]``) backs every ``plot()``. Neither is imported when the library is:
:func:`require_pandas` and :func:`pyplot` are called at the moment one is needed, and raise
:class:`~agilemarketing.errors.MissingExtraError` (saying what to install) when it is not there.

>>> require_pandas()  # the development environment has every extra
>>> pyplot().__name__
'matplotlib.pyplot'
"""

from __future__ import annotations

import importlib.util
from typing import Any

from agilemarketing.errors import MissingExtraError

__all__ = ["pyplot", "require_pandas"]


def require_pandas(needed_for: str = "to_pandas()") -> None:
    """Raise :class:`~agilemarketing.errors.MissingExtraError` unless pandas is installed.

    Call it before ``import pandas`` inside a ``to_pandas()`` method.
    """
    if importlib.util.find_spec("pandas") is None:  # pragma: no cover - dev has pandas
        raise MissingExtraError("pandas", needed_for)


def pyplot() -> Any:
    """``matplotlib.pyplot``, switched to the Agg backend unless a non-interactive one (or the
    notebook inline backend) is already chosen, so charts work on servers and in CI.

    Raises :class:`~agilemarketing.errors.MissingExtraError` without the ``charts`` extra.
    """
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - the dev environment has matplotlib
        raise MissingExtraError("charts", "plot()") from exc
    if matplotlib.get_backend().lower() not in {"agg", "pdf", "svg", "module://matplotlib_inline"}:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
