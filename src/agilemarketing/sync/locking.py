"""One sync at a time per target and per mirror: :func:`locked` holds both for a whole sync.

Two syncs writing one CSV file at once would each read it, add their items and write it back,
and the second write would lose the first's items. So a sync holds its **target's** lock and its
**mirror's** lock from the first read of its plan to the last write of its apply
(:meth:`agilemarketing.adapter.Adapter.lock`, :meth:`agilemarketing.mirror.Mirror.lock`: OS locks
on ``<file>.lock`` beside each file). A second sync waits up to ``wait`` seconds, then stops with
:class:`~agilemarketing.errors.SyncLocked` ("another sync is running (pid 123 on host, since
2026-...)"), having changed nothing.

:func:`~agilemarketing.sync.plan` and :func:`~agilemarketing.sync.apply` each take the locks
themselves (without waiting) unless the caller holds them already; hold them across both with
:func:`locked`, as ``agilemarketing sync`` does, so nothing changes the target between the plan
and its apply:

>>> from agilemarketing.mirror import Mirror
>>> from agilemarketing.sync import apply, plan
>>> from agilemarketing.testing import InMemoryAdapter, sample_histories
>>> source, target = InMemoryAdapter("a"), InMemoryAdapter("b")
>>> source.seed(sample_histories(2))
>>> with Mirror(":memory:") as mirror, locked(target, mirror, wait=10):
...     print(apply(plan(source, target, mirror)).summary())
2 created, 0 updated, 0 moved: 2 applied, 0 already applied, 0 failed, 0 conflicts
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import time
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from agilemarketing.adapter import Adapter
from agilemarketing.mirror import Mirror

__all__ = ["locked"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextlib.contextmanager
def locked(target: Adapter, mirror: Mirror, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the mirror's lock, then the target's, for the block (a whole sync).

    Waits up to ``wait`` seconds in all for another sync holding either, then raises
    :class:`~agilemarketing.errors.SyncLocked`. Re-entrant: a block inside another on the same
    files (in the same thread) takes nothing more. Every sync takes the mirror first, so two
    syncs that share both files never hold one each.
    """
    deadline = time.monotonic() + max(0.0, wait)
    with mirror.lock(wait), target.lock(max(0.0, deadline - time.monotonic())):
        yield


def holding_locks(target: str, mirror: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorate a sync step so it runs under :func:`locked` (without waiting); ``target`` and
    ``mirror`` name the arguments (or dotted attributes of one) that hold the two."""

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            bound = signature.bind(*args, **kwargs).arguments
            with locked(_find(bound, target), _find(bound, mirror)):
                return function(*args, **kwargs)

        return run

    return decorate


def _find(arguments: dict[str, Any], dotted: str) -> Any:
    name, *attributes = dotted.split(".")
    value = arguments[name]
    for attribute in attributes:
        value = getattr(value, attribute)
    return value
