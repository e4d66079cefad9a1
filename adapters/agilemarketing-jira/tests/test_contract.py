"""The shared adapter contract, against a fake Jira Cloud and a fake Jira Data Center."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
import pytest
from fake_jira import FakeJira
from jira_support import adapter_for

from agilemarketing.adapter import Adapter, AnyChange, CreateItem, Rerank
from agilemarketing.history import ItemHistory
from agilemarketing.testing import (
    AdapterContract,
    AdapterFactory,
    InMemoryAdapter,
    random_plan,
    read_state,
    sample_histories,
)


def _mapped(change: AnyChange, keys: dict[str, str]) -> AnyChange:
    if isinstance(change, CreateItem):
        return change
    values = {"key": keys.get(change.key, change.key)}
    if isinstance(change, Rerank):
        values["before" if change.before is not None else "after"] = keys.get(
            change.neighbour, change.neighbour
        )
    return attrs.evolve(change, **values)


class _JiraContract(AdapterContract):
    flavour = ""
    fake: FakeJira

    @pytest.fixture
    def make_adapter(self, fakes: Callable[..., FakeJira]) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            fake = fakes(self.flavour)
            fake.seed(histories)
            self.fake = fake
            return adapter_for(fake)

        return make

    def edit_between_pages(self, adapter: Adapter, edit: Callable[[], None]) -> bool:
        """Run ``edit`` when the second page of issues is asked for, before it is answered
        (the third search of a full read: the first is the overlap query)."""
        calls: list[int] = []

        def hook() -> None:
            calls.append(1)
            if len(calls) == 3:
                edit()

        search = r"/search/jql$" if self.fake.cloud else r"/rest/api/2/search$"
        self.fake.on("GET", search, hook, times=3)
        return True

    def test_random_plans_end_where_the_reference_adapter_ends(
        self, make_adapter: AdapterFactory
    ) -> None:
        """The contract's model-based test, with one difference: Jira gives a created issue
        its own key (``MKT-7``, not the planned ``NEW-1-3``), so later changes to a created
        item are sent under the key Jira gave, and the states are compared through that map,
        as a sync's key map will do."""
        for seed in (1, 2, 3):
            seeded = sample_histories(6)
            adapter = make_adapter(seeded)
            reference = InMemoryAdapter("reference")
            reference.seed(seeded)
            keys: dict[str, str] = {}
            for step, change in enumerate(random_plan(seeded, seed=seed, steps=30)):
                got = adapter.apply(_mapped(change, keys))
                want = reference.apply(change)
                assert got.status is want.status, (seed, step, change, got.error, want.error)
                if isinstance(change, CreateItem) and got.ok:
                    keys[change.key] = got.key
            back = {jira: planned for planned, jira in keys.items()}
            state = {back.get(k, k): r for k, r in read_state(adapter).items()}
            expected = read_state(reference)
            assert sorted(state) == sorted(expected)
            for key, record in expected.items():
                got_history, want_history = state[key].history, record.history
                for name in ("summary", "type", "status", "points", "labels"):
                    assert getattr(got_history, name) == getattr(want_history, name), (key, name)
                assert [t.to_status for t in got_history.transitions] == [
                    t.to_status for t in want_history.transitions
                ], key
            order = sorted(state, key=lambda k: (state[k].history.rank or "", k))
            assert order == [r.key for r in reference.read()]


class TestJiraCloud(_JiraContract):
    flavour = "cloud"


class TestJiraDataCenter(_JiraContract):
    flavour = "dc"
