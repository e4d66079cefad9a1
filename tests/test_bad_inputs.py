"""Errors never point nowhere: bad inputs get the library's errors, naming what and where.

Issue 15, point 7: every public constructor (and the few public calls named in the issue) gives
an :class:`~agilemarketing.errors.AgileMarketingError` that names the argument, the value and
what to use, never a bare ``ValueError``/``TypeError``/``AttributeError``. The walk over every
public constructor of the model and the planning practices is in ``test_constructors.py``.
"""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from agilemarketing import errors
from agilemarketing.backlog import Backlog
from agilemarketing.cycles import Capacity, Cycle, CycleRun
from agilemarketing.errors import AgileMarketingError, InvalidValue
from agilemarketing.items import WorkItem
from agilemarketing.planning.blueprint import Blueprint, Priority
from agilemarketing.planning.guidepoint import Guidepoint, Kpi, Outcome
from agilemarketing.planning.showcase import team_showcase
from agilemarketing.planning.stakeholders import Stakeholder
from agilemarketing.prioritisation import prioritise
from agilemarketing.workflow import WipLimit

SRC = Path(__file__).resolve().parent.parent / "src" / "agilemarketing"
GP = Guidepoint("x", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])


def refused(call: object, *words: str) -> AgileMarketingError:
    assert callable(call)
    with pytest.raises(AgileMarketingError) as caught:
        call()
    text = str(caught.value)
    for word in words:
        assert word in text, (word, text)
    assert caught.value.fix, text  # and it says what to do
    return caught.value


def test_a_kpi_target_must_be_a_number() -> None:
    err = refused(lambda: Kpi("qualified leads", target="fifty"), "Kpi.target", "'fifty'")
    assert isinstance(err, InvalidValue)  # still a ValueError for callers that catch one


def test_an_unknown_stakeholder_reason_names_the_four_questions() -> None:
    refused(lambda: Stakeholder("Sam", {"likes us"}), "reason", "'likes us'", "asked for work")


@pytest.mark.parametrize("bad", ["3", 1.5, -1, True])
def test_a_wip_limit_is_a_whole_number_of_items(bad: object) -> None:
    refused(lambda: WipLimit(bad), "WipLimit", repr(bad))  # type: ignore[arg-type]


def test_a_capacity_unit_is_points_or_items() -> None:
    refused(lambda: Capacity(8, unit="hours"), "Capacity.unit", "'hours'", "points", "items")
    refused(lambda: Capacity("lots"), "Capacity.amount", "'lots'")  # type: ignore[arg-type]


def test_the_backlog_takes_work_items() -> None:
    refused(lambda: Backlog().insert("MKT-9"), "Backlog.insert", "WorkItem")  # type: ignore[arg-type]


def test_a_plugin_prioritiser_must_return_a_score() -> None:
    class Sloppy:
        name = "sloppy"

        def score(self, item: WorkItem) -> float:
            return 1.0

    refused(lambda: prioritise([WorkItem("A", "a")], Sloppy()), "sloppy", "Score")  # type: ignore[arg-type]


def test_the_showcase_needs_a_closed_cycle() -> None:
    run = CycleRun(Cycle("C", datetime(2026, 4, 6, tzinfo=UTC), Capacity.items(1)))
    refused(lambda: team_showcase(run), "CycleRun", "run.close()")  # type: ignore[arg-type]


def test_a_duplicate_blueprint_priority_points_to_a_method_that_exists() -> None:
    bp = Blueprint(GP, "2026-04", 10).add(Priority("Launch", "pipeline", {"2026-04": 5}))
    refused(
        lambda: bp.add(Priority("launch", "pipeline", {"2026-05": 3})),
        "'Launch' is already",
        "Blueprint.reschedule('Launch', effort)",
    )
    moved = bp.reschedule("Launch", {"2026-05": 3})
    assert dict(moved.priority("Launch").effort) == {"2026-05": 3.0}
    assert moved.diff(bp).lines() == ["rescheduled Launch: 2026-05 3 -> 2026-04 5"]


# --- no fix points nowhere -----------------------------------------------------------------------


def _defined_names() -> set[str]:
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


def _fix_texts() -> list[tuple[str, str]]:
    """Every string literal passed as ``fix=`` (or as an error's fix default) in the package."""
    found: list[tuple[str, str]] = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                values += [k.value for k in node.keywords if k.arg == "fix"]
            for value in values:
                for part in ast.walk(value):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        found.append((f"{path.relative_to(SRC)}:{part.lineno}", part.value))
    return found


CALLED = re.compile(r"(?<![\w.'\"])(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)\(")


def test_every_method_an_error_tells_you_to_use_exists() -> None:
    defined = _defined_names() | set(dir(__builtins__)) | {"datetime", "timedelta", "date"}
    missing = [
        (where, name)
        for where, text in _fix_texts()
        for name in CALLED.findall(text)
        if name not in defined
    ]
    assert missing == []


def test_the_error_module_lists_the_new_error() -> None:
    assert "NotFacilitator" in errors.__all__
