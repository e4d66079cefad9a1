"""Complete histories: Jira Cloud inlines only 40 changelog entries in a search (100 in an
issue), so the rest comes from the bulk changelog, or issue by issue; a history that cannot be
completed is an error, never a truncated history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from agilemarketing_jira.errors import HistoryIncomplete
from fake_jira import FakeJira
from jira_support import adapter_for, long_history

from agilemarketing.history import BlockedPeriod
from agilemarketing.testing import read_state, sample_histories

SIZES = (0, 1, 39, 40, 41, 99, 100, 101, 127)


def _seeded(fake: FakeJira, noise: int = 0) -> dict[str, object]:
    histories = [long_history(f"MKT-{i + 1}", n) for i, n in enumerate(SIZES)]
    fake.seed(histories, noise=noise)
    return {h.key: h for h in histories}


def _check_complete(fake: FakeJira, seeded: dict[str, object], **options: object) -> None:
    state = read_state(adapter_for(fake, **options))
    for key, history in seeded.items():
        assert state[key].history.transitions == history.transitions, key  # type: ignore[attr-defined]


def test_cloud_histories_of_every_length_arrive_complete_through_the_bulk_changelog(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud")
    seeded = _seeded(fake)
    _check_complete(fake, seeded)
    bulk = fake.requests("POST", r"/changelog/bulkfetch$")
    assert len(bulk) == 1  # one call for every issue whose search inlined too little
    asked = set(bulk[0].body["issueIdsOrKeys"])
    long = {str(fake.issues[k].id) for k, n in zip(seeded, SIZES, strict=True) if n > 40}
    assert asked == long
    assert bulk[0].body["fieldIds"] == ["status", fake.field_ids["flagged"]]
    assert not fake.requests("GET", r"/changelog$")


def test_noise_in_the_changelog_is_left_out_and_the_status_history_is_complete(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud")
    seeded = _seeded(fake, noise=30)  # 30 unrelated entries per issue push more past 40
    _check_complete(fake, seeded)


def test_a_bulk_answer_that_leaves_an_issue_out_is_completed_issue_by_issue(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud")
    seeded = _seeded(fake)
    fake.bulk_drops = {"MKT-9"}  # 127 entries; the bulk answer says nothing about it
    _check_complete(fake, seeded)
    assert [r.path for r in fake.requests("GET", r"/changelog$")] == [
        "/rest/api/3/issue/MKT-9/changelog"
    ]


def test_without_the_bulk_endpoint_cloud_pages_each_issue_changelog(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud", bulk_changelog=False)
    seeded = _seeded(fake)
    _check_complete(fake, seeded)
    pages = fake.requests("GET", r"/issue/MKT-\d+/changelog$")
    # 41 and 99 entries: one page each (the inline newest 40 fill the rest); 100, 101, 127: the
    # first page of 100 plus the inline 40 complete them too
    assert len(pages) == 5


def test_data_center_completes_a_capped_inline_changelog_issue_by_issue(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("dc", search_changelog_cap=40)
    seeded = _seeded(fake)
    _check_complete(fake, seeded)
    assert fake.requests("GET", r"/rest/api/2/issue/MKT-\d+/changelog$")
    assert not fake.requests("POST", r"bulkfetch")


def test_data_center_with_whole_inline_changelogs_sends_no_changelog_request(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("dc")
    seeded = _seeded(fake)
    _check_complete(fake, seeded)
    assert not fake.requests("GET", r"/changelog$")


def test_a_history_that_cannot_be_completed_is_an_error(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("dc", search_changelog_cap=40, issue_changelog_cap=60)
    fake.seed([long_history("MKT-1", 127)])
    fake.fault("GET", r"/issue/MKT-1/changelog$", status=404, times=10)
    with pytest.raises(HistoryIncomplete) as caught:
        list(adapter_for(fake).read())
    assert caught.value.key == "MKT-1"
    assert caught.value.total == 127
    assert "MKT-1" in str(caught.value)


def test_flagged_periods_sprints_and_epics_are_read(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour)
    start = datetime(2026, 2, 2, 9, tzinfo=UTC)
    base = sample_histories(2)
    flagged = attrs.evolve(
        base[1],
        sprints=("Sprint 1, with comma", "Sprint 2"),
        blocked=(
            BlockedPeriod(start, start + timedelta(hours=2)),
            BlockedPeriod(start + timedelta(days=1), None),
        ),
    )
    fake.seed([base[0], flagged])
    fake.issues["MKT-2"].epic = "MKT-1"
    fake.issues["MKT-1"].type = "Epic"
    record = read_state(adapter_for(fake))["MKT-2"]
    assert record.history.blocked == flagged.blocked
    assert record.history.sprints == ("Sprint 1, with comma", "Sprint 2")
    assert record.fields["epic"] == "MKT-1"
