"""Reading a board through the API: the snapshot, the action history, incremental changes.

Kept apart from the adapter class so the order of requests is in one place:

* **full read**: one board snapshot (lists, every card including archived ones, checklists,
  labels, custom fields and their items), *then* the board's actions, 1,000 a page, going back
  with ``before=`` until a page comes back short. Each card keeps the actions its snapshot
  already reflects (up to its ``dateLastActivity``); a later one (a card moved while the
  history was paged) is left for the next read, so it is recorded once, at its real time.
* **incremental read**: the actions since the cursor first (one request when nothing
  changed, and then nothing else is asked); then the snapshot, and the full history of each
  changed card through Trello's batch endpoint (10 cards a request).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from agilemarketing.adapter import ItemRecord
from agilemarketing_trello.client import BATCH_SIZE, TrelloClient, route
from agilemarketing_trello.errors import TrelloRemoteError
from agilemarketing_trello.models import Action, Board, decode_actions, decode_board
from agilemarketing_trello.translate import (
    CHANGES_FILTER,
    HISTORY_FILTER,
    BoardIndex,
    Conventions,
    card_record,
    group_actions,
    reflected,
)

__all__ = ["PAGE", "BoardReader", "Changes"]

#: Trello's largest page of actions.
PAGE = 1000
#: No board has more pages of history than this (10 million actions): a bound, not a limit.
MAX_PAGES = 10_000

SNAPSHOT_PARAMS: dict[str, str | int] = {
    "fields": "id,name,shortLink",
    "lists": "all",
    "list_fields": "id,name,closed,pos,softLimit",
    "cards": "all",
    "card_fields": "id,idShort,shortLink,name,desc,due,closed,idList,idLabels,pos,dateLastActivity",
    "card_checklists": "all",
    "labels": "all",
    "labels_limit": 1000,
    "customFields": "true",
    "card_customFieldItems": "true",
}


class Changes:
    """What an incremental read found: changed records, removed keys, the newest action."""

    def __init__(
        self, records: list[ItemRecord], removed: list[str], newest: Action | None
    ) -> None:
        self.records = records
        self.removed = removed
        self.newest = newest


def newest(actions: Iterable[Action]) -> Action | None:
    """The newest of ``actions`` (by date, then id)."""
    return max(actions, key=lambda a: (a.date, a.id), default=None)


class BoardReader:
    """The read requests of one board."""

    def __init__(self, client: TrelloClient, board: str, conventions: Conventions) -> None:
        self.client = client
        self.board = board
        self.conventions = conventions

    # -- requests -----------------------------------------------------------------------------

    def snapshot(self) -> Board:
        """The board with its lists, cards (archived too), checklists, labels, custom fields."""
        path = f"/boards/{self.board}"
        return self.client.decoded(
            decode_board, self.client.get(path, SNAPSHOT_PARAMS), "GET", path
        )

    def actions(self, path: str, action_filter: str, since: str | None = None) -> list[Action]:
        """Every action at ``path`` (newest first), 1,000 a page, going back with ``before=``
        until a page comes back short (never stopping at 1,000)."""
        found: list[Action] = []
        before: str | None = None
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {"filter": action_filter, "limit": PAGE}
            if since is not None:
                params["since"] = since
            if before is not None:
                params["before"] = before
            page = self.client.decoded(decode_actions, self.client.get(path, params), "GET", path)
            found.extend(page)
            if len(page) < PAGE:
                return found
            if page[-1].id == before:  # pragma: no cover - a server that ignores before=
                break
            before = page[-1].id
        raise TrelloRemoteError(
            "GET", path, status=200, reason=f"the history did not end after {MAX_PAGES} pages"
        )

    def card_histories(self, card_ids: Sequence[str], board_id: str) -> dict[str, list[Action]]:
        """The history actions of each card, 10 cards a batch request; a card with more than
        1,000 actions pages on by itself. Actions on other boards (before the card came here)
        are left out, as a full read of this board leaves them out. A card deleted since the
        snapshot (Trello answers its route 404) has no entry."""
        found: dict[str, list[Action]] = {}
        params: dict[str, str | int] = {"filter": HISTORY_FILTER, "limit": PAGE}
        for start in range(0, len(card_ids), BATCH_SIZE):
            chunk = card_ids[start : start + BATCH_SIZE]
            answers = self.client.batch([route(f"/cards/{c}/actions", params) for c in chunk])
            for card_id, (status, body) in zip(chunk, answers, strict=True):
                if status == 404:  # deleted since the snapshot: the next read sees it go
                    continue
                if status != 200:
                    raise TrelloRemoteError(
                        "GET",
                        f"/cards/{card_id}/actions",
                        status=status,
                        reason=self.client.redact(body.decode("utf-8", "replace"))[:200],
                    )
                page = self.client.decoded(decode_actions, body, "GET", f"/cards/{card_id}/actions")
                if len(page) == PAGE:
                    more = self.actions(f"/cards/{card_id}/actions", HISTORY_FILTER)
                    page = more
                kept = [
                    a for a in page if a.data.board is None or a.data.board.id in ("", board_id)
                ]
                found[card_id] = sorted(kept, key=lambda a: (a.date, a.id))
        return found

    # -- reads ----------------------------------------------------------------------------------

    def full(self) -> tuple[Board, list[ItemRecord], Action | None]:
        """Every card as a record, and the newest action the snapshot reflects (the cursor)."""
        board = self.snapshot()
        history = self.actions(f"/boards/{self.board}/actions", HISTORY_FILTER)
        index = BoardIndex(board, self.conventions)
        grouped = group_actions(history)
        kept = {card.id: reflected(card, grouped.get(card.id, [])) for card in board.cards}
        last = newest(a for actions in kept.values() for a in actions)
        records = self._records(board, index, kept)
        records = self._complete(board, index, records)
        return board, records, last

    def changes(self, since: str, since_time: datetime) -> Changes | None:
        """The cards changed since the action ``since``; None when nothing changed (then only
        one request was made)."""
        recent = self.actions(f"/boards/{self.board}/actions", CHANGES_FILTER, since=since)
        if not recent:
            return None
        board = self.snapshot()
        index = BoardIndex(board, self.conventions)
        present = {card.id for card in board.cards}
        touched = {a.card_id for a in recent if a.card_id in present}
        touched |= {
            c.id for c in board.cards if c.date_last_activity and c.date_last_activity > since_time
        }
        changed = [c.id for c in board.cards if c.id in touched]
        histories = self.card_histories(changed, board.id)
        kept = {c.id: reflected(c, histories[c.id]) for c in board.cards if c.id in histories}
        records = self._records(board, index, kept)
        # A card gone from the board is known by the key its number or short link gives (a
        # marker's key went with its description): never one a card on the board reads as.
        removed = sorted(
            {
                self.conventions.default_key(
                    a.data.card.id_short, a.data.card.short_link, a.card_id
                )
                for a in recent
                if a.type in ("deleteCard", "moveCardFromBoard")
                and a.card_id not in present
                and a.data.card is not None
            }
            - set(index.cards)
        )
        return Changes(records, removed, newest(recent))

    def _complete(
        self, board: Board, index: BoardIndex, records: list[ItemRecord]
    ) -> list[ItemRecord]:
        """Cards whose list in the snapshot is newer than their last action in the board's
        history get their own actions (asked for again, after the snapshot) before they are
        returned; only if those do not explain the list either does the record keep an
        observed transition."""
        stale = [
            str(r.fields["trello_id"])
            for r in records
            if r.history.transitions and r.history.transitions[-1].observed
        ]
        if not stale:
            return records
        histories = self.card_histories(stale, board.id)
        cards = {c.id: c for c in board.cards}
        again = {
            card_id: card_record(cards[card_id], reflected(cards[card_id], actions), index)
            for card_id, actions in histories.items()
        }
        return [again.get(str(r.fields["trello_id"]), r) for r in records]

    def _records(
        self, board: Board, index: BoardIndex, kept: dict[str, list[Action]]
    ) -> list[ItemRecord]:
        records = []
        for card in board.cards:
            if card.id not in kept:
                continue
            records.append(card_record(card, kept[card.id], index))
        return records


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since 1970 (for the cursor token)."""
    return int(moment.timestamp() * 1000)


def from_epoch_ms(value: int) -> datetime:
    """The inverse of :func:`epoch_ms`."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)
