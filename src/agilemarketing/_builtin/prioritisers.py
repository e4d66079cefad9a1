"""Built-in prioritisers: MoSCoW, RICE, ICE, WSJF, value vs effort
(:data:`agilemarketing.prioritization.BUILTIN_PRIORITISERS`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agilemarketing.hookspecs import hookimpl

if TYPE_CHECKING:
    from agilemarketing.prioritisation import Prioritiser


@hookimpl
def register_prioritisers() -> Sequence[type[Prioritiser]]:
    """Every built-in prioritiser, by its ``name``."""
    from agilemarketing.prioritisation import BUILTIN_PRIORITISERS

    return list(BUILTIN_PRIORITISERS)
