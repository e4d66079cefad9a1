"""What an adapter can do (:class:`Capabilities`) and how exact its history is."""

from __future__ import annotations

import enum

import attrs

from agilemarketing.adapter.changes import Change, Rerank

__all__ = ["Capabilities", "HistoryFidelity", "RankScope"]


class HistoryFidelity(enum.StrEnum):
    """How trustworthy the transition times an adapter reads are.

    ``EXACT``: the source records when each status change happened (Jira's changelog, Trello's
    actions). ``OBSERVED``: the source only has the current status, so transitions carry the
    time a read *saw* the change (``Transition.observed`` is True). ``NONE``: no transitions.
    """

    EXACT = "exact"
    OBSERVED = "observed"
    NONE = "none"


class RankScope(enum.StrEnum):
    """What an adapter's order (``ItemHistory.rank``) ranks an item among.

    ``BOARD``: one backlog order over the whole board (Jira's rank, a ranked CSV): a
    :class:`Rerank` may name any item as the neighbour. ``STATUS``: each status (column, list)
    has its own order (Trello orders cards within a list): a rerank names a neighbour in the
    item's own status, and a sync plans reranks within each status only.
    """

    BOARD = "board"
    STATUS = "status"


@attrs.frozen
class Capabilities:
    """What an adapter can do. Callers check these; adapters refuse what they exclude.

    Attributes:
        read: reads items at all.
        incremental_read: honours a cursor (otherwise every read is a full, ``complete`` one).
        write: applies :class:`CreateItem`, :class:`UpdateFields` and :class:`MoveStatus`.
        rank: keeps a backlog order (``ItemHistory.rank``) and applies :class:`Rerank`.
        history: how exact the transition times it reads are.
        missing_is_deleted: an item missing from a full read was deleted in the tool, on
            purpose (an issue tracker's delete). False (the default): a missing item may just be
            lost (a file rewritten by hand, rows lost), so a sync treats it as a deletion only
            when the read reports it (``ReadResult.removed``) and otherwise creates it again.
        carries_history: a write stores the history a change carries from its source board
            (``CreateItem.history``, ``MoveStatus.history``: created, resolved, sprints and the
            transitions with their times), as a file or a mirror can. False (the default): the
            tool stamps its own times on what is written (Jira, Trello), so a board copied into
            it starts its history at the copy.
        rank_scope: what the order ranks an item among: the whole board, or its status
            (:class:`RankScope`).
        board: :meth:`~agilemarketing.adapter.Adapter.board` describes the board (its stages,
            WIP limits, cycles: a :class:`~agilemarketing.adapter.BoardDescription`).
        assigns_keys: a created item gets a key of the tool's own (Jira's ``MKT-123``, a Trello
            card id), reported in ``ChangeResult.key``; the key it was created under is kept as
            its external reference, so a retried create is recognised. A sync keeps the pair in
            the mirror's key map.

    >>> from agilemarketing.adapter import MoveStatus
    >>> caps = Capabilities(write=True)
    >>> caps.supports(MoveStatus("MKT-1", "Done")), caps.supports(Rerank("MKT-1", after="MKT-2"))
    (True, False)
    """

    read: bool = True
    incremental_read: bool = False
    write: bool = False
    rank: bool = False
    history: HistoryFidelity = attrs.field(default=HistoryFidelity.EXACT, converter=HistoryFidelity)
    missing_is_deleted: bool = False
    carries_history: bool = False
    rank_scope: RankScope = attrs.field(default=RankScope.BOARD, converter=RankScope)
    board: bool = False
    assigns_keys: bool = False

    def supports(self, change: Change) -> bool:
        """Whether an adapter with these capabilities can apply ``change``."""
        if isinstance(change, Rerank):
            return self.write and self.rank
        return self.write
