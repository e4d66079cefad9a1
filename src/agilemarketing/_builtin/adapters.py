"""Built-in adapters: ``memory`` (:class:`agilemarketing.testing.InMemoryAdapter`) and ``mirror``
(:class:`agilemarketing.mirror.MirrorAdapter`, the local SQLite mirror)."""

from __future__ import annotations

from collections.abc import Sequence

from agilemarketing.adapter import Adapter
from agilemarketing.hookspecs import hookimpl


@hookimpl
def register_adapters() -> Sequence[type[Adapter]]:
    """The in-memory adapter and the SQLite mirror, so ``memory:`` and ``mirror:`` URLs work."""
    from agilemarketing.mirror import MirrorAdapter
    from agilemarketing.testing import InMemoryAdapter

    return [InMemoryAdapter, MirrorAdapter]
