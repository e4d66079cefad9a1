"""Trello's payloads as typed structs (msgspec), exactly the fields the adapter reads.

Trello names fields in camelCase (``idList``, ``dateLastActivity``); the structs use snake case
and ``rename="camel"`` maps them. Unknown fields are ignored, so a richer answer (or an
"Export as JSON" file) decodes as well. Dates arrive as RFC 3339 text with milliseconds and a
``Z``; msgspec turns them into aware UTC datetimes in C, never one at a time in Python.

>>> card = decode_card(b'{"id": "5f0c1a2b3c4d5e6f70819203", "idShort": 7, "shortLink": "aB3dE5gH",'
...                    b' "name": "Launch email", "idList": "l1", "pos": 16384,'
...                    b' "dateLastActivity": "2026-03-02T09:30:00.000Z"}')
>>> card.id_short, card.short_link, card.date_last_activity.isoformat()
(7, 'aB3dE5gH', '2026-03-02T09:30:00+00:00')
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

__all__ = [
    "Action",
    "ActionCard",
    "ActionData",
    "Board",
    "Card",
    "CheckItem",
    "Checklist",
    "CustomField",
    "CustomFieldItem",
    "Label",
    "List",
    "Ref",
    "creation_time",
    "decode_actions",
    "decode_board",
    "decode_card",
]


class Ref(msgspec.Struct, rename="camel", omit_defaults=True):
    """A reference inside an action's data: ``{"id": ..., "name": ...}`` (list, label, board)."""

    id: str = ""
    name: str = ""


class ActionCard(msgspec.Struct, rename="camel", omit_defaults=True):
    """The card as an action's data names it."""

    id: str = ""
    name: str = ""
    id_short: int | None = None
    short_link: str = ""
    id_list: str = ""
    closed: bool | None = None


class ActionData(msgspec.Struct, rename="camel", omit_defaults=True):
    """What an action carries; which fields are set depends on the action's type."""

    card: ActionCard | None = None
    list: Ref | None = None
    list_before: Ref | None = None
    list_after: Ref | None = None
    label: Ref | None = None
    board: Ref | None = None
    board_source: Ref | None = None
    board_target: Ref | None = None
    old: dict[str, Any] = {}
    text: str = ""


class Action(msgspec.Struct, rename="camel"):
    """One entry of a board's or card's history (``GET /1/boards/{id}/actions``)."""

    id: str
    type: str
    date: datetime
    data: ActionData = msgspec.field(default_factory=ActionData)

    @property
    def card_id(self) -> str:
        """The id of the card the action is about ('' for board-level actions)."""
        return self.data.card.id if self.data.card is not None else ""


class Label(msgspec.Struct, rename="camel"):
    """A board label (name may be empty: a colour-only label)."""

    id: str
    name: str = ""
    color: str | None = None


class List(msgspec.Struct, rename="camel"):
    """A list (a column) of the board; ``soft_limit`` is Trello's own list limit, as text."""

    id: str
    name: str
    closed: bool = False
    pos: float = 0.0
    soft_limit: str | int | None = None


class CheckItem(msgspec.Struct, rename="camel"):
    """One item of a checklist; ``state`` is ``"complete"`` or ``"incomplete"``."""

    id: str
    name: str
    state: str = "incomplete"
    pos: float = 0.0


class Checklist(msgspec.Struct, rename="camel"):
    """A checklist of a card (exports list them at board level, with ``idCard``)."""

    id: str
    name: str
    id_card: str = ""
    pos: float = 0.0
    check_items: list[CheckItem] = []


class CustomField(msgspec.Struct, rename="camel"):
    """A custom field defined on the board (``type`` is ``number``, ``text``, ``list``...)."""

    id: str
    name: str
    type: str = "text"


class CustomFieldItem(msgspec.Struct, rename="camel"):
    """A card's value of one custom field; a number arrives as text: ``{"number": "3"}``."""

    id_custom_field: str
    value: dict[str, Any] | None = None
    id_value: str | None = None


class Card(msgspec.Struct, rename="camel"):
    """A card as the board snapshot returns it."""

    id: str
    name: str = ""
    id_short: int = 0
    short_link: str = ""
    desc: str = ""
    due: datetime | None = None
    closed: bool = False
    id_list: str = ""
    id_labels: list[str] = []
    pos: float = 0.0
    date_last_activity: datetime | None = None
    checklists: list[Checklist] = []
    custom_field_items: list[CustomFieldItem] = []


class Board(msgspec.Struct, rename="camel"):
    """The board snapshot: ``GET /1/boards/{id}`` with its lists, cards, labels and fields.

    ``actions`` is only set in an "Export as JSON" file (the API reads history separately),
    and so is the board-level ``checklists``.
    """

    id: str
    name: str = ""
    short_link: str = ""
    lists: list[List] = []
    cards: list[Card] = []
    labels: list[Label] = []
    custom_fields: list[CustomField] = []
    checklists: list[Checklist] = []
    actions: list[Action] = []


_board = msgspec.json.Decoder(Board)
_actions = msgspec.json.Decoder(list[Action])
_card = msgspec.json.Decoder(Card)


def decode_board(data: bytes) -> Board:
    """A board snapshot (or export) from Trello's JSON."""
    return _board.decode(data)


def decode_actions(data: bytes) -> list[Action]:
    """A page of actions from Trello's JSON."""
    return _actions.decode(data)


def decode_card(data: bytes) -> Card:
    """One card from Trello's JSON (the answer to a create)."""
    return _card.decode(data)


def creation_time(object_id: str) -> datetime | None:
    """When a Trello object was created: its id's first 8 hex digits are a Unix time.

    >>> creation_time("5f0c1a2b3c4d5e6f70819203").isoformat()
    '2020-07-13T08:24:11+00:00'
    >>> creation_time("not-an-id") is None
    True
    """
    try:
        return datetime.fromtimestamp(int(object_id[:8], 16), tz=UTC)
    except ValueError:
        return None
