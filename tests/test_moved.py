"""The old homes of moved modules still import, for one release, with a DeprecationWarning.

Each test forgets the old module first (sys.modules and the package attribute), because an old
name warns once per process: when it is first imported.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import types
from collections.abc import Iterator

import pytest

import agilemarketing
import agilemarketing.planning.blueprint
import agilemarketing.planning.experiments
import agilemarketing.planning.file
import agilemarketing.planning.guidepoint
import agilemarketing.planning.intake
import agilemarketing.planning.poker
import agilemarketing.planning.serialise
import agilemarketing.planning.showcase
import agilemarketing.planning.stakeholders
import agilemarketing.planning.workshop
import agilemarketing.prioritisation

MOVED_WHOLE = {
    "experiments": agilemarketing.planning.experiments,
    "poker": agilemarketing.planning.poker,
    "prioritization": agilemarketing.prioritisation,
    "showcase": agilemarketing.planning.showcase,
    "workshop": agilemarketing.planning.workshop,
}
SPLIT = {
    "guidepoint": (agilemarketing.planning.guidepoint, agilemarketing.planning.blueprint),
    "serialize": (agilemarketing.planning.file, agilemarketing.planning.serialise),
    "stakeholders": (agilemarketing.planning.stakeholders, agilemarketing.planning.intake),
}
OLD_ALL = {  # the __all__ the old modules had, name for name
    "guidepoint": {"Blueprint", "BlueprintDiff", "CapacityCheck", "Guidepoint", "Kpi",
                   "Outcome", "Priority", "PruningReport", "month_of"},
    "serialize": {"BlueprintVersion", "PlanningFile", "dumps", "load", "loads", "register",
                  "save", "structure", "unstructure"},
    "stakeholders": {"DEFAULT_DETECTORS", "IDENTIFICATION_QUESTIONS", "NEXT_PLANNING",
                     "QUESTIONS", "ImperativeTactic", "Intake", "Reason", "Request",
                     "RequestCheck", "Stakeholder", "StakeholderRegister", "TacticDetector",
                     "TriageDecision", "Verdict", "check_request"},
}  # fmt: skip


def _forget(name: str) -> None:
    sys.modules.pop(f"agilemarketing.{name}", None)
    agilemarketing.__dict__.pop(name, None)


@pytest.fixture
def forget_old_names() -> Iterator[None]:
    """Each test imports the old names afresh, and leaves no trace of them behind."""
    for name in (*MOVED_WHOLE, *SPLIT):
        _forget(name)
    yield
    for name in (*MOVED_WHOLE, *SPLIT):
        _forget(name)


def _import(name: str) -> types.ModuleType:
    return importlib.import_module(f"agilemarketing.{name}")


@pytest.mark.usefixtures("forget_old_names")
@pytest.mark.parametrize("old", sorted(MOVED_WHOLE))
def test_a_module_that_moved_whole_is_the_new_module_itself(old: str) -> None:
    new = MOVED_WHOLE[old]
    with pytest.deprecated_call(match=rf"agilemarketing\.{old} is deprecated") as caught:
        module = _import(old)
    assert module is new
    assert sys.modules[f"agilemarketing.{old}"] is new
    assert str(caught.list[0].message) == (
        f"agilemarketing.{old} is deprecated and goes in the next release: "
        f"import from {new.__name__} instead"
    )


@pytest.mark.usefixtures("forget_old_names")
@pytest.mark.parametrize("old", sorted(SPLIT))
def test_a_module_that_was_split_holds_every_old_name_from_its_parts(old: str) -> None:
    parts = SPLIT[old]
    with pytest.deprecated_call() as caught:
        module = _import(old)
    assert str(caught.list[0].message) == (
        f"agilemarketing.{old} is deprecated and goes in the next release: "
        f"import from {parts[0].__name__} and {parts[1].__name__} instead"
    )
    assert set(module.__all__) >= OLD_ALL[old]  # names added since may come along
    for name in module.__all__:
        owner = next(part for part in parts if name in part.__all__)
        assert getattr(module, name) is getattr(owner, name)


@pytest.mark.usefixtures("forget_old_names")
def test_from_an_old_module_import_a_name_works() -> None:
    with pytest.deprecated_call():
        from agilemarketing.poker import Deck, PokerSession
    with pytest.deprecated_call():
        from agilemarketing.guidepoint import Blueprint, month_of
    assert Deck is agilemarketing.planning.poker.Deck
    assert PokerSession is agilemarketing.planning.poker.PokerSession
    assert Blueprint is agilemarketing.planning.blueprint.Blueprint
    assert month_of("2026-4") == "2026-04"


@pytest.mark.usefixtures("forget_old_names")
def test_an_old_module_is_still_an_attribute_of_the_package() -> None:
    with pytest.deprecated_call(match=r"agilemarketing\.workshop is deprecated"):
        workshop = agilemarketing.workshop  # type: ignore[attr-defined]
    assert workshop is agilemarketing.planning.workshop
    with pytest.deprecated_call(match=r"agilemarketing\.serialize is deprecated"):
        from agilemarketing import serialize  # type: ignore[attr-defined]
    assert serialize.PlanningFile is agilemarketing.planning.file.PlanningFile
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        agilemarketing.nothing_here  # type: ignore[attr-defined]  # noqa: B018


@pytest.mark.usefixtures("forget_old_names")
def test_an_old_name_warns_once_then_stays_imported() -> None:
    with pytest.deprecated_call():
        first = _import("experiments")
    second = _import("experiments")  # no warning: filterwarnings=error would raise here
    assert first is second


def test_the_warning_points_at_the_line_that_imports_the_old_name() -> None:
    script = "import warnings\nwarnings.simplefilter('always')\nimport agilemarketing.poker\n"
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stderr.startswith("<string>:3: DeprecationWarning: agilemarketing.poker is")
