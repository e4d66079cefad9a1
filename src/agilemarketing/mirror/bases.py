"""Which board of the mirror holds which merge base: a board's base as a source, as a target.

A sync of ``source -> target`` compares each side with its merge base: the state that side had
at the end of the last sync. The source's base is the board named by the source's URL (one
target per source: the mirror refuses a second one), with the cursor and the history accrued
from snapshots. The target's base is a board of its own, :func:`target_base` of the target's
URL, shared by every source synced into that target (a new export carries on from the last).
So a board that is the target of one sync and the source of another (``mirror:team.db`` fed
by an export and feeding a CSV file) has two bases, and an edit arriving through the first sync
is a change for the second.
"""

from __future__ import annotations

from typing import Final

__all__ = ["TARGET_SIDE", "target_base"]

#: What the name of a board's merge base as a sync *target* ends with.
TARGET_SIDE: Final = " (as target)"


def target_base(board: str) -> str:
    """The name of the board holding ``board``'s merge base as the target of a sync.

    >>> target_base("csv:out.csv")
    'csv:out.csv (as target)'
    """
    return board + TARGET_SIDE
