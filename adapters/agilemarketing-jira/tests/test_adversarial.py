"""An adversarial review of the adapter: surprising answers, lost writes, leaking chains.

Each test here was written to fail on a defect found in the review, before the fix."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import attrs
import pytest
from agilemarketing_jira.errors import HistoryIncomplete, JiraAdapterError, RemoteError
from fake_jira import TOKEN, FakeJira
from jira_support import adapter_for, long_history

from agilemarketing.adapter import ChangeStatus, CreateItem, UpdateFields
from agilemarketing.errors import AgileMarketingError, InvalidValue
from agilemarketing.testing import read_state, sample_histories

SEARCH = {"cloud": r"/search/jql$", "dc": r"/rest/api/2/search$"}


def _fake(fakes: Callable[..., FakeJira], flavour: str, count: int = 5) -> FakeJira:
    fake = fakes(flavour)
    fake.seed(sample_histories(count))
    return fake


def _chain(error: BaseException) -> list[BaseException]:
    """The error and every error linked to it (cause or context), bounded."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [error]
    while todo and len(seen) < 20:
        current = todo.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
    return seen


# -- reads: a 200 that is not a search answer --------------------------------------------------


@pytest.mark.parametrize(
    "body", [{"errorMessages": [f"The search index is being rebuilt. {TOKEN}"]}, {}, []]
)
def test_a_200_search_answer_without_issues_is_an_error_not_an_empty_board(
    fakes: Callable[..., FakeJira], flavour: str, body: object
) -> None:
    fake = _fake(fakes, flavour)
    fake.fault("GET", SEARCH[flavour], status=200, body=body, times=100)
    with pytest.raises(RemoteError) as caught:
        read_state(adapter_for(fake))
    assert "search" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_an_html_page_answered_with_200_is_a_remote_error(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour)
    fake.fault(
        "GET",
        SEARCH[flavour],
        status=200,
        body=b"<html><body>Log in to continue</body></html>",
        times=100,
    )
    with pytest.raises(RemoteError) as caught:
        read_state(adapter_for(fake))
    assert "not JSON" in str(caught.value)
    fake.faults.clear()
    fake.fault("GET", r"/serverInfo$", status=200, body=b"<html>Log in</html>", times=100)
    with pytest.raises(RemoteError) as through_client:
        adapter_for(fake).read()
    assert "not JSON" in str(through_client.value)


# -- secrets: the chain of a raised error -------------------------------------------------------


def test_no_error_in_the_chain_of_a_raised_error_holds_the_token(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour)
    echo = {"errorMessages": [f"bad token {TOKEN}"], "errors": {}}
    adapter = adapter_for(fake, max_wait=0.3)
    fake.fault("GET", r"/serverInfo$", status=500, body=echo, times=100)  # through the client
    with pytest.raises(RemoteError) as through_client:
        adapter.read()
    fake.faults.clear()
    fake.fault("POST", r"/issue$", status=500, body=echo, times=100)  # on the session
    with pytest.raises(RemoteError) as on_session:
        adapter.apply(CreateItem("N-1", "Secret plan", type="Email"))
    for caught in (through_client, on_session):
        chain = _chain(caught.value)
        texts = [str(e) for e in chain] + [repr(e.args) for e in chain]
        texts.append("".join(traceback.format_exception(caught.value, chain=True)))
        for text in texts:
            assert TOKEN not in text


# -- secrets: tokens that encodings change --------------------------------------------------------

ODD_TOKENS = ["tok+en/with=padding==", "per%20cent:colon é"]


