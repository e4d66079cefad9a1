"""Specification of work items: frozen values, validated on construction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidValue
from agilemarketing.items import CustomerStory, Size, SizeUnit, TShirt, WorkItem

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_kind_is_an_open_set_normalised_to_lower_case() -> None:
    assert WorkItem("K-1", "Webinar", kind="  Webinar Series ").kind == "webinar series"


def test_blank_key_or_title_is_refused_with_the_field_named() -> None:
    with pytest.raises(InvalidValue, match="key must not be empty"):
        WorkItem("  ", "Title")
    with pytest.raises(InvalidValue, match="title must not be empty"):
        WorkItem("K-1", "")


def test_timestamps_are_converted_to_utc() -> None:
    cet = timezone(timedelta(hours=1))
    item = WorkItem("K-1", "Email", created_at=datetime(2026, 3, 2, 10, tzinfo=cet))
    assert item.created_at == T0
    assert item.created_at is not None
    assert item.created_at.tzinfo is UTC


def test_iso_strings_with_offsets_are_accepted() -> None:
    assert WorkItem("K-1", "Email", created_at="2026-03-02T10:00:00+01:00").created_at == T0


def test_naive_timestamps_are_refused_because_they_are_ambiguous() -> None:
    with pytest.raises(InvalidValue, match="no timezone"):
        WorkItem("K-1", "Email", created_at=datetime(2026, 3, 2, 9))


def test_an_item_cannot_finish_before_it_starts() -> None:
    with pytest.raises(InvalidValue, match=r"done_at .* is before started_at") as info:
        WorkItem("K-1", "Email", started_at=T0, done_at=T0 - timedelta(hours=1))
    assert "item K-1" in str(info.value)


def test_sizes_are_non_negative_and_finite() -> None:
    with pytest.raises(InvalidValue, match="0 or more"):
        Size.points(-1)
    with pytest.raises(InvalidValue):
        Size.points(float("nan"))


def test_tshirt_sizes_carry_a_point_equivalent_for_capacity_arithmetic() -> None:
    size = Size.tshirt("m")
    assert (size.unit, size.label, size.value) == (SizeUnit.TSHIRT, "M", TShirt.M.points)
    with pytest.raises(InvalidValue, match="unknown t-shirt size"):
        Size.tshirt("huge")


def test_customer_story_reads_as_a_sentence() -> None:
    story = CustomerStory("marketer", "one list of work", "priorities are visible")
    assert str(story) == "As a marketer, I want one list of work, so that priorities are visible."


@pytest.mark.parametrize(
    ("role", "opening"),
    [
        ("IT buyer", "As an IT buyer,"),
        ("event organiser", "As an event organiser,"),
        ("user of the app", "As a user of the app,"),
        ("an existing customer", "As an existing customer,"),
        ("the CFO", "As the CFO,"),
    ],
)
def test_customer_story_puts_the_article_the_role_needs(role: str, opening: str) -> None:
    assert str(CustomerStory(role, "x", "y")).startswith(opening)


def test_items_are_immutable_and_evolve_into_copies() -> None:
    item = WorkItem("K-1", "Email")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        item.title = "Other"  # type: ignore[misc]
    sized = item.with_size(Size.points(3))
    assert (item.points, sized.points) == (0.0, 3.0)
    assert item.with_criteria_met("proofread").done_criteria == {"proofread"}


@given(st.lists(st.text(min_size=1).filter(str.strip), max_size=8))
def test_labels_are_a_set_of_trimmed_non_blank_strings(labels: list[str]) -> None:
    item = WorkItem("K-1", "Email", labels=labels)
    assert item.labels == {label.strip() for label in labels}


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_any_non_negative_point_size_is_kept_exactly(points: float) -> None:
    assert WorkItem("K-1", "Email", size=Size.points(points)).points == points


def test_a_size_that_is_not_a_number_says_what_to_use() -> None:
    with pytest.raises(InvalidValue, match="size must be a number") as info:
        Size.points("abc")  # type: ignore[arg-type]
    assert info.value.value == "abc"
    assert Size.points("2.5").value == 2.5  # type: ignore[arg-type]
