"""Prioritisation: scores that explain themselves, stable rankings, fair collaborative ranking."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from builders import item_with_fields as item
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.backlog import Backlog
from agilemarketing.errors import (
    DuplicateItem,
    InvalidInputGroup,
    InvalidPriorityInput,
    InvalidValue,
)
from agilemarketing.items import WorkItem
from agilemarketing.prioritisation import (
    BUILTIN_PRIORITISERS,
    ICE,
    RICE,
    WSJF,
    MoSCoW,
    MoSCoWPrioritiser,
    Prioritiser,
    Score,
    ValueVsEffort,
    prioritise,
)


def problems_of(group: pytest.ExceptionInfo[InvalidInputGroup]) -> list[tuple[str, str, bool]]:
    return sorted(
        (e.key, e.field, e.missing)
        for e in group.value.exceptions
        if isinstance(e, InvalidPriorityInput)
    )


# --- MoSCoW ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Must", MoSCoW.MUST),
        (" m ", MoSCoW.MUST),
        ("should have", MoSCoW.SHOULD),
        ("C", MoSCoW.COULD),
        ("Won't", MoSCoW.WONT),
        ("won\u2019t", MoSCoW.WONT),
        ("WONT", MoSCoW.WONT),
        ("will not", MoSCoW.WONT),
        (MoSCoW.COULD, MoSCoW.COULD),
    ],
)
def test_moscow_categories_are_read_from_names_and_letters(text: Any, category: MoSCoW) -> None:
    assert MoSCoW.parse(text) is category


def test_moscow_orders_must_first_and_wont_last() -> None:
    assert sorted(MoSCoW) == [MoSCoW.MUST, MoSCoW.SHOULD, MoSCoW.COULD, MoSCoW.WONT]
    assert MoSCoW.MUST < MoSCoW.WONT
    assert [c.weight for c in MoSCoW] == [3, 2, 1, 0]


def test_an_unknown_moscow_category_names_the_item_and_the_choices() -> None:
    with pytest.raises(InvalidPriorityInput, match="item A-1, field 'moscow'") as caught:
        MoSCoW.parse("maybe", key="A-1")
    assert "Must, Should, Could, Won't" in str(caught.value)
    assert caught.value.value == "maybe"


def test_moscow_sort_puts_musts_first_and_keeps_order_within_a_category() -> None:
    items = [
        item("A", moscow="could"),
        item("B", moscow="must"),
        item("C", moscow="won't"),
        item("D", moscow="must"),
        item("E", moscow="should"),
    ]
    ranking = prioritise(items, MoSCoWPrioritiser())
    assert ranking.keys() == ["B", "D", "E", "A", "C"]
    assert [e.score.label for e in ranking] == ["Must", "Must", "Should", "Could", "Won't"]
    assert ranking[0].score.explanation == "MoSCoW = Must"


def test_a_missing_moscow_category_is_reported() -> None:
    with pytest.raises(InvalidPriorityInput, match="'moscow' is missing"):
        MoSCoWPrioritiser().score(item("A"))


# --- RICE, ICE, WSJF... ---------------------------------------------------------------------------


def test_rice_explains_its_arithmetic() -> None:
    score = RICE().score(item("A", reach=2000, impact=2, confidence=0.8, effort=4))
    assert score.value == pytest.approx(800)
    assert score.explanation == "RICE = reach 2000 x impact 2 x confidence 80% / effort 4 = 800"
    assert score.inputs == {"reach": 2000, "impact": 2, "confidence": 0.8, "effort": 4}
    assert str(score) == score.explanation


def test_rice_reads_percentages_and_impact_words() -> None:
    score = RICE().score(item("A", reach="500", impact="massive", confidence="50%", effort=1.5))
    assert score.value == pytest.approx(500 * 3 * 0.5 / 1.5)


def test_rice_reports_every_missing_or_invalid_input_at_once() -> None:
    with pytest.raises(InvalidInputGroup) as caught:
        RICE().score(item("A", reach=-5, confidence=80, effort=0))
    assert problems_of(caught) == [
        ("A", "confidence", False),
        ("A", "effort", False),
        ("A", "impact", True),
        ("A", "reach", False),
    ]
    confidence = next(e for e in caught.value.exceptions if e.field == "confidence")  # type: ignore[attr-defined]
    assert "fraction 0..1 or a percentage like '80%'" in str(confidence)


def test_explicit_inputs_take_precedence_over_item_fields() -> None:
    rice = RICE(inputs={"A": {"reach": 10}})
    score = rice.score(item("A", reach=99, impact=1, confidence=1, effort=1))
    assert score.value == 10


def test_booleans_and_nan_are_not_numbers() -> None:
    with pytest.raises(InvalidInputGroup) as caught:
        ICE().score(item("A", impact=True, confidence=float("nan"), ease=11))
    assert [p[1] for p in problems_of(caught)] == ["confidence", "ease", "impact"]


def test_ice_multiplies_three_one_to_ten_ratings() -> None:
    score = ICE().score(item("A", impact=8, confidence=6, ease=5))
    assert score.value == 240
    assert score.explanation == "ICE = impact 8 x confidence 6 x ease 5 = 240"


def test_wsjf_divides_cost_of_delay_by_job_size() -> None:
    score = WSJF().score(item("A", business_value=8, time_criticality=5, risk_reduction=3,
                              job_size=4))  # fmt: skip
    assert score.value == 4
    assert score.inputs["cost_of_delay"] == 16
    assert "(value 8 + time criticality 5 + risk reduction 3 = 16) / job size 4 = 4" in str(score)


def test_wsjf_job_size_falls_back_to_the_item_size() -> None:
    fields = {"business_value": 3, "time_criticality": 3, "risk_reduction": 0}
    assert WSJF().score(item("A", 2, **fields)).value == 3
    with pytest.raises(InvalidPriorityInput, match="'job_size' is missing"):
        WSJF().score(item("B", **fields))


@pytest.mark.parametrize(
    ("value", "effort", "quadrant"),
    [(8, 2, "quick win"), (8, 8, "big bet"), (2, 2, "fill-in"), (2, 8, "time sink")],
)
def test_value_versus_effort_names_the_quadrant(value: int, effort: int, quadrant: str) -> None:
    score = ValueVsEffort().score(item("A", value=value, effort=effort))
    assert score.label == quadrant
    assert score.value == value / effort
    assert score.explanation.endswith(f"({quadrant})")


def test_builtin_prioritisers_have_unique_names_and_follow_the_protocol() -> None:
    names = [cls.name for cls in BUILTIN_PRIORITISERS]
    assert len(set(names)) == len(names) == 5
    assert all(isinstance(cls(), Prioritiser) for cls in BUILTIN_PRIORITISERS)


# --- prioritise -----------------------------------------------------------------------------------


def test_prioritise_reports_every_items_problems_together() -> None:
    items = [item("A", reach=1), item("B", reach=1, impact=1, confidence=1, effort=1), item("C")]
    with pytest.raises(InvalidInputGroup) as caught:
        prioritise(items, RICE())
    found = problems_of(caught)
    assert {key for key, _, _ in found} == {"A", "C"}
    assert len(found) == 3 + 4


def test_prioritise_refuses_duplicate_keys() -> None:
    with pytest.raises(DuplicateItem, match="A"):
        prioritise([item("A", moscow="m"), item("A", moscow="s")], MoSCoWPrioritiser())


def test_equal_scores_keep_the_backlog_order() -> None:
    backlog = Backlog([item(k, moscow="should") for k in ["Z", "B", "M"]])
    assert prioritise(backlog, MoSCoWPrioritiser()).keys() == ["Z", "B", "M"]


def test_equal_scores_of_an_unordered_set_fall_back_to_the_key() -> None:
    items = {item(k, moscow="should") for k in ["Z", "B", "M"]}
    assert prioritise(items, MoSCoWPrioritiser()).keys() == ["B", "M", "Z"]


def test_a_ranking_written_back_moves_only_what_must_move() -> None:
    backlog = Backlog(
        [item("A", moscow="s"), item("B", moscow="s"), item("C", moscow="m"), item("D", moscow="c")]
    )
    ranking = prioritise(backlog, MoSCoWPrioritiser())
    changes = ranking.apply_to(backlog)
    assert backlog.keys() == ["C", "A", "B", "D"]
    assert [(c.key, c.before) for c in changes] == [("C", "A")]
    assert "1. C work C: MoSCoW = Must" in ranking.table()


def test_a_ranking_of_some_items_reorders_them_in_their_own_slots() -> None:
    backlog = Backlog([item("A"), item("B", moscow="c"), item("C"), item("D", moscow="m")])
    ranking = prioritise([backlog.find("B"), backlog.find("D")], MoSCoWPrioritiser())
    ranking.apply_to(backlog)
    assert backlog.keys() == ["A", "D", "C", "B"]


def test_a_custom_prioritiser_with_a_non_finite_score_is_reported() -> None:
    class Broken:
        name = "broken"

        def score(self, work: WorkItem) -> Score:
            return Score(float("inf"), "infinite", self.name)

    with pytest.raises(InvalidValue, match="not a finite number"):
        prioritise([item("A")], Broken())


@given(st.lists(st.sampled_from(list(MoSCoW)), max_size=30))
def test_prioritise_is_a_stable_sort_by_score(categories: list[MoSCoW]) -> None:
    items = [item(f"K{i}", moscow=c) for i, c in enumerate(categories)]
    ranking = prioritise(items, MoSCoWPrioritiser())
    assert sorted(ranking.keys()) == sorted(i.key for i in items)
    expected = sorted(range(len(items)), key=lambda i: (categories[i], i))
    assert ranking.keys() == [f"K{i}" for i in expected]


def numeric_inputs(name: str, a: int, b: int, c: int) -> dict[str, Any]:
    """Inputs from small integers, so that equal scores (ties) are common."""
    inputs: dict[str, dict[str, Any]] = {
        "rice": {"reach": a * 100, "impact": b % 4, "confidence": c / 10, "effort": a},
        "ice": {"impact": a, "confidence": b, "ease": c},
        "wsjf": {"business_value": a, "time_criticality": b, "risk_reduction": c, "job_size": a},
        "value-vs-effort": {"value": b, "effort": a},
    }
    return inputs[name]


@pytest.mark.parametrize("name", ["rice", "ice", "wsjf", "value-vs-effort"])
@given(inputs=st.lists(st.tuples(*[st.integers(1, 5)] * 3), max_size=15))
def test_every_numeric_prioritiser_ranks_a_permutation_stably_by_score(
    name: str, inputs: list[tuple[int, int, int]]
) -> None:
    items = [item(f"K{i}", **numeric_inputs(name, *abc)) for i, abc in enumerate(inputs)]
    prioritiser = {cls.name: cls for cls in BUILTIN_PRIORITISERS}[name]()
    ranking = prioritise(items, prioritiser)
    assert sorted(ranking.keys()) == sorted(i.key for i in items)
    assert [entry.position for entry in ranking] == list(range(len(items)))
    scores = [entry.score.value for entry in ranking]
    assert scores == sorted(scores, reverse=True)
    order = {i.key: n for n, i in enumerate(items)}
    for above, below in itertools.pairwise(ranking.entries):
        if above.score.value == below.score.value:
            assert order[above.key] < order[below.key]
