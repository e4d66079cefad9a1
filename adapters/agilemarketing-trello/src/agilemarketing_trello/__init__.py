"""Trello adapter for agilemarketing: a board's cards with their history, read and written
through Trello's REST API (``trello:<board>``), or read from an "Export as JSON" file
(``trello-json:export.json``).
"""

from agilemarketing_trello.adapter import TrelloAdapter
from agilemarketing_trello.client import TrelloClient
from agilemarketing_trello.export import TrelloJsonAdapter
from agilemarketing_trello.stages import WipLimit, describe_board
from agilemarketing_trello.translate import Conventions

__all__ = [
    "Conventions",
    "TrelloAdapter",
    "TrelloClient",
    "TrelloJsonAdapter",
    "WipLimit",
    "describe_board",
]
