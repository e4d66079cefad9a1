"""Trello cards and their actions as agilemarketing records: the adapter's reading job.

Nothing here talks to Trello or decides anything about the work: a board snapshot and the
card's actions go in, an :class:`~agilemarketing.adapter.ItemRecord` comes out.

The conventions (each an adapter option, see :class:`Conventions`):

* **key**: ``<key_prefix>-<idShort>`` (``MKT-12``) with a prefix, else the card's short link. A
  card this adapter created carries the key it was planned with in a marker at the end of
  its description (a Markdown link definition, which renderers hide), and keeps that key.
* **status**: the card's list, by id (a renamed list stays one status), without a WIP suffix.
* **transitions**: a first entry at creation (the ``createCard`` action, else the time in the
  card id), then one per move between lists (``listBefore`` -> ``listAfter``).
* **labels**: ``type:Email`` gives the type, ``Must``/``Should``/``Could``/``Won't`` the
  MoSCoW field, ``Blocked`` added and removed gives blocked periods; the rest stay labels.
* **points**: the number custom field ``Points`` (Trello sends numbers as text).
* **Definition of Done**: the checklist ``Definition of Done``; ticked items are the criteria met.
* **rank**: the card's ``pos`` as a rank string (:mod:`agilemarketing_trello.ranks`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from agilemarketing.adapter import FieldValue, ItemRecord
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing_trello.errors import TrelloDataError
from agilemarketing_trello.models import Action, Board, Card, Checklist, Label, creation_time
from agilemarketing_trello.ranks import rank_from_pos
from agilemarketing_trello.stages import open_lists, split_wip

__all__ = [
    "CREATE_TYPES",
    "HISTORY_FILTER",
    "MOSCOW",
    "BoardIndex",
    "Conventions",
    "card_record",
    "group_actions",
    "marker",
    "split_marker",
]

#: Actions that make a card.
CREATE_TYPES = frozenset({"createCard", "copyCard", "convertToCardFromCheckItem", "emailCard"})
#: The board actions a full read needs for history (Trello's ``filter=`` values).
HISTORY_FILTER = (
    "createCard,copyCard,convertToCardFromCheckItem,emailCard,moveCardToBoard,"
    "updateCard:idList,addLabelToCard,removeLabelFromCard"
)
#: Every action that changes a card, for incremental reads.
CHANGES_FILTER = (
    "createCard,copyCard,convertToCardFromCheckItem,emailCard,moveCardToBoard,"
    "moveCardFromBoard,deleteCard,updateCard,addLabelToCard,removeLabelFromCard,"
    "updateCustomFieldItem,addChecklistToCard,removeChecklistFromCard,"
    "updateCheckItemStateOnCard,createCheckItem,updateCheckItem,deleteCheckItem"
)

#: The MoSCoW label names (case-insensitive) and the category each stands for, as the core's
#: MoSCoW prioritiser reads ``fields["moscow"]``.
MOSCOW: Mapping[str, str] = {
    "must": "Must",
    "must have": "Must",
    "should": "Should",
    "should have": "Should",
    "could": "Could",
    "could have": "Could",
    "won't": "Won't",
    "wont": "Won't",
    "won't have": "Won't",
    "will not": "Won't",
}

# Only the blank line :func:`with_marker` puts before the marker goes with it: any other
# whitespace at the end of the description is the description's own.
_MARKER = re.compile(
    r"(?:\n\n)?\[agilemarketing\]: # \"key=(?P<key>\S+) change=(?P<change>[0-9a-f]{32})\"\s*\Z"
)


def moscow_of(name: str) -> str | None:
    """The MoSCoW category a label name stands for (None if it is no MoSCoW label).

    >>> moscow_of("MUST"), moscow_of("won\u2019t"), moscow_of("q2")
    ('Must', "Won't", None)
    """
    return MOSCOW.get(" ".join(name.split()).casefold().replace("\u2019", "'"))


def marker(key: str, change_id: str) -> str:
    """The line a created card's description ends with: the planned key and the create's id.

    >>> marker("MKT-9", "0" * 32)
    '[agilemarketing]: # "key=MKT-9 change=00000000000000000000000000000000"'
    """
    return f'[agilemarketing]: # "key={key} change={change_id}"'


def split_marker(desc: str) -> tuple[str, str | None, str | None]:
    """A description without its marker, and the marker's key and change id (None if absent).

    >>> split_marker('Brief here.\\n\\n' + marker("MKT-9", "a" * 32))[:2]
    ('Brief here.', 'MKT-9')
    """
    match = _MARKER.search(desc)
    if match is None:
        return desc, None, None
    return desc[: match.start()], match["key"], match["change"]


def with_marker(desc: str, key: str, change_id: str) -> str:
    """A description with the marker appended (replacing any earlier one)."""
    text, _, _ = split_marker(desc)
    return f"{text}\n\n{marker(key, change_id)}" if text else marker(key, change_id)


@attrs.frozen
class Conventions:
    """How a team's board says what Trello has no field for (the adapter's options)."""

    key_prefix: str | None = None
    points_field: str = "Points"
    done_checklist: str = "Definition of Done"
    type_label_prefix: str = "type:"
    blocked_label: str = "Blocked"
    done_list: str | None = None

    def is_type_label(self, name: str) -> bool:
        """Whether a label names the card's type."""
        prefix = self.type_label_prefix
        return bool(prefix) and name.casefold().startswith(prefix.casefold())

    def type_of(self, name: str) -> str:
        """The type a type label names (``type:Email`` -> ``Email``)."""
        return name[len(self.type_label_prefix) :].strip()

    def is_blocked_label(self, name: str) -> bool:
        """Whether a label marks the card blocked."""
        return name.strip().casefold() == self.blocked_label.strip().casefold()

    def is_special(self, name: str) -> bool:
        """Whether a label carries a field (type, MoSCoW, blocked) rather than being a label."""
        return (
            self.is_type_label(name) or self.is_blocked_label(name) or moscow_of(name) is not None
        )

    def default_key(self, id_short: int | None, short_link: str, card_id: str = "") -> str:
        """The key of a card without a marker."""
        if self.key_prefix and id_short is not None:
            return f"{self.key_prefix}-{id_short}"
        return short_link or card_id


