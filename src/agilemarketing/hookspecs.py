"""The hooks a plugin can implement: the one place they are declared, typed and documented.

A plugin is a module (or any object) whose functions carry the :data:`hookimpl` marker and are
named after the hooks below. A distribution makes its plugin known through an entry point in
the ``agilemarketing`` group::

    [project.entry-points.agilemarketing]
    csv = "agilemarketing_csv.plugin"

Every hook is a *registration* hook: it returns classes, each with a unique ``name``, and
:mod:`agilemarketing.plugins` merges what every plugin returns (refusing two classes with one
name). The library's own adapters, prioritisers and metrics come in through these same hooks
(:mod:`agilemarketing._builtin`).

>>> from agilemarketing.hookspecs import hookimpl
>>> from agilemarketing.testing import InMemoryAdapter
>>> class MyPlugin:
...     @hookimpl
...     def register_adapters(self):
...         return [InMemoryAdapter]
>>> MyPlugin().register_adapters()[0].name
'memory'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from agilemarketing.adapter import Adapter
    from agilemarketing.metrics import Metric
    from agilemarketing.prioritisation import Prioritiser

__all__ = [
    "PROJECT_NAME",
    "hookimpl",
    "hookspec",
    "register_adapters",
    "register_metrics",
    "register_prioritisers",
]

#: The pluggy project name, the entry-point group and the marker name: all ``agilemarketing``.
PROJECT_NAME = "agilemarketing"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks a function of this module as a hook specification."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin's function as the implementation of the hook of the same name."""


@hookspec
def register_adapters() -> Sequence[type[Adapter]]:  # type: ignore[empty-body]
    """Return the adapter classes this plugin provides.

    Each is a subclass of :class:`agilemarketing.adapter.Adapter` with a unique ``name``, which
    is the scheme of its adapter URLs (``csv`` for ``csv:exports/board.csv``).
    """


@hookspec
def register_prioritisers() -> Sequence[type[Prioritiser]]:  # type: ignore[empty-body]
    """Return the prioritiser classes this plugin provides (MoSCoW, RICE, WSJF...).

    Each class follows :class:`agilemarketing.prioritization.Prioritiser`: a unique ``name``
    (``"rice"``) by which a team picks it, and a ``score(item)`` method.
    """


@hookspec
def register_metrics() -> Sequence[type[Metric]]:  # type: ignore[empty-body]
    """Return the metric classes this plugin provides (cycle time, throughput, ...).

    Each class follows :class:`agilemarketing.metrics.Metric`: a unique ``name``
    (``"cycle-time"``) and a ``compute(log, **options)`` method. Metrics are team-level only:
    a plugin must not offer individual utilisation, per-person throughput or cross-team
    story-point comparisons.
    """
