"""Specification of the Definition of Done (agilemarketing.done)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.done import DefinitionOfDone, DoneCheck
from agilemarketing.errors import InvalidInputGroup, InvalidValue, NotDone
from agilemarketing.items import WorkItem

DOD = DefinitionOfDone(
    ["Copy proofread", "Links tested", "Tracking in place"],
    per_kind={"Email": ["Spam check passed"], "event": ["Venue booked", "Invites sent"]},
)


def test_every_item_gets_the_default_checklist() -> None:
    assert DOD.criteria_for("blog") == ("Copy proofread", "Links tested", "Tracking in place")


def test_a_kind_adds_its_own_criteria_after_the_default() -> None:
    assert DOD.criteria_for("EMAIL")[-1] == "Spam check passed"
    assert len(DOD.criteria_for("event")) == 5


def test_an_item_meeting_every_criterion_is_done() -> None:
    item = WorkItem("B-1", "Blog post", kind="blog").with_criteria_met(*DOD.criteria_for("blog"))
    check = DOD.check(item)
    assert check.is_done
    assert check.progress == 1.0
    assert check.unmet == ()


def test_partial_progress_is_visible() -> None:
    item = WorkItem("E-1", "Event", kind="event").with_criteria_met(
        "Copy proofread", "Venue booked", "Invites sent"
    )
    check = DOD.check(item)
    assert check.summary == "3/5 criteria met"
    assert check.progress == pytest.approx(0.6)
    assert check.unmet == ("Links tested", "Tracking in place")
    assert str(check) == "E-1: 3/5 criteria met; unmet: Links tested, Tracking in place"


def test_criteria_match_ignoring_case_and_spacing() -> None:
    item = WorkItem("B-1", "Blog").with_criteria_met("copy  PROOFREAD")
    assert DOD.check(item).met == ("Copy proofread",)


def test_criteria_an_item_records_beyond_the_checklist_are_ignored() -> None:
    item = WorkItem("B-1", "Blog").with_criteria_met("Celebrated")
    assert DOD.check(item).met == ()


def test_require_lists_every_unmet_criterion_and_names_the_item() -> None:
    item = WorkItem("EM-7", "Webinar reminder", kind="email").with_criteria_met("Links tested")
    with pytest.raises(NotDone) as caught:
        DOD.require(item)
    err = caught.value
    assert err.key == "EM-7"
    assert err.unmet == ("Copy proofread", "Tracking in place", "Spam check passed")
    assert err.met == ("Links tested",)
    message = str(err)
    assert "item EM-7" in message
    assert "1/4" in message
    for criterion in err.unmet:
        assert criterion in message
    assert "Fix:" in message


def test_require_returns_the_check_when_done() -> None:
    item = WorkItem("B-1", "Blog").with_criteria_met(*DOD.default)
    assert DOD.require(item).is_done


def test_an_empty_definition_means_every_item_is_done() -> None:
    check = DefinitionOfDone().check(WorkItem("B-1", "Blog"))
    assert check.is_done
    assert check.progress == 1.0
    assert check.summary == "0/0 criteria met"


def test_duplicate_and_empty_criteria_are_reported_together() -> None:
    with pytest.raises(InvalidInputGroup) as caught:
        DefinitionOfDone(["Proofread", "proofread", " "])
    assert len(caught.value.exceptions) == 2


def test_a_problem_in_the_default_checklist_is_reported_once_not_per_kind() -> None:
    with pytest.raises(InvalidInputGroup) as caught:
        DefinitionOfDone(["Proofread", "proofread", ""], per_kind={"email": ["Spam"], "event": []})
    assert [str(e).split(":")[0] for e in caught.value.exceptions] == [
        "DefinitionOfDone, default",
        "DefinitionOfDone, default",
    ]


def test_a_kind_repeating_a_default_criterion_is_refused() -> None:
    with pytest.raises(InvalidValue, match="listed twice"):
        DefinitionOfDone(["Proofread"], per_kind={"email": ["Proofread"]})


def test_the_definition_is_frozen() -> None:
    with pytest.raises(AttributeError):
        DOD.default = ()  # type: ignore[misc]


def test_from_mapping_reads_plain_data() -> None:
    dod = DefinitionOfDone.from_mapping({"default": ["Proofread"], "Email": ["Spam check"]})
    assert dod.criteria_for("email") == ("Proofread", "Spam check")


def test_from_mapping_refuses_a_string_where_a_list_belongs() -> None:
    with pytest.raises(InvalidValue, match="key 'email'"):
        DefinitionOfDone.from_mapping({"email": "Spam check"})


names = st.lists(
    st.text(alphabet="abcdefgh ", min_size=1, max_size=8).filter(lambda s: s.strip()),
    max_size=8,
    unique_by=lambda s: " ".join(s.split()).casefold(),
)


@given(names, st.data())
def test_met_and_unmet_partition_the_checklist(criteria: list[str], data: st.DataObject) -> None:
    dod = DefinitionOfDone(criteria)
    recorded = data.draw(st.lists(st.sampled_from(criteria)) if criteria else st.just([]))
    check = dod.check(WorkItem("X-1", "Item").with_criteria_met(*recorded))
    assert sorted(check.met + check.unmet) == sorted(dod.criteria_for("task"))
    assert 0.0 <= check.progress <= 1.0
    assert check.is_done == (len(check.met) == check.total)
    assert isinstance(check, DoneCheck)


def test_two_spellings_of_one_kind_are_refused_not_merged_silently() -> None:
    with pytest.raises(InvalidValue, match="'Email' and 'email'"):
        DefinitionOfDone(per_kind={"Email": ["Spam check"], "email": ["Links tested"]})