class BoardIndex:
    """A board snapshot indexed for translation and writing: lists, labels, the points field,
    and every card's key."""

    def __init__(self, board: Board, conventions: Conventions) -> None:
        self.board = board
        self.conventions = conventions
        self.lists = {x.id: x for x in board.lists}
        self.open_lists = list(open_lists(board))
        self.labels: dict[str, Label] = {label.id: label for label in board.labels}
        wanted = conventions.points_field.casefold()
        self.points_field = next(
            (f for f in board.custom_fields if f.name.casefold() == wanted), None
        )
        self.done_status = (
            conventions.done_list
            if conventions.done_list is not None
            else (self.status_of_list(self.open_lists[-1].id) if self.open_lists else None)
        )
        self.checklists: dict[str, list[Checklist]] = defaultdict(list)
        for checklist in board.checklists:  # an export lists them at board level
            self.checklists[checklist.id_card].append(checklist)
        self.keys: dict[str, str] = {}
        self.cards: dict[str, Card] = {}
        self._assign_keys(board.cards)

    def _assign_keys(self, cards: Sequence[Card]) -> None:
        marked: dict[str, str] = {}
        # A copy of a card carries its marker too: the oldest card (ids grow with creation
        # time) keeps the key, wherever the copy sits on the board.
        for card in sorted(cards, key=lambda c: c.id):
            _, key, _ = split_marker(card.desc)
            if key is not None and key not in marked.values():
                marked[card.id] = key
        taken = set(marked.values())
        for card in cards:
            key = marked.get(card.id)
            if key is None:
                key = self.conventions.default_key(card.id_short, card.short_link, card.id)
                if key in taken:  # a planned key already names another card
                    key = card.short_link or card.id
            taken.add(key)
            self.keys[card.id] = key
            self.cards[key] = card

    def status_of_list(self, list_id: str, fallback: str = "") -> str:
        """The status of the list ``list_id`` (its current name without WIP suffix)."""
        found = self.lists.get(list_id)
        return split_wip(found.name if found is not None else fallback)[0]

    def list_for_status(self, status: str) -> str | None:
        """The id of the open list whose status is ``status`` (first one, board order)."""
        for trello_list in self.open_lists:
            if self.status_of_list(trello_list.id) == status:
                return trello_list.id
        return None

    def label_named(self, name: str) -> Label | None:
        """The board's label called ``name`` (case-insensitive, first by board order)."""
        folded = name.strip().casefold()
        return next((x for x in self.board.labels if x.name.strip().casefold() == folded), None)

    def label_for(self, name: str) -> Label | None:
        """The board's label to put on a card for ``name``: the one of that name, else one
        that means the same (a MoSCoW label of another spelling, ``Must have`` for ``Must``,
        ``Won’t`` for ``Won't``; a type label ``Type: Email`` for ``type:Email``)."""
        found = self.label_named(name)
        if found is not None:
            return found
        conventions = self.conventions
        if (category := moscow_of(name)) is not None:
            return next((x for x in self.board.labels if moscow_of(x.name) == category), None)
        if conventions.is_type_label(name):
            kind = conventions.type_of(name).casefold()
            return next(
                (
                    x
                    for x in self.board.labels
                    if conventions.is_type_label(x.name)
                    and conventions.type_of(x.name).casefold() == kind
                ),
                None,
            )
        return None

    def checklists_of(self, card: Card) -> list[Checklist]:
        """The card's checklists (from the card, or from an export's board-level list)."""
        return card.checklists or self.checklists.get(card.id, [])


