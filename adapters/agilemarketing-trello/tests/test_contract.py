"""The trello adapter keeps agilemarketing's adapter contract, against the fake Trello."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from agilemarketing_trello.adapter import TrelloAdapter
from fake_trello import FakeTrello, Fault

from agilemarketing.adapter import Adapter
from agilemarketing.history import ItemHistory
from agilemarketing.liveboards import PageHook
from agilemarketing.testing import AdapterContract, AdapterFactory


class TestTrelloAdapter(AdapterContract):
    """Every contract test, on a board whose first card has 2,500 actions of its own, so every
    full read pages the history three times (Trello's page is 1,000)."""

    fake: FakeTrello

    # Trello has no sprints (a team that keeps them in labels reads them as labels).
    preserved_fields = AdapterContract.preserved_fields - {"sprints"}

    @pytest.fixture
    def make_adapter(
        self, fake: FakeTrello, connect: Callable[..., TrelloAdapter]
    ) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            self.fake = fake
            board = fake.seed(histories, churn={"MKT-1": 2500})
            return connect(fake.boards[board]["shortLink"])

        return make

    def edit_between_pages(self, adapter: Adapter, edit: PageHook) -> bool:
        """The edit runs when the read asks for its second page of actions: after the board
        snapshot and the newest 1,000 actions, before the older ones."""
        self.fake.faults.append(Fault("GET", r"/actions$", "hook", skip=1, call=edit))
        return True
