"""Built-in adapters: ``memory`` (:class:`agilemarketing.testing.InMemoryAdapter`)."""

from __future__ import annotations

from collections.abc import Sequence

from agilemarketing.adapter import Adapter
from agilemarketing.hookspecs import hookimpl


@hookimpl
def register_adapters() -> Sequence[type[Adapter]]:
    """The in-memory adapter, so ``memory:<label>`` URLs work everywhere."""
    from agilemarketing.testing import InMemoryAdapter

    return [InMemoryAdapter]
