"""Builders the planning tests share: Guidepoints, requests, an intake, the project's root.

The value builders are session-scoped (their values are frozen), so property tests can use them
too; the intake is a new one for every test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from agilemarketing.backlog import Backlog
from agilemarketing.items import WorkItem
from agilemarketing.planning.guidepoint import Guidepoint, Kpi, Outcome
from agilemarketing.planning.intake import Intake
from agilemarketing.planning.stakeholders import Request

MakeGuidepoint = Callable[..., Guidepoint]
MakeRequest = Callable[..., Request]


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository's root: ``docs/`` and ``examples/`` are there."""
    return Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def make_guidepoint() -> MakeGuidepoint:
    """A Guidepoint for April to June 2026 with the given outcomes (names or Outcomes).

    ``make_guidepoint()`` has the single outcome ``pipeline``; ``statement`` and the
    Guidepoint's other arguments are keywords.
    """

    def make(*outcomes: str | Outcome, statement: str = "x", **kwargs: Any) -> Guidepoint:
        named = [o if isinstance(o, Outcome) else Outcome(o) for o in outcomes or ("pipeline",)]
        return Guidepoint(statement, date(2026, 4, 1), date(2026, 6, 30), named, **kwargs)

    return make


@pytest.fixture(scope="session")
def pipeline_guidepoint(make_guidepoint: MakeGuidepoint) -> Guidepoint:
    """The smallest Guidepoint: the single outcome pipeline."""
    return make_guidepoint()


@pytest.fixture(scope="session")
def guidepoint(make_guidepoint: MakeGuidepoint) -> Guidepoint:
    """Pipeline (qualified leads 12 of 50, owned by Sam) and retention (churn 5%, target 3%)."""
    return make_guidepoint(
        Outcome("pipeline", kpis=[Kpi("qualified leads", 50, current=12)], owner="Sam"),
        Outcome("retention", kpis=[Kpi("churn", 3, current=5, unit="%", higher_is_better=False)]),
        statement="Sales has a pipeline it can follow up, and customers stay",
        agreed_with=["Sam", "Priya"],
    )


@pytest.fixture(scope="session")
def good_request() -> MakeRequest:
    """A complete request from Sam: a problem, its customer, outcome, goal and success."""

    def make(key: str = "REQ-1", serves: str = "pipeline") -> Request:
        return Request(
            key,
            "Sam",
            "Prospects do not know our new banking app",
            customer="retail banking customers",
            desired_outcome="build the sales pipeline",
            serves=serves,
            success="at least 50 qualified new leads within 30 days",
        )

    return make


@pytest.fixture(scope="session")
def tactic_request() -> Request:
    """A request that only prescribes a tactic (an email to everyone)."""
    return Request(
        "REQ-9", "Sam", "I want you to send an email to everyone on our mailing list about the app"
    )


@pytest.fixture(scope="session")
def new_intake(guidepoint: Guidepoint) -> Callable[[], Intake]:
    """A new intake each call: Maya owns it, its backlog holds one pipeline webinar."""

    def make() -> Intake:
        backlog = Backlog([WorkItem("MKT-1", "Spring webinar", outcome="pipeline")])
        return Intake("Maya", backlog, guidepoint)

    return make


@pytest.fixture
def intake(new_intake: Callable[[], Intake]) -> Intake:
    """This test's intake (see :func:`new_intake`)."""
    return new_intake()