def group_actions(actions: Iterable[Action]) -> dict[str, list[Action]]:
    """Actions by card id, each card's oldest first (Trello pages newest first)."""
    grouped: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        if action.card_id:
            grouped[action.card_id].append(action)
    for card_actions in grouped.values():
        card_actions.sort(key=lambda a: (a.date, a.id))
    return grouped


def reflected(card: Card, actions: Sequence[Action]) -> list[Action]:
    """The card's actions the snapshot already reflects: those up to its ``dateLastActivity``
    (a later one happened after the snapshot and is left for the next read)."""
    last = card.date_last_activity
    if last is None:
        return list(actions)
    return [a for a in actions if a.date <= last]


def _labels(card: Card, index: BoardIndex) -> tuple[tuple[str, ...], str, str | None, bool]:
    conventions = index.conventions
    labels: list[str] = []
    kind = ""
    moscow: str | None = None
    blocked = False
    for label_id in card.id_labels:
        label = index.labels.get(label_id)
        if label is None or not label.name.strip():
            continue
        name = label.name.strip()
        if conventions.is_type_label(name):
            kind = kind or conventions.type_of(name)
        elif conventions.is_blocked_label(name):
            blocked = True
        elif (category := moscow_of(name)) is not None:
            moscow = moscow or category
        else:
            labels.append(name)
    return tuple(labels), kind, moscow, blocked


def _points(card: Card, index: BoardIndex) -> float | None:
    field = index.points_field
    if field is None:
        return None
    item = next((i for i in card.custom_field_items if i.id_custom_field == field.id), None)
    if item is None or not item.value:
        return None
    raw = item.value.get("number", item.value.get("text"))
    if raw is None or raw == "":
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise TrelloDataError(
            f"the {field.name!r} custom field is not a number",
            card=f"{card.short_link or card.id} {card.name!r}",
            field=f"custom field {field.name!r}",
            value=raw,
        ) from None


def _done(card: Card, index: BoardIndex) -> tuple[frozenset[str], tuple[str, ...] | None]:
    wanted = index.conventions.done_checklist.strip().casefold()
    for checklist in index.checklists_of(card):
        if checklist.name.strip().casefold() == wanted:
            items = sorted(checklist.check_items, key=lambda i: i.pos)
            met = frozenset(i.name for i in items if i.state == "complete")
            return met, tuple(i.name for i in items)
    return frozenset(), None


