"""What a sync keeps of the board's own description (:meth:`Adapter.board`).

:func:`boards_to_store` reads the source's description while planning (a source that declares
``Capabilities(board=True)``), with both adapters' secrets hidden, and says where the mirror
keeps it: under the source's name, and, when the target is the mirror's own board, under
:data:`~agilemarketing.mirror.OWN_BOARD` too, its statuses in the target's vocabulary
(``status_map``). :func:`store_boards` writes them once the plan is applied, and only when
they changed, so a run with nothing to do still writes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from agilemarketing._redaction import Redactor
from agilemarketing.adapter import Adapter, BoardDescription
from agilemarketing.errors import AgileMarketingError
from agilemarketing.mirror import OWN_BOARD, Mirror, MirrorAdapter
from agilemarketing.sync.config import FieldMapping

__all__ = ["boards_to_store", "store_boards"]


def _scrubbed(value: Any, hide: Redactor) -> Any:
    if isinstance(value, str):
        return hide(value)
    if isinstance(value, list):
        return [_scrubbed(v, hide) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, hide) for k, v in value.items()}
    return value


def boards_to_store(
    source: Adapter, target: Adapter, src: str, mapping: FieldMapping, hide: Redactor
) -> tuple[tuple[str, BoardDescription], ...]:
    """The descriptions to keep once the plan is applied, as ``(board name, description)``
    pairs: none when the source does not describe its board."""
    if not source.capabilities.board:
        return ()
    description = source.board()
    if description is None:
        return ()
    if hide:
        description = BoardDescription.from_dict(_scrubbed(description.as_dict(), hide))
    pairs = [(src, description)]
    if isinstance(target, MirrorAdapter):
        # A status_map folding statuses of two stages into one leaves the mirror's board
        # undescribed (the source's own description is still kept).
        with contextlib.suppress(AgileMarketingError):
            pairs.append((OWN_BOARD, description.renamed(mapping.status)))
    return tuple(pairs)


def store_boards(mirror: Mirror, boards: Sequence[tuple[str, BoardDescription]]) -> None:
    """Store the descriptions that changed (one transaction; nothing when none did)."""
    changed = [
        (name, description)
        for name, description in boards
        if mirror.description(name) != description
    ]
    if changed:
        with mirror.transaction():
            for name, description in changed:
                mirror.save_description(name, description)
