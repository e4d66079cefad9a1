"""The planning practices of an agile marketing team, one module per practice.

- :mod:`~agilemarketing.planning.stakeholders`: the stakeholder register, requests that state
  problems, tactic detectors; :mod:`~agilemarketing.planning.intake`: the Marketing Owner's
  triage of those requests.
- :mod:`~agilemarketing.planning.guidepoint`: outcomes and KPIs;
  :mod:`~agilemarketing.planning.blueprint`: the three-month calendar against fixed capacity.
- :mod:`~agilemarketing.planning.poker`: Planning Poker;
  :mod:`~agilemarketing.planning.workshop`: the planning workshop, launches, Cycle Planning.
- :mod:`~agilemarketing.planning.experiments`: campaigns as experiments with success criteria.
- :mod:`~agilemarketing.planning.showcase`: the Team Showcase and Team Improvement.
- :mod:`~agilemarketing.planning.file`: the planning file the command line reads, written as
  JSON by :mod:`~agilemarketing.planning.serialise`.

They build on the model (:mod:`agilemarketing.backlog`, :mod:`agilemarketing.cycles`...), which
never imports them. The most used names are re-exported here.
"""

from agilemarketing.planning.blueprint import Blueprint, Priority
from agilemarketing.planning.experiments import Experiment, SuccessCriterion
from agilemarketing.planning.file import PlanningFile
from agilemarketing.planning.guidepoint import Guidepoint, Kpi, Outcome
from agilemarketing.planning.intake import Intake
from agilemarketing.planning.poker import Deck, PokerSession, PokerTable
from agilemarketing.planning.showcase import Retrospective, cycle_from_history, team_showcase
from agilemarketing.planning.stakeholders import (
    Request,
    Stakeholder,
    StakeholderRegister,
    check_request,
)
from agilemarketing.planning.workshop import LaunchPlan, PlanningWorkshop, plan_cycle

__all__ = [
    "Blueprint",
    "Deck",
    "Experiment",
    "Guidepoint",
    "Intake",
    "Kpi",
    "LaunchPlan",
    "Outcome",
    "PlanningFile",
    "PlanningWorkshop",
    "PokerSession",
    "PokerTable",
    "Priority",
    "Request",
    "Retrospective",
    "Stakeholder",
    "StakeholderRegister",
    "SuccessCriterion",
    "check_request",
    "cycle_from_history",
    "plan_cycle",
    "team_showcase",
]
