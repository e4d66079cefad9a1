"""How a sync reports progress: the :data:`Progress` callback of :func:`plan` and :func:`apply`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

__all__ = ["Progress"]

#: ``progress(phase, done, total)``: called while reading and applying (total None if unknown).
Progress: TypeAlias = Callable[[str, int, int | None], None]
