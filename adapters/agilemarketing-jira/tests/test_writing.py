"""Writing: transitions through the workflow, Jira's error answers, batched re-ranks, epics."""

from __future__ import annotations

from collections.abc import Callable

from agilemarketing_jira.errors import RemoteError, TransitionUnavailable
from fake_jira import FakeJira
from jira_support import adapter_for

from agilemarketing.adapter import ChangeStatus, CreateItem, MoveStatus, Rerank, UpdateFields
from agilemarketing.errors import InvalidValue
from agilemarketing.testing import read_state, sample_histories

WORKFLOW = {"To Do": ["In Progress"], "In Progress": ["Review", "To Do"], "Review": ["Done"]}


def _order(fake: FakeJira) -> list[str]:
    return [i.key for i in sorted(fake.issues.values(), key=lambda i: i.rank)]


def test_no_transition_to_the_status_is_a_clear_error_listing_the_reachable_ones(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour, workflow=WORKFLOW)
    fake.seed(sample_histories(2))  # MKT-1 is in To Do
    result = adapter_for(fake).apply(MoveStatus("MKT-1", "Done"))
    assert result.status is ChangeStatus.FAILED
    assert isinstance(result.error, TransitionUnavailable)
    assert result.error.reachable == ("In Progress",)
    assert "MKT-1" in str(result.error)
    assert "'In Progress'" in str(result.error)
    assert fake.issues["MKT-1"].status == "To Do"


def test_a_create_into_an_unreachable_status_leaves_no_issue_behind(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour, workflow=WORKFLOW)
    fake.seed(sample_histories(2))
    result = adapter_for(fake).apply(
        CreateItem("N-1", "Launch plan", type="Campaign", status="Done")
    )
    assert result.status is ChangeStatus.FAILED
    assert isinstance(result.error, TransitionUnavailable)
    assert sorted(fake.issues) == ["MKT-1", "MKT-2"]


def test_jira_field_errors_name_the_issue_and_the_field(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour)
    fake.seed(sample_histories(3))
    adapter = adapter_for(fake)
    result = adapter.apply(UpdateFields("MKT-2", {"labels": ["has space"], "summary": "ok"}))
    assert result.status is ChangeStatus.FAILED
    assert isinstance(result.error, RemoteError)
    assert result.error.key == "MKT-2"
    assert result.error.status == 400
    assert "issue MKT-2" in str(result.error)
    assert "labels" in str(result.error)
    assert fake.issues["MKT-2"].summary != "ok"  # nothing of it was applied
    points = fake.field_ids["points"]
    fake.fault(
        "PUT", r"/issue/MKT-3$", status=400, body={"errorMessages": [], "errors": {points: "Bad"}}
    )
    failed = adapter.apply(UpdateFields("MKT-3", {"points": 13}))
    assert f"points ({points}): Bad" in str(failed.error)


def test_fields_the_adapter_does_not_write_are_refused(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("cloud")
    fake.seed(sample_histories(2))
    result = adapter_for(fake).apply(UpdateFields("MKT-1", {"channel": "email"}))
    assert result.status is ChangeStatus.FAILED
    assert isinstance(result.error, InvalidValue)
    assert "channel" in str(result.error)


def test_the_epic_is_written_and_read_back(fakes: Callable[..., FakeJira], flavour: str) -> None:
    fake = fakes(flavour)
    fake.seed(sample_histories(3))
    fake.issues["MKT-1"].type = "Epic"
    adapter = adapter_for(fake)
    assert adapter.apply(UpdateFields("MKT-3", {"epic": "MKT-1"})).status is ChangeStatus.APPLIED
    assert read_state(adapter)["MKT-3"].fields["epic"] == "MKT-1"
    again = adapter.apply(UpdateFields("MKT-3", {"epic": "MKT-1"}))
    assert again.status is ChangeStatus.ALREADY_APPLIED


def test_a_run_of_reranks_reads_the_order_once_and_sends_batches(
    fakes: Callable[..., FakeJira], flavour: str
) -> None:
    fake = fakes(flavour)
    fake.seed(sample_histories(120))
    adapter = adapter_for(fake)
    before = [Rerank(f"MKT-{n}", before="MKT-1") for n in range(60, 120)]  # 60 issues: 2 batches
    after = [Rerank(f"MKT-{n}", after="MKT-2") for n in (10, 11, 12)]
    results = adapter.write([*before, *after, Rerank("MKT-3", after="MKT-2")])
    assert all(r.status is ChangeStatus.APPLIED for r in results)
    ranks = fake.requests("PUT", r"/issue/rank$")
    assert [len(r.body["issues"]) for r in ranks] == [50, 10, 4]  # MKT-3 joins the after run
    order = _order(fake)
    assert order[:61] == [f"MKT-{n}" for n in range(60, 120)] + ["MKT-1"]
    assert order[61:66] == ["MKT-2", "MKT-3", "MKT-12", "MKT-11", "MKT-10"]
    searches = [r for r in fake.requests("GET") if "ORDER BY Rank" in r.query.get("jql", [""])[0]]
    first_pages = [r for r in searches if r.query.get("startAt", ["0"]) == ["0"]]
    assert len(first_pages) == 1  # one read of the order (Data Center pages it by 50)


def test_reranks_the_order_already_has_are_already_applied(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("cloud")
    fake.seed(sample_histories(4))
    results = adapter_for(fake).write(
        [Rerank("MKT-1", before="MKT-2"), Rerank("MKT-4", after="MKT-3")]
    )
    assert [r.status for r in results] == [ChangeStatus.ALREADY_APPLIED] * 2
    assert not fake.requests("PUT", r"/issue/rank$")


def test_a_207_answer_is_read_issue_by_issue(fakes: Callable[..., FakeJira]) -> None:
    fake = fakes("cloud")
    fake.seed(sample_histories(5))
    fake.fault(
        "PUT",
        r"/issue/rank$",
        status=207,
        body={
            "entries": [
                {"issueId": 10004, "issueKey": "MKT-4", "status": 200},
                {"issueId": 10005, "issueKey": "MKT-5", "status": 403, "errors": ["No permission"]},
            ]
        },
    )
    results = adapter_for(fake).write(
        [Rerank("MKT-4", before="MKT-1"), Rerank("MKT-5", before="MKT-1")]
    )
    assert results[0].status is ChangeStatus.APPLIED
    assert results[1].status is ChangeStatus.FAILED
    assert "MKT-5" in str(results[1].error)
    assert "No permission" in str(results[1].error)
