"""Reading: the searches each flavour uses, their paging, incremental reads in the user's time
zone, and edits or deletions while a read is running."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from agilemarketing_jira.errors import AmbiguousField, AuthenticationFailed
from agilemarketing_jira.timestamps import jql_time
from fake_jira import FakeJira
from jira_support import adapter_for

from agilemarketing.adapter import Cursor
from agilemarketing.errors import InvalidCursor
from agilemarketing.testing import sample_histories


def _on_second(action: Callable[[], object]) -> Callable[[], None]:
    calls = []

    def hook() -> None:
        calls.append(1)
        if len(calls) == 2:
            action()

    return hook


def test_cloud_reads_with_the_token_paged_search_and_never_the_old_one(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud")
    fake.seed(sample_histories(230))
    assert len(list(adapter_for(fake).read())) == 230
    pages = fake.requests("GET", r"/rest/api/3/search/jql$")
    full = [p for p in pages if "changelog" in p.query.get("expand", [""])[0]]
    assert len(full) == 3
    assert full[0].query["jql"][0].endswith("ORDER BY key ASC")
    assert "nextPageToken" not in full[0].query
    assert "nextPageToken" in full[1].query
    fields = full[0].query["fields"][0].split(",")
    assert "summary" in fields
    assert "*all" not in fields
    assert "description" not in fields
    assert not fake.requests(path=r"/rest/api/[23]/search$")


def test_data_center_steps_by_what_the_server_returned(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("dc", dc_page_cap=50)
    fake.seed(sample_histories(120))
    assert len(list(adapter_for(fake, page_size=100).read())) == 120
    pages = [p for p in fake.requests("GET", r"/rest/api/2/search$") if "expand" in p.query]
    # each page starts one issue early, at the last one served (a shift shows there)
    assert [int(p.query["startAt"][0]) for p in pages] == [0, 49, 98]
    assert not fake.requests(path=r"/search/jql$")


def test_an_edit_between_two_pages_serves_every_issue_once(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour)
    fake.seed(sample_histories(150))
    search = r"/search/jql$" if fake.cloud else r"/rest/api/2/search$"
    adapter = adapter_for(fake)
    first = adapter.read()
    # after the first page of issues (the second search: the first is the overlap query),
    # somebody moves MKT-3 and retitles MKT-140
    fake.on(
        "GET",
        search,
        _on_second(
            lambda: (fake.edit("MKT-3", status="Done"), fake.edit("MKT-140", summary="Edited"))
        ),
        times=2,
    )
    keys = [r.key for r in first]
    assert sorted(keys) == sorted(f"MKT-{n}" for n in range(1, 151))
    fake.advance(60)
    changed = {r.key: r for r in adapter.read(first.cursor)}
    assert set(changed) == {"MKT-3", "MKT-140"}
    assert changed["MKT-3"].history.status == "Done"


def test_a_deletion_between_two_pages_skips_no_issue_on_data_center(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("dc", dc_page_cap=50)
    fake.seed(sample_histories(120))
    adapter = adapter_for(fake)
    result = adapter.read()
    fake.on(
        "GET",
        r"/rest/api/2/search$",
        _on_second(lambda: (fake.delete("MKT-2"), fake.delete("MKT-5"))),
        times=2,
    )
    keys = [r.key for r in result]
    assert "MKT-1" in keys  # served from the first page, before the deletions
    assert len(keys) == len(set(keys))
    assert set(keys) >= {f"MKT-{n}" for n in range(1, 121)} - {"MKT-2", "MKT-5"}


def test_incremental_reads_ask_in_the_users_time_zone_with_the_overlap(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour)
    fake.seed(sample_histories(5))
    adapter = adapter_for(fake, overlap_minutes=3)
    first = adapter.read()
    list(first)
    started = fake.now()
    fake.advance(120)
    fake.edit("MKT-4", summary="Changed later")
    changed = list(adapter.read(first.cursor))
    assert [r.key for r in changed] == ["MKT-4"]
    search = r"/search/jql$" if fake.cloud else r"/rest/api/2/search$"
    asked = [
        r.query["jql"][0] for r in fake.requests("GET", search) if "updated >=" in r.query["jql"][0]
    ]
    # the clause is in the profile's zone, to the minute, three minutes before the first read
    window = {jql_time(started - timedelta(minutes=3, seconds=s), fake.zone) for s in (0, 5)}
    assert any(any(w in jql for w in window) for jql in asked)


def test_records_served_within_the_overlap_are_not_served_again_unless_changed(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud")
    fake.seed(sample_histories(4))
    adapter = adapter_for(fake)
    first = adapter.read()
    list(first)
    fake.edit("MKT-2", summary="One")
    second = adapter.read(first.cursor)
    assert [r.key for r in second] == ["MKT-2"]
    assert list(adapter.read(second.cursor)) == []  # MKT-2 is in the overlap, unchanged
    fake.edit("MKT-2", summary="Two")
    assert [r.history.summary for r in adapter.read(second.cursor)] == ["Two"]


def test_an_incremental_read_costs_the_servers_clock_and_the_search_of_what_changed(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    """The next cursor's overlap window is taken from the changed issues themselves: no
    search of the window of its own (it cost 1 to 4 more requests per read)."""
    fake = fakes(flavour)
    fake.seed(sample_histories(6))
    adapter = adapter_for(fake)
    first = adapter.read()
    list(first)
    fake.advance(60)
    fake.edit("MKT-3", summary="Changed")
    before = len(fake.requests())
    second = adapter.read(first.cursor)
    assert [r.key for r in second] == ["MKT-3"]
    asked = [r.path for r in fake.requests()[before:]]
    search = "/rest/api/3/search/jql" if fake.cloud else "/rest/api/2/search"
    assert [p for p in asked if not p.endswith("/serverInfo")] == [search]
    assert list(adapter.read(second.cursor)) == []  # the new cursor knows MKT-3's version


def test_a_cursor_of_another_scope_is_refused(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("cloud")
    fake.seed(sample_histories(2))
    cursor = adapter_for(fake).read().cursor
    other = adapter_for(fake, "jql=project%20%3D%20MKT%20AND%20labels%20%3D%20webinar")
    with pytest.raises(InvalidCursor, match="another site or scope"):
        other.read(cursor)
    with pytest.raises(InvalidCursor, match="damaged"):
        other.read(Cursor("jira1:!!!"))


def test_a_jql_scope_reads_only_its_issues(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("dc")
    fake.seed(sample_histories(9))
    adapter = adapter_for(fake, "jql=project%20%3D%20MKT%20AND%20labels%20%3D%20webinar")
    keys = sorted(r.key for r in adapter.read())
    assert keys == ["MKT-1", "MKT-4", "MKT-7"]


def test_a_board_scope_reads_the_boards_filter(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("cloud")
    fake.seed(sample_histories(3))
    adapter = adapter_for(fake, "board=1")
    assert adapter.scope == "project = MKT"
    assert len(list(adapter.read())) == 3


def test_two_story_points_fields_and_no_option_is_an_error_naming_both(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud", two_points_fields=True)
    fake.seed(sample_histories(2))
    with pytest.raises(AmbiguousField) as caught:
        adapter_for(fake).read()
    message = str(caught.value)
    assert "customfield_10016" in message
    assert "customfield_10028" in message
    assert "points_field" in message
    state = {r.key: r for r in adapter_for(fake, points_field="customfield_10016").read()}
    assert state["MKT-1"].history.points == 1.0


def test_wrong_credentials_fail_clearly(fakes: Callable[..., FakeJira], flavour: str) -> None:
    fake = fakes(flavour, token="the-real-token")
    with pytest.raises(AuthenticationFailed) as caught:
        adapter_for(fake).read()
    assert caught.value.status == 401
    assert "token_env" in str(caught.value)
