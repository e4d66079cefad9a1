"""agilemarketing: the backlog, planning practices, flow metrics and forecasts of agile marketing.

The public API is re-exported here; every name lives in a module named after its domain noun
(``agilemarketing.backlog``, ``agilemarketing.metrics``...), where the less common names are too.
Errors live in ``agilemarketing.errors``.
"""

from typing import TYPE_CHECKING

from agilemarketing._moved import install as _install_old_paths
from agilemarketing._moved import old_module as _old_module
from agilemarketing._version import __version__
from agilemarketing.adapter import (
    Adapter,
    Capabilities,
    ChangeResult,
    ChangeStatus,
    CreateItem,
    Cursor,
    ItemRecord,
    MoveStatus,
    ReadResult,
    Rerank,
    UpdateFields,
    parse_adapter_url,
)
from agilemarketing.backlog import (
    Backlog,
    OutsideOutcomes,
    PrunePlan,
    RankChange,
    Stale,
    WontHave,
    rank_changes,
)
from agilemarketing.board import Board, HuddleView, WipOverride
from agilemarketing.cycles import Capacity, Cycle, CycleReport, CycleRun, capacity_from_history
from agilemarketing.done import DefinitionOfDone, DoneCheck
from agilemarketing.errors import (
    AgileMarketingError,
    AntiMetricError,
    InvalidInputGroup,
    InvalidValue,
    NotDone,
    NotFound,
    OverCommitted,
    WipBreach,
)
from agilemarketing.flow import Backwards, DataQualityReport, FlowLog, FlowPolicy
from agilemarketing.forecast import (
    ForecastMethod,
    ThroughputSample,
    backlog_clearance,
    how_many_by,
    ranked_completion,
    when_done,
)
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.historyio import HistoryTable, read_history, write_history
from agilemarketing.hookspecs import hookimpl
from agilemarketing.items import CustomerStory, Size, SizeUnit, TShirt, WorkItem
from agilemarketing.metrics import FlowMetrics, Metric, Window
from agilemarketing.mirror import Mirror, MirrorAdapter
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
from agilemarketing.plugins import adapter_for_url, get_plugin_manager
from agilemarketing.prioritisation import (
    ICE,
    RICE,
    WSJF,
    Ballot,
    Consensus,
    MoSCoW,
    MoSCoWPrioritiser,
    Prioritiser,
    Ranking,
    Score,
    ValueVsEffort,
    consensus,
    prioritise,
)
from agilemarketing.report import FlowReport, load_history
from agilemarketing.simulate import simulate_board
from agilemarketing.sync import ConflictPolicy, SyncConfig
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Stage, StageCategory, WipLimit, Workflow

_install_old_paths()
if not TYPE_CHECKING:  # type checkers keep refusing unknown names
    __getattr__ = _old_module  # agilemarketing.poker etc.: the moved modules' old names

__all__ = [
    "ICE",
    "RICE",
    "WSJF",
    "Adapter",
    "AgileMarketingError",
    "AntiMetricError",
    "Backlog",
    "Backwards",
    "Ballot",
    "BlockedPeriod",
    "Blueprint",
    "Board",
    "Capabilities",
    "Capacity",
    "ChangeResult",
    "ChangeStatus",
    "ConflictPolicy",
    "Consensus",
    "CreateItem",
    "Cursor",
    "CustomerStory",
    "Cycle",
    "CycleReport",
    "CycleRun",
    "DataQualityReport",
    "Deck",
    "DefinitionOfDone",
    "DoneCheck",
    "Experiment",
    "FlowLog",
    "FlowMetrics",
    "FlowPolicy",
    "FlowReport",
    "ForecastMethod",
    "Guidepoint",
    "HistoryTable",
    "HuddleView",
    "Intake",
    "InvalidInputGroup",
    "InvalidValue",
    "ItemHistory",
    "ItemRecord",
    "Kpi",
    "LaunchPlan",
    "Metric",
    "Mirror",
    "MirrorAdapter",
    "MoSCoW",
    "MoSCoWPrioritiser",
    "MoveStatus",
    "NotDone",
    "NotFound",
    "Outcome",
    "OutsideOutcomes",
    "OverCommitted",
    "PlanningFile",
    "PlanningWorkshop",
    "PokerSession",
    "PokerTable",
    "Prioritiser",
    "Priority",
    "PrunePlan",
    "RankChange",
    "Ranking",
    "ReadResult",
    "Request",
    "Rerank",
    "Retrospective",
    "Score",
    "Size",
    "SizeUnit",
    "Stage",
    "StageCategory",
    "Stakeholder",
    "StakeholderRegister",
    "Stale",
    "SuccessCriterion",
    "SyncConfig",
    "TShirt",
    "ThroughputSample",
    "Transition",
    "UpdateFields",
    "ValueVsEffort",
    "Window",
    "WipBreach",
    "WipLimit",
    "WipOverride",
    "WontHave",
    "WorkCalendar",
    "WorkItem",
    "Workflow",
    "__version__",
    "adapter_for_url",
    "backlog_clearance",
    "capacity_from_history",
    "check_request",
    "consensus",
    "cycle_from_history",
    "get_plugin_manager",
    "hookimpl",
    "how_many_by",
    "load_history",
    "parse_adapter_url",
    "plan_cycle",
    "prioritise",
    "rank_changes",
    "ranked_completion",
    "read_history",
    "simulate_board",
    "team_showcase",
    "when_done",
    "write_history",
]