def _history(
    card: Card, actions: Sequence[Action], index: BoardIndex, status: str
) -> tuple[datetime | None, list[Transition], list[BlockedPeriod]]:
    board_id = index.board.id
    created: datetime | None = None
    first_list: str | None = None
    moves: list[Transition] = []
    blocked: list[BlockedPeriod] = []
    open_block: datetime | None = None
    current: str | None = None
    for action in actions:
        data = action.data
        if action.type in CREATE_TYPES and created is None:
            created = action.date
            if data.list is not None:
                first_list = index.status_of_list(data.list.id, data.list.name)
                current = first_list
        elif action.type == "updateCard" and data.list_after is not None:
            before = data.list_before
            source = index.status_of_list(before.id, before.name) if before else current
            target = index.status_of_list(data.list_after.id, data.list_after.name)
            if first_list is None:
                first_list = source
            if source != target:
                moves.append(Transition(action.date, source, target))
            current = target
        elif action.type == "moveCardToBoard" and data.list is not None:
            if data.board is not None and data.board.id not in ("", board_id):
                continue
            target = index.status_of_list(data.list.id, data.list.name)
            if first_list is None:
                first_list = target
            elif current is not None and current != target:
                moves.append(Transition(action.date, current, target))
            current = target
        elif action.type in ("addLabelToCard", "removeLabelFromCard") and data.label is not None:
            if not index.conventions.is_blocked_label(data.label.name or data.text):
                continue
            if action.type == "addLabelToCard" and open_block is None:
                open_block = action.date
            elif action.type == "removeLabelFromCard" and open_block is not None:
                blocked.append(BlockedPeriod(open_block, action.date))
                open_block = None
    if created is None:
        created = creation_time(card.id)
    start = created if created is not None else (moves[0].at if moves else None)
    transitions = [Transition(start, None, first_list or status)] if start is not None else []
    transitions += moves
    if open_block is not None:
        blocked.append(BlockedPeriod(open_block))
    return created, transitions, blocked


def _rank(card: Card) -> str | None:
    """The card's rank (None for a position of 0 or less, which Trello never gives)."""
    if card.pos <= 0:
        return None
    try:
        return rank_from_pos(card.pos)
    except ValueError:
        pass
    raise TrelloDataError(  # outside the except: no chained error
        "the card's position is beyond what a rank holds (36**10)",
        card=f"{card.short_link or card.id} {card.name!r}",
        field="position (pos)",
        value=card.pos,
        fix="drag the card to its place in Trello (Trello gives it a new position), "
        "then read again",
    )


def card_record(card: Card, actions: Sequence[Action], index: BoardIndex) -> ItemRecord:
    """One card as a record; ``actions`` are the card's own, oldest first, those the snapshot
    reflects (see :func:`reflected`)."""
    status = index.status_of_list(card.id_list)
    labels, kind, moscow, blocked_now = _labels(card, index)
    created, transitions, blocked = _history(card, actions, index, status)
    if transitions and transitions[-1].to_status != status:
        # The history does not end where the card is (an export cut short, a move Trello kept
        # no action for): the move is known only from the snapshot.
        at = card.date_last_activity or transitions[-1].at
        transitions.append(Transition(at, transitions[-1].to_status, status, observed=True))
    if blocked_now and not (blocked and blocked[-1].end is None):
        blocked.append(BlockedPeriod(created or card.date_last_activity or transitions[0].at))
    elif not blocked_now and blocked and blocked[-1].end is None:
        blocked[-1] = BlockedPeriod(blocked[-1].start, card.date_last_activity)
    resolved = None
    if status and status == index.done_status:
        resolved = next((t.at for t in reversed(transitions) if t.to_status == status), None)
    met, checklist = _done(card, index)
    desc, _, _ = split_marker(card.desc)
    fields: dict[str, FieldValue] = {"trello_id": card.id, "short_link": card.short_link}
    if desc:
        fields["description"] = desc
    if card.due is not None:
        fields["due"] = card.due.isoformat()
    if card.closed:
        fields["archived"] = True
    if moscow is not None:
        fields["moscow"] = moscow
    if checklist is not None:
        fields["done_checklist"] = checklist
    history = ItemHistory(
        key=index.keys[card.id],
        summary=card.name,
        type=kind,
        status=status,
        created=created,
        resolved=resolved,
        points=_points(card, index),
        labels=labels,
        transitions=tuple(transitions),
        blocked=tuple(blocked),
        rank=_rank(card),
    )
    stamp = card.date_last_activity
    return ItemRecord(
        history,
        fields=fields,
        done_criteria=met,
        version=stamp.isoformat() if stamp is not None else None,
        updated=stamp,
    )
