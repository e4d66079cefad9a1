"""The board's own description behind a report's source (:func:`load_board`), and the
Definition-of-Done state of its items (:func:`load_done_states`).

A mirror keeps what the boards synced into it say about themselves
(:meth:`~agilemarketing.mirror.Mirror.description`); an adapter that describes its board
(``Capabilities(board=True)``) is asked directly. ``report``, ``forecast`` and ``showcase``
take the workflow (and a showcase its cycle dates) from it when no ``--workflow`` is given.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from agilemarketing.adapter import BoardDescription, redacted_errors

__all__ = ["load_board", "load_done_states"]

_URL_LIKE = re.compile(r"^[a-z][a-z0-9_-]+:", re.I)


def load_board(
    source: str | os.PathLike[str], options: Mapping[str, object] | None = None
) -> BoardDescription | None:
    """What the board behind ``source`` (its adapter built with ``options``) says about
    itself: None for a history file, a board that does not describe itself, or a mirror that
    stored no description.

    >>> load_board("memory:nothing-here") is None
    True
    """
    text = os.fspath(source)
    if Path(text).exists() or not _URL_LIKE.match(text) or re.match(r"^[a-z]:[\\/]", text, re.I):
        return None
    from agilemarketing.adapter import Adapter, parse_adapter_url

    adapter: Adapter
    if parse_adapter_url(text).name == "mirror":
        from agilemarketing.mirror import MirrorAdapter

        adapter = MirrorAdapter.from_url(text, {**(options or {}), "create": False})
    else:
        from agilemarketing.plugins import adapter_for_url

        adapter = adapter_for_url(text, options)
    with adapter, redacted_errors(adapter):
        return adapter.board() if adapter.capabilities.board else None


def load_done_states(source: str | os.PathLike[str]) -> dict[str, str]:
    """The Definition-of-Done state (``"3 of 4"``) of each item of a ``mirror:`` source that
    records one; empty for any other source (a history file keeps none, and a live adapter is
    not read twice for it).

    >>> load_done_states("history.jsonl")
    {}
    """
    text = os.fspath(source)
    if Path(text).exists() or not text.startswith("mirror:"):
        return {}
    from agilemarketing.mirror import MirrorAdapter

    with MirrorAdapter.from_url(text, {"create": False}) as adapter:
        return {
            r.key: state for r in adapter.mirror.records() if (state := r.done_state) is not None
        }