@pytest.mark.parametrize("token", ODD_TOKENS)
def test_odd_tokens_appear_in_no_log_line_or_error(
    fakes: Callable[..., FakeJira],
    flavour: str,
    token: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ODD_JIRA_TOKEN", token)
    fake = fakes(flavour, token=token.strip())
    fake.seed(sample_histories(3))
    fake.fault("PUT", r"/issue/MKT-2$", status=400, body={"errorMessages": [token], "errors": {}})
    adapter = adapter_for(fake, token_env="ODD_JIRA_TOKEN")
    texts: list[str] = []
    try:
        texts.append(repr(list(adapter.read())))
        failed = adapter.apply(UpdateFields("MKT-2", {"summary": "x"}))
        assert failed.error is not None
        texts += [str(e) for e in _chain(failed.error)]
    except AgileMarketingError as error:
        texts += [str(e) for e in _chain(error)]
        texts.append("".join(traceback.format_exception(error)))
    texts.append(caplog.text)
    for text in texts:
        assert token.strip() not in text


@pytest.mark.parametrize("token", ["ends-with-newline\n", "carriage\rreturn"])
def test_a_token_with_a_line_break_is_refused_without_showing_it(
    flavour: str, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODD_JIRA_TOKEN", token)
    with FakeJira(flavour) as fake:
        with pytest.raises(InvalidValue) as caught:
            list(adapter_for(fake, token_env="ODD_JIRA_TOKEN").read())
        assert not fake.log  # refused before any request
    assert "ODD_JIRA_TOKEN" in str(caught.value)
    for text in [str(e) for e in _chain(caught.value)] + [repr(caught.value.args)]:
        assert token.split()[0] not in text


# -- reads: a points field that does not hold numbers -------------------------------------------


def test_a_points_field_holding_no_number_is_a_clear_error(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour)
    with pytest.raises(AgileMarketingError) as caught:
        read_state(adapter_for(fake, points_field="summary"))  # a text field, by mistake
    assert "points" in str(caught.value)
    assert "MKT-" in str(caught.value)


# -- reads: odd issues ------------------------------------------------------------------------


def test_a_changelog_entry_without_a_time_is_an_error_naming_the_issue(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour, 2)
    fake.issues["MKT-2"].histories[0]["created"] = None
    with pytest.raises(AgileMarketingError) as caught:
        read_state(adapter_for(fake))
    assert "MKT-2" in str(caught.value)


def test_an_issue_of_a_shape_jira_never_gives_is_a_clear_error_naming_it(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour, 1)
    issue = {
        "id": "10001",
        "key": "MKT-1",
        "fields": {"summary": "Odd", "status": {"name": "To Do"}, "labels": 7},
    }
    body = {"issues": [issue], "total": 1, "startAt": 0, "maxResults": 50, "isLast": True}
    fake.fault("GET", SEARCH[flavour], status=200, body=body, times=10)
    with pytest.raises(InvalidValue) as caught:
        read_state(adapter_for(fake))
    assert "issue MKT-1" in str(caught.value)


# -- changelogs: the bulk endpoint -------------------------------------------------------------


def test_a_bulk_answer_that_leaves_out_an_issue_whose_search_showed_no_move_is_completed(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud")
    fake.seed([long_history("MKT-1", 5)])
    for n in range(45):  # the newest 40 changelog entries are all summary edits
        fake.edit("MKT-1", summary=f"Campaign, draft {n}")
    fake.bulk_drops = {"MKT-1"}
    record = read_state(adapter_for(fake))["MKT-1"]
    assert len(record.history.transitions) == 6
    assert record.history.transitions[0].to_status == "To Do"


def test_a_bulk_changelog_token_that_repeats_ends_in_an_error(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud")
    fake.seed([long_history("MKT-1", 60)])
    fake.fault(
        "POST",
        r"/changelog/bulkfetch$",
        status=200,
        body={"issueChangeLogs": [], "nextPageToken": "again"},
        times=20,
    )
    with pytest.raises(JiraAdapterError):
        read_state(adapter_for(fake))
    assert len(fake.requests("POST", r"/changelog/bulkfetch$")) < 5


def test_a_changelog_page_that_brings_nothing_new_ends_the_paging(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("dc", search_changelog_cap=40)
    fake.seed([long_history("MKT-1", 127)])
    first = [fake._history_json(h) for h in fake.issues["MKT-1"].histories[:10]]
    page = {"startAt": 0, "maxResults": 10, "total": 127, "isLast": False, "values": first}
    fake.fault("GET", r"/issue/MKT-1/changelog$", status=200, body=page, times=20)
    with pytest.raises(HistoryIncomplete):
        read_state(adapter_for(fake))  # a server that ignores startAt
    assert len(fake.requests("GET", r"/issue/MKT-1/changelog$")) < 5


# -- writes ------------------------------------------------------------------------------------


def test_a_create_answered_without_a_key_is_a_remote_error_after_a_marker_search(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = _fake(fakes, flavour, 3)
    create = CreateItem("NEW-1", "Partner webinar invitation", type="Email")
    fake.fault("POST", r"/issue$", status=201, body={"self": "about:blank"})  # not applied
    with pytest.raises(RemoteError) as caught:
        adapter_for(fake).apply(create)
    assert "no key" in str(caught.value)
    searches = fake.requests("GET", SEARCH[flavour])
    assert len(searches) == 2  # before the create, and after its answer named no key
    again = adapter_for(fake).apply(create)  # the re-run creates it, once
    assert again.status is ChangeStatus.APPLIED
    assert sum(1 for i in fake.issues.values() if i.summary == create.summary) == 1


# -- reads: Data Center paging while people work -----------------------------------------------


def test_a_deletion_and_a_create_between_two_pages_skip_no_issue_on_data_center(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("dc", dc_page_cap=50)
    fake.seed(sample_histories(120))
    adapter = adapter_for(fake)
    list(adapter.read())  # the site is known: the next read's searches are the read's pages
    calls: list[int] = []

    def between_pages() -> None:  # the total stays 120: a shrink check cannot see it
        calls.append(1)
        if len(calls) == 3:  # the overlap search, the first page, then this one
            fake.delete("MKT-3")
            fake.seed([attrs.evolve(sample_histories(1)[0], key="MKT-500")])

    fake.on("GET", r"/rest/api/2/search$", between_pages, times=10)
    keys = [r.key for r in adapter.read()]
    assert len(keys) == len(set(keys))
    assert set(keys) >= {f"MKT-{n}" for n in range(1, 121)} - {"MKT-3"}


def test_a_mass_deletion_between_two_pages_skips_no_survivor_on_data_center(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("dc", dc_page_cap=50)
    fake.seed(sample_histories(120))
    adapter = adapter_for(fake)
    list(adapter.read())
    calls: list[int] = []

    def between_pages() -> None:
        calls.append(1)
        if len(calls) == 3:
            for n in range(1, 61):
                fake.delete(f"MKT-{n}")

    fake.on("GET", r"/rest/api/2/search$", between_pages, times=10)
    keys = [r.key for r in adapter.read()]
    assert len(keys) == len(set(keys))
    assert set(keys) >= {f"MKT-{n}" for n in range(61, 121)}


def test_a_create_whose_undo_is_refused_names_the_issue_it_left_behind(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour, workflow={"To Do": ["In Progress"]})
    fake.seed(sample_histories(2))
    fake.fault("DELETE", r"/issue/", status=403, body={"errorMessages": ["No delete permission"]})
    result = adapter_for(fake).apply(CreateItem("N-1", "Launch plan", type="Email", status="Done"))
    assert result.status is ChangeStatus.FAILED
    assert "MKT-3" in fake.issues  # Jira kept it: the user may not delete issues
    assert "MKT-3" in str(result.error)
    assert "delete" in str(result.error)


# -- metadata answers without what Jira always sends -------------------------------------------


@pytest.mark.parametrize(
    ("query", "route", "body"),
    [
        ("", r"/serverInfo$", {"deploymentType": "Server", "version": "9.12.2"}),
        ("board=1", r"/filter/\d+$", {"id": "10000", "name": "Board filter"}),
        ("board=1", r"/configuration$", {"id": 1, "name": "MKT board"}),
    ],
)
def test_a_metadata_answer_missing_what_jira_always_sends_is_a_remote_error(
    fakes: Callable[..., FakeJira], flavour: str, query: str, route: str, body: object
) -> None:
    fake = _fake(fakes, flavour, 2)
    fake.fault("GET", route, status=200, body=body, times=10)
    with pytest.raises(RemoteError) as caught:
        read_state(adapter_for(fake, query))
    assert "the answer has no" in str(caught.value)


def test_a_sprint_page_served_again_gives_no_duplicate_cycle(
    fakes: Callable[..., FakeJira],
) -> None:
    fake = fakes("cloud")
    fake.seed(sample_histories(2))
    sprint = {"id": 7, "name": "Sprint 7", "state": "closed", "originBoardId": 1}
    page = {"startAt": 0, "maxResults": 50, "isLast": False, "values": [sprint]}
    fake.fault("GET", r"/sprint$", status=200, body=page, times=20)  # startAt is ignored
    board = adapter_for(fake, "project=MKT&board=1").board()
    assert board is not None
    assert [c.name for c in board.cycles] == ["Sprint 7"]
    assert len(fake.requests("GET", r"/sprint$")) < 5


def test_a_create_whose_sync_key_names_another_jira_issue_creates_its_own(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    # The sync's key of an item (MKT-1 in another tool, or in a project with the same key) is
    # not a Jira key: that Jira's MKT-1 is another issue, and the item still needs creating.
    fake = _fake(fakes, flavour, 1)
    create = CreateItem("MKT-1", "Launch email", type="Email")
    first = adapter_for(fake).apply(create)
    assert first.status is ChangeStatus.APPLIED
    assert first.key == "MKT-2"
    assert fake.issues["MKT-2"].summary == "Launch email"
    again = adapter_for(fake).apply(create)
    assert (again.status, again.key) == (ChangeStatus.ALREADY_APPLIED, "MKT-2")
    assert len(fake.issues) == 2
