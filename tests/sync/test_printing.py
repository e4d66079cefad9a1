"""A plan printed for a dry run, and serialised to JSON."""

from __future__ import annotations

import json

from agilemarketing.mirror import Mirror
from agilemarketing.sync import plan
from agilemarketing.testing import InMemoryAdapter


def test_a_plan_prints_every_change_and_conflict_and_serialises_to_json(
    diverged: tuple[InMemoryAdapter, InMemoryAdapter, Mirror],
) -> None:

    source, target, mirror = diverged
    the_plan = plan(source, target, mirror)
    text = str(the_plan)
    assert "update MKT-3: summary" in text
    assert "conflict MKT-2 summary" in text
    data = json.loads(json.dumps(the_plan.as_dict()))
    assert data["counts"]["conflict"] == 1
    assert data["changes"][0]["change_id"] == the_plan.changes[0].change_id
    assert data["conflicts"][0]["base"] == "Marketing work item 2"
